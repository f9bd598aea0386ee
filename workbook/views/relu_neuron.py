r"""Unit 1: the mini network $z = w_1 x_1 + w_2 x_2$, $y = \mathrm{ReLU}(z)$ and the chain rule.

$$\frac{\partial y}{\partial w_2}
  = \frac{\partial y}{\partial z}\cdot\frac{\partial z}{\partial w_2}
  = \mathrm{ReLU}'(z)\, x_2 = \begin{cases} 0, & z \le 0\\ x_2, & z > 0\end{cases}$$

($\mathrm{ReLU}'(0) = 0$, as in nnkit, PyTorch, TensorFlow and JAX.)

Example::

    from workbook.views.relu_neuron import ReluNeuronView, DeadNeuronView
    ReluNeuronView()     # sliders w1, w2, x1, x2; ReLU and ReLU' with a marker at z; diagram
    DeadNeuronView()     # gradient descent on w2 (squared loss) for a dead and a living neuron
"""

import numpy as np

from workbook.i18n import tr
from workbook.reference.relu_neuron import (
    ALIVE,
    DEAD,
    STATES,
    chain_rule,
    descent_on_w2,
    forward,
    mini_network,
    mini_trace,
)
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, Readout, View, int_slider, slider

#: Where the sliders start: away from both states, whose z and dy/dw2 are exercises.
START = {"w1": 0.2, "w2": 0.1, "x1": 5.0, "x2": 5.0}
Z_LIMIT = 12.0  #: |z| <= 0.3 * 20 + 0.3 * 20 with the slider ranges below


# ------------------------------------------------------------------ the views

class ReluNeuronView(View):
    r"""Sliders for $w_1, w_2, x_1, x_2$; live readouts of $z$, $y$ and the chain rule; the ReLU
    and its derivative with a marker at the current $z$; the network diagram with
    $\partial y/\partial w$.
    Buttons jump to state 1/2 of the exercise; the sliders start at START (or at ``state``).
    Forward-only: updates continuously."""

    def __init__(self, state=None):
        start = START if state is None else STATES[state]
        fig, (ax, ax2) = plots.figure(
            (tr(de="ReLU: y = max(0, z)", en="ReLU: y = max(0, z)"), "z", "y"),
            (tr(de="Ableitung ∂y/∂z", en="Derivative ∂y/∂z"), "z", "∂y/∂z"),
            width=8.0, height=2.8)
        zs = np.array([-Z_LIMIT, 0.0, Z_LIMIT])  # ReLU is piecewise linear: three points suffice
        ax.plot(zs, np.maximum(zs, 0.0), color=plots.BLUE)
        ax.set_xlim(-Z_LIMIT, Z_LIMIT)
        ax.set_ylim(-1.0, Z_LIMIT)
        # ReLU' is a step: 0 up to and including z = 0 (filled dot), 1 after (open dot).
        ax2.plot([-Z_LIMIT, 0.0], [0.0, 0.0], color=plots.ORANGE)
        ax2.plot([0.0, Z_LIMIT], [1.0, 1.0], color=plots.ORANGE)
        ax2.plot([0.0], [0.0], "o", color=plots.ORANGE)
        ax2.plot([0.0], [1.0], "o", mfc="white", color=plots.ORANGE)
        ax2.set_xlim(-Z_LIMIT, Z_LIMIT)
        ax2.set_ylim(-0.2, 1.3)
        (self.dot,) = ax.plot([0.0], [0.0], "D", ms=9, color=plots.VERMILLION)
        (self.dot2,) = ax2.plot([0.0], [0.0], "D", ms=9, color=plots.VERMILLION)
        self.guide = ax.axvline(0.0, color=plots.BLACK, lw=1, ls=":")
        self.guide2 = ax2.axvline(0.0, color=plots.BLACK, lw=1, ls=":")
        self.plot = FigureView(fig, moving=[self.dot, self.dot2, self.guide, self.guide2])
        self.readout = Readout(digits=2)
        self.diagram = DiagramView(gradients=True, names={"W1[0,0]": "w₁", "W1[1,0]": "w₂"})
        self.net = mini_network(start["w1"], start["w2"])
        weight = dict(min=-0.3, max=0.3, step=0.01)
        data = dict(min=-20.0, max=20.0, step=0.5)
        controls = {
            "w1": slider("w₁", tr(de="Gewicht von x₁", en="weight of x₁"), start["w1"], **weight),
            "w2": slider("w₂", tr(de="Gewicht von x₂", en="weight of x₂"), start["w2"], **weight),
            "x1": slider("x₁", tr(de="erste Eingabe", en="first input"), start["x1"], **data),
            "x2": slider("x₂", tr(de="zweite Eingabe", en="second input"), start["x2"], **data),
        }
        super().__init__(controls, [self.readout, self.plot, self.diagram])
        for number in STATES:
            self.button(tr(de=f"Zustand {number}", en=f"State {number}"),
                        lambda number=number: self.show_state(number))

    def show_state(self, number):
        """Set the sliders to state 1 or 2 of the exercise (one update)."""
        with self.hold_updates():
            for name, value in STATES[number].items():
                self.controls[name].value = value

    def values(self):
        """``(w1, w2, x1, x2)`` of the sliders."""
        return tuple(float(self.controls[n].value) for n in ("w1", "w2", "x1", "x2"))

    def update(self):
        w1, w2, x1, x2 = self.values()
        z, y = forward(w1, w2, x1, x2)
        dy_dz, dz_dw2, dy_dw2 = chain_rule(w1, w2, x1, x2)
        shown = float(np.clip(z, -Z_LIMIT, Z_LIMIT))
        self.dot.set_data([shown], [max(shown, 0.0)])
        self.dot2.set_data([shown], [dy_dz])
        self.guide.set_xdata([shown, shown])
        self.guide2.set_xdata([shown, shown])
        self.readout.show({"z": z, "y": y, "∂y/∂z": dy_dz, "∂z/∂w₂": dz_dw2, "∂y/∂w₂": dy_dw2})
        self.plot.refresh()
        self.diagram.update(mini_trace(self.net, w1, w2, x1, x2))


