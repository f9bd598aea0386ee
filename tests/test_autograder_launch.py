"""The kernel launcher: a kernel confined by bubblewrap sees neither the course nor the
submissions nor the network, as root and as an ordinary user, and holds no more than 16 MB in
RAM outside its memory limit (/dev/shm; /dev read-only); the launcher leaves nothing behind
when it is killed, even right after its fork, before the kernel has set its parent-death signal
(a killed launcher used to leave an orphaned kernel that held the grader's output pipes open, so
``grade`` never ended)."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from autograder.launch import bubblewrap, isolation_available, orphaned, usable_by
from autograder.reap import Run

ROOT = Path(__file__).resolve().parent.parent
needs_root = pytest.mark.skipif(not isolation_available(), reason="needs root and namespaces")
needs_bwrap = pytest.mark.skipif(not bubblewrap(), reason="bubblewrap missing or unusable here")
#: run in the sandbox with the hidden folders as arguments; prints only what is wrong, then the uid
PROBE = r"""
for d in "$@"; do [ -z "$(ls -A "$d" 2>/dev/null)" ] || echo "VISIBLE $d"; done
touch written || echo "SCRATCH NOT WRITABLE"
grep -v -e '|' -e ' lo:' /proc/net/dev | grep . && echo "NETWORK"
n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; [ "$n" -le 3 ] || echo "PROCESSES $n"
dd if=/dev/zero of=/dev/shm/hog bs=1M count=100 2>/dev/null
[ "$(du -m /dev/shm/hog | cut -f1)" -le 16 ] || echo "SHM $(du -m /dev/shm/hog | cut -f1) MB"
touch /dev/hog 2>/dev/null && echo "DEV WRITABLE"
id -u
"""


@pytest.fixture
def course_tree():
    """A folder everybody may enter (not pytest's private tmp) with a course, submissions and
    a scratch directory, as the grader lays them out; removed afterwards."""
    top = Path(tempfile.mkdtemp(prefix="nnkit-launch-"))
    top.chmod(0o755)
    for name in ("course", "submissions"):
        (top / name / "secret").mkdir(parents=True)
        (top / name / "secret" / "answer.txt").write_text("hidden")
    (top / "scratch").mkdir()
    yield top
    shutil.rmtree(top, ignore_errors=True)


def sandboxed(top, python, user_args, as_uid=None):
    """stdout of PROBE run by the launcher with bubblewrap (as ``as_uid`` if given)."""
    scratch = top / "scratch"
    if as_uid is not None:
        os.chown(scratch, as_uid, as_uid)
    drop = (lambda: (os.setgroups([]), os.setgid(as_uid), os.setuid(as_uid))) if (
        as_uid is not None) else None
    hidden = [str(top / "course"), str(top / "submissions")]
    cmd = [python, "-m", "autograder.launch", "--bwrap", bubblewrap(), *user_args,
           "--keep", str(scratch), "--cwd", str(scratch), "--no-network",
           *[a for h in hidden for a in ("--hide", h)], "--hide", "/tmp",
           "--", "/bin/sh", "-c", PROBE, "probe", *hidden]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, preexec_fn=drop,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd="/")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


@needs_root
@needs_bwrap
def test_bubblewrap_as_root_hides_the_course_submissions_and_network(course_tree):
    assert sandboxed(course_tree, sys.executable, ["--user", "#54321"]) == ["54321"]
    assert (course_tree / "scratch" / "written").exists()


@needs_bwrap
def test_bubblewrap_as_an_ordinary_user_hides_the_course_submissions_and_network(course_tree):
    """An instructor who is not root: the same sandbox (the launcher needs only the standard
    library, so the system Python serves; the kernel here is a shell)."""
    python = shutil.which("python3", path="/usr/bin:/bin")
    if os.getuid() != 0 or not python or not usable_by(None, str(ROOT)):
        pytest.skip("needs root to become an ordinary user, /usr/bin/python3 and a checkout "
                    "everybody may read")
    assert sandboxed(course_tree, python, [], as_uid=54322) == ["54322"]
    assert (course_tree / "scratch" / "written").exists()


def test_orphaned_reads_eof_only_when_the_writer_is_gone():
    r, w = os.pipe()
    assert not orphaned(r)
    os.close(w)
    assert orphaned(r)
    os.close(r)


def marked(marker):
    return [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]


def forked(pid, marker):
    """Whether the launcher ``pid`` has forked the kernel (before or after its exec; the
    launcher's other children, e.g. ldconfig for ctypes, do not count)."""
    try:
        return any(marker in c.cmdline() for c in psutil.Process(pid).children())
    except psutil.Error:
        return False


@needs_root
@pytest.mark.parametrize("sandbox", ["bubblewrap", "namespaces"])
@pytest.mark.parametrize("attempt", range(6))
def test_launcher_killed_right_after_fork_leaves_no_kernel(tmp_path, attempt, sandbox):
    if sandbox == "bubblewrap" and not bubblewrap():
        pytest.skip("bubblewrap missing or unusable here")
    keep = tmp_path / "scratch"  # many files: chown takes a while between fork and setuid
    keep.mkdir()
    for i in range(300):
        (keep / f"f{i}").write_text("x")
    marker = f"kernel-{os.getpid()}-{attempt}-{time.monotonic_ns()}"
    bwrap = ["--bwrap", bubblewrap()] if sandbox == "bubblewrap" else []
    # bubblewrap has a start-up window of its own (between its clone and its own
    # PR_SET_PDEATHSIG) in which a killed parent leaves its half-started child, blocked: the
    # grader adopts and kills it at the end of the run (reap.Run). The hand-written path needs
    # nothing but the launcher.
    with Run() if bwrap else contextlib.nullcontext():
        launcher = subprocess.Popen(
            [sys.executable, "-m", "autograder.launch", *bwrap, "--user", "#54321", "--keep",
             str(keep), "--hide", str(tmp_path), "--", "/bin/sh", "-c", "sleep 600; :", marker],
            stderr=subprocess.PIPE, text=True)
        end = time.monotonic() + 60
        while not forked(launcher.pid, marker):  # busy: the fork must be caught at once
            assert time.monotonic() < end and launcher.poll() is None, (
                f"the launcher did not fork: {launcher.poll()} {launcher.stderr.read()[-2000:]}")
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait()
    assert_gone(marker, "the kernel outlived its killed launcher")


def assert_gone(marker, message, deadline=60):
    """Every process carrying ``marker`` ends within ``deadline`` seconds (a bound on a hang,
    not a speed limit); leftovers are killed and fail the test."""
    end = time.monotonic() + deadline
    while marked(marker) and time.monotonic() < end:
        time.sleep(0.1)
    left = []
    for p in marked(marker):
        with contextlib.suppress(psutil.Error):
            left.append(f"{p.pid} (parent {p.ppid()}, {p.status()}): {' '.join(p.cmdline())}")
            p.kill()
    assert not left, f"{message}: {left}"


def start(tmp_path, marker, script, *extra):
    keep = tmp_path / "scratch"
    keep.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "autograder.launch", *extra, "--user", "#54321", "--keep",
         str(keep), "--hide", str(tmp_path), "--", "/bin/sh", "-c", script, marker],
        stderr=subprocess.DEVNULL)


