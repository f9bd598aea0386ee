"""``grade``: a folder of submissions -> gradebook, grades.csv, feedback, report, summary.

1. prepare the course (:mod:`autograder.course`) in RESULTS/course;
2. validate every file (:mod:`autograder.validate`): jobs + rejected with reasons;
3. take unchanged jobs from RESULTS/.cache, grade the others in parallel
   (:mod:`autograder.worker`; spawned grading processes, one job at a time each, the longest
   first, or a Dask cluster; one job per (student, assignment), so nobody is graded twice at
   once); the grading processes start with step 1 and import what they need meanwhile;
4. merge every result into the course gradebook in this process (:mod:`autograder.merge`),
   write feedback, grades.csv, rejected.csv, report.png and run.json; put the submitted and
   autograded notebooks into the course directory (RESULTS/course/{submitted,autograded}) so
   ``nbgrader formgrader`` there can grade the written answers by hand; print the summary.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sys
import time
import warnings
from collections import Counter, deque
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path

from autograder import cache as cache_mod
from autograder import course as course_mod
from autograder import misconceptions
from autograder.launch import confinement, die_with_parent
from autograder.progress import Progress
from autograder.reap import Interrupted, Run
from autograder.timestamps import UNREAD
from autograder.validate import scan
from autograder.worker import grade_job, warm_up


def _run_local(jobs, args, workers, progress, work=grade_job, started=(), group=None):
    """Results of ``work(job, *args)`` for every job, in the order they finish.

    ``workers`` spawned processes (:class:`_Worker`) each grade one job at a time, sent down a
    pipe of their own; ``started``: workers started before (:func:`_start`), used first. A
    worker that dies (killed by an admin or the OOM killer) takes only its own job with it: the
    job runs again in a fresh worker, and is recorded as failed if its worker dies a second time.
    Every wait here ends when a worker dies (its sentinel, EOF on its pipe), so a dead worker can
    never leave the grader waiting; the workers end with the generator (``work`` is a parameter
    for the tests). The longest jobs go first (:class:`_Longest`, by ``group(job)``), so that
    the workers run out of jobs at about the same time."""
    if workers <= 1:
        for worker in started:
            worker.stop()
        for job in jobs:
            yield work(job, *args)
            progress.update()
        return
    ctx = get_context("spawn")
    todo = _Longest([group(job) if group else None for job in jobs])
    died = Counter()  # job index -> how often the worker running it died
    pool, finished = list(started[:workers]), []
    for worker in started[workers:]:
        worker.stop()
    try:
        while todo or finished or any(w.job is not None for w in pool):
            while todo and (len(pool) < workers or any(w.job is None for w in pool)):
                idle = [w for w in pool if w.job is None]
                worker = idle[0] if idle else _Worker(ctx, work)
                if not idle:
                    pool.append(worker)
                worker.give(todo.pop(), jobs, args)  # a dead worker shows in wait() below
            for result in finished:  # after the hand-out: no worker idles while they are merged
                yield result
                progress.update()
            finished = []
            if not any(w.job is not None for w in pool):
                continue
            ready = wait([w.conn for w in pool] + [w.process.sentinel for w in pool])
            for worker in [w for w in pool if w.conn in ready or w.process.sentinel in ready]:
                reply = worker.reply() if worker.conn in ready else None
                i, worker.job = worker.job, None
                if reply is not None:
                    result, error, seconds = reply
                    todo.took(i, seconds)
                    finished.append(result if error is None else _error(jobs[i], error))
                    if worker.process.sentinel not in ready:
                        continue  # else it died after sending its result
                    i = None
                pool.remove(worker)
                worker.stop()
                if i is None:
                    continue
                died[i] += 1
                if died[i] < 2:
                    todo.put(i)
                else:
                    code = worker.process.exitcode
                    finished.append(_error(jobs[i], "the grading process died twice while "
                                           f"grading this submission (exit code {code})"))
    finally:
        for worker in pool:
            worker.stop()


class _Longest:
    """The jobs still to hand out (indices), longest expected first, so that the last jobs of a
    run are short ones and the workers finish close together instead of one grading a long job
    alone at the end. A job is expected to take as long as the mean of the jobs of its group
    (the unit: its notebooks run the same code) graded so far in this run. A group none of whose
    jobs was handed out yet goes first: that is how its time becomes known; one whose first job
    is still running is expected to take the mean of every job graded so far. Equals keep the
    order of the list. Each hand-out looks at the groups, not the jobs (a class of 300 students
    has 1500 jobs and a handful of units)."""

    def __init__(self, groups):
        self.groups = groups
        self.todo = {}  # group -> deque of its jobs still to hand out, in the list's order
        for i, group in enumerate(groups):
            self.todo.setdefault(group, deque()).append(i)
        self.given = set()  # groups with a job handed out
        self.seconds = {}  # group -> [seconds summed, jobs] of its jobs graded so far
        self.all = [0.0, 0]  # the same over every group

    def __bool__(self):
        return any(self.todo.values())

    def _expected(self, group):
        if group not in self.given:
            return float("inf")
        seconds, count = self.seconds.get(group, self.all)
        return seconds / count if count else 0.0

    def pop(self):
        """The index of the job to hand out next."""
        group = max((g for g, jobs in self.todo.items() if jobs),
                    key=lambda g: (self._expected(g), -self.todo[g][0]))  # the first of equals
        self.given.add(group)
        return self.todo[group].popleft()

    def put(self, i):
        """Job ``i`` again (its worker died)."""
        self.todo[self.groups[i]].append(i)

    def took(self, i, seconds):
        """Job ``i`` took ``seconds`` (in its worker)."""
        for total in (self.seconds.setdefault(self.groups[i], [0.0, 0]), self.all):
            total[0] += seconds
            total[1] += 1


def _folders(submissions):
    """How many SUBMISSIONS/<student>/<assignment> folders there are: at most one job each."""
    return sum(path.is_dir() for path in Path(submissions).glob("*/*"))


def _start(count, work=grade_job, warm=warm_up):
    """``count`` grading processes started now, each running ``warm()`` (the imports its jobs
    need) while the grader still prepares the course: for :func:`_run_local` (``started``)."""
    ctx = get_context("spawn")
    return [_Worker(ctx, work, warm) for _ in range(count)]


class _Worker:
    """A spawned grading process and its end of a pipe that no other process holds.

    ``job`` is the index of the job it runs (None: idle). Sending to a dead worker fails with
    EPIPE and reading from it ends with EOF, so no call here waits for a worker that died."""

    def __init__(self, ctx, work, warm=None):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_pool_worker,
                                   args=(theirs, work, os.getpid(), warm), name="grading worker")
        self.process.start()
        theirs.close()
        self.job = None

    def give(self, i, jobs, args):
        self.job = i
        try:
            self.conn.send((jobs[i], args))
        except OSError:  # it died; its sentinel says so
            pass

    def reply(self):
        """(result, None, seconds) or (None, error text, seconds) of its job (``seconds`` it
        took in the worker); None if it died."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):  # died before or while sending
            return None

    def stop(self):
        self.process.kill()
        self.process.join()
        self.conn.close()


