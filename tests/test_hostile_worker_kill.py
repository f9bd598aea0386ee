"""Processes of a grading run killed in the middle of it (the OOM killer, an admin, a crash), and
the grader itself interrupted: the run always ends (exit 0; 128 + the signal when the grader was
interrupted), every submission is graded or listed in rejected.csv as failed, the gradebook holds
exactly the graded submissions, no process of the run is left alive, and a re-run completes the
class (the finished submissions come from the cache).

Kills per run of this file: a pool worker while it starts, while its kernel starts, in the
middle of a cell and after its kernel ended; a kernel launcher; a kernel; a Dask worker; then
SIGTERM and SIGINT to the grader itself. Every wait is on a condition with a generous deadline (a
busy machine makes it slower, never wrong).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from autograder.reap import editions

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile.corpus import CASES, FULL, build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]
TIMEOUT = 20  # seconds per cell: the sleeping case costs one of these
DEADLINE = 600  # for any one condition or grading run; far above what a busy machine needs
BY_NAME = {c.name: c for c in CASES}
EXPECTED = {"ok_reference": FULL, "ok_reference_de": FULL, "ok_blank": 0,
            "fault_sleep": FULL - 1}
DIED = ("The kernel died in this cell", "Der Kernel ist in dieser Zelle abgestürzt")


def cases(*names):
    """Corpus cases by name; ``name:copy`` is another student with the same notebook."""
    out = []
    for name in names:
        base, _, copy = name.partition(":")
        out.append(dataclasses.replace(BY_NAME[base], name=name.replace(":", "_")))
    return out


def expected(student):
    return EXPECTED[student.rsplit("_copy", 1)[0]]


def command(subs, results, *where):
    """The grade command; ``where`` the workers (default: a pool of 2)."""
    return [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(results),
            *(where or ("--workers", "2")), "--timeout", str(TIMEOUT), "--units", "unit1"]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def wait_for(condition, what, deadline=DEADLINE, every=0.05):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            found = condition()
        except psutil.Error:  # a process ended while we looked at it
            found = None
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"not within {deadline} s: {what}")


class Watch(threading.Thread):
    """Every process of the grading run (the grader's descendants), seen while it runs."""

    def __init__(self, proc):
        super().__init__(daemon=True)
        self.grader = psutil.Process(proc.pid)
        self.seen = {}
        self.done = threading.Event()
        self.start()

    def run(self):
        while not self.done.is_set():
            try:
                for p in self.grader.children(recursive=True):
                    self.seen.setdefault((p.pid, p.create_time()), p)
            except psutil.Error:
                if not self.grader.is_running():
                    return
            time.sleep(0.02)

    def tree(self):
        """[(process, its command line)] of the run now."""
        out = []
        try:
            children = self.grader.children(recursive=True)
        except psutil.Error:
            return out
        for p in children:
            try:
                out.append((p, " ".join(p.cmdline())))
            except psutil.Error:  # ended, or a zombie not reaped yet (a killed worker)
                pass
        return out

    def alive(self):
        out = []
        for p in self.seen.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    out.append(p)
            except psutil.Error:
                pass
        return out


def workers(watch):
    """Pool workers: the grader's own children started by multiprocessing's spawn."""
    return [p for p, cmd in watch.tree()
            if "multiprocessing.spawn" in cmd and p.ppid() == watch.grader.pid]


def kernels(watch):
    return [p for p, cmd in watch.tree() if "ipykernel" in cmd]


def launchers(watch):
    """Launchers (not their kernel child, which carries the launcher's command line until its
    exec): the parent is a pool worker."""
    pool = {w.pid for w in workers(watch)}
    return [p for p, cmd in watch.tree() if "autograder.launch" in cmd and p.ppid() in pool]


def worker_of(process):
    for parent in process.parents():
        if "multiprocessing.spawn" in " ".join(parent.cmdline()):
            return parent
    return None


# ---- the moments of a kill; each returns a description of what it killed
def kill_worker_starting(watch, killed):
    w = wait_for(lambda: [p for p in workers(watch) if p.pid not in killed
                          and not p.children(recursive=True)], "a starting pool worker",
                 every=0.01)[0]
    w.kill()
    return w.pid, "pool worker while starting"


def kill_worker_kernel_starting(watch, killed):
    launcher = wait_for(lambda: [p for p in launchers(watch) if p.ppid() not in killed],
                        "a kernel launcher", every=0.01)[0]
    w = psutil.Process(launcher.ppid())
    w.kill()
    return w.pid, "pool worker while its kernel starts"


def kill_worker_mid_cell(watch, killed):
    kernel = wait_for(lambda: [k for k in kernels(watch) if time.time() - k.create_time() > 3
                               and worker_of(k) and worker_of(k).pid not in killed],
                      "a kernel running for 3 s")[0]
    w = worker_of(kernel)
    w.kill()
    return w.pid, "pool worker in the middle of a cell"


def kill_worker_after_its_kernel(watch, killed):
    """A pool worker whose kernel has ended: it writes its scratch gradebook and the feedback
    (or waits for the next job)."""
    had_kernel = set()

    def ready():
        running = {p.ppid() for p in launchers(watch)}
        had_kernel.update(running)
        return [w for w in workers(watch)
                if w.pid in had_kernel - running and w.pid not in killed]

    w = wait_for(ready, "a pool worker after its kernel ended", every=0.01)[0]
    w.kill()
    return w.pid, "pool worker after its kernel ended (writing the gradebook)"


def kill_launcher(watch, killed):
    launcher = wait_for(lambda: [p for p in launchers(watch) if p.children()
                                 and time.time() - p.create_time() > 2],
                        "a launcher with a running kernel")[0]
    launcher.kill()
    return launcher.pid, "kernel launcher"


def kill_kernel(watch, killed):
    kernel = wait_for(lambda: [k for k in kernels(watch) if k.pid not in killed
                               and time.time() - k.create_time() > 2], "a running kernel")[0]
    kernel.kill()
    return kernel.pid, "kernel"


def start_grading(tmp_path, students):
    """(grade process, its Watch, submissions, results) for a class of corpus cases."""
    subs, results = tmp_path / "submissions", tmp_path / "results"
    build(subs, cases(*students))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(command(subs, results), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, Watch(proc), subs, results


def grade_with_kills(tmp_path, students, kills):
    proc, watch, subs, results = start_grading(tmp_path, students)
    done = {}
    try:
        for kill in kills:
            pid, what = kill(watch, done)
            done[pid] = what
        _, err = proc.communicate(timeout=DEADLINE)
    finally:
        watch.done.set()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc, err, watch, done, subs, results


def assert_nothing_left(watch):
    """No process of the run is alive a few seconds after it ended."""
    try:
        wait_for(lambda: not watch.alive(), "every process of the run has ended", deadline=60)
    except AssertionError:
        left = [" ".join(p.cmdline())[:200] for p in watch.alive()]
        for p in watch.alive():
            p.kill()
        raise AssertionError(f"left running: {left}") from None


def assert_consistent(results, students):
    """Every student graded or failed; the gradebook holds exactly the graded ones."""
    from nbgrader.api import Gradebook

    graded = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
    failed = {r["student"] for r in read_csv(results / "rejected.csv")
              if r["reason"].startswith("grading failed")}
    assert set(graded) | failed == set(students) and not set(graded) & failed
    with Gradebook(f"sqlite:///{results / 'gradebook.db'}") as gb:
        for student in students:
            lang = "de" if "_de" in student else "en"
            rows = [s for s in gb.assignment_submissions(f"unit1_{lang}")
                    if s.student_id == student]
            if student in graded:
                assert len(rows) == 1 and rows[0].score == graded[student]
            else:
                assert not rows
    return graded, failed


def assert_consistent_for(results, graded):
    """The gradebook holds exactly the submissions of ``graded`` (student -> score)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{results / 'gradebook.db'}") as gb:
        held = {s.student_id: s.score for lang in ("de", "en")
                for s in gb.assignment_submissions(f"unit1_{lang}")}
    assert held == graded, (held, graded)


def rerun(subs, results, students, cached):
    """Grade again: ``cached`` submissions come from the cache, every one is graded."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    again = subprocess.run(command(subs, results), cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=DEADLINE)
    assert again.returncode == 0, again.stderr[-2000:]
    assert not read_csv(results / "rejected.csv")
    assert f"{cached} unchanged (cache)" in again.stderr
    scores = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
    assert set(scores) == set(students)
    return scores


def test_killed_pool_workers_then_rerun(tmp_path):
    # Two sleeping notebooks: the mid-cell kill needs a kernel that runs for 3 s, and on a quiet
    # machine only a sleeping cell does. The first two kills may take one sleeper's job twice
    # (a job that died twice is failed, not run again); the other sleeper is then still to come.
    students = ["ok_reference", "ok_reference_de", "ok_blank", "fault_sleep", "fault_sleep:copy",
                "ok_reference:copy", "ok_blank:copy"]
    kills = [kill_worker_starting, kill_worker_kernel_starting, kill_worker_mid_cell,
             kill_worker_after_its_kernel]
    proc, err, watch, done, subs, results = grade_with_kills(tmp_path, students, kills)
    assert len(done) == 4, done
    assert proc.returncode == 0, err[-2000:]
    assert_nothing_left(watch)
    names = [s.replace(":", "_") for s in students]
    graded, _ = assert_consistent(results, names)
    for student, score in graded.items():  # a job of a dead worker runs again from the start
        assert score == expected(student), student
    scores = rerun(subs, results, names, len(graded))
    assert scores == {s: expected(s) for s in names}


def test_killed_launcher_and_kernel_then_rerun(tmp_path):
    """A kernel that dies is restarted (the cell it died in gets an error; the instructor sees it
    in the feedback): a submission loses points only where its feedback says why."""
    students = ["fault_sleep", "fault_sleep:copy", "ok_reference", "ok_blank"]
    proc, err, watch, done, subs, results = grade_with_kills(
        tmp_path, students, [kill_launcher, kill_kernel])
    assert len(done) == 2, done
    assert proc.returncode == 0, err[-2000:]
    assert_nothing_left(watch)
    names = [s.replace(":", "_") for s in students]
    graded, _ = assert_consistent(results, names)
    for student, score in graded.items():
        if score != expected(student):
            feedback = next((results / "feedback" / student).rglob("*.html")).read_text()
            assert score < expected(student) and any(d in feedback for d in DIED), student
    rerun(subs, results, names, len(graded))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_grader_stops_cleanly_and_rerun_completes(tmp_path, sig):
    students = ["ok_reference", "ok_blank", "fault_sleep", "ok_reference_de"]
    proc, watch, subs, results = start_grading(tmp_path, students)
    try:  # one submission graded (the sleeping one takes a cell limit), one still running
        wait_for(lambda: list((results / ".cache").rglob("*.json")) and [
            k for k in kernels(watch) if time.time() - k.create_time() > 2],
                 "a graded submission and a running kernel")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)  # the bound only catches a hang
    finally:
        watch.done.set()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + sig, err[-2000:]
    assert f"interrupted by {signal.Signals(sig).name}" in err
    assert "Run the same command again" in err
    assert_nothing_left(watch)
    assert editions(proc.pid) == []  # the kernels' student editions of its grading processes
    cached = len(list((results / ".cache").rglob("*.json")))  # graded before the interrupt
    # what was graded is written (main wrote nothing); the ones still running are named
    graded = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
    assert len(graded) == cached >= 1 and all(graded[s] == expected(s) for s in graded), graded
    still = err.split("still grading: ", 1)[1].split(";", 1)[0]
    assert any(f"{s}/unit1_" in still for s in set(students) - set(graded)), err[-2000:]
    for student in graded:
        assert list((results / "feedback" / student).rglob("*.html")), student
    assert_consistent_for(results, graded)
    scores = rerun(subs, results, students, cached)
    assert scores == {s: expected(s) for s in students}


def test_grader_killed_by_sigkill_leaves_nothing_running(tmp_path):
    """SIGKILL gives the grader no time to clean up (a pytest timeout killing ``grade``, the
    OOM killer): its pool workers, launchers and kernels must end with it all the same."""
    students = ["ok_reference", "fault_sleep", "ok_blank", "ok_reference_de"]
    proc, watch, subs, results = start_grading(tmp_path, students)
    try:
        wait_for(lambda: [k for k in kernels(watch) if time.time() - k.create_time() > 2],
                 "a running kernel")
        wait_for(lambda: workers(watch), "the pool workers")
        proc.kill()
        proc.communicate(timeout=60)
    finally:
        watch.done.set()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        for folder in editions(proc.pid):  # what a grader killed by SIGKILL cannot remove
            shutil.rmtree(folder)
    assert proc.returncode == -signal.SIGKILL
    assert_nothing_left(watch)


def test_killed_dask_worker(tmp_path):
    """A Dask worker killed while its kernel runs: the scheduler gives the job to another worker,
    the killed worker's kernel ends with it, and the run ends with every submission graded."""
    from distributed import LocalCluster

    students = ["ok_reference", "fault_sleep", "ok_blank"]
    subs, results = tmp_path / "submissions", tmp_path / "results"
    build(subs, cases(*students))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        me = psutil.Process()
        before = {p.pid for p in me.children(recursive=True)}
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        cmd = command(subs, results, "--dask", cluster.scheduler_address)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        seen = {}

        def running_kernel():
            for p in me.children(recursive=True):
                try:
                    if p.pid in before or "ipykernel" not in " ".join(p.cmdline()):
                        continue  # (a launcher's command line names the kernel's too)
                    seen.setdefault(p.pid, p)
                    if time.time() - p.create_time() > 2:
                        return p
                except psutil.Error:
                    pass
            return None

        try:
            kernel = wait_for(running_kernel, "a kernel on a Dask worker")
            dask_worker = next(p for p in kernel.parents() if p.pid in before)
            dask_worker.kill()
            _, err = proc.communicate(timeout=DEADLINE)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 0, err[-2000:]
        graded = {r["student"]: float(r["score"]) for r in read_csv(results / "grades.csv")}
        assert graded == {s: expected(s) for s in students}
        wait_for(lambda: not [p for p in seen.values() if p.is_running()
                              and p.status() != psutil.STATUS_ZOMBIE],
                 "every kernel of the run has ended", deadline=60)
