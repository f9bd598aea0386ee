"""Slider response of every interactive view in workbook/views (kernel side).

Live: ``view.controls[name].value = x`` on a view built once (the observer runs synchronously,
so when the assignment returns ``FigureView.refresh`` has rendered the new PNG); the time of that
assignment is the figure.

Baseline, measured in the same run and interleaved change by change: what an ``interact``-style
function does for the same content on every change: a NEW Figure built by the view's own
figure-building code (its ``__init__``: ``plots.figure``, every ``ax.plot``/``bar``/``legend``/
limit call), the view's ``update()`` for the same control values, and a full draw (constrained
layout included, as for every fresh figure) encoded to PNG exactly like ``FigureView`` does
(``workbook.views.widgets.encode_png``, so the ratio measures the figure strategy, not PNG settings;
matplotlib's ``savefig`` default compression would make the baseline slower and the ratio look
better).
Timed: from the view's first ``plots.figure`` call to the end of its ``FigureView`` (the figure
building, without the slider widgets the view also creates) plus ``update()``.
Views without a matplotlib figure (only a diagram/readout) have no baseline: their SVG is
regenerated on every change either way.

Progressive views (``view.computing`` / ``view.finish()``, e.g. the 1000-run experiment of unit 4)
show their first picture in the event and go on in the kernel's event loop: the views are measured
inside a running asyncio loop as in the kernel, the figure is the event (the first picture); the
rest of the work is then completed by ``finish()`` before the next change and reported as
``complete_ms_median``. The baseline computes everything (``update()`` + ``finish()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import pkgutil
import time
import traceback

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from bench.common import figure, median, ms, p95

TARGET_MS = "<= 20"
TARGET_RATIO = ">= 2.5"
WARMUP = 3


def discover():
    """Every View subclass defined in a module of workbook.views: [(module, class), ...]."""
    import workbook.views
    from workbook.views.widgets import View

    found = []
    for info in sorted(pkgutil.iter_modules(workbook.views.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"workbook.views.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, View) and cls is not View and cls.__module__ == module.__name__:
                found.append((module, cls))
    return found


# ---------------------------------------------------------------- control values

def _options(control):
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def _is_log(control):
    return isinstance(control, ipywidgets.FloatLogSlider)


def _position(control, value):
    return np.log(value) / np.log(control.base) if _is_log(control) else value


def _value(control, position):
    position = min(max(position, control.min), control.max)
    steps = round((position - control.min) / control.step)
    position = control.min + steps * control.step
    position = min(max(position, control.min), control.max)
    if isinstance(control, ipywidgets.IntSlider):
        return int(round(position))
    value = control.base ** position if _is_log(control) else position
    return float(round(value, 12))


def next_value(control, rng, small):
    """A new value for ``control``: a step or two (a key press, a short drag) or a jump."""
    if isinstance(control, ipywidgets.Checkbox):
        return not control.value
    if hasattr(control, "options"):
        options = [o for o in _options(control) if o != control.value]
        return options[int(rng.integers(len(options)))]
    current = _position(control, control.value)
    for _ in range(20):
        if small:
            target = current + control.step * int(rng.choice([-3, -2, -1, 1, 2, 3]))
        else:
            target = rng.uniform(control.min, control.max)
        value = _value(control, target)
        if value != control.value:
            return value
    return _value(control, control.min if current > control.min else control.max)


def on_release(control):
    return getattr(control, "continuous_update", True) is False


# ---------------------------------------------------------------- the naive baseline

def _encode_png(canvas):
    """PNG of the canvas exactly as workbook.views.widgets.FigureView encodes it."""
    from workbook.views.widgets import encode_png

    return encode_png(canvas)


class _Clock:
    def __init__(self):
        self.fig_start = None
        self.fig_end = None


class NaiveFigureView:
    """A FigureView that redraws everything of a fresh figure (no cached background/layout)."""

    clock = None

    def __init__(self, fig, dpi=100, moving=()):
        self.figure = fig
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self.last_refresh_ms = None
        self.last_refresh_full = True
        if NaiveFigureView.clock is not None:
            NaiveFigureView.clock.fig_end = time.perf_counter()
        self.image = ipywidgets.Image(format="png")

    @property
    def widget(self):
        return self.image

    def refresh(self, full=False):
        t0 = time.perf_counter()
        self.canvas.draw()
        self.image.value = _encode_png(self.canvas)
        self.last_refresh_ms = ms(time.perf_counter() - t0)

    def relayout(self):
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.image._repr_mimebundle_(**kwargs)


@contextlib.contextmanager
def naive_mode(modules):
    """Inside: views are built with NaiveFigureView, ``View._update`` does nothing (the caller
    runs ``update()`` itself), and ``plots.figure`` records when the figure building starts."""
    from workbook.views import plots, widgets

    clock = _Clock()
    real_figure, real_update = plots.figure, widgets.View._update
    patched = [(widgets, "FigureView", widgets.FigureView)]
    patched += [(m, "FigureView", m.FigureView) for m in modules if hasattr(m, "FigureView")]

    def timed_figure(*args, **kwargs):
        if clock.fig_start is None:
            clock.fig_start = time.perf_counter()
        return real_figure(*args, **kwargs)

    plots.figure = timed_figure
    widgets.View._update = lambda self: None
    NaiveFigureView.clock = clock
    for owner, name, _ in patched:
        setattr(owner, name, NaiveFigureView)
    try:
        yield clock
    finally:
        plots.figure, widgets.View._update = real_figure, real_update
        NaiveFigureView.clock = None
        for owner, name, value in patched:
            setattr(owner, name, value)


def naive_change(cls, modules, values):
    """Seconds an interact-style redraw of ``cls``'s content with ``values`` takes."""
    with naive_mode(modules) as clock:
        view = cls()
        for name, value in values.items():
            if view.controls[name].value != value:
                view.controls[name].value = value
        t0 = time.perf_counter()
        view.update()
        _finish(view)
        t1 = time.perf_counter()
    return (clock.fig_end - clock.fig_start) + (t1 - t0)


