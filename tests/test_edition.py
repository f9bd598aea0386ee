"""The student edition (``make student``): what it holds, what it must not hold, and that its
self-check (keyed hashes, workbook.selfcheck) says what the full workbook's check says."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest
from fixtures.answers import wrong_namespace

from workbook import edition, selfcheck
from workbook.checks import registry, unit_modules
from workbook.source import BEGIN, BEGIN_HIDDEN, END, END_HIDDEN, LANGS, flatten

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = registry()


@pytest.fixture(scope="session")
def student(tmp_path_factory):
    """One student edition for every test of the session."""
    return edition.build(tmp_path_factory.mktemp("edition") / "student")


def texts(folder):
    """``{relative path: text}`` of every file; notebooks as their cells' sources and outputs."""
    found = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".ipynb":
            nb = json.loads(raw)
            raw = "\n".join("".join(c["source"]) + json.dumps(c.get("outputs", []),
                                                              ensure_ascii=False)
                            for c in nb["cells"])
        found[path.relative_to(folder).as_posix()] = raw
    return found


def secrets_of_the_sources():
    """What must not be in the edition, taken from the unit sources: every solution region's
    code, every model answer of a manually graded cell (per paragraph) and every hidden check."""
    found = set()
    for module in unit_modules():
        for cell in flatten(module.CELLS):
            meta = cell.nbgrader or {}
            for lang in LANGS:
                text = cell.text(lang)
                if cell.cell_type == "code" and meta.get("solution"):
                    regions = re.findall(f"{BEGIN}\n(.*?)\n[ \t]*{END}", text, re.DOTALL)
                    found |= {r.strip() for r in regions if len(r.strip()) > 3}
                elif cell.cell_type == "markdown" and meta.get("solution"):
                    found |= {p.strip() for p in text.split("\n\n") if len(p.strip()) > 20}
                found |= {h.strip() for h in re.findall(f"{BEGIN_HIDDEN}(.*?){END_HIDDEN}",
                                                        text, re.DOTALL)}
    return found


# ------------------------------------------------------------------ contents
def test_edition_holds_what_students_need(student):
    files = set(texts(student))
    for lang in LANGS:
        wanted = {f"notebooks/{lang}/{p.name}" for p in (ROOT / "notebooks" / lang).glob("*.ipynb")}
        assert wanted and wanted <= files
    assert {"nnkit/__init__.py", "workbook/setup.py", "workbook/checks.py", "workbook/key.json",
            "binder/postBuild", "binder/requirements.txt", "pyproject.toml", "README.md",
            "Makefile", "scripts/lab.py"} <= files
    assert {f"workbook/views/{p.name}" for p in (ROOT / "workbook" / "views").glob("*.py")} <= files


def test_edition_notebooks_are_the_workbooks_student_notebooks(student):
    """Byte for byte: what students hand in from the edition is what `grade` already takes."""
    for lang in LANGS:
        for nb in (ROOT / "notebooks" / lang).glob("*.ipynb"):
            assert (student / "notebooks" / lang / nb.name).read_bytes() == nb.read_bytes()


def test_edition_has_no_unit_sources_or_build_tools(student):
    files = set(texts(student))
    assert not [f for f in files if f.startswith("workbook/units")]
    assert "workbook/edition.py" not in files and "workbook/build.py" not in files


# Solutions that are, verbatim, the code of what the course hands out on purpose: nnkit (the
# library students read; the grader flags answers that call it) and a view that shows the very
# quotients (its reference maths is due to move to workbook/reference/, issue 12). Listed so
# that a new one fails and a removed one must be struck off.
KNOWN = {
    ("nnkit/activations.py", "return (np.asarray(z) > 0).astype(float)"),
    ("workbook/views/difference_quotient.py", "return (f(x + h) - f(x)) / h"),
    ("workbook/views/difference_quotient.py", "return (f(x + h) - f(x - h)) / (2 * h)"),
}


def test_no_solution_model_answer_or_hidden_check_in_the_edition(student):
    secrets = secrets_of_the_sources()
    assert len(secrets) > 50  # the sources have them: the test can fail
    leaked = {(path, s) for path, text in texts(student).items() for s in secrets if s in text}
    assert leaked == KNOWN


