"""The student edition (``make student``): what it holds, what it must not hold, and that its
self-check (keyed hashes, workbook.selfcheck) says what the full workbook's check says."""

import csv
import json
import re
import shutil
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


CHEAP = {"n": 16, "r": 1, "p": 1}  # the tests' scrypt cost: the edition's is SCRYPT
OPENED = {"on": False, "paths": []}  # the files opened while `student` is built


def _record(event, args):  # an audit hook (sys.addaudithook): every open() of this process
    if OPENED["on"] and event == "open" and isinstance(args[0], str):
        OPENED["paths"].append(args[0])


sys.addaudithook(_record)


@pytest.fixture(scope="session")
def student(tmp_path_factory):
    """One student edition for every test of the session (with a cheap scrypt); the files it
    opened while it was built in ``OPENED``."""
    OPENED["on"] = True
    try:
        return edition.build(tmp_path_factory.mktemp("edition") / "student", cost=CHEAP)
    finally:
        OPENED["on"] = False


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
    """Byte for byte: what students hand in from the edition is what `grade` already takes
    (notebooks/ is a fresh build: test_workbook_build); the start pages say how to hand in."""
    from workbook.build import start_page

    for lang in LANGS:
        units = sorted((ROOT / "notebooks" / lang).glob("[1-9]*.ipynb"))
        assert units
        for nb in units:
            assert (student / "notebooks" / lang / nb.name).read_bytes() == nb.read_bytes()
        start = nbformat.read(student / "notebooks" / lang / "0_start.ipynb", as_version=4)
        assert start == start_page(unit_modules(), lang, "platform")


def test_edition_is_built_from_the_sources_not_from_notebooks(student):
    """``make student`` never reads the working copy of notebooks/ (where ``make lab`` of old
    autosaved the lecturer's answers, and the edition copied them)."""
    opened = [Path(p).resolve() for p in OPENED["paths"]]
    assert any(p.is_relative_to(ROOT / "workbook") for p in opened)  # the record works
    assert not [p for p in opened if p.is_relative_to(ROOT / "notebooks")]


@pytest.mark.parametrize("handin", ["platform", "hub"])
def test_start_page_says_how_this_course_hands_in(handin):
    from workbook.build import HANDIN, start_page

    for k, lang in enumerate(LANGS):
        text = "\n".join(c.source for c in start_page(unit_modules(), lang, handin).cells)
        assert HANDIN[handin][k] in text
        assert [way for way in HANDIN if HANDIN[way][k] in text] == [handin]
        assert ("Assignment List" in text) == (handin == "hub")
        both = "\n".join(c.source for c in start_page(unit_modules(), lang).cells)
        assert all(HANDIN[way][k] in both for way in HANDIN)  # the lecturer's notebooks


def test_edition_switches_the_assignment_list_off_for_the_platform(student, tmp_path):
    """The edition's make lab and postBuild pass its hand-in way to student_tools.py; without a
    hub there is no exchange, and the assignment list (which could only fail) is off."""
    assert "student_tools.py --handin platform" in (student / "Makefile").read_text()
    assert "student_tools.py --handin platform" in (student / "binder" / "postBuild").read_text()
    lists = {}
    for handin in ("platform", "hub"):
        prefix = tmp_path / handin
        subprocess.run([sys.executable, str(student / "scripts" / "student_tools.py"),
                        "--handin", handin, "--prefix", str(prefix)], check=True,
                       capture_output=True)
        etc = prefix / "etc" / "jupyter"
        page = json.loads((etc / "labconfig" / "page_config.json").read_text())
        server = json.loads((etc / "jupyter_server_config.d" / "zz_nnkit_student.json")
                            .read_text())["ServerApp"]["jpserver_extensions"]
        lists[handin] = (page["disabledExtensions"]["@jupyter/nbgrader:assignment-list"],
                         server["nbgrader.server_extensions.assignment_list"])
    assert lists == {"platform": (True, False), "hub": (False, True)}


def test_edition_has_no_unit_sources_or_build_tools(student):
    files = set(texts(student))
    assert not [f for f in files if f.startswith("workbook/units")]
    assert "workbook/edition.py" not in files and "workbook/build.py" not in files


