"""Manual grading end to end: a Moodle download is collected and graded, an instructor gives points
to a written answer in nbgrader's formgrader (headless Chromium), and ``export`` then includes
them in the grade Moodle imports."""

from __future__ import annotations

import csv
import io
import os
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, FormgraderServer, launch_chromium

from autograder.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1200)]
WORKSHEET = """Identifier,Full name,Email address,ID number
Participant 104233,Zoë Ähnlich-Brandt,zoe.aehnlich@uni.example,4711001
"""


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def gradebook_grades(course, assignment, student, notebook):
    """grade id -> (manual score, max score, needs manual grade) from the course gradebook."""
    from nbgrader.api import Gradebook
    from traitlets.config.loader import PyFileConfigLoader

    db_url = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config() \
        .CourseDirectory.db_url
    with Gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = gb.find_submission_notebook(notebook, assignment, student)
        return nb.id, {g.name: (g.manual_score, float(g.max_score), bool(g.needs_manual_grade))
                       for g in nb.grades}


def wait_for(condition, timeout, what):
    """Poll ``condition()`` until it is true (generous deadline for a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout} s: {what}")


def test_points_given_in_formgrader_reach_the_moodle_export(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    # one student's notebook (the reference answers; the written answers wait for manual
    # grading), downloaded from Moodle
    klass = tmp_path / "class"
    assert main(["example-class", "--out", str(klass), "--students", "1", "--units", "unit1"]) == 0
    expected = read_csv(klass / "expected.csv")[0]
    assignment, notebook = expected["assignment"], expected["notebook"]
    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as z:
        z.write(klass / "s000" / assignment / f"{notebook}.ipynb",
                f"Zoë Ähnlich-Brandt_104233_assignsubmission_file_/{notebook}.ipynb")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(WORKSHEET, encoding="utf-8")
    subs, results = tmp_path / "subs", tmp_path / "results"
    assert main(["collect", str(download), "--assignment", assignment, "--roster", str(roster),
                 "--out", str(subs)]) == 0
    assert main(["grade", str(subs), "--out", str(results), "--workers", "1",
                 "--units", "unit1"]) == 0
    course = results / "course"
    nb_id, grades = gradebook_grades(course, assignment, "4711001", notebook)
    written = sorted(gid for gid, (_, _, pending) in grades.items() if pending)
    assert written, "the reference submission has written answers waiting for manual grading"
    gid = written[0]
    points = grades[gid][1] / 2

    server = FormgraderServer(course, tmp_path / "formgrader")
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                # the token on every request (formgrader's own API calls carry no token)
                page = browser.new_context(extra_http_headers={
                    "Authorization": f"token {server.token}"}).new_page()
                page.goto(server.page_url(f"formgrader/submissions/{nb_id}/"), timeout=120_000)
                # formgrader's view of the grade is ready once it marked the input as waiting
                # for a manual grade (typing earlier is overwritten when the grades load)
                score = page.locator(f"input.score.needs_manual_grade#{gid}")
                score.wait_for(state="visible", timeout=120_000)
                score.fill(str(points))
                score.press("Tab")  # formgrader saves on change
                wait_for(lambda: gradebook_grades(course, assignment, "4711001", notebook)[1]
                         [gid][0] == points, 120, f"formgrader saved {points} points for {gid}")
            finally:
                browser.close()
    finally:
        server.stop()

    # the report counts the manual points (its scores are the gradebook's)
    from types import SimpleNamespace

    from autograder.report import gradebook_scores

    db_url = f"sqlite:///{results / 'gradebook.db'}"
    scores = gradebook_scores(SimpleNamespace(db_url=db_url),
                              [{"student": "4711001", "assignment": assignment}])
    total = float(expected["expected_score"]) + points
    assert scores[("4711001", assignment, notebook)][0] == pytest.approx(total)

    out = tmp_path / "import"
    assert main(["export", str(results), "--collected", f"{subs}-collected.csv",
                 "--platform", "moodle", "--id", "idnumber", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO((out / f"moodle-grades-{assignment}.csv").read_text())))
    assert rows[0] == ["ID number", assignment]
    assert rows[1][0] == "4711001"
    assert float(rows[1][1]) == pytest.approx(total)
    assert Path(results / "grades.csv").exists()
