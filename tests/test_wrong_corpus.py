"""The wrong-answer corpus (tests/honest/wrong.py), graded in ONE run of ``python -m autograder
grade``: every hand-written wrong answer earns nothing (its check cell scores 0 in the gradebook),
the answers left right in a notebook earn their points, and the self-check says ✘ to every wrong
answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from honest.corpus import FULL, filename, notebook  # noqa: E402
from honest.wrong import WRONG  # noqa: E402
from test_honest_corpus import grade, read_csv  # noqa: E402


def test_every_autograded_exercise_has_two_wrong_answers():
    from workbook.checks import registry

    count = {}
    for case in WRONG:
        for grade_id in case.cells:
            count[grade_id] = count.get(grade_id, 0) + 1
    units = {c.unit for c in WRONG}
    exercises = {ex_id for ex_id in registry() if ex_id.split("_")[0] in
                 {f"u{u[-1]}" for u in units} and ex_id in _autograded()}
    assert exercises and {e for e in exercises if count.get(e, 0) < 2} == set()


def _autograded():
    """Exercise ids with an autograded check cell in the released notebooks."""
    out = set()
    for unit in FULL:
        for cell in notebook(unit, "en", False)["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                out.add(meta["grade_id"].removesuffix("_check"))
    return out


@pytest.mark.slow
def test_wrong_answers_earn_nothing(tmp_path_factory):
    from nbgrader.api import Gradebook

    base = tmp_path_factory.mktemp("wrong-corpus")
    subs, results = base / "submissions", base / "results"
    for case in WRONG:
        folder = subs / case.name / f"{case.unit}_{case.lang}"
        folder.mkdir(parents=True)
        nb = notebook(case.unit, case.lang, False, case.cells)
        import json

        (folder / f"{filename(case.unit, case.lang)}.ipynb").write_text(
            json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    run = grade(subs, results, sorted({c.unit for c in WRONG}))
    assert run.returncode == 0, run.stderr[-3000:]
    assert not read_csv(results / "rejected.csv")
    problems = []
    with Gradebook(f"sqlite:///{results / 'gradebook.db'}") as gb:
        for case in WRONG:
            assignment = f"{case.unit}_{case.lang}"
            nb_name = filename(case.unit, case.lang)
            for cell in notebook(case.unit, case.lang, False)["cells"]:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if not (meta.get("grade") and not meta.get("solution")):
                    continue
                exercise = meta["grade_id"].removesuffix("_check")
                grade_ = gb.find_grade(meta["grade_id"], nb_name, assignment, case.name)
                score = grade_.score
                if exercise in case.cells and score != 0:
                    problems.append(f"{case.name} {exercise}: wrong answer earned {score}")
                if exercise not in case.cells and score != meta["points"]:
                    problems.append(f"{case.name} {exercise}: right answer earned {score}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", WRONG, ids=lambda c: c.name)
def test_self_check_says_wrong(case, capsys):
    """Every wrong answer gets ✘ from the notebook's own check (visible cases); a wrong answer
    that differs only on the hidden cases is left to the grader."""
    import matplotlib

    matplotlib.use("Agg")
    from workbook.i18n import get_language, set_language

    nb = notebook(case.unit, case.lang, False, case.cells)
    ns, verdicts, lang = {"In": [""], "__name__": "__main__"}, {}, get_language()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        ns["In"].append(cell["source"])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        capsys.readouterr()  # what earlier cells printed
        raised = ""
        try:
            exec(compile(cell["source"], "<cell>", "exec"), ns)
        except AssertionError as wrong:  # the check's WrongAnswer: its text is the ✘ line
            raised = str(wrong)
        if grade_id.endswith("_check"):
            verdicts[grade_id.removesuffix("_check")] = capsys.readouterr().out + raised
    set_language(lang)  # the notebook's setup("de") must not change later tests' language
    passed = [ex for ex in case.cells if verdicts.get(ex, "").startswith("✔")
              and (case.name, ex) not in HIDDEN_ONLY]
    assert not passed, {ex: verdicts[ex] for ex in passed}


HIDDEN_ONLY = {  # wrong answers that only the hidden cases of the grader tell apart
    ("w2_c", "u2_leaky_relu"),  # min(z, 5): the visible cases stay below 5
    ("w4_b", "u4_dyhat"),  # 1 at yhat = y: no visible case has yhat = y
}