# Solutions that are, verbatim, the code of what the course hands out on purpose: nnkit (the
# library students read; the grader flags answers that call it). Listed so that a new one fails
# and a removed one must be struck off (the difference-quotient view's two quotients were, until
# it computed them through nnkit: issue 26).
KNOWN = {
    ("nnkit/activations.py", "return (np.asarray(z) > 0).astype(float)"),
}


def test_no_solution_model_answer_or_hidden_check_in_the_edition(student):
    secrets = secrets_of_the_sources()
    assert len(secrets) > 50  # the sources have them: the test can fail
    leaked = {(path, s) for path, text in texts(student).items() for s in secrets if s in text}
    assert leaked == KNOWN


def test_the_key_holds_no_number_of_a_result(student):
    """Outside the visible cases, the expressions' names and the tolerances, the key holds
    only hashes, shapes, shifts (where a number lies in its grid cell) and hints: no reference
    or mistake result."""
    key = json.loads((student / "workbook" / "key.json").read_text())

    def numbers(x, path=""):
        if isinstance(x, dict):
            return [n for k, v in x.items() if k not in ("shape", "shift")
                    for n in numbers(v, f"{path}/{k}")]
        if isinstance(x, list):
            return [n for v in x for n in numbers(v, path)]
        return [(path, x)] if isinstance(x, (int, float)) and not isinstance(x, bool) else []

    targets = [t for e in key["exercises"].values() for t in e["targets"]]
    assert len(targets) > 200 and not numbers(targets)
    shifts = [v for t in targets for c in t["cases"] for v in c["shift"] if v is not None]
    assert len(shifts) > 1000 and all(-0.5 <= v <= 0.5 for v in shifts)
    mistakes = {v for t in targets if t["name"] for c in t["cases"] for v in c["shift"]}
    assert mistakes <= {0, None}  # a mistake's place would tell the reference's
    value = key["exercises"]["u1_z_cs1"]
    assert "cases" not in value and str(EXERCISES["u1_z_cs1"].expected()) not in json.dumps(value)


# ------------------------------------------------------------------ the cost of a guess
def test_the_edition_key_is_memory_hard(student):
    """``make student`` writes scrypt's cost SCRYPT into the key (16 MiB or more per hash);
    the tests' edition is cheap on purpose."""
    assert selfcheck.SCRYPT["n"] * selfcheck.SCRYPT["r"] * 128 >= 16 * 2**20
    assert edition.make_key({})["scrypt"] == selfcheck.SCRYPT
    assert json.loads((student / "workbook" / "key.json").read_text())["scrypt"] == CHEAP


def counted(monkeypatch):
    """Every scrypt call from now on, as its cost (n, r, p)."""
    import hashlib

    calls, scrypt = [], hashlib.scrypt

    def count(*args, **kw):
        calls.append((kw["n"], kw["r"], kw["p"]))
        return scrypt(*args, **kw)

    monkeypatch.setattr(hashlib, "scrypt", count)
    return calls


def test_each_guess_of_a_walk_costs_a_scrypt(tmp_path, monkeypatch):
    """The walk that recovered ``u1_z_cs1`` (k = 0, ±1, ... grid steps): every new guess pays
    at least one scrypt of the full cost; the right answer's check pays exactly one (once per
    target, not per number); checking it again pays nothing."""
    ex = EXERCISES["u1_z_cs1"]
    path = tmp_path / "key.json"
    path.write_text(json.dumps(edition.make_key({ex.id: ex})))
    keyed = selfcheck.find(ex.id, path)
    selfcheck.seal.cache_clear()  # as in the student's kernel: the key was made elsewhere
    calls = counted(monkeypatch)
    step = 2.02e-5 * abs(ex.expected())  # about one grid step (rtol 1e-5)
    for k in range(1, 6):
        before = len(calls)
        assert not keyed.judge(keyed.collect({ex.answer: ex.expected() + 3 * k * step})).passed
        assert len(calls) > before
    before = len(calls)
    assert keyed.judge(keyed.collect({ex.answer: ex.expected()})).passed
    assert keyed.judge(keyed.collect({ex.answer: ex.expected()})).passed
    assert len(calls) == before + 1
    assert set(calls) == {tuple(selfcheck.SCRYPT[k] for k in "nrp")}


