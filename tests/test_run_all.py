"""Run All in JupyterLab runs every cell of a blank unit (marker ``browser``): each check cell
shows its ✘ where it stands, the cells after it (views included) run, and ``nbgrader
validate`` of the notebook as saved still reports every exercise as failed.

Found: *Run → Run All Cells* on unit 1 stopped at the first check cell (WrongAnswer): the kernel
aborted the rest of the queue. Every check cell carries the tag ``raises-exception``
(workbook.build.RUN_ON), which JupyterLab sends with ``stop_on_error: false``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browser_helpers import CHROMIUM, JS_PANEL, LabServer, copy_notebooks, launch_chromium

from workbook.checks import unit_modules

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent

JS_STATE = """
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session.kernel;
  const cells = w.content.widgets.map(c => c.model).filter(m => m.type === 'code');
  return {idle: kernel.status === 'idle',
          counts: cells.map(m => m.executionCount),
          errors: cells.map(m => m.outputs.toJSON().filter(o => o.output_type === 'error')
                                  .map(o => [o.ename, (o.traceback || []).join('')]))};
}
"""


def settled(page, deadline):
    """The cells' state once the last code cell has run, or once nothing changed for 10 s with
    the kernel idle (Run All stopped early)."""
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(JS_STATE)
        if state["counts"][-1] is not None:
            return state
        if state != last:
            last, since = state, time.monotonic()
        elif state["idle"] and time.monotonic() - since > 10:
            return state
        time.sleep(0.5)
    return page.evaluate(JS_STATE)


@pytest.mark.parametrize("command", ["notebook:run-all-cells", "notebook:restart-run-all"])
def test_run_all_runs_every_cell_of_a_blank_unit(tmp_path, command):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (scripts/ensure-debian.sh installs it)")
    from playwright.sync_api import sync_playwright

    module, lang = unit_modules()[0], "de"
    name = f"{lang}/{module.UNIT.filename[lang]}.ipynb"
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
    server = LabServer(root, tmp_path / "work")
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(server.page_url(name))
            page.wait_for_function(JS_PANEL, polling=200)
            page.evaluate(f"() => {{ window.jupyterapp.commands.execute({command!r}); }}")
            if command == "notebook:restart-run-all":  # its dialog: "Restart"
                page.locator(".jp-Dialog .jp-mod-accept").click()
            state = settled(page, time.monotonic() + 600)
            page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function(
                "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", polling=200)
            browser.close()
    finally:
        server.stop()
    assert None not in state["counts"], f"cells not run: {state['counts']}"
    saved = nbformat.read(root / name, as_version=4)
    checks = [c for c in saved.cells if c.metadata.get("nbgrader", {}).get(
        "grade_id", "").endswith("_check")]
    assert len(checks) == len(module.EXERCISES)
    for cell in checks:  # its ✘ where it stands
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert [e.ename for e in errors] == ["WrongAnswer"], cell.source
        assert "".join(errors[0].traceback).startswith("✘"), errors[0].traceback
    others = [e for errors in state["errors"] for e in errors if e[0] != "WrongAnswer"]
    assert not others
    validate = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "validate", str(root / name)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert "VALIDATION FAILED" in validate.stdout, validate.stdout + validate.stderr
    for ex in module.EXERCISES:  # every unanswered exercise counts as failed
        assert f'check("{ex.id}")' in validate.stdout, (ex.id, validate.stdout)
