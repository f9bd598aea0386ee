"""``python -m bench [NAME ...]``: run the benchmarks, print a table, write bench/results.json.

Names: sliders, nnkit, workbook, browser, grading, selfcheck (default: all, in this order).
Running only some replaces their figures in bench/results.json and keeps the others (each figure
says which benchmark and run it came from). The machine facts of the last run go to
bench/machine.json.

    python -m bench                      # everything (make bench)
    python -m bench nnkit sliders        # only these
    python -m bench --quick              # fewer repetitions (a smoke run, not for the table)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.common import load, machine, table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
MACHINE = HERE / "machine.json"
NAMES = ("sliders", "nnkit", "workbook", "browser", "grading", "selfcheck")


def run_one(name, args):
    if name == "sliders":
        from bench import sliders

        figures, _ = (sliders.run(changes_live=6, changes_release=2) if args.quick
                      else sliders.run())
        return figures
    if name == "nnkit":
        from bench import nnkit_speed

        if args.quick:
            return nnkit_speed.run(sine_rounds=3, sine_calls=50, restart_rounds=1)
        return nnkit_speed.run()
    if name == "workbook":
        from bench import workbook_run

        return workbook_run.run()
    if name == "browser":
        from bench import browser

        return browser.run(run_tests=args.browser_run)
    if name == "grading":
        from bench import grading

        return grading.run(students=args.students, workers=args.workers)
    if name == "selfcheck":
        from bench import selfcheck_cost

        return selfcheck_cost.run()
    raise ValueError(name)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all): {', '.join(NAMES)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--students", type=int, default=8,
                        help="grading: students of the example class (x 5 notebooks each)")
    parser.add_argument("--workers", type=int, default=2, help="grading: workers")
    parser.add_argument("--browser-run", action="store_true",
                        help="browser: run the browser tests first (else read their artifact)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    names = args.names or list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")

    facts = machine()
    print(f"{facts['date']}  nproc {facts['nproc']}  {facts['cpu']}  Python {facts['python']}")
    figures, started = [], time.perf_counter()
    for name in names:
        print(f"[{name}]", flush=True)
        t0, load_before = time.perf_counter(), load()
        try:
            got = run_one(name, args)
        except Exception as error:  # one broken benchmark must not lose the others
            import traceback

            traceback.print_exc()
            from bench.common import figure

            got = [figure(f"{name}: failed", None, "", note=f"{type(error).__name__}: {error}")]
        for f in got:
            f.extra = {"benchmark": name, "date": facts["date"],
                       "loadavg_before_after": [load_before, load()], **f.extra}
        figures += got
        print(f"[{name}] {time.perf_counter() - t0:.0f} s", flush=True)

    kept = []
    if args.out.exists() and args.names:
        try:
            kept = [f for f in json.loads(args.out.read_text())
                    if f.get("extra", {}).get("benchmark") not in names]
        except (ValueError, AttributeError):
            kept = []
    results = kept + [f.as_dict() for f in figures]
    order = {n: i for i, n in enumerate(NAMES)}
    results.sort(key=lambda f: order.get(f.get("extra", {}).get("benchmark"), len(order)))
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    MACHINE.write_text(json.dumps(facts, indent=1) + "\n")
    print()
    print(f"{facts['date']}; nproc {facts['nproc']}; {facts['cpu']}; Python {facts['python']}")
    print(table(figures))
    met = [f for f in figures if f.met is not None]
    print(f"\n{sum(f.met for f in met)}/{len(met)} targets met; "
          f"{time.perf_counter() - started:.0f} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
