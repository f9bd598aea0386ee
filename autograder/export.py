"""``export``: grades and feedback back to Moodle or ILIAS, in the files their imports accept.

The points come from the course gradebook (``c.CourseDirectory.db_url`` in
RESULTS/course/nbgrader_config.py), so manual points given in formgrader are included; the
students and their platform folders from ``SUBMISSIONS-collected.csv`` (:mod:`autograder.collect`).
The feedback is the HTML that ``grade`` wrote to RESULTS/feedback/<student>/<assignment>/.

Moodle (one pair of files per assignment):

* ``moodle-grades-<assignment>.csv``: one identifier column (``Email address``, ``ID number`` or
  ``Username``: the instructor chooses) and one grade column, for Grades > Import > CSV file
  (gradeimport_csv: "Map from" the identifier column to email address / ID number / username,
  the grade column to the assignment's grade item). Points with a decimal point; an empty grade
  for a student without one (nothing submitted or rejected: collect lists every roster student;
  ``gradeimport_csv_load_data::update_grade_item`` reads "" as "no grade"). A row without the
  identifier is left out: Moodle would abort the whole import on it.
* ``moodle-feedback-<assignment>.zip``: ``<full name>_<participant id>_assignsubmission_file_/
  <notebook>_feedback.html`` for the assignment's "Upload multiple feedback files in a zip"
  (mod/assign/feedback/file/importziplib.php: the participant id is the second ``_`` part of the
  folder; the trailing ``_`` is read by Moodle before and after 4.1).

ILIAS (one zip per assignment): ``ilias-<assignment>.zip`` with ``multi_feedback_<assignment>/``
holding a folder ``<last>_<first>_<login>_<user id>/<notebook>_feedback.html`` per student (the
exercise's "Multi-Feedback" upload, Modules/Exercise ilExAssignment::getMultiFeedbackFiles: the
folder's last ``_`` part is the user id) and ``status.csv``: the status file of the StudOn
exercise plugin (github.com/ilifau/ExerciseStatusFile, columns :data:`ILIAS_STATUS`;
``update`` = 1, ``mark`` = points, ``status`` passed/failed against ``pass_percent``, or
``notgraded`` -- ILIAS's own status value -- while written answers wait in formgrader or without a
grade, mark empty). ILIAS itself has no mark import: without the plugin the marks are typed in
(``status.csv`` lists them).
"""

from __future__ import annotations

import functools
import zipfile
from collections import defaultdict
from pathlib import Path

from autograder import csvfile
from autograder.language import instructor_language
from workbook.i18n import message

PLATFORMS = ("moodle", "ilias")
MOODLE_IDS = {"email": "Email address", "idnumber": "ID number", "login": "Username"}
TEXT = {  # key: (German, English); the notes of export
    "no_id": ("{who}: keine Spalte „{field}“ in der Teilnehmerliste; ausgelassen (wählen Sie eine "
              "andere Kennung)", "{who}: no {field} in the roster; left out (choose another "
              "identifier)"),
    "absent": ("{who}: keine Abgabe für {assignment} eingesammelt; ohne Note aufgeführt",
               "{who}: no submission collected for {assignment}; listed without a grade"),
    "ungraded": ("{who} ({source}): keine Note im Notenbuch (siehe rejected.csv); ohne Note "
                 "aufgeführt", "{who} ({source}): no grade in the gradebook (see rejected.csv); "
                 "listed without a grade"),
    "pending": ("{who}: Handbewertung in formgrader steht aus; die Note zählt die bisher "
                "vergebenen Punkte", "{who}: manual grading pending in formgrader; the grade "
                "counts the points given so far"),
    "note": ("  Hinweis: {note}", "  note: {note}"),
}
_msg = functools.partial(message, TEXT)
ILIAS_STATUS = ("update", "usr_id", "login", "lastname", "firstname", "status", "mark", "notice",
                "comment", "plagiarism", "plag_comment")


