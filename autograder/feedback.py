"""Feedback without leaks (nbgrader #917, #1363): what the student may see, as HTML.

:class:`StripForFeedback` runs first in ``GenerateFeedback.preprocessors`` (our course config, so
``nbgrader generate_feedback`` in the course directory is safe too). It removes every hidden-test
region and every solution region (``### BEGIN/END SOLUTION``: a reference solution never belongs
in feedback, whatever cell it got into) from every cell, and every answer record output. The
student keeps their own answers, the verdict of every test cell with the failed check and the
hint (written by :mod:`autograder.verdict`), the points (nbgrader's feedback template) and the
placeholders of the manually graded answers.

:class:`FeedbackExporter` (``GenerateFeedback.exporter_class`` in our course config) is
nbconvert's HTMLExporter with Jinja's bytecode cache kept in the process: nbgrader makes a new
exporter for every submission, and compiling the feedback templates again each time cost a
grading worker about 0.4 s per notebook. The HTML is the same. It renders the feedback with our
``templates/feedback/feedback.html.j2`` (nbgrader's feedback template with these changes) in the
assignment's language (``<unit>_de``, ``<unit>_en``: the assignment id, which the grader trusts;
the notebook's own metadata is cleared by autograde): labels in that language (:data:`LABELS`),
points with a decimal comma in German; every graded cell named by its exercise's title as the
notebook shows it ("Aufgabe 3b: L_before", :func:`titles`), not by its grade id; formulas as
MathML written here (:func:`mathml`; the page loads no MathJax and runs no script, so formulas
show offline); outputs wrapped (a long ✘ hint is not one line in a box that scrolls sideways).
Every page gets a Content-Security-Policy (:func:`autograder.inert.with_policy`); the student's
cells are made inert by the course config (:mod:`autograder.inert`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import bleach
from jinja2 import BytecodeCache, FileSystemLoader, pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from autograder.inert import with_policy
from workbook.answer import ANSWER_MIME, strip_hidden
from workbook.i18n import message
from workbook.source import exercise_id, parse_assignment

SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION[ \t]*\n?", re.DOTALL)
REMOVED = "# (removed)\n"
TEMPLATES = Path(__file__).parent / "templates" / "feedback"  # found only for the feedback
TEMPLATE = "feedback.html.j2"
LABELS = {  # key: (German, English); the labels of the feedback page
    "score": ("Punkte", "Score"),
    "top": ("nach oben", "Top"),
    "answer": ("Ihre Antwort", "Your answer"),
    "check": ("Prüfzelle", "Check cell"),  # docs/glossary.md
    "written": ("Textantwort", "Written answer"),
    "code": ("Code-Antwort", "Code answer"),
    "comment": ("Kommentar", "Comment"),
    "late": ("Abzug für verspätete Abgabe", "Late submission penalty"),
}
# "**Aufgabe 3b (1 Punkt).**", "**Exercise d, explanation (2 points).**": the notebook's title of
# the exercises below it
EXERCISE = re.compile(r"\*\*((?:Aufgabe|Exercise)\s[^*()]*?)\s*(?:\([^)]*\))?\.?\*\*")
# formulas as nbconvert's markdown renders them (math text HTML-escaped), outside code
CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.DOTALL | re.IGNORECASE)
MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$([^$\n]+?)\$|\\\((.+?)\\\)", re.DOTALL)
MATHML_TAGS = frozenset({
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror"})
MATHML_ATTRIBUTES = ["xmlns", "display", "mathvariant", "stretchy", "fence", "separator",
                     "lspace", "rspace", "accent", "accentunder", "linethickness", "columnalign",
                     "rowspacing", "columnspacing", "columnlines", "rowlines", "width", "height",
                     "depth", "minsize", "maxsize", "movablelimits", "displaystyle",
                     "scriptlevel", "notation", "form", "symmetric", "largeop", "encoding"]
MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "### BEGIN SOLUTION",
           "### END SOLUTION")


def strip_cell(cell):
    source = strip_hidden(cell.source, REMOVED)
    source = SOLUTION.sub(REMOVED, source)
    # an unbalanced marker: drop everything from it on
    cut = min((source.find(m) for m in MARKERS if m in source), default=-1)
    cell.source = source if cut < 0 else source[:cut] + REMOVED
    if cell.cell_type == "code":
        cell.outputs = [o for o in cell.get("outputs", []) if ANSWER_MIME not in o.get("data", {})]
    for out in cell.get("outputs", []):  # a stray copy in a stream or an error text
        if out.get("output_type") == "stream" and any(m in out.get("text", "") for m in MARKERS):
            out["text"] = REMOVED
        if out.get("output_type") == "error" and any(
                m in text for m in MARKERS for text in [out.get("evalue", ""),
                                                        *out.get("traceback", [])]):
            out["evalue"], out["traceback"] = REMOVED, [REMOVED]
    return cell


def points_de(x):
    """Points as a German text shows them: 2.5 -> "2,5", 3.0 -> "3", 2/3 -> "0,67" (at most two
    decimals, like nbgrader's ``round(2)``)."""
    text = f"{float(x):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",").replace("-", "\u2212")


def points(x, lang):
    """Points as the feedback shows them: German with a decimal comma (:func:`points_de`),
    English with a decimal point (2.5, 3, 0.67)."""
    text = points_de(x)
    return text if lang == "de" else text.replace(",", ".").replace("\u2212", "-")


@pass_context
def _points(context, x):
    return points(x, context["resources"]["feedback"]["lang"])


def formula(tex, display):
    """The LaTeX ``tex`` as MathML (latex2mathml), with only MathML markup: a ``\\text{}`` or
    ``\\href{}`` of a student's formula cannot become an element or a link. None if it does not
    convert."""
    from latex2mathml.converter import convert

    try:
        markup = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds for LaTeX it cannot read
        return None
    return bleach.clean(markup, tags=MATHML_TAGS, attributes=MATHML_ATTRIBUTES, strip=False)


def mathml(page):
    """The rendered markdown ``page`` (HTML) with every formula (``$…$``, ``$$…$$``, ``\\(…\\)``,
    ``\\[…\\]``, outside code) as MathML; a formula that does not convert stays as written."""
    def convert(match):
        display = match.group(1) if match.group(1) is not None else match.group(2)
        tex = display if display is not None else match.group(3) or match.group(4)
        markup = formula(html.unescape(tex), display is not None)
        return match.group(0) if markup is None else markup

    parts = CODE.split(str(page))
    return "".join(part if i % 2 else MATH.sub(convert, part) for i, part in enumerate(parts))


def titles(nb, lang):
    """``{grade id: title}`` of the answer, test and task cells of ``nb``: the title of the
    exercise above the cell as the notebook writes it ("Aufgabe 3b"), with the name of the
    answer of an exercise ("Aufgabe 3b: L_before", for its answer and its test cell) or the
    kind of another answer ("Aufgabe 2: Textantwort"); the kind alone where no exercise title is
    above the cell."""
    from workbook.checks import find

    found, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            current = ([m.group(1) for m in EXERCISE.finditer(cell.source)] or [current])[-1]
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not gid or not (meta.get("grade") or meta.get("solution") or meta.get("task")):
            continue
        kind = ("check" if not (meta.get("solution") or meta.get("task")) else
                "code" if cell.cell_type == "code" else "written")
        try:
            part = find(exercise_id(gid) or gid).answer if cell.cell_type == "code" else None
        except KeyError:
            part = None
        part = part or message(LABELS, kind, lang)
        found[gid] = f"{current}: {part}" if current else part
    return found


class StripForFeedback(Preprocessor):
    """Remove hidden tests, solutions and answer records before the feedback is rendered."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            strip_cell(cell)
        return nb, resources


class _Compiled(BytecodeCache):
    """Jinja's bytecode cache in memory (a bucket is keyed by template name and file; Jinja
    checks the template source's checksum before it uses the code)."""

    def __init__(self):
        self.codes = {}

    def load_bytecode(self, bucket):
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.codes[bucket.key] = bucket.bytecode_to_string()


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTMLExporter whose templates are compiled once per process, in the language
    of the assignment (``resources["nbgrader"]["assignment"]``, set by nbgrader)."""

    _compiled = _Compiled()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = self._compiled
        return environment

    def default_filters(self):
        yield from super().default_filters()
        yield "points", _points
        yield "mathml", mathml

    def from_notebook_node(self, nb, resources=None, **kw):
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        if assignment:  # nbgrader's GenerateFeedback: our feedback template, in our language
            lang = parse_assignment(assignment)[1]
            self.extra_loaders = [FileSystemLoader(TEMPLATES)]  # (a new environment)
            self.template_file = TEMPLATE
            resources["feedback"] = {"lang": lang, "titles": titles(nb, lang), "labels": {
                key: message(LABELS, key, lang) for key in LABELS}}
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return with_policy(html), resources
