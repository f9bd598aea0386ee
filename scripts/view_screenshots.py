"""Screenshots of every view of the unit notebooks at 1280×800 and 1920×1080, as students see them.

    python scripts/view_screenshots.py [OUT] [NOTEBOOK ...]   # OUT: build/view-screenshots

Starts JupyterLab on a copy of notebooks/ (tests/browser_helpers.py), opens each unit notebook
(German and English, or the NOTEBOOKs given as ``de/5_verschwindende_gradienten.ipynb``) in
headless Chromium at a device pixel ratio of 2, runs every cell and saves, per view and screen,
``OUT/<lang>_<notebook>_cell<i>_<screen>.png`` (CSS pixels, the view scrolled to the top of the
window). It prints what the layout test (tests/test_browser_layout.py) would find.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_helpers import (  # noqa: E402
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


def main(out=ROOT / "build" / "view-screenshots", *notebooks):
    from playwright.sync_api import sync_playwright

    out = Path(out)
    notebooks = notebooks or sorted(
        str(p.relative_to(ROOT / "notebooks")) for p in (ROOT / "notebooks").glob("*/[1-9]*.ipynb"))
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        lab = LabServer(copy_notebooks(ROOT / "notebooks", Path(work) / "notebooks"), Path(work),
                        extra=NO_WINDOWING)
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport=SCREENS["1280x800"],
                                          device_scale_factor=PIXEL_RATIO)
            for path in notebooks:
                lang = path.split("/")[0]
                lab.set_locale(LOCALES[lang])
                nb = LabPage(context, lab, path)
                try:
                    nb.run_all()
                    for screen in SCREENS:
                        m = view_layout(nb.page, screen, out, f"{lang}_{Path(path).stem}")
                        found = m["cut"] + m["images"] + m["small"] + m["overlaps"]
                        print(f"{path} {screen}: page overflow {m['page']} px, "
                              f"{len(found)} problems", *found, sep="\n    ")
                finally:
                    nb.close()
        finally:
            browser.close()
            lab.stop()
    print("screenshots in", out)


if __name__ == "__main__":
    main(*sys.argv[1:])
