"""The class report (report.png): in the instructor's language, blanks count as not solved,
whole-number ticks for counts of students, labels never cut."""

import itertools
from types import SimpleNamespace

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograder import language, misconceptions, report
from workbook.checks import find

GIDS = ["u1_relu_grad_check", "u1_dz_dw2_check"]
COURSE = SimpleNamespace(assignments={"unit1_de": SimpleNamespace(unit="unit1", auto=GIDS)})


def result(student, relu_grad, dz_dw2):
    """A worker result of unit 1: per exercise (auto_score, mistake) with 1 point each."""
    answers = {"u1_relu_grad_check": relu_grad, "u1_dz_dw2_check": dz_dw2}
    return {"student": student, "assignment": "unit1_de", "notebooks": {"nb": {
        "score": sum(a[0] for a in answers.values()), "max_score": 2,
        "grades": {gid: {"auto_score": a[0], "max_score": 1} for gid, a in answers.items()},
        "mistakes": {gid: a[1] for gid, a in answers.items()}}}}


# one student solved both; two left both blank (no answer: mistake None, 0 points)
BLANKS = [result("s1", (1, None), (1, None)), result("s2", (0, None), (0, None)),
          result("s3", (0, None), (0, None))]
# one right, one typical mistake with a long hint
MISTAKE = [result("s1", (1, None), (1, None)), result("s2", (1, None), (0, "weight"))]


def texts(fig):
    FigureCanvasAgg(fig).draw()
    found = [fig.get_suptitle()]
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel()] + [t.get_text() for t in ax.texts]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return found


@pytest.fixture
def draw(tmp_path, monkeypatch):
    """``draw(results, lang=None)``: the figure write_report saves (no gradebook: the
    results' own scores)."""
    monkeypatch.setattr(report, "gradebook_scores", lambda course, results: {})
    saved = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **kw: saved.append(fig))

    def draw(results, lang=None):
        report.write_report(tmp_path / "report.png", results, COURSE, lang)
        return saved[-1]

    return draw


@pytest.fixture(autouse=True)
def locale(monkeypatch):
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    yield monkeypatch
    language.force(None)


def test_the_report_follows_a_german_locale(locale, draw):
    locale.setenv("LANG", "de_DE.UTF-8")
    shown = " ".join(texts(draw(MISTAKE)))
    for english in ("Score distribution", "Autograded exercises", "students with full points",
                    "notebooks", "manual grading"):
        assert english not in shown
    assert "Punkteverteilung je Einheit" in shown and "Automatisch bewertete Aufgaben" in shown
    assert "Häufige Fehlvorstellungen" in shown


def test_blank_answers_count_as_not_solved(draw):
    """Two of three students left both exercises blank: the panel of mistakes must not say
    "no wrong answers" beside bars showing 33 % full points."""
    shown = texts(draw(BLANKS, "en"))
    assert "no wrong answers" not in " ".join(shown)
    assert any(t.startswith("u1_relu_grad: no answer") for t in shown)
    rows = misconceptions.table(BLANKS, COURSE, "en")
    blank = {r[1]: r[4] for r in rows if r[2] == misconceptions.UNANSWERED}
    assert blank == {"u1_relu_grad": 2, "u1_dz_dw2": 2}
    assert misconceptions.top(rows) == []  # the summary names typical mistakes only


def test_counts_of_students_have_whole_number_ticks(draw):
    for results in (BLANKS, MISTAKE, BLANKS[:1]):  # BLANKS[:1]: nobody wrong, the empty panel
        fig = draw(results, "en")
        FigureCanvasAgg(fig).draw()
        mis = next(ax for ax in fig.axes if ax.get_title() == "Common misconceptions")
        ticks = [t.get_text() for t in mis.get_xticklabels() if t.get_text()]
        assert all(t.lstrip("−-").isdigit() for t in ticks), ticks


def test_mistake_labels_are_not_cut(draw):
    hint = misconceptions.description(find("u1_dz_dw2"), "weight", "de")
    assert len(hint) > 100
    shown = texts(draw(MISTAKE, "de"))
    label = next(t for t in shown if t.startswith("u1_dz_dw2 weight:"))
    assert "…" not in label
    assert " ".join(label.split()) == f"u1_dz_dw2 weight: {hint}"
    assert max(len(line) for line in label.splitlines()) <= misconceptions.WRAP


def test_mistake_labels_do_not_overlap(draw):
    """Many wrapped labels (every typical mistake of two exercises, made once each)."""
    results = [result(f"s{i}", (0, a), (0, b)) for i, (a, b) in enumerate([
        ("relu_prime_zero_is_one", "weight"), ("relu_instead_of_grad", "wrong_input"),
        ("cases_swapped", "z_itself"), (None, "term_kept")])]
    fig = draw(results, "de")
    renderer = FigureCanvasAgg(fig).get_renderer()
    mis = next(ax for ax in fig.axes if ax.get_title() == "Häufige Fehlvorstellungen")
    boxes = sorted((t.get_window_extent(renderer) for t in mis.get_yticklabels()),
                   key=lambda b: b.y0)
    assert len(boxes) >= 8
    assert all(lower.y1 <= upper.y0 + 0.5 for lower, upper in itertools.pairwise(boxes))
