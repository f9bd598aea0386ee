"""The instructor commands speak the instructor's language: German under a German locale
(LC_ALL, LC_MESSAGES, LANG), English otherwise, ``--language`` forces one; counts have the right
plural; paths are joined, never glued with an empty part."""

import io
import re

import pytest
from test_autograder_collect import WORKSHEET, moodle_zip, write

from autograder import language
from autograder.cli import main
from autograder.grade import summarize
from autograder.progress import Progress

# words of the English messages that no German message contains
ENGLISH = re.compile(r"\b(submissions?|notebooks|workers?|graded|rejected files|unchanged|"
                     r"results|note|collected|confined|expected scores|preparing|grading|"
                     r"elapsed|roster students|not a notebook|no roster row)\b")


def english(text):
    """The first English message word in ``text`` outside paths (a path names folders of the
    tests and the download), or None."""
    found = ENGLISH.search(re.sub(r"\S*/\S*", " ", text))
    return found and found.group()


@pytest.mark.parametrize("variables", [{"LANG": "de_DE.UTF-8"},
                                       {"LANG": "en_GB.UTF-8", "LC_MESSAGES": "de_AT.UTF-8"},
                                       {"LANG": "C", "LC_ALL": "de_CH.UTF-8"}])
def test_the_locale_chooses_german(monkeypatch, variables):
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    assert language.instructor_language() == "de"
    language.force("en")
    assert language.instructor_language() == "en"


@pytest.mark.slow
def test_grade_speaks_the_locale_with_correct_plurals(tmp_path, capsys, monkeypatch):
    """"0 to grade with 1 workers" was English under any locale and the wrong plural."""
    empty = tmp_path / "submissions"
    empty.mkdir()
    out = tmp_path / "results"
    args = ["grade", str(empty), "--out", str(out), "--units", "unit1", "--workers", "1"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "0 submissions (0 notebooks), 0 rejected files" in err
    assert "to grade with 1 worker\n" in err and "1 workers" not in err
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "0 Abgaben (0 Notebooks), 0 abgelehnte Dateien" in err
    assert "zu bewerten mit 1 Bewertungsprozess\n" in err
    assert "Ergebnisse:" in err and not english(err), english(err)
    assert main(["--language", "en", *args]) == 0  # forced
    assert "results:" in capsys.readouterr().err


def test_summary_and_progress_in_german(tmp_path):
    run = {"graded": 1, "rejected": 1, "executed": 1, "from_cache": 0, "seconds": 12.25,
           "prepare_seconds": 3.5, "notebook_seconds": [8.75], "workers": 1,
           "reasons": {"invalid JSON": 1}, "review": 1, "misconceptions": []}
    text = summarize(run, tmp_path, "de")
    assert text.startswith("1 Notebook bewertet (1 ausgeführt, 0 unverändert aus dem Cache), "
                           "1 Datei abgelehnt, in 12,2 s (Kurs 3,5 s; 8,8 s je")
    assert "von Hand ansehen (1 Notebook): " in text
    assert not english(text.replace("invalid JSON", "")), english(text)
    in_english = summarize(run, tmp_path, "en")
    assert in_english.startswith("graded 1 notebook (1 executed") and "rejected 1 file," in \
        in_english and "to review by hand (1 notebook): " in in_english
    language.force("de")
    stream = io.StringIO()
    progress = Progress(2, "Bewertung", stream=stream)
    progress.update(2)
    assert "2/2" in stream.getvalue() and "vergangen" in stream.getvalue()
    assert not english(stream.getvalue())


@pytest.mark.slow
def test_example_class_joins_its_path(tmp_path, capsys, monkeypatch):
    """`class//expected.csv`: the folder given with a slash was glued to "/expected.csv"."""
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    out = f"{tmp_path}/class/"
    assert main(["example-class", "--out", out, "--students", "1", "--units", "unit1"]) == 0
    captured = capsys.readouterr()
    assert f"{tmp_path}/class/expected.csv" in captured.out and "//" not in captured.out
    assert "erwartete Punkte" in captured.out and "Beispielklasse" in captured.err
    assert not english(captured.out + captured.err)


def test_collect_speaks_the_locale(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    roster = write(tmp_path / "worksheet.csv",
                   WORKSHEET + "Participant 104270,Lea Neu,lea.neu@uni.example,4711005,,,10.00\n")
    assert main(["collect", str(moodle_zip(tmp_path)), "--assignment", "unit1_de",
                 "--roster", str(roster), "--out", str(tmp_path / "subs")]) == 0
    printed = capsys.readouterr().out
    assert "4 Notebooks eingesammelt" in printed and "kein Notebook (.ipynb)" in printed
    assert "Studierende der Liste ohne eingesammeltes Notebook (1): 4711005 (Lea Neu)" in printed
    # only the download's own names (Max Mustermann's path, "onlinetext") are not German
    assert not english(printed), english(printed)


def test_names_a_student_chose_cannot_steer_the_terminal(tmp_path, capsys):
    """A file in the download named with an escape sequence (clear the screen, set the window
    title) and a bidirectional override: printed as U+FFFD, never as the control itself."""
    import zipfile

    path = moodle_zip(tmp_path)
    evil = "Eve_104299_assignsubmission_file_/\x1b[2J\x1b]0;pwned\x07\u202eenoteb.ipynb"
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(evil, b"{}")
    roster = write(tmp_path / "worksheet.csv", WORKSHEET)
    assert main(["collect", str(path), "--assignment", "unit1_de", "--roster", str(roster),
                 "--out", str(tmp_path / "subs")]) == 0
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "enoteb.ipynb" in shown  # the file is named ...
    assert not any(c in shown for c in "\x1b\x07\u202e")  # ... without its controls
    assert "\ufffd[2J" in shown