def test_a_function_check_pays_per_target_not_per_number(tmp_path, monkeypatch):
    """u3_gradients: 5 cases, 50 numbers; a right answer costs one scrypt, a wrong
    one at most one per case (to name the first wrong case) and one per target."""
    ex = EXERCISES["u3_gradients"]
    path = tmp_path / "key.json"
    path.write_text(json.dumps(edition.make_key({ex.id: ex}, cost=CHEAP)))
    keyed = selfcheck.find(ex.id, path)
    selfcheck.seal.cache_clear()
    numbers = sum(len(c["shift"]) for c in keyed.entry["targets"][0]["cases"])
    assert numbers > 20
    calls = counted(monkeypatch)
    assert keyed.judge(keyed.collect({ex.answer: ex.expected})).passed
    assert len(calls) == 1
    for mistake in ex.mistakes:
        calls.clear()
        result = keyed.judge(keyed.collect(wrong_namespace(ex, mistake)))
        assert not result.passed and result.mistake == mistake.name
        assert len(calls) <= len(keyed.cases) + len(keyed.entry["targets"])


# ------------------------------------------------------------------ no answer formula in the code
HUNT = r"""
import importlib, inspect, itertools, json, os, pkgutil, signal, sys
import sympy as sp
import nnkit, workbook
from workbook import selfcheck, symbolic

def alarm(*_):
    raise TimeoutError
# each call gets 2 s of CPU (the same calls finish on a quiet and on a busy machine) and, for a
# call that waits without computing, 30 s of wall time
signal.signal(signal.SIGPROF, alarm)
signal.signal(signal.SIGALRM, alarm)
sys.stdout = open(os.devnull, "w")  # views and checks print
key = json.loads(selfcheck.KEY_FILE.read_text())
tables = {json.dumps(e["symbols"], sort_keys=True): e["symbols"]
          for e in key["exercises"].values() if e["kind"] == "expression"}
small = [1, 2, 3, 4, True, False]
pool = [*small, *(selfcheck.load_table(t) for t in tables.values()),
        *(v for v in vars(symbolic).values() if isinstance(v, sp.FunctionClass))]
found, calls = {}, 0

def collect(x, where, depth=0):
    if depth > 4:
        return
    if isinstance(x, sp.Basic) and not x.is_Atom:
        found.setdefault(sp.srepr(x), where)
    elif isinstance(x, dict):
        for v in list(x.values())[:2000]:
            collect(v, where, depth + 1)
    elif isinstance(x, (list, tuple, set)):
        for v in list(x)[:2000]:
            collect(v, where, depth + 1)

def variants(fn):
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in params if p.default is p.empty]
    if len(required) > 2 or any(p.default is p.empty for p in inspect.signature(
            fn).parameters.values() if p.kind == p.KEYWORD_ONLY):
        return
    for args in itertools.product(pool if len(required) <= 1 else small, repeat=len(required)):
        yield args, {}
        if len(required) <= 1:
            for p in params[len(required):]:
                for v in pool:
                    yield args, {p.name: v}

for package in (nnkit, workbook):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            for args, kwargs in variants(fn):
                calls += 1
                where = f"{info.name}.{name}{args!r:.60}{kwargs!r:.60}"
                signal.setitimer(signal.ITIMER_PROF, 2)
                signal.setitimer(signal.ITIMER_REAL, 30)
                try:
                    collect(fn(*args, **kwargs), where)
                except BaseException:
                    pass
                finally:
                    signal.setitimer(signal.ITIMER_PROF, 0)
                    signal.setitimer(signal.ITIMER_REAL, 0)
with open(os.environ["HUNT_OUT"], "w") as out:
    json.dump({"calls": calls, "found": found}, out)
"""


def edition_python(student, tmp_path):
    """``(command, env)`` of a Python that sees the edition and the installed libraries, nothing
    of this repository (``-S``: no site, so no editable install)."""
    import site

    env = {"PYTHONPATH": ":".join([str(student), *site.getsitepackages()]), "MPLBACKEND": "Agg",
           "HOME": str(tmp_path), "PATH": "/usr/bin"}
    return [sys.executable, "-S"], env


