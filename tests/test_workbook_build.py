"""Unit sources -> notebooks: language parity, nbgrader metadata, no solutions in notebooks/,
the glossary, the start pages and `python -m workbook build --check`."""

import re
import subprocess
import sys

import nbformat
import pytest
from fixtures.nbtools import ROOT, modules
from nbformat.validator import validate

from workbook import build, glossary, source
from workbook.exercise import Exercise
from workbook.source import LANGS

MODULES = modules()
IDS = [m.UNIT.id for m in MODULES]
NOTEBOOKS = ROOT / "notebooks"


def both(module):
    return [build.source_notebook(module, lang) for lang in LANGS]


def has_words(markdown):
    return re.search(r"[A-Za-zÄÖÜäöüß]{4,}", glossary._prose(markdown)) is not None


# ---------------------------------------------------------------- source notebooks
@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_de_and_en_have_the_same_structure(module):
    de, en = both(module)
    assert [c.cell_type for c in de.cells] == [c.cell_type for c in en.cells]
    assert [c.id for c in de.cells] == [c.id for c in en.cells]
    assert [c.metadata.get("nbgrader") for c in de.cells] == [
        c.metadata.get("nbgrader") for c in en.cells]
    assert de.cells[0].source == 'from workbook.setup import *\nsetup("de")'
    assert en.cells[0].source == 'from workbook.setup import *\nsetup("en")'
    for d, e in zip(de.cells[1:], en.cells[1:], strict=True):
        if d.cell_type == "code":
            assert d.source == e.source, d.id
        elif has_words(d.source) or has_words(e.source):
            assert d.source != e.source, f"{d.id} is not translated"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_nbgrader_metadata(module):
    exercise_ids = {ex.id for ex in module.EXERCISES}
    for lang, nb in zip(LANGS, both(module), strict=True):
        validate(nb)
        assert nb.metadata.nnkit == {"unit": module.UNIT.id, "lang": lang,
                                     "seeds": list(module.UNIT.seeds)}
        assert nb.metadata.kernelspec.name == "python3"
        graded = [c.metadata.nbgrader for c in nb.cells if "nbgrader" in c.metadata]
        ids = [g["grade_id"] for g in graded]
        assert len(ids) == len(set(ids)) and all(g["schema_version"] == 3 for g in graded)
        answers = {g["grade_id"] for g in graded if g["solution"] and not g["grade"]}
        checks = {g["grade_id"] for g in graded if g["grade"] and g["locked"]}
        assert answers == exercise_ids, "every exercise has exactly one answer cell"
        assert checks == {f"{i}_check" for i in exercise_ids}
        assert all(g["points"] > 0 for g in graded if g["grade"])


def test_unit_ids_and_file_names_are_unique():
    for values in ([m.UNIT.id for m in MODULES],
                   *([m.UNIT.filename[lang] for m in MODULES] for lang in LANGS)):
        assert len(values) == len(set(values))


