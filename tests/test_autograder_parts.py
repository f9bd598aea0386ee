"""Fast: the autograder's parts without kernels (verdict, feedback stripping, validation, cache,
progress, the example class's plan)."""

import base64
import hashlib
import html
import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder import cache, example, feedback, validate, verdict
from autograder.course import Assignment
from autograder.inert import Inert, clean, with_policy
from autograder.progress import Progress
from workbook.answer import ANSWER_MIME
from workbook.checks import find

SEED = 4242


def check_cell(exercise_id, outputs):
    cell = new_code_cell(f'check("{exercise_id}")\n### BEGIN HIDDEN TESTS\n'
                         f'check("{exercise_id}", hidden=True)\n### END HIDDEN TESTS')
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 1,
                                 "grade_id": f"{exercise_id}_check"}
    cell.outputs = outputs
    return cell


def record(exercise_id, payload):
    return new_output("display_data", data={ANSWER_MIME: {"exercise": exercise_id,
                                                                  "payload": payload}})


def judged(cell, lang="en"):
    nb = new_notebook(cells=[cell])
    nb, resources = verdict.TrustedVerdict(seed=SEED).preprocess(
        nb, {"nbgrader": {"assignment": f"unit1_{lang}"}})
    return nb.cells[0], resources["nnkit"]["verdicts"]


def test_verdict_is_judged_in_the_grader_not_in_the_kernel():
    ex = find("u1_dz_dw2")
    right = ex.collect({"dz_dw2": "x2"}, seed=SEED, hidden=True)
    wrong = ex.collect({"dz_dw2": "w2"}, seed=SEED, hidden=True)
    kernel_error = new_output("error", ename="AssertionError", evalue="x", traceback=[])
    # a correct answer passes even if the kernel's own check raised
    cell, verdicts = judged(check_cell("u1_dz_dw2", [record("u1_dz_dw2", right), kernel_error]))
    assert verdicts["u1_dz_dw2_check"]["passed"]
    assert [o.output_type for o in cell.outputs] == ["stream"]
    assert cell.outputs[0].text.startswith("✔")
    assert "HIDDEN" not in cell.source and "hidden=True" not in cell.source
    # a wrong answer fails although the kernel printed ✔ and raised nothing
    fake = new_output("stream", name="stdout", text="✔ Correct.\n")
    cell, verdicts = judged(check_cell("u1_dz_dw2", [fake, record("u1_dz_dw2", wrong)]))
    assert not verdicts["u1_dz_dw2_check"]["passed"]
    # one error output, its one line "✘ reason hint" as the notebook's own check shows it
    assert [o.output_type for o in cell.outputs] == ["error"]
    wrong_line = cell.outputs[0].traceback
    assert wrong_line == ["✘ " + verdicts["u1_dz_dw2_check"]["message"]], wrong_line
    assert cell.outputs[0].ename == "WrongAnswer"
    # the typical mistake it matched ("w2": the variable itself) is kept for the report,
    # whatever the submitted cell's metadata claimed
    assert verdicts["u1_dz_dw2_check"]["mistake"] == "weight"
    assert cell.metadata["nnkit_verdict"] == {"passed": False, "mistake": "weight"}
    claimed = check_cell("u1_dz_dw2", [record("u1_dz_dw2", right)])
    claimed.metadata["nnkit_verdict"] = {"passed": False, "mistake": "weight"}
    cell, _ = judged(claimed)
    assert cell.metadata["nnkit_verdict"] == {"passed": True, "mistake": None}


class Hostile:
    """An exercise whose judging spins, eats memory or kills its process: what a student's
    answer that the parser's bounds miss would do to the grader's process."""

    def __init__(self, how):
        self.how = how

    def judge(self, payload, **_):
        import os

        if self.how == "cpu":
            while True:
                pass
        if self.how == "memory":
            return [bytearray(2**20) for _ in range(100_000)]  # 100 GB
        os._exit(3)


