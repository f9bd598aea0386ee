"""export: the files re-import as Moodle and ILIAS read them (columns, identifiers and folder
names checked against the platforms' import code, cited in autograder/export.py), with the
points of the gradebook including manual points."""

import csv
import io
import os
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:Object of type:Warning")  # nbgrader + SQLAlchemy 2
NB = "1_relu_kettenregel"
STUDENTS = {  # student id -> (collected row fields, autograded points, manual points or None)
    "4711001": ({"name": "Zoë Ähnlich-Brandt", "first": "Zoë", "last": "Ähnlich-Brandt",
                 "email": "zoe.aehnlich@uni.example", "login": "zaehnlich", "platform_id": "104233",
                 "folder": "Zoë Ähnlich-Brandt_104233_assignsubmission_file"}, 4.0, 2.5),
    "4711002": ({"name": "Jürgen Groß", "first": "Jürgen", "last": "Groß",
                 "email": "j.gross@uni.example", "login": "jgross", "platform_id": "104240",
                 "folder": "Jürgen Groß_104240_assignsubmission_file"}, 1.0, None),
}


def results_folder(tmp_path, monkeypatch):
    """``(results, db_url)``: an empty results folder as ``grade`` leaves it (its course's
    nbgrader_config.py names the gradebook); nbgrader creates the gradebook with ``alembic``
    from PATH."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    results = tmp_path / "results"
    (results / "course").mkdir(parents=True)
    db = f"sqlite:///{results / 'gradebook.db'}"
    (results / "course" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.db_url = {db!r}\n")
    return results, db


@pytest.fixture
def graded(tmp_path, monkeypatch):
    """RESULTS with a course gradebook (two autograded points cells of 3, one manual of 4) and
    its feedback; the collected.csv of the two students and of one rejected student."""
    from nbgrader.api import Gradebook

    results, db = results_folder(tmp_path, monkeypatch)
    with Gradebook(db) as gb:
        gb.add_assignment("unit1_de")
        gb.add_notebook(NB, "unit1_de")
        gb.add_grade_cell("auto", NB, "unit1_de", max_score=6, cell_type="code")
        gb.add_grade_cell("written", NB, "unit1_de", max_score=4, cell_type="markdown")
        for sid, (_, auto, manual) in STUDENTS.items():
            gb.add_student(sid)
            gb.add_submission("unit1_de", sid)
            grade = gb.find_grade("auto", NB, "unit1_de", sid)
            grade.auto_score, grade.needs_manual_grade = auto, False  # as SaveAutoGrades does
            grade = gb.find_grade("written", NB, "unit1_de", sid)
            grade.needs_manual_grade = manual is None
            grade.manual_score = manual
            gb.db.commit()
            feedback = results / "feedback" / sid / "unit1_de" / f"{NB}.html"
            feedback.parent.mkdir(parents=True)
            feedback.write_text(f"<p>feedback {sid}</p>")
    collected = tmp_path / "subs-collected.csv"
    header = ["student", "assignment", "notebook", "platform", "platform_id", "folder", "source",
              "name", "first", "last", "email", "idnumber", "login"]
    with open(collected, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        for sid, (fields, _, _) in list(STUDENTS.items()) + [("4711009", ({}, 0, 0))]:
            w.writerow({"student": sid, "assignment": "unit1_de", "notebook": NB,
                        "platform": "moodle", "source": f"{sid}.ipynb", "idnumber": sid,
                        **fields})
    return results, collected


def test_moodle_grades_csv_and_feedback_zip(graded, tmp_path, capsys):
    results, collected = graded
    out = tmp_path / "moodle"
    assert main(["export", str(results), "--collected", str(collected), "--platform", "moodle",
                 "--out", str(out), "--id", "email"]) == 0
    rows = list(csv.reader(io.StringIO((out / "moodle-grades-unit1_de.csv").read_text())))
    assert rows[0] == ["Email address", "unit1_de"]
    # Zoë: 4 autograded + 2.5 manual; Jürgen: 1 (manual pending); 4711009 was not graded
    assert sorted(rows[1:]) == [["j.gross@uni.example", "1"],
                                ["zoe.aehnlich@uni.example", "6.5"]]
    err = capsys.readouterr().err
    assert "4711009" in err and "manual grading pending" in err
    with zipfile.ZipFile(out / "moodle-feedback-unit1_de.zip") as z:
        names = z.namelist()
        for name in names:  # importziplib (before 4.1): explode('_', path, 5)
            info = name.split("_", 4)
            assert info[1] in {"104233", "104240"} and info[2:4] == ["assignsubmission", "file"]
            assert info[4] == f"/{NB}_feedback.html"
        zoe = f"Zoë Ähnlich-Brandt_104233_assignsubmission_file_/{NB}_feedback.html"
        assert z.read(zoe) == b"<p>feedback 4711001</p>"
    assert len(names) == 2


def test_ilias_multi_feedback_zip_with_status_file(graded, tmp_path):
    results, collected = graded
    rows = list(csv.DictReader(open(collected, encoding="utf-8")))
    for r, (sid, folder) in zip(rows, [("6021", "Aehnlich-Brandt_Zoe_zaehnlich_6021"),
                                       ("6022", "Gross_Juergen_jgross_6022"),
                                       ("6029", "X_Y_z_6029")], strict=True):
        r.update(platform="ilias", platform_id=sid, folder=folder)
    with open(collected, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "ilias"
    assert main(["export", str(results), "--collected", str(collected), "--platform", "ilias",
                 "--out", str(out)]) == 0
    with zipfile.ZipFile(out / "ilias-unit1_de.zip") as z:
        names = set(z.namelist())
        status = list(csv.DictReader(io.StringIO(z.read(
            "multi_feedback_unit1_de/status.csv").decode())))
    users = set()
    for name in names - {"multi_feedback_unit1_de/status.csv"}:
        top, folder, file = Path(name).parts  # getMultiFeedbackFiles: top dir, user dir, file
        assert top.startswith("multi_feedback") and file == f"{NB}_feedback.html"
        users.add(int(folder.split("_")[-1]))
    assert users == {6021, 6022}
    assert list(status[0]) == ["update", "usr_id", "login", "lastname", "firstname", "status",
                               "mark", "notice", "comment", "plagiarism", "plag_comment"]
    assert [(s["update"], s["usr_id"], s["login"], s["status"], s["mark"]) for s in status] == [
        ("1", "6021", "zaehnlich", "passed", "6.5"),
        ("1", "6022", "jgross", "notgraded", "1"),  # Jürgen's written answer is not graded yet
        ("1", "6029", "", "notgraded", "")]  # rejected: listed without a grade
    assert status[0]["lastname"] == "Ähnlich-Brandt"


LEA = {"student": "4711005", "assignment": "unit1_de", "notebook": "", "platform": "",
       "platform_id": "", "folder": "", "source": "", "name": "Lea Neu", "first": "Lea",
       "last": "Neu", "email": "lea.neu@uni.example", "idnumber": "4711005", "login": "lneu"}


@pytest.mark.parametrize("platform", ["moodle", "ilias"])
def test_every_roster_student_is_listed(graded, tmp_path, capsys, platform):
    """Lea Neu is on the roster and submitted nothing (collect wrote her row without a
    notebook): the import files list her without a grade, and the screen names her."""
    results, collected = graded
    rows = list(csv.DictReader(open(collected, encoding="utf-8")))
    for r in rows + [LEA]:
        r.update(platform=platform, platform_id={"4711005": "6025"}.get(r["student"], "6021"))
    with open(collected, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows + [LEA])
    out = tmp_path / platform
    assert main(["export", str(results), "--collected", str(collected), "--platform", platform,
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "4711005 (Lea Neu): no submission collected for unit1_de" in err
    if platform == "moodle":
        grades = list(csv.reader(io.StringIO((out / "moodle-grades-unit1_de.csv").read_text())))
        assert ["lea.neu@uni.example", ""] in grades  # an empty grade: none given
        with zipfile.ZipFile(out / "moodle-feedback-unit1_de.zip") as z:
            assert len(z.namelist()) == 2  # no feedback without a submission
    else:
        with zipfile.ZipFile(out / "ilias-unit1_de.zip") as z:
            status = list(csv.DictReader(io.StringIO(z.read(
                "multi_feedback_unit1_de/status.csv").decode())))
        lea = [s for s in status if s["login"] == "lneu"]
        assert [(s["usr_id"], s["lastname"], s["status"], s["mark"]) for s in lea] == [
            ("6025", "Neu", "notgraded", "")]