def _finish(view):
    """Seconds a progressive view needs to complete its work after the event (0 for others)."""
    if not getattr(view, "computing", False):
        return 0.0
    t0 = time.perf_counter()
    view.finish()
    return time.perf_counter() - t0


# ---------------------------------------------------------------- one view

def measure_view(module, cls, modules, changes_live, changes_release, seed=0):
    """Interleaved live and naive samples for every change of every control of one view."""
    rng = np.random.default_rng(seed)
    view = cls()
    has_figure = hasattr(view, "plot") and hasattr(view.plot, "canvas")
    samples = {"continuous": [], "release": []}
    groups = {"continuous": [n for n, c in view.controls.items() if not on_release(c)],
              "release": [n for n, c in view.controls.items() if on_release(c)]}
    counts = {"continuous": changes_live, "release": changes_release}
    for group, names in groups.items():
        if not names:
            continue
        total = counts[group] + WARMUP
        for i in range(total):
            name = names[i % len(names)]
            control = view.controls[name]
            value = next_value(control, rng, small=(i % 3 != 2))
            values = {n: c.value for n, c in view.controls.items()}
            values[name] = value

            cpu, complete = [], []

            def live(control=control, value=value, cpu=cpu, complete=complete):
                c0, t0 = time.process_time(), time.perf_counter()
                control.value = value
                t1 = time.perf_counter()
                cpu.append(time.process_time() - c0)
                complete.append(_finish(view))
                return t1 - t0

            def naive(values=values):
                return naive_change(cls, modules, values) if has_figure else None

            if i % 2 == 0:
                t_live, t_naive = live(), naive()
            else:
                t_naive, t_live = naive(), live()
            if i < WARMUP:
                continue
            plot = getattr(view, "plot", None)
            samples[group].append({
                "control": name, "live": t_live, "naive": t_naive, "cpu": cpu[0],
                "complete": complete[0],
                "update_ms": view.last_update_ms,
                "refresh_ms": getattr(plot, "last_refresh_ms", None) if has_figure else None,
                "full": getattr(plot, "last_refresh_full", None) if has_figure else None,
            })
    encode = None
    if has_figure:
        encode = median([_time(lambda: _encode_png(view.plot.canvas)) for _ in range(7)])
    return view, has_figure, samples, encode


