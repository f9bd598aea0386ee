"""The self-check in the notebook: ``check("u1_relu_grad")``.

``check`` finds the exercise in the unit modules (``workbook.units.unitN``; more modules, e.g. test
fixtures, via the environment variable ``NNKIT_EXTRA_UNITS="pkg.mod1,pkg.mod2"``), reads the answer
from the notebook's namespace, judges it and prints ✔, or raises :class:`WrongAnswer` (an
``AssertionError``) whose one line is ✘ with the hint, in the notebook language. ``hidden=True``
(in the hidden-tests region of a test cell) judges other cases than the visible ones.

Grading does not run ``check``: the grader replaces the test cell and judges the answer outside
the kernel (:mod:`workbook.answer`, :mod:`autograder.verdict`).
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re

EXTRA_VARIABLE = "NNKIT_EXTRA_UNITS"
VISIBLE_SEED, HIDDEN_SEED = 0, 1  # hidden=True: other cases than the visible ones


def module_names():
    """``workbook.units.unitN`` in order of N, then the modules in ``NNKIT_EXTRA_UNITS``."""
    from workbook import units

    found = [m.name for m in pkgutil.iter_modules(units.__path__)
             if re.fullmatch(r"unit\d+", m.name)]
    names = [f"workbook.units.{n}" for n in sorted(found, key=lambda n: int(n[4:]))]
    return names + [n.strip() for n in os.environ.get(EXTRA_VARIABLE, "").split(",") if n.strip()]


def unit_modules():
    """The unit modules (imported)."""
    return [importlib.import_module(n) for n in module_names()]


def registry(modules=None):
    """Exercise id -> Exercise over all unit modules (ids must be unique)."""
    exercises = {}
    for module in unit_modules() if modules is None else modules:
        for ex in module.EXERCISES:
            if ex.id in exercises:
                raise ValueError(f"exercise id {ex.id!r} defined twice")
            exercises[ex.id] = ex
    return exercises


def find(exercise_id):
    """The Exercise with this id; ``uN_...`` is looked up in ``unitN`` first (so one broken unit
    does not break the checks of the others). Without the unit sources (the student edition)
    the exercise of the edition's key (:func:`workbook.selfcheck.find`)."""
    try:
        found = module_names()
    except ImportError:  # the student edition: no unit sources, the key instead
        from workbook import selfcheck

        return selfcheck.find(exercise_id)
    number = re.match(r"u(\d+)_", exercise_id)
    own = f"workbook.units.unit{number[1]}" if number else None
    names = sorted(found, key=lambda n: (n != own, n.startswith("workbook.units.")))
    for name in names:
        for ex in importlib.import_module(name).EXERCISES:
            if ex.id == exercise_id:
                return ex
    raise KeyError(f"no exercise {exercise_id!r} in the unit modules")


def _namespace(depth=2):
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    return inspect.stack()[depth].frame.f_globals


class WrongAnswer(AssertionError):
    """A self-check that did not pass. The notebook shows it as its one line "✘ reason hint"
    instead of a Python traceback (IPython renders an exception by ``_render_traceback_``);
    nbgrader's validate reports that line, and the cell counts as failed."""

    def _render_traceback_(self):
        return [str(self)]


def check(exercise_id, hidden=False):
    """Check the answer to ``exercise_id``: print "✔ ..." when it is right, else raise
    :class:`WrongAnswer` with "✘ reason hint"."""
    exercise = find(exercise_id)
    seed = HIDDEN_SEED if hidden else VISIBLE_SEED
    payload = exercise.collect(_namespace(), seed=seed, hidden=hidden)
    result = exercise.judge(payload, seed=seed, hidden=hidden)
    if not result.passed:
        raise WrongAnswer(str(result))
    print(result)
