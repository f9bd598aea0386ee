"""No text, stub, hint and no state of a view shows an exercise's answer before its check cell.

The notebook is run from the top with the model solutions. Before the check cell of an exercise
the student has seen: every markdown cell, every code cell and what it shows, the stub of every
answer cell (its text without the solution regions: signature, docstring, ``name = None``) and
the hints of the exercises checked so far. A view built above the check counts with **every
state its controls can reach**: its start, every button (clicked again and again, then Reset),
every value of every control's grid (slider steps, dropdown options); a view whose whole grid
is small is enumerated completely, a larger one control by control. A function exercise whose
parameters are controls of the view is searched at its own inputs: the view is set to each of
its cases (moved to the nearest grid point).

- value exercises: the expected value must not be shown as a number with decimals (``3,38`` gives
  away 3.375); whole numbers count when a text states them after ``=`` (``f'(2) = 12``); a view
  counts with values of two significant digits or more (``−1,90``) in its start and button
  states, of three or more (not a control's own value) in its grid;
- function exercises: no view above computes the function on its inputs, no text states it as
  a formula of its parameters (``w - lr * grad``, ``(f(x + h) - f(x)) / h`` in a docstring; a
  parameter called like ``f(x)`` is a function) or by cases (``0 for z <= 0,
  1 for z > 0``, LaTeX ``cases``);
- expression exercises: no formula in code or quotes (`` `W[1, j]` ``, ``"..."``) is the answer;
- no module the students receive (``workbook/views``, ``workbook/reference``) holds a model
  solution's code (the same expression as a solution's ``return``).
"""

import ast
import inspect
import itertools
import re
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
import sympy as sp
from fixtures.nbtools import modules
from sympy.parsing.sympy_parser import implicit_multiplication, parse_expr, standard_transformations

from workbook.i18n import set_language
from workbook.source import BEGIN, END, LANGS, exercise_id, flatten
from workbook.views.widgets import FigureView, View

UNITS = [m for m in modules() if m.UNIT.id.startswith("unit")]
NUMBER = re.compile(r"[−-]?\d+(?:[.,{}]+\d+)?")
ROOT = Path(__file__).resolve().parents[1]
FULL_GRID = 4000  #: a view with at most this many control states is enumerated completely
CLICKS = 12  #: how often each button is clicked in a row (steps through a backward pass)

#: Answers stated in words, which no parser reads: exercise id -> what must not be written.
IN_WORDS = {
    "u2_maxout_grad_w": re.compile(r"\bx for the winning|\bx für das gewinnende", re.I),
}


# ------------------------------------------------------------------ numbers in texts

def numbers(text):
    """Every number in a text, with its decimals: ``[(value, decimals)]``; LaTeX ``0{,}5``, the
    decimal comma and the unicode minus are read."""
    found = []
    for token in NUMBER.findall(text):
        plain = token.replace("{,}", ".").replace(",", ".").replace("−", "-").replace("{", "")
        plain = plain.replace("}", "")
        try:
            value = float(plain)
        except ValueError:
            continue
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        found.append((value, decimals))
    return found


def shows(text, value):
    """Does ``text`` state ``value``: a number with decimals that is ``value`` rounded, and within
    1 % of it (so "0,4" does not give away 0,375, but "3,38" gives away 3,375)?"""
    return any(decimals >= 1 and np.isclose(round(value, decimals), shown, rtol=0, atol=1e-12)
               and abs(shown - value) <= 0.01 * abs(value)
               for shown, decimals in numbers(text))


def digits(value):
    """The significant digits of ``value`` (0,375: 3; 0,5: 1; 10: 1). A view shows 0,50 or 3,00
    by chance (unit 4's graph shows q = x + y = 3,00 at its start); a value of two digits it shows
    by chance only in a sweep over thousands of slider states, one of three digits not even
    there."""
    text = f"{abs(value):.6g}".replace(".", "").lstrip("0").rstrip("0")
    return max(len(text), 1)


def states_whole(text, value):
    """Does ``text`` state the whole number ``value`` as a result: ``= 12`` (not ``12,5``)."""
    number = f"{int(value)}".replace("-", "[−-]")
    return re.search(rf"=\s*{number}(?!\d|[.,{{]\d)", text) is not None


# ------------------------------------------------------------------ running the notebook

