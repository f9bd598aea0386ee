"""Cell builders for the unit sources (``workbook/units/unitN.py``).

A unit module defines ``UNIT = Unit(...)``, ``EXERCISES = [...]`` and ``CELLS = [...]``; the build
(:mod:`workbook.build`) turns ``CELLS`` into one German and one English notebook::

    SQUARE = Exercise(id="u0_square", answer="square", kind="function", ...)
    Y0 = Exercise(id="u0_y0", answer="y0", kind="value", ...)
    EXERCISES = [SQUARE, Y0]
    CELLS = [
        md(de="# Quadrat", en="# Square"),
        code("z = np.linspace(-2, 2, 5)"),                      # identical in both languages
        exercise(SQUARE, points=2, solution="def square(z):\\n    ### BEGIN SOLUTION\\n"
                 "    return z * z\\n    ### END SOLUTION"),
        exercise(Y0, points=1, solution="y0 = 2 * 3 + 1"),      # y0 = None, then the region
        manual("u0_why", 2, de="Warum ...?", en="Why ...?",       # question + answer cell
               solution_de="Weil ...", solution_en="Because ..."),
        md(de="Warum ...?", en="Why ...?"),                     # or: the question as md,
        manual("u0_why2", 1, de="Weil ...", en="Because ..."),   # then the model answer
    ]

Grade ids: ``exercise`` derives them from the Exercise: the answer cell carries the exercise id,
its test cell ``check_id(id)`` (``f"{id}_check"``); a manual answer cell carries its own id and a
question built by ``manual`` ``f"{id}_question"``. A typical mistake's hint is ``hint(de=...,
en=...)`` (:mod:`workbook.exercise`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbook.i18n import LANGUAGES as LANGS

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CHECK_SUFFIX = "_check"


def check_id(exercise_id):
    """The grade id of the test cell of an exercise: ``u1_relu_grad`` -> ``u1_relu_grad_check``."""
    return exercise_id + CHECK_SUFFIX


def exercise_id(grade_id):
    """The exercise of the test cell ``grade_id`` (``u1_relu_grad_check`` -> ``u1_relu_grad``),
    or None when ``grade_id`` is not a test cell's id."""
    if isinstance(grade_id, str) and grade_id.endswith(CHECK_SUFFIX):
        return grade_id[: -len(CHECK_SUFFIX)]
    return None


def _both(name, value):
    if not (isinstance(value, dict) and set(value) == set(LANGS)
            and all(isinstance(v, str) for v in value.values())):
        raise ValueError(f"{name} needs a text for each of {LANGS}: {value!r}")
    return dict(value)


@dataclass
class Unit:
    """One unit: ``id`` "unit1" (or ``number`` 1), texts as ``{"de": ..., "en": ...}``.

    ``filename`` is the notebook name without ``.ipynb``; ``seeds`` are the unit's random seeds
    (recorded in the notebook metadata).
    """

    title: dict
    filename: dict
    summary: dict | None = None
    seeds: tuple = ()
    id: str | None = None
    number: int | None = None

    def __post_init__(self):
        if self.id is None and self.number is None:
            raise ValueError("Unit needs an id ('unit1') or a number")
        self.id = self.id or f"unit{self.number}"
        self.number = self.number if self.number is not None else int(self.id.removeprefix("unit"))
        self.title = _both("title", self.title)
        names = _both("filename", self.filename)
        self.filename = {k: v.removesuffix(".ipynb") for k, v in names.items()}
        self.summary = _both("summary", self.summary or self.title)
        self.seeds = tuple(self.seeds)

    def assignment(self, lang):
        """The nbgrader assignment id: ``unit1_de``."""
        return f"{self.id}_{lang}"


def parse_assignment(assignment_id):
    """``(unit id, language)`` of an assignment id ``unit1_de`` (see ``Unit.assignment``); a
    language that is not one of LANGS reads as ``"en"``."""
    unit, _, lang = assignment_id.rpartition("_")
    return unit, lang if lang in LANGS else "en"


