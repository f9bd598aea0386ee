"""The grading course: ``workbook.build.make_course`` + nbgrader ``generate_assignment``.

``prepare(course_dir, db_url)`` writes the source notebooks of every unit that builds, appends the
grader's nbgrader configuration to the course's ``nbgrader_config.py`` (so ``nbgrader autograde``
run by an instructor in the course directory uses the same hardened execution and trusted
verdicts) and records assignments, notebooks and source cells in two gradebooks: the template the
workers copy (``.grader/template.db``) and the course gradebook (``db_url``). Both are only
regenerated when the sources change.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import secrets
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder._root import ROOT, VERSION
from autograder.language import counted, instructor_language
from workbook.i18n import message

TEXT = {  # key: (German, English); the console messages of the course's preparation
    "skipped": ("Warnung: Einheit {unit} übersprungen: {error}",
                "warning: unit {unit} skipped: {error}"),
    "preparing": ("Kurs wird vorbereitet: {assignments}", "preparing the course: {assignments}"),
}

CONFIG = '''
# ---- autograder (written by autograder.course; keep below workbook.build's lines) ----
import sys  # noqa: E402
if {root!r} not in sys.path:
    sys.path.insert(0, {root!r})
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades,  # noqa
                                    IgnorePattern, LimitOutput, SaveAutoGrades)
from autograder.execute import HardenedExecute  # noqa: E402
from autograder.feedback import FeedbackExporter, StripForFeedback  # noqa: E402
from autograder.inert import Inert, markdown2html  # noqa: E402
from autograder.verdict import TrustedVerdict  # noqa: E402
c.CourseDirectory.db_url = {db_url!r}
c.HardenedExecute.seed = c.TrustedVerdict.seed = {seed}  # the secret grading seed of this course
c.HardenedExecute.timeout = {timeout}
c.HardenedExecute.notebook_timeout = {notebook_timeout}  # seconds per notebook in all
c.HardenedExecute.hide_paths = {hide!r}  # the submissions: no kernel reads another student's
c.Autograde.autograde_preprocessors = [
    HardenedExecute, TrustedVerdict, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.GenerateFeedback.preprocessors = [StripForFeedback, GetGrades, CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.exporter_class = FeedbackExporter  # nbconvert's HTMLExporter, compiled once
# every page rendered from a notebook (formgrader's, the feedback): no student script runs
c.HTMLExporter.preprocessors = [Inert]
c.HTMLExporter.filters = {{"markdown2html": markdown2html}}
'''


@dataclass
class Assignment:
    """One assignment (``unit1_de``): its notebook and the points of its cells."""

    id: str
    unit: str
    lang: str
    notebook: str  # file name without .ipynb
    grade_ids: list = field(default_factory=list)  # every nbgrader grade id, in order
    points: dict = field(default_factory=dict)  # graded cell -> points
    auto: list = field(default_factory=list)  # autograded test cells, in order
    answers: dict = field(default_factory=dict)  # exercise id -> answer cell source (solution)
    cells: list = field(default_factory=list)  # the source notebook's cells (nbformat dicts)

    @property
    def max_score(self):
        return float(sum(self.points.values()))


@dataclass
class Course:
    root: Path
    db_url: str
    seed: int
    key: str  # hash of the sources + grader version + settings: part of every cache key
    assignments: dict  # id -> Assignment

    @property
    def template_db(self):
        return self.root / ".grader" / "template.db"


def load_modules(names=None, log=print):
    """The unit modules to grade: ``names`` ("unit1" or dotted module names) or every
    ``workbook.units.unitN`` that imports and has UNIT, CELLS and EXERCISES (others: warning)."""
    from workbook.checks import module_names

    wanted = names or module_names()
    modules = []
    for name in wanted:
        full = name if "." in name else f"workbook.units.{name}"
        try:
            module = importlib.import_module(full)
            for attr in ("UNIT", "CELLS", "EXERCISES"):
                getattr(module, attr)
        except Exception as err:
            if names:
                raise
            log(message(TEXT, "skipped", instructor_language(), unit=full,
                        error=f"{type(err).__name__}: {err}"))
            continue
        modules.append(module)
    return modules


def _hash_tree(root):
    """sha256 over the relative paths and contents of the notebooks under ``root`` (the same
    for a copy of the course elsewhere)."""
    h = hashlib.sha256()
    for path in sorted(Path(root).rglob("*.ipynb")):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _bin_on_path():
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def generate(root, assignment, lang, db_url):
    """nbgrader generate_assignment of one assignment into the gradebook ``db_url``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from workbook.build import stub_config

    _bin_on_path()
    config = stub_config(root, lang)
    config.CourseDirectory.db_url = db_url
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment {assignment} failed:\n{result.get('log', '')}"
                           f"\n{result.get('error', '')}")