@pytest.mark.timeout(300)  # a hang guard: the spinning answer stalled the grader for good
def test_each_verdict_is_bounded_in_time_and_memory_and_the_next_is_judged(monkeypatch):
    import workbook.checks

    hostile = {"u1_dy_dw2": "cpu", "u1_relu_grad": "memory", "u1_z_cs1": "died"}
    monkeypatch.setattr(workbook.checks, "find",
                        lambda i: Hostile(hostile[i]) if i in hostile else find(i))
    right = find("u1_dz_dw2").collect({"dz_dw2": "x2"}, seed=SEED, hidden=True)
    cells = [check_cell(i, [record(i, {"kind": "expression", "answer": "x2"})]) for i in hostile]
    nb = new_notebook(cells=[*cells, check_cell("u1_dz_dw2", [record("u1_dz_dw2", right)])])
    judge = verdict.TrustedVerdict(seed=SEED, answer_cpu_limit=1.0,
                                   answer_memory_limit=200 * 2**20)
    _, resources = judge.preprocess(nb, {"nbgrader": {"assignment": "unit1_de"}})
    got = resources["nnkit"]["verdicts"]
    texts = ("Limit von 1 s Rechenzeit", "Speicherlimit von 200 MB", "abgestürzt")
    for exercise, text in zip(hostile, texts, strict=True):
        assert not got[f"{exercise}_check"]["passed"]
        assert text in got[f"{exercise}_check"]["message"], got
    assert got["u1_dz_dw2_check"]["passed"], got


def test_verdict_rejects_missing_extra_and_foreign_records():
    ex = find("u1_dz_dw2")
    right = ex.collect({"dz_dw2": "x2"}, seed=SEED, hidden=True)
    for outputs in ([], [record("u1_dz_dw2", right)] * 2, [record("u1_relu_grad", right)],
                    [new_output("display_data", data={ANSWER_MIME: "junk"})],
                    [new_output("error", ename="KernelDied", evalue="", traceback=[])]):
        cell, verdicts = judged(check_cell("u1_dz_dw2", outputs), lang="de")
        assert not verdicts["u1_dz_dw2_check"]["passed"], outputs
        assert cell.outputs[-1].ename == "WrongAnswer"


def test_feedback_strips_hidden_tests_solutions_and_records():
    cell = check_cell("u1_dz_dw2", [record("u1_dz_dw2", {}), new_output(
        "stream", name="stdout", text="### BEGIN SOLUTION\nleak")])
    answer = new_code_cell('x = 1\n### BEGIN SOLUTION\nx = "secret"\n### END SOLUTION\ny = 2')
    broken = new_code_cell("a = 1\n### BEGIN HIDDEN TESTS\nsecret()")  # no END marker
    raised = new_code_cell("f()", outputs=[new_output(
        "error", ename="NameError", evalue="### END HIDDEN TESTS leak",
        traceback=["### BEGIN SOLUTION", "leak"])])
    nb = new_notebook(cells=[cell, answer, broken, raised])
    nb, _ = feedback.StripForFeedback().preprocess(nb, {})
    text = json.dumps(nb)
    for leak in ("hidden=True", "secret", "BEGIN", ANSWER_MIME, "leak"):
        assert leak not in text, leak
    assert "x = 1" in nb.cells[1].source and "y = 2" in nb.cells[1].source


def assignment():
    return Assignment("unit1_en", "unit1", "en", "1_relu_chain_rule",
                      grade_ids=["setup", "u1_a", "u1_a_check"])


def notebook_bytes(ids=("setup", "u1_a", "u1_a_check"), unit="unit1", lang="en", version=4):
    nb = new_notebook(cells=[new_code_cell("", metadata={"nbgrader": {"grade_id": i}})
                             for i in ids])
    nb.metadata["nnkit"] = {"unit": unit, "lang": lang}
    data = json.loads(nbformat.writes(nb))
    data["nbformat"] = version
    return json.dumps(data).encode()


