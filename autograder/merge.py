"""Merge a worker's result into the course gradebook (one submission at a time, idempotent).

Writes the student, the SubmittedAssignment (with its timestamp), and for every grade cell the
``auto_score`` and ``needs_manual_grade`` and every comment's ``auto_comment``. A manual score
given in formgrader is always kept; as in nbgrader's SaveAutoGrades, the cell is then marked for
review again -- unless the submission is the one merged before and its automatic score did not
change, so that re-running ``grade`` (e.g. for a late submission) does not undo the instructor's
reviews. Re-merging the same result changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from nbgrader.api import MissingEntry


def merge(gb, result, same_submission=False):
    """Write ``result`` (see :func:`autograder.worker.grade_job`) into the Gradebook ``gb``.

    ``same_submission``: the submitted files are byte for byte those merged last time.
    """
    student, assignment = result["student"], result["assignment"]
    gb.update_or_create_student(student)
    extra = {}
    if result.get("timestamp"):
        extra["timestamp"] = datetime.fromisoformat(result["timestamp"])
    gb.update_or_create_submission(assignment, student, **extra)
    for notebook, entry in result["notebooks"].items():
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        grades = {grade.name: grade for grade in submitted.grades}  # one query, not one a cell
        comments = {comment.name: comment for comment in submitted.comments}
        for grade_id, g in entry["grades"].items():
            grade = _entry(grades, grade_id, notebook)
            reviewed = (same_submission and grade.manual_score is not None
                        and grade.auto_score == g["auto_score"])
            grade.auto_score = g["auto_score"]
            if not reviewed:
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or g["auto_score"] is None)
        for name, text in entry["comments"].items():
            _entry(comments, name, notebook).auto_comment = text
    gb.db.commit()


def _entry(entries, name, notebook):
    try:
        return entries[name]
    except KeyError:
        raise MissingEntry(f"no cell {name!r} in the gradebook's {notebook}") from None


def gradebook_scores(gb, assignment, student):
    """notebook -> (score, max_score) as the gradebook has them."""
    sub = gb.find_submission(assignment, student)
    return {nb.name: (float(nb.score), float(nb.max_score)) for nb in sub.notebooks}
