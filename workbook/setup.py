"""The first cell of every notebook: ``from workbook.setup import *`` then ``setup("de")``.

Sets the notebook language, numpy's print options, provides ``check``, ``np`` and ``tr``, and
warns (without changing the code) when a cell writes a decimal comma such as ``w = 0,1``.
"""

import ast
import re

import numpy as np

from workbook.checks import check
from workbook.i18n import set_language, tr

__all__ = ["setup", "check", "np", "tr"]

_PAIR = re.compile(r"-?\d+,\d+")
_BROKEN = re.compile(r"^\s*(\w+)\s*=\s*(-?\d+),(0\d+)\s*(#.*)?$", re.MULTILINE)


def decimal_commas(cell):
    """``[(name, text), ...]`` for assignments like ``w = 0,1`` or ``x = -0,05`` in a cell."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:  # "0,05" is a syntax error in Python 3 (leading zero)
        return [(m[1], f"{m[2]},{m[3]}") for m in _BROKEN.finditer(cell)]
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Tuple)):
            text = ast.get_source_segment(cell, node.value) or ""
            if _PAIR.fullmatch(text):
                found.append((node.targets[0].id, text))
    return found


def warn_decimal_commas(cell):
    """Print a warning for each decimal comma in the cell."""
    for name, text in decimal_commas(cell):
        fixed = text.replace(",", ".")
        print(tr(de=f"⚠ Hinweis: `{name} = {text}` ist in Python ein Tupel aus zwei Zahlen, "
                    "keine Dezimalzahl. Schreiben Sie Dezimalzahlen mit Punkt: "
                    f"`{name} = {fixed}`.",
                 en=f"⚠ Note: `{name} = {text}` is a tuple of two numbers in Python, not a "
                    f"decimal. Write decimals with a point: `{name} = {fixed}`."))


def _pre_run_cell(info):
    from IPython import get_ipython

    warn_decimal_commas(get_ipython().transform_cell(info.raw_cell or ""))


def setup(lang):
    """Language ("de"/"en"), print options and the decimal-comma warning for this notebook."""
    set_language(lang)
    np.set_printoptions(precision=4, suppress=True)
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        if _pre_run_cell in shell.events.callbacks["pre_run_cell"]:
            shell.events.unregister("pre_run_cell", _pre_run_cell)
        shell.events.register("pre_run_cell", _pre_run_cell)