def _pool_worker(conn, work, grader, warm=None):
    """In a grading process: ``warm()`` if given, then ``work(job, *args)`` for each
    ``(job, args)`` received on ``conn`` until EOF.

    Ctrl-C in a terminal is for the grader (:mod:`autograder.reap`); the worker (and the
    launchers and kernels below it) ends when the grader ends, even by SIGKILL, which leaves the
    grader no time to clean up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not die_with_parent(grader):
        os._exit(137)
    if warm is not None:
        try:
            warm()
        except Exception:  # then its first job fails the same way, and says why
            pass
    while True:
        try:
            job, args = conn.recv()
        except EOFError:
            return
        start = time.monotonic()
        try:
            result, error = work(job, *args), None
        except Exception as err:
            result, error = None, f"{type(err).__name__}: {err}"
        conn.send((result, error, time.monotonic() - start))


def _run_dask(jobs, args, address, progress):
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = client.map(grade_job, jobs, *[[a] * len(jobs) for a in args], pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in dask_completed(futures):
            yield _outcome(future, jobs[index[future.key]])
            progress.update()


def _outcome(future, job):
    try:
        return future.result()
    except Exception as err:  # the cluster lost the worker, ...
        return _error(job, f"{type(err).__name__}: {err}")


def _error(job, text):
    """The result of a job that failed: ``text`` says why."""
    return {"student": job["student"], "assignment": job["assignment"], "notebooks": {},
            "error": text, "seconds": 0.0}


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def grade(submissions, out, workers=None, timeout=30, db=None, dask=None, units=None,
          log=print):
    """Grade every submission; returns the summary dict (also RESULTS/run.json)."""
    start = time.monotonic()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    with Run():
        # the grading processes start first: their imports overlap the course's preparation
        started = [] if dask or workers <= 1 else _start(min(workers, _folders(submissions)))
        from nbgrader.api import Gradebook  # (1 s) not before the grading processes start

        from autograder.merge import merge
        modules = course_mod.load_modules(units, log=log)
        course = course_mod.prepare(out / "course", db, modules, timeout, hide=[submissions],
                                    log=log)
        jobs, rejected = scan(submissions, course)
        if not dask:
            log(confinement())
        prepared = time.monotonic() - start

        cache = cache_mod.Cache(out / ".cache")
        keys = [cache_mod.job_key(course.key, j.as_dict()) for j in jobs]
        results, todo = {}, []
        for i, key in enumerate(keys):
            hit = cache.get(key)
            if hit is not None:
                results[i] = hit
            else:
                todo.append(i)
        work = out / ".work"
        args = (str(course.root), course.key, str(work))
        local = min(workers, max(1, len(todo)))
        log(f"{len(jobs)} submissions ({sum(len(j.notebooks) for j in jobs)} notebooks), "
            f"{len(rejected)} rejected files, {len(results)} unchanged (cache), {len(todo)} to "
            f"grade with {'dask ' + dask if dask else f'{local} workers'}")
        progress = Progress(len(todo))
        todo_jobs = [jobs[i].as_dict() for i in todo]
        run = (_run_dask(todo_jobs, args, dask, progress) if dask else
               _run_local(todo_jobs, args, local, progress, started=started,
                          group=lambda job: course.assignments[job["assignment"]].unit))
        by_job = {(j.student, j.assignment): i for i, j in enumerate(jobs)}
        executed_seconds = []
        try:
            for result in run:
                i = by_job[(result["student"], result["assignment"])]
                results[i] = result
                executed_seconds.append(result.get("seconds", 0.0))
                if not result.get("error"):
                    cache.put(keys[i], result)
        except Interrupted as stop:  # the run's processes have ended (Run)
            progress.close()
            log(f"interrupted by {stop}: {len(executed_seconds)} of {len(todo)} submissions "
                f"were graded and are kept in {out / '.cache'}; every grading process has ended. "
                "Run the same command again to grade the rest (nothing was written to the "
                "gradebook).")
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    progress.close()

    graded, rows, review, zeroed = [], [], [], {}
    with Gradebook(course.db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy 2 "not in session" noise
        for i in sorted(results):
            result, job = results[i], jobs[i]
            if result.get("error"):
                for name in job.notebooks:
                    rejected.append(_failed(job, name, result["error"]))
                continue
            submitted = course.root / "submitted" / job.student / job.assignment
            merge(gb, result, same_submission=all(
                (submitted / f"{name}.ipynb").is_file()
                and (submitted / f"{name}.ipynb").read_bytes() == data
                for name, data in job.notebooks.items()))
            graded.append(result)
            for name, entry in sorted(result["notebooks"].items()):
                rows.append([job.student, job.assignment, name, entry["score"],
                             entry["max_score"]])
                review += [[job.student, job.assignment, name, f]
                           for f in entry.get("review", [])]
                if entry.get("zeroed"):  # tampering: every exercise 0, the instructor decides
                    zeroed[f"{job.student}/{job.assignment}/{name}"] = entry["zeroed"]
                    review.append([job.student, job.assignment, name,
                                   f"zeroed (tampering): {entry['zeroed']}"])
                _write(out / "feedback" / job.student / job.assignment / f"{name}.html",
                       entry["feedback"].encode())
                # formgrader shows these to grade the written answers by hand
                _write(submitted / f"{name}.ipynb", job.notebooks[name])
                _write(course.root / "autograded" / job.student / job.assignment
                       / f"{name}.ipynb", entry["autograded"].encode())
            if job.timestamp:
                _write(submitted / "timestamp.txt", job.timestamp.encode())
    unread = [[j.student, j.assignment, "timestamp.txt", f"{j.timestamp_note}: {UNREAD}"]
              for j in jobs if j.timestamp_note]
    review += unread
    _write_csv(out / "grades.csv", ["student", "assignment", "notebook", "score", "max_score"],
               rows)
    _write_csv(out / "rejected.csv", ["student", "assignment", "file", "reason"],
               [[r.student, r.assignment, r.file, r.reason] for r in rejected])
    _write_csv(out / "review.csv", ["student", "assignment", "notebook", "finding"], review)
    from autograder.report import write_report

    most = misconceptions.top(write_report(out / "report.png", graded, course))
    elapsed = time.monotonic() - start
    summary = {
        "graded": len(rows), "rejected": len(rejected), "executed": len(executed_seconds),
        "from_cache": len(jobs) - len(todo),
        "reasons": dict(Counter(r.reason.split(" (")[0].split(":")[0] for r in rejected)),
        "seconds": round(elapsed, 2), "prepare_seconds": round(prepared, 2),
        "notebook_seconds": [round(s, 2) for s in executed_seconds],
        "workers": "dask" if dask else local,
        "errors": {f"{r['student']}/{r['assignment']}": r["error"]
                   for r in results.values() if r.get("error")},
        "misconceptions": [list(row) for row in most],
        "review": len({tuple(r[:3]) for r in review}),
        "zeroed": zeroed,
        "timestamps_unread": len(unread),
    }
    (out / "run.json").write_text(json.dumps(summary, indent=1))
    log(summarize(summary, out))
    return summary


def _failed(job, name, error):
    from autograder.validate import Rejected

    first = " ".join(str(error).split())[:300]  # the full text is in RESULTS/run.json
    return Rejected(job.student, job.assignment, f"{name}.ipynb", f"grading failed: {first}")


def summarize(s, out):
    per = (sum(s["notebook_seconds"]) / len(s["notebook_seconds"])) if s["notebook_seconds"] else 0
    lines = [f"graded {s['graded']} notebooks ({s['executed']} executed, {s['from_cache']} "
             f"unchanged from the cache), rejected {s['rejected']} files, in {s['seconds']:.1f} s "
             f"(course {s['prepare_seconds']:.1f} s; {per:.1f} s per executed submission, "
             f"workers: {s['workers']})"]
    for reason, n in sorted(s["reasons"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  rejected: {n} x {reason}")
    for notebook, reason in sorted(s.get("zeroed", {}).items()):
        lines.append(f"  zeroed (every exercise 0, tampering): {notebook}: {reason}")
    if s.get("timestamps_unread"):
        lines.append(f"  timestamp.txt not read: {s['timestamps_unread']} submissions, {UNREAD} "
                     "(review.csv)")
    if s.get("review"):
        lines.append(f"  to review by hand: {s['review']} notebooks (screening findings; graded "
                     "as usual unless zeroed above; review.csv)")
    lines += misconceptions.summary_lines(s.get("misconceptions", []))
    lines.append(f"results: {out}/grades.csv, feedback/, report.png, misconceptions.csv, "
                 f"rejected.csv, review.csv; the gradebook "
                 f"(c.CourseDirectory.db_url in {out}/course/nbgrader_config.py) with the "
                 f"nbgrader course {out}/course for manual grading in formgrader")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("use: python -m autograder grade")
