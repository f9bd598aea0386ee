"""The workbook as students meet it: JupyterLab in headless Chromium (marker ``browser``).

One JupyterLab server (on a copy of notebooks/ in a temporary directory) and one Chromium for
the whole module. For every unit notebook in German and English: open it with ``?reset`` (German
notebooks with the German JupyterLab interface), run every cell, check that no cell shows an
unexpected error, press ArrowRight on a slider of each view and check its plot changes (once the
kernel has answered the key press: no speed limit); a screenshot per notebook goes to
build/test-artifacts/screenshots/<lang>_<notebook>.png and the key-press-to-new-image latency to
build/test-artifacts/browser_latency.json (read by ``make bench``). Every test sets the interface
language it needs (the server's settings are shared by the module's tests, in any order).

Blank student notebooks: a check cell of an unanswered exercise raises WrongAnswer (the failed
self-check, shown as its ✘ line). That error is expected, and only there; any other error fails
the test.
Because ``notebook:run-all-cells`` stops at the first error (the kernel aborts the queue), the
cells are run one after the other with ``notebook:run-cell``.

Run: ``python -m pytest -m browser`` (no xdist; ``make test`` does this after the other tests).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM,
    JS_ARM,
    JS_IMG_HASH,
    LOCALES,
    SHARP_WAIT_MS,
    LabPage,
    LabServer,
    copy_notebooks,
    is_check_cell,
    launch_chromium,
    unexpected_errors,
)

from workbook.i18n import LANGUAGES as LANGS

# a notebook on a busy machine: each wait has its own deadline (the page's 120 s per action, 600 s
# for running every cell) below the test's
pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "build" / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LATENCY_FILE = ARTIFACTS / "browser_latency.json"
VIEWPORT = {"width": 1280, "height": 1100}
#: Key presses per latency measurement (the median is reported).
PRESSES = 10
#: The language whose notebooks give the latency figures (one view per unit).
LATENCY_LANG = "en"
#: Words of the View base class's Reset button: the view speaks the notebook's language.
RESET = {"de": "Zurücksetzen", "en": "Reset"}
#: Top-level menus of JupyterLab with and without the German language pack.
MENUS = {"de": ("Datei", "Bearbeiten", "Anzeigen", "Ausführen"),
         "en": ("File", "Edit", "View", "Run")}

UNIT_NOTEBOOKS = [
    pytest.param(lang, path.name, id=f"{lang}_{path.stem}")
    for lang in LANGS
    for path in sorted((NOTEBOOKS / lang).glob("[1-9]*.ipynb"))
]
START_PAGES = [lang for lang in LANGS if (NOTEBOOKS / lang / "0_start.ipynb").exists()]

_latency: dict[str, dict] = {}
#: Seconds per phase of each notebook test (written next to the latencies).
_phases: dict[str, dict] = {}


# --------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for the module, on a copy of notebooks/; stopped (with its kernels)
    at the end whatever happens."""
    if not NOTEBOOKS.is_dir():
        pytest.skip("notebooks/ has not been built (make notebooks)")
    work = tmp_path_factory.mktemp("lab")
    root = copy_notebooks(NOTEBOOKS, work / "notebooks")
    server = LabServer(root, work)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the Debian one) for the module."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-debian.sh installs it)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright)
    except BaseException:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module", autouse=True)