def expression_answers():
    """``{exercise id: expected answer (sympy)}`` of every expression exercise."""
    from workbook.symbolic import _expr

    return {ex.id: _expr(ex.expected(), ex.symbols() if ex.symbols else None, "en")
            for ex in EXERCISES.values() if ex.kind == "expression"}


def names(expr):
    return {str(s) for s in expr.free_symbols}


def same(expr, reference):
    """:func:`workbook.symbolic.equivalent`'s numerical decision (its points; agreement at 3 or
    more of them, no difference), without its slow ``simplify`` when no point is conclusive."""
    import sympy as sp

    from workbook import symbolic

    pair, agree = sp.Tuple(expr, reference), 0
    try:
        kinked = pair.has(*symbolic.KINKED)
    except TypeError:  # a class among the arguments (a function called with g as a number)
        return False
    for v in symbolic._points(pair, 48 if kinked else 8):
        if v is not None and abs(v[0] - v[1]) > 1e-8 * (1 + abs(v[0]) + abs(v[1])):
            return False
        agree += v is not None
    return agree >= 3


def answer_formulas_in(student, tmp_path):
    """Every expression a student obtains by calling the edition's functions (module level, in
    nnkit and workbook) with no arguments, small integers, True/False, the symbol tables of the
    key or the course's sympy functions (one optional argument at a time; two required
    arguments: small integers and True/False only), compared with every
    expression exercise's expected answer (:func:`same`, for an expression in the answer's
    names). Returns ``(calls, [(exercise id, where)])``."""
    import sympy as sp

    from workbook import symbolic

    command, env = edition_python(student, tmp_path)
    out = tmp_path / "hunt.json"
    done = subprocess.run([*command, "-c", HUNT], env=dict(env, HUNT_OUT=str(out)),
                          capture_output=True, text=True, timeout=900, cwd=tmp_path,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    scope = {**vars(sp), **vars(symbolic)}
    answers, hits = expression_answers(), []
    for text, where in result["found"].items():
        try:
            expr = eval(text, scope)  # noqa: S307 - sympy's srepr from the edition's functions
        except (TypeError, ValueError):  # not rebuilt from srepr (e.g. d/dg(x)): no answer
            continue
        if isinstance(expr, type) or not isinstance(expr, sp.Expr):
            continue
        hits += [(exercise_id, where) for exercise_id, reference in answers.items()
                 if names(expr) == names(reference) and same(expr, reference)]
    return result["calls"], hits


@pytest.mark.slow
@pytest.mark.timeout(900)  # the hunt's own limit; about 70 s of CPU, minutes on a busy machine
def test_no_function_of_the_edition_returns_an_expression_answer(student, tmp_path):
    calls, hits = answer_formulas_in(student, tmp_path)
    assert calls > 1000  # the search ran
    assert not hits, "\n".join(f"{i}: {where}" for i, where in hits)


@pytest.mark.slow
@pytest.mark.timeout(900)  # as above
def test_the_hunt_finds_an_answer_formula(student, tmp_path):
    """The search above finds an answer when the edition holds one: unit 5's sheet-11 formulas
    (workbook/units/answers.py) put back into a copy of the edition."""
    copy = Path(shutil.copytree(student, tmp_path / "edition"))
    (copy / "workbook" / "leak.py").write_text((ROOT / "workbook/units/answers.py").read_text())
    _, hits = answer_formulas_in(copy, tmp_path)
    assert {"u5_1b", "u5_2a_formula", "u5_2d_formula", "u3_layer2"} <= {i for i, _ in hits}


def functions(path):
    """``{name: body}`` of every function defined in the Python file ``path`` (at any depth;
    the body as its syntax tree without the docstring, so layout, comments and docstrings do not
    matter)."""
    import ast

    def body(node):
        docstring = ast.get_docstring(node, clean=False) is not None
        return "\n".join(ast.dump(s) for s in node.body[docstring:])

    return {node.name: body(node) for node in ast.walk(ast.parse(Path(path).read_text()))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_no_edition_module_defines_a_unit_only_function(student):
    """The functions of workbook/units/answers.py (instructor-only): no module of the edition
    defines one of the same name or with the same body."""
    unit_only = functions(ROOT / "workbook" / "units" / "answers.py")
    assert len(unit_only) > 10
    bodies = set(unit_only.values())
    found = [f"{path.relative_to(student)}: {name}" for path in sorted(student.rglob("*.py"))
             for name, body in functions(path).items() if name in unit_only or body in bodies]
    assert not found



def test_no_edition_function_is_a_hand_formula_of_the_tests(student):
    """tests/fixtures/hand.py: the hand formulas (model answers of exercises) the tests check the
    views' values against; the edition reads those values off nnkit's trace and has no function
    with the body of one."""
    hand = set(functions(ROOT / "tests" / "fixtures" / "hand.py").values())
    assert hand
    found = [f"{path.relative_to(student)}: {name}" for path in sorted(student.rglob("*.py"))
             for name, body in functions(path).items() if body in hand]
    assert not found

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


def test_grid_point_of_a_right_answer_is_the_references():
    """Within the tolerance (numpy.isclose), on the grid shifted for the reference, an answer
    has the reference's grid point; off by 1.02 tolerances, it has not."""
    rng = np.random.default_rng(3)
    for rtol, atol in ((1e-5, 1e-9), (1e-4, 1e-6), (1e-9, 1e-9), (2e-8, 1e-8)):
        for r in [0.0, 1e-12, -1.9, 3.375, *rng.normal(0, 100, 200),
                  *10 ** rng.uniform(-8, 8, 200)]:
            shift = selfcheck.place(r, rtol, atol)
            ref = selfcheck.grid(r, rtol, atol, shift)
            tol = atol + rtol * abs(r)
            for a in (r - 0.999 * tol, r + 0.999 * tol, r):
                assert selfcheck.grid(a, rtol, atol, shift) == ref, (r, a)
                assert np.isclose(a, r, rtol=rtol, atol=atol)
            for a in (r - 1.02 * tol, r + 1.02 * tol):
                assert selfcheck.grid(a, rtol, atol, shift) != ref, (r, a)


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
@pytest.mark.timeout(900)
def test_a_notebook_made_in_the_edition_grades_as_one_made_in_the_workbook(
        student, edition_kernel, monkeypatch, tmp_path):
    """The same answers typed into the edition's notebook (run with the edition's kernel and
    saved, as a student hands it in) and into the workbook's own student notebook (run with this
    repository's kernel) get the same grade from ``grade``: every autograded point."""
    from autograder.cli import main

    monkeypatch.setenv("JUPYTER_PATH", str(edition_kernel))
    module, lang = unit_modules()[0], "de"
    name = f"{module.UNIT.filename[lang]}.ipynb"
    submissions = tmp_path / "submissions"
    for who, folder, kernel in (("edition", student / "notebooks" / lang, "edition"),
                                ("workbook", ROOT / "notebooks" / lang, "python3")):
        nb = with_reference_answers(nbformat.read(folder / name, as_version=4), module, lang)
        nbclient.NotebookClient(nb, timeout=300, kernel_name=kernel, allow_errors=True,
                                resources={"metadata": {"path": str(folder)}}).execute()
        target = submissions / who / f"{module.UNIT.id}_{lang}"
        target.mkdir(parents=True)
        nbformat.write(nb, target / name)
    points = sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_check"))
    results = tmp_path / "results"
    assert main(["grade", str(submissions), "--out", str(results), "--workers", "1",
                 "--units", module.UNIT.id]) == 0
    with open(results / "grades.csv", newline="") as f:
        scores = {row["student"]: float(row["score"]) for row in csv.DictReader(f)}
    assert scores == {"edition": points, "workbook": points}, (scores, points)


def make_check(student, edition_kernel, tmp_path, lang, answered, extra=None):
    """``make check``'s command (``python -m workbook.selfcheck``) on unit 1 of ``lang`` in the
    edition, blank or with the reference answers typed in, with the code cell ``extra`` at the
    end: the finished process."""
    module = unit_modules()[0]
    folder = tmp_path / lang
    folder.mkdir(parents=True)
    name = f"{module.UNIT.filename[lang]}.ipynb"
    nb = nbformat.read(student / "notebooks" / lang / name, as_version=4)
    nb = with_reference_answers(nb, module, lang) if answered else nb
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    nbformat.write(nb, folder / name)
    env = {"PYTHONPATH": str(student), "JUPYTER_PATH": str(edition_kernel), "PATH": "/usr/bin",
           "MPLBACKEND": "Agg", "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "workbook.selfcheck", str(folder)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)


@pytest.mark.slow
def test_make_check_lists_every_self_check(student, edition_kernel, tmp_path):
    """On a blank unit notebook: one ✘ line per exercise, a last line that says so in the
    notebook's language, exit status 1, no kernel warnings."""
    module = unit_modules()[0]
    done = make_check(student, edition_kernel, tmp_path, "en", answered=False)
    ids = {e.id for e in module.EXERCISES}
    lines = [line for line in done.stdout.splitlines() if line.split(":")[0] in ids]
    assert [line.split(":")[0] for line in lines] == [e.id for e in module.EXERCISES]
    assert all(": ✘" in line for line in lines), done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == (
        f"Not passed: {len(module.EXERCISES)} self-check(s) without ✔, 0 cell(s) with an error "
        "outside the check cells.")
    assert done.returncode == 1
    assert "WARNING" not in done.stderr  # e.g. ipykernel's, once per notebook: not the student's


@pytest.mark.slow
def test_make_check_passes_with_the_reference_answers(student, edition_kernel, tmp_path):
    """With the model solutions typed in (German notebook): every line ✔, exit status 0; a cell
    that stops with an error besides makes it 1."""
    module = unit_modules()[0]
    ids = {e.id for e in module.EXERCISES}
    done = make_check(student, edition_kernel, tmp_path / "right", "de", answered=True)
    lines = [line for line in done.stdout.splitlines() if line.split(":")[0] in ids]
    assert len(lines) == len(module.EXERCISES)
    assert all(": ✔" in line and "✘" not in line for line in lines), done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "Alle Selbstprüfungen bestanden (✔)."
    assert done.returncode == 0
    broken = make_check(student, edition_kernel, tmp_path / "broken", "de", answered=True,
                        extra="1 / 0")
    assert "ZeroDivisionError" in broken.stdout
    assert broken.stdout.splitlines()[-1] == (
        "Nicht bestanden: 0 Selbstprüfung(en) ohne ✔, 1 Zelle(n) mit Fehler außerhalb der "
        "Prüfzellen.")
    assert broken.returncode == 1


# ------------------------------------------------------------------ a fresh venv, as Binder
# One unit per language with the reference answers typed in (unit 2 runs in the `-S` kernel above).
FILLED = {"de": 4, "en": 3}


def processes_in(venv):
    """The processes running a program of ``venv`` (its python, kernels, pool workers)."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if cmdline and cmdline[0].startswith(str(venv)):
            found.append(process)
    return found


@pytest.fixture(scope="session")
def edition_venv(student, tmp_path_factory):
    """A copy of the edition and a fresh venv made from it alone, as Binder (repo2docker) makes
    it: ``pip install -r binder/requirements.txt``, then the edition's ``binder/postBuild``
    (installs the edition, switches the instructor tools off). pip reads its index from its own
    configuration, as this repository's ``make .venv/.dev`` does. Yields (edition, venv, env);
    afterwards ends what is still running from the venv."""
    from test_binder import _clean_env, _run

    tmp = tmp_path_factory.mktemp("edition-venv")
    copy = Path(shutil.copytree(student, tmp / "edition"))  # postBuild writes into it
    venv = tmp / "venv"
    env = _clean_env(tmp, venv)
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300, env=env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
          "-r", "binder/requirements.txt"], timeout=900, env=env, cwd=copy)
    _run([str(copy / "binder" / "postBuild")], timeout=600, env=env, cwd=copy)
    yield copy, venv, env
    for process in processes_in(venv):
        process.kill()


@pytest.mark.slow
@pytest.mark.timeout(3000)  # above the sum of the steps' limits (test_binder._run)
def test_fresh_venv_from_the_edition_runs_every_notebook(edition_venv, tmp_path):
    """Every notebook (de, en) blank as handed out: no error but the blank answers' check cells
    (WrongAnswer); one unit per language with the reference answers typed in: every check
    prints ✔. The kernel is the venv's, ``workbook`` the edition's, the unit sources are not
    there; nothing of the venv runs afterwards."""
    from test_binder import _run

    edition_root, venv, env = edition_venv
    blank = sorted((edition_root / "notebooks").glob("*/*.ipynb"))
    filled = []
    for lang, unit in FILLED.items():
        module = unit_modules()[unit - 1]
        name = f"{module.UNIT.filename[lang]}.ipynb"
        nb = with_reference_answers(nbformat.read(edition_root / "notebooks" / lang / name,
                                                  as_version=4), module, lang)
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            EDITION_ONLY.format(root=str(edition_root), repo=str(ROOT))))
        (tmp_path / lang).mkdir()
        nbformat.write(nb, tmp_path / lang / name)
        filled.append((tmp_path / lang / name, module))
    out = tmp_path / "results.json"
    script = Path(__file__).with_name("binder_execute.py")
    _run([str(venv / "bin" / "python"), str(script), str(out), *map(str, blank),
          *(str(p) for p, _ in filled)], timeout=1500, env=env, cwd=tmp_path)
    left = processes_in(venv)
    results = {Path(r["notebook"]): r for r in json.loads(out.read_text())}

    problems = [f"still running: {p.info['cmdline']}" for p in left]
    for path, result in results.items():
        if result["prefix"] != str(venv):
            problems.append(f"{path}: the kernel ran in {result['prefix']}, not in {venv}")
        if not (result["workbook"] or "").startswith(str(edition_root)):
            problems.append(f"{path}: workbook imported from {result['workbook']}")
        if result["not_run"]:
            problems.append(f"{path}: cells not run: {result['not_run']}")
        for error in result["errors"]:
            if not (error["ename"] == "WrongAnswer" and error["check_cell"]
                    and path in blank and not path.name.startswith("0_")):
                problems.append(f"{path}, cell {error['cell']}: {error['ename']}: "
                                f"{error['evalue']}\n{error['source']}")
    assert not problems, "\n\n".join(problems)
    for path in blank:  # a blank answer is not right
        assert not [t for t in results[path]["checks"].values() if "✔" in t], path
    for path, module in filled:
        checks = results[path]["checks"]
        assert sorted(checks) == sorted(f"{e.id}_check" for e in module.EXERCISES), path
        assert all(text.startswith("✔") for text in checks.values()), (path, checks)


# ------------------------------------------------------------------ no instructor tools
@pytest.mark.browser
@pytest.mark.parametrize("handin", ["platform", "hub"])
def test_edition_lab_shows_no_instructor_tools(student, tmp_path, monkeypatch, handin):
    """JupyterLab configured as the edition's ``make lab`` and Binder configure it
    (scripts/student_tools.py): nbgrader's lab extension is loaded (validate; the assignment
    list only on a hub, where an exchange exists), but no "Create Assignment", no formgrader and
    no course list, in the page and on the server."""
    import os
    import shutil
    import urllib.error
    import urllib.request

    from browser_helpers import CHROMIUM, LabServer, launch_chromium

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-debian.sh installs it)")
    from playwright.sync_api import sync_playwright

    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, str(student / "scripts" / "student_tools.py"), "--handin",
                    handin, "--prefix", str(prefix)], check=True, capture_output=True)
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
            menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            if "Nbgrader" in menus:  # the menu: no formgrader (assignment list: hub only)
                page.click("text=Nbgrader")
            menu = page.inner_text("body")
            browser.close()
        finally:
            playwright.stop()
    finally:
        server.stop()
    hub = handin == "hub"
    assert plugins == {"assignment-list": hub, "validate-assignment": True,
                       "create-assignment": False, "formgrader": False, "course-list": False}
    assert ("Assignment List" in menu) == hub
    assert "Formgrader" not in menu and "Create Assignment" not in menu
