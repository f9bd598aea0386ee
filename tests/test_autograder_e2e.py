"""Slow: release, example class, grade (2 workers, 1 worker, Dask), cache, rejects, feedback.

One small class (unit 1, four students: reference, blank, partial, typical mistakes; de and en)
is made once and graded once with two workers; the other tests compare against that run.
"""

import csv
import fcntl
import hashlib
import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from autograder import csvfile
from autograder.cli import main

# grading a class on a busy machine (the shared class is graded in the first test that needs it,
# the other xdist worker waits for it); the nbgrader runs fail with their own message (300 s) first
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
UNITS = "unit1"
STUDENTS = 4


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def grades(results):
    return {(r["student"], r["assignment"], r["notebook"]): (float(r["score"]),
                                                             float(r["max_score"]))
            for r in read_csv(Path(results) / "grades.csv")}


def run_info(results):
    return json.loads((Path(results) / "run.json").read_text())


def hashes(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def html_text(path):
    """The visible text of an HTML file (tags removed, entities decoded)."""
    text = Path(path).read_text()
    text = re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.fixture(scope="session")
def graded(tmp_path_factory, worker_id):
    """(submissions, results, sha256 of the submissions before grading), made once per run
    (pytest-xdist workers share it through a lock file)."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if worker_id != "master" else base) / "autograder-class"
    with open(f"{root}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        submissions, results = root / "submissions", root / "results"
        done = root / "before.json"
        if not done.exists():
            assert main(["example-class", "--out", str(submissions), "--students",
                         str(STUDENTS), "--units", UNITS]) == 0
            before = {str(k): v for k, v in hashes(submissions).items()}
            assert main(["grade", str(submissions), "--out", str(results), "--workers", "2",
                         "--units", UNITS]) == 0
            done.write_text(json.dumps(before))
    before = {Path(k): v for k, v in json.loads(done.read_text()).items()}
    return submissions, results, before


def test_grades_match_expected_scores(graded):
    submissions, results, _ = graded
    expected = {(r["student"], r["assignment"], r["notebook"]): float(r["expected_score"])
                for r in read_csv(submissions / "expected.csv")}
    got = grades(results)
    assert {k: v[0] for k, v in got.items()} == expected
    variants = {r["variant"] for r in read_csv(submissions / "expected.csv")}
    assert variants == {"reference", "blank", "partial", "mistakes"}
    assert {k[1] for k in got} == {"unit1_de", "unit1_en"}
    scores = sorted(v[0] for v in got.values())
    assert scores[0] == 0 and len(set(scores)) >= 3  # blank, partial/mistakes, reference
    assert read_csv(results / "rejected.csv") == []
    assert (results / "report.png").stat().st_size > 10_000


def test_misconception_table_is_the_mistakes_the_class_was_built_with(graded):
    """Every wrong answer the example class was built with (its typical mistake, or a slip that
    matches none) is counted once in misconceptions.csv, nothing else; the summary's top three
    are the most frequent typical mistakes."""
    submissions, results, _ = graded
    made = Counter()
    for row in read_csv(submissions / "expected.csv"):
        for item in row["mistakes"].split():
            exercise, mistake = item.split(":")
            made[(exercise, mistake)] += 1
    assert any(m for _, m in made) and any(not m for _, m in made)  # both kinds occur
    with open(results / "misconceptions.csv", newline="", encoding="utf-8") as f:
        table = [[csvfile.original(v) for v in row]  # as written ('-' for "-", csvfile)
                 for row in list(csv.reader(f))[1:]]  # the header is in the instructor's language
    assert {(ex, m): int(n) for _, ex, m, _, n in table if int(n) and m != "-"} == dict(made)
    assert any(m == "-" and int(n) for _, _, m, _, n in table)  # the blank answers, not solved
    assert all(text for *_, text, _ in table)  # every row is described
    top = run_info(results)["misconceptions"]
    named = sorted((n for (_, m), n in made.items() if m), reverse=True)
    assert [row[4] for row in top] == named[:3]
    assert all(made[(row[1], row[2])] == row[4] for row in top)


def test_gradebook_agrees_with_grades_csv(graded):
    from nbgrader.api import Gradebook

    submissions, results, _ = graded
    got = grades(results)
    variants = {(r["student"], r["assignment"]): r["variant"]
                for r in read_csv(submissions / "expected.csv")}
    with Gradebook(f"sqlite:///{results / 'gradebook.db'}") as gb:
        rows = {}
        for (student, assignment, notebook) in got:
            nb = gb.find_submission_notebook(notebook, assignment, student)
            rows[(student, assignment, notebook)] = (float(nb.score), float(nb.max_score))
            # written answers wait for formgrader; unchanged blank ones get 0 automatically
            assert nb.needs_manual_grade == (variants[(student, assignment)] != "blank")
        assert len(gb.students) == STUDENTS
        assert sum(len(a.submissions) for a in gb.assignments) == len(got)
    assert rows == got


def test_submissions_are_not_modified(graded):
    submissions, _, before = graded
    assert hashes(submissions) == before


def test_feedback_shows_no_hidden_tests_and_no_solutions(graded):
    submissions, results, _ = graded
    files = sorted((results / "feedback").rglob("*.html"))
    assert len(files) == STUDENTS
    source = {p.parent.name: nbformat.read(p, as_version=4)
              for p in (results / "course" / "source").glob("*/*.ipynb")}
    variants = {(r["student"], r["assignment"]): r["variant"]
                for r in read_csv(submissions / "expected.csv")}
    for path in files:
        student, assignment = path.parent.parent.name, path.parent.name
        text = html_text(path)
        assert "hidden=True" not in text and "HIDDEN TESTS" not in text
        assert "BEGIN SOLUTION" not in text
        assert "✔" in text or "✘" in text
        if assignment.endswith("_de"):  # the labels in the student's language
            assert "Punkte:" in text and "nach oben" in text and "Score:" not in text
        else:
            assert "Score:" in text and "Punkte:" not in text
        if variants[(student, assignment)] != "blank":
            continue
        for cell in source[assignment].cells:  # no line of any reference solution
            if cell.metadata.get("nbgrader", {}).get("solution"):
                solution = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source,
                                      re.DOTALL)
                for line in "".join(solution).splitlines():
                    if len(line.strip()) > 12:
                        assert line.strip() not in text, (path, line)


def test_rerun_takes_everything_from_the_cache(graded, tmp_path):
    submissions, results, _ = graded
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    assert main(["grade", str(submissions), "--out", str(copy), "--workers", "2",
                 "--units", UNITS]) == 0
    assert run_info(copy)["executed"] == 0 and run_info(copy)["from_cache"] == STUDENTS
    assert grades(copy) == grades(results)

    # a changed submission (the blank student now answers b) is graded again, only it
    student, assignment, notebook = next(
        (r["student"], r["assignment"], r["notebook"]) for r in read_csv(
            submissions / "expected.csv") if r["variant"] == "blank")
    changed = tmp_path / "submissions"
    shutil.copytree(submissions, changed)
    path = changed / student / assignment / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "u1_dz_dw2")
    cell.source = 'dz_dw2 = "x2"'
    nbformat.write(nb, path)
    assert main(["grade", str(changed), "--out", str(copy), "--workers", "2",
                 "--units", UNITS]) == 0
    assert run_info(copy)["executed"] == 1
    new, old = grades(copy), grades(results)
    key = (student, assignment, notebook)
    assert new[key][0] == old[key][0] + 1
    assert {k: v for k, v in new.items() if k != key} == {k: v for k, v in old.items() if k != key}


def some_students(submissions, target, students):
    for student in students:
        shutil.copytree(submissions / student, target / student)
    return target


def only(rows, students):
    return {k: v for k, v in rows.items() if k[0] in students}


def test_one_worker_same_grades_and_bad_files_rejected(graded, tmp_path):
    submissions, results, _ = graded
    students = ("s002", "s003")  # (the Dask test grades the others)
    mixed = some_students(submissions, tmp_path / "submissions", students)
    good = next(mixed.glob("s002/*/*.ipynb"))
    other = next(p for p in mixed.glob("*/*/*.ipynb") if p.parent.name != good.parent.name)

    def bad(student, data, assignment=good.parent.name, name=good.name):
        (mixed / student / assignment).mkdir(parents=True)
        (mixed / student / assignment / name).write_bytes(data)

    bad("x1", b"{not json")
    bad("x2", b"\xff\xfe" + good.read_bytes())
    bad("x3", other.read_bytes())  # the other language's notebook
    bad("x4", good.read_bytes(), assignment="unit99_de")
    nb = json.loads(good.read_bytes())
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "u1_dz_dw2"]
    bad("x5", json.dumps(nb).encode())
    nb = json.loads(good.read_bytes())
    nb["nbformat"] = 3
    bad("x6", json.dumps(nb).encode())
    bad("x7", good.read_bytes(), name="renamed.ipynb")

    out = tmp_path / "results"
    assert main(["grade", str(mixed), "--out", str(out), "--workers", "1",
                 "--units", UNITS]) == 0
    assert grades(out) == only(grades(results), students)
    reasons = {r["student"]: r["reason"] for r in read_csv(out / "rejected.csv")}
    assert reasons["x1"].startswith("invalid JSON")
    assert reasons["x2"] == "not UTF-8"
    assert reasons["x3"].startswith("notebook of another unit/language")
    assert reasons["x4"].startswith("unknown assignment (known: ") and "unit1_de" in reasons["x4"]
    assert reasons["x5"].startswith("removed grade ids: u1_dz_dw2")
    assert reasons["x6"].startswith("wrong nbformat 3")
    assert reasons["x7"].startswith("unknown notebook name")
    assert run_info(out)["rejected"] == 7


def test_dask_cluster_gives_the_same_grades(graded, tmp_path):
    from distributed import LocalCluster

    submissions, results, _ = graded
    students = ("s000", "s001")
    part = some_students(submissions, tmp_path / "submissions", students)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        assert main(["grade", str(part), "--out", str(tmp_path / "results"),
                     "--dask", cluster.scheduler_address, "--units", UNITS]) == 0
    assert grades(tmp_path / "results") == only(grades(results), students)
    assert run_info(tmp_path / "results")["executed"] == len(students)


def test_release_has_no_solutions_and_no_hidden_tests(tmp_path):
    written = main(["release", "--out", str(tmp_path), "--lang", "en", "--units", UNITS])
    assert written == 0
    (path,) = (tmp_path / "en").glob("1_*.ipynb")
    text = path.read_text()
    assert "check(" in text and "YOUR CODE HERE" in text
    for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "hidden=True", "(np.asarray(z) > 0)"):
        assert marker not in text
    assert not (tmp_path / "de").exists()


def test_nbgrader_in_the_course_directory_gives_the_same_grade(graded, tmp_path):
    """An instructor's own `nbgrader autograde` / `generate_feedback` in RESULTS/course uses the
    same trusted verdicts and feedback stripping (the course's nbgrader_config.py)."""
    import subprocess
    import sys

    from nbgrader.api import Gradebook

    submissions, results, _ = graded
    row = next(r for r in read_csv(submissions / "expected.csv") if r["variant"] == "mistakes")
    student, assignment, notebook = row["student"], row["assignment"], row["notebook"]
    course = tmp_path / "course"
    shutil.copytree(results / "course", course)
    shutil.copyfile(results / "gradebook.db", tmp_path / "gradebook.db")
    assert (course / "autograded" / student / assignment / f"{notebook}.ipynb").exists()
    db = f"--CourseDirectory.db_url=sqlite:///{tmp_path / 'gradebook.db'}"
    for command in ("autograde", "generate_feedback"):
        subprocess.run([sys.executable, "-m", "nbgrader", command, assignment, "--student",
                        student, "--force", db], cwd=course, check=True, capture_output=True,
                       timeout=300)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(notebook, assignment, student)
        assert float(nb.score) == float(row["expected_score"])
    text = html_text(course / "feedback" / student / assignment / f"{notebook}.html")
    assert "hidden=True" not in text and "BEGIN SOLUTION" not in text and "✘" in text


def test_every_unit_grades_as_expected(tmp_path):
    """One student over every unit: reference, blank, partial, typical mistakes (one variant per
    unit, alternating languages). Catches a unit whose correct answers the grader does not accept
    (or whose wrong answers it does)."""
    submissions, results = tmp_path / "submissions", tmp_path / "results"
    assert main(["example-class", "--out", str(submissions), "--students", "1"]) == 0
    rows = read_csv(submissions / "expected.csv")
    assert len(rows) >= 5 and {r["variant"] for r in rows} == {"reference", "blank", "partial",
                                                               "mistakes"}
    assert main(["grade", str(submissions), "--out", str(results), "--workers", "2"]) == 0
    expected = {(r["student"], r["assignment"], r["notebook"]): float(r["expected_score"])
                for r in rows}
    assert {k: v[0] for k, v in grades(results).items()} == expected


def test_a_slow_setup_cell_and_slow_replays_cost_no_points(tmp_path):
    """The per-cell limit is for the student's code: the instructor's locked setup cell (a cold
    import on a busy machine) and a cell replayed after a crash (it finished once) may take longer
    than it; the cells after them still run."""
    from nbformat.v4 import new_code_cell, new_notebook

    from autograder.execute import HardenedExecute

    def cell(source, **nbgrader):
        c = new_code_cell(source)
        if nbgrader:
            c.metadata["nbgrader"] = {"grade": False, "solution": False, **nbgrader}
        return c

    slow = 8  # seconds; the limit for the student's cells is 5
    nb = new_notebook(cells=[
        cell(f"import time\ntime.sleep({slow})\nsetup_done = True", grade_id="setup",
             locked=True),
        # fast the first time, slow when replayed (the scratch folder outlives the restart)
        cell(f"import os, time\nif os.path.exists('ran'):\n    time.sleep({slow})\n"
             "open('ran', 'w').close()\nanswer = 42", grade_id="answer", solution=True),
        cell("import os\nos._exit(1)"),
        cell("print(setup_done, answer)"),
    ])
    execute = HardenedExecute(seed=1, timeout=5, scratch_root=str(tmp_path),
                              user="", isolate=False)
    nb, _ = execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["KernelDied"], errors
    assert nb.cells[3].outputs[0].text == "True 42\n"


def test_a_notebook_over_its_time_or_output_budget_stops_with_the_reason(tmp_path):
    """Limits per cell do not bound a notebook (six cells of 28 s under a 30 s limit took 180 s,
    thirty cells of just under the 2 MB cap made a 20 MB feedback page): past the notebook's
    budget the rest is not run, each cell saying why, and the metadata says which budget."""
    from nbformat.v4 import new_code_cell, new_notebook

    from autograder.execute import BUDGET, BUDGET_KEY, HardenedExecute

    def run(source, **budget):
        nb = new_notebook(cells=[new_code_cell(source) for _ in range(6)])
        execute = HardenedExecute(seed=1, timeout=30, scratch_root=str(tmp_path), user="",
                                  isolate=False, **budget)
        nb, _ = execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
        stopped = [c.outputs[0].evalue for c in nb.cells if c.outputs
                   and c.outputs[0].get("ename") == BUDGET]
        return nb, stopped

    nb, stopped = run("import time\ntime.sleep(2)", notebook_timeout=5)
    assert nb.metadata[BUDGET_KEY]["exceeded"] == "time" and stopped, nb.cells
    assert "time budget of 5 s" in stopped[0] and len(stopped) == 6 - nb.metadata[BUDGET_KEY][
        "cell"]
    nb, stopped = run("print('x' * 600_000)", max_notebook_output_bytes=1_000_000)
    assert nb.metadata[BUDGET_KEY] == {"exceeded": "output", "limit": 1_000_000, "cell": 2}
    assert len(stopped) == 4 and "output budget of 1000000 bytes" in stopped[0]
    assert len(json.dumps([c.outputs for c in nb.cells])) < 1_100_000


def test_regrading_keeps_the_instructors_reviews(graded, tmp_path):
    """formgrader clears ``needs_manual_grade`` when the instructor scores a written answer.
    Running ``grade`` again on the same submissions (e.g. when a late one arrives) keeps that
    review; a submission that changed is marked for review again; the manual score is kept."""
    from nbgrader.api import Gradebook

    submissions, results, _ = graded
    subs, res = tmp_path / "submissions", tmp_path / "results"
    shutil.copytree(submissions, subs)
    shutil.copytree(results, res)
    db = f"sqlite:///{res / 'gradebook.db'}"
    variants = {(r["student"], r["assignment"]): r["variant"]
                for r in read_csv(submissions / "expected.csv")}
    reviewed = sorted(k for k, v in variants.items() if v != "blank")[:2]
    names = {}

    def manual_grades(gb, student, assignment):
        sub = gb.find_submission(assignment, student)
        return [g for nb in sub.notebooks for g in nb.grades if g.auto_score is None]

    with Gradebook(db) as gb:
        for student, assignment in reviewed:
            grades_ = manual_grades(gb, student, assignment)
            assert grades_ and all(g.needs_manual_grade for g in grades_)
            names[(student, assignment)] = [g.name for g in grades_]
            for g in grades_:  # what formgrader does when the instructor enters a score
                g.manual_score = g.max_score
                g.needs_manual_grade = False
        gb.db.commit()

    def rerun():
        assert main(["grade", str(subs), "--out", str(res), "--workers", "1",
                     "--units", UNITS]) == 0
        with Gradebook(db) as gb:
            return {k: [(g.manual_score == g.max_score, g.needs_manual_grade)
                        for g in manual_grades(gb, *k)] for k in reviewed}

    assert rerun() == {k: [(True, False)] * len(names[k]) for k in reviewed}

    changed_student, changed_assignment = reviewed[0]
    path, = (subs / changed_student / changed_assignment).glob("*.ipynb")
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") in names[reviewed[0]])
    cell.source += "\n\n(überarbeitet)"
    nbformat.write(nb, path)
    after = rerun()
    assert after[reviewed[0]] == [(True, True)] * len(names[reviewed[0]])
    assert after[reviewed[1]] == [(True, False)] * len(names[reviewed[1]])
