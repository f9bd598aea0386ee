"""Figures for the workbook: a colour-blind-safe palette and labelled axes.

Figures are made with ``matplotlib.figure.Figure`` (not pyplot), so nothing is shown twice and
nothing piles up in a global figure list. Show them with ``workbook.views.widgets.FigureView``.

Example::

    from workbook.views import plots
    from workbook.i18n import tr
    fig, (ax1, ax2) = plots.figure(
        (tr(de="Aktivierung", en="Activation"), "z", "g(z)"),
        (tr(de="Ableitung", en="Derivative"), "z", "g'(z)"),
    )
    line, = ax1.plot(z, g(z))          # first line is BLUE, the next ORANGE, ...
"""

from typing import NamedTuple

from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from workbook.i18n import get_language

# The Okabe-Ito palette: distinguishable with the common kinds of colour blindness.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

#: The colour cycle of every nnkit figure (yellow last: weak on white).
PALETTE = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, REDDISH_PURPLE, SKY_BLUE, BLACK, YELLOW)
#: Signs: positive values blue, negative orange (and dashed where lines show a sign).
POSITIVE = BLUE
NEGATIVE = ORANGE


class Panel(NamedTuple):
    """Title and axis labels of one panel; a plain tuple ``(title, xlabel, ylabel)`` works too."""

    title: str
    xlabel: str
    ylabel: str


class _DecimalComma(ScalarFormatter):
    """Tick labels with a decimal comma (German)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace(".", ",")


def figure(*panels, width=8.0, height=3.0, rows=1):
    """A new Figure with one labelled Axes per panel; returns ``(fig, [ax, ...])``.

    Each panel is ``(title, xlabel, ylabel)``, all three required (pass them through ``tr``).
    Panels fill ``rows`` rows left to right. Tick labels use a decimal comma in German.

    >>> fig, (ax,) = figure(("ReLU", "z", "a"), width=4)
    """
    if not panels:
        raise ValueError("figure() needs at least one panel (title, xlabel, ylabel)")
    panels = [Panel(*p) for p in panels]
    for p in panels:
        if not all(isinstance(s, str) and s.strip() for s in p):
            raise ValueError(f"every panel needs a title, an x label and a y label: {p}")
    cols = -(-len(panels) // rows)
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[len(panels):]:
        ax.remove()
    axes = list(axes[: len(panels)])
    for ax, p in zip(axes, panels, strict=True):
        ax.set_prop_cycle(color=PALETTE)
        ax.set_title(p.title)
        ax.set_xlabel(p.xlabel)
        ax.set_ylabel(p.ylabel)
        ax.grid(True, alpha=0.3)
        if get_language() == "de":
            ax.xaxis.set_major_formatter(_DecimalComma())
            ax.yaxis.set_major_formatter(_DecimalComma())
    return fig, axes
