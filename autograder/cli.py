"""``python -m autograder [--language de|en] {release, example-class, collect, grade, export}``:
the instructor's command line. Its messages are in the instructor's language
(:mod:`autograder.language`). What it prints names files, folders and people a student chose
(a file name in a download, a roster name): control characters in them would steer the
instructor's terminal (an escape sequence can clear the screen, rewrite earlier lines or set the
window title), and bidirectional overrides reorder what is shown; every line printed while a
command runs shows them as U+FFFD instead (:class:`Visible`)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from pathlib import Path

from autograder.language import LANGUAGES, counted, force, instructor_language
from workbook.i18n import message

TEXT = {  # key: (German, English); the console messages of the commands below
    "example": ("{notebooks} in {out} (erwartete Punkte: {expected})",
                "{notebooks} in {out} (expected scores: {expected})"),
    "no_folder": ("Ordner nicht gefunden: {path}", "no such folder: {path}"),
    "unknown": ("unbekanntes Aufgabenblatt {name!r} (bekannt: {known})",
                "unknown assignment {name!r} (known: {known})"),
    "collected": ("{notebooks} eingesammelt in {out} ({csv})",
                  "{notebooks} collected into {out} ({csv})"),
    "not_collected": ("  nicht eingesammelt: {source}: {reason}",
                      "  not collected: {source}: {reason}"),
    "files": ("{files} nicht eingesammelt: {csv}", "{files} not collected: {csv}"),
    "absent": ("Studierende der Liste ohne eingesammeltes Notebook ({n}): {names} ({csv})",
               "roster students with no collected notebook ({n}): {names} ({csv})"),
    "note": ("  Hinweis: {note}", "  note: {note}"),
}
_msg = functools.partial(message, TEXT)
# C0 and C1 controls but newline and tab, DEL, and the bidirectional marks and overrides
HIDDEN = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), 0x200E, 0x200F,
                        *range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd")
del HIDDEN[ord("\n")], HIDDEN[ord("\t")]


class Visible:
    """A text stream that writes what it is given with :data:`HIDDEN` characters replaced;
    a carriage return that begins a write (the progress bar redrawing its line) is kept."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        head = "\r" if text.startswith("\r") else ""
        return self.stream.write(head + text[len(head):].translate(HIDDEN))

    def __getattr__(self, name):  # flush, isatty, encoding ... of the stream
        return getattr(self.stream, name)


@contextlib.contextmanager
def visible():
    """Standard output and error as :class:`Visible` streams while the block runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Visible(out), Visible(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _units(text):
    return [u.strip() for u in text.split(",") if u.strip()] if text else None


def parser():
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    p.add_argument("--language", choices=LANGUAGES, help="language of the messages and the report "
                   "(default: the locale's, LC_ALL, LC_MESSAGES or LANG; German if it starts "
                   "with de, else English)")
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
    with visible():
        return _main(args)


def _main(args):
    force(args.language)
    lang = instructor_language()
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    if args.command == "release":
        from autograder.release import release

        for path in release(args.out, args.lang, _units(args.units), log=log):
            print(path)
        return 0
    if args.command == "example-class":
        from autograder.example import example_class

        rows = example_class(args.out, args.students, _units(args.units), log=log)
        print(_msg("example", lang, notebooks=counted(len(rows), "notebook"), out=args.out,
                   expected=Path(args.out) / "expected.csv"))
        return 0
    if args.command == "collect":
        return _collect(args, log, lang)
    if args.command == "export":
        from autograder.export import export

        paths, notes = export(args.results, args.collected, args.platform, args.out, args.id,
                              args.pass_percent)
        for note in notes:
            log(_msg("note", lang, note=note))
        for path in paths:
            print(path)
        return 0
    from autograder.grade import grade

    if not Path(args.submissions).is_dir():
        log(_msg("no_folder", lang, path=args.submissions))
        return 2
    from autograder.reap import Interrupted

    try:
        grade(args.submissions, args.out, workers=args.workers, timeout=args.timeout, db=args.db,
              dask=args.dask, units=_units(args.units), log=log,
              notebook_timeout=args.notebook_timeout)
    except Interrupted as stop:
        return 128 + stop.signum
    return 0


def _collect(args, log, lang):
    from autograder.collect import collect, lists
    from autograder.course import load_modules

    notebooks = {m.UNIT.assignment(code): m.UNIT.filename[code]
                 for m in load_modules(log=log) for code in ("de", "en")}
    if args.assignment not in notebooks:
        log(_msg("unknown", lang, name=args.assignment, known=", ".join(sorted(notebooks))))
        return 2
    result = collect(args.source, args.assignment, args.roster, args.out,
                     notebooks[args.assignment], args.platform)
    collected_csv, unmatched_csv = lists(args.out)
    print(_msg("collected", lang, notebooks=counted(len(result.rows), "notebook"), out=args.out,
               csv=collected_csv))
    absent = [r for r in result.unmatched if r["source"].startswith("roster: ")]
    files = [r for r in result.unmatched if r not in absent]
    for row in files:
        print(_msg("not_collected", lang, source=row["source"], reason=row["reason"]))
    if files:
        print(_msg("files", lang, files=counted(len(files), "file"), csv=unmatched_csv))
    if absent:
        names = ", ".join(r["source"].removeprefix("roster: ") for r in absent)
        print(_msg("absent", lang, n=len(absent), names=names, csv=unmatched_csv))
    return 0