def latency_report():
    """The screenshots folder; at the end the latencies measured in this module go to
    build/test-artifacts/browser_latency.json."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield
    if not (_latency or _phases):
        return
    report = {
        "what": "key press (ArrowRight on a focused slider handle) to the new plot image "
                "(img src changed), ms, in JupyterLab in headless Chromium",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "views": dict(sorted(_latency.items())),
        "test_phases_s": dict(sorted(_phases.items())),
    }
    LATENCY_FILE.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")


@pytest.fixture
def open_notebook(lab, context):
    """``open_notebook(path, lang)``: the notebook in a fresh tab with the UI in ``lang`` (set
    here: the tests share the server's settings); the tab is closed and every kernel shut down
    after the test."""
    pages = []

    def opener(path, lang, kernel=True):
        lab.set_locale(LOCALES[lang])
        page = LabPage(context, lab, path, kernel=kernel)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


# ------------------------------------------------------------------------------- helpers

def menu_labels(page):
    page.wait_for_selector("#jp-MainMenu .lm-MenuBar-itemLabel")
    return [t.strip() for t in page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").all_inner_texts()]


def dom_tracebacks(page):
    """Error outputs as JupyterLab 4 renders them: an error output is a RenderedText with
    data-mime-type="application/vnd.jupyter.stderr" (the same as stream stderr; there is no
    "application/vnd.jupyter.error" element), so an error is told by its text: a Python
    traceback, or the one line "✘ ..." of a failed self-check (workbook.checks.WrongAnswer)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map(e => e.textContent).filter(t => /Traceback|^-{20,}|^✘ /m.test(t)).length""")


def view_cells(page, picture="img.widget-image"):
    """Indices of the cells whose output has a slider handle and a ``picture``."""
    return page.evaluate("""(picture) => window.jupyterapp.shell.currentWidget.content.widgets
        .map((c, i) => [i, c.node]).filter(([i, n]) =>
            n.querySelector('.jp-OutputArea .noUi-handle')
            && n.querySelector('.jp-OutputArea ' + picture))
        .map(([i]) => i)""", picture)


def diagram_answers(page, index):
    """A view without a plot image but with a network diagram (SVG): ArrowRight/Left on its
    first slider redraws the diagram. Returns True/False."""
    output = cell_output(page, index)
    handle = output.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    state = slider_state(handle)
    key = "ArrowLeft" if state["now"] >= state["max"] else "ArrowRight"
    settle(page)
    before = output.locator(".widget-html svg").first.evaluate("s => s.outerHTML")
    handle.focus()
    press_and_time(page, handle, output.locator(".widget-html").first, key)
    return output.locator(".widget-html svg").first.evaluate("s => s.outerHTML") != before


def cell_output(page, index):
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea").first


def slider_state(handle):
    return handle.evaluate("""h => ({now: parseFloat(h.getAttribute('aria-valuenow')),
        min: parseFloat(h.getAttribute('aria-valuemin')),
        max: parseFloat(h.getAttribute('aria-valuemax')),
        label: h.closest('.widget-slider').querySelector('.widget-label').innerText,
        meaning: h.closest('.widget-slider').querySelector('.widget-label').title})""")


def press_and_time(page, handle, element, key):
    """Press ``key`` on the focused handle and wait until the kernel has answered it; ms from
    the keydown to the next change of ``element`` (an image's src, a diagram), None if it did not
    change. (The page's deadline per action only guards against a hang.)"""
    element.evaluate(JS_ARM)
    handle.press(key)
    page.wait_for_function("() => window.__nnkit.done", polling="raf")
    return page.evaluate("() => window.__nnkit.dt")


def image_hash(img):
    return img.evaluate(JS_IMG_HASH)


def settle(page):
    """Wait until the kernel is idle."""
    page.wait_for_function("""() => { const k = window.jupyterapp.shell.currentWidget
        .sessionContext.session.kernel; return k && k.status === 'idle'; }""", polling=100)


def sharp(page, img):
    """Wait until ``img`` shows the kernel's sharp picture (two image pixels per CSS pixel),
    then until the kernel is idle. FigureView draws it a moment after the last change, while
    the kernel looks idle: a press measured before would see that picture arrive, not its own,
    and any fast picture differs from the sharp one of the same state (the learning rate of unit
    3's TrainingView, which changes nothing before training, seemed to change the image)."""
    page.wait_for_function("""img => img.complete
        && img.naturalWidth >= 1.9 * img.getBoundingClientRect().width""",
                           arg=img.element_handle(), timeout=SHARP_WAIT_MS, polling=100)
    settle(page)


OTHER_KEY = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}


def try_view(page, index, presses):
    """Press an arrow key on each slider of the view in cell ``index`` until one changes the
    image (a slider may legitimately not change the picture: a learning rate before training,
    a step below one pixel); then ``presses`` timed presses on that slider, alternating
    left/right so that it never sticks at an end. Returns a dict or None (no slider works)."""
    output = cell_output(page, index)
    img = output.locator("img.widget-image").first
    handles = output.locator(".noUi-handle")
    for h in range(handles.count()):
        handle = handles.nth(h)
        handle.scroll_into_view_if_needed()
        state = slider_state(handle)
        key = "ArrowLeft" if state["now"] >= state["max"] else "ArrowRight"
        sharp(page, img)
        before = image_hash(img)
        handle.focus()
        probe = press_and_time(page, handle, img, key)
        sharp(page, img)  # compared sharp with sharp: a fast picture of the same state differs
        if probe is None or image_hash(img) == before:
            continue
        times = []
        for i in range(presses):
            dt = press_and_time(page, handle, img, OTHER_KEY[key] if i % 2 == 0 else key)
            if dt is not None:
                times.append(dt)
        return {"slider": state["label"], "meaning": state["meaning"], "key": key,
                "presses": presses, "changed": len(times),
                "ms": [round(t, 1) for t in times],
                "median_ms": round(statistics.median(times), 1) if times else None}
    return None


# --------------------------------------------------------------------------------- tests

@pytest.mark.parametrize(("lang", "name"), UNIT_NOTEBOOKS)
def test_unit_notebook(open_notebook, lang, name):
    """Runs, shows no unexpected error, views answer the keyboard, speaks the language."""
    t0 = time.perf_counter()
    phases = _phases[f"{lang}_{Path(name).stem}"] = {}

    def lap(what):
        nonlocal t0
        now = time.perf_counter()
        phases[what] = round(now - t0, 1)
        t0 = now

    nb = open_notebook(f"{lang}/{name}", lang)
    page = nb.page
    lap("open (page and kernel)")
    cells = nb.run_all()
    lap("run every cell")

    code = [c for c in cells if c["type"] == "code"]
    problems = unexpected_errors(cells)
    assert not problems, "unexpected errors:\n" + "\n\n".join(problems)
    not_run = [c["index"] for c in code if c["execution_count"] is None]
    assert not not_run, f"cells without execution count: {not_run}"
    errors = sum(o["output_type"] == "error" for c in cells for o in c["outputs"])
    assert dom_tracebacks(page) == errors, "the page shows other tracebacks than the model has"
    checks = [c for c in code if is_check_cell(c)]
    assert all(c["outputs"] for c in checks), "a check cell printed nothing"

    # The interface and the views speak the notebook's language.
    labels = menu_labels(page)
    assert set(MENUS[lang]) <= set(labels), labels
    buttons = page.locator(".jp-OutputArea .widget-button").all_inner_texts()
    assert RESET[lang] in buttons, f"no '{RESET[lang]}' button among {buttons}"

    lap("checks")
    # Every view with a plot answers the arrow keys with a new picture.
    views = view_cells(page)
    assert views, "no view with a slider and a plot in this notebook"
    results, dead = {}, []
    for index in views:
        source = next(c["source"] for c in cells if c["index"] == index)
        presses = PRESSES if lang == LATENCY_LANG and not results else 3
        result = try_view(page, index, presses)
        if result is None:
            dead.append(f"cell {index}: {source.strip().splitlines()[-1]}")
        else:
            results[index] = {"cell": index, "view": source.strip().splitlines()[-1], **result}
    for index in sorted(set(view_cells(page, ".widget-html svg")) - set(views)):
        if not diagram_answers(page, index):
            source = next(c["source"] for c in cells if c["index"] == index)
            dead.append(f"cell {index} (diagram): {source.strip().splitlines()[-1]}")
    short = {i: r for i, r in results.items() if r["changed"] < r["presses"]}
    assert not short, f"presses without a new image: {short}"
    first = next(iter(results.values()), None)
    if first is not None and lang == LATENCY_LANG:
        _latency[f"{lang}_{Path(name).stem}"] = first

    lap("views (arrow keys)")
    # Screenshot: the first view with a working slider in the viewport.
    shown = next(iter(results), views[0])
    page.locator(".jp-Notebook .jp-Cell").nth(shown).scroll_into_view_if_needed()
    page.evaluate("""(i) => { const n = window.jupyterapp.shell.currentWidget.content
        .widgets[i].node; n.scrollIntoView({block: 'start'}); }""", shown)
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / f"{lang}_{Path(name).stem}.png"))
    lap("screenshot")

    assert not dead, "views whose plot did not change on ArrowRight/ArrowLeft: " + "; ".join(dead)