def test_validation_reasons():
    a = assignment()
    assert validate.check_notebook(notebook_bytes(), a) is None
    cases = {
        b"\x80abc": "not UTF-8",
        b"[1, 2": "invalid JSON",
        b"[]": "not a notebook",
        notebook_bytes(version=3): "wrong nbformat 3",
        notebook_bytes(lang="de"): "notebook of another unit/language",
        notebook_bytes(unit="unit2"): "notebook of another unit/language",
        notebook_bytes(ids=("setup", "u1_a", "u1_a", "u1_a_check")): "duplicated grade ids: u1_a",
        notebook_bytes(ids=("setup", "u1_a_check")): "removed grade ids: u1_a",
        notebook_bytes(ids=("setup", "u1_a", "u1_a_check", "x")): "unknown grade ids: x",
        b" " * (validate.MAX_BYTES + 1): "too large",
    }
    for data, reason in cases.items():
        assert validate.check_notebook(data, a).startswith(reason), reason


def test_cache_key_depends_on_content_course_and_student(tmp_path):
    job = {"student": "s1", "assignment": "unit1_en", "notebooks": {"nb": b"abc"}}
    key = cache.job_key("course", job)
    assert key == cache.job_key("course", dict(job))
    assert key != cache.job_key("course2", job)
    assert key != cache.job_key("course", {**job, "student": "s2"})
    assert key != cache.job_key("course", {**job, "notebooks": {"nb": b"abd"}})
    store = cache.Cache(tmp_path)
    assert store.get(key) is None
    store.put(key, {"score": 1})
    assert store.get(key) == {"score": 1}


def test_progress_names_the_submissions_graded_longer_than_its_stall_time():
    out = io.StringIO()
    progress = Progress(2, stream=out, stall=0.0)  # every call: a line per running submission
    progress.started("alice/unit1_en")
    progress.started("bob/unit1_de")
    progress.finished("bob/unit1_de")
    progress.stalled()
    assert "still grading alice/unit1_en for 0 s" in out.getvalue()
    assert "bob" not in out.getvalue()
    assert [name for name, _ in progress.running()] == ["alice/unit1_en"]


def test_a_cell_not_run_after_the_notebooks_budget_scores_zero_with_that_reason():
    from autograder.execute import BUDGET

    reason = "Not run: the notebook exceeded its time budget of 900 s for all cells together"
    cell, verdicts = judged(check_cell("u1_dz_dw2", [new_output(
        "error", ename=BUDGET, evalue=reason, traceback=[])]))
    assert verdicts["u1_dz_dw2_check"] == {"passed": False, "message": reason, "mistake": None}


def test_progress_shows_count_and_eta():
    out = io.StringIO()
    progress = Progress(4, stream=out)
    progress.update()
    assert "1/4" in progress.line() and "ETA" in progress.line()
    for _ in range(3):
        progress.update()
    progress.close()
    assert "4/4" in out.getvalue()


def test_example_plan_covers_every_variant_in_both_languages():
    plans = {example.plan(i, 0) for i in range(8)}
    assert plans == {(v, lang) for v in example.VARIANTS for lang in ("de", "en")}


def test_example_free_exercises_exclude_answers_used_later():
    def answer(gid, src):
        cell = new_code_cell(src)
        cell.metadata["nbgrader"] = {"grade_id": gid, "solution": True}
        return cell

    nb = new_notebook(cells=[answer("a", "import numpy as np\n### BEGIN SOLUTION\nw = 1\n"
                                          "### END SOLUTION"),
                             answer("b", "def f(x):\n    return x"),
                             answer("c", "v = w + np.pi")])
    assert example.free_exercises(nb) == {"b", "c"}


