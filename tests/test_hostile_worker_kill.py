"""A grading worker killed in the middle of a run (the OOM killer, an admin, a crash) while its
kernel runs: the run still ends (exit 0), every submission is graded (the grader retries the
jobs of a dead worker) or recorded as failed (not cached), the gradebook holds exactly the
graded submissions with their scores, no kernel is left behind, and a re-run completes
everything (the finished ones come from the cache)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile.corpus import CASES, FULL, build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
PICK = {"ok_reference": FULL, "ok_blank": 0, "fault_sleep": FULL - 1}


def command(subs, results):
    return [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(results),
            "--workers", "2", "--timeout", "5", "--units", "unit1"]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def kill_a_worker(proc, deadline=240):
    """SIGKILL the pool worker (a child of the grader) whose kernel runs first; returns its pid.
    (Not the parent of any launcher process: right after its fork, the kernel is still named
    autograder.launch and its parent is the launcher.)"""
    end = time.monotonic() + deadline
    while time.monotonic() < end and proc.poll() is None:
        try:
            for worker in psutil.Process(proc.pid).children():
                if any("autograder.launch" in " ".join(c.cmdline())
                       for c in worker.children(recursive=True)):
                    os.kill(worker.pid, signal.SIGKILL)
                    return worker.pid
        except psutil.Error:
            pass
        time.sleep(0.05)
    raise AssertionError("no kernel was started")


def launchers(path):
    """Kernel launchers of this run still alive (each kernel dies with its launcher)."""
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if "autograder.launch" in " ".join(p.info["cmdline"] or [])
            and str(path) in " ".join(p.info["cmdline"] or [])]


def test_killed_worker_then_rerun(tmp_path):
    from nbgrader.api import Gradebook

    subs, results = tmp_path / "submissions", tmp_path / "results"
    build(subs, [c for c in CASES if c.name in PICK])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(command(subs, results), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    kill_a_worker(proc)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    graded = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
    failed = {r["student"] for r in read_csv(results / "rejected.csv")
              if r["reason"].startswith("grading failed")}
    assert set(graded) | failed == set(PICK) and not set(graded) & failed
    for student, score in graded.items():
        assert score == PICK[student]
    url = f"sqlite:///{results / 'gradebook.db'}"
    with Gradebook(url) as gb:  # exactly the graded submissions, with the same scores
        for student in PICK:
            lang = "de" if "de" in student else "en"
            subs_of = [s for s in gb.assignment_submissions(f"unit1_{lang}")
                       if s.student_id == student]
            if student in graded:
                assert len(subs_of) == 1 and subs_of[0].score == graded[student]
            else:
                assert not subs_of
    time.sleep(1)
    assert not launchers(tmp_path), "a kernel of the killed worker is still running"

    rerun = subprocess.run(command(subs, results), cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    again = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
    assert again == PICK
    assert not read_csv(results / "rejected.csv")
    assert f"{len(graded)} unchanged (cache)" in rerun.stderr
    with Gradebook(url) as gb:
        for student, score in PICK.items():
            lang = "de" if "de" in student else "en"
            sub = gb.find_submission(f"unit1_{lang}", student)
            assert sub.score == score