@needs_root
def test_sigterm_ends_the_kernel_and_the_launcher(tmp_path):
    """As process 1 of its PID namespace the kernel ignores SIGTERM; the launcher kills it."""
    marker = f"kernel-{os.getpid()}-{time.monotonic_ns()}"
    launcher = start(tmp_path, marker, "trap '' TERM; sleep 600; :")
    end = time.monotonic() + 60
    while not marked(marker) or not forked(launcher.pid, marker):
        assert time.monotonic() < end, "the launcher did not start the kernel"
        time.sleep(0.05)
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=60)
    assert_gone(marker, "the kernel outlived the launcher's SIGTERM")


@needs_root
def test_launcher_whose_grader_is_gone_starts_nothing(tmp_path):
    """The grader died before the launcher could ask to die with it (``--grader`` is not the
    parent any more): the launcher ends at once and starts no kernel."""
    marker = f"kernel-{os.getpid()}-{time.monotonic_ns()}"
    launcher = start(tmp_path, marker, "sleep 60; :", "--grader", str(os.getpid() + 1))
    assert launcher.wait(timeout=60) == 137
    assert_gone(marker, "a kernel was started for a grader that is gone")


SPIN = "import time\nwhile time.process_time() < 1.0:\n    pass\nopen('spun', 'w').close()\n"


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@needs_bwrap
def test_sigterm_in_the_sandbox_kills_the_kernel_which_bubblewrap_reaps(course_tree):
    """SIGTERM to the launcher ends the kernel at once (the grader's way to end a kernel whose
    notebook is done) and leaves nothing behind; the kernel is killed, not bubblewrap, so that
    bubblewrap reaps it and its CPU time (here a second) is counted in the grader's process tree
    like that of a kernel that exits."""
    marker = f"kernel-{os.getpid()}-{time.monotonic_ns()}"
    scratch = course_tree / "scratch"
    before = children_cpu()
    launcher = subprocess.Popen(
        [sys.executable, "-m", "autograder.launch", "--bwrap", bubblewrap(), "--keep",
         str(scratch), "--cwd", str(scratch), "--hide", "/tmp", "--no-network",
         *[a for p in {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
           for a in ("--expose", p)],
         "--", sys.executable, "-c", SPIN + "time.sleep(600)\n", marker],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd="/", stderr=subprocess.PIPE)
    end = time.monotonic() + 120
    while not (scratch / "spun").exists():
        assert time.monotonic() < end and launcher.poll() is None, (
            f"the kernel did not run: {launcher.poll()} {launcher.stderr.read()[-2000:]}")
        time.sleep(0.05)
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=60)
    assert_gone(marker, "the kernel outlived the launcher's SIGTERM")
    assert children_cpu() - before >= 0.9  # the kernel's second of CPU, reaped in this tree


@needs_bwrap
def test_a_sandboxed_kernel_ends_when_its_notebook_is_done_and_is_reaped(tmp_path):
    """The grader ends a sandboxed kernel through its launcher once the last cell has run
    (``LimitedKernelManager.shutdown_kernel``): every output is in the notebook, no process of
    the kernel is left, and the kernel's CPU time (a second spun in a cell) is counted in this
    process tree (a kill of the whole process group would lose it)."""
    from nbformat.v4 import new_code_cell, new_notebook

    from autograder.execute import HardenedExecute

    nb = new_notebook(cells=[new_code_cell(SPIN), new_code_cell("print('last cell')")])
    submitted = tmp_path / "course" / "submitted" / "s" / "a"
    submitted.mkdir(parents=True)
    before = children_cpu()
    execute = HardenedExecute(seed=1, timeout=60, user="", screen_code=False)
    nb, _ = execute.preprocess(nb, {"metadata": {"path": str(submitted)}})
    assert nb.cells[1].outputs[0].text == "last cell\n"
    left = [p.pid for p in psutil.process_iter(["cmdline"])
            if any(execute._scratch in arg for arg in p.info["cmdline"] or [])]
    assert not left, f"the kernel outlived its notebook: {left}"
    assert children_cpu() - before >= 0.9
