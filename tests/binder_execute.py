"""Run inside the Binder-like virtual environment by tests/test_binder.py (not a test module).

    <venv>/bin/python binder_execute.py OUT.json NOTEBOOK.ipynb ...

Executes every notebook with nbclient and the environment's own ``python3`` kernel (cwd = the
notebook's folder, errors allowed), two at a time, and writes per notebook: the error outputs
(cell index, ename, evalue, whether the cell is an nbgrader check cell), the kernel's
``sys.prefix`` and where it imported ``workbook`` from, what each check cell printed
(``{grade_id: text}``) and the seconds it took.
Only the environment's own packages are used (nbclient and nbformat come from nbgrader).
"""

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PROBE = ("import sys, workbook\n"
         "print('NNKIT-PROBE', sys.prefix, workbook.__file__)")


def run(path):
    import nbformat
    from nbclient import NotebookClient

    t0 = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    errors, probe, checks = [], None, {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        check = bool(meta.get("grade")) and "check(" in cell.source
        if check:
            checks[meta["grade_id"]] = "".join(out.text for out in cell.get("outputs", [])
                                               if out.output_type == "stream")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors.append({"cell": index, "ename": out.ename, "evalue": out.evalue[:300],
                               "check_cell": check, "source": cell.source[:200]})
    # the probe's line may arrive in several stream chunks: read the joined text
    printed = "".join(out.text for out in nb.cells[-1].get("outputs", [])
                      if out.output_type == "stream")
    if "NNKIT-PROBE" in printed:
        probe = (printed.split("NNKIT-PROBE", 1)[1].split() + [None, None])[:2]
    not_run = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.get("execution_count") is None]
    return {"notebook": str(path), "errors": errors, "not_run": not_run,
            "prefix": probe and probe[0], "workbook": probe and probe[1], "checks": checks,
            "seconds": round(time.perf_counter() - t0, 1)}


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, paths))
    Path(out).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
