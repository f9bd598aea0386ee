"""The hostile corpus (tests/hostile/corpus.py) graded in ONE run of ``python -m autograder grade``
(--workers 2, --timeout 20): no cheat earns a point, no fault stops the class, every broken file
gets its reason, submissions stay byte-identical, nothing outside the scratch directory is read
or written, no process outlives the run."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile.corpus import BIG_CASE, CASES, MARKER, build  # noqa: E402

from autograder.launch import isolation_available  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# the grade run (900 s) and the three nbgrader runs (200 s each) fail with their own message first
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
# seconds per cell: generous for an honest cell on a busy machine (the setup cell and replays get
# the grader's setup_timeout); the hang cases (600 s sleeps, endless loops) cost one limit each
CELL_TIMEOUT = 20
ISOLATED = isolation_available()
NEEDS_ISOLATION = ("iso_", "leak_")  # hold only where kernels run confined (root + namespaces)


def sha256_tree(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file() and not p.is_symlink()}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def grade(submissions, results, workers=2, timeout=CELL_TIMEOUT):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions),
                           "--out", str(results), "--workers", str(workers), "--timeout",
                           str(timeout), "--units", "unit1"],
                          capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)


def cases():
    """The corpus; without confinement a root kernel ignores the process limit, so the fork bomb
    is left out there (it would take the machine down), and so are the isolation attacks (they
    would write into the home folder and into other hostile-corpus runs on the machine)."""
    if ISOLATED:
        return CASES
    left_out = ("fault_fork_bomb",) if os.getuid() == 0 else ()
    return [c for c in CASES if c.name not in left_out and not c.name.startswith(NEEDS_ISOLATION)]


def build_corpus(base, run):
    subs = base / "submissions"
    build(subs, cases(), run)
    big = subs / BIG_CASE.name / "unit1_en"
    big.mkdir(parents=True)
    with open(big / "1_relu_chain_rule.ipynb", "wb") as f:  # 100 MB, made here, not committed
        f.write(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "')
        f.write(b"x" * 100_000_000 + b'"}')
    (subs / "bad_symlink" / "unit1_en").mkdir(parents=True)
    (subs / "bad_symlink" / "unit1_en" / "1_relu_chain_rule.ipynb").symlink_to(
        subs / "ok_reference" / "unit1_en" / "1_relu_chain_rule.ipynb")
    return subs


def check_case(case, grades, rejected, feedback):
    """The problems of one case (empty: as expected)."""
    reasons = rejected.get(case.name, [])
    if case.score is None:
        problems = [f"graded: {grades[case.name]}"] if case.name in grades else []
        if not any(case.rejected in r for r in reasons):
            problems.append(f"reasons {reasons} lack {case.rejected!r}")
        return problems
    if case.name not in grades:
        return [f"not graded: {reasons}"]
    problems = []
    if case.rejected and not any(case.rejected in r for r in reasons):
        problems.append(f"reasons {reasons} lack {case.rejected!r}")
    if not case.rejected and reasons:
        problems.append(f"unexpected reasons {reasons}")
    score, (lo, hi) = float(grades[case.name]["score"]), case.score
    if not lo <= score <= hi:
        problems.append(f"score {score} not in [{lo}, {hi}]")
    if float(grades[case.name]["max_score"]) != 13.0:  # 11 autograded + 2 manual points
        problems.append(f"max_score {grades[case.name]['max_score']}")
    problems += [f"{part!r} not in the feedback" for part in case.feedback
                 if part not in feedback(case)]
    problems += [f"{part!r} in the feedback" for part in case.not_in_feedback
                 if part in feedback(case)]
    return problems


def test_hostile_corpus(tmp_path_factory):
    """One grade run over the whole corpus; every expectation is checked, every problem listed."""
    base = tmp_path_factory.mktemp("hostile-corpus")
    run_id = f"hostile-corpus-{uuid.uuid4().hex}"  # in the command line of the run's processes
    subs, results = build_corpus(base, run_id), base / "results"
    before = sha256_tree(subs)
    run = grade(subs, results)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "graded" in run.stderr and "rejected" in run.stderr
    grades = {r["student"]: r for r in read_csv(results / "grades.csv")}
    rejected = {}
    for r in read_csv(results / "rejected.csv"):
        rejected.setdefault(r["student"], []).append(r["reason"])

    def feedback(case):
        path = results / "feedback" / case.name / f"unit1_{case.lang}"
        return "".join(p.read_text() for p in path.glob("*.html"))

    problems = {c.name: check_case(c, grades, rejected, feedback) for c in cases() + [BIG_CASE]}
    if not any("not a regular file" in r for r in rejected.get("bad_symlink", [])):
        problems["bad_symlink"] = [f"not rejected as a symlink: {rejected.get('bad_symlink')}"]
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}: {'; '.join(v)}" for k, v in problems.items())
    for name in ("grades.csv", "rejected.csv", "review.csv"):  # no field runs as a formula
        with open(results / name, newline="", encoding="utf-8") as f:
            fields = [v for row in csv.reader(f) for v in row]
        assert not [v for v in fields if v[:1] in ("=", "+", "-", "@", "\t", "\r")], name

    # submissions are byte-identical after grading
    assert sha256_tree(subs) == before
    if ISOLATED:
        # nothing written outside the scratch directory
        hits = list(base.rglob(f"*{MARKER}*"))
        mine = f"{MARKER}-{run_id}"  # not a file another run left
        hits += [p for p in (ROOT / mine, Path.home() / mine, Path("/tmp") / mine) if p.exists()]
        assert not hits, hits
        assert MARKER.encode() not in (results / "gradebook.db").read_bytes()
        # no process outlives the run: the detached process of fault_background and every
        # kernel launcher are gone (a kernel's PID namespace takes every process it started);
        # only this run's (other runs on the machine may be grading right now)
        out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        left = [line for line in out.splitlines() if run_id in line
                or "autograder.launch" in line and str(base) in line]
        assert not left, left
    nbgrader_autograde_agrees(results, subs, grades)


NBGRADER_CASES = ("cheat_patch_find", "cheat_nnkit_indirect", "fault_os_exit")


def nbgrader_autograde_agrees(results, subs, grades):
    """An instructor running ``nbgrader autograde`` in the course directory gets the hardened
    execution and the trusted verdicts too (the course's nbgrader_config.py)."""
    from nbgrader.api import Gradebook

    course = results / "course"
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    for name in NBGRADER_CASES:
        target = course / "submitted" / name / "unit1_en"
        target.mkdir(parents=True, exist_ok=True)
        source = subs / name / "unit1_en" / "1_relu_chain_rule.ipynb"
        (target / source.name).write_bytes(source.read_bytes())
        run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "unit1_en",
                              "--force", f"--student={name}"], cwd=course, env=env,
                             capture_output=True, text=True, timeout=200)
        assert run.returncode == 0, run.stderr[-3000:]
    with Gradebook(f"sqlite:///{results / 'gradebook.db'}") as gb:
        for name in NBGRADER_CASES:
            got = gb.find_submission("unit1_en", name).score
            assert got == float(grades[name]["score"]), name
