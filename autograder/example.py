"""``example-class``: a synthetic class in nbgrader's submitted layout, for dry runs and benchmarks.

OUT/<student>/<assignment>/<notebook>.ipynb for students ``s000``, ``s001``, ... Every student
submits every unit in one language (alternating, so both languages occur). The submission is the
student version (nbgrader's release) with answer cells filled in, one of four variants:

* ``reference``: every answer is the reference solution (full autograded points);
* ``blank``: the release as it is (0 points);
* ``partial``: some answers are the reference solution, the rest stay blank;
* ``mistakes``: some answers carry a typical mistake of the unit (its ``Mistake`` definitions,
  written out as literals; function answers get a slip instead), the rest are the reference
  solution.

Only answers that no later answer cell builds on are left blank or made wrong, so the expected
score is exact: the points of the test cells whose answer is correct (manually graded cells count
0 until graded; every variant but ``blank`` writes a placeholder text into them, so they wait
for manual grading in formgrader). Deterministic for a given N. OUT/expected.csv lists
student, assignment, notebook, expected_score, max_score, variant, mistakes (the wrong answers
as ``exercise:mistake`` separated by spaces; ``exercise:`` for a slip that matches no typical
mistake).
"""

from __future__ import annotations

import ast
import random
import re
import tempfile
from pathlib import Path

import nbformat
import numpy as np

from autograder import csvfile
from autograder.course import load_modules
from autograder.language import counted, instructor_language
from workbook.i18n import LANGUAGES, message
from workbook.source import exercise_id

TEXT = {"made": ("Beispielklasse: {students} x {units} -> {notebooks}",  # key: (German, English)
                 "example class: {students} x {units} -> {notebooks}")}

VARIANTS = ("reference", "blank", "partial", "mistakes")
CHECK_SEEDS = (0, 1, 2, 3, 4)  # a mistake must fail visibly and hidden for these seeds
WRITTEN = "(a written answer of the student; graded by hand in formgrader)"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def student_id(i):
    return f"s{i:03d}"