def test_the_key_holds_no_number_of_a_result(student):
    """Outside the visible cases, the expressions' names and the tolerances, the key holds
    only hashes, shapes and hints: no reference or mistake result."""
    key = json.loads((student / "workbook" / "key.json").read_text())

    def numbers(x, path=""):
        if isinstance(x, dict):
            return [n for k, v in x.items() if k not in ("cases", "rtol", "atol", "shape",
                                                        "points")
                    for n in numbers(v, f"{path}/{k}")]
        if isinstance(x, list):
            return [n for v in x for n in numbers(v, path)]
        return [(path, x)] if isinstance(x, (int, float)) and not isinstance(x, bool) else []

    targets = [t for e in key["exercises"].values() for t in e["targets"]]
    assert len(targets) > 200 and not numbers(targets)
    value = key["exercises"]["u1_z_cs1"]
    assert "cases" not in value and str(EXERCISES["u1_z_cs1"].expected()) not in json.dumps(value)


# ------------------------------------------------------------------ the self-check
def typed(ex):
    """(name, namespace) for the reference answer, each known mistake and a blank answer."""
    if ex.kind == "expression":
        reference = str(ex.expected())
    else:
        reference = ex.expected() if ex.kind == "value" else ex.expected
    answers = [("reference", {ex.answer: reference})]
    for m in ex.mistakes:
        ns = wrong_namespace(ex, m)
        answers.append((m.name, {ex.answer: str(ns[ex.answer])} if ex.kind == "expression"
                        else ns))
    return answers + [("blank", {ex.answer: None}), ("missing", {})]


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_edition_check_says_what_the_workbook_says(student, exercise_id):
    """In both languages: ✔ for the reference, each mistake's hint, ✘ for a blank or missing
    answer -- exactly the full workbook's messages and hints."""
    ex = EXERCISES[exercise_id]
    keyed = selfcheck.find(exercise_id, student / "workbook" / "key.json")
    for name, ns in typed(ex):
        payload = keyed.collect(ns)
        for lang in LANGS:
            want = ex.judge(ex.collect(ns, seed=0), seed=0, lang=lang)
            got = keyed.judge(payload, lang=lang)
            assert (got.passed, got.message, got.hint, got.mistake) == (
                want.passed, want.message, want.hint, want.mistake), (name, lang)
            if name in ("reference", "blank", "missing"):
                assert got.passed == (name == "reference")
            elif want.mistake == name:  # (a mistake may agree with the reference on the
                assert got.hint  # visible cases and differ only on hidden ones: then ✔ in both)


def test_input_habits_reach_the_edition_check(student):
    """Decimal comma, None, a cell stopped by a unicode minus, a wrong shape."""
    keyed = selfcheck.find("u1_z_cs1", student / "workbook" / "key.json")
    comma = keyed.judge(keyed.collect({"z_cs1": (0, 1)}))
    assert "0.1" in comma.hint and not comma.passed
    stopped = keyed.judge(keyed.collect({"In": ["z_cs1 = \u22121.9"]}))
    assert "'\u2212'" in stopped.hint
    shape = keyed.judge(keyed.collect({"z_cs1": np.zeros(3)}))
    assert shape.message.startswith("Wrong shape")


def test_grid_points_of_a_right_answer_include_the_reference():
    """Correct within the tolerance near a grid boundary: one of the answer's grid points is
    the reference's; 2 tolerances off: none is."""
    rng = np.random.default_rng(3)
    rtol, atol = 1e-5, 1e-9
    for r in [0.0, 1e-12, -1.9, 3.375, *rng.normal(0, 100, 200), *10 ** rng.uniform(-8, 8, 200)]:
        ref = selfcheck.grid(r, rtol, atol)[0]
        tol = atol + rtol * abs(r)
        for a in (r - 0.999 * tol, r + 0.999 * tol, r):
            assert ref in selfcheck.grid(a, rtol, atol, answer=True), (r, a)
        for a in (r - 2 * tol, r + 2 * tol):
            assert ref not in selfcheck.grid(a, rtol, atol, answer=True), (r, a)


# ------------------------------------------------------------------ notebooks in the edition
EDITION_ONLY = """\
import importlib.util, sys, workbook, nnkit
assert workbook.__file__.startswith({root!r}) and nnkit.__file__.startswith({root!r})
assert importlib.util.find_spec("workbook.units") is None
assert not [p for p in sys.path if p.startswith({repo!r}) and not p.endswith("site-packages")]
"""


