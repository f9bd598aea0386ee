"""The price of the student edition's self-check (workbook/selfcheck.py): one scrypt hash, one
check of a right and of a wrong answer, and a walk of the grid towards a value answer.

A check pays one scrypt per target it compares (the reference; when wrong, each typical mistake
and a function's reference case by case up to the first wrong one). A walk (k = 0, ±1, ... grid
steps from 0, the search that recovered every value answer from the old HMAC key in minutes)
pays one scrypt per guess: ``2 |k| + 1`` guesses for an answer at grid point k.
Times are CPU seconds of this process (scrypt is pure computation; on a shared machine the wall
time says more about the neighbours). Figures: the seconds of one scrypt (median), the slowest
check of the exercises below (each answer: the reference, every typical mistake, a blank), and
the days of the walk to the value answers of WALKS, at that scrypt time on one core. (A value
with few digits, 0 or 1.0, is found by trying such values first: no self-check prevents that.)
"""

from __future__ import annotations

import statistics
import time

from bench.common import figure

EXERCISES = ("u1_z_cs1", "u3_yhat", "u3_gradients", "u4_backward", "u5_2d_function",
             "u3_layer2")  # u4_backward: the most hashes of a check (13, a mistake)
WALKS = ("u1_z_cs1", "u3_yhat")  # the walk; a unit-3 value with all its digits


def scrypt_seconds(rounds=7):
    from workbook import selfcheck

    times = []
    for k in range(rounds):
        selfcheck.seal.cache_clear()
        t0 = time.process_time()
        selfcheck.seal("00" * 32, "bench", "", f"guess {k}", **selfcheck.SCRYPT)
        times.append(time.process_time() - t0)
    return statistics.median(times)


def walk_guesses(ex):
    """Guesses of a walk k = 0, ±1, ... to the value answer of ``ex`` (its number farthest
    from 0 on the grid: every number must be found)."""
    import numpy as np

    from workbook import selfcheck

    values = np.ravel(np.asarray(ex.expected(), dtype=float))
    return max(2 * abs(int(selfcheck.grid(v, ex.rtol, ex.atol, 0))) + 1 for v in values)


def slowest_check(registry):
    """``(seconds, exercise id, answer)`` of the slowest check among EXERCISES (a key made here;
    the cache cleared before each check, as in a fresh kernel)."""
    import json
    import tempfile
    from pathlib import Path

    from fixtures.answers import wrong_namespace  # noqa: F401 - tests/ on the path below

    from workbook import edition, selfcheck

    slowest = (0.0, None, None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "key.json"
        path.write_text(json.dumps(edition.make_key({i: registry[i] for i in EXERCISES})))
        selfcheck.key.cache_clear()
        for exercise_id in EXERCISES:
            ex = registry[exercise_id]
            keyed = selfcheck.find(exercise_id, path)
            answers = {"reference": {ex.answer: str(ex.expected()) if ex.kind == "expression"
                                     else ex.expected() if ex.kind == "value" else ex.expected},
                       "blank": {ex.answer: None}}
            for m in ex.mistakes:
                ns = wrong_namespace(ex, m)
                answers[m.name] = ({ex.answer: str(ns[ex.answer])} if ex.kind == "expression"
                                   else ns)
            for name, ns in answers.items():
                selfcheck.seal.cache_clear()
                t0 = time.process_time()
                keyed.judge(keyed.collect(ns))
                slowest = max(slowest, (time.process_time() - t0, exercise_id, name))
    return slowest


def run(log=print):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from workbook.checks import registry

    exercises = registry()
    one = scrypt_seconds()
    log(f"  one scrypt {one * 1000:.0f} ms")
    seconds, exercise_id, answer = slowest_check(exercises)
    log(f"  slowest check {seconds:.2f} s ({exercise_id}, {answer})")
    figures = [figure("self-check: one scrypt hash", one, "s"),
               figure(f"self-check: slowest check ({exercise_id}, {answer})", seconds, "s",
                      "< 1")]
    for exercise_id in WALKS:
        guesses = walk_guesses(exercises[exercise_id])
        days = guesses * one / 86400
        log(f"  walk to {exercise_id}: {guesses} guesses x {one * 1000:.0f} ms = {days:.1f} days")
        figures.append(figure(f"self-check: walk to {exercise_id} ({guesses} guesses, one core)",
                              days, "days", ">= 1"))
    return figures
