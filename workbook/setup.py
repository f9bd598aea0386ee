"""The first cell of every notebook: ``from workbook.setup import *`` then ``setup("de")``.

Sets the notebook language, numpy's print options, provides ``check``, ``np`` and ``tr``, and
warns (without changing the code) when a cell writes a decimal comma such as ``w = 0,1``.
"""

import re

import numpy as np

from workbook.answer import decimal_comma
from workbook.checks import check
from workbook.i18n import set_language, tr

__all__ = ["setup", "check", "np", "tr"]

_ASSIGNMENT = re.compile(r"^[ \t]*(\w+)[ \t]*=(?!=)([^\n]*)", re.MULTILINE)


def decimal_commas(cell):
    """``[(name, text), ...]`` for the assignments in a cell whose value has a decimal comma
    (:func:`workbook.answer.decimal_comma`): ``w = 0,1`` -> ``("w", "0,1")``; ``text`` is the
    value without its comment, ``z = 0,1 * 20`` -> ``("z", "0,1 * 20")``."""
    return [(m[1], m[2].split("#")[0].strip()) for m in _ASSIGNMENT.finditer(cell)
            if decimal_comma(m[2])]


def warn_decimal_commas(cell):
    """Print a warning for each decimal comma in the cell."""
    for name, text in decimal_commas(cell):
        comma = decimal_comma(text)
        fixed = text.replace(comma, comma.replace(",", "."), 1)
        print(tr(de=f"⚠ Hinweis: In `{name} = {text}` trennt das Komma in „{comma}“ zwei Werte: "
                    f"`{name}` wird in Python ein Tupel, keine Dezimalzahl. Schreiben Sie "
                    f"Dezimalzahlen mit Punkt: `{name} = {fixed}`.",
                 en=f"⚠ Note: in `{name} = {text}` the comma in '{comma}' separates two values: "
                    f"Python makes `{name}` a tuple, not a decimal. Write decimals with a point: "
                    f"`{name} = {fixed}`."))


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
