"""Every view fits a laptop and stays sharp (marker ``browser``): the unit notebooks in JupyterLab
in headless Chromium at a device pixel ratio of 2, every cell run, then measured at 1280×800 and
at 1920×1080 (tests/browser_helpers.py ``JS_LAYOUT``):

- the notebook does not scroll horizontally, and no view cuts or scrolls its content (a cut
  control description, a diagram in a scrolling box);
- no plot image is shown wider than its pixels allow at the device's pixel ratio (blurred);
- diagram text is at least ``MIN_TEXT_PX`` on the screen, and no label covers an edge, a node
  or another label;
- a German view writes every number with a decimal comma (slider readouts included).

Screenshots of every view at both sizes: ``python scripts/view_screenshots.py``.
Run: ``python -m pytest -m browser tests/test_browser_layout.py`` (no xdist).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM,
    LOCALES,
    NO_WINDOWING,
    PIXEL_RATIO,
    SCREENS,
    LabPage,
    LabServer,
    copy_notebooks,
    launch_chromium,
    view_layout,
)

from workbook.i18n import LANGUAGES as LANGS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
UNIT_NOTEBOOKS = [
    pytest.param(lang, path.name, id=f"{lang}_{path.stem}")
    for lang in LANGS
    for path in sorted((NOTEBOOKS / lang).glob("[1-9]*.ipynb"))
]
#: A number with a decimal point (German views write a decimal comma).
DECIMAL_POINT = re.compile(r"\d\.\d")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not NOTEBOOKS.is_dir():
        pytest.skip("notebooks/ has not been built (make notebooks)")
    work = tmp_path_factory.mktemp("lab")
    server = LabServer(copy_notebooks(NOTEBOOKS, work / "notebooks"), work, extra=NO_WINDOWING)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def context():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-debian.sh installs it)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
        ctx = browser.new_context(viewport=SCREENS["1280x800"], device_scale_factor=PIXEL_RATIO)
        yield ctx
        ctx.close()
        browser.close()
    finally:
        playwright.stop()


@pytest.mark.parametrize(("lang", "name"), UNIT_NOTEBOOKS)
def test_views_fit_and_stay_sharp(lab, context, lang, name):
    lab.set_locale(LOCALES[lang])
    nb = LabPage(context, lab, f"{lang}/{name}")
    try:
        nb.run_all()
        problems = []
        for screen in SCREENS:
            m = view_layout(nb.page, screen)
            found = [f"the notebook scrolls {m['page']} px sideways"] if m["page"] > 0 else []
            found += m["cut"] + m["images"] + m["small"] + m["overlaps"]
            if lang == "de":
                found += [f"decimal point: {t!r}" for text in m["texts"]
                          for t in DECIMAL_POINT.findall(text)]
            problems += [f"{screen}: {p}" for p in found]
        assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
    finally:
        nb.close()
