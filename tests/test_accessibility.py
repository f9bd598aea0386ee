"""Accessibility basics of every view in workbook/views, in German and English.

- Every control has a short description (the symbol, e.g. ``w₂``) and a meaning (its tooltip),
  and a slider's meaning is also visible text next to it (``workbook.views.widgets.labelled``).
- Every matplotlib axes has a title, an x label and a y label; every figure says something in
  the notebook's language (its texts differ between German and English).
- The meaning of every control is in the notebook's language (differs between de and en).
- The colours of lines, markers, scatter points and bars come from ``workbook.views.plots.PALETTE``
  (Okabe-Ito, colour-blind safe); white is allowed (open markers). The network diagram is an
  SVG with ``role='img'`` and an ``aria-label``, its edges in the palette's sign colours.

The views are found by discovery (every ``View`` subclass in workbook/views and the functions
that return a static FigureView), so a new view is audited without touching this file.
"""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import re

import ipywidgets
import matplotlib.colors as mcolors
import pytest

import workbook.views
from workbook.i18n import get_language, set_language
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, View

ALLOWED_COLOURS = {mcolors.to_hex(c) for c in plots.PALETTE} | {"#ffffff"}
SIGN_COLOURS = {plots.POSITIVE.lower(), plots.NEGATIVE.lower()}
#: Functions in workbook/views that return a static FigureView (no controls).
STATIC_FIGURES = {"sine_network": ["data_view"], "vanishing": ["architecture_figure"]}


def _modules():
    return [importlib.import_module(f"workbook.views.{m.name}")
            for m in pkgutil.iter_modules(workbook.views.__path__)]


def _view_classes():
    found = []
    for module in _modules():
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, View) and obj is not View
                    and obj.__module__ == module.__name__):
                found.append(pytest.param(module.__name__.rsplit(".", 1)[1], name, id=name))
    return found


VIEWS = _view_classes()
STATIC = [pytest.param(m, f, id=f) for m, fs in STATIC_FIGURES.items() for f in fs]


@pytest.fixture
def in_language():
    """``in_language(lang, factory)``: call factory() with the notebook language ``lang``."""
    before = get_language()

    def make(lang, factory):
        set_language(lang)
        try:
            return factory()
        finally:
            set_language(before)

    yield make
    set_language(before)


def _build(module, name):
    return getattr(importlib.import_module(f"workbook.views.{module}"), name)


def _figure_views(view):
    return [v for v in vars(view).values() if isinstance(v, FigureView)]


def _diagrams(view):
    return [v for v in vars(view).values() if isinstance(v, DiagramView)]


def _widget_tree(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widget_tree(child)


def _axes_texts(figure_view):
    return [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in figure_view.figure.axes]


def _colours(figure_view):
    """Every colour of lines, markers, collections (scatter) and patches (bars) of the figure."""
    found = set()
    for ax in figure_view.figure.axes:
        for line in ax.lines:
            for colour in (line.get_color(), line.get_markerfacecolor(),
                           line.get_markeredgecolor()):
                if not (isinstance(colour, str) and colour.lower() == "none"):
                    found.add(mcolors.to_hex(colour))
        for collection in ax.collections:
            found |= {mcolors.to_hex(c) for c in collection.get_facecolors()}
            found |= {mcolors.to_hex(c) for c in collection.get_edgecolors()}
        for patch in ax.patches:
            found.add(mcolors.to_hex(patch.get_facecolor()))
    return found


def _figure_problems(figure_view, where):
    problems = []
    for i, (title, xlabel, ylabel) in enumerate(_axes_texts(figure_view)):
        for what, text in (("title", title), ("x label", xlabel), ("y label", ylabel)):
            if not text.strip():
                problems.append(f"{where}, axes {i}: no {what}")
    caption = html.unescape(figure_view.caption.value)  # the image's text alternative
    if figure_view.widget.children != (figure_view.caption, figure_view.image):
        problems.append(f"{where}: the text alternative is not shown with the image")
    for title, xlabel, ylabel in _axes_texts(figure_view):
        if not all(t in caption for t in (title, xlabel, ylabel)):
            problems.append(f"{where}: the caption {caption!r} does not describe the panel "
                            f"{title!r}")
    outside = _colours(figure_view) - ALLOWED_COLOURS
    if outside:
        problems.append(f"{where}: colours outside workbook.views.plots.PALETTE: {sorted(outside)}")
    return problems


@pytest.mark.parametrize(("module", "name"), VIEWS)
def test_view_controls_and_figures(in_language, module, name):
    cls = _build(module, name)
    views = {lang: in_language(lang, cls) for lang in ("de", "en")}
    problems = []
    for lang, view in views.items():
        where = f"{name} ({lang})"
        visible = {w.value if isinstance(w, ipywidgets.Label)
                   else html.unescape(re.sub("<[^>]*>", "", w.value))
                   for w in _widget_tree(view.widget)
                   if isinstance(w, (ipywidgets.Label, ipywidgets.HTML))}
        for key, control in view.controls.items():
            if not (control.description or "").strip():
                problems.append(f"{where}: control {key!r} has no description (symbol)")
            if not (control.tooltip or "").strip():
                problems.append(f"{where}: control {key!r} has no meaning (tooltip)")
            elif (isinstance(control, (ipywidgets.FloatSlider, ipywidgets.IntSlider,
                                       ipywidgets.FloatLogSlider))
                  and control.tooltip not in visible):
                problems.append(f"{where}: slider {key!r}: its meaning is not shown next to it")
        for button in view._buttons.children:
            if not button.description.strip():
                problems.append(f"{where}: a button without a label")
        for k, figure_view in enumerate(_figure_views(view)):
            problems += _figure_problems(figure_view, f"{where}, figure {k}")
        for diagram in _diagrams(view):
            svg = diagram.value
            if "<svg" in svg:
                label = re.search(r"role='img' aria-label='([^']*)'", svg)
                if not (label and label.group(1).strip()):
                    problems.append(f"{where}: diagram SVG without role='img' and aria-label")
                strokes = {s.lower() for s in re.findall(r"stroke='(#[0-9A-Fa-f]{6})'", svg)}
                if strokes - SIGN_COLOURS:
                    problems.append(f"{where}: diagram edge colours {sorted(strokes)}")

    # The texts a student reads are in the notebook's language.
    de, en = views["de"], views["en"]
    for key in de.controls:
        if de.controls[key].tooltip == en.controls[key].tooltip:
            problems.append(f"{name}: the meaning of {key!r} is the same in de and en: "
                            f"{de.controls[key].tooltip!r}")
    for k, (fde, fen) in enumerate(zip(_figure_views(de), _figure_views(en), strict=True)):
        if _axes_texts(fde) == _axes_texts(fen):
            problems.append(f"{name}, figure {k}: titles and labels are the same in de and en: "
                            f"{_axes_texts(fde)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("module", "name"), STATIC)
def test_static_figures(in_language, module, name):
    factory = _build(module, name)
    figures = {lang: in_language(lang, factory) for lang in ("de", "en")}
    problems = []
    for lang, figure_view in figures.items():
        problems += _figure_problems(figure_view, f"{name} ({lang})")
    if _axes_texts(figures["de"]) == _axes_texts(figures["en"]):
        problems.append(f"{name}: titles and labels are the same in de and en")
    assert not problems, "\n".join(problems)


def test_every_view_is_audited():
    """Each View subclass in workbook/views is in VIEWS (discovery found something)."""
    assert len(VIEWS) >= 10, [p.values for p in VIEWS]
