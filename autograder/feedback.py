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
grading worker about 0.4 s per notebook. The HTML is the same. It also renders the feedback in
the assignment's language: for ``<unit>_de`` (the assignment id, which the grader trusts; the
notebook's own metadata is cleared by autograde) our ``templates/feedback_de.html.j2``, which
extends nbgrader's feedback template with German labels and points with a decimal comma; for
English nbgrader's template unchanged. Every page gets a Content-Security-Policy
(:func:`autograder.inert.with_policy`); the student's cells are made inert by the course config
(:mod:`autograder.inert`).
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from autograder.inert import with_policy
from workbook.answer import ANSWER_MIME, strip_hidden
from workbook.source import parse_assignment

SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION[ \t]*\n?", re.DOTALL)
REMOVED = "# (removed)\n"
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = {"de": "feedback_de.html.j2", "en": "index.html.j2"}  # language -> template file
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
        environment.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), environment.loader])
        environment.bytecode_cache = self._compiled
        return environment

    def default_filters(self):
        yield from super().default_filters()
        yield "points_de", points_de

    def from_notebook_node(self, nb, resources=None, **kw):
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        if assignment:  # nbgrader's GenerateFeedback: its feedback template, in our language
            self.template_file = TEMPLATE[parse_assignment(assignment)[1]]
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return with_policy(html), resources