def test_kernels_get_the_font_list_and_do_not_scan_the_fonts_again(tmp_path):
    import subprocess
    import sys

    from autograder.execute import _seed_font_list

    _seed_font_list(str(tmp_path))
    (seeded,) = (tmp_path / ".mpl").glob("fontlist-v*.json")
    before = seeded.stat().st_mtime_ns
    env = {"MPLCONFIGDIR": str(tmp_path / ".mpl"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert seeded.stat().st_mtime_ns == before  # read, not written again


def test_misconception_report_speaks_the_instructors_language():
    from autograder import misconceptions

    assert misconceptions.instructor_language({"LANG": "de_DE.UTF-8"}) == "de"
    assert misconceptions.instructor_language({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}) == "en"
    assert misconceptions.instructor_language({}) == "en"
    ex = find("u1_dz_dw2")
    assert misconceptions.description(ex, "weight", "de").startswith("Sie haben die Variable")
    assert misconceptions.description(ex, "", "de") == "keine bekannte Fehlvorstellung"
    rows = [("unit1", "a", "m1", "x", 2), ("unit1", "a", "", "none", 9),
            ("unit1", "b", "m2", "y", 5), ("unit1", "b", "m3", "z", 0),
            ("unit1", "c", "m4", "w", 1), ("unit1", "c", "m5", "v", 1)]
    assert [r[2] for r in misconceptions.top(rows)] == ["m2", "m1", "m4"]


def test_rejections_name_the_rule_they_apply(tmp_path):
    """A platform's folder name (umlauts, spaces) is not a student id: the reason says what is
    (and how to get there); a stray file says what the layout is."""
    (tmp_path / "Zoë Ähnlich-Brandt_104233_assignsubmission_file_").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    _, rejected = validate.scan(tmp_path, course=None)  # neither needs the course
    reasons = {r.student or r.file: r.reason for r in rejected}
    folder = reasons["Zoë Ähnlich-Brandt_104233_assignsubmission_file_"]
    assert folder.startswith("invalid student id (") and validate.NAME_RULE in folder
    assert "autograder collect" in folder
    assert "<student>/<assignment>/<notebook>.ipynb" in reasons["notes.txt"]


# ---------------------------------------------------------------- screening (honest vs cheats)
def screened(source, originals=()):
    from autograder.screen import screen

    return screen([("u1_relu_grad", source)], set(originals), {"u1_relu_grad": "u1_relu_grad"})


def test_screening_ignores_the_names_and_texts_students_choose():
    for honest in ('events = ["forward", "backward"]\nmodules = ["numpy"]\ngc = 1\ncompile = 2',
                   'print("I finished the workbook")', 'note = f"nnkit {1} and workbook"',
                   'def eval(x):\n    return x\nprint(eval(1))', 'y = eval("0.1 * 2")',
                   "import re\npattern = re.compile('a')", 'label = "events"'):
        assert screened(honest) == ([], {}, []), honest


def test_screening_compares_cells_after_normalising_line_endings_and_spaces():
    setup = "from workbook.setup import *\nsetup(\"en\")"
    for saved in (setup.replace("\n", "\r\n") + "\r\n", setup.replace("\n", "  \n") + "\n\n",
                  setup.replace("\n", "\r")):
        assert screened(saved, [setup]) == ([], {}, []), repr(saved)
    view = "from workbook.views.vanishing import VanishingView\n\nVanishingView(depth=6)"
    assert screened(view.replace("6", "8"), [view]) == ([], {}, [])  # other view parameters


def test_screening_still_finds_what_tampers():
    for cheat, hit in (("from workbook.checks import find", "workbook"),
                       ("import importlib", "importlib"), ("e = eval\ne('1')", "eval"),
                       ("x = globals()['eval']", "eval"), ("getattr(sys, 'modules')", "modules"),
                       ("y = eval(\"__import__('os')\")", "__import__"),
                       ("m = __import__('work' + 'book.checks')", "__import__"),
                       ("get_ipython().events.register('x', f)", "events"),
                       ("d = {'application/vnd.nnkit.answer+json': 1}", "vnd.nnkit"),
                       ("eval(f'{a}')", "eval")):
        tamper, _, _ = screened(cheat)
        assert tamper and hit in tamper[0], (cheat, tamper)


def test_an_answer_using_the_reference_scores_zero_the_helpers_are_allowed():
    """The reference (nnkit, workbook.reference) zeroes the exercise, whichever module of it;
    the student helpers (workbook.symbolic, workbook.i18n) change nothing."""
    for cheat, finding in (
            ("from workbook.reference.relu_neuron import chain_rule\n"
             "dy = chain_rule(1, 2, 3, 4)", "chain_rule"),
            ("from workbook.reference import vanishing\nf = vanishing.sheet11_ex1", "vanishing"),
            ("from workbook import reference", "workbook.reference"),
            ("import workbook.reference.sine_network as s", "workbook.reference"),
            ("from nnkit import MLP\nnet = MLP([1, 1])", "MLP"),
            ("import nnkit.activations", "nnkit")):
        tamper, reference, _ = screened(cheat)
        assert not tamper and finding in reference["u1_relu_grad"], (cheat, reference)
    for honest in ("from workbook.symbolic import parse, equivalent\nparse('x', {})",
                   "from workbook import symbolic as S, i18n\nS.parse('x', {})",
                   "import workbook.symbolic as S\nfrom workbook.i18n import fmt, tr"):
        assert screened(honest) == ([], {}, []), honest
    # ``import workbook.symbolic`` binds the name workbook: the whole package, as import workbook
    assert "workbook" in screened("import workbook.symbolic\nworkbook.checks")[0][0]


def test_the_data_and_tools_a_unit_hands_out_are_no_reference_finding():
    setup = "from workbook.reference.dead_relu import experiment"
    answer = setup + "\nresult = experiment(lr=0.3, steps=100)"
    assert screened(answer, [setup]) == ([], {}, [])
    _, reference, _ = screened(answer.replace("experiment", "nnkit_gradients"), [setup])
    assert "nnkit_gradients" in reference["u1_relu_grad"]


def test_the_helpers_import_nothing_of_the_reference():
    """What makes allowing them safe: importing them loads no module of the answer key."""
    import subprocess
    import sys

    from autograder.screen import HELPERS, REFERENCE

    code = (f"import sys\nimport {', '.join(HELPERS)}\n"
            f"print(sorted(m for m in sys.modules for p in {REFERENCE!r}\n"
            f"             if m == p or m.startswith(p + '.')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr


def test_strings_naming_grading_internals_are_graded_and_shown_to_the_instructor():
    """A string alone changes nothing (using it needs a tampering call): no zero, no accusation,
    a line in review.csv."""
    for text, shown in (("s = 'workbook.exercise'", "'workbook.exercise'"),
                        ("m = 'nn' + 'kit.activations'", "'nnkit.activations'"),
                        ("name = '_nnkit_collect'", "_nnkit_collect")):
        tamper, nnkit, review = screened(text)
        assert not tamper and not nnkit and review and shown in review[0], (text, review)
    assert screened("import importlib\nimportlib.import_module('nnkit.activations')")[0]


def test_lookups_of_the_reference_are_shown_forging_a_caller_is_tampering():
    """A module reached through an object or pkgutil's "module:name" form is graded (the
    grading edition's reference computes nothing for it) and listed in review.csv, so is a
    debugger; what forging the caller the guard checks needs (a code object's file name, a
    frame) or stepping over it with a tracer (a frame's line) is tampering."""
    for text, shown in (("m = pkgutil.resolve_name('workbook.reference:dead_relu')",
                         "'workbook.reference:dead_relu'"),
                        ("m = inspect.getmodule(experiment)", "getmodule"),
                        ("from pkgutil import resolve_name\nf = resolve_name(n)", "resolve_name"),
                        ("import pdb\npdb.set_trace()", "pdb")):
        tamper, nnkit, review = screened(text)
        assert not tamper and not nnkit and review and shown in review[0], (text, review)
    assert screened("s = 'workbook.symbolic:parse'") == ([], {}, [])
    for cheat, hit in (("c = code.replace(co_filename=path)", "co_filename"),
                       ("f = sys._getframe(1)", "_getframe"),
                       ("from types import CodeType", "CodeType"),
                       ("c = frame.f_code", "f_code"), ("frame.f_lineno = 12", "f_lineno")):
        tamper, _, _ = screened(cheat)
        assert tamper and hit in tamper[0], (cheat, tamper)


def test_validation_grades_a_cell_type_switched_by_the_dropdown():
    from autograder.course import Assignment

    a = Assignment("unit1_en", "unit1", "en", "1_relu_chain_rule",
                   grade_ids=["u1_a", "u1_a_check"], auto=["u1_a_check"], answers={"u1_a": "x = 1"})
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"nbgrader": {
        "grade_id": "u1_a", "solution": True, "grade": False}}),
        new_code_cell("check('u1_a')", metadata={"nbgrader": {
            "grade_id": "u1_a_check", "solution": False, "grade": True, "points": 1}})])
    nb.metadata["nnkit"] = {"unit": "unit1", "lang": "en"}
    data = json.loads(nbformat.writes(nb))
    for cell in data["cells"]:
        cell["cell_type"] = "markdown"
        cell.pop("outputs")
        cell.pop("execution_count")
    assert validate.check_notebook(json.dumps(data).encode(), a) is None
    data["cells"][1]["metadata"]["nbgrader"]["solution"] = True
    assert validate.check_notebook(json.dumps(data).encode(), a).startswith(
        "grading metadata changed")


