"""Slow-ish: grading processes that die or are killed at any moment lose no job, drop no grade
and never leave the grader waiting (``_run_local`` with spawned worker processes).

Each scenario runs in a child Python (this module imported there) with a generous deadline: a
grader that has not finished by then is "stuck" (the test fails and kills what is left of it),
a grader that raises has "crashed". The kills land where a process pool can hang: while the
jobs are handed out, while a worker waits for its next job, while it sends its result, after
the last result (the pool shutting down), repeatedly, with the CPU busy. Kept apart with light
imports: the spawned workers import this module to find the work function.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
HERE = Path(__file__).resolve().parent
DEADLINE = 300  # seconds for one scenario; far above what a busy machine needs
DIED = "the grading process died twice"
WARMED = False  # in a worker: warm() ran


def warm():
    """The warm-up of a worker started early (``_start``)."""
    global WARMED
    WARMED = True


def work(job):
    """The work function: ``job["do"]`` says what happens besides returning a result:
    ``exit`` (the process dies), ``die_sending`` (it is killed while it sends a 64 MB result),
    ``sleep`` (for ``job["seconds"]``), ``edition`` (it writes the kernels' student edition, as
    its first notebook would). The result says which process ran it, and if it had warmed up."""
    do = job.get("do")
    if do == "exit":
        os._exit(3)
    if do == "sleep":
        time.sleep(job["seconds"])
    result = {"student": job["student"], "assignment": job["assignment"], "pid": os.getpid(),
              "warmed": WARMED}
    if do == "edition":
        from autograder.execute import kernel_edition

        result["edition"] = kernel_edition("unit1", 0)
    if do == "die_sending":
        threading.Timer(0.002, os.kill, (os.getpid(), signal.SIGKILL)).start()
        result["feedback"] = "x" * 64_000_000
    return result


# ---- in the child Python
def pool_workers():
    """This process's grading workers (spawned children)."""
    found = []
    for p in psutil.Process().children():
        try:
            if "spawn_main" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:
            pass
    return found


def kill_one(processes, rnd=random):
    if processes:
        try:
            rnd.choice(processes).kill()
        except psutil.Error:
            pass


def grade(jobs, after_result=None, **kw):
    """[result] of ``_run_local`` with 2 workers (``kw``: more of its arguments);
    ``after_result(results)`` runs after each."""
    from autograder.grade import _run_local
    from autograder.progress import Progress

    results = []
    for result in _run_local(jobs, (), 2, Progress(len(jobs), stream=io.StringIO()), work=work,
                             **kw):
        result.pop("feedback", None)
        results.append(result)
        if after_result:
            after_result(results)
    return results


def grade_while(jobs, kill):
    """``grade(jobs)`` while ``kill(done)`` runs in a thread (``done``: an Event set when
    grading has ended)."""
    done = threading.Event()
    killer = threading.Thread(target=kill, args=(done,))
    killer.start()
    try:
        return grade(jobs)
    finally:
        done.set()
        killer.join()


def handed_out():
    """The first worker is killed as soon as it exists: while the jobs are handed out."""
    def kill_first(done):
        while not done.is_set() and not pool_workers():
            time.sleep(0.0005)
        kill_one(pool_workers())

    return grade_while([{"student": f"s{i}", "assignment": "a"} for i in range(2000)], kill_first)


def dies_sending():
    """A worker is killed while it sends its (large) result, twice: the job fails."""
    return grade([{"student": "big", "assignment": "a", "do": "die_sending"},
                  *({"student": f"s{i}", "assignment": "a"} for i in range(3))])


def after_last_result():
    """A worker waiting for its next job is killed as the last result arrives."""
    jobs = [{"student": f"s{i}", "assignment": "a", "do": "sleep", "seconds": 0.05 * (i % 3)}
            for i in range(6)]
    return grade(jobs, lambda results: len(results) == len(jobs) and kill_one(pool_workers()))


def random_kills(seed):
    """Jobs of up to 0.4 s, up to four kills at random moments, two busy CPU hogs."""
    rnd = random.Random(seed)
    jobs = [{"student": f"s{i}", "assignment": "a", "do": "sleep",
             "seconds": rnd.uniform(0, 0.4)} for i in range(10)]

    def kill_at_random(done):
        for _ in range(rnd.randint(1, 4)):
            if done.wait(rnd.choice([0, 0.001, 0.01, 0.1, 0.5, 1.0]) * rnd.random()):
                return
            kill_one(pool_workers(), rnd)

    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        return grade_while(jobs, kill_at_random)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def started_first():
    """Three workers started (and warmed up) before the jobs are known, two of them used."""
    from autograder.grade import _start

    started = _start(3, work=work, warm=warm)
    pids = [w.process.pid for w in started]
    jobs = [{"student": f"s{i}", "assignment": "a"} for i in range(6)]
    return {"started": pids, "results": grade(jobs, started=started),
            "alive": [pid for pid in pids if psutil.pid_exists(pid)
                      and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]}


def longest_first():
    """60 short jobs (0.05 s) between long ones (0.4 s): one long first, two last in the list."""
    def job(student, group, seconds):
        return {"student": student, "assignment": group, "do": "sleep", "seconds": seconds}

    jobs = [job("long0", "long", 0.4), *(job(f"s{i}", "short", 0.05) for i in range(60)),
            job("long1", "long", 0.4), job("long2", "long", 0.4)]
    return grade(jobs, group=lambda job: job["assignment"])


