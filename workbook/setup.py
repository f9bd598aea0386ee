"""The first cell of every notebook: ``from workbook.setup import *`` then ``setup("de")``.

Sets the notebook language, numpy's print options, provides ``check``, ``np`` and ``tr``, and
warns (without changing the code) when a cell writes a decimal comma such as ``w = 0,1``.
"""

import re

import numpy as np

from workbook.answer import decimal_comma, remember_error
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


def _compiles(line):
    try:
        compile(line, "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def warn_decimal_commas(cell):
    """Print a warning for each decimal comma in the cell, with what Python makes of it (which
    Python itself decides): the value becomes a tuple (``z = 0,1 * 20`` is ``(0, 20)``), or the
    digits after the comma are no number (``w = 0,05``: a SyntaxError)."""
    for name, text in decimal_commas(cell):
        comma = decimal_comma(text)
        fixed = text.replace(comma, comma.replace(",", "."), 1)
        if _compiles(f"{name} = {text}"):
            effect = tr(de=f"es trennt zwei Werte: „{name}“ wird ein Tupel statt einer Zahl",
                        en=f"it separates two values, so '{name}' becomes a tuple, not a number")
        elif _compiles(f"{name} = {fixed}"):
            effect = tr(de="und die Ziffern danach sind keine gültige Zahl: Die Zelle bricht mit "
                           "einem SyntaxError ab",
                        en="the digits after it are not a valid number, so the cell stops "
                           "with a SyntaxError")
        else:  # the line has another error too
            effect = tr(de="es trennt zwei Werte", en="it separates two values")
        print(tr(de=f"⚠ Hinweis: In „{name} = {text}“ ist das Komma in „{comma}“ für Python kein "
                    f"Dezimalkomma, {effect}. Schreiben Sie Dezimalzahlen mit Punkt: "
                    f"„{name} = {fixed}“.",
                 en=f"⚠ Note: in '{name} = {text}', Python does not read the comma in '{comma}' "
                    f"as a decimal comma; {effect}. Write decimal numbers with a point: "
                    f"'{name} = {fixed}'."))


def _pre_run_cell(info):
    from IPython import get_ipython

    warn_decimal_commas(get_ipython().transform_cell(info.raw_cell or ""))


def setup(lang):
    """Language ("de"/"en"), print options, the decimal-comma warning for this notebook and the
    record of the error each cell stopped with (for the check's message)."""
    set_language(lang)
    np.set_printoptions(precision=4, suppress=True)
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        for event, hook in (("pre_run_cell", _pre_run_cell), ("post_run_cell", remember_error)):
            if hook in shell.events.callbacks[event]:
                shell.events.unregister(event, hook)
            shell.events.register(event, hook)
