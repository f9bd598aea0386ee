"""The hostile corpus (tests/hostile/corpus.py) graded in ONE run of ``python -m autograder grade``
(--workers 2, --timeout 5): no cheat earns a point, no fault stops the class, every broken file
gets its reason, submissions stay byte-identical, nothing outside the scratch directory is read
or written, no process outlives the run."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile.corpus import BIG_CASE, CASES, MARKER, build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def sha256_tree(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file() and not p.is_symlink()}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def grade(submissions, results, workers=2, timeout=5):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions),
                           "--out", str(results), "--workers", str(workers), "--timeout",
                           str(timeout), "--units", "unit1"],
                          capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-corpus")
    subs, results = base / "submissions", base / "results"
    build(subs)
    big = subs / BIG_CASE.name / "unit1_en"
    big.mkdir(parents=True)
    with open(big / "1_relu_chain_rule.ipynb", "wb") as f:  # 100 MB, made here, not committed
        f.write(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "')
        f.write(b"x" * 100_000_000 + b'"}')
    (subs / "bad_symlink" / "unit1_en").mkdir(parents=True)
    (subs / "bad_symlink" / "unit1_en" / "1_relu_chain_rule.ipynb").symlink_to(
        subs / "ok_reference" / "unit1_en" / "1_relu_chain_rule.ipynb")
    before = sha256_tree(subs)
    run = grade(subs, results)
    grades = {r["student"]: r for r in read_csv(results / "grades.csv")}
    rejected = {}
    for r in read_csv(results / "rejected.csv"):
        rejected.setdefault(r["student"], []).append(r["reason"])
    return {"base": base, "subs": subs, "results": results, "run": run, "before": before,
            "grades": grades, "rejected": rejected}


def test_the_run_finishes(corpus):
    run = corpus["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "graded" in run.stderr and "rejected" in run.stderr


def feedback_text(corpus, case):
    path = corpus["results"] / "feedback" / case.name / f"unit1_{case.lang}"
    return "".join(p.read_text() for p in path.glob("*.html"))


@pytest.mark.parametrize("case", CASES + [BIG_CASE], ids=lambda c: c.name)
def test_case(corpus, case):
    grades, rejected = corpus["grades"], corpus["rejected"]
    if case.score is None:
        assert case.name not in grades, f"{case.name} graded: {grades.get(case.name)}"
        reasons = rejected.get(case.name, [])
        assert any(case.rejected in r for r in reasons), reasons
        return
    reasons = rejected.get(case.name, [])
    assert case.name in grades, f"{case.name} not graded: {reasons}"
    if case.rejected:  # a rejected extra file next to a graded notebook
        assert any(case.rejected in r for r in reasons), reasons
    else:
        assert not reasons, reasons
    score = float(grades[case.name]["score"])
    lo, hi = case.score
    assert lo <= score <= hi, f"{case.name}: {score} not in [{lo}, {hi}]"
    assert float(grades[case.name]["max_score"]) == 13.0  # 11 autograded + 2 manual points
    text = feedback_text(corpus, case)
    for part in case.feedback:
        assert part in text, f"{part!r} not in the feedback of {case.name}"
    assert MARKER not in text or case.name == "iso_write"


def test_symlinked_submission_rejected(corpus):
    assert any("not a regular file" in r for r in corpus["rejected"].get("bad_symlink", []))


def test_submissions_byte_identical(corpus):
    assert sha256_tree(corpus["subs"]) == corpus["before"]


def test_nothing_written_outside_scratch(corpus):
    hits = [p for p in corpus["base"].rglob(f"*{MARKER}*")]
    hits += [p for p in (ROOT / MARKER, Path.home() / MARKER, Path("/tmp") / MARKER)
             if p.exists()]
    db = corpus["results"] / "gradebook.db"
    assert MARKER.encode() not in db.read_bytes()
    assert not hits, hits


def test_no_process_outlives_the_run(corpus):
    """The detached process of fault_background and every kernel launcher of this run are gone
    (a kernel dies with its launcher; its PID namespace takes every process it started)."""
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    left = [line for line in out.splitlines() if "time.sleep(600)" in line
            or "autograder.launch" in line and str(corpus["base"]) in line]
    assert not left, left


NBGRADER_CASES = ("cheat_patch_find", "cheat_nnkit_indirect", "fault_os_exit")


def test_nbgrader_autograde_in_the_course_gives_the_same_verdicts(corpus):
    """An instructor running ``nbgrader autograde`` in the course directory gets the hardened
    execution and the trusted verdicts too (the course's nbgrader_config.py)."""
    from nbgrader.api import Gradebook

    course = corpus["results"] / "course"
    for name in NBGRADER_CASES:
        target = course / "submitted" / name / "unit1_en"
        target.mkdir(parents=True, exist_ok=True)
        source = corpus["subs"] / name / "unit1_en" / "1_relu_chain_rule.ipynb"
        (target / source.name).write_bytes(source.read_bytes())
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    for name in NBGRADER_CASES:
        run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "unit1_en",
                              "--force", f"--student={name}"], cwd=course, env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
    with Gradebook(f"sqlite:///{corpus['results'] / 'gradebook.db'}") as gb:
        for name in NBGRADER_CASES:
            got = gb.find_submission("unit1_en", name).score
            assert got == float(corpus["grades"][name]["score"]), name
