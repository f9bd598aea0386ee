"""Start a kernel confined: ``python -m autograder.launch [options] -- cmd ...``.

The kernel manager of :mod:`autograder.execute` puts this launcher in front of the kernel's
command line. Always: resource limits (address space, file size, processes, CPU seconds) and the
working directory. With ``--bwrap PATH`` (bubblewrap, the sandbox of Flatpak; Debian package
``bubblewrap``), as root or as an ordinary user where the kernel allows user namespaces:

* a file system of only the system directories (``/usr``, ``/etc``, ... :data:`SYSTEM`)
  read-only, every ``--expose`` path (the Python installation, the student edition's packages)
  read-only and every ``--keep`` path (the kernel's scratch directory) writable: nothing else
  exists -- not the course with its hidden tests and gradebook, not other submissions, not this
  repository or another checkout of it, not /tmp, /home, /root (``--hide`` paths inside the
  system directories are covered by an empty tmpfs);
* ``/dev`` read-only but for a ``/dev/shm`` of :data:`SHM_BYTES` (tmpfs is RAM that the
  address-space limit does not count; bubblewrap's own ``/dev`` and ``/dev/shm`` are a tmpfs of
  half the machine's RAM);
* new user, PID, IPC, UTS and (with ``--no-network``) network namespaces: the kernel is
  process 1 of its PID namespace, so when it ends or is killed, every process it started (fork
  bombs, detached daemons, ``setsid``) ends with it, ``/proc`` shows only these processes, and
  there is no network but an empty loopback;
* as root, the kernel runs as the unprivileged ``--user`` (a name, or ``#N`` for uid = gid = N
  without an account: one per grading process, so parallel kernels share no process limit), no
  supplementary groups, owning only ``--keep``.

Without bubblewrap, as root, the same by hand (``unshare``, ``mount``; :func:`hide`), with
the kernel as process 1 of its PID namespace, but starting from the whole file system: only the
``--hide`` paths are covered (with the Python installation and the edition bound back);
without either, only the limits apply (:func:`confinement` says which, for the grader's log).

The launcher stays as the parent of the kernel (it ignores SIGINT; the kernel manager signals the
whole process group, so interrupts reach the kernel) and dies with it; the kernel gets SIGKILL if
the launcher is killed, and the launcher if the grader process that started it (``--grader``)
dies, also when that happens before the launcher could ask for it. SIGTERM, SIGHUP or SIGQUIT to
the launcher end the kernel with SIGKILL (as process 1 of its PID namespace the kernel ignores
signals it has no handler for) and then the launcher.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys

LIMITS = {"memory": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
          "nproc": resource.RLIMIT_NPROC, "cpu": resource.RLIMIT_CPU}
CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
SHM_BYTES = 16 * 1024**2  # the kernel's /dev/shm (a tmpfs: RAM beyond RLIMIT_AS)
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")  # all of / a kernel sees


def limit_args(**limits):
    """``["--memory", "2000000000", ...]`` for the limits that are set (not None)."""
    args = []
    for name, value in limits.items():
        if name not in LIMITS:
            raise ValueError(f"unknown limit {name!r}")
        if value is not None:
            args += [f"--{name}", str(int(value))]
    return args


def apply(limits):
    """Lower the soft and hard limits (never raise them above the current hard limit)."""
    for name, value in limits.items():
        if value is None:
            continue
        which = LIMITS[name]
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


# ------------------------------------------------------------------ namespaces (Linux, root)
_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return _libc


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_c().mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None), f"mount {target}")


def hide(paths, keep, expose=()):
    """In a fresh mount namespace: cover ``paths`` with empty tmpfs, bind ``keep`` (writable)
    and ``expose`` (read-only, e.g. the Python installation) back in."""
    fds = {k: os.open(k, os.O_RDONLY | os.O_DIRECTORY) for k in [*keep, *expose]
           if os.path.isdir(k)}
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    hidden = []
    for path in sorted(set(paths), key=len):
        if not os.path.isdir(path) or any(path.startswith(h + "/") or path == h for h in hidden):
            continue
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
        hidden.append(path)
    for k, fd in fds.items():
        if any(k.startswith(h + "/") for h in hidden):
            os.makedirs(k, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", k, None, MS_BIND | MS_REC)
            if k not in keep:
                _mount("none", k, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
        os.close(fd)
    for h in hidden:  # read-only from now on
        _mount("none", h, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return hidden


def usable_by(user, path):
    """Whether ``path`` can be reached by anybody (o+x on every directory up to it)."""
    return _barrier(path) is None


def _barrier(path):
    """The first directory on the way to ``path`` that not everybody may enter, or None."""
    parts = os.path.realpath(path).split("/")
    for i in range(2, len(parts)):
        d = "/".join(parts[:i])
        if os.path.isdir(d) and not os.stat(d).st_mode & 0o001:
            return d
    return None


def ids(user):
    """(uid, gid) of a user name or of ``#N`` (uid = gid = N, no account needed)."""
    if user.startswith("#"):
        return int(user[1:]), int(user[1:])
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def _drop(user, keep):
    uid, gid = ids(user)
    for k in keep:
        for top, dirs, files in os.walk(k):
            for name in [top, *(os.path.join(top, n) for n in dirs + files)]:
                os.lchown(name, uid, gid)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def sandbox_args(bwrap, hidden, keep, expose, network=True):
    """bubblewrap's command line (before ``--`` and the kernel's): see the module docstring.
    The kernel's file system is built from nothing: the system directories :data:`SYSTEM`
    read-only (``hidden`` paths inside them covered), ``expose`` read-only, ``keep`` writable."""
    args = [bwrap, "--unshare-all", "--die-with-parent", "--as-pid-1",  # (ipykernel exits when
            "--dev", "/dev", "--proc", "/proc",                          # its parent is pid 1)
            # RAM outside the memory limit: /dev/shm at most SHM_BYTES (semaphores of
            # multiprocessing need it), the rest of /dev (a tmpfs of half the RAM) read-only
            "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
    for name in SYSTEM:
        path = "/" + name
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    if network:
        args.append("--share-net")
    inside = [h for h in sorted(set(hidden), key=len) if os.path.isdir(h)
              and any(h.startswith(f"/{name}/") for name in SYSTEM)]
    for path in inside:
        args += ["--tmpfs", path]
    for path in expose:
        if os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in keep:
        args += ["--bind", path, path]
    return args + ["--remount-ro", "/"]  # the folders made for the binds: not writable


def confine(user, hidden, keep, expose, cmd, limits, network=True, fallback=None, bwrap=None):
    """Start the kernel confined (bubblewrap ``bwrap``, else namespaces by hand) as ``user``;
    wait for it; return its exit code. Without ``network`` the kernel gets an empty network
    namespace (IPC transport only)."""
    if os.getuid() != 0:
        user = None
    if bwrap:
        argv = [*sandbox_args(bwrap, hidden, keep, expose, network), "--", *cmd]
        return _supervise(lambda: _reachable(user, keep, expose), argv, limits,
                          ignore_sigint=True)
    namespaces = True
    try:
        _check(_c().unshare(CLONE_NEWNS | CLONE_NEWPID | (0 if network else CLONE_NEWNET)),
               "unshare")
    except (OSError, AttributeError) as err:
        namespaces = False
        print(f"autograder.launch: no namespaces ({err}); paths are not hidden", file=sys.stderr)
    if namespaces:
        hide(hidden, keep, expose)
    else:
        user = fallback or user
    if not namespaces and not all(usable_by(user, p) for p in [*expose, cmd[0]]):
        print(f"autograder.launch: the Python installation is not reachable by {user}; the kernel "
              "runs as root", file=sys.stderr)
        user = None

    def prepare():  # in the kernel: process 1 of the new PID namespace
        if namespaces:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
        if user:
            _drop(user, keep)

    return _supervise(prepare, cmd, limits)


def _reachable(user, keep, expose):
    """As root, before bubblewrap runs as ``user``: a Python installation or scratch directory
    behind a directory only root may enter (``/root/.pyenv``) is made reachable in a private
    mount namespace (that directory becomes an empty tmpfs with the installation bound back
    read-only and the scratch directory writable; bubblewrap then hides it again), since
    bubblewrap resolves what it binds as ``user``."""
    if not user:
        return
    barriers = {b for p in [*keep, *expose] if (b := _barrier(p))}
    if barriers:
        _check(_c().unshare(CLONE_NEWNS), "unshare")
        hide(barriers, keep, expose)
    _drop(user, keep)


def _supervise(prepare, argv, limits, ignore_sigint=False):
    """Fork; the child runs ``prepare()``, takes the limits and executes ``argv``; the launcher
    waits for it and returns its exit code. ``ignore_sigint``: the child ignores the process
    group's SIGINT (bubblewrap would die of it; the kernel sets its own handler)."""
    alive, held = os.pipe()  # the launcher holds ``held`` until it dies (not inherited on exec)
    pid = os.fork()
    if pid == 0:
        try:
            os.close(held)
            _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            prepare()
            _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # again: setuid clears it
            if orphaned(alive):  # the launcher died before prctl could take effect
                os._exit(137)
            if ignore_sigint:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            apply(limits)
            os.execvp(argv[0], argv)
        except BaseException as err:  # noqa: BLE001 - report and leave the child
            import traceback

            print(f"autograder.launch: {err}\n{traceback.format_exc()[-1500:]}", file=sys.stderr)
        finally:
            os._exit(127)
    os.close(alive)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process group's SIGINT is the kernel's
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, lambda _s, _f: _end(pid, sandboxed=ignore_sigint))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            return 1
        except InterruptedError:
            continue
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 1