def test_feedback_exporter_renders_what_nbconverts_html_exporter_renders_compiled_once():
    from nbconvert.exporters import HTMLExporter

    nb = new_notebook(cells=[new_code_cell("x = 1\nx", outputs=[new_output(
        "execute_result", data={"text/plain": "1"}, execution_count=1)])])
    plain, _ = HTMLExporter().from_notebook_node(nb)
    first, _ = feedback.FeedbackExporter().from_notebook_node(nb)
    compiled = dict(feedback.FeedbackExporter._compiled.codes)
    again, _ = feedback.FeedbackExporter().from_notebook_node(nb)  # a fresh exporter, as nbgrader
    assert first == with_policy(plain) and again == with_policy(plain)
    assert compiled and feedback.FeedbackExporter._compiled.codes == compiled  # nothing recompiled



def test_feedback_policy_lets_only_the_templates_head_scripts_run():
    page = ('<html><head><script src="https://cdn.example/lib/2.0/run.js?x=1"></script>'
            '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
            '<script>var own = 1;</script></head>'
            '<body><script>steal()</script><img src=x onerror="steal()"></body></html>')
    page = with_policy(page)
    meta = re.search(r'<head><meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    rules = dict(rule.split(" ", 1) for rule in meta.group(1).split("; "))
    own = "'sha256-" + base64.b64encode(hashlib.sha256(b"var own = 1;").digest()).decode() + "'"
    # the head's inline script by its hash, the loaded one by its folder; nothing of the body
    assert rules["script-src"].split() == [own, "https://cdn.example/lib/2.0/", "'unsafe-eval'"]
    assert rules["default-src"] == "'none'" and rules["img-src"].startswith("data:")


def test_inert_keeps_text_and_drops_what_can_run():
    assert clean('<img src=x onerror="a()"><script>b()</script> <b>x</b> 1 < 2') == \
        "<img>&lt;script&gt;b()&lt;/script&gt; <b>x</b> 1 &lt; 2"
    assert clean('<a href="javascript:a()">j</a><a href="https://x.example/">h</a>'
                 '<img src="http://x.example/p.png"><div class="score" id="u1" style="">d</div>'
                 ) == '<a>j</a><a href="https://x.example/">h</a><img><div>d</div>'
    outputs = [new_output("display_data", data={
        "text/html": "<script>a()</script>", "application/javascript": "a()",
        "image/svg+xml": "<svg onload='a()'/>", "text/plain": "t", "image/png": "iVBO",
        "application/vnd.jupyter.widget-view+json": {"model_id": "m"}})]
    nb = new_notebook(cells=[new_code_cell("x", outputs=outputs)],
                      metadata={"widgets": {"state": {}}})
    nb, _ = Inert().preprocess(nb, {})
    assert nb.cells[0].outputs[0].data == {"text/html": "&lt;script&gt;a()&lt;/script&gt;",
                                           "text/plain": "t", "image/png": "iVBO"}
    assert "widgets" not in nb.metadata


NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
NOTEBOOK = {"de": NOTEBOOKS / "de" / "1_relu_kettenregel.ipynb",
            "en": NOTEBOOKS / "en" / "1_relu_chain_rule.ipynb"}


def visible(page):
    """The text a student reads in an HTML page (no tags, styles, scripts)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def nbgrader_labels():
    """The English labels nbgrader's feedback template writes around the cells ("Score",
    "Student's answer", "Top", ...): its words outside Jinja tags, HTML tags and the style."""
    import nbgrader

    template = (Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
                / "templates" / "feedback" / "index.html.j2").read_text()
    template = re.sub(r"<style>.*?</style>", "", template, flags=re.DOTALL)
    template = re.sub(r"\{([{%#]).*?[}%#]\}|<[^>]+>", "\n", template, flags=re.DOTALL)
    return {m.group().strip() for m in re.finditer(r"[A-Za-z][A-Za-z' -]*", template)}


def render_feedback(lang, exporter_class=feedback.FeedbackExporter, outputs=None, nb=None):
    """The feedback HTML of unit 1's notebook in ``lang`` as nbgrader's GenerateFeedback renders
    it with ``exporter_class`` (its template and paths): half the points of every graded cell, a
    comment on every answer, 7.5 of 14 points after a late penalty of 0.5; ``outputs``: grade id
    -> the outputs of that cell; ``nb``: another notebook instead."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    nb = nb or nbformat.read(NOTEBOOK[lang], as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["score"] = meta["points"] / 2
        if meta.get("solution"):
            meta["comment"] = "Siehe Abschnitt 2." if lang == "de" else "See section 2."
        if meta.get("grade_id") in (outputs or {}):
            cell.outputs = outputs[meta["grade_id"]]
    converter = GenerateFeedback(coursedir=CourseDirectory(), config=Config(
        GenerateFeedback={"exporter_class": exporter_class}))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    page, _ = exporter.from_notebook_node(nb, {"nbgrader": {
        "assignment": f"unit1_{lang}", "notebook": NOTEBOOK[lang].stem, "score": 7.5,
        "max_score": 14, "late_penalty": 0.5}})
    return page


