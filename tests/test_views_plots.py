"""workbook.views.plots: palette, labelled figures without pyplot, decimal comma on German axes."""

import numpy as np
import pytest
from matplotlib import _pylab_helpers
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from workbook.i18n import set_language
from workbook.views import plots


def test_palette_is_okabe_ito():
    assert len(set(plots.PALETTE)) == 8
    assert plots.PALETTE[:2] == ("#0072B2", "#E69F00")
    assert plots.POSITIVE != plots.NEGATIVE


def test_figure_has_one_labelled_axes_per_panel():
    fig, axes = plots.figure(("A", "x", "y"), plots.Panel("B", "z", "g(z)"), ("C", "u", "v"))
    assert len(axes) == 3 and len(fig.axes) == 3
    assert [ax.get_title() for ax in axes] == ["A", "B", "C"]
    assert axes[1].get_xlabel() == "z" and axes[1].get_ylabel() == "g(z)"


def test_figure_in_rows_removes_the_spare_axes():
    fig, axes = plots.figure(("A", "x", "y"), ("B", "x", "y"), ("C", "x", "y"), rows=2)
    assert len(axes) == 3 and len(fig.axes) == 3


@pytest.mark.parametrize("panel", [("A", "x"), ("A", "", "y"), ("", "x", "y"), ("A", "x", None)])
def test_title_and_labels_are_required(panel):
    with pytest.raises((ValueError, TypeError)):
        plots.figure(panel)


def test_no_panel_is_an_error():
    with pytest.raises(ValueError):
        plots.figure()


def test_lines_use_the_palette_in_order():
    fig, (ax,) = plots.figure(("A", "x", "y"))
    lines = [ax.plot([0, 1], [0, k])[0] for k in range(3)]
    colours = [to_hex(line.get_color()).upper() for line in lines]
    assert colours == [c.upper() for c in plots.PALETTE[:3]]


def test_figures_are_not_registered_with_pyplot():
    before = _pylab_helpers.Gcf.get_num_fig_managers()
    plots.figure(("A", "x", "y"))
    assert _pylab_helpers.Gcf.get_num_fig_managers() == before


def _tick_texts(fig, ax):
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in ax.get_yticklabels() if t.get_text()]


def test_german_ticks_use_a_decimal_comma():
    set_language("de")
    fig, (ax,) = plots.figure(("A", "x", "y"))
    ax.plot(np.linspace(0, 1, 5), np.linspace(-0.5, 0.5, 5))
    texts = _tick_texts(fig, ax)
    assert any("," in t for t in texts) and not any("." in t for t in texts)


def test_english_ticks_use_a_point():
    fig, (ax,) = plots.figure(("A", "x", "y"))
    ax.plot(np.linspace(0, 1, 5), np.linspace(-0.5, 0.5, 5))
    texts = _tick_texts(fig, ax)
    assert any("." in t for t in texts) and not any("," in t for t in texts)
