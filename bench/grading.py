"""Grading throughput on the example class (``python -m autograder example-class``).

Three ways to grade the same submissions, one after the other, each from a ready course (the
course preparation, nbgrader ``generate_assignment`` of every unit, is done before the clock
starts for all three; ours also reports its total with preparation):

* ours: ``python -m autograder grade CLASS --out OUT --workers W`` (the course in OUT/course made
  by a warm-up ``grade`` of an empty folder; the result cache is empty);
* nbgrader: plain ``nbgrader autograde ASSIGNMENT`` (one call per assignment, all students,
  sequential) in a course directory made the same way (``workbook.build.make_course`` + nbgrader
  ``generate_assignment``: the same source notebooks; nbgrader's stock configuration, so its
  plain Execute preprocessor, without our confined kernel launcher and trusted verdicts), the
  submissions copied into ``submitted/``;
* the floor: every second submitted notebook executed with nbclient, a fresh kernel each, one
  after the other in this (warm) Python process: no grading, no gradebook, no process start,
  and nothing else running in this process (no memory polling).

Figures (issue 16): nbgrader time / our time (target >= 2 with 2 workers on 2 cores) and our
cost per notebook, in core-seconds (wall time x workers / notebooks), over the floor's seconds
per notebook (target <= 1.3). Wall time on a machine shared with other work measures the others
too, so the CPU time of each side is recorded next to it (no target): ours and nbgrader's from
the whole process tree of the command (grader, workers, launchers, kernels), the floor's from
this process and its kernels, each per notebook. Each run of ours also logs its timeline
(:func:`timeline`: the seconds before the first job and after the last one, the tail, the
workers' idle time between jobs and their share of time in jobs), a diagnostic without a target.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import figure

ROOT = Path(__file__).resolve().parent.parent


def _env():
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cpu(who=resource.RUSAGE_CHILDREN):
    """CPU seconds (user + system) of ``who``: by default every finished child process of this
    one and their waited-for descendants (a command's whole process tree)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _run(cmd, cwd=ROOT, log=print, cpu=None):
    """``(wall seconds, CompletedProcess)``; adds the command tree's CPU seconds to ``cpu``."""
    t0, c0 = time.perf_counter(), _cpu()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(_cpu() - c0)
    if done.returncode != 0:
        log(done.stdout[-2000:] + done.stderr[-4000:])
        raise RuntimeError(f"{' '.join(map(str, cmd[:4]))} ... failed ({done.returncode})")
    return seconds, done


def example_class(out, students, log=print):
    _run([sys.executable, "-m", "autograder", "example-class", "--out", str(out),
          "--students", str(students)], log=log)
    return sorted(Path(out).glob("*/*/*.ipynb"))


def ours(klass, out, workers, log=print):
    """Wall seconds of ``autograder grade`` on a prepared course with an empty cache."""
    empty = Path(out).parent / "empty"
    empty.mkdir(exist_ok=True)
    prep, _ = _run([sys.executable, "-m", "autograder", "grade", str(empty), "--out", str(out),
                    "--workers", str(workers)], log=log)
    return prep


def ours_again(klass, out, workers, log=print, cpu=None, timelines=None):
    shutil.rmtree(Path(out) / ".cache", ignore_errors=True)
    for name in ("feedback", "grades.csv", "rejected.csv", "report.png", "run.json"):
        shutil.rmtree(Path(out) / name, ignore_errors=True)
        (Path(out) / name).unlink(missing_ok=True)
    began = time.time()
    seconds, done = _run([sys.executable, "-m", "autograder", "grade", str(klass), "--out",
                          str(out), "--workers", str(workers)], log=log, cpu=cpu)
    if timelines is not None:
        timelines.append(timeline(out, began, began + seconds, workers))
    return seconds, done.stderr


def timeline(out, began, ended, workers):
    """Where the wall time of one ``grade`` run went (a diagnostic, no target), from the jobs'
    start times and durations in OUT/.cache and OUT/run.json: seconds before the first job
    started (the grader's preparation, ``prepare_s``, then the pool's start), after the last job
    ended (merge, feedback, report), the tail (the last job's end after the other worker's
    last), the idle time of the workers between their jobs, and the share of the workers' time
    (``workers`` x wall) spent in jobs."""
    import json

    jobs = [json.loads(p.read_text()) for p in Path(out, ".cache").glob("*/*.json")]
    spans = [(j["worker"], j["started"], j["started"] + j["seconds"]) for j in jobs]
    last = {}
    idle = 0.0
    for worker, start, end in sorted(spans, key=lambda s: s[1]):
        if worker in last:
            idle += max(0.0, start - last[worker])
        last[worker] = end
    finish = max(end for _, _, end in spans)
    return {"wall_s": round(ended - began, 2),
            "prepare_s": json.loads(Path(out, "run.json").read_text())["prepare_seconds"],
            "before_first_job_s": round(min(s for _, s, _ in spans) - began, 2),
            "after_last_job_s": round(ended - finish, 2),
            "tail_s": round(finish - min(last.values()), 2) if len(last) > 1 else None,
            "idle_between_jobs_s": round(idle, 2),
            "in_jobs": round(sum(e - s for _, s, e in spans) / (workers * (ended - began)), 3)}


def nbgrader_course(klass, course, log=print):
    """A plain nbgrader course made the same way as ours (``workbook.build.make_course``: the
    same source notebooks; nbgrader's ``generate_assignment`` of every assignment into the
    course's gradebook), with nbgrader's own configuration (its stock Execute preprocessor),
    and the submissions in submitted/. Returns the assignment ids."""
    code = ("from workbook.build import generate, make_course\n"
            f"for _, lang, a in make_course({str(course)!r}):\n"
            f"    generate({str(course)!r}, a, lang)\n")
    _run([sys.executable, "-c", code], log=log)
    assignments = set()
    for folder in sorted(Path(klass).glob("*/*/")):
        if folder.is_dir():
            student, assignment = folder.parent.name, folder.name
            shutil.copytree(folder, Path(course) / "submitted" / student / assignment)
            assignments.add(assignment)
    return sorted(assignments)


def nbgrader(course, assignments, log=print, cpu=None):
    """Wall seconds of ``nbgrader autograde A`` for every assignment, one after the other."""
    exe = str(Path(sys.executable).parent / "nbgrader")
    t0 = time.perf_counter()
    for assignment in assignments:
        _run([exe, "autograde", assignment, "--force"], cwd=course, log=log, cpu=cpu)
    return time.perf_counter() - t0


def floor(paths, every=2, log=print, cpu=None):
    """Seconds per notebook executed with nbclient in this process (fresh kernel each), for
    every ``every``-th submitted notebook (sorted by student, assignment: every unit and both
    languages occur in the sample). ``cpu`` gets the CPU seconds of each (this process and the
    kernel, kernel shutdown included)."""
    from bench.workbook_run import execute

    seconds = []
    for path in paths[::every]:
        c0 = _cpu(resource.RUSAGE_SELF) + _cpu()
        seconds.append(execute(path, timeout=120, allow_errors=True, memory=False)["seconds"])
        if cpu is not None:
            cpu.append(_cpu(resource.RUSAGE_SELF) + _cpu() - c0)
    return seconds


def run(students=8, workers=2, log=print):
    """Order: ours, nbgrader, floor, ours again (our time is the mean of the two runs that
    bracket the others, so a change of the machine's load during the run hits both sides)."""
    from bench.common import load

    loads = [load()]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        paths = example_class(tmp / "class", students, log=log)
        n = len(paths)
        log(f"  example class: {students} students, {n} submitted notebooks")
        t_prep = ours(tmp / "class", tmp / "ours", workers, log=log)
        t_ours, cpu_ours, cpu_nbg, cpu_floor, timelines = [], [], [], [], []
        t, summary = ours_again(tmp / "class", tmp / "ours", workers, log=log, cpu=cpu_ours,
                                timelines=timelines)
        t_ours.append(t)
        loads.append(load())
        log(f"  ours ({workers} workers): {t:.1f} s ({t / n:.2f} s per notebook; "
            f"course preparation {t_prep:.1f} s before)")
        log(f"    timeline: {timelines[-1]}")
        course = tmp / "nbgrader" / "course"
        assignments = nbgrader_course(tmp / "class", course, log=log)
        t_nbg = nbgrader(course, assignments, log=log, cpu=cpu_nbg)
        loads.append(load())
        log(f"  nbgrader autograde, {len(assignments)} calls: {t_nbg:.1f} s")
        floor_s = floor(paths, log=log, cpu=cpu_floor)
        per_floor = sum(floor_s) / len(floor_s)
        loads.append(load())
        log(f"  floor (nbclient, sequential): {per_floor:.2f} s per notebook "
            f"({len(floor_s)} of the {n} notebooks)")
        t, summary = ours_again(tmp / "class", tmp / "ours", workers, log=log, cpu=cpu_ours,
                                timelines=timelines)
        t_ours.append(t)
        loads.append(load())
        log(f"  ours again: {t:.1f} s")
        log(f"    timeline: {timelines[-1]}")
    mean_ours = sum(t_ours) / len(t_ours)
    per_notebook = mean_ours * workers / n
    cpu_ours_nb = sum(cpu_ours) / len(cpu_ours) / n
    cpu_nbg_nb = sum(cpu_nbg) / n
    cpu_floor_nb = sum(cpu_floor) / len(cpu_floor)
    log(f"  CPU per notebook: ours {cpu_ours_nb:.2f} s, nbgrader {cpu_nbg_nb:.2f} s, "
        f"floor {cpu_floor_nb:.2f} s")
    common = {"students": students, "notebooks": n, "workers": workers,
              "loadavg_ours_nbgrader_floor_ours": loads}
    return [
        figure(f"grading {n} notebooks: ours, {workers} workers", mean_ours, "s", n=n,
               note="mean of two runs (before and after the baselines)",
               extra={**common, "runs_s": t_ours, "course_preparation_s": t_prep,
                      "timelines": timelines,
                      "grader_summary": summary.strip().splitlines()[-4:]}),
        figure(f"grading: nbgrader autograde time / ours ({workers} workers)",
               t_nbg / mean_ours, "x", ">= 2", n=n,
               baseline={"name": f"plain nbgrader autograde, {len(assignments)} calls, "
                                 "sequential", "value": t_nbg, "unit": "s"}, extra=common),
        figure(f"grading: our cost per notebook / floor ({workers} workers)",
               per_notebook / per_floor, "x", "<= 1.3", n=n,
               baseline={"name": "nbclient, fresh kernel, sequential, warm process",
                         "value": per_floor, "unit": "s per notebook",
                         "sample": f"{len(floor_s)} of {n} notebooks"},
               note=f"ours: {mean_ours:.1f} s x {workers} workers / {n} notebooks "
                    f"= {per_notebook:.2f} core-s per notebook",
               extra={**common, "floor_s": floor_s}),
        figure(f"grading: our CPU per notebook / floor's ({workers} workers)",
               cpu_ours_nb / cpu_floor_nb, "x", n=n,
               baseline={"name": "nbclient, fresh kernel, sequential, warm process",
                         "value": cpu_floor_nb, "unit": "CPU s per notebook"},
               note=f"CPU seconds of the whole process tree: ours {cpu_ours_nb:.2f} s per "
                    f"notebook (mean of two runs), nbgrader autograde {cpu_nbg_nb:.2f} s "
                    f"({cpu_nbg_nb / cpu_ours_nb:.2f}x ours)",
               extra={**common, "cpu_ours_s": cpu_ours, "cpu_nbgrader_s": cpu_nbg,
                      "cpu_floor_s": cpu_floor}),
    ]
