r"""Unit 2: activation functions and their derivatives.

- sigmoid $\sigma(z) = 1/(1+e^{-z})$, $\sigma'(z) = \sigma(z)(1-\sigma(z))$
- ReLU $\max(0, z)$, derivative 0 for $z \le 0$, 1 for $z > 0$
- leaky ReLU $\max(0.1 z, z)$, derivative 0.1 for $z \le 0$, 1 for $z > 0$
- tanh, derivative $1 - \tanh^2 z$
- maxout of two pieces $\max(w_1 z + b_1,\ w_2 z + b_2)$ (one input here), derivative: the slope
  $w_k$ of the piece that wins (the first one on a tie)

The first four come from ``nnkit.activations``; maxout (a layer in nnkit) is computed here.

Example::

    from workbook.views.activations import ActivationView
    ActivationView()     # a dropdown for the activation, a slider for z
"""

import ipywidgets
import numpy as np

from nnkit.activations import get_activation
from workbook.i18n import fmt, tr
from workbook.views import plots
from workbook.views.widgets import FigureView, Readout, View, slider

#: The two pieces (w, b) of the maxout unit in the view: max(1.0 z + 0, -0.5 z + 0.5).
MAXOUT_PIECES = ((1.0, 0.0), (-0.5, 0.5))
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "maxout")
Z_RANGE = 4.0


def maxout_1d(z, pieces=MAXOUT_PIECES):
    r"""$\max_k (w_k z + b_k)$ and its derivative $w_{k^*}$ ($k^*$ the winner, the first on a
    tie), elementwise; returns ``(value, derivative)``."""
    z = np.asarray(z, dtype=float)
    values = np.stack([w * z + b for w, b in pieces])
    winner = np.argmax(values, axis=0)
    slopes = np.array([w for w, _ in pieces])
    return values.max(axis=0), slopes[winner]


def activation_and_grad(name, z):
    """``(g(z), g'(z))`` of the activation ``name`` (one of NAMES)."""
    if name == "maxout":
        return maxout_1d(z)
    act = get_activation(name)
    z = np.asarray(z, dtype=float)
    return act.fn(z), act.grad(z)


def _label(name):
    """The dropdown text of an activation, numbers with the language's decimal sign."""
    sep = tr(de="; ", en=", ")  # a comma would read as a decimal comma in German
    return {
        "sigmoid": tr(de="Sigmoid", en="sigmoid") + " σ(z) = 1/(1 + e⁻ᶻ)",
        "tanh": "tanh(z)",
        "relu": "ReLU max(0, z)",
        "leaky_relu": tr(de="Leaky ReLU", en="leaky ReLU") + f" max({fmt(0.1, 1)}·z{sep}z)",
        "maxout": tr(de="Maxout", en="maxout") + f" max(z{sep}−{fmt(0.5, 1)}·z + {fmt(0.5, 1)})",
    }[name]


class ActivationView(View):
    r"""The chosen activation $g$ and its derivative $g'$ over $z \in [-4, 4]$, a marker at the
    slider's $z$ and readouts of $g(z)$, $g'(z)$. Forward-only: updates continuously."""

    def __init__(self, name="sigmoid", z=1.0):
        self.z = np.linspace(-Z_RANGE, Z_RANGE, 801)  # contains z = 0 exactly
        fig, (ax, ax2) = plots.figure(
            (tr(de="Aktivierungsfunktion g(z)", en="Activation function g(z)"), "z", "g(z)"),
            (tr(de="Ableitung g'(z)", en="Derivative g'(z)"), "z", "g'(z)"),
            width=8.0, height=2.8)
        (self.line,) = ax.plot(self.z, self.z, color=plots.BLUE)
        (self.line2,) = ax2.plot(self.z, self.z, color=plots.ORANGE)
        (self.dot,) = ax.plot([0.0], [0.0], "D", ms=8, color=plots.VERMILLION)
        (self.dot2,) = ax2.plot([0.0], [0.0], "D", ms=8, color=plots.VERMILLION)
        ax.set_xlim(-Z_RANGE, Z_RANGE)
        ax.set_ylim(-1.5, Z_RANGE)
        ax2.set_xlim(-Z_RANGE, Z_RANGE)
        ax2.set_ylim(-0.7, 1.2)
        ax.axhline(0.0, color=plots.BLACK, lw=0.8)
        ax2.axhline(0.0, color=plots.BLACK, lw=0.8)
        self.plot = FigureView(fig, moving=[self.line, self.line2, self.dot, self.dot2])
        self.readout = Readout(digits=3)
        dropdown = ipywidgets.Dropdown(
            options=[(_label(n), n) for n in NAMES], value=name, description="g",
            tooltip=tr(de="Aktivierungsfunktion", en="activation function"))
        controls = {
            "activation": dropdown,
            "z": slider("z", tr(de="Eingabe der Aktivierungsfunktion (gewichtete Summe)",
                                en="input of the activation (weighted sum)"),
                        z, -Z_RANGE, Z_RANGE, step=0.05),
        }
        super().__init__(controls, [self.readout, self.plot])

    def update(self):
        name, z = self.controls["activation"].value, float(self.controls["z"].value)
        g, dg = activation_and_grad(name, self.z)
        self.line.set_ydata(g)
        self.line2.set_ydata(dg)
        gz, dgz = (float(np.ravel(v)[0]) for v in activation_and_grad(name, np.array([z])))
        self.dot.set_data([z], [gz])
        self.dot2.set_data([z], [dgz])
        self.readout.show({"z": z, "g(z)": gz, "g'(z)": dgz})
        self.plot.refresh()


__all__ = ["MAXOUT_PIECES", "NAMES", "ActivationView", "activation_and_grad", "maxout_1d"]