def test_german_feedback_has_german_labels_and_none_of_nbgraders_english_ones():
    text = visible(render_feedback("de"))
    labels = nbgrader_labels()
    assert {"Score", "Student's answer", "Top", "Comments", "Test cell"} <= labels  # the parse
    assert [label for label in labels if re.search(rf"\b{re.escape(label)}\b", text)] == []
    assert "1_relu_kettenregel (Punkte: 7,5 / 14)" in text
    assert "Aufgabe a: relu_grad (Punkte: 1 / 2)" in text
    assert "Aufgabe b: dz_dw2 (Punkte: 0,5 / 1)" in text
    assert "Punkte: 0,5 / 1 (nach oben)" in text  # a cell's own box
    assert "Abzug für verspätete Abgabe (Punkte: −0,5)" in text
    assert text.count("Ihre Antwort") == text.count("Kommentar: Siehe Abschnitt 2.") == 10
    assert "Aufgabe d, Begründung: Textantwort (Punkte: 1 / 2)" in text
    assert '<body lang="de">' in render_feedback("de")


def test_english_feedback_has_nbgraders_layout_in_english():
    from nbconvert.exporters import HTMLExporter

    page, plain = visible(render_feedback("en")), visible(render_feedback("en", HTMLExporter))
    assert "Score: 0.5 / 1 (Top)" in page and "Your answer" in page
    assert "Exercise b: dz_dw2 (Score: 0.5 / 1)" in page
    assert "Student's answer" in plain and "Student's answer" not in page  # (nbgrader's)
    assert "Content-Security-Policy" in render_feedback("en")  # and our policy


