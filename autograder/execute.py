"""Hardened execution of one submission (nbgrader's ``Execute``, one fresh kernel per notebook).

* the student's code is screened first (:mod:`autograder.screen`): tampering with the grading
  machinery zeroes every autograded exercise, an answer that uses the nnkit reference zeroes that
  exercise; both are reported in the feedback (error ``GraderFlag``);
* the kernel starts confined (:mod:`autograder.launch`): resource limits (address space, file
  size, processes), a scratch working directory, an environment without the grader's variables
  (no grading seed), ``nnkit`` and ``workbook`` from the student edition's packages
  (:func:`kernel_edition`: no unit sources); in a bubblewrap sandbox that holds only the system
  directories, the Python installation, that edition and the scratch directory (or, as root
  without bubblewrap, namespaces built by hand that hide this repository, the course, the
  submissions, /tmp, /home, /root), has no network, and kills every process the kernel started;
  as root the kernel also runs as an unprivileged uid of its own;
* every cell of the student has a time limit (``timeout``); the instructor's locked cells (their
  source restored by nbgrader's ``OverwriteCells``: the cold imports of the setup cell) and cells
  replayed after a restart (they finished once) get ``setup_timeout``, so that a slow or busy
  machine costs no points; a kernel that does not answer after the interrupt,
  or that died (``sys.exit`` in a thread, ``os._exit``, a segfault, the memory limit) does not
  stop grading: the cell gets an error output with the reason, every later code cell "not run";
* output beyond ``max_output_bytes`` per cell is dropped (with a note);
* the notebook as a whole has a budget: ``notebook_timeout`` seconds (every cell, restarts and
  replays) and ``max_notebook_output_bytes`` of output; past either, the rest of the notebook is
  not run (error ``NotebookBudget`` naming it: its answers score 0 with that reason), and the
  notebook's metadata ``nnkit_budget`` says which, for the run's summary;
* an autograded test cell ``<exercise>_check`` is replaced by a call of
  :func:`workbook.answer.send`: the grader draws the hidden cases from the secret seed and sends
  them in; the kernel only reads the answer (calls the student's function on the cases) and
  displays the record, which :mod:`autograder.verdict` judges outside the kernel. The kernel's
  reference computes nothing for a notebook's code (:mod:`autograder.guard`): an answer that
  stopped in it (a function's results, or an answer cell that left its answer unset) gets the
  error ``GraderFlag`` naming the functions; an answer set before such a call is graded and
  listed for review.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager, in_pending_state
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer, List, Unicode

from autograder._root import ROOT
from autograder.guard import EXCEPTION, guard_edition, handed_out
from autograder.launch import bubblewrap, limit_args
from autograder.reap import edition_prefix
from workbook import answer
from workbook.i18n import message
from workbook.source import exercise_id, parse_assignment

FLAG = "GraderFlag"
BUDGET = "NotebookBudget"  #: error of the cells not run after the notebook's budget ran out
REVIEW = "nnkit_review"  #: notebook metadata: screening findings for the instructor, not the grade
BUDGET_KEY = "nnkit_budget"  #: notebook metadata: which budget ran out, its limit, at which cell
ZEROED = "nnkit_zeroed"  #: notebook metadata: the tampering that zeroes every exercise, or ""
UID_BASE = 1_000_000  # + the grading process id: the uid of its confined kernels
HIDE = ["/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/srv", "/mnt", "/media", "/opt",
        str(ROOT)]  # the whole repository: the kernel gets the student edition's packages
ENV_KEEP = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "NNKIT_EXTRA_UNITS")
COLLECT = ("from workbook.answer import send as _nnkit_collect\n"
           "_nnkit_collect({args})\n"
           "del _nnkit_collect\n")  # the test cell as the grader runs it
TEXT = {
    "tamper": ("Nicht bewertet: Der Code greift in die Bewertung ein ({what}). Bitte wenden Sie "
               "sich an Ihre Lehrkraft.", "Not graded: the code tampers with the grading "
               "({what}). Please talk to your instructor."),
    "nnkit": ("Nicht bewertet: Die Antwort verwendet die nnkit-Referenz ({what}); schreiben Sie "
              "die Lösung selbst.", "Not graded: the answer uses the nnkit reference ({what}); "
              "write the solution yourself."),
    "died": ("Der Kernel ist in dieser Zelle abgestürzt (os._exit, ein Absturz oder das "
             "Speicherlimit); ein neuer Kernel hat die Zellen davor (ohne diese) wiederholt.",
             "The kernel died in this cell (os._exit, a crash or the memory limit); a fresh "
             "kernel re-ran the cells before it (without this one)."),
    "hung": ("Die Zelle hat das Zeitlimit überschritten und ließ sich nicht unterbrechen; der "
             "Kernel wurde beendet, ein neuer Kernel hat die Zellen davor wiederholt.",
             "The cell exceeded the time limit and could not be interrupted; the kernel was "
             "killed and a fresh kernel re-ran the cells before it."),
    "not_run": ("Nicht ausgeführt: Der Kernel ist in einer früheren Zelle abgestürzt oder hat "
                "das Zeitlimit überschritten.", "Not run: the kernel died or exceeded the time "
                "limit in an earlier cell."),
    "output": ("[Ausgabe gekürzt: mehr als {n} Bytes]", "[output truncated: more than {n} bytes]"),
    "budget_time": ("Nicht ausgeführt: Das Notebook hat sein Zeitbudget von {n} s für alle Zellen "
                    "zusammen überschritten; Aufgaben ab hier zählen 0 Punkte.", "Not run: the "
                    "notebook exceeded its time budget of {n} s for all cells together; "
                    "exercises from here on score 0."),
    "budget_output": ("Nicht ausgeführt: Das Notebook hat sein Ausgabebudget von {n} Bytes "
                      "überschritten; Aufgaben ab hier zählen 0 Punkte.", "Not run: the notebook "
                      "exceeded its output budget of {n} bytes; exercises from here on score 0."),
}
_USERS = {}


_msg = functools.partial(message, TEXT)


def exercise_of(cell):
    """The exercise id of an autograded test cell ``<id>_check`` (code, grade, not solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
        return exercise_id(meta.get("grade_id"))
    return None


def error_output(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def ensure_user(name):
    """The unprivileged user ``name`` (created with useradd when missing; root only), or None."""
    if os.getuid() != 0 or not name:
        return None
    if name not in _USERS:
        import pwd

        try:
            pwd.getpwnam(name)
            _USERS[name] = name
        except KeyError:
            made = subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                                   "/usr/sbin/nologin", name], capture_output=True)
            try:
                pwd.getpwnam(name)
                _USERS[name] = name
            except KeyError:
                print(f"autograder: useradd {name} failed ({made.stderr[:200]!r}); using nobody",
                      file=sys.stderr)
                _USERS[name] = "nobody"
    return _USERS[name]


