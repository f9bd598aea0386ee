"""collect: Moodle and ILIAS downloads (made-up students, umlauts, a duplicate name, files that
belong to nobody) -> nbgrader's submitted layout and the list of what was not collected."""

import csv
import unicodedata
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.collect import read_roster

NB = "1_relu_kettenregel"  # the notebook of unit1_de


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def layout(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in Path(folder).rglob("*") if p.is_file()}


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


# Moodle's grading worksheet (Download grading worksheet), as Moodle 4 writes it
WORKSHEET = """Identifier,Full name,Email address,ID number,Status,Grade,Maximum Grade
Participant 104233,Zoë Ähnlich-Brandt,zoe.aehnlich@uni.example,4711001,Submitted,,10.00
Participant 104240,Jürgen Groß,j.gross@uni.example,4711002,Submitted,,10.00
Participant 104250,Anna Schmidt,anna.schmidt@uni.example,4711003,Submitted,,10.00
Participant 104251,Anna Schmidt,a.schmidt2@uni.example,4711004,Submitted,,10.00
"""
# Moodle's participants export: no participant numbers, so names must be unique
PARTICIPANTS = """First name,Last name,ID number,Email address
Zoë,Ähnlich-Brandt,4711001,zoe.aehnlich@uni.example
Jürgen,Groß,4711002,j.gross@uni.example
Anna,Schmidt,4711003,anna.schmidt@uni.example
Anna,Schmidt,4711004,a.schmidt2@uni.example
"""
MOODLE = {  # path in the zip -> bytes (three folder/file styles of Moodle versions)
    "Zoë Ähnlich-Brandt_104233_assignsubmission_file_/1_relu_kettenregel.ipynb": b"zoe",
    "Jürgen Groß_104240_assignsubmission_file/Einheit 1 (fertig).ipynb": b"juergen",
    "Jürgen Groß_104240_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>",
    "Anna Schmidt_104250_assignsubmission_file_1_relu_kettenregel.ipynb": b"anna1",
    "Anna Schmidt_104251_assignsubmission_file_/1_relu_kettenregel.ipynb": b"anna2",
    "Max Mustermann_104299_assignsubmission_file_/1_relu_kettenregel.ipynb": b"max",
}


def moodle_zip(tmp_path):
    path = tmp_path / "UE-Einheit 1-Alle Abgaben.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in MOODLE.items():
            z.writestr(name, data)
    return path


def test_moodle_zip_with_the_grading_worksheet(tmp_path, capsys):
    roster = write(tmp_path / "worksheet.csv", WORKSHEET)
    out = tmp_path / "subs"
    assert main(["collect", str(moodle_zip(tmp_path)), "--assignment", "unit1_de",
                 "--roster", str(roster), "--out", str(out)]) == 0
    assert layout(out) == {f"4711001/unit1_de/{NB}.ipynb": b"zoe",
                           f"4711002/unit1_de/{NB}.ipynb": b"juergen",
                           f"4711003/unit1_de/{NB}.ipynb": b"anna1",
                           f"4711004/unit1_de/{NB}.ipynb": b"anna2"}
    unmatched = {r["source"]: r["reason"] for r in read_csv(f"{out}-unmatched.csv")}
    assert set(unmatched) == {
        "Jürgen Groß_104240_assignsubmission_onlinetext_/onlinetext.html",
        "Max Mustermann_104299_assignsubmission_file_/1_relu_kettenregel.ipynb"}
    assert "not a notebook" in unmatched["Jürgen Groß_104240_assignsubmission_onlinetext_/"
                                         "onlinetext.html"]
    assert "104299" in unmatched["Max Mustermann_104299_assignsubmission_file_/"
                                 "1_relu_kettenregel.ipynb"]
    collected = {r["student"]: r for r in read_csv(f"{out}-collected.csv")}
    assert collected["4711001"]["folder"] == "Zoë Ähnlich-Brandt_104233_assignsubmission_file"
    assert collected["4711001"]["platform"] == "moodle"
    assert collected["4711004"]["platform_id"] == "104251"
    assert "Max Mustermann" in capsys.readouterr().out
    # a second assignment into the same folder: the list keeps the first one's students
    assert main(["collect", str(moodle_zip(tmp_path)), "--assignment", "unit1_en",
                 "--roster", str(roster), "--out", str(out)]) == 0
    rows = read_csv(f"{out}-collected.csv")
    assert sorted((r["assignment"], r["student"]) for r in rows) == sorted(
        (a, s) for a in ("unit1_de", "unit1_en") for s in ("4711001", "4711002", "4711003",
                                                           "4711004"))
    assert (out / "4711001" / "unit1_en" / "1_relu_chain_rule.ipynb").read_bytes() == b"zoe"


