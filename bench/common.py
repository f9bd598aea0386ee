"""Shared helpers of the benchmarks: timing, medians, the result record, machine facts.

Every figure is a median (with p95 where the tail matters) or a ratio measured side by side in
the same run: compared variants are interleaved (A B A B ... with the order flipped every round),
so a slow phase of a shared machine hits both alike; a ratio of interleaved variants is the median
of the rounds' ratios (:func:`paired_ratio`).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np


def median(values):
    return float(statistics.median(values))


def p95(values):
    return float(np.percentile(np.asarray(values, dtype=float), 95))


def ms(seconds):
    return seconds * 1000.0


@dataclass
class Figure:
    """One line of the results table (and one object of bench/results.json).

    ``target`` is text such as ``"<= 20"`` or ``">= 2.5"`` (same unit as ``value``); ``met`` is
    None where no target applies or the figure could not be measured. ``baseline`` names the
    variant a ratio was compared with (and its value where there is one).
    """

    name: str
    value: float | None
    unit: str
    target: str | None = None
    met: bool | None = None
    baseline: dict | None = None
    p95: float | None = None
    n: int | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        d = {k: v for k, v in asdict(self).items() if v is not None and v != {}}
        d.setdefault("value", None)
        d.setdefault("met", None)
        return d


def check(value, target):
    """Whether ``value`` meets ``target`` ("<= 20", ">= 2.5", "< 1"); None if unknown."""
    if value is None or target is None or not np.isfinite(value):
        return None
    op, bound = target.split()
    bound = float(bound)
    return {"<=": value <= bound, ">=": value >= bound, "<": value < bound,
            ">": value > bound}[op]


def figure(name, value, unit, target=None, **kwargs):
    """A Figure with ``met`` computed from ``target``."""
    value = None if value is None else float(value)
    return Figure(name, value, unit, target, check(value, target), **kwargs)


def timed(fn):
    """``(seconds, result)`` of one call."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def interleave(variants, rounds, calls=1):
    """Run every callable of ``variants`` (name -> fn) ``rounds`` times, interleaved (the order
    flips every round); each sample times ``calls`` calls and is divided by ``calls``.
    Returns name -> list of seconds per call."""
    names = list(variants)
    times = {name: [] for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            fn = variants[name]
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            times[name].append((time.perf_counter() - t0) / calls)
    return times


def paired_ratio(times, a, b):
    """The median over rounds of ``times[a][r] / times[b][r]`` (``times`` from :func:`interleave`):
    a and b ran back to back in each round, so a busy phase of the machine that slows one round
    slows both sides of its ratio, where a ratio of the two medians mixes rounds of different
    load."""
    return median([ta / tb for ta, tb in zip(times[a], times[b], strict=True)])


def machine():
    """Date, machine and software facts for the report."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for mod in ("numpy", "matplotlib", "ipywidgets", "nbclient", "nbgrader", "torch", "PIL"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "loadavg": load(),
        "versions": versions,
    }


def load():
    """The 1-minute load average (others' work on a shared machine), or None."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def fmt_value(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def table(figures):
    """A plain-text (Markdown) table of Figures."""
    rows = [("benchmark", "value", "p95", "unit", "target", "met", "baseline")]
    for f in figures:
        base = ""
        if f.baseline:
            base = f.baseline.get("name", "")
            if f.baseline.get("value") is not None:
                base += f" = {fmt_value(f.baseline['value'])} {f.baseline.get('unit', '')}"
        met = {True: "yes", False: "NO", None: "—"}[f.met]
        rows.append((f.name, fmt_value(f.value), fmt_value(f.p95) if f.p95 is not None else "",
                     f.unit, f.target or "", met, base.strip()))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
