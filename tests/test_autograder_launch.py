"""The kernel launcher leaves nothing behind when it is killed, even right after its fork, before
the kernel has set its parent-death signal (a killed launcher used to leave an orphaned kernel
that held the grader's output pipes open, so ``grade`` never ended)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from autograder.launch import isolation_available, orphaned

pytestmark = pytest.mark.skipif(not isolation_available(), reason="needs root and namespaces")


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


@pytest.mark.parametrize("attempt", range(10))
def test_launcher_killed_right_after_fork_leaves_no_kernel(tmp_path, attempt):
    keep = tmp_path / "scratch"  # many files: chown takes a while between fork and setuid
    keep.mkdir()
    for i in range(300):
        (keep / f"f{i}").write_text("x")
    marker = f"kernel-{os.getpid()}-{attempt}-{time.monotonic_ns()}"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "autograder.launch", "--user", "#54321", "--keep", str(keep),
         "--hide", str(tmp_path), "--", "/bin/sh", "-c", "sleep 60; :", marker],
        stderr=subprocess.DEVNULL)
    end = time.monotonic() + 30
    while not forked(launcher.pid, marker):  # busy: the fork must be caught at once
        assert time.monotonic() < end, "the launcher did not fork"
    os.kill(launcher.pid, signal.SIGKILL)
    launcher.wait()
    assert_gone(marker, "the kernel outlived its killed launcher")


def assert_gone(marker, message, deadline=60):
    """Every process carrying ``marker`` ends within ``deadline`` seconds (a bound on a hang,
    not a speed limit); leftovers are killed and fail the test."""
    end = time.monotonic() + deadline
    while marked(marker) and time.monotonic() < end:
        time.sleep(0.1)
    left = marked(marker)
    for p in left:
        p.kill()
    assert not left, message


def start(tmp_path, marker, script, *extra):
    keep = tmp_path / "scratch"
    keep.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "autograder.launch", *extra, "--user", "#54321", "--keep",
         str(keep), "--hide", str(tmp_path), "--", "/bin/sh", "-c", script, marker],
        stderr=subprocess.DEVNULL)


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


def test_launcher_whose_grader_is_gone_starts_nothing(tmp_path):
    """The grader died before the launcher could ask to die with it (``--grader`` is not the
    parent any more): the launcher ends at once and starts no kernel."""
    marker = f"kernel-{os.getpid()}-{time.monotonic_ns()}"
    launcher = start(tmp_path, marker, "sleep 60; :", "--grader", str(os.getpid() + 1))
    assert launcher.wait(timeout=60) == 137
    assert_gone(marker, "a kernel was started for a grader that is gone")