class DeadNeuronView(View):
    r"""Gradient descent on $w_2$ (squared loss with targets, averaged) for two data sets from the
    same start $w_1 = 0.1$, $w_2 = -0.1$: in DEAD every example has $z \le 0$, so $w_2$ stays
    flat; ALIVE converges for a small learning rate and dies from one overshooting step for a
    large one. Controls: learning rate $\eta$ and the number of steps (update on release)."""

    def __init__(self):
        fig, (ax,) = plots.figure(
            (tr(de="Gradientenabstieg für w₂", en="Gradient descent for w₂"),
             tr(de="Schritt t", en="step t"), "w₂"), width=6.0, height=2.8)
        ax.axhline(-0.3, color=plots.BLACK, lw=1, ls=":",
                   label=tr(de="darunter: alle z ≤ 0", en="below: all z ≤ 0"))
        (self.dead_line,) = ax.plot([0], [0], "o-", ms=3, color=plots.BLUE,
                                    label=tr(de="Datensatz 1: von Anfang an tot",
                                             en="data set 1: dead from the start"))
        (self.alive_line,) = ax.plot([0], [0], "s--", ms=3, color=plots.ORANGE,
                                     label=tr(de="Datensatz 2: am Anfang lebendig",
                                              en="data set 2: alive at the start"))
        ax.legend(loc="lower left", fontsize=8)
        ax.set_xlim(0, 50)
        ax.set_ylim(-0.55, 0.0)  # the largest step (eta = 0.02) lands at w2 = -0.475
        self.plot = FigureView(fig, moving=[self.dead_line, self.alive_line])
        self.readout = Readout(digits=3)
        controls = {
            "lr": slider("η", tr(de="Lernrate", en="learning rate"), 0.005, 0.001, 0.02,
                         step=0.001, continuous=False, readout_format=".3f"),
            "steps": int_slider("T", tr(de="Anzahl der Schritte", en="number of steps"),
                                20, 1, 50, continuous=False),
        }
        super().__init__(controls, [self.readout, self.plot])

    def update(self):
        lr, steps = float(self.controls["lr"].value), int(self.controls["steps"].value)
        dead, _ = descent_on_w2(0.1, -0.1, *DEAD, lr, steps)
        alive, cost = descent_on_w2(0.1, -0.1, *ALIVE, lr, steps)
        t = np.arange(steps + 1)
        self.dead_line.set_data(t, dead)
        self.alive_line.set_data(t, alive)
        self.readout.show({tr(de="w₂ (Datensatz 1) am Ende", en="w₂ (data set 1) at the end"):
                           dead[-1],
                           tr(de="w₂ (Datensatz 2) am Ende", en="w₂ (data set 2) at the end"):
                           alive[-1],
                           tr(de="J (Datensatz 2) am Ende", en="J (data set 2) at the end"):
                           cost[-1]})
        self.plot.refresh()


__all__ = ["START", "DeadNeuronView", "ReluNeuronView"]
