"""The feedback as a student reads it, offline: formulas as MathML (no MathJax from a CDN, no
script), a long ✘ hint wrapped in its box, a table of contents of exercise titles (no grade ids,
no row of bare "Prüfzelle")."""

import re

import nbformat
import pytest
from test_autograder_parts import NOTEBOOK, render_feedback, visible

from autograder import feedback
from autograder.verdict import verdict_outputs
from workbook.exercise import MESSAGES

LATEX = re.compile(r"\\(frac|partial|cdot|delta|sigma|eta|max|hat|mathrm|text)\b")


def toc(page):
    """The entries of the table of contents (visible text of each <li>)."""
    block = re.search(r'<div id="toc">(.*?)</div>', page, re.DOTALL).group(1)
    return [" ".join(visible(li).split()) for li in re.findall(r"<li\b.*?</li>", block, re.DOTALL)]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_formulas_are_mathml_and_no_script_is_loaded(lang):
    page = render_feedback(lang)
    assert "<script" not in page.lower() and "cdnjs" not in page
    assert not re.findall(r'(?:src|href)="(?!#|data:)', page)  # nothing loaded from elsewhere
    text = visible(page)
    assert page.count("<math ") > 20
    assert "$" not in text and not LATEX.search(text), LATEX.search(text)
    # the code of the cells keeps its dollars and backslashes (no formula there)
    assert "<math" not in "".join(re.findall(r"<pre\b.*?</pre>", page, re.DOTALL))


def test_a_students_formula_cannot_add_markup():
    page = feedback.mathml(r"<p>$\text{<script>alert(1)</script>}$ and "
                           r"$\href{javascript:alert(1)}{x}$</p>")
    assert "<script" not in page and "javascript:" not in page and "<math " in page
    assert feedback.mathml("<p>$\\frac{a$</p>").count("<math") <= 1  # no exception either way


@pytest.mark.parametrize("lang", ["de", "en"])
def test_contents_name_the_exercises_not_grade_ids(lang):
    entries = toc(render_feedback(lang))
    assert len(entries) >= 10
    word = "Aufgabe" if lang == "de" else "Exercise"
    for entry in entries:
        assert "_check" not in entry and not re.search(r"\bu\d_", entry), entry
        if not entry.startswith(("Abzug", "Late")):
            assert word in entry, entry
    assert f"{word} b: dz_dw2 (" + ("Punkte: 0,5 / 1)" if lang == "de" else "Score: 0.5 / 1)") \
        in entries
    bare = r"(Prüfzelle|Textantwort|Check cell|Test cell|Written answer|Written response) \(.*"
    assert not any(re.fullmatch(bare, e) for e in entries)
    page = render_feedback(lang)
    assert "<code>u1_" not in page  # the cells' own headings


def test_a_title_from_a_students_cell_is_text():
    """A student may write "**Aufgabe ...**" into a markdown cell above an answer: its title in
    the contents is text, never markup."""
    nb = nbformat.read(NOTEBOOK["de"], as_version=4)
    spoof = nbformat.v4.new_markdown_cell("**Aufgabe <b onmouseover=x>b</b>.**")
    at = next(i for i, c in enumerate(nb.cells)
              if c.metadata.get("nbgrader", {}).get("grade_id") == "u1_dz_dw2")
    nb.cells.insert(at, spoof)
    page = render_feedback("de", nb=nb)
    assert "Aufgabe &lt;b onmouseover=x&gt;b&lt;/b&gt;: dz_dw2" in page
    assert page.count("<b onmouseover") <= 1  # the cell itself, rendered as nbconvert does


@pytest.mark.browser
def test_a_long_hint_wraps_in_its_box(tmp_path):
    """The ✘ hint of a wrong function answer (a long line) stays inside the page at 1280 px:
    its box does not scroll sideways and no text is cut off."""
    from browser_helpers import launch_chromium
    from playwright.sync_api import sync_playwright

    hint = (MESSAGES["wrong_case"][0].format(k=1, args="") + " Achten Sie darauf, dass der "
            "Gradient das Produkt aus lokalem und eingehendem Gradienten ist: " * 4)
    page = render_feedback("de", outputs={"u1_dz_dw2_check": verdict_outputs(False, hint)})
    path = tmp_path / "feedback.html"
    path.write_text(page, encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            view = browser.new_page(viewport={"width": 1280, "height": 800})
            view.route("**/*", lambda route: route.abort() if not route.request.url.startswith(
                "file:") else route.continue_())  # offline
            view.goto(path.as_uri())
            boxes = view.evaluate("""() => [...document.querySelectorAll('.output_area pre')]
                .map(e => [e.scrollWidth, e.clientWidth, e.innerText.length])""")
            page_width = view.evaluate("() => document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert boxes and all(scroll <= client + 1 for scroll, client, _ in boxes), boxes
    assert max(n for *_, n in boxes) > len(hint) - 10
    assert page_width <= 1280