@functools.cache
def kernel_edition(unit, seed):
    """The packages of the student edition (``workbook.edition.kernel_edition``, without the
    key: the grader's collector, not the self-check, runs in the kernel), written once per
    grading process and unit into a temporary folder that every user may read; the kernels
    import ``nnkit`` and ``workbook`` from there and see nothing else of this repository. Its
    reference computes nothing for a notebook's code but what ``unit`` hands out with the
    grading ``seed`` (:mod:`autograder.guard`). Compiled
    here once (the kernels write no bytecode), so that no kernel compiles it again."""
    import compileall

    from workbook.edition import kernel_edition as write

    # named after the process that started this one: a grader's Run removes the folders of its
    # grading processes when it ends, also of killed ones (their atexit does not run)
    folder = tempfile.mkdtemp(prefix=edition_prefix(os.getppid()))
    os.chmod(folder, 0o755)
    atexit.register(shutil.rmtree, folder, True)
    edition = write(Path(folder) / "edition", key=False)
    guard_edition(edition, handed_out(unit, seed))
    compileall.compile_dir(edition, quiet=1)
    for path in edition.rglob("__pycache__"):
        path.chmod(0o755)
        for pyc in path.iterdir():
            pyc.chmod(0o644)
    return str(edition)


def _fixtures():
    """The test fixtures on PYTHONPATH (the pilot unit of the tests), or nothing."""
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
            if p.startswith(str(ROOT / "tests" / "fixtures"))]


def _seed_font_list(scratch):
    """Give the kernel's fresh matplotlib directory (MPLCONFIGDIR, see ``kernel_env``) this
    process's font list, so that every kernel does not scan the system fonts again (0.3 s)."""
    import matplotlib
    from matplotlib import font_manager

    name = f"fontlist-v{font_manager.FontManager.__version__}.json"
    mine = Path(matplotlib.get_cachedir()) / name
    if mine.is_file():
        os.makedirs(f"{scratch}/.mpl", exist_ok=True)
        shutil.copyfile(mine, f"{scratch}/.mpl/{name}")


