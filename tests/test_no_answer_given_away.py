"""No text and no view shows an exercise's answer before the student's check has passed.

For every numeric exercise (kind "value") the expected value must not appear in the text of any
cell before its check cell, nor in the initial readouts of a view built in such a cell. Small whole
numbers (|v| <= 12) are left out: they occur as ordinary numerals ("Aufgabe 3", "Schicht 2"); those
exercises are kept honest by the order of the cells (see the unit tests)."""

import ast
import re

import ipywidgets
import numpy as np
import pytest
from fixtures.nbtools import modules

from workbook.i18n import set_language
from workbook.source import LANGS, flatten
from workbook.views.widgets import View

UNITS = [m for m in modules() if m.UNIT.id.startswith("unit")]
NUMBER = re.compile(r"[−-]?\d+(?:[.,{}]+\d+)?")


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


def widget_texts(widget):
    if isinstance(widget, (ipywidgets.HTML, ipywidgets.Label, ipywidgets.HTMLMath)):
        yield re.sub(r"<[^>]+>", " ", widget.value)
    for child in getattr(widget, "children", ()):
        yield from widget_texts(child)


def run_cell(source, namespace):
    """Run a code cell as the notebook does; the texts of a view it shows (its last expression)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the unit's own cell
    if last is None:
        return ""
    shown = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
    if isinstance(shown, View):
        return " ".join(widget_texts(shown.widget))
    return " ".join(widget_texts(shown)) if isinstance(shown, ipywidgets.Widget) else ""


def earlier_texts(module, lang):
    """``{check grade id: [texts of every cell before it]}``: the notebook is run from the top
    with the model solutions; a view counts with the readouts it shows right after it is built."""
    namespace = {}
    run_cell(f"from workbook.setup import *\nsetup({lang!r})", namespace)
    texts, before = [], {}
    for cell in flatten(module.CELLS):
        grading = cell.nbgrader or {}
        grade_id = grading.get("grade_id", "")
        if grade_id.endswith("_check"):
            before[grade_id] = list(texts)
            continue
        source = cell.text(lang)
        if cell.cell_type == "code":
            shown = run_cell(source, namespace)
            if not grading.get("solution"):
                texts += [source, shown]
        elif not grading.get("solution"):
            texts.append(source)  # an answer cell is the student's own work
    return before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("module", UNITS, ids=[m.UNIT.id for m in UNITS])
def test_no_numeric_answer_before_its_check(module, lang):
    try:
        before = earlier_texts(module, lang)
        leaks = []
        for ex in module.EXERCISES:
            if ex.kind != "value":
                continue
            expected = ex.expected() if callable(ex.expected) else ex.expected
            for value in np.ravel(np.asarray(expected, dtype=float)):
                if value == round(value) and abs(value) <= 12:
                    continue
                for i, text in enumerate(before[f"{ex.id}_check"]):
                    if shows(text, value):
                        leaks.append(f"{ex.id}: {value} shown in text {i}: {text[:80]!r}")
        assert not leaks, "\n".join(leaks)
    finally:
        set_language("en")


def test_the_test_sees_a_leak():
    assert shows("f'(x) = 3x²  12,0000", 12.0)
    assert shows(r"L (vorher → nachher) 3,375 → 3", 3.375)
    assert shows(r"$z = 0{,}1 \cdot 20$ ergibt −1,90", -1.9)
    assert not shows("Aufgabe 3b) mit 0,3 Punkten", 3.375)
    assert not shows("w₃ = 0,4", 0.375)