def test_moodle_folder_unpacked_on_a_mac_with_a_participants_roster(tmp_path):
    """A macOS unpacked folder has decomposed umlauts (NFD); the participants export has no
    participant numbers, so the two Anna Schmidts cannot be told apart: both are listed."""
    download = tmp_path / "download"
    for name, data in MOODLE.items():
        path = download / unicodedata.normalize("NFD", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    roster = write(tmp_path / "participants.csv", PARTICIPANTS, encoding="utf-8-sig")
    out = tmp_path / "subs"
    assert main(["collect", str(download), "--assignment", "unit1_de", "--roster", str(roster),
                 "--out", str(out)]) == 0
    assert layout(out) == {f"4711001/unit1_de/{NB}.ipynb": b"zoe",
                           f"4711002/unit1_de/{NB}.ipynb": b"juergen"}
    unmatched = {r["source"]: r["reason"] for r in read_csv(f"{out}-unmatched.csv")}
    anna = [reason for source, reason in unmatched.items() if source.startswith("Anna")]
    assert len(anna) == 2 and all("2 times" in reason for reason in anna)
    assert len(unmatched) == 6  # the Annas' two files, the online text, Max Mustermann
    # ... and the two Annas of the roster, who now have no collected notebook
    assert {s for s in unmatched if s.startswith("roster: ")} == {
        "roster: 4711003 (Anna Schmidt)", "roster: 4711004 (Anna Schmidt)"}
    assert sorted(layout(download).values()) == sorted(MOODLE.values())  # only read


# ILIAS's member list export (German, semicolon separated, with BOM)
ILIAS_MEMBERS = """Login;Vorname;Nachname;E-Mail;Matrikelnummer
zaehnlich;Zoë;Ähnlich-Brandt;zoe.aehnlich@uni.example;4711001
jgross;Jürgen;Groß;j.gross@uni.example;4711002
aschmidt;Anna;Schmidt;anna.schmidt@uni.example;4711003
aschmidt2;Anna;Schmidt;a.schmidt2@uni.example;4711004
"""
ILIAS = {
    "Übung 1/Einheit 1/Abgaben/Aehnlich-Brandt_Zoe_zaehnlich_6021/1_relu_kettenregel.ipynb":
        b"zoe",
    "Übung 1/Einheit 1/Abgaben/Gross_Juergen_jgross_6022/20261128101500_meine_loesung.ipynb":
        b"juergen",
    "Übung 1/Einheit 1/Abgaben/Schmidt_Anna_aschmidt_6023/1_relu_kettenregel.ipynb": b"anna1",
    "Übung 1/Einheit 1/Abgaben/Schmidt_Anna_aschmidt2_6024/1_relu_kettenregel.ipynb": b"anna2",
    "Übung 1/Einheit 1/Abgaben/Schmidt_Anna_aschmidt2_6024/Notizen.ipynb": b"notes",
    "Übung 1/Einheit 1/Abgaben/Mustermann_Max_mmuster_6099/1_relu_kettenregel.ipynb": b"max",
    "Übung 1/Einheit 1/Einheit 1.xlsx": b"xlsx",
}


def test_ilias_folder(tmp_path):
    download = tmp_path / "ilias"
    for name, data in ILIAS.items():
        (download / name).parent.mkdir(parents=True, exist_ok=True)
        (download / name).write_bytes(data)
    roster = write(tmp_path / "mitglieder.csv", ILIAS_MEMBERS, encoding="utf-8-sig")
    out = tmp_path / "subs"
    assert main(["collect", str(download), "--assignment", "unit1_de", "--roster", str(roster),
                 "--out", f"{out}/"]) == 0  # the lists go next to the folder, not into it
    assert layout(out) == {f"4711001/unit1_de/{NB}.ipynb": b"zoe",
                           f"4711002/unit1_de/{NB}.ipynb": b"juergen",
                           f"4711003/unit1_de/{NB}.ipynb": b"anna1",
                           f"4711004/unit1_de/{NB}.ipynb": b"anna2"}
    unmatched = {r["source"].rsplit("/", 2)[-2]: r["reason"]
                 for r in read_csv(f"{out}-unmatched.csv")}
    assert set(unmatched) == {"Schmidt_Anna_aschmidt2_6024", "Mustermann_Max_mmuster_6099",
                              "Einheit 1"}
    assert f"only {NB}.ipynb is graded" in unmatched["Schmidt_Anna_aschmidt2_6024"]
    assert "6099" in unmatched["Mustermann_Max_mmuster_6099"]
    collected = {r["student"]: r for r in read_csv(f"{out}-collected.csv")}
    assert collected["4711002"]["folder"] == "Gross_Juergen_jgross_6022"
    assert collected["4711002"]["platform"] == "ilias"


def test_collect_does_not_overwrite_and_roster_problems_are_listed(tmp_path):
    roster = write(tmp_path / "worksheet.csv", WORKSHEET + "Participant 104260,Ödön Kovács,,,,,\n")
    out = tmp_path / "subs"
    target = out / "4711001" / "unit1_de" / f"{NB}.ipynb"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"graded before")
    assert main(["collect", str(moodle_zip(tmp_path)), "--assignment", "unit1_de",
                 "--roster", str(roster), "--out", str(out)]) == 0
    assert target.read_bytes() == b"graded before"
    assert "4711001" in {r["student"] for r in read_csv(f"{out}-collected.csv")}  # still mapped
    reasons = [r["reason"] for r in read_csv(f"{out}-unmatched.csv")]
    assert any("exists with other content" in r for r in reasons)
    assert any(r.startswith("roster: no matriculation number") for r in reasons)


