"""A grade must not depend on the grading seed.

Every course gets a random secret grading seed (``.grader/seed``); the hidden cases of every
function exercise are drawn from it (:meth:`workbook.exercise.Exercise.case_list`), so a
tolerance set against an approximation's own error, an ill-conditioned draw or a wrong formula
that agrees with the right one on some draws changes the grade of EVERY student of a course. One
run of the honest corpus (tests/test_honest_corpus.py) tries one fresh seed; this file tries
:data:`SEEDS` for every answer of the honest and the wrong corpus, in this process, on the
grader's own path: the notebook's cells run in order, each autograded check cell is replaced by
the collector (``Exercise.collect(namespace, seed, hidden=True)``, as autograder/execute.py sends
it to the kernel), the payload goes through JSON (the notebook) and is judged by
``Exercise.judge(payload, seed, hidden=True)`` (autograder/verdict.py).

Honest answers must earn their points for every seed, wrong answers (tests/honest/wrong.py) and
the typical mistakes of every function exercise must lose them for every seed, and with a margin:
an honest answer still passes with a tenth of the exercise's tolerances (``rtol``, ``atol``), a
wrong one still fails with ten times them. A fault that shows at 1 % of the seeds is near its
edge for many more: the old u3_numerical_gradients fault (a centred quotient judged against the
exact gradient) failed for 2 of the first 41 seeds, at a tenth of the tolerance for 22 (10 of
the first 20).
Value, choice and expression exercises draw nothing from the seed (their judge never reads it);
they are judged with a few seeds all the same, so an exercise that starts drawing from it is
covered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from honest.corpus import CASES, notebook  # noqa: E402
from honest.wrong import WRONG  # noqa: E402

#: range(20) (the old u3_numerical_gradients fault failed at 2 of them, 8 and 19; with the margin
#: at 10) and the seed of the fresh-clone run that found it
SEEDS = (*range(20), 377847115)
SEEDLESS = SEEDS[:3]  # value, choice and expression exercises (see the module docstring)
MARGIN = 10  # honest answers pass with the tolerances / MARGIN, wrong ones fail with them * MARGIN
UNITS = ("unit1", "unit2", "unit3", "unit4", "unit5")


@functools.cache
def _reference_sources(unit):
    return {c["source"] for lang in ("en", "de") for c in notebook(unit, lang, False)["cells"]}


def collected(unit, lang, cells=None, before=None, seen=None, only=None):
    """``[(exercise id, key, {seed: payload})]``: the answer records the grader collects from the
    notebook of ``unit`` with the reference answers, ``cells`` replaced and ``before`` inserted
    (tests/honest/corpus.py ``notebook``), one per autograded check cell and seed. A case's
    editor variants (``mutate``, ``raw``) are left out: they change how the notebook is saved,
    which tests/test_honest_corpus.py grades.

    The cells run in this process in order (a cell that raises is judged by its missing or
    wrong answers, as in the kernel); each check cell is replaced by collecting the answer for
    every seed. ``key`` names the exercise and the cells before it that differ from the
    reference notebook; a key in ``seen`` (a set, updated) is skipped: the same code gives the
    same answers. With ``only`` (exercise ids) the other check cells are skipped too."""
    import matplotlib

    from autograder.execute import exercise_of
    from workbook.checks import find
    from workbook.i18n import get_language, set_language

    matplotlib.use("Agg")
    reference, seen = _reference_sources(unit), set() if seen is None else seen
    ns, changed, out, was = {"In": [""], "__name__": "__main__"}, [], [], get_language()
    try:
        for cell in notebook(unit, lang, False, cells, before)["cells"]:
            if cell["cell_type"] != "code":
                continue
            exercise_id = exercise_of(cell)
            if exercise_id is None:
                changed += [] if cell["source"] in reference else [cell["source"]]
                ns["In"].append(cell["source"])
                with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell["source"], "<cell>", "exec"), ns)  # noqa: S102
                continue
            key = (exercise_id, tuple(changed))
            if key in seen or only is not None and exercise_id not in only:
                continue
            seen.add(key)
            ex = find(exercise_id)
            seeds = SEEDS if ex.kind == "function" else SEEDLESS
            out.append((exercise_id, key, {
                seed: json.loads(json.dumps(ex.collect(ns, seed=seed, hidden=True)))
                for seed in seeds}))
    finally:
        set_language(was)  # the notebook's setup("de") must not change later tests' language
    return out


def failing(exercise_id, payloads, lang, passes):
    """``(seeds, seeds with the margin, first message)``: the seeds whose verdict is not
    ``passes``, as the grader judges the payloads of one answer, and as it judges them with the
    tolerances scaled by MARGIN against the answer (/ MARGIN for an honest, * for a wrong one)."""
    from workbook.checks import find

    ex = find(exercise_id)
    scale = 1 / MARGIN if passes else MARGIN
    strict = dataclasses.replace(ex, rtol=ex.rtol * scale, atol=ex.atol * scale)
    bad, near, first = [], [], ""
    for seed, payload in payloads.items():
        if strict.judge(payload, seed=seed, hidden=True, lang=lang).passed == passes:
            continue  # then the grader's own verdict is the same (the tolerances are looser)
        near.append(seed)
        result = ex.judge(payload, seed=seed, hidden=True, lang=lang)
        if result.passed != passes:
            bad.append(seed)
            first = first or str(result)
    return bad, near, first


def _report(problems):
    return "\n".join(f"{who} {ex}: {what} for {len(bad)} of {n} seeds {bad[:8]}, with the "
                      f"margin for {len(near)} {near[:8]} {text}"
                      for who, ex, what, (bad, near, text), n in problems)


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_honest_answers_earn_their_points_for_every_seed(unit):
    problems, seen = [], set()
    for case in [c for c in CASES if c.unit == unit]:
        for exercise_id, _, payloads in collected(unit, case.lang, case.cells, case.before, seen):
            found = failing(exercise_id, payloads, case.lang, passes=True)
            if found[1]:
                problems.append((case.name, exercise_id, "lost the point", found, len(payloads)))
    assert not problems, _report(problems)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow in a wrong formula
@pytest.mark.parametrize("unit", UNITS)
def test_wrong_answers_lose_their_points_for_every_seed(unit):
    problems = []
    for case in [c for c in WRONG if c.unit == unit]:
        for exercise_id, _, payloads in collected(unit, case.lang, case.cells,
                                                  only=set(case.cells)):
            found = failing(exercise_id, payloads, case.lang, passes=False)
            if found[1]:
                problems.append((case.name, exercise_id, "earned the point", found,
                                 len(payloads)))
    assert not problems, _report(problems)


@pytest.mark.slow
def test_typical_mistakes_lose_their_points_for_every_seed():
    """Every ``Mistake`` of a function exercise (a wrong function as a student writes it) fails
    for every seed: a wrong formula that agrees with the right one on some draws would earn the
    point in those courses."""
    from workbook.checks import registry

    problems = []
    for ex in registry().values():
        if ex.kind != "function":
            continue
        for mistake in ex.mistakes:
            payloads = {seed: json.loads(json.dumps(ex.collect({ex.answer: mistake.wrong},
                                                               seed=seed, hidden=True)))
                        for seed in SEEDS}
            found = failing(ex.id, payloads, "en", passes=False)
            if found[1]:
                problems.append((mistake.name, ex.id, "earned the point", found, len(SEEDS)))
    assert not problems, _report(problems)