def test_points_de():
    assert [feedback.points_de(x) for x in (2.5, 3.0, 2 / 3, 0, -0.001, -1.25, 12)] == [
        "2,5", "3", "0,67", "0", "0", "\u22121,25", "12"]


def test_only_a_workers_scratch_gradebook_skips_fsync(tmp_path, monkeypatch):
    import os
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook
    from sqlalchemy import event, text
    from sqlalchemy.engine import Engine

    from autograder import worker

    def synchronous(path):
        with Gradebook(f"sqlite:///{path}") as gb:
            return gb.db.execute(text("PRAGMA synchronous")).scalar()

    # a new gradebook runs `alembic` from PATH
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    added = not event.contains(Engine, "connect", worker._unsynced)
    if added:
        event.listen(Engine, "connect", worker._unsynced)  # as worker._scratch does
    worker._SCRATCH[("course", "key")] = scratch
    try:
        assert synchronous(scratch / "gradebook.db") == 0  # OFF
        assert synchronous(tmp_path / "gradebook.db") == 2  # SQLite's default, FULL
    finally:
        del worker._SCRATCH[("course", "key")]
        if added:
            event.remove(Engine, "connect", worker._unsynced)


def test_the_kernels_edition_is_compiled_and_readable_by_everybody():
    import importlib.util
    import os
    import stat
    from pathlib import Path

    from autograder.execute import kernel_edition

    sources = sorted(Path(kernel_edition("unit1", 0)).rglob("*.py"))
    assert sources
    for source in sources:
        pyc = Path(importlib.util.cache_from_source(str(source)))
        assert pyc.is_file(), source
        assert stat.S_IMODE(os.stat(pyc).st_mode) & 0o004, pyc


