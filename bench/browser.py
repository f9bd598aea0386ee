"""Browser latency: key press (ArrowRight on a focused slider) to the changed plot image, in
JupyterLab in headless Chromium, per unit notebook (the first view with a slider).

The browser tests (``pytest -m browser``, part of ``make test``) measure it and write
build/test-artifacts/browser_latency.json; this benchmark reads that file (and says how old it is).
With ``run=True`` (``python -m bench browser --browser-run``) it runs those tests first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import figure, median

ROOT = Path(__file__).resolve().parent.parent
LATENCY_FILE = ROOT / "build" / "test-artifacts" / "browser_latency.json"
TARGET_MS = "<= 100"


def measure():
    """Run the browser tests of the unit notebooks (they write LATENCY_FILE)."""
    subprocess.run([sys.executable, "-m", "pytest", "-m", "browser", "-q", "--timeout=600",
                    "-k", "test_unit_notebook", "tests/test_browser.py"], cwd=ROOT, check=False)


def run(run_tests=False, log=print):
    if run_tests or not LATENCY_FILE.exists():
        if run_tests:
            measure()
    if not LATENCY_FILE.exists():
        log("  browser: build/test-artifacts/browser_latency.json missing (run the browser tests)")
        return [figure("browser: key press to new image", None, "ms", TARGET_MS,
                       note="not measured: build/test-artifacts/browser_latency.json missing; "
                            "run `pytest -m browser` or `python -m bench browser --browser-run`")]
    data = json.loads(LATENCY_FILE.read_text(encoding="utf-8"))
    views = {k: v for k, v in data.get("views", {}).items() if v.get("ms")}
    samples = [t for v in views.values() for t in v["ms"]]
    per_view = {k: v.get("median_ms") for k, v in views.items()}
    age_h = (time.time() - LATENCY_FILE.stat().st_mtime) / 3600
    note = f"from {LATENCY_FILE.relative_to(ROOT)} ({data.get('date', '?')}, {age_h:.1f} h old)"
    if not samples:
        return [figure("browser: key press to new image", None, "ms", TARGET_MS, note=note)]
    import numpy as np

    worst = max(per_view, key=lambda k: per_view[k] or 0)
    log(f"  browser: median {median(samples):.0f} ms over {len(samples)} key presses in "
        f"{len(views)} notebooks; slowest {worst} {per_view[worst]} ms")
    return [figure("browser: key press to new image (all notebooks)", median(samples), "ms",
                   TARGET_MS, p95=float(np.percentile(samples, 95)), n=len(samples), note=note,
                   extra={"per_notebook_median_ms": per_view,
                          "machine": data.get("machine"), "what": data.get("what")})]
