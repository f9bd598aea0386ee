"""Slow: every source notebook runs headless without errors; nbgrader round trip per unit
(reference = full marks, blank release = 0, one typical mistake = in between)."""

import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest
from fixtures.nbtools import kernel_env, modules

from workbook import build
from workbook.source import LANGS

# a notebook's cells (300 s each) and nbgrader (600 s) fail with their own message before the
# test's limit (pytest's default is 300 s)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
MODULES = modules()


def execute(nb, path):
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path)}}).execute(env=kernel_env())
    return nb


@pytest.mark.parametrize("module, lang", [(m, lang) for m in MODULES for lang in LANGS],
                         ids=[f"{m.UNIT.id}-{lang}" for m in MODULES for lang in LANGS])
def test_source_notebook_runs(module, lang, tmp_path):
    nb = execute(build.source_notebook(module, lang), tmp_path)
    # a cell's stdout may arrive in several stream chunks: judge the joined text
    printed = ["".join(out.get("text", "") for out in c.outputs if out.get("name") == "stdout")
               for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert printed and all(text.lstrip().startswith("✔") for text in printed)
    assert not any("✘" in text for text in printed)  # visible and hidden checks all pass


# ---------------------------------------------------------------- nbgrader round trip
def literal(ex, mistake):
    """Python source for the answer a student with ``mistake`` would write."""
    if ex.kind == "choice":
        return repr(mistake.wrong)
    if ex.kind == "expression":
        return repr(str(mistake.wrong()))
    value = np.asarray(mistake.wrong(), dtype=float)
    return repr(float(value)) if value.ndim == 0 else f"np.array({value.tolist()!r})"


def with_mistake(nb, module):
    """The reference notebook with the first mistake of the first non-function exercise."""
    ex, mistake = next((ex, ex.mistakes[0]) for ex in module.EXERCISES
                       if ex.kind != "function" and ex.mistakes)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ex.id)
    cell.source += f"\n{ex.answer} = {literal(ex, mistake)}"
    return nb


def autograde_scores(course, assignment, notebook):
    from nbgrader.api import Gradebook

    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    run = subprocess.run([nbgrader, "autograde", assignment, "--force"], cwd=course,
                         env=kernel_env(),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("reference", "blank", "mistake"):
            grades = gb.find_submission_notebook(notebook, assignment, student).grades
            scores[student] = {g.name: (g.auto_score, g.max_score) for g in grades
                               if g.cell.cell_type == "code"}
    return scores


ROUND_TRIP = [(m, LANGS[m.UNIT.number % 2]) for m in MODULES] + [(MODULES[-1], "de")]


@pytest.mark.parametrize("module, lang", ROUND_TRIP,
                         ids=[f"{m.UNIT.id}-{lang}" for m, lang in ROUND_TRIP])
def test_nbgrader_round_trip(module, lang, tmp_path):
    course = tmp_path / "course"
    build.make_course(course, [module])
    assignment, name = module.UNIT.assignment(lang), f"{module.UNIT.filename[lang]}.ipynb"
    release = build.generate(course, assignment, lang)
    reference = nbformat.read(course / "source" / assignment / name, as_version=4)
    submissions = {"reference": reference,
                   "blank": nbformat.read(release / name, as_version=4),
                   "mistake": with_mistake(nbformat.read(course / "source" / assignment / name,
                                                         as_version=4), module)}
    for student, nb in submissions.items():
        target = course / "submitted" / student / assignment / name
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)

    scores = autograde_scores(course, assignment, name.removesuffix(".ipynb"))
    assert scores["reference"] and all(a == m for a, m in scores["reference"].values())
    assert all(a == 0 for a, _ in scores["blank"].values())
    total = sum(a for a, _ in scores["mistake"].values())
    assert 0 < total < sum(m for _, m in scores["mistake"].values())