@dataclass
class Cell:
    """A cell: ``source`` ``{"de": .., "en": ..}``; ``nbgrader`` its nbgrader metadata or None."""

    cell_type: str
    source: dict
    nbgrader: dict | None = field(default=None)

    def text(self, lang):
        return self.source[lang]


def _grading(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if grade:
        if not (isinstance(points, (int, float)) and points > 0):
            raise ValueError(f"{grade_id}: points must be a positive number, not {points!r}")
        meta["points"] = points
    return meta


def md(*, de, en):
    """A markdown cell in German and English."""
    return Cell("markdown", _both("md", {"de": de, "en": en}))


def code(src):
    """A code cell, identical in both languages (user-facing strings through ``tr``)."""
    return Cell("code", {"de": src, "en": src})


def _answer(ex, solution, form):
    """The answer cell's source: ``solution`` as written when it has solution regions, else the
    region of a variable answer after ``name = None`` (kept in the release: "no answer yet")."""
    if BEGIN in solution or END in solution:
        if form is not None:
            raise ValueError(f"{ex.id}: form only for a solution without {BEGIN} regions")
        markers = re.findall(f"{BEGIN}|{END}", solution)
        if markers != [BEGIN, END] * (len(markers) // 2):
            raise ValueError(f"{ex.id}: the answer needs {BEGIN} ... {END} regions")
        return solution
    comment = f"  # {form}" if form else ""
    return f"{ex.answer} = None{comment}\n{BEGIN}\n{solution}\n{END}"


def exercise(ex, *, points, solution, form=None):
    """The two cells of a graded exercise: ``[answer cell, test cell]`` (``CELLS`` takes the list).

    ``ex``: the Exercise (from ``EXERCISES``); the answer cell's grade id is ``ex.id``,
    the locked test cell's ``check_id(ex.id)`` with ``points`` (> 0). The test cell runs
    ``check(id)`` visibly and ``check(id, hidden=True)`` in a hidden-tests region.

    ``solution``: code with ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions is the answer
    cell as written (a function keeps its signature, the release replaces each region with a stub
    that does not raise). Code without regions is the solution of a variable answer: the cell is
    ``name = None  # form`` (``name`` = ``ex.answer``; the comment only with ``form``, the
    expected form such as ``'"..."'``), then ``solution`` as its one region. Raises ValueError for
    unbalanced regions or points <= 0.
    """
    src = _answer(ex, solution, form)
    check = (f'check("{ex.id}")\n{BEGIN_HIDDEN}\n'
             f'check("{ex.id}", hidden=True)\n{END_HIDDEN}')
    return [Cell("code", {"de": src, "en": src}, _grading(ex.id, solution=True)),
            Cell("code", {"de": check, "en": check},
                 _grading(check_id(ex.id), grade=True, locked=True, points=points))]


def manual(grade_id, points, *, de, en, solution_de=None, solution_en=None):
    """A manually graded written answer (markdown); the release shows "IHRE ANTWORT HIER".

    ``manual(id, points, de=model answer, en=model answer)``: the answer cell only (the question
    is the md cell before it). With ``solution_de``/``solution_en``, ``de``/``en`` are the question:
    a locked question cell (grade id ``f"{id}_question"``) and the answer cell.
    """
    if (solution_de is None) != (solution_en is None):
        raise ValueError(f"{grade_id}: give both solution_de and solution_en, or neither")
    solution = _grading(grade_id, solution=True, grade=True, points=points)
    if solution_de is None:
        return Cell("markdown", _both("manual", {"de": de, "en": en}), solution)
    question = Cell("markdown", _both("manual", {"de": de, "en": en}),
                    _grading(f"{grade_id}_question", locked=True))
    return [question, Cell("markdown", {"de": solution_de, "en": solution_en}, solution)]


def flatten(cells):
    """``CELLS`` may contain lists (``exercise`` and ``manual`` return two cells): one flat list
    of Cell."""
    flat = []
    for c in cells:
        flat.extend(flatten(c) if isinstance(c, (list, tuple)) else [c])
    if not all(isinstance(c, Cell) for c in flat):
        raise TypeError("CELLS must hold cells built with workbook.source")
    return flat