def _end(pid, sandboxed):
    """SIGKILL the kernel, the launcher's child ``pid`` or, in bubblewrap's sandbox
    (``sandboxed``), the child of ``pid``: bubblewrap then reaps the kernel and exits, so the
    kernel's CPU time is counted in the launcher's children (``getrusage``) as after a normal
    exit. ``pid`` itself is killed when it has no child (yet)."""
    kernels = []
    if sandboxed:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kernels = [int(child) for child in f.read().split()]
        except OSError:  # gone, or no /proc
            pass
    for target in kernels or [pid]:
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass


def die_with_parent(parent=None):
    """Have Linux SIGKILL this process when its parent ends (PR_SET_PDEATHSIG; elsewhere
    nothing). Returns False if the process ``parent`` (a pid) has already ended, i.e. this one
    was orphaned before the request took effect."""
    try:
        _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):  # not Linux
        pass
    return not parent or os.getppid() == parent


def orphaned(fd):
    """Whether every write end of the pipe ``fd`` reads from is closed (EOF), i.e. the process
    that held it has died. A killed launcher leaves no orphaned kernel: the kernel checks this
    once PR_SET_PDEATHSIG is in force, which closes the window between fork and prctl."""
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 1) == b""
    except BlockingIOError:
        return False


@functools.cache
def bubblewrap():
    """The path of a ``bwrap`` that can build the sandbox here, or None (not installed, or the
    kernel allows no user namespaces). As root it is tried as an unprivileged user, as the
    kernel will be."""
    bwrap = shutil.which("bwrap")
    if not bwrap or not sys.platform.startswith("linux"):
        return None
    probe = [*sandbox_args(bwrap, ["/tmp"], [], []), "--", "true"]
    drop = (lambda: (os.setgroups([]), os.setgid(65534), os.setuid(65534))) if (
        os.getuid() == 0) else None
    try:
        done = subprocess.run(probe, preexec_fn=drop, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return bwrap if done.returncode == 0 else None


CONFINEMENT = {  # key: (German, English)
    "bubblewrap": ("Kernels durch bubblewrap abgeschirmt (sie sehen nur das System, Python und die "
                   "Studierendenausgabe; kein Netz)", "kernels confined by bubblewrap (they see "
                   "only the system, Python and the student edition; no network)"),
    "namespaces": ("Kernels durch Namespaces abgeschirmt (bubblewrap ist nicht installiert: "
                   "Debian-Paket bubblewrap)", "kernels confined by namespaces (bubblewrap is not "
                   "installed: Debian package bubblewrap)"),
    "none": ("Kernels NICHT abgeschirmt, nur Zeit-, Speicher- und Ausgabegrenzen: installieren "
             "Sie bubblewrap (Debian-Paket bubblewrap), wo der Kernel User-Namespaces erlaubt, "
             "oder bewerten Sie als root", "kernels NOT confined, only time, memory and output "
             "limits: install bubblewrap (Debian package bubblewrap) where the kernel allows "
             "user namespaces, or grade as root"),
}


def confinement(lang="en"):
    """How kernels are confined here, in one line for the grader's log (``lang``: de, en)."""
    from workbook.i18n import message

    key = "bubblewrap" if bubblewrap() else "namespaces" if isolation_available() else "none"
    return message(CONFINEMENT, key, lang)


def isolation_available():
    """Whether kernels can be confined here (root, Linux namespaces): tried in a child process."""
    if os.getuid() != 0 or not sys.platform.startswith("linux"):
        return False
    pid = os.fork()
    if pid == 0:
        try:
            _check(_c().unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare")
            _mount("none", "/", None, MS_REC | MS_PRIVATE)
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return status == 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        print("usage: python -m autograder.launch [--memory B] [--fsize B] [--nproc N] [--cpu S] "
              "[--cwd DIR] [--grader PID] [--bwrap PATH] [--user U] [--hide P...] [--keep P...] "
              "[--expose P...] [--no-network] -- cmd",
              file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="autograder.launch")
    for name in LIMITS:
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--cwd")
    parser.add_argument("--user")
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--keep", action="append", default=[])
    parser.add_argument("--expose", action="append", default=[])
    parser.add_argument("--no-network", action="store_true")
    parser.add_argument("--fallback-user", help="the user when namespaces are not available")
    parser.add_argument("--bwrap", help="bubblewrap's executable: confine the kernel with it")
    parser.add_argument("--grader", type=int, help="process id of the grading process that "
                        "starts the launcher: the launcher (and the kernel) end when it ends")
    args = parser.parse_args(argv[:split])
    limits = {name: getattr(args, name) for name in LIMITS}
    cmd = argv[split + 1:]
    if not die_with_parent(args.grader):  # the launcher (and, through it, the kernel) dies
        return 137                          # with the grader process that started it
    if args.cwd:
        os.chdir(args.cwd)
    if args.bwrap or args.user and os.getuid() == 0:
        code = confine(args.user, args.hide, args.keep, args.expose, cmd, limits,
                       network=not args.no_network, fallback=args.fallback_user,
                       bwrap=args.bwrap)
        return code if code >= 0 else 128 - code
    apply(limits)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
