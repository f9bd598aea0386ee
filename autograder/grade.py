"""``grade``: a folder of submissions -> gradebook, grades.csv, feedback, report, summary.

1. prepare the course (:mod:`autograder.course`) in RESULTS/course;
2. validate every file (:mod:`autograder.validate`): jobs + rejected with reasons;
3. take unchanged jobs from RESULTS/.cache, grade the others in parallel
   (:mod:`autograder.worker`; spawned grading processes, one job at a time each, or a Dask
   cluster; one job per (student, assignment), so nobody is graded twice at once);
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
from autograder.merge import merge
from autograder.progress import Progress
from autograder.reap import Interrupted, Run
from autograder.validate import scan
from autograder.worker import grade_job


def _run_local(jobs, args, workers, progress, work=grade_job):
    """Results of ``work(job, *args)`` for every job, in the order they finish.

    ``workers`` spawned processes (:class:`_Worker`) each grade one job at a time, sent down a
    pipe of their own. A worker that dies (killed by an admin or the OOM killer) takes only its
    own job with it: the job runs again in a fresh worker, and is recorded as failed if its worker
    dies a second time. Every wait here ends when a worker dies (its sentinel, EOF on its pipe),
    so a dead worker can never leave the grader waiting; the workers end with the generator
    (``work`` is a parameter for the tests)."""
    if workers <= 1:
        for job in jobs:
            yield work(job, *args)
            progress.update()
        return
    ctx = get_context("spawn")
    todo = deque(range(len(jobs)))
    died = Counter()  # job index -> how often the worker running it died
    pool, finished = [], []
    try:
        while todo or finished or any(w.job is not None for w in pool):
            while todo and (len(pool) < workers or any(w.job is None for w in pool)):
                idle = [w for w in pool if w.job is None]
                worker = idle[0] if idle else _Worker(ctx, work, args)
                if not idle:
                    pool.append(worker)
                worker.give(todo.popleft(), jobs)  # a dead worker shows in wait() below
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
                    finished.append(reply[0] if reply[1] is None else _error(jobs[i], reply[1]))
                    if worker.process.sentinel not in ready:
                        continue  # else it died after sending its result
                    i = None
                pool.remove(worker)
                worker.stop()
                if i is None:
                    continue
                died[i] += 1
                if died[i] < 2:
                    todo.append(i)
                else:
                    code = worker.process.exitcode
                    finished.append(_error(jobs[i], "the grading process died twice while "
                                           f"grading this submission (exit code {code})"))
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    """A spawned grading process and its end of a pipe that no other process holds.

    ``job`` is the index of the job it runs (None: idle). Sending to a dead worker fails with
    EPIPE and reading from it ends with EOF, so no call here waits for a worker that died."""

    def __init__(self, ctx, work, args):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_pool_worker, args=(theirs, work, args, os.getpid()),
                                   name="grading worker")
        self.process.start()
        theirs.close()
        self.job = None

    def give(self, i, jobs):
        self.job = i
        try:
            self.conn.send(jobs[i])
        except OSError:  # it died; its sentinel says so
            pass

    def reply(self):
        """(result, None) or (None, error text) of its job; None if it died."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):  # died before or while sending
            return None

    def stop(self):
        self.process.kill()
        self.process.join()
        self.conn.close()


def _pool_worker(conn, work, args, grader):
    """In a grading process: ``work(job, *args)`` for each job received on ``conn`` until EOF.

    Ctrl-C in a terminal is for the grader (:mod:`autograder.reap`); the worker (and the
    launchers and kernels below it) ends when the grader ends, even by SIGKILL, which leaves the
    grader no time to clean up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not die_with_parent(grader):
        os._exit(137)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            reply = work(job, *args), None
        except Exception as err:
            reply = None, f"{type(err).__name__}: {err}"
        conn.send(reply)


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
    from nbgrader.api import Gradebook

    start = time.monotonic()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    modules = course_mod.load_modules(units, log=log)
    course = course_mod.prepare(out / "course", db, modules, timeout, hide=[submissions], log=log)
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
    workers = workers or os.cpu_count() or 1
    work = out / ".work"
    args = (str(course.root), course.key, str(work))
    log(f"{len(jobs)} submissions ({sum(len(j.notebooks) for j in jobs)} notebooks), "
        f"{len(rejected)} rejected files, {len(results)} unchanged (cache), {len(todo)} to grade "
        f"with {'dask ' + dask if dask else f'{min(workers, max(1, len(todo)))} workers'}")
    progress = Progress(len(todo))
    todo_jobs = [jobs[i].as_dict() for i in todo]
    run = (_run_dask(todo_jobs, args, dask, progress) if dask else
           _run_local(todo_jobs, args, min(workers, max(1, len(todo))), progress))
    by_job = {(j.student, j.assignment): i for i, j in enumerate(jobs)}
    executed_seconds = []
    try:
        with Run():
            for result in run:
                i = by_job[(result["student"], result["assignment"])]
                results[i] = result
                executed_seconds.append(result.get("seconds", 0.0))
                if not result.get("error"):
                    cache.put(keys[i], result)
    except Interrupted as stop:
        progress.close()
        log(f"interrupted by {stop}: {len(executed_seconds)} of {len(todo)} submissions were "
            f"graded and are kept in {out / '.cache'}; every grading process has ended. Run the "
            "same command again to grade the rest (nothing was written to the gradebook).")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress.close()

    graded, rows, review = [], [], []
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
                _write(out / "feedback" / job.student / job.assignment / f"{name}.html",
                       entry["feedback"].encode())
                # formgrader shows these to grade the written answers by hand
                _write(submitted / f"{name}.ipynb", job.notebooks[name])
                _write(course.root / "autograded" / job.student / job.assignment
                       / f"{name}.ipynb", entry["autograded"].encode())
            if job.timestamp:
                _write(submitted / "timestamp.txt", job.timestamp.encode())
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
        "workers": "dask" if dask else min(workers, max(1, len(todo))),
        "errors": {f"{r['student']}/{r['assignment']}": r["error"]
                   for r in results.values() if r.get("error")},
        "misconceptions": [list(row) for row in most],
        "review": len({tuple(r[:3]) for r in review}),
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
    if s.get("review"):
        lines.append(f"  to review by hand: {s['review']} notebooks name grading internals in "
                     "strings (graded as usual; review.csv)")
    lines += misconceptions.summary_lines(s.get("misconceptions", []))
    lines.append(f"results: {out}/grades.csv, feedback/, report.png, misconceptions.csv, "
                 f"rejected.csv, review.csv; the gradebook "
                 f"(c.CourseDirectory.db_url in {out}/course/nbgrader_config.py) with the "
                 f"nbgrader course {out}/course for manual grading in formgrader")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("use: python -m autograder grade")