def test_roster_students_without_a_submission_are_listed(tmp_path, capsys):
    """Lea Neu is on the roster but submitted nothing: the instructor learns it from collect
    (run summary and unmatched.csv), not from a missing line in the platform's grade import."""
    roster = write(tmp_path / "worksheet.csv",
                   WORKSHEET + "Participant 104270,Lea Neu,lea.neu@uni.example,4711005,"
                   "No submission,,10.00\n")
    out = tmp_path / "subs"
    assert main(["collect", str(moodle_zip(tmp_path)), "--assignment", "unit1_de",
                 "--roster", str(roster), "--out", str(out)]) == 0
    rows = [r for r in read_csv(f"{out}-unmatched.csv") if r["source"].startswith("roster: ")]
    assert [r["source"] for r in rows] == ["roster: 4711005 (Lea Neu)"]
    assert "no notebook" in rows[0]["reason"]
    printed = capsys.readouterr().out
    assert "roster students with no collected notebook (1): 4711005 (Lea Neu)" in printed
    # export lists her too: collected.csv has her row without a notebook
    lea = [r for r in read_csv(f"{out}-collected.csv") if r["student"] == "4711005"]
    assert [(r["notebook"], r["source"], r["platform_id"], r["email"]) for r in lea] == [
        ("", "", "104270", "lea.neu@uni.example")]


def test_roster_ids_follow_the_student_id_rule(tmp_path):
    roster = read_roster(write(tmp_path / "r.csv", "Full name;ID number\nA B;12 34\nC D;1234\n"))
    assert [s.id for s in roster.students] == ["1234"]
    assert "ASCII letters" in roster.problems[0][1]


class _RawName(zipfile.ZipInfo):
    """A zip entry whose name is written as the given bytes without the UTF-8 flag, as Info-ZIP
    (UTF-8 bytes) and Windows' "compressed folder" (the OEM code page) write names."""

    def __init__(self, raw, **kw):
        super().__init__(raw.decode("latin-1"), **kw)
        self.raw = raw

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


WORKSHEET_PT = WORKSHEET + "Participant 104280,João Ørsted,joao@uni.example,4711006,,,10.00\n"
JOAO = "João Ørsted_104280_assignsubmission_file_/1_relu_kettenregel.ipynb"


@pytest.mark.parametrize("encoding", ["utf-8 flag", "utf-8", "cp437", "cp850"])
def test_zip_names_with_and_without_the_utf8_flag(tmp_path, capsys, encoding):
    """Names of a zip read as the archiver wrote them: no mojibake on screen, in unmatched.csv,
    collected.csv (whose folders name the feedback zip's folders)."""
    files = dict(MOODLE)
    if encoding != "cp437":  # CP437 has no ã, Ø
        files[JOAO] = b"joao"
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            if encoding == "utf-8 flag":
                z.writestr(name, data)
            else:
                z.writestr(_RawName(name.encode(encoding)), data)
    with zipfile.ZipFile(path) as z:  # as written: flagged or not
        assert all(bool(i.flag_bits & 0x800) == (encoding == "utf-8 flag")
                   for i in z.infolist() if not i.filename.isascii())
    out = tmp_path / "subs"
    assert main(["collect", str(path), "--assignment", "unit1_de",
                 "--roster", str(write(tmp_path / "worksheet.csv", WORKSHEET_PT)),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Max Mustermann_104299_assignsubmission_file_/1_relu_kettenregel.ipynb" in printed
    unmatched = {r["source"] for r in read_csv(f"{out}-unmatched.csv")}
    assert "Jürgen Groß_104240_assignsubmission_onlinetext_/onlinetext.html" in unmatched
    folders = {r["student"]: r["folder"] for r in read_csv(f"{out}-collected.csv")}
    assert folders["4711001"] == "Zoë Ähnlich-Brandt_104233_assignsubmission_file"
    assert folders["4711002"] == "Jürgen Groß_104240_assignsubmission_file"
    if encoding != "cp437":
        assert folders["4711006"] == "João Ørsted_104280_assignsubmission_file"
    assert (out / "4711002" / "unit1_de" / f"{NB}.ipynb").read_bytes() == b"juergen"