def widget_texts(widget):
    if isinstance(widget, (ipywidgets.HTML, ipywidgets.Label, ipywidgets.HTMLMath)):
        yield re.sub(r"<[^>]+>", " ", widget.value)
    for child in getattr(widget, "children", ()):
        yield from widget_texts(child)


def run_cell(source, namespace):
    """Run a code cell as the notebook does; what it shows (its last expression) or None."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the unit's own cell
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307


def stub(source):
    """An answer cell as the release shows it: without its solution regions."""
    return re.sub(f"{re.escape(BEGIN)}.*?{re.escape(END)}", "", source, flags=re.S)


def earlier(module, lang):
    """``{check grade id: (texts, views)}``: the texts of every cell before the check (stubs and
    earlier exercises' hints included) and the views built there."""
    namespace = {}
    run_cell(f"from workbook.setup import *\nsetup({lang!r})", namespace)
    exercises = {ex.id: ex for ex in module.EXERCISES}
    texts, views, before = [], [], {}
    for cell in flatten(module.CELLS):
        grading = cell.nbgrader or {}
        grade_id = grading.get("grade_id", "")
        checked = exercise_id(grade_id)
        if checked is not None:
            before[grade_id] = (list(texts), list(views))
            texts += [h[lang] for h in (m.hint for m in exercises[checked].mistakes)]
            continue
        source = cell.text(lang)
        if grading.get("solution"):
            texts.append(stub(source))  # the student's own work replaces the regions
        else:
            texts.append(source)
        if cell.cell_type == "code":
            shown = run_cell(source, namespace)
            if isinstance(shown, View):
                views.append(shown)
            elif isinstance(shown, ipywidgets.Widget):
                texts.append(" ".join(widget_texts(shown)))
    return before


# ------------------------------------------------------------------ the states of a view

def grid(control):
    """Every value a control can take."""
    if isinstance(control, (ipywidgets.Dropdown, ipywidgets.ToggleButtons)):
        return [value for _, value in control.options] if control.options and isinstance(
            control.options[0], tuple) else list(control.options)
    if isinstance(control, ipywidgets.FloatLogSlider):
        exponents = np.arange(control.min, control.max + control.step / 2, control.step)
        return [float(control.base ** e) for e in exponents]
    if isinstance(control, ipywidgets.IntSlider):
        return list(range(control.min, control.max + 1, control.step))
    if isinstance(control, ipywidgets.FloatSlider):
        count = int(round((control.max - control.min) / control.step))
        return [round(control.min + k * control.step, 10) for k in range(count + 1)]
    raise TypeError(f"unknown control {type(control).__name__}")


def snap(control, value):
    """The grid value of ``control`` nearest to ``value``."""
    values = grid(control)
    if isinstance(control, (ipywidgets.Dropdown, ipywidgets.ToggleButtons)):
        return value if value in values else None
    return values[int(np.argmin([abs(v - value) for v in values]))]


def text_of(view):
    return " ".join(widget_texts(view.widget))


def set_state(view, state):
    with view.hold_updates():
        for name, value in state.items():
            view.controls[name].value = value


def buttons(view):
    return [b for b in view._buttons.children if isinstance(b, ipywidgets.Button)]


def reachable_texts(view):
    """``(text, control values, on the grid)`` of every state the view reaches (see the module
    docstring); on the grid is False for the start and what the buttons set. The view is left in
    its start state."""
    def state(grid_state=True):
        values = [v for v in (c.value for c in view.controls.values())
                  if isinstance(v, (int, float))]
        return text_of(view), values, grid_state

    yield state(False)
    for button in buttons(view):
        for _ in range(CLICKS):
            button.click()
            yield state(False)
        view.reset()
    grids = {name: grid(c) for name, c in view.controls.items()}
    if np.prod([len(g) for g in grids.values()]) <= FULL_GRID:
        for values in itertools.product(*grids.values()):
            set_state(view, dict(zip(grids, values, strict=True)))
            yield state()
    else:
        for name, values in grids.items():
            for value in values:
                set_state(view, {name: value})
                yield state()
            view.reset()
    view.reset()


def parameters(module, ex, lang="en"):
    """The parameter names of a function exercise's answer (from its answer cell)."""
    for cell in flatten(module.CELLS):
        if (cell.nbgrader or {}).get("grade_id") == ex.id:
            for node in ast.walk(ast.parse(cell.text(lang))):
                if isinstance(node, ast.FunctionDef) and node.name == ex.answer:
                    return [a.arg for a in node.args.args]
    return []


def computes(view, ex, params):
    """Does ``view`` show the result of the function exercise ``ex`` at every one of its cases
    that its controls can be set to (parameters named like controls, at least three cases)?"""
    if not params or not set(params) <= set(view.controls):
        return False
    tried, shown = 0, 0
    for case in ex.case_list() + ex.case_list(hidden=True):
        if any(np.ndim(v) for v in case):
            args = [np.ravel(v) for v in case]
            points = list(zip(*np.broadcast_arrays(*args), strict=True)) if len(case) == 1 else []
        else:
            points = [case]
        for point in points:
            state = {p: snap(view.controls[p], float(v))
                     for p, v in zip(params, point, strict=True)}
            if any(v is None for v in state.values()):
                continue
            set_state(view, state)
            expected = np.ravel(np.asarray(ex.expected(*(np.float64(state[p]) for p in params)),
                                           dtype=float))
            tried += 1
            text = text_of(view)
            shown += all(shows(text, v) for v in expected)
    view.reset()
    return tried >= 3 and shown == tried


# ------------------------------------------------------------------ formulas in texts

def code_snippets(text):
    """Candidate formulas: code in backticks, strings in quotes, and the parts of a docstring or
    comment after ``:`` or ``=``."""
    found = re.findall(r"`([^`\n]+)`", text) + re.findall(r"\"([^\"\n]+)\"", text)
    for line in text.splitlines():
        for part in re.split(r"[:=]", line)[1:]:
            found.append(part.strip().strip("\"'").strip().rstrip("."))
    return [s for s in found if s.strip()]


def piecewise(text):
    """Functions stated by cases in ``text``: plain ``0.1 for z <= 0, 1 for z > 0`` and LaTeX
    ``\\begin{cases} 0, & z \\le 0\\\\ 1, & z > 0\\end{cases}``; ``[(variable, [(value,
    condition)])]``."""
    rel = r"(<=|>=|<|>|≤|≥|\\le|\\ge|\\leq|\\geq)"
    plain = re.findall(rf"([-\w.]+)\s+(?:for|für)\s+(\w+)\s*{rel}\s*([-\w.]+)", text)
    found = []
    if len(plain) >= 2:
        found.append([(v, var, op, rhs) for v, var, op, rhs in plain])
    for body in re.findall(r"\\begin\{cases\}(.*?)\\end\{cases\}", text, flags=re.S):
        rows = re.findall(rf"([^&\\]+?),\s*&\s*(\w+)\s*{rel}\s*([-\w.]+)", body)
        if len(rows) >= 2:
            found.append([(v.strip(), var, op, rhs) for v, var, op, rhs in rows])
    ops = {"≤": "<=", "≥": ">=", r"\le": "<=", r"\ge": ">=", r"\leq": "<=", r"\geq": ">="}
    return [[(v, var, ops.get(op, op), rhs) for v, var, op, rhs in rows] for rows in found]


def states_function(text, ex, params):
    """Does ``text`` state the function exercise's answer: a formula in its parameters, or by
    cases of its one parameter, that agrees with it on all its cases?"""
    if ex.id in IN_WORDS and IN_WORDS[ex.id].search(text):
        return True
    cases = ex.case_list() + ex.case_list(hidden=True)
    expected = [ex.expected(*c) for c in cases]

    def agrees(candidate):
        try:
            return all(np.allclose(np.asarray(candidate(*c), dtype=float),
                                   np.asarray(e, dtype=float), rtol=1e-9, atol=1e-12)
                       for c, e in zip(cases, expected, strict=True))
        except Exception:  # noqa: BLE001 - a snippet that is not this function
            return False

    for snippet in code_snippets(text):
        snippet = snippet.strip().rstrip(".")
        if snippet.isidentifier():
            continue  # a name, as in a list of names, states nothing
        if not params or not set(re.findall(r"[A-Za-z_]\w*", snippet)) <= set(params):
            continue
        called = set(re.findall(r"([A-Za-z_]\w*)\s*\(", snippet))  # f in f(x + h): a function
        symbols = {p: sp.Function(p) if p in called else sp.Symbol(p) for p in params}
        try:
            expr = parse_expr(snippet.replace("^", "**"), local_dict=symbols,
                              transformations=(*standard_transformations,
                                               implicit_multiplication))  # 2 h is 2*h
            candidate = sp.lambdify([symbols[p] for p in params], expr, "numpy")
        except Exception:  # noqa: BLE001 - prose, not a formula
            continue
        if isinstance(expr, sp.Expr) and agrees(candidate):
            return True
    if len(params) == 1:
        for rows in piecewise(text):
            if {var for _, var, _, _ in rows} != {params[0]}:
                continue

            def by_cases(z, rows=rows):
                z = np.asarray(z, dtype=float)
                values = [float(v) if v != params[0] else z for v, *_ in rows]
                conditions = [eval(f"z {op} {float(rhs)}", {"z": z}) for _, _, op, rhs in rows]  # noqa: S307
                return np.select(conditions, [np.broadcast_to(v, z.shape) for v in values],
                                 np.nan)

            if agrees(by_cases):
                return True
    return False


def states_expression(text, ex, lang):
    """Does ``text`` hold the expression exercise's answer as code or in quotes?"""
    from workbook.symbolic import ExpressionError, equivalent, parse

    symbols = ex.symbols() if ex.symbols else None
    for snippet in code_snippets(text):
        if snippet.strip().isidentifier():
            continue  # a name, as in a list of names, states nothing
        try:
            candidate = parse(snippet, symbols, lang)
        except (ExpressionError, Exception):  # noqa: BLE001 - not a formula
            continue
        try:
            if equivalent(candidate, ex.expected(), symbols, lang):
                return snippet
        except Exception:  # noqa: BLE001, S112 - not comparable
            continue
    return None


# ------------------------------------------------------------------ the tests

@pytest.fixture(autouse=True)
def _no_pictures(monkeypatch):
    """The plots are pictures, not text: skip drawing them (the enumeration stays fast)."""
    monkeypatch.setattr(FigureView, "_render", lambda self, full: None)


def leaks_of(module, lang):
    before = earlier(module, lang)
    states = {}  # id of a view -> its reachable states, enumerated once
    leaks = []
    for ex in module.EXERCISES:
        if f"{ex.id}_check" not in before:
            continue
        texts, views = before[f"{ex.id}_check"]
        params = parameters(module, ex, lang) if ex.kind == "function" else []
        if ex.kind == "value":
            expected = ex.expected() if callable(ex.expected) else ex.expected
            values = np.ravel(np.asarray(expected, dtype=float))
            for value in values:
                whole = value == round(value)
                for i, text in enumerate(texts):
                    if (shows(text, value) and not (whole and abs(value) <= 12)) or (
                            whole and abs(value) >= 10 and states_whole(text, value)):
                        leaks.append(f"{ex.id}: {value} stated in text {i}: {text[:80]!r}")
            sought = [v for v in values if not (v == round(v) and abs(v) < 2)]
            for view in views if sought else ():
                if id(view) not in states:
                    states[id(view)] = list(reachable_texts(view))
                for text, controls, on_grid in states[id(view)]:
                    hit = [v for v in sought if shows(text, v) and digits(v) >= 2 and not (
                        on_grid and (digits(v) < 3 or np.isclose(v, controls).any()))]
                    if hit:
                        leaks.append(f"{ex.id}: {hit} shown by {type(view).__name__} at "
                                     f"{controls}: {text[:120]!r}")
                        break
        elif ex.kind == "function":
            for i, text in enumerate(texts):
                if states_function(text, ex, params):
                    leaks.append(f"{ex.id}: the function stated in text {i}: {text[:80]!r}")
            for view in views:
                if computes(view, ex, params):
                    leaks.append(f"{ex.id}: {type(view).__name__} computes it on its cases")
        elif ex.kind == "expression":
            for i, text in enumerate(texts):
                snippet = states_expression(text, ex, lang)
                if snippet is not None:
                    leaks.append(f"{ex.id}: the formula {snippet!r} in text {i}")
    return leaks


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("module", UNITS, ids=[m.UNIT.id for m in UNITS])
def test_no_answer_before_its_check(module, lang):
    try:
        leaks = leaks_of(module, lang)
        assert not leaks, "\n".join(leaks)
    finally:
        set_language("en")


# ------------------------------------------------------------------ the modules students get

def _shape(node):
    """An expression's AST with every name numbered by first appearance (so ``a - b*c`` and
    ``w - lr*grad`` agree) and the number of its nodes."""
    names = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            return ast.copy_location(ast.Name(id=names.setdefault(node.id, f"v{len(names)}")),
                                     node)

    node = Rename().visit(ast.parse(ast.unparse(node), mode="eval").body)
    return ast.dump(node, annotate_fields=False), sum(1 for _ in ast.walk(node))


def _returns(tree):
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Return) and n.value is not None]


