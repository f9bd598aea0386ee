"""Student content rendered inert: no script of a submission runs where a person opens it.

nbgrader's formgrader and nbconvert render a submission's markdown and its ``text/html``,
``application/javascript``, SVG and widget outputs as they are: script in a student's cell runs in
the instructor's logged-in formgrader page (with the Jupyter API and its ``_xsrf`` cookie at hand)
and in the feedback file. Our course config (:mod:`autograder.course`) installs both parts below
on nbconvert's ``HTMLExporter``, so they hold for every page rendered from a notebook of the
course: formgrader's (its exporter reads the course's ``nbgrader_config.py``) and the feedback
(:class:`autograder.feedback.FeedbackExporter` is an HTMLExporter), hence also the feedback in the
exported Moodle/ILIAS zips.

* :class:`Inert` (a preprocessor, nbconvert's ``SanitizeHTML`` with our allowlist): a code cell
  keeps only outputs that cannot run script (text, PNG/JPEG, LaTeX, markdown: rendered by the
  filter below) and ``text/html`` cleaned by :func:`clean`; JavaScript, SVG, widget views and
  every other type are removed; an image's file name (``filenames`` in the output's metadata,
  written as the image's address) is dropped. Raw cells are cleaned; the notebook's widget state
  (rendered by a widget manager script) is dropped. (Cell ids and tags are escaped by nbconvert's
  templates; grade ids are the instructor's: :mod:`autograder.validate` rejects others.)
* :func:`markdown2html` (the exporter's filter of that name): markdown rendered as nbconvert does,
  then cleaned. Markup that is not allowed stays as text (``<script>`` reads as ``<script>``);
  links keep http(s) and mailto targets only, images only ``data:`` images (no request leaves
  the page).

The feedback files also carry a Content-Security-Policy (:func:`with_policy`): only the scripts
of the template's ``<head>`` may run (MathJax), no inline handler, no request but for those
scripts' files. Formgrader's pages cannot take one this way (their inline scripts differ per
page and jupyter-server's headers hold for JupyterLab too): there the cleaning above is the guard.

:func:`clean` is bleach (nbconvert's own sanitizer dependency) with a small allowlist of text
markup: no ``id``, ``class`` or ``style`` (a student's element cannot pose as formgrader's).
"""

from __future__ import annotations

import base64
import hashlib
import re

import bleach
from jinja2 import pass_context
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import default

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "q", "s", "samp", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var"})
LINKS = ("http://", "https://", "mailto:", "#")


def _attribute(tag, name, value):
    if name in ("title", "alt") or (tag in ("td", "th") and name in ("colspan", "rowspan")):
        return True
    if tag == "a" and name == "href":
        return value.strip().lower().startswith(LINKS)
    if tag == "img" and name == "src":
        return value.strip().lower().startswith("data:image/")
    return False


_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_attribute,
                          protocols=["http", "https", "mailto", "data"], strip=False,
                          strip_comments=True)  # bleach.clean builds one per call (6x the time)


def clean(html):
    """``html`` (str) with only :data:`TAGS` and harmless attributes; other markup escaped, so
    that its text stays readable; comments removed."""
    return _CLEANER.clean(html)


@pass_context
def markdown2html(context, source):
    """nbconvert's markdown filter (math left for MathJax, the cell's attachments as ``data:``
    images), its HTML cleaned by :func:`clean`."""
    cell = context.get("cell", {})
    renderer = IPythonRenderer(escape=False, attachments=cell.get("attachments", {}))
    return clean(MarkdownWithMath(renderer=renderer).render(source))


class Inert(SanitizeHTML):
    """Outputs, raw cells and widget state of a notebook made inert (see the module
    docstring). Markdown cells are left as written: :func:`markdown2html` renders them."""

    @default("safe_output_keys")
    def _kept(self):  # text/latex is escaped by the template, text/markdown cleaned by the filter
        return {"metadata", "text/plain", "text/latex", "text/markdown", "image/png",
                "image/jpeg"}

    @default("sanitized_output_types")
    def _cleaned(self):
        return {"text/html"}

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def sanitize_code_outputs(self, outputs):
        for output in outputs:  # an image's file name becomes an <img src>: a request
            output.get("metadata", {}).pop("filenames", None)
        return super().sanitize_code_outputs(outputs)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def sanitize_html_tags(self, html_str):
        return clean(html_str)


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
SOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
STYLESHEET = re.compile(r"<link\b[^>]*\bstylesheet\b[^>]*>", re.I)
EXECUTED = ("", "text/javascript", "application/javascript", "module")


def _folder(url):
    """A source expression for the folder of ``url`` (a script loads its parts from there)."""
    return url.split("?")[0].rsplit("/", 1)[0] + "/"


def policy(head):
    """The Content-Security-Policy of a page whose own scripts and style sheets are in ``head``
    (the template's part, before any cell): those scripts (inline ones by hash, loaded ones by
    their folder) and nothing else; images and fonts only from ``data:`` and those folders; no
    request of any other kind, no form, no frame, no plugin."""
    scripts, styles, hashes = set(), set(), set()
    for attributes, body in SCRIPT.findall(head):
        kind = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", attributes)
        if kind and kind.group(1).lower() not in EXECUTED:
            continue  # data for a script (MathJax's configuration), not run by the browser
        if src := SOURCE.search(attributes):
            scripts.add(_folder(src.group(1)))
        else:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    for link in STYLESHEET.findall(head):
        if href := SOURCE.search(link):
            styles.add(_folder(href.group(1)))
    loaded = " ".join(sorted(scripts))
    return "; ".join([
        "default-src 'none'",
        # MathJax 2 evaluates its configuration block; no inline script or handler runs
        " ".join(["script-src", *sorted(scripts | hashes), "'unsafe-eval'"]),
        " ".join(["style-src 'unsafe-inline'", *sorted(styles)]),
        f"img-src data: {loaded}".strip(), f"font-src data: {loaded}".strip(),
        "base-uri 'none'", "form-action 'none'"])


def with_policy(html):
    """``html`` (a page rendered by nbconvert) with a ``<meta>`` Content-Security-Policy from
    :func:`policy` of its ``<head>``, placed before anything in it."""
    head = re.search(r"<head\b[^>]*>", html, re.I)
    end = html.find("</head>")
    if head is None or end < 0:
        raise ValueError("a page without <head>")
    meta = ('<meta http-equiv="Content-Security-Policy" content="'
            f'{policy(html[head.end():end])}">')
    return html[:head.end()] + meta + html[head.end():]
