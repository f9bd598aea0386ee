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

The instructor's language is German when the locale is (``LC_ALL``, ``LC_MESSAGES`` or ``LANG``
starting with ``de``), English otherwise. The description is the mistake's hint in that language
(what the students with that mistake were told).
"""

from __future__ import annotations

import functools
import os
from collections import Counter

from autograder import csvfile
from workbook.i18n import message
from workbook.source import exercise_id

NONE = ""  # a wrong answer that matched no typical mistake
TEXT = {  # key: (German, English)
    "header": ("Einheit,Aufgabe,Fehlvorstellung,Beschreibung,Studierende",
               "unit,exercise,misconception,description,students"),
    "none": ("keine bekannte Fehlvorstellung", "no known misconception"),
    "title": ("Häufige Fehlvorstellungen", "Common misconceptions"),
    "xlabel": ("Studierende", "students"),
    "empty": ("keine falschen Antworten", "no wrong answers"),
    "summary": ("häufigste Fehlvorstellungen", "most common misconceptions"),
}
_msg = functools.partial(message, TEXT)


def instructor_language(environ=os.environ):
    """``"de"`` when the locale is German, else ``"en"``."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(key):
            return "de" if environ[key].lower().startswith("de") else "en"
    return "en"


def count(results, course):
    """``Counter((unit, exercise id, mistake name))`` over the worker ``results`` (both
    languages of a unit together); ``NONE`` counts the wrong answers that matched none."""
    counts = Counter()
    for r in results:
        unit = course.assignments[r["assignment"]].unit
        for entry in r["notebooks"].values():
            for gid, mistake in (entry.get("mistakes") or {}).items():
                if mistake is not None:
                    counts[(unit, exercise_id(gid), mistake)] += 1
    return counts


def description(exercise, mistake, lang):
    """The hint of ``mistake`` of ``exercise`` in ``lang`` (what the student was told)."""
    if mistake == NONE:
        return _msg("none", lang)
    m = next((m for m in exercise.mistakes if m.name == mistake), None)
    return " ".join(((m.hint.get(lang) or m.hint.get("en", "")) if m else "").split())


def short(text, n):
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


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
        names = [m.name for m in exercise.mistakes] + [NONE]
        rows += sorted(((unit, ex_id, name, description(exercise, name, lang),
                         counts[(unit, ex_id, name)]) for name in names),
                       key=lambda row: (-row[4], names.index(row[2])))
    return rows


def write(path, rows, lang):
    csvfile.write(path, _msg("header", lang).split(","), rows)


def top(rows, n=3):
    """The ``n`` most common typical mistakes (not the unmatched answers) that anybody made."""
    made = [r for r in rows if r[2] != NONE and r[4] > 0]
    return sorted(made, key=lambda r: -r[4])[:n]


def summary_lines(most, lang=None):
    """The grader's summary lines for the rows :func:`top` chose."""
    lang = lang or instructor_language()
    lines = [f"  {_msg('summary', lang)}:"] if most else []
    return lines + [f"    {students} x {ex_id} {name}: {short(text, 90)}"
                    for _, ex_id, name, text, students in most]


def draw(ax, rows, lang):
    """Horizontal bars: students per (exercise, misconception) that anybody made."""
    made = [r for r in rows if r[4] > 0]
    if made:
        ax.barh(range(len(made)), [r[4] for r in made],
                color=["#999999" if r[2] == NONE else "#D55E00" for r in made])
        labels = [f"{' '.join(filter(None, r[1:3]))}: {short(r[3], 70)}" for r in made]
        ax.set_yticks(range(len(made)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.text(0.5, 0.5, _msg("empty", lang), ha="center", va="center",
                transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_xlabel(_msg("xlabel", lang))
    ax.set_title(_msg("title", lang))