def model_solutions():
    """``{shape: exercise id}`` of every expression a model solution returns (6 nodes or more:
    smaller ones are everyday code such as ``x * y``)."""
    found = {}
    for module in UNITS:
        for cell in flatten(module.CELLS):
            grade_id = (cell.nbgrader or {}).get("grade_id", "")
            if not (cell.nbgrader or {}).get("solution") or cell.cell_type != "code":
                continue
            for region in re.findall(f"{re.escape(BEGIN)}(.*?){re.escape(END)}",
                                     cell.text("en"), flags=re.S):
                try:
                    tree = ast.parse(inspect.cleandoc("\n" + region))
                except SyntaxError:
                    continue
                for value in _returns(tree):
                    shape, size = _shape(value)
                    if size >= 6:
                        found[shape] = grade_id
    return found


def test_no_student_module_holds_a_model_solution():
    solutions = model_solutions()
    assert solutions, "no model solution found: the test reads nothing"
    found = []
    for path in sorted((ROOT / "workbook" / "views").glob("*.py")) + sorted(
            (ROOT / "workbook" / "reference").glob("*.py")):
        for value in _returns(ast.parse(path.read_text())):
            shape, _ = _shape(value)
            if shape in solutions:
                found.append(f"{path.relative_to(ROOT)}:{value.lineno}: {ast.unparse(value)} "
                             f"is the model solution of {solutions[shape]}")
    assert not found, "\n".join(found)