def with_reference_answers(nb, module, lang):
    """The edition's notebook with the unit source's answer cells (model solutions) typed in."""
    sources = {c.nbgrader["grade_id"]: c.text(lang) for c in flatten(module.CELLS)
               if c.nbgrader and c.nbgrader.get("solution") and c.cell_type == "code"}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    return nb


@pytest.fixture(scope="session")
def edition_kernel(student, tmp_path_factory):
    """A kernel spec whose Python sees the edition and the installed libraries, nothing of
    this repository (``-S``: no site, so no editable install)."""
    import site

    spec_dir = tmp_path_factory.mktemp("kernels")
    kernel = spec_dir / "kernels" / "edition"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-S", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "edition", "language": "python",
        "env": {"PYTHONPATH": ":".join([str(student), *site.getsitepackages()]),
                "MPLBACKEND": "Agg"}}))
    return spec_dir


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_unit_notebook_with_reference_answers_checks_in_the_edition(
        student, edition_kernel, lang, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", str(edition_kernel))
    module = unit_modules()[1]
    path = student / "notebooks" / lang / f"{module.UNIT.filename[lang]}.ipynb"
    nb = with_reference_answers(nbformat.read(path, as_version=4), module, lang)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        EDITION_ONLY.format(root=str(student), repo=str(ROOT))))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="edition",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = ["".join(o.get("text", "") for o in c.outputs if o.get("name") == "stdout")
               for c in nb.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").endswith("_check")]
    assert len(printed) == len(module.EXERCISES)
    assert all(text.startswith("✔") for text in printed), printed


@pytest.mark.slow
def test_make_check_lists_every_self_check(student, edition_kernel, tmp_path):
    """``make check``'s runner on a blank unit notebook: one ✘ line per exercise."""
    module = unit_modules()[0]
    folder = tmp_path / "nb"
    folder.mkdir()
    name = f"{module.UNIT.filename['en']}.ipynb"
    (folder / name).write_bytes((student / "notebooks" / "en" / name).read_bytes())
    env = {"PYTHONPATH": str(student), "JUPYTER_PATH": str(edition_kernel), "PATH": "/usr/bin",
           "MPLBACKEND": "Agg", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "workbook.selfcheck", str(folder)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    lines = [line for line in done.stdout.splitlines() if ": " in line]
    assert [line.split(":")[0] for line in lines] == [e.id for e in module.EXERCISES]
    assert all(": ✘" in line for line in lines), done.stdout + done.stderr


# ------------------------------------------------------------------ no instructor tools
@pytest.mark.browser
def test_edition_lab_shows_no_instructor_tools(student, tmp_path, monkeypatch):
    """JupyterLab configured as the edition's ``make lab`` and Binder configure it
    (scripts/student_tools.py): nbgrader's lab extension is loaded (assignment list, validate),
    but no "Create Assignment", no formgrader and no course list, in the page and on the server."""
    import os
    import shutil
    import urllib.error
    import urllib.request

    from browser_helpers import CHROMIUM, LabServer, launch_chromium

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-debian.sh installs it)")
    from playwright.sync_api import sync_playwright

    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, str(student / "scripts" / "student_tools.py"), "--prefix",
                    str(prefix)], check=True, capture_output=True)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(prefix / "etc" / "jupyter"))
    root = tmp_path / "notebooks"
    shutil.copytree(student / "notebooks", root)
    server = LabServer(root, tmp_path / "work")
    try:
        request = urllib.request.Request(f"{server.url}/formgrader",
                                         headers={"Authorization": f"token {server.token}"})
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(request, timeout=60)
        assert missing.value.code == 404
        playwright = sync_playwright().start()
        try:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(server.page_url("en/0_start.ipynb"))
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget",
                                   polling=200, timeout=120_000)
            plugins = page.evaluate("""() => Object.fromEntries(
                ['assignment-list', 'validate-assignment', 'create-assignment', 'formgrader',
                 'course-list'].map(n => [n, window.jupyterapp.isPluginActivated(
                    '@jupyter/nbgrader:' + n)]))""")
            page.click("text=Nbgrader")  # the menu: assignment list, no formgrader
            menu = page.inner_text("body")
            browser.close()
        finally:
            playwright.stop()
    finally:
        server.stop()
    assert plugins == {"assignment-list": True, "validate-assignment": True,
                       "create-assignment": False, "formgrader": False, "course-list": False}
    assert "Assignment List" in menu
    assert "Formgrader" not in menu and "Create Assignment" not in menu