def _default_nproc():
    """A process limit for non-root users: what the user runs now plus room for the kernel."""
    if os.getuid() == 0:
        return 512  # for the grader's own user (shared by the parallel kernels)
    try:
        import psutil

        mine = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"].real == os.getuid())
    except Exception:  # psutil missing or /proc unreadable: no limit
        return None
    return mine + 256


class LimitedKernelManager(AsyncKernelManager):
    """Puts :mod:`autograder.launch` (limits, user, namespaces) in front of the kernel."""

    launcher_args = List([])
    end_wait = Float(5.0, help="seconds to wait for the launcher after its SIGTERM, before the "
                     "process group gets SIGKILL")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-m", "autograder.launch", *self.launcher_args, "--", *cmd]

    async def shutdown_kernel(self, now=False, restart=False):
        """The kernel of a sandbox (bubblewrap: a PID namespace that dies with the kernel) is
        ended at once when the notebook is done: SIGTERM to the launcher, which SIGKILLs the
        kernel (:mod:`autograder.launch`). Its outputs are all in, and a graceful shutdown
        (shutdown request, the kernel's interpreter teardown, jupyter_client polling every
        0.1 s for the exit) cost about a second per notebook. Restarts, ``now`` and kernels
        without a sandbox: jupyter_client's shutdown."""
        if now or restart or "--bwrap" not in self.launcher_args or not self.has_kernel:
            return await super().shutdown_kernel(now=now, restart=restart)
        return await self._end_kernel(self.provisioner.process)

    @in_pending_state
    async def _end_kernel(self, launcher):
        self.shutting_down = True
        self.stop_restarter()
        launcher.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._async_wait(pollinterval=0.01), timeout=self.end_wait)
        except asyncio.TimeoutError:
            await self._async_kill_kernel()
        else:
            await self.provisioner.wait()
        await self._async_cleanup_resources()


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
    responsive_timeout = Integer(5, help="seconds to wait for a kernel after an interrupt").tag(
        config=True)
    user = Unicode("nnkit-grader", help="unprivileged user of the kernel (when run as root)").tag(
        config=True)
    isolate = Bool(True, help="as root: namespaces hiding hide_paths from the kernel").tag(
        config=True)
    hide_paths = List(Unicode(), help="more paths the kernel must not see").tag(config=True)
    max_output_bytes = Integer(2_000_000, help="output kept per cell").tag(config=True)
    notebook_timeout = Integer(900, help="seconds one notebook may run in all (every cell, "
                               "kernel restarts and replays); past it the rest is not run and "
                               "its exercises score 0, with the reason (0: no budget)").tag(
        config=True)
    max_notebook_output_bytes = Integer(10_000_000, help="output of one notebook (every cell); "
                                        "past it the output is dropped, the rest is not run "
                                        "and its exercises score 0, with the reason").tag(
        config=True)
    screen_code = Bool(True, help="screen the student's code (tampering, nnkit)").tag(config=True)
    uid_per_process = Bool(True, help="confined kernels run as uid UID_BASE + the grading "
                           "process id (no account; parallel kernels share no limits)").tag(
        config=True)
    network = Bool(False, help="give the kernel network access (when confined: without it, an "
                   "empty network namespace and IPC sockets)").tag(config=True)
    setup_timeout = Integer(120, help="seconds per cell for the instructor's locked cells and "
                            "for replays after a restart (at least timeout)").tag(config=True)
    max_restarts = Integer(3, help="kernel restarts per notebook (after a crash or a hang, the "
                           "cells that ran are replayed in a fresh kernel)").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(*args, **kwargs)
        self.timeout_func = self.cell_timeout
        self._replaying = False

    def cell_timeout(self, cell):
        """Seconds ``cell`` may run (None: no limit): ``timeout`` for the student's code,
        ``setup_timeout`` (if longer) for a locked instructor cell or a replay."""
        if not self.timeout or self.timeout < 0:
            return None
        meta = cell.get("metadata", {}).get("nbgrader", {})
        instructor = (meta.get("grade_id") and meta.get("locked") and not meta.get("grade")
                      and not meta.get("solution"))
        limit = max(self.timeout, self.setup_timeout) if instructor or self._replaying else (
            self.timeout)
        if self.notebook_timeout > 0 and hasattr(self, "_started"):  # within the budget left
            left = self.notebook_timeout - (time.monotonic() - self._started)
            limit = max(1, min(limit, math.ceil(left)))
        return limit

    def _over_budget(self):
        """``"time"`` or ``"output"`` if the notebook's budget of that ran out, else None."""
        if self.notebook_timeout > 0 and (
                time.monotonic() - self._started >= self.notebook_timeout):
            return "time"
        if self._notebook_bytes > self.max_notebook_output_bytes:
            return "output"
        return None

    # ------------------------------------------------------------------ kernel
    def kernel_env(self, scratch):
        env = {k: v for k, v in os.environ.items() if k in ENV_KEEP or k.startswith("LC_")}
        path = [self._edition, *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                 if p and not p.startswith(str(ROOT)))]
        path += _fixtures()  # the pilot unit in tests
        env.setdefault("PATH", os.defpath)
        env.update({"MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(path),
                    "HOME": scratch, "TMPDIR": scratch, "MPLCONFIGDIR": f"{scratch}/.mpl",
                    "IPYTHONDIR": f"{scratch}/.ipython", "JUPYTER_RUNTIME_DIR": scratch,
                    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONDONTWRITEBYTECODE": "1"})
        return env

    def _hidden(self, resources):
        paths = list(HIDE) + list(self.hide_paths)
        where = (resources or {}).get("metadata", {}).get("path")
        if where:  # <course>/submitted/<student>/<assignment>
            course = Path(where).resolve().parents[2]  # and two levels up: RESULTS/.work/<w>
            paths += [str(course), str(course.parent), str(course.parent.parent)]
        db = (resources or {}).get("nbgrader", {}).get("db_url", "")
        if db.startswith("sqlite:///"):
            paths.append(str(Path(db[len("sqlite:///"):]).resolve().parent))
        if self.scratch_root:
            paths.append(str(Path(self.scratch_root).resolve()))
        return [p for p in paths if len(Path(p).parts) > 2 or p in HIDE]

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        nproc = self.nproc_limit if self.nproc_limit is not None else _default_nproc()
        if isinstance(km, LimitedKernelManager):
            args = limit_args(memory=self.memory_limit, fsize=self.fsize_limit, nproc=nproc,
                              cpu=self.cpu_limit) + ["--cwd", self._scratch]
            user = ensure_user(self.user)
            sandbox = bubblewrap() if self.isolate else None
            if user:
                own = f"#{UID_BASE + os.getpid()}" if self.uid_per_process else user
                args += ["--user", own, "--fallback-user", user]
            if user or sandbox:
                args += ["--keep", self._scratch]
                for path in {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
                             self._edition, *_fixtures()}:  # bound back in, read-only
                    args += ["--expose", path]
                if self.isolate:
                    if sandbox:
                        args += ["--bwrap", sandbox]
                    for path in self._hide:
                        args += ["--hide", path]
                    if not self.network:
                        args += ["--no-network"]
                        km.transport = "ipc"
                        km.ip = os.path.join(self._scratch, "ipc")
            km.launcher_args = args + ["--grader", str(os.getpid())]
            km.connection_file = os.path.join(self._scratch, "kernel.json")
        return km

    # ------------------------------------------------------------------ notebook
    def preprocess(self, nb, resources=None, km=None):
        from nbclient.client import NotebookClient

        if self.seed is None:
            raise RuntimeError("HardenedExecute.seed is not configured (the grading seed)")
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        assignment = (resources or {}).get("nbgrader", {}).get("assignment", "")
        unit, self._lang = parse_assignment(assignment)
        self._edition = kernel_edition(unit, self.seed)
        self._flags = self._screen(nb, assignment) if self.screen_code else {}
        self._used = {}  # exercise id -> reference functions its answer cell stopped in
        self._hide = self._hidden(resources)
        root = self.scratch_root or None
        if os.getuid() == 0 and self.isolate:
            root = None  # the system temp dir: hidden from the kernel except its own scratch
        self._scratch = tempfile.mkdtemp(prefix="nnkit-run-", dir=root)
        _seed_font_list(self._scratch)
        try:
            with self.setup_kernel(env=self.kernel_env(self._scratch), cwd=self._scratch):
                info = self.wait_for_reply(self.kc.kernel_info())
                if info is None:
                    raise RuntimeError("the kernel did not answer kernel_info")
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                self._run_cells(resources)
        except Exception:
            import traceback

            self.log.error("hardened execution failed: %s", traceback.format_exc()[-700:])
            raise
        finally:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _screen(self, nb, assignment):
        """exercise id -> reason it is not graded (static screening); "*" = every exercise."""
        from autograder.screen import screen

        try:
            original, answers = _originals(assignment)
        except Exception as err:  # an unknown unit: nothing to compare with
            self.log.warning("screening skipped: %s", err)
            return {}
        cells = [(c.get("metadata", {}).get("nbgrader", {}).get("grade_id"), c.source)
                 for c in nb.cells if c.cell_type == "code"]
        tamper, nnkit, review = screen(cells, original, answers)
        flags = {ex: _msg("nnkit", self._lang, what=w) for ex, w in nnkit.items()}
        if tamper:
            flags["*"] = _msg("tamper", self._lang, what="; ".join(tamper)[:300])
        for reason in flags.values():
            self.log.warning("flagged: %s", reason)
        nb.metadata[REVIEW] = review  # graded as usual; the instructor sees it (review.csv)
        nb.metadata[ZEROED] = "; ".join(tamper)[:300]  # named in the run's summary
        return flags

    def _run_cells(self, resources):
        done, restarts, stopped = [], 0, None  # cells that ran, kernel restarts, why not run
        self._started, self._notebook_bytes, budget = time.monotonic(), 0, None
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            if stopped:
                cell.outputs = [error_output(BUDGET if budget else "NotRun", stopped)]
                continue
            budget = self._over_budget()
            if budget:
                n = self.notebook_timeout if budget == "time" else self.max_notebook_output_bytes
                stopped = _msg(f"budget_{budget}", self._lang, n=n)
                self.log.warning("notebook over its %s budget at cell %d", budget, index)
                self.nb.metadata[BUDGET_KEY] = {"exceeded": budget, "limit": n, "cell": index}
                cell.outputs = [error_output(BUDGET, stopped)]
                self._kill()
                continue
            problem = None
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                problem = "died"
            except Exception as err:  # nbclient gave up on the kernel (no idle after interrupt)
                self.log.warning("cell %d: %s: %s", index, type(err).__name__, err)
                problem = "hung"
            else:
                if self._timed_out(cell) and not self._responsive():
                    problem = "hung"
            if problem is None:
                done.append(index)
                continue
            self.log.warning("kernel %s in cell %d", problem, index)
            ename = "KernelDied" if problem == "died" else "CellTimeoutError"
            cell.outputs.append(error_output(ename, _msg(problem, self._lang)))
            if restarts < self.max_restarts and self._restart(done, resources):
                restarts += 1
                continue
            stopped = _msg("not_run", self._lang)
            self._kill()

    def _restart(self, done, resources):
        """A fresh kernel that re-ran the cells in ``done`` (not the test cells); False if that
        did not work."""
        import copy

        try:
            run_sync(self.km.restart_kernel)(now=True)
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        except Exception as err:
            self.log.warning("restart failed: %s", err)
            return False
        self._replaying = True
        try:
            for index in done:
                cell = self.nb.cells[index]
                if exercise_of(cell) is not None:
                    continue
                replay = copy.deepcopy(cell)
                try:
                    super().preprocess_cell(replay, resources, index)
                except Exception as err:
                    self.log.warning("replay of cell %d failed: %s", index, err)
                    return False
                if self._timed_out(replay):
                    return False
        finally:
            self._replaying = False
        return True

    def preprocess_cell(self, cell, resources, index):
        exercise = exercise_of(cell)
        if exercise is None:
            self._output_bytes = 0
            result = super().preprocess_cell(cell, resources, index)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            used = _reference_used([o for o in cell.outputs if o.get("output_type") == "error"])
            if used and meta.get("solution") and meta.get("grade_id"):
                self._used[meta["grade_id"]] = used  # answer cell grade id = exercise id
            elif used:  # numbered as the screening numbers code cells
                number = sum(c.cell_type == "code" for c in self.nb.cells[:index + 1])
                self._review(f"cell {number}: the reference refused {', '.join(used)}")
            return result
        flag = self._flags.get("*") or self._flags.get(exercise)
        if flag:
            cell.outputs = [error_output(FLAG, flag)]
            return cell, resources
        source = cell.source
        cell.source = self._collector(exercise)
        self._output_bytes = 0
        try:
            result = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = source
        found = [r for r in answer.records(cell.outputs) if r and r["exercise"] == exercise]
        payload = found[0]["payload"] if len(found) == 1 else None
        used, stopped = _reference_used(_results(payload)), self._used.get(exercise)
        if stopped and not used and _unanswered(payload):  # the answer cell stopped there
            used = stopped
        elif stopped and not used:  # the answer was set before: graded, shown to the instructor
            self._review(f"{exercise}: the answer cell also called the reference "
                         f"({', '.join(stopped)})")
        if not used and any(f"{EXCEPTION}: " in str(o.get("text", "")) for o in cell.outputs):
            self._review(f"{exercise}: the reference refused a call while the answer ran "
                         "(in a thread?)")
        if used:  # the answer failed there: name the cause (the grade is 0 either way)
            cell.outputs = [error_output(FLAG, _msg("nnkit", self._lang,
                                                     what=", ".join(used)[:100]))]
        return result

    def _review(self, finding):
        """List ``finding`` for the instructor (review.csv); the grade does not change."""
        self.nb.metadata.setdefault(REVIEW, []).append(finding)

    def _collector(self, exercise):
        """The code that reads the answer of ``exercise`` in the kernel (cases from the seed)."""
        from workbook.checks import find

        ex = find(exercise)
        cases = answer.pack_cases(ex.case_list(self.seed, hidden=True)) if (
            ex.kind == "function") else ""
        args = ", ".join(repr(a) for a in (exercise, ex.kind, ex.answer, cases))
        return COLLECT.format(args=args)

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most ``max_output_bytes`` of output per cell and
        ``max_notebook_output_bytes`` per notebook."""
        size = len(str(msg.get("content", "")))
        self._output_bytes = getattr(self, "_output_bytes", 0) + size
        if self._output_bytes > self.max_output_bytes and msg.get("msg_type") != "error":
            if self._output_bytes - size <= self.max_output_bytes:
                outs.append(new_output("stream", name="stderr", text=_msg(
                    "output", getattr(self, "_lang", "en"), n=self.max_output_bytes) + "\n"))
            return None
        self._notebook_bytes = getattr(self, "_notebook_bytes", 0) + size  # what is kept
        if self._notebook_bytes > self.max_notebook_output_bytes:
            return None  # over the notebook's budget: this cell is its last (_run_cells)
        return super().output(outs, msg, display_id, cell_index)

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


def _reference_used(items):
    """The reference functions (sorted names) the guard of the grading edition refused in
    ``items``: error outputs of a cell or error records of a function's results."""
    names = {str(i.get("evalue", i.get("msg", "")))[:40] for i in items if isinstance(i, dict)
             and EXCEPTION in (i.get("ename"), i.get("t") == "error" and i.get("type"))}
    return sorted(names)[:5]


def _results(payload):
    """The results of a function answer's payload (a list), else []."""
    results = payload.get("results") if isinstance(payload, dict) else None
    return results if isinstance(results, list) else []


def _unanswered(payload):
    """Whether a payload says the answer variable was not set (or is still the stub's None)."""
    answer_ = payload.get("answer") if isinstance(payload, dict) else None
    return isinstance(answer_, dict) and answer_.get("t") in ("missing", "none", "ellipsis")


_ORIGINALS = {}


def _originals(assignment):
    """(stripped sources of the instructor's non-answer code cells, answer grade id -> exercise
    id) of an assignment ``unitN_lang``, from the unit module (cached)."""
    if assignment not in _ORIGINALS:
        import importlib

        from workbook.build import source_notebook
        from workbook.checks import module_names

        unit, lang = parse_assignment(assignment)
        module = None
        for name in module_names():
            mod = importlib.import_module(name)
            if getattr(getattr(mod, "UNIT", None), "id", None) == unit:
                module = mod
        if module is None:
            raise KeyError(f"no unit {unit!r}")
        nb = source_notebook(module, lang)
        original = {answer.strip_hidden(c.source).strip() for c in nb.cells
                    if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("solution")}
        original.discard("")
        answers = {ex.id: ex.id for ex in module.EXERCISES}  # answer cell grade id = exercise id
        _ORIGINALS[assignment] = (original, answers)
    return _ORIGINALS[assignment]
