"""Validation before grading: every file of SUBMISSIONS/<student>/<assignment>/ is either part of
a job or rejected with a recorded reason. Submissions are read, never modified.

A notebook is rejected when it is too large, not UTF-8, not JSON (also: nested too deeply), not
nbformat 4, not a notebook, of an unknown assignment or with an unknown name, a symlink, of
another unit or language (metadata ``nnkit``), when grade ids are duplicated, missing or
unknown, or when the role of a graded cell was changed (an autograded test cell made a solution,
an answer cell made a graded cell: nbgrader's ``OverwriteCells`` does not repair that and
``find_graded_cell`` fails). A cell type switched by the dropdown (an answer or test cell
turned into markdown or raw) is graded: ``OverwriteCells`` restores the instructor's cell type
(and the source of a locked cell), as ``nbgrader autograde`` does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")  # no glob or path characters
NAME_RULE = "1 to 100 ASCII letters, digits and _ . @ + -, starting with a letter or digit"
TIMESTAMP = "timestamp.txt"


@dataclass
class Job:
    """One (student, assignment): the notebooks' bytes travel with the job."""

    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)  # notebook name -> bytes
    timestamp: str | None = None

    def as_dict(self):
        return {"student": self.student, "assignment": self.assignment,
                "notebooks": dict(self.notebooks), "timestamp": self.timestamp}


@dataclass
class Rejected:
    student: str
    assignment: str
    file: str
    reason: str


def too_large(size):
    return f"too large ({size / 2**20:.1f} MiB > {MAX_BYTES / 2**20:.0f} MiB)"


def check_notebook(data, assignment):
    """The reason to reject the bytes of a notebook for ``assignment``, or None."""
    if len(data) > MAX_BYTES:
        return too_large(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    try:
        nb = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        return f"invalid JSON ({str(err)[:80]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "not a notebook (no cell list)"
    if nb.get("nbformat") != 4:
        return f"wrong nbformat {str(nb.get('nbformat'))[:20]} (expected 4)"
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    nnkit = meta.get("nnkit")
    if isinstance(nnkit, dict):
        if nnkit.get("unit") != assignment.unit or nnkit.get("lang") != assignment.lang:
            return (f"notebook of another unit/language ({str(nnkit.get('unit'))[:20]}/"
                    f"{str(nnkit.get('lang'))[:5]}, expected {assignment.unit}/{assignment.lang})")
    ids, changed = [], []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata", {}), dict):
            return "malformed cell"
        grading = cell.get("metadata", {}).get("nbgrader")
        if isinstance(grading, dict) and grading.get("grade_id"):
            ids.append(str(grading["grade_id"]))
            expected = _expected_role(assignment, ids[-1])
            if expected is not None and _role(grading) != expected:
                changed.append(ids[-1])
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    missing = [i for i in assignment.grade_ids if i not in ids]
    unknown = sorted(set(ids) - set(assignment.grade_ids))
    if twice:
        return "duplicated grade ids: " + ", ".join(twice)[:200]
    if missing:
        return "removed grade ids: " + ", ".join(missing)[:200]
    if unknown:
        return "unknown grade ids: " + ", ".join(unknown)[:200]
    if changed:
        return "grading metadata changed (grade or solution): " + ", ".join(
            changed)[:200]
    return None


def _role(grading):
    """What nbgrader makes of a cell: (graded?, solution?); the cell type it restores."""
    return (bool(grading.get("grade")), bool(grading.get("solution")))


def _expected_role(assignment, grade_id):
    """The role of ``grade_id`` in the source notebook, or None when it is not known (then any
    role is accepted)."""
    if grade_id in assignment.auto:
        return (True, False)
    if grade_id in assignment.answers:
        return (False, True)
    return None


def scan(submissions, course):
    """``(jobs, rejected)`` for the folder SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb."""
    root = Path(submissions)
    jobs, rejected = [], []

    def reject(student, assignment, file, reason):
        rejected.append(Rejected(student, assignment, file, reason))

    for entry in sorted(root.iterdir()):
        if entry.name == "expected.csv" and entry.is_file():
            continue  # the example class's answer key
        if not entry.is_dir() or entry.is_symlink():
            reject("", "", entry.name, "not a student folder (the layout is "
                   "SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb)")
            continue
        if not NAME.fullmatch(entry.name):
            reject(entry.name[:100], "", "", f"invalid student id (a student folder is named "
                   f"{NAME_RULE}; platform downloads: python -m autograder collect)")
            continue
        for adir in sorted(entry.iterdir()):
            student, assignment_id = entry.name, adir.name
            if not adir.is_dir() or adir.is_symlink():
                reject(student, "", adir.name, "not an assignment folder (the layout is "
                       "<student>/<assignment>/<notebook>.ipynb)")
                continue
            assignment = course.assignments.get(assignment_id)
            if assignment is None:
                reject(student, assignment_id[:100], "", f"unknown assignment (known: "
                       f"{', '.join(sorted(course.assignments))})")
                continue
            job = Job(student, assignment_id)
            for path in sorted(adir.iterdir()):
                name = path.name
                if path.is_symlink() or not path.is_file():
                    reject(student, assignment_id, name, "not a regular file")
                elif name == TIMESTAMP:
                    job.timestamp = path.read_text(errors="replace").strip()[:100]
                elif not name.endswith(".ipynb"):
                    reject(student, assignment_id, name, "not a notebook (ignored)")
                elif name[:-6] != assignment.notebook:
                    reject(student, assignment_id, name,
                           f"unknown notebook name (expected {assignment.notebook}.ipynb)")
                elif path.stat().st_size > MAX_BYTES:
                    reject(student, assignment_id, name, too_large(path.stat().st_size))
                else:
                    data = path.read_bytes()
                    reason = check_notebook(data, assignment)
                    if reason:
                        reject(student, assignment_id, name, reason)
                    else:
                        job.notebooks[name[:-6]] = data
            if job.notebooks:
                jobs.append(job)
            elif not any(r.student == student and r.assignment == assignment_id
                         for r in rejected):
                reject(student, assignment_id, "", "no notebook submitted")
    return jobs, rejected
