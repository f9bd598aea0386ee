"""Start a kernel confined: ``python -m autograder.launch [options] -- cmd ...``.

The kernel manager of :mod:`autograder.execute` puts this launcher in front of the kernel's
command line. Always: resource limits (address space, file size, processes, CPU seconds) and the
working directory. When started as root with ``--user``:

* a private mount namespace in which every ``--hide`` path is covered by an empty read-only
  tmpfs (the course with its hidden tests and gradebook, other submissions, the answer key in
  ``workbook/units``, /tmp, /home, /root ...) and every ``--keep`` path (the kernel's scratch
  directory) is bound back in;
* a private PID namespace: the kernel is its process 1, so when it ends or is killed, every
  process it started (fork bombs, detached daemons, ``setsid``) is killed by the kernel (Linux);
  ``/proc`` shows only these processes;
* the kernel runs as the unprivileged ``--user`` (a name, or ``#N`` for uid = gid = N without an
  account: one per grading process, so parallel kernels share no process limit), no
  supplementary groups, owning only ``--keep``; without namespaces as ``--fallback-user``.

The launcher stays as the parent of the kernel (it ignores SIGINT; the kernel manager signals the
whole process group, so interrupts reach the kernel) and dies with it; the kernel gets SIGKILL if
the launcher is killed, and the launcher if the grader process that started it (``--grader``)
dies, also when that happens before the launcher could ask for it. SIGTERM, SIGHUP or SIGQUIT to
the launcher end the kernel with SIGKILL (as process 1 of its PID namespace the kernel ignores
signals it has no handler for) and then the launcher.

When namespaces are not available (no CAP_SYS_ADMIN), the kernel still
runs as ``--user`` with the limits, without the hidden paths (logged on stderr).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import resource
import signal
import sys

LIMITS = {"memory": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
          "nproc": resource.RLIMIT_NPROC, "cpu": resource.RLIMIT_CPU}
CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


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
    parts = os.path.realpath(path).split("/")
    for i in range(2, len(parts)):
        d = "/".join(parts[:i])
        if os.path.isdir(d) and not os.stat(d).st_mode & 0o001:
            return False
    return True


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


def confine(user, hidden, keep, expose, cmd, limits, network=True, fallback=None):
    """Fork the kernel into new namespaces as ``user``; wait for it; return its exit code.
    Without ``network`` the kernel gets an empty network namespace (IPC transport only)."""
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
    alive, held = os.pipe()  # the launcher holds ``held`` until it dies (not inherited on exec)
    pid = os.fork()
    if pid == 0:  # the kernel: process 1 of the new PID namespace
        try:
            os.close(held)
            _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if namespaces:
                _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
            if user:
                _drop(user, keep)
            _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # again: setuid clears it
            if orphaned(alive):  # the launcher died before prctl could take effect
                os._exit(137)
            apply(limits)
            os.execvp(cmd[0], cmd)
        except BaseException as err:  # noqa: BLE001 - report and leave the child
            import traceback

            print(f"autograder.launch: {err}\n{traceback.format_exc()[-1500:]}", file=sys.stderr)
        finally:
            os._exit(127)
    os.close(alive)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process group's SIGINT is the kernel's
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, lambda _s, _f: os.kill(pid, signal.SIGKILL))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            return 1
        except InterruptedError:
            continue
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 1


def orphaned(fd):
    """Whether every write end of the pipe ``fd`` reads from is closed (EOF), i.e. the process
    that held it has died. A killed launcher leaves no orphaned kernel: the kernel checks this
    once PR_SET_PDEATHSIG is in force, which closes the window between fork and prctl."""
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 1) == b""
    except BlockingIOError:
        return False


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
              "[--cwd DIR] [--grader PID] [--user U --hide P... --keep P... --expose P...] -- cmd",
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
    parser.add_argument("--grader", type=int, help="process id of the grading process that "
                        "starts the launcher: the launcher (and the kernel) end when it ends")
    args = parser.parse_args(argv[:split])
    limits = {name: getattr(args, name) for name in LIMITS}
    cmd = argv[split + 1:]
    try:  # the launcher (and, through it, the kernel) dies with the grader process that started it
        _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):  # not Linux
        pass
    if args.grader and os.getppid() != args.grader:  # it died before prctl took effect
        return 137
    if args.cwd:
        os.chdir(args.cwd)
    if args.user and os.getuid() == 0:
        code = confine(args.user, args.hide, args.keep, args.expose, cmd, limits,
                       network=not args.no_network, fallback=args.fallback_user)
        return code if code >= 0 else 128 - code
    apply(limits)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
