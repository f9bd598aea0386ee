"""Validation before grading: every file of SUBMISSIONS/<student>/<assignment>/ is either part of
a job or rejected with a recorded reason. Submissions are read, never modified.

A notebook is rejected when it is too large, empty, not UTF-8, not JSON (also: nested too deeply;
the reason says what it is instead: a merge conflict, an HTML page, two notebooks in one file,
Python code, an archive), not nbformat 4, not a notebook, of an unknown assignment or with an
unknown name, a symlink, of another unit or language (metadata ``nnkit``), when grade ids are
duplicated, missing or unknown, or when the role of a graded cell was changed (an autograded test
cell made a solution, an answer cell made a graded cell: nbgrader's ``OverwriteCells`` does not
repair that and ``find_graded_cell`` fails). A cell type switched by the dropdown (an answer or
test cell turned into markdown or raw) is graded: ``OverwriteCells`` restores the instructor's cell
type (and the source of a locked cell), as ``nbgrader autograde`` does. A notebook without any
nbgrader cell metadata (nb-clean's default strips it) gets it back from the released cells
(:func:`restore`); any other file next to it is listed with what it is (:func:`other_file`).
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder import timestamps

MAX_BYTES = 20 * 1024 * 1024
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")  # no glob or path characters
NAME_RULE = "1 to 100 ASCII letters, digits and _ . @ + -, starting with a letter or digit"
TIMESTAMP = "timestamp.txt"
BOM = "\ufeff".encode()


@dataclass
class Job:
    """One (student, assignment): the notebooks' bytes travel with the job."""

    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)  # notebook name -> bytes
    timestamp: str | None = None  # ISO 8601 in UTC (autograder.timestamps)
    timestamp_note: str = ""  # why timestamp.txt was not read (then timestamp is None)

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


def _not_json(data, text, err):
    """What a file that is no JSON is, as a reason to reject it."""
    first = text.lstrip()[:500].lower()
    conflict = re.search(r"^(<{7}|>{7})( |$)", text, re.M)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        return (f"merge conflict (git's marker {conflict[1]} at line {line}; the notebook is no "
                "JSON until it is resolved): keep one version of the conflicting lines, or hand "
                "in the notebook from before the merge")
    if first.startswith(("<!doctype html", "<html")) or first.startswith("<") and "<html" in first:
        what = ("a notebook exported as HTML" if "jp-notebook" in text.lower()
                or "jupyter" in first else "an HTML page (saved from the browser)")
        return (f"HTML page, not a notebook: {what}; hand in the .ipynb file (in Jupyter: "
                "File > Download)")
    if isinstance(err, json.JSONDecodeError) and err.msg == "Extra data":
        try:
            json.loads(text[:err.pos])
            line = text.count("\n", 0, err.pos) + 1
            return (f"two notebooks in one file (the second starts at line {line}; the file was "
                    "written twice): hand in one of them")
        except (json.JSONDecodeError, RecursionError):
            pass
    try:
        ast.parse(text)
        return ("Python code, not a notebook (a script saved as .ipynb, e.g. by 'Export as "
                "Python' or jupytext): hand in the .ipynb file")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    return f"invalid JSON ({str(err)[:80]}; the file is damaged or cut off)"