def describe(root, assignment_id, lang, unit):
    """An :class:`Assignment` from its source notebook."""
    (path,) = sorted((Path(root) / "source" / assignment_id).glob("*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    a = Assignment(assignment_id, unit, lang, path.stem, cells=[dict(c) for c in nb.cells])
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if not gid:
            continue
        a.grade_ids.append(gid)
        if meta.get("grade"):
            a.points[gid] = float(meta.get("points", 0))
            if not meta.get("solution") and cell.cell_type == "code":
                a.auto.append(gid)
        if meta.get("solution") and not meta.get("grade") and cell.cell_type == "code":
            a.answers[gid] = cell.source
    return a


def sqlite_url(path):
    return f"sqlite:///{Path(path).resolve()}"


def prepare(course_dir, db_url=None, modules=None, timeout=30, hide=(), log=print,
            notebook_timeout=900):
    """Build (or reuse) the grading course in ``course_dir``; returns a :class:`Course`.
    ``hide``: more folders the kernels must not see (the submissions)."""
    from workbook.build import make_course

    root = Path(course_dir).resolve()
    state_dir = root / ".grader"
    state_dir.mkdir(parents=True, exist_ok=True)
    db_url = db_url or sqlite_url(root.parent / "gradebook.db")
    seed_file = state_dir / "seed"
    if not seed_file.exists():
        seed_file.write_text(str(secrets.randbelow(2**31 - 1)))
        seed_file.chmod(0o600)
    seed = int(seed_file.read_text())

    source = root / "source"
    if source.exists():
        shutil.rmtree(source)  # units removed since the last run must not linger
    made = make_course(root, modules)
    with open(root / "nbgrader_config.py", "a") as f:
        f.write(CONFIG.format(root=str(ROOT), db_url=db_url, seed=seed, timeout=int(timeout),
                               notebook_timeout=int(notebook_timeout),
                               hide=[str(Path(p).resolve()) for p in hide]))
    sources = _hash_tree(source)
    key = hashlib.sha256(f"{sources} {seed} {timeout} {notebook_timeout} {VERSION}".encode()
                         ).hexdigest()

    state_file = state_dir / "state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    template = state_dir / "template.db"
    if state.get("sources") != sources or not template.exists():
        log(message(TEXT, "preparing", instructor_language(),
                    assignments=counted(len(made), "assignment")))
        template.unlink(missing_ok=True)
        for _, lang, assignment in made:
            generate(root, assignment, lang, sqlite_url(template))
        state = {"sources": sources}
    if state.get("db") != db_url:
        main_file = db_url.removeprefix("sqlite:///") if db_url.startswith("sqlite:///") else None
        if main_file and not Path(main_file).exists():
            shutil.copyfile(template, main_file)
        else:
            for _, lang, assignment in made:
                generate(root, assignment, lang, db_url)
        state["db"] = db_url
    state_file.write_text(json.dumps(state))
    assignments = {a: describe(root, a, lang, m.UNIT.id) for m, lang, a in made}
    return Course(root, db_url, seed, key, assignments)
