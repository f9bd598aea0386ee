"""Nothing of a grading run outlives it, whatever dies during the run.

While :class:`Run` is active, the grading process is a *child subreaper* (Linux
``PR_SET_CHILD_SUBREAPER``): a kernel launcher whose pool worker was killed is re-parented to the
grader instead of to init, so it is still one of the grader's descendants. When the run ends, or
is interrupted (SIGINT, SIGTERM), every process that became a descendant during the run is killed
(SIGKILL; a confined kernel takes its whole PID namespace with it) and reaped. Processes that were
there before (a Dask ``LocalCluster`` started by the caller) are left alone, and so is
multiprocessing's resource tracker (shared by every pool of the process). Then the folders that
the run's grading processes wrote for their kernels (:func:`edition_prefix`) are removed: a
killed process cannot remove its own, and the grader kills its grading processes.

An interrupt raises :class:`Interrupted` (a ``KeyboardInterrupt``) in the grading thread after the
run's processes are gone, so that nothing waits for the jobs in flight.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

import psutil

PR_SET_CHILD_SUBREAPER = 36
_TRACKER = "multiprocessing.resource_tracker"


def edition_prefix(grader):
    """The name prefix of the temporary folders with the kernels' student edition
    (:func:`autograder.execute.kernel_edition`) written by the grading processes that the
    process ``grader`` (a pid) started: the grader's :class:`Run` removes them when it ends."""
    return f"nnkit-edition-{grader}-"


def editions(grader):
    """The folders of those editions that exist now (see :func:`edition_prefix`)."""
    return list(Path(tempfile.gettempdir()).glob(edition_prefix(grader) + "*"))


class Interrupted(KeyboardInterrupt):
    """The grading run was interrupted by ``signal`` (its name, e.g. ``"SIGTERM"``)."""

    def __init__(self, signum):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _subreaper(on):
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


class Run:
    """``with Run():`` around the part of a grading run that starts processes."""

    def __enter__(self):
        self.me = psutil.Process()
        self.before = {p.pid for p in self.me.children(recursive=True)}
        _subreaper(True)
        self.handlers = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.handlers[sig] = signal.signal(sig, self._interrupt)
        return self

    def _interrupt(self, signum, _frame):
        self.kill()
        raise Interrupted(signum)

    def processes(self):
        """This run's processes that are alive: descendants that were not there before."""
        found = []
        for p in self.me.children(recursive=True):
            try:
                if p.pid not in self.before and _TRACKER not in " ".join(p.cmdline()):
                    found.append(p)
            except psutil.Error:
                pass
        return found

    def kill(self, timeout=10):
        """SIGKILL every process of the run and reap it; returns how many were alive."""
        left = self.processes()
        for p in left:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(left, timeout=timeout)
        return len(left)

    def __exit__(self, *exc):
        for sig, handler in self.handlers.items():
            signal.signal(sig, handler)
        self.kill()
        _subreaper(False)
        for folder in editions(os.getpid()):
            shutil.rmtree(folder, ignore_errors=True)
        return False