def editions():
    """Two grading processes each write the kernels' student edition; the run (Run) ends."""
    from autograder.reap import Run

    with Run():
        results = grade([{"student": f"s{i}", "assignment": "a", "do": "edition"}
                         for i in range(2)])
    return [r["edition"] for r in results]


def main(scenario, *args):
    print(json.dumps(globals()[scenario](*args)))


# ---- in the test
def run(scenario, *args):
    """[result] of ``scenario(*args)`` run in a child Python; fails if it is stuck or crashes."""
    code = f"import test_autograder_pool as t; t.main({scenario!r}, *{args!r})"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(HERE.parent)]))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=HERE, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        for p in [*psutil.Process(proc.pid).children(recursive=True), proc]:
            p.kill()
        proc.communicate()
        pytest.fail(f"stuck: {scenario}{args} did not end within {DEADLINE} s")
    assert proc.returncode == 0, f"crashed: {scenario}{args}\n{err[-3000:]}"
    return json.loads(out.splitlines()[-1])


def by_student(results, students):
    """{student: result}: every job exactly once."""
    assert Counter(r["student"] for r in results) == Counter(students)
    return {r["student"]: r for r in results}


def test_a_dying_worker_process_loses_no_other_job():
    from autograder.grade import _run_local
    from autograder.progress import Progress

    students = ("s1", "crash", "s2", "s3")
    jobs = [{"student": s, "assignment": "a", "do": "exit" if s == "crash" else None}
            for s in students]
    out = io.StringIO()
    found = by_student(list(_run_local(jobs, (), 2, Progress(len(jobs), stream=out),
                                       work=work)), students)
    assert DIED in found["crash"]["error"] and "exit code 3" in found["crash"]["error"]
    assert all("error" not in r for s, r in found.items() if s != "crash")
    assert "4/4" in out.getvalue()


def test_worker_killed_while_the_jobs_are_handed_out():
    for _ in range(3):  # the kill lands at a different moment each time
        found = by_student(run("handed_out"), [f"s{i}" for i in range(2000)])
        assert not [s for s, r in found.items() if r.get("error")]  # it died once: run again


def test_worker_killed_while_it_sends_its_result():
    found = by_student(run("dies_sending"), ["big", "s0", "s1", "s2"])
    assert DIED in found["big"]["error"]
    assert all("error" not in found[s] for s in ("s0", "s1", "s2"))


def test_waiting_worker_killed_as_the_last_result_arrives():
    for _ in range(3):
        found = by_student(run("after_last_result"), [f"s{i}" for i in range(6)])
        assert not [s for s, r in found.items() if r.get("error")]


def test_workers_started_before_the_jobs_warm_up_grade_them_and_end():
    found = run("started_first")
    results = by_student(found["results"], [f"s{i}" for i in range(6)])
    assert {r["pid"] for r in results.values()} <= set(found["started"])
    assert all(r["warmed"] for r in results.values())
    assert found["alive"] == []  # the third (not needed) as well as the two that graded


def test_the_kernels_student_edition_is_removed_when_the_run_ends():
    """The grader kills its grading processes when they are done, so their own clean-up (atexit)
    never runs: the run removes the folders they wrote (each left 1 MB in /tmp before)."""
    written = run("editions")
    assert len(written) == 2 and all(written)
    assert [e for e in written if Path(e).parent.exists()] == []


def test_longest_jobs_first_once_their_time_is_known():
    """The long jobs last in the list run as soon as the first long one has shown its time,
    not at the end (where one worker would run them while the other has nothing to do)."""
    order = [r["student"] for r in run("longest_first")]
    assert max(order.index("long1"), order.index("long2")) < len(order) - 20


def test_longest_expected_first():
    from autograder.grade import _Longest

    todo = _Longest(["u1", "u2", "u1", "u2", "u3", "u1"])
    assert [todo.pop(), todo.pop()] == [0, 1]  # units not seen yet first, in the list's order
    todo.took(0, 1.0)  # u1: 1 s; u2 still running: expected the mean of all, 1 s
    assert todo.pop() == 4  # u3 not seen yet
    todo.took(1, 3.0)
    todo.took(4, 2.0)
    assert todo.pop() == 3  # u2 (3 s) before u1 (1 s)
    todo.put(4)  # its worker died
    assert [todo.pop(), todo.pop(), todo.pop()] == [4, 2, 5]
    assert not todo


def test_grade_starts_the_grading_processes_before_it_prepares_the_course(tmp_path,
                                                                         monkeypatch):
    """... and ends them when the preparation fails."""
    from autograder import course as course_mod
    from autograder.grade import grade

    for student in ("s1", "s2", "s3"):
        (tmp_path / "in" / student / "unit1_de").mkdir(parents=True)
    seen = []

    def prepare(*args, **kw):
        seen.extend(pool_workers())
        raise RuntimeError("no course")

    monkeypatch.setattr(course_mod, "prepare", prepare)
    with pytest.raises(RuntimeError, match="no course"):
        grade(tmp_path / "in", tmp_path / "out", workers=2, units=["unit1"], log=lambda m: None)
    assert len(seen) == 2
    assert not [p for p in seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("seed", range(4))
def test_workers_killed_at_random_moments_with_the_cpu_busy(seed):
    found = by_student(run("random_kills", seed), [f"s{i}" for i in range(10)])
    assert all(DIED in r["error"] for r in found.values() if r.get("error"))