def test_the_grading_bench_says_where_the_wall_time_went(tmp_path):
    """bench.grading.timeline from the jobs' start times and durations: two workers, 30 s;
    worked out by hand."""
    import json

    from bench.grading import timeline

    jobs = [(1, 105, 10), (1, 116, 10), (2, 106, 12), (2, 119, 8)]  # worker, started, seconds
    for i, (worker, started, seconds) in enumerate(jobs):
        path = tmp_path / ".cache" / f"{i:02d}" / f"{i:02d}job.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"worker": worker, "started": started, "seconds": seconds}))
    (tmp_path / "run.json").write_text(json.dumps({"prepare_seconds": 1.5}))
    assert timeline(tmp_path, 100, 130, workers=2) == {
        "wall_s": 30, "prepare_s": 1.5, "before_first_job_s": 5, "after_last_job_s": 3,
        "tail_s": 1, "idle_between_jobs_s": 2, "in_jobs": 0.667}


def test_workers_check_nbgraders_metadata_schema_once_with_the_same_verdicts():
    """autograder.worker._validate (nbgrader's cell metadata validation with the schema checked
    once) accepts and rejects what jsonschema.validate does, with the same error."""
    import json
    from pathlib import Path

    import jsonschema
    import nbgrader.nbgraderformat as fmt
    import pytest

    from autograder.worker import _validate

    schema = json.loads((Path(fmt.__file__).parent / "v3.json").read_text())
    good = {"schema_version": 3, "grade": True, "solution": False, "locked": True,
            "grade_id": "u1_a_check", "points": 2}
    bad = [{**good, "points": "two"}, {**good, "grade_id": 7}, {"schema_version": 3},
           {**good, "locked": "yes", "points": -1}]
    _validate(good, schema)
    for instance in bad:
        with pytest.raises(jsonschema.ValidationError) as stock:
            jsonschema.validate(instance, schema)
        with pytest.raises(jsonschema.ValidationError) as ours:
            _validate(instance, schema)
        assert (ours.value.message, list(ours.value.path)) == (
            stock.value.message, list(stock.value.path))


def test_grading_processes_build_no_iri_parsers_and_still_validate_notebooks():
    """jsonschema's optional rfc3987_syntax builds its Lark parsers on import (1.3 s CPU); the
    grader and its grading processes do without it, and nbformat still rejects a broken
    notebook."""
    import subprocess
    import sys

    code = ("import sys, autograder.worker as w, nbformat; w.warm_up()\n"
            "nb = nbformat.v4.new_notebook(); nb.cells.append({'cell_type': 'code'})\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n"
            "    print('invalid', 'lark' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=True)
    assert done.stdout.split() == ["invalid", "False"]