def _binary(data):
    """What a file with a known binary signature is, or None."""
    for magic, what in ((b"PK\x03\x04", "a zip archive"), (b"%PDF", "a PDF document"),
                        (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image")):
        if data.startswith(magic):
            return f"{what} named .ipynb, not a notebook: hand in the .ipynb file itself"
    return None


def check_notebook(data, assignment):
    """The reason to reject the bytes of a notebook for ``assignment``, or None."""
    return load_notebook(data, assignment)[1]


def load_notebook(data, assignment):
    """``(data, reason)``: the notebook's bytes to grade (without a UTF-8 byte order mark, with
    the nbgrader metadata restored when it was stripped and its cells match the released
    notebook, :func:`restore`) and the reason to reject it (then the bytes are None)."""
    data = data.removeprefix(BOM)  # a byte order mark (Windows editors): not part of the JSON
    reason = _check(data, assignment)
    if reason is None:
        return data, None
    if not assignment.cells or not (reason == STRIPPED or reason.startswith(REMOVED)):
        return None, reason
    nb = json.loads(data.decode("utf-8"))
    why = restore(nb, assignment)
    if why and reason != STRIPPED:  # some cells deleted, not recreated where they were
        return None, reason
    if why:
        return None, (f"{STRIPPED}: {why}. Restore it: copy your answers into a fresh copy of the "
                      "released notebook (or take the version before the cleaning from git); "
                      "with nb-clean keep it by `nb-clean clean --preserve-cell-metadata-field "
                      "nbgrader`")
    restored = json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8")
    reason = _check(restored, assignment)
    return (None, reason) if reason else (restored, None)


REMOVED = "removed grade ids"
STRIPPED = ("nbgrader cell metadata removed (nb-clean's default removes all cell metadata) and "
            "the cells could not be matched to the released notebook")


def _key(cell):
    """A cell's content for matching: its type and its source without hidden tests, blank
    lines and trailing whitespace."""
    from workbook.answer import strip_hidden

    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    lines = strip_hidden(source.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return cell.get("cell_type"), "\n".join(line.rstrip() for line in lines if line.strip())


def _grading(cell):
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    return meta.get("nbgrader") if isinstance(meta, dict) else None


def restore(nb, assignment):
    """Give the cells of ``nb`` without nbgrader metadata (stripped by nb-clean, or a deleted
    cell written again) the metadata of the released notebook (``assignment.cells``), in
    place. A released cell is found by its grade id (in a cell's metadata or as its cell id),
    else by its content (the only submitted cell with the same type and source), an answer cell
    as the only cell of its type without metadata between the cells found around it (or the
    only one of them that defines its answer). Returns "" or why that is ambiguous."""
    released = list(assignment.cells)
    cells = nb["cells"]
    found = {}  # released index -> submitted index
    ids = {c.get("id"): k for k, c in enumerate(cells) if isinstance(c, dict) and not _grading(c)}
    ids.update({str((_grading(c) or {}).get("grade_id")): k for k, c in enumerate(cells)
                if isinstance(_grading(c), dict) and _grading(c).get("grade_id")})
    for i, cell in enumerate(released):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        k = ids.get(gid) if gid else None
        if k is not None and cells[k].get("cell_type") == cell.get("cell_type"):
            found[i] = k
    keys = Counter(_key(c) for c in cells)
    for i, cell in enumerate(released):
        solution = cell.get("metadata", {}).get("nbgrader", {}).get("solution")
        if i not in found and not solution and keys[_key(cell)] == 1:
            found[i] = next(k for k, c in enumerate(cells) if _key(c) == _key(cell))
    unclear = []
    for i, cell in enumerate(released):
        meta = cell.get("metadata", {}).get("nbgrader")
        if i in found or not meta:
            continue
        before = max((found[j] for j in found if j < i), default=-1)
        after = min((found[j] for j in found if j > i), default=len(cells))
        between = [k for k in range(before + 1, after)
                   if cells[k].get("cell_type") == cell.get("cell_type")
                   and k not in found.values() and not _grading(cells[k])]
        name = re.search(r"^[ \t]*(?:def[ \t]+(\w+)|(\w+)[ \t]*=)", _key(cell)[1], re.M)
        if len(between) > 1 and name:  # scratch cells around it: the one defining its answer
            from workbook.answer import answer_source

            between = [k for k in between
                       if answer_source([_key(cells[k])[1]], name[1] or name[2])]
        if len(between) == 1 and meta.get("solution"):
            found[i] = between[0]
        else:
            unclear.append(meta.get("grade_id", "?"))
    if unclear:
        return "no single cell for " + ", ".join(unclear)[:150]
    for i, k in found.items():
        meta = released[i].get("metadata", {}).get("nbgrader")
        if meta and not _grading(cells[k]):
            cells[k].setdefault("metadata", {})["nbgrader"] = json.loads(json.dumps(meta))
    return ""


def _check(data, assignment):
    if len(data) > MAX_BYTES:
        return too_large(len(data))
    if not data.strip():
        return "empty file (0 bytes)" if not data else "empty file (only white space)"
    binary = _binary(data)
    if binary:
        return binary
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    try:
        nb = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        return _not_json(data, text, err)
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
    if not ids and assignment.grade_ids and assignment.cells:
        return STRIPPED
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    missing = [i for i in assignment.grade_ids if i not in ids]
    unknown = sorted(set(ids) - set(assignment.grade_ids))
    if twice:
        return "duplicated grade ids: " + ", ".join(twice)[:200]
    if missing:
        return f"{REMOVED}: " + ", ".join(missing)[:200]
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


KINDS = {".py": "a Python module", ".txt": "a text file", ".md": "a text file",
         ".pdf": "a PDF document", ".png": "an image", ".jpg": "an image", ".jpeg": "an image",
         ".gif": "an image", ".svg": "an image", ".csv": "a data file", ".npy": "a data file",
         ".npz": "a data file", ".json": "a data file", ".zip": "an archive", ".gz": "an archive",
         ".html": "an HTML page", ".docx": "a document"}


def other_file(path, notebooks=()):
    """What a file next to the notebook is and that grading does not use it; for a Python
    module whether the notebook imports it (that import fails in grading)."""
    kind = KINDS.get(path.suffix.lower(), "a file")
    text = f"{kind}; grading runs the notebook alone and does not use it"
    if path.suffix.lower() == ".py":
        module = re.escape(path.stem)
        imports = re.compile(rf"(^|\\n|\n|\")\s*(from\s+{module}\s+import|import\s+([\w.]+\s*,\s*)*"
                             rf"{module}\b)")
        if any(imports.search(data.decode("utf-8", "replace")) for data in notebooks):
            text += (f"; the notebook imports {path.stem}, so that cell stops with "
                     "ModuleNotFoundError: put the module's code into the notebook")
    return text


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
            job, others = Job(student, assignment_id), []
            for path in sorted(adir.iterdir()):
                name = path.name
                if path.is_symlink() or not path.is_file():
                    reject(student, assignment_id, name, "not a regular file" + (
                        " (a folder, ignored)" if path.is_dir() and not path.is_symlink()
                        else ""))
                elif name == TIMESTAMP:
                    job.timestamp, job.timestamp_note = timestamps.read(
                        path.read_text(errors="replace")[:200])
                elif not name.endswith(".ipynb"):
                    others.append(path)
                elif name[:-6] != assignment.notebook:
                    reject(student, assignment_id, name,
                           f"unknown notebook name (expected {assignment.notebook}.ipynb)")
                elif path.stat().st_size > MAX_BYTES:
                    reject(student, assignment_id, name, too_large(path.stat().st_size))
                else:
                    data, reason = load_notebook(path.read_bytes(), assignment)
                    if reason:
                        reject(student, assignment_id, name, reason)
                    else:
                        job.notebooks[name[:-6]] = data
            for path in others:
                reject(student, assignment_id, path.name,
                       f"not a notebook (ignored): {other_file(path, job.notebooks.values())}")
            if job.notebooks:
                jobs.append(job)
            elif not any(r.student == student and r.assignment == assignment_id
                         for r in rejected):
                reject(student, assignment_id, "", "no notebook submitted")
    return jobs, rejected
