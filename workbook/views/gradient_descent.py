r"""Unit 2: gradient descent $w \leftarrow w - \eta\, J'(w)$ on a one-dimensional cost.

For $J(w) = (w - 3)^2 + 1$: $J'(w) = 2(w - 3)$, so one step gives
$w_{t+1} - 3 = (1 - 2\eta)(w_t - 3)$, i.e. $w_t - 3 = (1 - 2\eta)^t (w_0 - 3)$:

- $0 < \eta < 0.5$: monotone convergence; $\eta = 0.5$: the minimum in one step;
- $0.5 < \eta < 1$: overshooting (the sign alternates) but convergence;
- $\eta = 1$: jumps back and forth forever; $\eta > 1$: divergence.

Example::

    from workbook.views.gradient_descent import GradientDescentView
    GradientDescentView()    # sliders for the learning rate, the start and the number of steps
"""

import numpy as np

from workbook.i18n import tr
from workbook.views import plots
from workbook.views.widgets import FigureView, Readout, View, int_slider, slider

W_MIN = 3.0  #: the minimum of the cost
C_MIN = 1.0  #: the cost at the minimum
FLOOR = 1e-16  #: J - J_min that is exactly 0 is drawn at this height
MAX_STEPS = 40  #: the largest number of steps the slider offers


def cost(w):
    r"""$J(w) = (w - 3)^2 + 1$."""
    return (w - W_MIN) ** 2 + C_MIN


def cost_grad(w):
    r"""$J'(w) = 2(w - 3)$."""
    return 2.0 * (w - W_MIN)


def descent(w0, lr, steps, grad=cost_grad):
    r"""The iterates $w_0, \dots, w_T$ of $w_{t+1} = w_t - \eta\,J'(w_t)$ (``steps`` $= T$)."""
    w = np.empty(steps + 1)
    w[0] = w0
    for t in range(steps):
        w[t + 1] = w[t] - lr * grad(w[t])
    return w


class GradientDescentView(View):
    r"""Left: the cost curve with the iterates $w_t$ as points joined by a line (the path).
    Right: $J(w_t) - J_{min}$ per step on a log scale (a straight line = geometric convergence
    with factor $(1-2\eta)^2$). Forward-only: updates continuously."""

    def __init__(self, lr=0.1, w0=-1.0, steps=15):
        fig, (ax, ax2) = plots.figure(
            (tr(de="Kostenfunktion J(w) = (w − 3)² + 1", en="Cost function J(w) = (w − 3)² + 1"),
             tr(de="Gewicht w", en="weight w"), tr(de="Kosten J(w)", en="cost J(w)")),
            (tr(de="Kosten pro Schritt", en="Cost per step"),
             tr(de="Schritt t", en="step t"), "J(wₜ) − J_min"),
            width=9.0, height=3.2)
        ws = np.linspace(-3.0, 9.0, 241)
        ax.plot(ws, cost(ws), color=plots.BLUE)
        ax.set_xlim(-3.0, 9.0)
        ax.set_ylim(0.0, 40.0)
        (self.path,) = ax.plot([0.0], [0.0], "o-", ms=5, lw=1, color=plots.ORANGE,
                               label=tr(de="Iterationen wₜ", en="iterates wₜ"))
        (self.start,) = ax.plot([0.0], [0.0], "D", ms=8, color=plots.VERMILLION,
                                label=tr(de="Start w₀", en="start w₀"))
        ax.legend(loc="upper center", fontsize=8)
        (self.history,) = ax2.plot([0.0], [1.0], "o-", ms=4, color=plots.BLUISH_GREEN)
        ax2.set_yscale("log")
        ax2.set_ylim(1e-16, 1e8)
        ax2.set_xlim(-0.5, MAX_STEPS + 0.5)  # fixed: a new limit would redraw the whole log axis
        self.plot = FigureView(fig, moving=[self.path, self.start, self.history])
        self.readout = Readout(digits=3)
        controls = {
            "lr": slider("η", tr(de="Lernrate", en="learning rate"), lr, 0.01, 1.2, step=0.01),
            "w0": slider("w₀", tr(de="Startwert des Gewichts", en="initial weight"),
                         w0, -2.0, 8.0, step=0.1),
            "steps": int_slider("T", tr(de="Anzahl der Schritte", en="number of steps"),
                                steps, 1, MAX_STEPS),
        }
        super().__init__(controls, [self.readout, self.plot])

    def update(self):
        lr, w0 = float(self.controls["lr"].value), float(self.controls["w0"].value)
        steps = int(self.controls["steps"].value)
        w = descent(w0, lr, steps)
        c = cost(w)
        self.path.set_data(w, c)
        self.start.set_data([w0], [cost(w0)])
        self.history.set_data(np.arange(steps + 1), np.clip(c - C_MIN, FLOOR, 1e300))
        factor = 1.0 - 2.0 * lr
        if abs(factor) < 1:
            verdict = tr(de="konvergiert", en="converges")
        elif abs(factor) == 1:
            verdict = tr(de="pendelt", en="oscillates")
        else:
            verdict = tr(de="divergiert", en="diverges")
        if factor < 0 and abs(factor) < 1:
            verdict += tr(de=" (mit Überschwingen)", en=" (overshooting)")
        self.readout.show({"1 − 2η": factor, f"w_{steps}": w[-1],
                           f"J(w_{steps})": c[-1] if abs(c[-1]) < 1e9 else "≫ 10⁹",
                           tr(de="Verlauf", en="behaviour"): verdict})
        self.plot.refresh()


__all__ = ["GradientDescentView", "cost", "cost_grad", "descent"]
