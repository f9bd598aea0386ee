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

import functools
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
from autograder import csvfile, misconceptions
from autograder.language import counted, instructor_language, number
from autograder.launch import confinement, die_with_parent
from autograder.progress import Progress
from autograder.reap import Interrupted, Run
from autograder.timestamps import UNREAD
from autograder.validate import scan
from autograder.worker import grade_job, warm_up
from workbook.i18n import message

TEXT = {  # key: (German, English); the console messages of grade
    "start": ("{submissions} ({notebooks}), {rejected}, {cached} unverändert (Cache), {todo} zu "
              "bewerten mit {how}", "{submissions} ({notebooks}), {rejected}, {cached} unchanged "
              "(cache), {todo} to grade with {how}"),
    "dask": ("Dask {address}", "dask {address}"),
    "progress": ("Bewertung", "grading"),
    "interrupted": ("abgebrochen durch {signal}: {done} von {todo} Abgaben wurden bewertet (im "
                    "Cache {cache}); noch in Bewertung: {still}; jeder Bewertungsprozess ist "
                    "beendet. Das Bewertete wird jetzt geschrieben. Derselbe Befehl bewertet den "
                    "Rest.",
                    "interrupted by {signal}: {done} of {todo} submissions were graded (kept in "
                    "{cache}); still grading: {still}; every grading process has ended. What was "
                    "graded is written now. Run the same command again to grade the rest."),
    "stopped": ("  abgebrochen durch {signal}: nur das bis dahin Bewertete ist geschrieben; "
                "noch in Bewertung: {still}", "  interrupted by {signal}: only what was graded "
                "is written; still grading then: {still}"),
    "still": ("{name} seit {seconds} s", "{name} for {seconds} s"),
    "none": ("keine", "none"),
    "budget": ("  über dem Budget für {exceeded} ({limit}): {name} (der Rest des Notebooks wurde "
               "nicht ausgeführt; das Feedback sagt es)",
               "  over its {exceeded} budget ({limit}): {name} (the rest of the notebook was not "
               "run; feedback says so)"),
    "summary": ("{graded} bewertet ({executed} ausgeführt, {cached} unverändert aus dem Cache), "
                "{rejected} abgelehnt, in {seconds} s (Kurs {prepare} s; {per} s je ausgeführter "
                "Abgabe, Bewertungsprozesse: {workers})",
                "graded {graded} ({executed} executed, {cached} unchanged from the cache), "
                "rejected {rejected}, in {seconds} s (course {prepare} s; {per} s per executed "
                "submission, workers: {workers})"),
    "rejected": ("  abgelehnt: {n} x {reason}", "  rejected: {n} x {reason}"),
    "review": ("  von Hand ansehen ({notebooks}): Befunde der Durchsicht (wie üblich bewertet, "
               "außer oben auf 0 gesetzt; review.csv)", "  to review by hand ({notebooks}): "
               "screening findings (graded as usual unless zeroed above; review.csv)"),
    "zeroed": ("  auf 0 gesetzt (jede Aufgabe 0, Manipulation): {notebook}: {reason}",
               "  zeroed (every exercise 0, tampering): {notebook}: {reason}"),
    "unread": ("  timestamp.txt nicht gelesen: {submissions}; ohne Abgabezeit bewertet (nbgrader "
               "zählt sie als pünktlich), bitte die Zeit von Hand prüfen (review.csv)",
               "  timestamp.txt not read: {submissions}; graded without a submission time "
               "(nbgrader counts it as on time), check the time by hand (review.csv)"),
    "results": ("Ergebnisse: {grades}, feedback/, report.png, misconceptions.csv, rejected.csv, "
                "review.csv; das Notenbuch (c.CourseDirectory.db_url in {config}) mit dem "
                "nbgrader-Kurs {course} für die Handbewertung in formgrader",
                "results: {grades}, feedback/, report.png, misconceptions.csv, rejected.csv, "
                "review.csv; the gradebook (c.CourseDirectory.db_url in {config}) with the "
                "nbgrader course {course} for manual grading in formgrader"),
}
_msg = functools.partial(message, TEXT)


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
            progress.started(_name(job))
            yield work(job, *args)
            progress.finished(_name(job))
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
                progress.started(_name(jobs[worker.job]))
            for result in finished:  # after the hand-out: no worker idles while they are merged
                yield result
                progress.update()
            finished = []
            if not any(w.job is not None for w in pool):
                continue
            ready = wait([w.conn for w in pool] + [w.process.sentinel for w in pool],
                         timeout=min(10.0, progress.stall))
            progress.stalled()
            for worker in [w for w in pool if w.conn in ready or w.process.sentinel in ready]:
                reply = worker.reply() if worker.conn in ready else None
                i, worker.job = worker.job, None
                progress.finished(_name(jobs[i]))
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


def _name(job):
    return f"{job['student']}/{job['assignment']}"


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


