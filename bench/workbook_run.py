"""The whole workbook, executed headless: every unit's SOURCE notebook (with the solutions), in
both languages, built by ``workbook.build.make_course`` into a temporary course and executed one
after the other with nbclient (a fresh kernel per notebook, as a student's "Restart and run all").

Figures: the total wall time (kernel start included) and the peak resident memory (RSS) of a
kernel, from psutil polling the kernel process (and any children) every 10 ms; the kernel's own
``ru_maxrss`` (read in the kernel at the end) is kept as a cross-check, because polling can miss
a short peak.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

MEMORY_POLL_S = 0.01
MAXRSS_CODE = "import resource as _r; print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


class PeakRSS:
    """Poll a process (and its children) in a thread; ``peak`` is the largest RSS sum seen."""

    def __init__(self, pid, interval=MEMORY_POLL_S):
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                rss = self.process.memory_info().rss
                for child in self.process.children(recursive=True):
                    try:
                        rss += child.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, rss)
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def execute(path, timeout=600, allow_errors=False, memory=True):
    """Execute one notebook in a fresh kernel: ``{seconds, peak_rss_mb, maxrss_mb, cells}``
    (``seconds``: kernel start and every cell; without ``memory`` no RSS polling thread runs
    beside it, and the memory figures are None)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    t0 = time.perf_counter()
    if not memory:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - t0
        return {"seconds": seconds, "peak_rss_mb": None, "maxrss_mb": None,
                "cells": sum(c.cell_type == "code" for c in nb.cells), "errors": None}
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        with PeakRSS(pid) as memory:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - t0
            probe = nbformat.v4.new_code_cell(MAXRSS_CODE)
            nb.cells.append(probe)
            client.execute_cell(probe, len(nb.cells) - 1)
    nb.cells.pop()
    printed = "".join(out.get("text", "") for out in probe.get("outputs", [])
                      if out.get("name") == "stdout").split()  # one print may come in pieces
    maxrss_kb = int(printed[-1]) if printed else None
    errors = [c for c in nb.cells if c.cell_type == "code" and any(
        o.get("output_type") == "error" for o in c.get("outputs", []))]
    return {"seconds": seconds, "peak_rss_mb": memory.peak / 2**20,
            "maxrss_mb": maxrss_kb / 1024 if maxrss_kb else None,
            "cells": sum(c.cell_type == "code" for c in nb.cells), "errors": len(errors)}


def run(log=print):
    from bench.common import figure
    from workbook.build import make_course

    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        made = make_course(Path(tmp) / "course")
        paths = sorted((Path(tmp) / "course" / "source").glob("*/*.ipynb"))
        per_notebook = {}
        t0 = time.perf_counter()
        for path in paths:
            result = execute(path)
            per_notebook[f"{path.parent.name}/{path.name}"] = result
            log(f"  {path.parent.name}/{path.name}: {result['seconds']:.1f} s, "
                f"kernel peak RSS {result['peak_rss_mb']:.0f} MB"
                + (f", {result['errors']} ERRORS" if result["errors"] else ""))
        total = time.perf_counter() - t0
    seconds = sum(r["seconds"] for r in per_notebook.values())
    peak = max(r["peak_rss_mb"] for r in per_notebook.values())
    maxrss = max((r["maxrss_mb"] or 0) for r in per_notebook.values())
    errors = sum(r["errors"] for r in per_notebook.values())
    extra = {"notebooks": len(paths), "units_x_languages": len(made),
             "wall_seconds_incl_shutdown": total, "per_notebook": per_notebook}
    return [
        figure(f"whole workbook: {len(paths)} notebooks executed (nbclient)", seconds, "s",
               note=f"{errors} cell errors" if errors else None, extra=extra),
        figure("whole workbook: peak kernel RSS", peak, "MB",
               extra={"kernel_ru_maxrss_mb": maxrss}),
    ]
