"""What students really hand in, read without grading (issue 25): every file that is not a
notebook says what it is, a notebook cleaned by nb-clean is matched to the released cells,
timestamp.txt is read as Moodle, ILIAS and ``date`` write it, a student checking her own
formula with eval is no cheat, and a failed answer cell names its error."""

from __future__ import annotations

import json
import sys
import types
from datetime import timezone
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from honest.corpus import merge_conflict, nb_clean, notebook, written_twice  # noqa: E402

from autograder import timestamps, validate  # noqa: E402
from autograder.course import describe  # noqa: E402
from autograder.screen import screen  # noqa: E402
from workbook import answer  # noqa: E402
from workbook.build import source_notebook  # noqa: E402
from workbook.units import unit1  # noqa: E402


@pytest.fixture(scope="module")
def unit1_en(tmp_path_factory):
    """The unit 1 assignment as the grader describes it (from its source notebook)."""
    root = tmp_path_factory.mktemp("course")
    folder = root / "source" / "unit1_en"
    folder.mkdir(parents=True)
    nbformat.write(source_notebook(unit1, "en"), folder / "1_relu_chain_rule.ipynb")
    return describe(root, "unit1_en", "en", "unit1")


def reference(**kw):
    return notebook("unit1", "en", False, **kw)


def as_bytes(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def grading_metadata(nb):
    return [(c["cell_type"], c.get("metadata", {}).get("nbgrader")) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader")]


# ---------------------------------------------------------------- files that are no notebook
def test_a_file_that_is_no_notebook_says_what_it_is(unit1_en):
    good = as_bytes(reference())
    page = b"<!DOCTYPE html>\n<html><head><title>Jupyter</title></head><body></body></html>"
    cases = {
        merge_conflict(good.decode()).encode(): "merge conflict (git's marker <<<<<<< at line ",
        b"": "empty file (0 bytes)",
        b"\n  \n": "empty file (only white space)",
        page: "HTML page, not a notebook: a notebook exported as HTML",
        b"<html><body><p>Seite</p></body></html>": "HTML page, not a notebook: an HTML page",
        written_twice(good.decode()).encode(): "two notebooks in one file (the second starts",
        b"# %%\nimport numpy as np\nz_cs1 = -1.9\n": "Python code, not a notebook",
        b"PK\x03\x04rest of a zip": "a zip archive named .ipynb",
        b"%PDF-1.7\n": "a PDF document named .ipynb",
        good[: len(good) // 2]: "invalid JSON (",
    }
    for data, reason in cases.items():
        got = validate.check_notebook(data, unit1_en)
        assert got is not None and got.startswith(reason), (reason, got)


def test_a_helper_module_next_to_the_notebook_says_whether_the_notebook_uses_it(tmp_path,
                                                                                   unit1_en):
    folder = tmp_path / "s1" / "unit1_en"
    folder.mkdir(parents=True)
    nb = reference(cells={"u1_relu_grad": "from my_utils import relu_grad"})
    (folder / "1_relu_chain_rule.ipynb").write_bytes(as_bytes(nb))
    (folder / "my_utils.py").write_text("def relu_grad(z):\n    return (z > 0) * 1.0\n")
    (folder / "plot.png").write_bytes(b"\x89PNG")
    (folder / ".ipynb_checkpoints").mkdir()
    course = types.SimpleNamespace(assignments={"unit1_en": unit1_en})
    jobs, rejected = validate.scan(tmp_path, course)
    assert [j.student for j in jobs] == ["s1"]
    reasons = {r.file: r.reason for r in rejected}
    assert reasons["my_utils.py"] == (
        "not a notebook (ignored): a Python module; grading runs the notebook alone and does not "
        "use it; the notebook imports my_utils, so that cell stops with ModuleNotFoundError: "
        "put the module's code into the notebook")
    assert reasons["plot.png"] == ("not a notebook (ignored): an image; grading runs the "
                                   "notebook alone and does not use it")
    assert reasons[".ipynb_checkpoints"] == "not a regular file (a folder, ignored)"


# ---------------------------------------------------------------- nb-clean
@pytest.mark.parametrize("ids", [True, False], ids=["cell ids kept", "cell ids removed"])
def test_a_notebook_cleaned_by_nb_clean_gets_its_grading_metadata_back(unit1_en, ids):
    nb = reference(before={"u1_z_cs1": "print('scratch')", "u1_relu_grad": "x = 1"})
    original = grading_metadata(nb)
    cleaned = nb_clean(nb, ids)
    assert grading_metadata(cleaned) == []
    data, reason = validate.load_notebook(as_bytes(cleaned), unit1_en)
    assert reason is None
    assert grading_metadata(json.loads(data)) == original


def test_an_answer_cell_deleted_and_written_again_gets_its_metadata_back(unit1_en):
    from honest.corpus import recreated

    nb = reference()
    original = grading_metadata(nb)
    recreated("u1_z_cs1", "u1_dead_explain")(nb)
    data, reason = validate.load_notebook(as_bytes(nb), unit1_en)
    assert reason is None and grading_metadata(json.loads(data)) == original
    nb = reference()
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "u1_z_cs1_check"]  # a test cell deleted
    recreated("u1_z_cs1")(nb)
    assert validate.load_notebook(as_bytes(nb), unit1_en) == (
        None, "removed grade ids: u1_z_cs1, u1_z_cs1_check")


def test_a_cleaned_notebook_whose_cells_are_ambiguous_is_rejected_with_how_to_restore(unit1_en):
    nb = nb_clean(reference(), ids=False)
    k = next(i for i, c in enumerate(nb["cells"]) if "z_cs1 =" in "".join(c["source"]))
    nb["cells"].insert(k, dict(nb["cells"][k], source="z_cs1 = 0  # a first try"))
    nb["cells"].insert(k, dict(nb["cells"][k], source="y = 3"))
    data, reason = validate.load_notebook(as_bytes(nb), unit1_en)
    assert data is None
    assert reason.startswith(validate.STRIPPED + ": no single cell for u1_z_cs1")
    assert "--preserve-cell-metadata-field nbgrader" in reason


# ---------------------------------------------------------------- timestamp.txt
BERLIN_2359 = "2025-02-05T22:59:00+00:00"  # 5 February 2025, 23:59 in Berlin (CET)


@pytest.mark.parametrize("text", [
    "Mittwoch, 5. Februar 2025, 23:59",  # Moodle, German
    "Wednesday, 5 February 2025, 11:59 PM",  # Moodle, English
    "05. Feb 2025, 23:59", "05.02.2025 23:59", "5.2.2025, 23:59 Uhr",  # ILIAS
    "Wed Feb  5 23:59:00 CET 2025", "Mi 5. Feb 23:59:00 CET 2025",  # date, en_US and de_DE
    "Mi 5. Feb 2025 23:59:00 MEZ", "Wed, 05 Feb 2025 23:59:00 +0100",  # newer date, date -R
    "2025-02-05T23:59:00+01:00", "2025-02-05 22:59:00 UTC", "2025-02-05T22:59:00Z",  # ISO
    "2025-02-05 23:59", "2025-02-05 23:59:00.000000",  # no zone: the grading machine's
])
def test_timestamps_are_read_as_platforms_and_date_write_them(text):
    import dateutil.tz

    assert timestamps.read(text, local=dateutil.tz.gettz("Europe/Berlin")) == (BERLIN_2359, "")


def test_summer_time_and_offsets():
    assert timestamps.read("Di 1. Jul 12:00:00 MESZ 2025")[0] == "2025-07-01T10:00:00+00:00"
    assert timestamps.read("2025-07-01 12:00", local=timezone.utc)[0] == (
        "2025-07-01T12:00:00+00:00")


@pytest.mark.parametrize("text,why", [
    ("Heute, 23:59", "relative day"), ("05/02/2025 23:59", "ambiguous"),
    ("5. Feb, 23:59", "lacks the year"), ("05.02.2025", "lacks"), ("23:59", "lacks"),
    ("abgegeben", "not a time"), ("", "empty")])
def test_an_unreadable_timestamp_is_not_guessed(text, why):
    when, note = timestamps.read(text)
    assert when is None and why in note


# ---------------------------------------------------------------- screening
def screened(*cells):
    return screen([("u1_dz_dw2" if k == 0 else None, c) for k, c in enumerate(cells)], set(),
                  {"u1_dz_dw2": "u1_dz_dw2"})


def test_a_student_evaluating_her_own_formula_is_graded_and_listed():
    tamper, _, review = screened('dz_dw2 = None  # "..."\ndz_dw2 = "x2"',
                                 'print(eval(dz_dw2, {"x2": 3.0}))',
                                 'f = "3*x^2"\nprint(eval(f.replace("^", "**"), {"x": 2}))')
    assert tamper == []
    assert review == ["cell 2: eval of own text dz_dw2",
                      "cell 3: eval of own text f.replace('^', '**')"]


def test_own_text_that_tampers_and_computed_code_still_tamper():
    for cells, hit in ((('code = "import workbook.checks"', "exec(code)"), "workbook"),
                       (('c = open("x").read()', "exec(c)"), "exec"),
                       (('g = "1"', "g = input()", "eval(g)"), "eval")):
        tamper, _, _ = screened(*cells)
        assert tamper and hit in " ".join(tamper), (cells, tamper)


def test_freeing_memory_and_printing_versions_is_no_tampering_reaching_in_still_is():
    for honest in (("import gc", "gc.collect()"), ("from gc import collect as c\nc()",),
                   ('import importlib.metadata\nprint(importlib.metadata.version("numpy"))',),
                   ("from importlib.metadata import version",)):
        assert screened(*honest)[0] == [], honest
    for cells, hit in ((("import importlib", "importlib.import_module('workbook.answer')"),
                        "importlib"), (("import gc", "gc.get_referrers(check)"), "gc"),
                       (("from importlib import import_module",), "importlib")):
        tamper, _, _ = screened(*cells)
        assert tamper and hit in tamper[0], (cells, tamper)


# ---------------------------------------------------------------- the answer cell's error
@pytest.mark.parametrize("source,newer", [
    ('z_cs1 = float(f"{d["w"]}")', "3.12"), ("z_cs1 = float(f'{d['w']}')", "3.12"),
    ('z_cs1 = f"{"\\n".join(a)}"', "3.12"), ("type Number = float\nz_cs1 = 1", "3.12"),
    ("def f[T](x: T) -> T:\n    return x", "3.12"),
    ("try:\n    z_cs1 = 1\nexcept ValueError, TypeError:\n    pass", "3.14"),
    ('z_cs1 = f"{d["w"]"', ""), ("z_cs1 = (1", ""), ('z_cs1 = f"{d[\'w\']}" +', "")])
def test_syntax_of_a_newer_python_is_named(source, newer):
    if sys.version_info >= (3, 12):
        pytest.skip("the grader's Python reads this syntax")
    with pytest.raises(SyntaxError) as err:
        compile(source, "<cell>", "exec")
    assert answer.newer_python(source, err.value) == newer


def ran(source):
    """What IPython hands the post_run_cell hook for a cell that ran ``source``."""
    try:
        exec(compile(source, "<cell>", "exec"), {})
        error = None
    except Exception as err:  # the cell's error, as IPython keeps it
        error = err
    syntax = error if isinstance(error, SyntaxError) else None
    return types.SimpleNamespace(info=types.SimpleNamespace(raw_cell=source),
                                 error_before_exec=syntax,
                                 error_in_exec=None if syntax else error)


def message(payload, lang="en"):
    from workbook.checks import find

    return str(find("u1_z_cs1").judge({"kind": "value", "answer": payload}, seed=0, lang=lang))


def test_a_failed_answer_cell_is_named_not_called_unrun():
    cell = 'd = {"w": -1.9}\nz_cs1 = float(f"{d["w"]}")'
    answer.remember_error(ran(cell))
    record = answer.missing(["", cell, 'check("u1_z_cs1")'], "z_cs1")
    answer.validate(record)
    text = message(record)
    assert text.startswith("✘ 'z_cs1' is not defined: your answer cell stops with this error: "
                           "SyntaxError: f-string: unmatched '[' (line 2)")
    assert "valid only from Python 3.12 on" in text
    assert "Zeile 2" in message(record, "de") and "erst ab Python 3.12" in message(record, "de")
    cell = "from my_utils import z_cs1"
    answer.remember_error(ran(cell))
    text = message(answer.missing(["", cell], "z_cs1"), "de")
    assert "ModuleNotFoundError: No module named 'my_utils'" in text
    assert "Ein eigenes Modul" in text
    answer.remember_error(ran("z_cs1 = 1 / 0"))
    assert "ZeroDivisionError: division by zero" in message(
        answer.missing(["z_cs1 = 1 / 0"], "z_cs1"))
    assert message(answer.missing(["x = 1"], "z_cs1")) == (
        "✘ 'z_cs1' is not defined yet. Run your answer cell.")
    assert message(answer.missing(["x = 1"], "z_cs1", ran=True)).startswith(
        "✘ 'z_cs1' is not defined: no cell of your notebook that ran defines 'z_cs1'")
    answer.remember_error(ran("z_cs1 = 1\ndel z_cs1"))
    assert "no cell of your notebook that ran" in message(
        answer.missing(["z_cs1 = 1\ndel z_cs1"], "z_cs1"))


def test_every_zeroed_notebook_and_unread_timestamp_is_named_in_the_summary():
    from autograder.grade import summarize

    run = {"graded": 3, "executed": 3, "from_cache": 0, "rejected": 0, "seconds": 1.0,
           "prepare_seconds": 0.5, "workers": 1, "notebook_seconds": [0.3], "reasons": {},
           "review": 2, "misconceptions": [], "timestamps_unread": 1,
           "zeroed": {"s1/unit1_en/1_relu_chain_rule": "cell 2 (u1_relu_grad): workbook"}}
    text = summarize(run, "results")
    assert ("zeroed (every exercise 0, tampering): s1/unit1_en/1_relu_chain_rule: cell 2 "
            "(u1_relu_grad): workbook") in text
    assert ("timestamp.txt not read: 1 submission; graded without a submission time (nbgrader "
            "counts it as on time), check the time by hand") in text
