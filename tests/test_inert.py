"""Student content never runs as script where a person opens it (headless Chromium).

The two script cases of the hostile corpus (tests/hostile/corpus.py: a written answer, a raw cell,
cell tags and notebook metadata carrying ``<script>`` and event handlers; an answer cell that
displays HTML, JavaScript, SVG, markdown, LaTeX and a widget view) are graded with their payloads
calling home to a listener of this test. Then formgrader shows each submission as the instructor
grades it, and each feedback file is opened as the student (or the instructor, from an exported
zip) opens it: no payload ran (``window.xssRan`` stays unset), the page requested nothing from the
listener and the listener got nothing, and the student's text is still there to read.
"""

from __future__ import annotations

import http.server
import os
import sys
import threading
import warnings
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, FormgraderServer, launch_chromium

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile.corpus import BEACON, CASES, assignment, notebook_bytes  # noqa: E402

from autograder.cli import main  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1200)]
SCRIPT_CASES = [c for c in CASES if c.name.startswith("script_")]
NOTEBOOK = "1_relu_chain_rule"


class Listener(http.server.ThreadingHTTPServer):
    """An HTTP server on a loopback port it chose; ``paths`` lists every request it got."""

    def __init__(self):
        paths = self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                paths.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


def submission_ids(course):
    """student -> the gradebook id of their submitted notebook (formgrader's page of it)."""
    from nbgrader.api import Gradebook
    from traitlets.config.loader import PyFileConfigLoader

    db_url = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config() \
        .CourseDirectory.db_url
    with Gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {c.name: gb.find_submission_notebook(NOTEBOOK, assignment(c), c.name).id
                for c in SCRIPT_CASES}


def opened(page, url, listener, ready=None):
    """Open ``url`` in ``page``; returns ``(payloads that ran, requests to the listener)``."""
    requested = []
    page.on("request", lambda r: requested.append(r.url)
            if r.url.startswith(f"{listener.url}/") else None)
    page.goto(url, wait_until="load", timeout=120_000)
    if ready:
        page.locator(ready).first.wait_for(state="visible", timeout=120_000)
    ran = page.evaluate("() => window.xssRan || []")
    return ran, requested


def test_no_student_script_runs_in_formgrader_or_feedback(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    listener = Listener()
    try:
        subs, results = tmp_path / "subs", tmp_path / "results"
        for case in SCRIPT_CASES:
            folder = subs / case.name / assignment(case)
            folder.mkdir(parents=True)
            (folder / f"{NOTEBOOK}.ipynb").write_bytes(
                notebook_bytes(case).replace(BEACON.encode(), listener.url.encode()))
        assert main(["grade", str(subs), "--out", str(results), "--workers", "1",
                     "--units", "unit1"]) == 0
        course = results / "course"
        ids = submission_ids(course)
        feedback = {c.name: results / "feedback" / c.name / assignment(c) / f"{NOTEBOOK}.html"
                    for c in SCRIPT_CASES}
        server = FormgraderServer(course, tmp_path / "formgrader")
        problems, texts = [], {}
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for name, path in feedback.items():
                        page = browser.new_page()
                        ran, requested = opened(page, path.as_uri(), listener)
                        texts[f"feedback {name}"] = page.inner_text("body")
                        problems += [f"feedback of {name}: ran {ran}, requested {requested}"] \
                            if ran or requested else []
                        page.close()
                    context = browser.new_context(extra_http_headers={
                        "Authorization": f"token {server.token}"})
                    for name, nb_id in ids.items():
                        page = context.new_page()
                        # formgrader's view is ready once it marked the written answer's input
                        ran, requested = opened(
                            page, server.page_url(f"formgrader/submissions/{nb_id}/"), listener,
                            ready="input.score.needs_manual_grade")
                        texts[f"formgrader {name}"] = page.inner_text("body")
                        problems += [f"formgrader of {name}: ran {ran}, requested {requested}"] \
                            if ran or requested else []
                        page.close()
                finally:
                    browser.close()
        finally:
            server.stop()
        assert not problems, "\n".join(problems)
        assert not listener.paths, listener.paths
        for where in ("feedback script_markdown", "formgrader script_markdown"):
            # the student's answer is there to read and grade: the markup as text
            assert "My answer: w2 stays" in texts[where], where
            assert "<script>(window.xssRan" in texts[where], where
    finally:
        listener.shutdown()
        listener.server_close()
