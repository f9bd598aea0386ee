"""Slow-ish: a grading process that dies loses no other job (spawned worker processes).

Kept apart with light imports: the spawned workers import this module to find the work function.
"""

import io
import os

import pytest

pytestmark = pytest.mark.slow


def crashing_work(job):
    """A work function whose process dies for the student "crash"."""
    if job["student"] == "crash":
        os._exit(3)
    return {"student": job["student"], "assignment": job["assignment"]}


def test_a_dying_worker_process_loses_no_other_job():
    from autograder.grade import _run_local
    from autograder.progress import Progress

    jobs = [{"student": s, "assignment": "a"} for s in ("s1", "crash", "s2", "s3")]
    out = io.StringIO()
    results = list(_run_local(jobs, (), 2, Progress(len(jobs), stream=out), work=crashing_work))
    by_student = {r["student"]: r for r in results}
    assert sorted(by_student) == sorted(j["student"] for j in jobs) and len(results) == len(jobs)
    assert "BrokenProcessPool" in by_student["crash"]["error"]
    assert all("error" not in r for s, r in by_student.items() if s != "crash")
    assert "4/4" in out.getvalue()
