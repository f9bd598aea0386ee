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
    time.sleep(0.5)
    left = marked(marker)
    for p in left:
        p.kill()
    assert not left, "the kernel outlived its killed launcher"