def test_builders_reject_bad_cells():
    ex = Exercise("u9_x", "x", "value", lambda: 1.0)
    with pytest.raises(ValueError):
        source.exercise(ex, points=1, solution="### END SOLUTION\nx = 1\n### BEGIN SOLUTION")
    with pytest.raises(ValueError):
        source.exercise(ex, points=1, solution="### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError):
        source.exercise(ex, points=0, solution="x = 1")
    with pytest.raises(ValueError):  # the form is the comment of the stub line exercise writes
        source.exercise(ex, points=1, form="...", solution="### BEGIN SOLUTION\nx = 1\n"
                        "### END SOLUTION")
    with pytest.raises(ValueError):
        source.md(de="nur deutsch", en=None)
    question, answer = source.manual("u9_y", 1, de="F?", en="Q?", solution_de="A", solution_en="A")
    assert question.nbgrader["locked"] and answer.nbgrader["solution"]


def test_exercise_derives_both_cells_from_the_exercise():
    ex = Exercise("u9_x", "x", "value", lambda: 1.0)
    answer, check = source.exercise(ex, points=2, form="a number", solution="x = 0.5 + 0.5")
    assert answer.nbgrader["grade_id"] == "u9_x" and answer.nbgrader["solution"]
    assert answer.source["en"] == ("x = None  # a number\n### BEGIN SOLUTION\nx = 0.5 + 0.5\n"
                                   "### END SOLUTION")
    assert check.nbgrader["grade_id"] == "u9_x_check" and check.nbgrader["points"] == 2
    assert check.nbgrader["locked"] and not check.nbgrader["solution"]
    assert check.source["de"] == ('check("u9_x")\n### BEGIN HIDDEN TESTS\n'
                                  'check("u9_x", hidden=True)\n### END HIDDEN TESTS')
    written = "def x():\n    ### BEGIN SOLUTION\n    return 1.0\n    ### END SOLUTION"
    answer, _ = source.exercise(ex, points=1, solution=written)
    assert answer.source == {"de": written, "en": written}


# ---------------------------------------------------------------- the German text
@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_german_text_uses_the_glossary(module):
    found = [(c.id, v) for c in build.source_notebook(module, "de").cells
             if c.cell_type == "markdown" for v in glossary.violations(c.source)]
    assert not found


def test_german_start_page_uses_the_glossary():
    start = build.start_page(MODULES, "de")
    assert not [v for c in start.cells for v in glossary.violations(c.source)]


@pytest.mark.parametrize("text", [
    "Der Gradienten Abstieg", "die Lern-Rate", "eine Aktivierungs Funktion", "Hast du", "Du siehst",
    "der Loss ist klein", "ein neuronales Netzwerk", "Ihre Skip Verbindung"])
def test_glossary_finds_forbidden_variants(text):
    assert glossary.violations(text)


@pytest.mark.parametrize("text", [
    "Der Gradientenabstieg mit Lernrate", "`loss = mse(yhat, y)`", "$L$ ist der Verlust",
    "```python\ndu = 1\n```", "Das Blatt sagt „Layer“.", "verschwindende Gradienten"])
def test_glossary_ignores_code_math_and_quotes(text):
    assert not glossary.violations(text)


def test_glossary_doc_is_up_to_date():
    assert (ROOT / "docs" / "glossary.md").read_text() == glossary.markdown()


# ---------------------------------------------------------------- committed notebooks
COMMITTED = sorted(NOTEBOOKS.glob("*/*.ipynb"))
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "hidden=True")


def solution_lines(module, lang):
    """Lines that only the model solutions have (solution regions, manual answers)."""
    secret, public = [], []
    for cell in source.flatten(module.CELLS):
        text = cell.text(lang)
        if (cell.nbgrader or {}).get("solution") and cell.cell_type == "markdown":
            secret += text.splitlines()
        else:
            regions = f"{source.BEGIN}(.*?){source.END}"
            secret += "\n".join(re.findall(regions, text, flags=re.DOTALL)).splitlines()
            public.append(re.sub(regions, "", text, flags=re.DOTALL))
    public = "\n".join(public)
    return [line.strip() for line in secret if len(line.strip()) > 12
            and line.strip() not in public]


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_notebooks_hold_no_solutions(path):
    text = path.read_text()
    assert not [m for m in MARKERS if m in text]
    nb = nbformat.read(path, as_version=4)
    unit = nb.metadata.get("nnkit", {}).get("unit")
    module = next((m for m in MODULES if m.UNIT.id == unit), None)
    if module is not None:
        sources = "\n".join(c.source for c in nb.cells)
        leaked = [line for line in solution_lines(module, path.parent.name) if line in sources]
        assert not leaked
    assert all(c.get("outputs", []) == [] for c in nb.cells)


def test_solution_lines_are_found():  # the leak test above can fail
    pilot = MODULES[-1]
    assert "return (np.asarray(z) > 0).astype(float)" in solution_lines(pilot, "en")
    assert "Weil seine Ableitung für alle Eingaben 0 ist." in solution_lines(pilot, "de")


@pytest.mark.parametrize("lang", LANGS)
def test_start_page_links_and_instructions(lang):
    path = NOTEBOOKS / lang / "0_start.ipynb"
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", text)
    assert links and all((path.parent / link).exists() for link in links)
    assert "Settings → Language → Deutsch (Deutschland)" in text
    assert "check(" in text and "✔" in text and "Assignment List" in text


@pytest.mark.slow
def test_committed_notebooks_are_up_to_date():
    run = subprocess.run([sys.executable, "-m", "workbook", "build", "--check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=240)  # below pytest's 300 s
    assert run.returncode == 0, run.stderr


def test_differences_finds_changed_missing_and_extra_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        (d / "de").mkdir(parents=True)
        (d / "en").mkdir()
    (a / "de" / "same.ipynb").write_text("1")
    (b / "de" / "same.ipynb").write_text("1")
    (a / "de" / "changed.ipynb").write_text("1")
    (b / "de" / "changed.ipynb").write_text("2")
    (a / "en" / "new.ipynb").write_text("1")
    (b / "en" / "stale.ipynb").write_text("1")
    assert build.differences(a, b) == ["de/changed.ipynb", "en/new.ipynb", "en/stale.ipynb"]
