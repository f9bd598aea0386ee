"""The honest corpus (tests/honest/corpus.py): every correct submission earns every autograded
point of its unit in ONE run of ``python -m autograder grade``, nobody is rejected or accused of
tampering, and the same answers pass the self-check in the notebook."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from honest.corpus import CASES, CAUSES, FULL, build, notebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ACCUSATIONS = ("tampers", "greift in die Bewertung ein", "nnkit reference", "nnkit-Referenz")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def grade(submissions, results, units, workers=2, timeout=60):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions),
                           "--out", str(results), "--workers", str(workers), "--timeout",
                           str(timeout), "--units", ",".join(units)],
                          capture_output=True, text=True, env=env, timeout=1800, cwd=ROOT)


def test_corpus_has_enough_cases_of_every_unit():
    assert len(CASES) >= 60 or len(CASES) >= 55 and {c.unit for c in CASES} == set(FULL)
    assert len({c.name for c in CASES + CAUSES}) == len(CASES + CAUSES)


def feedback(results, case):
    import html

    folder = results / "feedback" / case.name / f"{case.unit}_{case.lang}"
    return html.unescape("".join(p.read_text() for p in folder.glob("*.html")))


def cause_problems(case, grades, rejected, results):
    """What is wrong with a case of CAUSES: the score, the feedback's cause, the reasons."""
    notebook = [r for f, r in rejected.get(case.name, []) if f.endswith(".ipynb") or not f]
    others = [r for f, r in rejected.get(case.name, []) if f in case.files]
    if case.rejected:
        return [] if [r for r in notebook if r.startswith(case.rejected)] else [
            f"reasons {notebook} lack {case.rejected!r}"]
    key = (case.name, f"{case.unit}_{case.lang}")
    if key not in grades:
        return [f"not graded: {notebook}"]
    problems = [f"score {grades[key]['score']}, expected {case.score}"
                for _ in [0] if float(grades[key]["score"]) != case.score]
    text = feedback(results, case)
    problems += [f"{part!r} not in the feedback" for part in case.feedback if part not in text]
    problems += [f"{case.others!r} not in {others}" for _ in [0]
                 if case.others and not any(case.others in r for r in others)]
    return problems


@pytest.mark.slow
@pytest.mark.timeout(1800)  # grading 70 notebooks on a busy 2-core machine took over 300 s
def test_honest_corpus_earns_every_point(tmp_path_factory):
    base = tmp_path_factory.mktemp("honest-corpus")
    subs, results = base / "submissions", base / "results"
    build(subs, CASES + CAUSES)
    run = grade(subs, results, sorted({c.unit for c in CASES + CAUSES}))
    assert run.returncode == 0, run.stderr[-3000:]
    grades = {(r["student"], r["assignment"]): r for r in read_csv(results / "grades.csv")}
    rejected = {}  # student -> [(file, reason)]
    for r in read_csv(results / "rejected.csv"):
        rejected.setdefault(r["student"], []).append((r["file"], r["reason"]))
    problems = {}
    for case in CASES:
        key = (case.name, f"{case.unit}_{case.lang}")
        reasons = [r for f, r in rejected.get(case.name, []) if f not in case.files]
        if reasons:  # a file next to the notebook is listed, the notebook is graded
            problems[case.name] = f"rejected: {reasons}"
            continue
        if key not in grades:
            problems[case.name] = "not graded"
            continue
        score = float(grades[key]["score"])
        accused = [a for a in ACCUSATIONS if a in feedback(results, case)]
        if score != FULL[case.unit] or accused:
            problems[case.name] = f"score {score} of {FULL[case.unit]}, accused: {accused}"
    problems.update({case.name: p for case in CAUSES
                     if (p := cause_problems(case, grades, rejected, results))})
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    reviewed = {r["student"] for r in read_csv(results / "review.csv")}
    assert reviewed == {c.name for c in CASES if c.review}


def run_cells(nb):
    """Run the code cells of a notebook dict in this process, as the self-check sees them
    (``check`` raises WrongAnswer, an AssertionError, on ✘); returns the namespace."""
    import matplotlib

    from workbook.i18n import get_language, set_language

    matplotlib.use("Agg")
    ns, lang = {"In": [""], "__name__": "__main__"}, get_language()
    try:  # the notebook's setup("de") must not change the language of later tests
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            ns["In"].append(src)
            exec(compile(src, "<cell>", "exec"), ns)
    finally:
        set_language(lang)
    return ns


@pytest.mark.parametrize("case", [c for c in CASES if c.cells], ids=lambda c: c.name)
def test_self_check_agrees(case, capsys):
    """The answers of every case pass the notebook's own check cells (✔)."""
    run_cells(notebook(case.unit, case.lang, False, case.cells, case.before))
    out = capsys.readouterr().out
    assert "✘" not in out, out[-2000:]
