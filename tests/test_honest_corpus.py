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

from honest.corpus import CASES, FULL, build, notebook  # noqa: E402

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
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # grading 70 notebooks on a busy 2-core machine took over 300 s
def test_honest_corpus_earns_every_point(tmp_path_factory):
    base = tmp_path_factory.mktemp("honest-corpus")
    subs, results = base / "submissions", base / "results"
    build(subs, CASES)
    run = grade(subs, results, sorted({c.unit for c in CASES}))
    assert run.returncode == 0, run.stderr[-3000:]
    grades = {(r["student"], r["assignment"]): r for r in read_csv(results / "grades.csv")}
    rejected = {r["student"]: r["reason"] for r in read_csv(results / "rejected.csv")}
    problems = {}
    for case in CASES:
        key = (case.name, f"{case.unit}_{case.lang}")
        if case.name in rejected:
            problems[case.name] = f"rejected: {rejected[case.name]}"
            continue
        if key not in grades:
            problems[case.name] = "not graded"
            continue
        score = float(grades[key]["score"])
        folder = results / "feedback" / case.name / key[1]
        text = "".join(p.read_text() for p in folder.glob("*.html"))
        accused = [a for a in ACCUSATIONS if a in text]
        if score != FULL[case.unit] or accused:
            problems[case.name] = f"score {score} of {FULL[case.unit]}, accused: {accused}"
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