def points(results, students):
    """``{(student, assignment): (score, max_score, manual grading pending)}`` from the course
    gradebook of RESULTS (missing: not graded, e.g. rejected)."""
    from nbgrader.api import Gradebook, MissingEntry
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.course import _bin_on_path

    _bin_on_path()  # nbgrader may run `alembic` to upgrade an older gradebook
    course = Path(results) / "course"
    db_url = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config() \
        .CourseDirectory.db_url
    found = {}
    with Gradebook(db_url) as gb:
        for key in students:
            try:
                sub = gb.find_submission(key[1], key[0])
            except MissingEntry:
                continue
            found[key] = (float(sub.score), float(sub.max_score), bool(sub.needs_manual_grade))
    return found


def _number(x):
    return f"{x:.2f}".rstrip("0").rstrip(".")


def export(results, collected, platform, out, id_field="email", pass_percent=50.0):
    """Write the import files of ``platform`` into ``out``; returns ``(paths, notes)``.

    Every student of ``collected`` (every roster student: collect adds those without a notebook)
    has a row in the grade file: without a grade (empty grade; ILIAS status ``notgraded``) when
    nothing was collected or the gradebook has no grade (rejected). ``notes`` name
    them, the students with manual grading pending and those without the Moodle identifier, in
    the instructor's language."""
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {PLATFORMS}, not {platform!r}")
    lang = instructor_language()
    rows = csvfile.read(collected)
    scores = points(results, {(r["student"], r["assignment"]) for r in rows if r["notebook"]})
    notes = []
    by_assignment = defaultdict(list)
    for r in rows:
        key = (r["student"], r["assignment"])
        who = f"{r['student']} ({r['name']})" if r.get("name") else r["student"]
        if platform == "moodle" and not r.get(id_field):
            notes.append(_msg("no_id", lang, who=who, field=MOODLE_IDS[id_field]))
            continue
        if not r["notebook"]:
            notes.append(_msg("absent", lang, who=who, assignment=r["assignment"]))
        elif key not in scores:
            notes.append(_msg("ungraded", lang, who=who, source=r["source"]))
        elif scores[key][2]:
            notes.append(_msg("pending", lang, who=who))
        by_assignment[r["assignment"]].append(r)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for assignment, group in sorted(by_assignment.items()):
        if platform == "moodle":
            paths += _moodle(out, assignment, group, scores, results, id_field)
        else:
            paths.append(_ilias(out, assignment, group, scores, results, pass_percent))
    return paths, notes


def _feedback(results, r):
    return (Path(results) / "feedback" / r["student"] / r["assignment"]
            / f"{r['notebook']}.html").read_bytes()


def _moodle(out, assignment, group, scores, results, id_field):
    title = MOODLE_IDS[id_field]
    grades = [[r[id_field], _number(scores[key][0]) if (key := (r["student"], assignment))
               in scores else ""] for r in group]  # empty: no grade
    csv_path = out / f"moodle-grades-{assignment}.csv"
    csv_path.write_text(csvfile.text([title, assignment], grades), encoding="utf-8")
    zip_path = out / f"moodle-feedback-{assignment}.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for r in group:
            if (r["student"], assignment) in scores:
                z.writestr(f"{r['folder']}_/{r['notebook']}_feedback.html", _feedback(results, r))
    return [csv_path, zip_path]


def _ilias(out, assignment, group, scores, results, pass_percent):
    top = f"multi_feedback_{assignment}"
    status = []
    zip_path = out / f"ilias-{assignment}.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for r in group:
            score, max_score, pending = scores.get((r["student"], assignment), (None, 0, True))
            passed = max_score > 0 and 100 * score / max_score >= pass_percent
            verdict = "notgraded" if pending else "passed" if passed else "failed"
            status.append([1, r["platform_id"], r["login"], r["last"], r["first"], verdict,
                           "" if score is None else _number(score), "", "", "", ""])
            if score is not None:
                z.writestr(f"{top}/{r['folder']}/{r['notebook']}_feedback.html",
                           _feedback(results, r))
        z.writestr(f"{top}/status.csv", csvfile.text(ILIAS_STATUS, status))
    return zip_path
