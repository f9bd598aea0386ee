"""Hardened execution of one submission (nbgrader's ``Execute``, one fresh kernel per notebook).

* the kernel starts under resource limits (:mod:`autograder.launch`: address space, file size,
  processes) in a scratch directory of its own, with ``NNKIT_GRADING_SEED`` (the run's secret
  seed), ``MPLBACKEND=Agg`` and single-threaded BLAS in its environment;
* every cell has a time limit (``timeout``); a kernel that does not answer after the interrupt,
  or that died (``sys.exit``, ``os._exit``, a segfault, the memory limit) does not stop grading:
  the cell gets an error output with the reason, every later code cell an error "not run";
* an autograded test cell of an exercise (grade id ``<exercise>_check``) is executed as the
  grader's own collect-and-emit call, so the answer record exists whatever the visible check
  says; :mod:`autograder.verdict` judges that record outside the kernel.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer, List, Unicode

from autograder._root import ROOT
from autograder.launch import limit_args

SEED_VARIABLE = "NNKIT_GRADING_SEED"
CHECK_SUFFIX = "_check"
COLLECT = (
    "import workbook.checks as _nnkit_checks\n"
    "_nnkit_checks.emit_answer({id!r}, _nnkit_checks.find({id!r}).collect(\n"
    "    get_ipython().user_ns, seed=_nnkit_checks.grading_seed(), hidden=True))\n"
    "del _nnkit_checks"
)


def exercise_of(cell):
    """The exercise id of an autograded test cell ``<id>_check`` (code, grade, not solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    grade_id = meta.get("grade_id") or ""
    if (cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")
            and grade_id.endswith(CHECK_SUFFIX)):
        return grade_id[: -len(CHECK_SUFFIX)]
    return None


def error_output(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _default_nproc():
    """A process limit for non-root users: what the user runs now plus room for the kernel."""
    if os.getuid() == 0:
        return None  # root ignores RLIMIT_NPROC
    try:
        import psutil

        mine = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"].real == os.getuid())
    except Exception:  # psutil missing or /proc unreadable: no limit
        return None
    return mine + 256


class LimitedKernelManager(AsyncKernelManager):
    """Puts :mod:`autograder.launch` (resource limits) in front of the kernel's command."""

    launcher_args = List([])

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-m", "autograder.launch", *self.launcher_args, "--", *cmd]


class HardenedExecute(Execute):
    seed = Integer(None, allow_none=True, help="the run's grading seed").tag(config=True)
    memory_limit = Integer(2 * 1024**3, allow_none=True, help="RLIMIT_AS (bytes)").tag(config=True)
    fsize_limit = Integer(64 * 1024**2, allow_none=True, help="RLIMIT_FSIZE (bytes)").tag(
        config=True)
    nproc_limit = Integer(None, allow_none=True, help="RLIMIT_NPROC (default: user's + 256)").tag(
        config=True)
    cpu_limit = Integer(None, allow_none=True, help="RLIMIT_CPU (seconds per kernel)").tag(
        config=True)
    scratch_root = Unicode("", help="where the per-submission working directories go").tag(
        config=True)
    responsive_timeout = Integer(10, help="seconds to wait for a kernel after an interrupt").tag(
        config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------ kernel
    def kernel_env(self):
        if self.seed is None:
            raise RuntimeError("HardenedExecute.seed is not configured (the grading seed)")
        env = dict(os.environ)
        path = [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env.update({SEED_VARIABLE: str(self.seed), "MPLBACKEND": "Agg",
                    "PYTHONPATH": os.pathsep.join(path), "OMP_NUM_THREADS": "1",
                    "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
        return env

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        nproc = self.nproc_limit if self.nproc_limit is not None else _default_nproc()
        if isinstance(km, LimitedKernelManager):
            km.launcher_args = limit_args(memory=self.memory_limit, fsize=self.fsize_limit,
                                          nproc=nproc, cpu=self.cpu_limit)
        return km

    # ------------------------------------------------------------------ notebook
    def preprocess(self, nb, resources=None, km=None):
        from nbclient.client import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        scratch = tempfile.mkdtemp(prefix="nnkit-run-", dir=self.scratch_root or None)
        try:
            with self.setup_kernel(env=self.kernel_env(), cwd=scratch):
                info = self.wait_for_reply(self.kc.kernel_info())
                if info is None:
                    raise RuntimeError("the kernel did not answer kernel_info")
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                self._run_cells(resources)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _run_cells(self, resources):
        stopped = None  # why the remaining cells do not run
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            if stopped:
                cell.outputs = [error_output("NotRun", stopped)]
                continue
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                reason = ("The kernel died in this cell (sys.exit, os._exit, a crash or the "
                          "memory limit); the cells after it were not run.")
                cell.outputs.append(error_output("KernelDied", reason))
                stopped = "The kernel died in an earlier cell."
                self.log.warning("kernel died in cell %d", index)
                continue
            if self._timed_out(cell) and not self._responsive():
                stopped = "An earlier cell exceeded the time limit and could not be interrupted."
                self.log.warning("kernel unresponsive after timeout in cell %d", index)
                self._kill()

    def preprocess_cell(self, cell, resources, index):
        exercise = exercise_of(cell)
        if exercise is None:
            return super().preprocess_cell(cell, resources, index)
        source = cell.source
        cell.source = COLLECT.format(id=exercise)
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = source

    @staticmethod
    def _timed_out(cell):
        return any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
                   for o in cell.get("outputs", []))

    async def _async_responsive(self):
        import asyncio
        import time

        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.responsive_timeout
        while time.monotonic() < deadline:
            try:
                msg = await self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except (asyncio.TimeoutError, TimeoutError, Exception):
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    _responsive = run_sync(_async_responsive)

    def _kill(self):
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as err:  # already gone
            self.log.info("kill: %s", err)