@pytest.mark.parametrize("lang", START_PAGES)
def test_start_page_links(open_notebook, lab, lang):
    """The start page links every unit notebook of its language, and the links open them."""
    nb = open_notebook(f"{lang}/0_start.ipynb", lang, kernel=False)
    page = nb.page
    page.wait_for_selector(".jp-RenderedMarkdown a", state="attached")
    links = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-Notebook .jp-RenderedMarkdown a')).map(a => ({
            text: a.innerText, href: a.getAttribute('href'),
            path: a.getAttribute('data-path') || null}))""")
    targets = {}
    for link in links:
        href = (link["href"] or "").split("?")[0].split("#")[0]
        if href.endswith(".ipynb"):
            targets[Path(href).name] = link
    expected = {p.name for p in (NOTEBOOKS / lang).glob("[1-9]*.ipynb")}
    assert set(targets) == expected, f"links {sorted(targets)} != notebooks {sorted(expected)}"
    for name in sorted(targets):
        model = lab.api("GET", f"/api/contents/{lang}/{name}?content=0")
        assert model["type"] == "notebook", name

    page.screenshot(path=str(SCREENSHOTS / f"{lang}_0_start.png"))
    # Clicking a link opens the notebook in JupyterLab.
    first = sorted(targets)[0]
    link = page.locator(".jp-Notebook .jp-RenderedMarkdown a", has_text=targets[first]["text"])
    link.first.click()
    page.wait_for_function("""(p) => { const w = window.jupyterapp.shell.currentWidget;
        return !!(w && w.context && w.context.path === p); }""", arg=f"{lang}/{first}")


def test_german_interface(lab, context):
    """With the locale de_DE (the German language pack of the `lab` extra) the menus are German."""
    languages = lab.api("GET", "/lab/api/translations/")
    assert "de_DE" in languages["data"], sorted(languages["data"])
    lab.set_locale(LOCALES["de"])
    page = context.new_page()
    try:
        page.goto(lab.page_url())
        labels = menu_labels(page)
        assert set(MENUS["de"]) <= set(labels), labels
        assert not set(MENUS["en"]) & set(labels), labels
        page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Datei").click()
        page.wait_for_selector(".lm-Menu")
        page.screenshot(path=str(SCREENSHOTS / "de_ui_menu.png"))
        items = page.locator(".lm-Menu .lm-Menu-itemLabel").all_inner_texts()
        assert any("Neu" in t or "Öffnen" in t for t in items), items
    finally:
        page.close()
        lab.shutdown_kernels()
