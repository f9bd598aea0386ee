"""Feedback without leaks (nbgrader #917, #1363): what the student may see, as HTML.

:class:`StripForFeedback` runs first in ``GenerateFeedback.preprocessors`` (our course config, so
``nbgrader generate_feedback`` in the course directory is safe too). It removes every hidden-test
region and every solution region (``### BEGIN/END SOLUTION``: a reference solution never belongs
in feedback, whatever cell it got into) from every cell, and every answer record output. The
student keeps their own answers, the verdict of every test cell with the failed check and the
hint (written by :mod:`autograder.verdict`), the points (nbgrader's feedback template) and the
placeholders of the manually graded answers.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor

from workbook.answer import ANSWER_MIME, strip_hidden

SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION[ \t]*\n?", re.DOTALL)
REMOVED = "# (removed)\n"
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
    return cell


class StripForFeedback(Preprocessor):
    """Remove hidden tests, solutions and answer records before the feedback is rendered."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            strip_cell(cell)
        return nb, resources
