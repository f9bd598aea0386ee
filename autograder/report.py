"""RESULTS/report.png (and misconceptions.csv): how the class did, per unit (assignment) and
per exercise, and which misconceptions the wrong answers show (:mod:`autograder.misconceptions`,
in the instructor's language). The scores are the gradebook's: manual points given in formgrader
count once they exist (run ``grade`` again after manual grading: unchanged submissions come from
the cache)."""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict

from autograder import misconceptions
from autograder.language import instructor_language
from workbook.i18n import message

TEXT = {  # key: (German, English)
    "units": ("Punkteverteilung je Einheit (de + en)", "Score distribution per unit (de + en)"),
    "score": ("Punkte (% der Punkte des Notebooks; ausstehende Handbewertung zählt 0)",
              "score (% of the notebook's points, manual grading pending counts 0)"),
    "exercises": ("Automatisch bewertete Aufgaben", "Autograded exercises"),
    "full": ("Studierende mit voller Punktzahl (%)", "students with full points (%)"),
    "title": ("nnkit-Workbook: {n} Notebooks", "nnkit workbook: {n} notebooks"),
}
_msg = functools.partial(message, TEXT)


def gradebook_scores(course, results):
    """(student, assignment, notebook) -> (score, max_score) from the course gradebook."""
    from nbgrader.api import Gradebook

    from autograder import merge

    scores = {}
    with Gradebook(course.db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy 2 "not in session" noise
        for r in results:
            for name, value in merge.gradebook_scores(gb, r["assignment"], r["student"]).items():
                scores[(r["student"], r["assignment"], name)] = value
    return scores


def write_report(path, results, course, lang=None):
    """``results``: the worker results of every graded submission (merged into the gradebook).
    Writes ``path`` (PNG) and misconceptions.csv beside it, in ``lang`` (default: the
    instructor's language). Returns the misconception table rows (see
    :func:`autograder.misconceptions.table`)."""
    lang = lang or instructor_language()
    rows = misconceptions.table(results, course, lang)
    figure(results, course, rows, gradebook_scores(course, results), lang).savefig(path, dpi=110)
    misconceptions.write(path.parent / "misconceptions.csv", rows, lang)
    return rows


def figure(results, course, rows, scores, lang):
    """The report as a matplotlib Figure: ``rows`` of :func:`misconceptions.table`, ``scores``
    of :func:`gradebook_scores`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    per_assignment = defaultdict(list)  # unit -> [percent] (both languages together)
    per_cell = defaultdict(list)  # (unit, grade id) -> [fraction of points]
    order = {}  # (unit, grade id) -> position in the notebook
    for r in results:
        assignment = course.assignments[r["assignment"]]
        for name, entry in r["notebooks"].items():
            score, max_score = scores.get((r["student"], r["assignment"], name),
                                          (entry["score"], entry["max_score"]))
            if max_score:
                per_assignment[assignment.unit].append(100 * score / max_score)
            for gid, g in entry["grades"].items():
                if g["max_score"] and gid in assignment.auto:
                    per_cell[(assignment.unit, gid)].append((g["auto_score"] or 0) / g["max_score"])
                    order[(assignment.unit, gid)] = assignment.auto.index(gid)
    names = sorted(per_assignment, key=lambda u: (len(u), u))
    cells = sorted(per_cell, key=lambda k: (names.index(k[0]), order[k]))
    lines = sum(misconceptions.label(row).count("\n") + 1 for row in rows if row[4] > 0)
    top = max(4.0, 1.2 + 0.22 * len(cells))
    bottom = max(2.5, 1.2 + 0.2 * lines)  # a wrapped label's lines at fontsize 8, and space
    fig = Figure(figsize=(13, top + bottom), layout="constrained")
    axes = fig.subplot_mosaic([["left", "right"], ["mis", "mis"]], width_ratios=[1, 1.3],
                              height_ratios=[top, bottom])
    left, right = axes["left"], axes["right"]
    misconceptions.draw(axes["mis"], rows, lang)
    if names:
        left.boxplot([per_assignment[n] for n in names], orientation="horizontal",
                     tick_labels=[f"{n} (n={len(per_assignment[n])})" for n in names])
        for i, n in enumerate(names, start=1):
            left.scatter(per_assignment[n], [i] * len(per_assignment[n]), s=12, alpha=0.5)
        left.invert_yaxis()
    left.set_xlim(-5, 105)
    left.set_xlabel(_msg("score", lang))
    left.set_title(_msg("units", lang))
    if cells:
        means = [100 * sum(per_cell[c]) / len(per_cell[c]) for c in cells]
        right.barh(range(len(cells)), means, color="#0072B2")
        labels = [f"{g.removesuffix('_check')} (n={len(per_cell[(u, g)])})" for u, g in cells]
        right.set_yticks(range(len(cells)), labels, fontsize=8)
        right.invert_yaxis()
    right.set_xlim(0, 100)
    right.set_xlabel(_msg("full", lang))
    right.set_title(_msg("exercises", lang))
    fig.suptitle(_msg("title", lang, n=sum(len(v) for v in per_assignment.values())))
    return fig
