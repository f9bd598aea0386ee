"""``python -m autograder {release, example-class, collect, grade, export}``: the instructor's
command line."""

from __future__ import annotations

import argparse
import sys


def _units(text):
    return [u.strip() for u in text.split(",") if u.strip()] if text else None


def parser():
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("release", help="student versions of every unit (no solutions, no "
                       "hidden tests)")
    r.add_argument("--out", required=True)
    r.add_argument("--lang", choices=("de", "en", "all"), default="all")
    r.add_argument("--units", help="comma-separated units (default: every unit that builds)")

    e = sub.add_parser("example-class", help="a synthetic class in nbgrader's submitted layout")
    e.add_argument("--out", required=True)
    e.add_argument("--students", type=int, default=10)
    e.add_argument("--units", help="comma-separated units (default: every unit that builds)")

    c = sub.add_parser("collect", help="a Moodle or ILIAS download (zip or folder) -> "
                       "SUBMISSIONS/<student>/<assignment>/<nb>.ipynb")
    c.add_argument("source", help="the platform's 'download all submissions' zip or folder")
    c.add_argument("--assignment", required=True, help="e.g. unit1_de")
    c.add_argument("--roster", required=True, help="CSV exported from the platform (Moodle: the "
                   "grading worksheet; ILIAS: the member list)")
    c.add_argument("--out", required=True, help="SUBMISSIONS folder (written or added to)")
    c.add_argument("--platform", choices=("moodle", "ilias"), help="default: from the paths")

    x = sub.add_parser("export", help="grades (with manual points) and feedback as files for "
                       "Moodle's or ILIAS's import")
    x.add_argument("results", help="the RESULTS folder of grade")
    x.add_argument("--collected", required=True, help="SUBMISSIONS-collected.csv of collect")
    x.add_argument("--platform", choices=("moodle", "ilias"), required=True)
    x.add_argument("--out", required=True)
    x.add_argument("--id", choices=("email", "idnumber", "login"), default="email",
                   help="Moodle: the identifier column (default: email)")
    x.add_argument("--pass-percent", type=float, default=50.0,
                   help="ILIAS: status 'passed' from this share of the points on (default 50)")

    g = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<assignment>/<nb>.ipynb")
    g.add_argument("submissions")
    g.add_argument("--out", required=True)
    g.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    g.add_argument("--timeout", type=int, default=30, help="seconds per cell of the student "
                   "(default 30; the setup cell and re-runs after a restart: 120)")
    g.add_argument("--notebook-timeout", type=int, default=900, help="seconds per notebook for "
                   "all its cells together (default 900); past it the rest is not run and "
                   "scores 0, with the reason")
    g.add_argument("--db", help="SQLAlchemy URL of the gradebook (default: RESULTS/gradebook.db)")
    g.add_argument("--dask", help="address of a Dask scheduler (tcp://host:port)")
    g.add_argument("--units", help="comma-separated units (default: every unit that builds)")
    return p


def main(argv=None):
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    if args.command == "release":
        from autograder.release import release

        for path in release(args.out, args.lang, _units(args.units), log=log):
            print(path)
        return 0
    if args.command == "example-class":
        from autograder.example import example_class

        rows = example_class(args.out, args.students, _units(args.units), log=log)
        print(f"{len(rows)} notebooks in {args.out} (expected scores: {args.out}/expected.csv)")
        return 0
    if args.command == "collect":
        return _collect(args, log)
    if args.command == "export":
        from autograder.export import export

        paths, notes = export(args.results, args.collected, args.platform, args.out, args.id,
                              args.pass_percent)
        for note in notes:
            log(f"  note: {note}")
        for path in paths:
            print(path)
        return 0
    from pathlib import Path

    from autograder.grade import grade

    if not Path(args.submissions).is_dir():
        log(f"no such folder: {args.submissions}")
        return 2
    from autograder.reap import Interrupted

    try:
        grade(args.submissions, args.out, workers=args.workers, timeout=args.timeout, db=args.db,
              dask=args.dask, units=_units(args.units), log=log,
              notebook_timeout=args.notebook_timeout)
    except Interrupted as stop:
        return 128 + stop.signum
    return 0


def _collect(args, log):
    from autograder.collect import collect, lists
    from autograder.course import load_modules

    notebooks = {m.UNIT.assignment(lang): m.UNIT.filename[lang]
                 for m in load_modules(log=log) for lang in ("de", "en")}
    if args.assignment not in notebooks:
        log(f"unknown assignment {args.assignment!r} (known: {', '.join(sorted(notebooks))})")
        return 2
    result = collect(args.source, args.assignment, args.roster, args.out,
                     notebooks[args.assignment], args.platform)
    collected_csv, unmatched_csv = lists(args.out)
    print(f"{len(result.rows)} notebooks collected into {args.out} ({collected_csv})")
    absent = [r for r in result.unmatched if r["source"].startswith("roster: ")]
    files = [r for r in result.unmatched if r not in absent]
    for row in files:
        print(f"  not collected: {row['source']}: {row['reason']}")
    if files:
        print(f"{len(files)} files not collected: {unmatched_csv}")
    if absent:
        names = ", ".join(r["source"].removeprefix("roster: ") for r in absent)
        print(f"roster students with no collected notebook ({len(absent)}): {names} "
              f"({unmatched_csv})")
    return 0