def plan(i, k):
    """(variant, lang) of student ``i`` for the ``k``-th unit."""
    lang = LANGUAGES[(i + k + i // len(VARIANTS)) % len(LANGUAGES)]
    return VARIANTS[(i + k) % len(VARIANTS)], lang


def solution_text(source):
    """The reference answer as a student would write it: the solution without its markers."""
    return MARKER.sub("", source)


def defined_names(source):
    """Names an answer cell defines (assignments, functions, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names - {"np", "numpy", "math", "sympy", "sp"}  # library imports do not carry answers


def free_exercises(source_nb):
    """Answer grade ids whose names no later answer cell uses (safe to blank or to get wrong)."""
    answers = [c for c in source_nb.cells if c.cell_type == "code"
               and c.metadata.get("nbgrader", {}).get("solution")]
    free = set()
    for n, cell in enumerate(answers):
        names = defined_names(solution_text(cell.source))
        later = "\n".join(solution_text(c.source) for c in answers[n + 1:])
        if not any(re.search(rf"(?<![\w.]){re.escape(name)}\b", later) for name in names):
            free.add(cell.metadata["nbgrader"]["grade_id"])
    return free


def literal(value):
    """Python source for a value (numbers, arrays, tuples, lists, text), or None."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (tuple, list)) and not _numeric(value):
        items = [literal(v) for v in value]
        if None in items:
            return None
        text = ", ".join(items) + ("," if isinstance(value, tuple) and len(items) == 1 else "")
        return f"({text})" if isinstance(value, tuple) else f"[{text}]"
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if not np.all(np.isfinite(array)):
        return None
    if array.ndim == 0:
        return repr(float(array))
    if isinstance(value, (tuple, list)):
        return repr(type(value)(array.tolist()))
    return f"np.array({array.tolist()!r})"


def _numeric(value):
    try:
        return np.asarray(value, dtype=float).dtype == float
    except (TypeError, ValueError):
        return False


WRONG_FUNCTION = """
_reference_{name} = {name}


def {name}(*args):  # a slip: twice the result plus one
    def slip(value):
        if isinstance(value, (tuple, list)):
            return type(value)(slip(v) for v in value)
        return np.asarray(value, dtype=float) * 2 + 1
    return slip(_reference_{name}(*args))"""


_WRONG = {}  # exercise id -> wrong_sources (the same for every student)


def wrong_sources(exercise):
    """``[(mistake name, code line)]``: the line a student with a typical mistake would end the
    answer cell with, one per usable ``Mistake`` (value, expression, choice; checked to fail for
    a few seeds), or a slip (name ``""``) for function exercises (their mistakes are Python
    callables inside the unit, which the kernel may not read)."""
    if exercise.id in _WRONG:
        return _WRONG[exercise.id]
    if exercise.kind == "function":
        return [("", WRONG_FUNCTION.format(name=exercise.answer))]
    sources = _WRONG[exercise.id] = []
    for mistake in exercise.mistakes:
        if exercise.kind == "choice":
            value = mistake.wrong
        elif exercise.kind == "expression":
            value = str(mistake.wrong())
        else:
            value = mistake.wrong()
        text = literal(value)
        if text is None:
            continue
        value = eval(text, {"np": np})  # what the kernel will have  # noqa: S307
        if not any(exercise.judge(exercise.collect({exercise.answer: value}, seed=seed,
                                                   hidden=hidden), seed=seed, hidden=hidden,
                                  lang="en").passed
                   for seed in CHECK_SEEDS for hidden in (False, True)):
            sources.append((mistake.name, f"{exercise.answer} = {text}"))
    return sources


def submission(release_nb, source_nb, module, variant, rng):
    """``(notebook, expected autograded score, {exercise id: mistake name})`` of one student's
    submission."""
    nb = nbformat.from_dict(release_nb)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source_nb.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    exercises = {ex.id: ex for ex in module.EXERCISES}
    free = sorted(free_exercises(source_nb))
    wrong = {}  # grade id -> source of the wrong answer
    made = {}  # grade id -> name of the mistake ("" for a slip)
    blank = set()
    if variant == "blank":
        blank = set(solutions)
    elif variant == "partial":
        blank = set(rng.sample(free, k=(len(free) + 1) // 2))
    elif variant == "mistakes":
        by_id = {gid: wrong_sources(exercises[gid]) for gid in free if gid in exercises}
        by_id = {gid: sources for gid, sources in by_id.items() if sources}
        for gid in sorted(rng.sample(sorted(by_id), k=(len(by_id) + 1) // 2)):
            made[gid], line = rng.choice(by_id[gid])
            wrong[gid] = solution_text(solutions[gid]).rstrip() + "\n" + line
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in solutions and gid not in blank:
            cell.source = wrong.get(gid) or solution_text(solutions[gid])
        elif cell.cell_type == "markdown" and meta.get("solution") and variant != "blank":
            cell.source = WRITTEN  # waits for manual grading (formgrader)
    score = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            exercise = exercise_id(gid)
            if exercise in solutions and exercise not in blank and exercise not in wrong:
                score += float(meta.get("points", 0))
    return nb, score, made


def example_class(out, students=10, units=None, log=print):
    """Write the class into ``out``; returns the expected.csv rows."""
    from workbook.build import generate, make_course

    out = Path(out)
    modules = load_modules(units, log=log)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        made = make_course(course, modules)
        notebooks = {}  # (unit index, lang) -> (module, assignment, name, release, source, max)
        for module, lang, assignment in made:
            k = modules.index(module)
            name = module.UNIT.filename[lang]
            release = nbformat.read(generate(course, assignment, lang) / f"{name}.ipynb", 4)
            source = nbformat.read(course / "source" / assignment / f"{name}.ipynb", 4)
            max_score = sum(float(c.metadata["nbgrader"].get("points", 0)) for c in source.cells
                            if c.metadata.get("nbgrader", {}).get("grade"))
            notebooks[(k, lang)] = (module, assignment, name, release, source, max_score)
        for i in range(students):
            for k in range(len(modules)):
                variant, lang = plan(i, k)
                module, assignment, name, release, source, max_score = notebooks[(k, lang)]
                rng = random.Random(f"{i}/{assignment}/{variant}")
                nb, score, made = submission(release, source, module, variant, rng)
                target = out / student_id(i) / assignment / f"{name}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, target)
                mistakes = " ".join(f"{gid}:{m}" for gid, m in sorted(made.items()))
                rows.append([student_id(i), assignment, name, score, max_score, variant,
                             mistakes])
    csvfile.write(out / "expected.csv", ["student", "assignment", "notebook", "expected_score",
                                         "max_score", "variant", "mistakes"], rows)
    lang = instructor_language()
    log(message(TEXT, "made", lang, students=counted(students, "student", lang),
                units=counted(len(modules), "unit", lang),
                notebooks=counted(len(rows), "notebook", lang)))
    return rows
