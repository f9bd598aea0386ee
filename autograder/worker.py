"""The work function: grade one (student, assignment) in a long-lived worker process.

Each worker process has its own scratch course (a copy of the course's sources and config and of
the template gradebook made by generate_assignment) and runs nbgrader's Autograde and
GenerateFeedback converters in-process (no CLI start-up per submission). A fresh kernel runs every
notebook (:mod:`autograder.execute`). The result is plain data — scores per grade cell, comments,
the typical mistakes matched, the autograded notebook, the feedback HTML — that
:mod:`autograder.merge` writes into the course gradebook.

The same function runs in the grader's own grading processes (:func:`autograder.grade._run_local`)
or on a Dask cluster (workers that share the file system with the course directory; one thread
per worker process is best, a lock keeps grading in one process sequential because nbgrader
changes the working directory).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import threading
import time
import types
import warnings
from pathlib import Path

_LOCK = threading.Lock()
_SCRATCH = {}  # (course root, course key) -> this process's scratch course


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.levelname}: {record.getMessage()}"[:2000])


def _unsynced(connection, _record):
    """SQLite connection hook: a scratch gradebook (a copy that is thrown away with the worker;
    the result travels as data) is written without waiting for the disk (no fsync per commit,
    about 0.2 s per notebook); every other database keeps SQLite's defaults."""
    import sqlite3

    if not isinstance(connection, sqlite3.Connection):
        return
    files = {Path(row[2]) for row in connection.execute("PRAGMA database_list") if row[2]}
    if any(where / "gradebook.db" in files for where in _SCRATCH.values()):
        connection.execute("PRAGMA synchronous = OFF")


@functools.cache
def _validator(schema_json):
    import jsonschema

    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate(instance, schema):
    """``jsonschema.validate`` for nbgrader's cell metadata, with the schema checked once:
    nbgrader validates every cell about six times per notebook against its constant schema, and
    ``jsonschema.validate`` checks the schema itself against the meta-schema on every call (about
    0.15 s CPU per notebook). The same error is raised (the best match)."""
    import jsonschema

    error = jsonschema.exceptions.best_match(
        _validator(json.dumps(schema, sort_keys=True)).iter_errors(instance))
    if error is not None:
        raise error


def _scratch(course_root, key, work_root):
    from nbgrader.nbgraderformat import common
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    where = _SCRATCH.get((course_root, key))
    if where is not None and where.exists():
        return where
    if not event.contains(Engine, "connect", _unsynced):
        event.listen(Engine, "connect", _unsynced)
    common.jsonschema = types.SimpleNamespace(validate=_validate)
    where = Path(work_root) / f"worker-{os.getpid()}-{key[:8]}"
    if where.exists():
        shutil.rmtree(where)
    (where / "tmp").mkdir(parents=True)
    shutil.copytree(Path(course_root) / "source", where / "source")
    shutil.copyfile(Path(course_root) / "nbgrader_config.py", where / "nbgrader_config.py")
    shutil.copyfile(Path(course_root) / ".grader" / "template.db", where / "gradebook.db")
    _SCRATCH[(course_root, key)] = where
    return where


def _config(where, assignment, student):
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(where)).load_config()
    cfg.CourseDirectory.root = str(where)
    cfg.CourseDirectory.db_url = f"sqlite:///{where / 'gradebook.db'}"
    cfg.CourseDirectory.assignment_id = assignment
    cfg.CourseDirectory.student_id = student
    cfg.CourseDirectory.notebook_id = "*"
    cfg.Autograde.force = True
    cfg.Autograde.create_student = True
    cfg.GenerateFeedback.force = True
    cfg.HardenedExecute.scratch_root = str(where / "tmp")
    return cfg


