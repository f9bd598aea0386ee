"""The self-check in the notebook: ``check("u1_relu_grad")`` (and the grading record).

``check`` finds the exercise in the unit modules (``workbook.units.unitN``; more modules, e.g.
test fixtures, via the environment variable ``NNKIT_EXTRA_UNITS="pkg.mod1,pkg.mod2"``), reads the
answer from the notebook's namespace, judges it, prints ✔/✘ with a hint in the notebook language
and raises ``AssertionError`` when the answer is wrong.

Under the grader (``NNKIT_GRADING_SEED`` set) ``check(id, hidden=True)`` draws fresh cases from that
seed and emits the payload as a display output of MIME type ``application/vnd.nnkit.answer+json``;
:func:`read_answers` gets it back from an executed notebook for a trusted re-judge::

    for exercise_id, payload in read_answers(notebook):
        result = find(exercise_id).judge(payload, seed=grading_seed, hidden=True, lang=lang)
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re

ANSWER_MIME = "application/vnd.nnkit.answer+json"
SEED_VARIABLE = "NNKIT_GRADING_SEED"
EXTRA_VARIABLE = "NNKIT_EXTRA_UNITS"
VISIBLE_SEED, HIDDEN_SEED = 0, 1  # hidden=True outside grading: other cases than the visible ones


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


def grading_seed():
    """The grader's seed (``NNKIT_GRADING_SEED``) or None outside grading."""
    value = os.environ.get(SEED_VARIABLE)
    return int(value) if value not in (None, "") else None


def emit_answer(exercise_id, payload):
    """Put the payload into the cell's outputs (MIME ``application/vnd.nnkit.answer+json``)."""
    from IPython.display import display

    display({ANSWER_MIME: {"exercise": exercise_id, "payload": payload},
             "text/plain": f"[{exercise_id}]"}, raw=True)


def read_answers(notebook):
    """``[(exercise_id, payload), ...]`` from the outputs of an executed notebook (nbformat)."""
    answers = []
    for cell in notebook.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(ANSWER_MIME)
            if isinstance(data, dict) and isinstance(data.get("exercise"), str):
                answers.append((data["exercise"], data.get("payload")))
    return answers


def _namespace(depth=2):
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    return inspect.stack()[depth].frame.f_globals


def check(exercise_id, hidden=False):
    """Check the answer to ``exercise_id``: print ✔ or ✘ with a hint; AssertionError if wrong."""
    exercise = find(exercise_id)
    grading = grading_seed()
    seed = grading if hidden and grading is not None else HIDDEN_SEED if hidden else VISIBLE_SEED
    payload = exercise.collect(_namespace(), seed=seed, hidden=hidden)
    if hidden and grading is not None:
        emit_answer(exercise_id, payload)
    result = exercise.judge(payload, seed=seed, hidden=hidden)
    print(result)
    if not result.passed:
        raise AssertionError(" ".join(filter(None, [result.message, result.hint])))