# ------------------------------------------------------------------ the test can see

def test_the_test_sees_a_leak():
    assert shows("f'(x) = 3x²  12,0000", 12.0)
    assert shows(r"L (vorher → nachher) 3,375 → 3", 3.375)
    assert shows(r"$z = 0{,}1 \cdot 20$ ergibt −1,90", -1.9)
    assert not shows("Aufgabe 3b) mit 0,3 Punkten", 3.375)
    assert not shows("w₃ = 0,4", 0.375)
    assert states_whole("f'(2) = 12.", 12.0)
    assert not states_whole("h = 12,5", 12.0)


def test_the_test_reads_functions_in_text():
    from workbook.exercise import Exercise

    relu_grad = Exercise(id="t", answer="relu_grad", kind="function",
                         expected=lambda z: (np.asarray(z) > 0).astype(float),
                         cases=lambda rng, hidden: [(np.array([-1.0, 0.0, 2.0]),)])
    assert states_function('"""dy/dz: 0 for z <= 0, 1 for z > 0."""', relu_grad, ["z"])
    assert states_function(r"$$\begin{cases} 0, & z \le 0\\ 1, & z > 0.\end{cases}$$",
                           relu_grad, ["z"])
    assert not states_function(r"$$\begin{cases} 0, & z \le 0\\ z, & z > 0\end{cases}$$",
                               relu_grad, ["z"])
    step = Exercise(id="t", answer="gd_step", kind="function",
                    expected=lambda w, g, lr: w - lr * g,
                    cases=lambda rng, hidden: [(np.ones(2), np.arange(2.0), 0.5)])
    assert states_function('"""One step of gradient descent: w - lr * grad."""', step,
                           ["w", "grad", "lr"])
    assert not states_function('"""One step of gradient descent."""', step,
                               ["w", "grad", "lr"])
    quotient = Exercise(id="t", answer="forward_difference", kind="function",
                        expected=lambda f, x, h: (f(x + h) - f(x)) / h,
                        cases=lambda rng, hidden: [(np.exp, 1.0, 0.1), (np.sin, 0.5, 0.01)])
    assert states_function('"""(f(x + h) - f(x)) / h."""', quotient, ["f", "x", "h"])
    assert not states_function('"""(f(x + h) - f(x - h)) / (2 h)."""', quotient,
                               ["f", "x", "h"])
    centred = Exercise(id="t", answer="central_difference", kind="function",
                       expected=lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
                       cases=quotient.cases)
    assert states_function('"""(f(x + h) - f(x - h)) / (2 h)."""', centred, ["f", "x", "h"])
    assert not states_function('"""The forward difference quotient D₊f(x): a number."""',
                               quotient, ["f", "x", "h"])