def _scores(db_url, assignment, student):
    from nbgrader.api import Gradebook

    notebooks = {}
    with Gradebook(db_url) as gb:
        sub = gb.find_submission(assignment, student)
        timestamp = sub.timestamp.isoformat() if sub.timestamp else None
        for nb in sub.notebooks:
            notebooks[nb.name] = {
                "score": float(nb.score), "max_score": float(nb.max_score),
                "grades": {g.name: {"auto_score": g.auto_score, "max_score": float(g.max_score),
                                    "needs_manual_grade": bool(g.needs_manual_grade)}
                           for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
    return notebooks, timestamp


def _mistakes(path):
    """``(mistakes, review, budget, zeroed)``: grade id -> the matched typical mistake, as
    TrustedVerdict wrote it into the autograded notebook, the screening's findings for the
    instructor (:data:`autograder.execute.REVIEW`), which budget of the notebook ran out
    (:data:`autograder.execute.BUDGET_KEY`, or None) and why every exercise scores 0
    (:data:`autograder.execute.ZEROED`, "" if not)."""
    import nbformat

    from autograder.execute import BUDGET_KEY, REVIEW, ZEROED, exercise_of

    nb = nbformat.read(path, as_version=4)
    mistakes = {cell.metadata["nbgrader"]["grade_id"]:
                cell.metadata.get("nnkit_verdict", {}).get("mistake")
                for cell in nb.cells if exercise_of(cell) is not None}
    return (mistakes, list(nb.metadata.get(REVIEW, [])), nb.metadata.get(BUDGET_KEY),
            str(nb.metadata.get(ZEROED, "")))


def warm_up():
    """What the first job of a grading process would do once: import nbgrader's converters and
    gradebook, the hardened execution with what it uses (IPython's input transformer,
    matplotlib's font list, ipykernel's kernel spec), the verdicts and the feedback exporter,
    and the unit sources (the kernels' editions are written per unit), so that a grading process
    started early (:func:`autograder.grade._start`) does it while the grader prepares the
    course."""
    import ipykernel.kernelspec  # noqa: F401
    import matplotlib.font_manager  # noqa: F401
    import nbgrader.api  # noqa: F401
    import nbgrader.converters  # noqa: F401
    from IPython.core import inputtransformer2  # noqa: F401

    import autograder.feedback  # noqa: F401
    import autograder.verdict  # noqa: F401
    from workbook.checks import unit_modules

    unit_modules()


def grade_job(job, course_root, key, work_root):
    """Grade one job (see :class:`autograder.validate.Job`); returns a result dict."""
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy 2 "not in session" noise
        return _grade(job, course_root, key, work_root)


def _grade(job, course_root, key, work_root):
    start, started = time.monotonic(), time.time()
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    student, assignment = job["student"], job["assignment"]
    result = {"student": student, "assignment": assignment, "notebooks": {}, "error": None,
              "worker": os.getpid(), "timestamp": None, "started": started}
    capture = _Capture()
    log = logging.getLogger(f"autograder.nbgrader.{os.getpid()}")
    log.propagate = False
    log.handlers[:] = [capture]
    log.setLevel(logging.INFO)
    try:
        where = _scratch(course_root, key, work_root)
        for sub in ("submitted", "autograded", "feedback"):
            shutil.rmtree(where / sub / student / assignment, ignore_errors=True)
        target = where / "submitted" / student / assignment
        target.mkdir(parents=True)
        for name, data in job["notebooks"].items():
            (target / f"{name}.ipynb").write_bytes(data)
        if job.get("timestamp"):
            (target / "timestamp.txt").write_text(job["timestamp"])
        cfg = _config(where, assignment, student)
        for converter in (Autograde, GenerateFeedback):
            conv = converter(coursedir=CourseDirectory(config=cfg), config=cfg)
            conv.log = log
            conv.start()
        notebooks, result["timestamp"] = _scores(cfg.CourseDirectory.db_url, assignment, student)
        for name in job["notebooks"]:
            entry = notebooks[name]
            autograded = where / "autograded" / student / assignment / f"{name}.ipynb"
            (entry["mistakes"], entry["review"], entry["budget"],
             entry["zeroed"]) = _mistakes(autograded)
            entry["autograded"] = autograded.read_text()  # for formgrader (manual grading)
            entry["feedback"] = (where / "feedback" / student / assignment
                                 / f"{name}.html").read_text()
            result["notebooks"][name] = entry
    except Exception as err:
        detail = " | ".join(line for line in capture.lines if line.startswith("ERROR"))[-600:]
        result["error"] = f"{type(err).__name__}: {err}" + (f" ({detail})" if detail else "")
    result["seconds"] = time.monotonic() - start  # the first job of a worker: imports included
    result["warnings"] = capture.lines[-20:]
    return result