def grade(submissions, out, workers=None, timeout=30, db=None, dask=None, units=None,
          log=print, notebook_timeout=900):
    """Grade every submission; returns the summary dict (also RESULTS/run.json).

    Interrupted (SIGINT, SIGTERM), it writes what was graded until then (gradebook, feedback,
    grades.csv, the summary naming the submissions still being graded) and then raises
    :class:`autograder.reap.Interrupted`."""
    start = time.monotonic()
    lang = instructor_language()
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
                                    log=log, notebook_timeout=notebook_timeout)
        jobs, rejected = scan(submissions, course)
        if not dask:
            log(confinement(lang))
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
        log(_msg("start", lang, submissions=counted(len(jobs), "submission"),
                 notebooks=counted(sum(len(j.notebooks) for j in jobs), "notebook"),
                 rejected=counted(len(rejected), "rejected file"), cached=len(results),
                 todo=len(todo), how=_msg("dask", lang, address=dask) if dask else
                 counted(local, "worker")))
        progress = Progress(len(todo), _msg("progress", lang))
        todo_jobs = [jobs[i].as_dict() for i in todo]
        run = (_run_dask(todo_jobs, args, dask, progress) if dask else
               _run_local(todo_jobs, args, local, progress, started=started,
                          group=lambda job: course.assignments[job["assignment"]].unit))
        by_job = {(j.student, j.assignment): i for i, j in enumerate(jobs)}
        executed_seconds, interrupted, running = [], None, []
        try:
            for result in run:
                i = by_job[(result["student"], result["assignment"])]
                results[i] = result
                executed_seconds.append(result.get("seconds", 0.0))
                if not result.get("error"):
                    cache.put(keys[i], result)
        except Interrupted as stop:  # the run's processes have ended (Run)
            interrupted, running = stop, progress.running()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    progress.close()
    if interrupted:
        still = "; ".join(_msg("still", lang, name=name, seconds=f"{seconds:.0f}")
                          for name, seconds in running)
        log(_msg("interrupted", lang, signal=interrupted, done=len(executed_seconds),
                 todo=len(todo), cache=out / ".cache", still=still or _msg("none", lang)))

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
    csvfile.write(out / "grades.csv", ["student", "assignment", "notebook", "score", "max_score"],
                  rows)
    csvfile.write(out / "rejected.csv", ["student", "assignment", "file", "reason"],
                  [[r.student, r.assignment, r.file, r.reason] for r in rejected])
    csvfile.write(out / "review.csv", ["student", "assignment", "notebook", "finding"], review)
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
        "budget": {f"{r['student']}/{r['assignment']}/{name}": entry["budget"]
                   for r in graded for name, entry in sorted(r["notebooks"].items())
                   if entry.get("budget")},
        "interrupted": interrupted and {"signal": str(interrupted), "still_grading": {
            name: round(seconds, 1) for name, seconds in running}},
        "zeroed": zeroed,
        "timestamps_unread": len(unread),
    }
    (out / "run.json").write_text(json.dumps(summary, indent=1))
    log(summarize(summary, out, lang))
    if interrupted:
        raise interrupted
    return summary


def _failed(job, name, error):
    from autograder.validate import Rejected

    first = " ".join(str(error).split())[:300]  # the full text is in RESULTS/run.json
    return Rejected(job.student, job.assignment, f"{name}.ipynb", f"grading failed: {first}")


def summarize(s, out, lang=None):
    """The summary lines of a run (``s``: run.json's dict), in the instructor's language."""
    lang = lang or instructor_language()
    per = (sum(s["notebook_seconds"]) / len(s["notebook_seconds"])) if s["notebook_seconds"] else 0
    lines = [_msg("summary", lang, graded=counted(s["graded"], "notebook", lang),
                  executed=s["executed"], cached=s["from_cache"],
                  rejected=counted(s["rejected"], "file", lang),
                  seconds=number(s["seconds"], lang=lang),
                  prepare=number(s["prepare_seconds"], lang=lang), per=number(per, lang=lang),
                  workers=s["workers"])]
    for reason, n in sorted(s["reasons"].items(), key=lambda kv: -kv[1]):
        lines.append(_msg("rejected", lang, n=n, reason=reason))
    for notebook, reason in sorted(s.get("zeroed", {}).items()):
        lines.append(_msg("zeroed", lang, notebook=notebook, reason=reason))
    if s.get("timestamps_unread"):
        lines.append(_msg("unread", lang, submissions=counted(s["timestamps_unread"],
                                                                "submission", lang)))
    for name, budget in sorted(s.get("budget", {}).items()):
        lines.append(_msg("budget", lang, exceeded=budget["exceeded"], limit=budget["limit"],
                          name=name))
    if s.get("interrupted"):
        still = ", ".join(f"{k} ({v:.0f} s)" for k, v in s["interrupted"]["still_grading"].items())
        lines.append(_msg("stopped", lang, signal=s["interrupted"]["signal"],
                          still=still or _msg("none", lang)))
    if s.get("review"):
        lines.append(_msg("review", lang, notebooks=counted(s["review"], "notebook", lang)))
    lines += misconceptions.summary_lines(s.get("misconceptions", []), lang)
    out = Path(out)
    lines.append(_msg("results", lang, grades=out / "grades.csv",
                      config=out / "course" / "nbgrader_config.py", course=out / "course"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("use: python -m autograder grade")