async def _in_loop(fn, *args):
    """``fn(*args)`` inside a running event loop, where the kernel handles widget events."""
    return fn(*args)


def _time(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _name(module, cls):
    return f"{module.__name__.rsplit('.', 1)[-1]}.{cls.__name__}"


def run(changes_live=20, changes_release=4, log=print):
    from workbook.i18n import set_language

    set_language("en")
    found = discover()
    modules = sorted({m for m, _ in found}, key=lambda m: m.__name__)
    figures, details = [], {}
    for seed, (module, cls) in enumerate(found):
        label = _name(module, cls)
        try:
            view, has_figure, samples, encode = asyncio.run(_in_loop(
                measure_view, module, cls, modules, changes_live, changes_release, seed))
        except Exception as error:  # a view under construction elsewhere: report, go on
            log(f"  {label}: FAILED {type(error).__name__}: {error}")
            details[label] = {"error": traceback.format_exc()}
            figures.append(figure(f"slider {label}", None, "ms", TARGET_MS,
                                  note=f"failed: {type(error).__name__}: {error}"))
            continue
        for group, rows in samples.items():
            if not rows:
                continue
            suffix = "" if group == "continuous" else " (on release)"
            controls = sorted({r["control"] for r in rows})
            live = [ms(r["live"]) for r in rows]
            refresh = [r["refresh_ms"] for r in rows if r["refresh_ms"] is not None]
            full = [r["full"] for r in rows if r["full"] is not None]
            update = [r["update_ms"] for r in rows]
            compute = [u - f for u, f in zip(update, refresh, strict=False)] if refresh else update
            info = {
                "controls": controls,
                "update_ms_median": median(update),
                "cpu_ms_median": median([ms(r["cpu"]) for r in rows]),
                "refresh_ms_median": median(refresh) if refresh else None,
                "compute_ms_median": median(compute),
                "full_redraw_share": float(np.mean(full)) if full else None,
                "png_encode_ms": ms(encode) if encode is not None else None,
                "complete_ms_median": median([ms(r["live"] + r["complete"]) for r in rows]),
                "per_control_ms": {c: median([ms(r["live"]) for r in rows if r["control"] == c])
                                   for c in controls},
                "per_control_cpu_ms": {c: median([ms(r["cpu"]) for r in rows
                                                  if r["control"] == c]) for c in controls},
            }
            figures.append(figure(
                f"slider {label}{suffix}", median(live), "ms", TARGET_MS, p95=p95(live),
                n=len(live), extra=info,
                note=None if has_figure else "no matplotlib figure (diagram/readout only): "
                                             "no interact baseline, nothing to re-create"))
            if has_figure:
                naive = [ms(r["naive"]) for r in rows]
                ratio = median(naive) / median(live)
                figures.append(figure(
                    f"slider {label}{suffix} vs interact", ratio, "x", TARGET_RATIO, n=len(naive),
                    baseline={"name": "interact-style re-create", "value": median(naive),
                              "unit": "ms", "p95": p95(naive)}))
            last = figures[-2] if has_figure else figures[-1]
            log(f"  {last.name}: median {last.value:.1f} ms (CPU {info['cpu_ms_median']:.1f} ms), "
                f"p95 {last.p95:.1f} ms"
                + (f", complete {info['complete_ms_median']:.1f} ms"
                   if any(r["complete"] for r in rows) else "")
                + (f", {figures[-1].value:.2f}x vs interact ({median(naive):.1f} ms)"
                   if has_figure else ""))
            details[label + suffix] = info
        view.plot.figure.clear() if has_figure else None
    return figures, details
