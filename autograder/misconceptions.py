"""The misconception report: per exercise, how many students made each typical mistake.

Every wrong answer is judged against the exercise's typical mistakes (``Mistake`` in the unit
source; ``workbook.exercise.Result.mistake``), and the worker result keeps which one it matched
(``entry["mistakes"]``: grade id -> mistake name, ``""`` when it matched none, None when the
answer was right, missing or not comparable). This module counts them:

* RESULTS/misconceptions.csv (written with the report): unit, exercise, misconception,
  description, students (every typical mistake of a graded exercise, also those nobody made,
  and one row for the wrong answers that matched none), in the instructor's language;
* :func:`draw`: the bar chart of the report (:mod:`autograder.report`);
* :func:`top`: the three most common misconceptions of the run, for the grader's summary.

The instructor's language is :func:`autograder.language.instructor_language`. The description
is the mistake's hint in that language
(what the students with that mistake were told).
"""

from __future__ import annotations

import functools
import textwrap
from collections import Counter

from autograder import csvfile
from autograder.language import instructor_language
from workbook.i18n import message
from workbook.source import exercise_id

NONE = ""  # a wrong answer that matched no typical mistake
UNANSWERED = "-"  # no answer, or one that could not be compared (e.g. of the wrong type)
TEXT = {  # key: (German, English)
    "header": ("Einheit,Aufgabe,Fehlvorstellung,Beschreibung,Studierende",
               "unit,exercise,misconception,description,students"),
    "none": ("keine bekannte Fehlvorstellung", "no known misconception"),
    "unanswered": ("keine Antwort oder keine vergleichbare", "no answer, or none comparable"),
    "title": ("Häufige Fehlvorstellungen", "Common misconceptions"),
    "xlabel": ("Studierende", "students"),
    "empty": ("keine falschen oder fehlenden Antworten", "no wrong or missing answers"),
    "summary": ("häufigste Fehlvorstellungen", "most common misconceptions"),
}
WRAP = 80  # characters per line of a label in the report
_msg = functools.partial(message, TEXT)


def count(results, course):
    """``Counter((unit, exercise id, mistake name))`` over the worker ``results`` (both
    languages of a unit together); ``NONE`` counts the wrong answers that matched none,
    ``UNANSWERED`` the exercises without full points and without a wrong answer (blank, or not
    comparable): not solved either."""
    counts = Counter()
    for r in results:
        unit = course.assignments[r["assignment"]].unit
        for entry in r["notebooks"].values():
            grades = entry.get("grades") or {}
            for gid, mistake in (entry.get("mistakes") or {}).items():
                grade = grades.get(gid, {})
                if mistake is None and (grade.get("auto_score") or 0) < (grade.get("max_score")
                                                                           or 0):
                    mistake = UNANSWERED
                if mistake is not None:
                    counts[(unit, exercise_id(gid), mistake)] += 1
    return counts


def description(exercise, mistake, lang):
    """The hint of ``mistake`` of ``exercise`` in ``lang`` (what the student was told)."""
    if mistake in (NONE, UNANSWERED):
        return _msg("none" if mistake == NONE else "unanswered", lang)
    m = next((m for m in exercise.mistakes if m.name == mistake), None)
    return " ".join(((m.hint.get(lang) or m.hint.get("en", "")) if m else "").split())


def table(results, course, lang):
    """Rows ``(unit, exercise, mistake, description, students)``: every typical mistake of every
    exercise the results contain, most frequent first within an exercise."""
    from workbook.checks import find

    counts = count(results, course)
    exercises = {}  # (unit, exercise id) -> position
    for r in results:
        a = course.assignments[r["assignment"]]
        for gid in a.auto:
            exercises.setdefault((a.unit, exercise_id(gid) or gid), len(exercises))
    rows = []
    for unit, ex_id in sorted(exercises, key=exercises.get):
        try:
            exercise = find(ex_id)
        except KeyError:
            continue
        names = [m.name for m in exercise.mistakes] + [NONE, UNANSWERED]
        rows += sorted(((unit, ex_id, name, description(exercise, name, lang),
                         counts[(unit, ex_id, name)]) for name in names),
                       key=lambda row: (-row[4], names.index(row[2])))
    return rows


def write(path, rows, lang):
    csvfile.write(path, _msg("header", lang).split(","), rows)


def top(rows, n=3):
    """The ``n`` most common typical mistakes (not the unmatched or missing answers) that
    anybody made."""
    made = [r for r in rows if r[2] not in (NONE, UNANSWERED) and r[4] > 0]
    return sorted(made, key=lambda r: -r[4])[:n]


def summary_lines(most, lang=None):
    """The grader's summary lines for the rows :func:`top` chose."""
    lang = lang or instructor_language()
    lines = [f"  {_msg('summary', lang)}:"] if most else []
    return lines + [f"    {students} x {ex_id} {name}: {text}"
                    for _, ex_id, name, text, students in most]


def label(row):
    """The report's label of a table row: exercise, mistake and the whole description, wrapped
    at :data:`WRAP` characters."""
    _, ex_id, name, text, _ = row
    head = " ".join(filter(None, (ex_id, "" if name == UNANSWERED else name)))
    return textwrap.fill(f"{head}: {text}", WRAP)


def draw(ax, rows, lang):
    """Horizontal bars: students per (exercise, misconception) that anybody made; whole-number
    ticks (a count of students)."""
    from matplotlib.ticker import MaxNLocator

    made = [r for r in rows if r[4] > 0]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if made:
        ax.barh(range(len(made)), [r[4] for r in made],
                color=["#999999" if r[2] in (NONE, UNANSWERED) else "#D55E00" for r in made])
        ax.set_yticks(range(len(made)), [label(r) for r in made], fontsize=8)
        ax.invert_yaxis()
    else:
        ax.text(0.5, 0.5, _msg("empty", lang), ha="center", va="center",
                transform=ax.transAxes)
        ax.set_yticks([])
        ax.set_xticks([])
    ax.set_xlabel(_msg("xlabel", lang))
    ax.set_title(_msg("title", lang))
