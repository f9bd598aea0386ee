"""Unit 4: a small network with a skip connection, its gradients by hand, one step of gradient
descent that kills it, and 1000 training runs at once.

The network (no biases, absolute loss)::

    z0 = w0 x,             h0 = ReLU(z0)
    z1 = w1 h0,            h1 = ReLU(z1)
    z2 = w2 h1 + w3 h0,    yhat = z2            (w3: the skip connection h0 -> output)
    L  = |y - yhat|

In nnkit it is ``Network(1, [Layer(1, "relu"), Layer(1, "relu"), Layer(1, "identity",
inputs=(2, 1))])`` without biases; its weights ``W1, W2, W3, W3_1`` are ``w0, w1, w2, w3``.
"""

from types import SimpleNamespace

import ipywidgets
import numpy as np

from workbook.i18n import fmt, tr
from workbook.reference.dead_relu import (
    NNKIT_NAMES,
    SEED,
    W_HAND,
    X_HAND,
    X_TRAIN,
    Y_HAND,
    by_hand,
    experiment,
    gd_weights,
    is_dead,
    set_weights,
    skip_net,
)
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, Readout, View, int_slider, slider

SYMBOLS = ("w₀", "w₁", "w₂", "w₃")


#: Part 1: the start of the explorer, away from the example of part 3 (whose values it would show).
X_EXPLORE, Y_EXPLORE = 1.5, 1.0
W_EXPLORE = (0.8, 0.6, 1.2, -0.4)


def named_trace(net, x, y):
    """nnkit's Trace of one example with the edges named w0..w3 (for the diagram's tooltips)."""
    trace = net.trace(np.array([float(x)]), np.array([float(y)]), loss="l1")
    rename = dict(zip(NNKIT_NAMES, SYMBOLS, strict=True))  # "W3_1[0,0]" -> "w₃"
    edges = [SimpleNamespace(src=e.src, dst=e.dst, name=rename[e.name.split("[")[0]], w=e.w,
                             dw=e.dw) for e in trace.edges]
    return SimpleNamespace(nodes=trace.nodes, edges=edges, loss=trace.loss, yhat=trace.yhat)


def _weight_sliders(w):
    meanings = (
        tr(de="Gewicht x → h₀", en="weight x → h₀"),
        tr(de="Gewicht h₀ → h₁", en="weight h₀ → h₁"),
        tr(de="Gewicht h₁ → ŷ", en="weight h₁ → ŷ"),
        tr(de="Gewicht der Skip-Verbindung h₀ → ŷ", en="weight of the skip connection h₀ → ŷ"),
    )
    return {f"w{i}": slider(s, m, v, -2.0, 2.0, step=0.05)
            for i, (s, m, v) in enumerate(zip(SYMBOLS, meanings, w, strict=True))}


class BackpropView(View):
    """Sliders for x, y and the four weights; the diagram shows every value and gradient, the
    readout every partial derivative, with the two paths into h0 separately."""

    def __init__(self, x=X_EXPLORE, y=Y_EXPLORE, w=W_EXPLORE):
        self.net = skip_net()
        self.readout = Readout(digits=3)
        self.diagram = DiagramView(gradients=True)
        controls = {
            "x": slider("x", tr(de="Eingabe", en="input"), x, -2.0, 2.0, step=0.05),
            "y": slider("y", tr(de="Zielwert", en="target"), y, -4.0, 4.0, step=0.05),
            **_weight_sliders(w),
        }
        super().__init__(controls, [self.readout, self.diagram])

    def weights(self):
        return tuple(self.controls[f"w{i}"].value for i in range(4))

    def update(self):
        x, y, w = self.controls["x"].value, self.controls["y"].value, self.weights()
        v = by_hand(x, y, w)
        self.readout.show({
            "ŷ": v.yhat, "L": v.L, "∂L/∂ŷ": v.dyhat, "∂L/∂h₁": v.dh1, "∂L/∂z₁": v.dz1,
            tr(de="∂L/∂h₀ über w₃", en="∂L/∂h₀ via w₃"): v.skip_path,
            tr(de="+ über w₁", en="+ via w₁"): v.main_path,
            "= ∂L/∂h₀": v.dh0, "∂L/∂z₀": v.dz0,
        })
        self.diagram.update(named_trace(set_weights(self.net, w), x, y))


class StepView(View):
    """Part 3: the network before and after one step of gradient descent on (x, y) = (1, -3).

    "Step" takes the step (the new weights become the current ones); "Reset" starts again from
    w0 = w1 = w2 = w3 = 1/2. The plot shows yhat(x) before and after the step.
    """

    def __init__(self, x=X_HAND, y=Y_HAND, w=W_HAND, lr=1.0):
        self.x, self.y, self.w_start = x, y, tuple(w)
        self.w, self.steps = self.w_start, 0
        self.net = skip_net()
        self.before = DiagramView(gradients=True)
        self.after = DiagramView(gradients=True)
        self.readout = Readout(digits=3)
        self.xs = np.linspace(-2.0, 2.0, 201)
        fig, (ax,) = plots.figure((tr(de="Die Funktion des Netzes", en="The network's function"),
                                   "x", "ŷ(x)"), width=6.0, height=3.0)
        self.line_before, = ax.plot(self.xs, self.xs, label=tr(de="vorher", en="before"))
        self.line_after, = ax.plot(self.xs, self.xs, "--", label=tr(de="nachher", en="after"))
        ax.plot([x], [y], "o", color=plots.BLACK,
                label=tr(de="Trainingspunkt", en="training point"))
        ax.set_ylim(-3.5, 1.5)
        ax.legend(loc="lower left")
        self.plot = FigureView(fig, moving=[self.line_before, self.line_after])
        controls = {"lr": slider("η", tr(de="Lernrate", en="learning rate"), lr, 0.05, 2.0,
                                 step=0.05)}
        headings = [ipywidgets.HTML(f"<b>{tr(de='Vorher', en='Before')}</b>"), self.before,
                    ipywidgets.HTML(f"<b>{tr(de='Nach einem Schritt', en='After one step')}</b>"),
                    self.after]
        super().__init__(controls, [self.readout, self.plot, *headings])
        self.step_button = self.button(tr(de="Schritt", en="Step"), self.step)

    def predict(self, w):
        """yhat(x) on the plot's grid, by nnkit."""
        return set_weights(self.net, w).forward(self.xs[:, None])[:, 0]

    def step(self):
        """Take the step: the weights after become the current weights."""
        self.w = gd_weights(self.w, self.x, self.y, self.controls["lr"].value)
        self.steps += 1
        self.update()

    def reset(self):
        self.w, self.steps = self.w_start, 0
        super().reset()

    def update(self):
        lr = self.controls["lr"].value
        new = gd_weights(self.w, self.x, self.y, lr)
        self.before.update(named_trace(set_weights(self.net, self.w), self.x, self.y))
        self.after.update(named_trace(set_weights(self.net, new), self.x, self.y))
        self.line_before.set_ydata(self.predict(self.w))
        self.line_after.set_ydata(self.predict(new))
        self.plot.refresh()
        before_after = tr(de="vorher → nachher", en="before → after")
        losses = (by_hand(self.x, self.y, self.w).L, by_hand(self.x, self.y, new).L)
        values = {tr(de="Schritte", en="steps"): str(self.steps),
                  f"L ({before_after})": " → ".join(fmt(v, 3) for v in losses)}
        values.update({s: f"{fmt(a, 3)} → {fmt(b, 3)}"
                       for s, a, b in zip(SYMBOLS, self.w, new, strict=True)})
        self.readout.show(values)


# ---------------------------------------------------------------- part 4: the experiment


class ExperimentView(View):
    """Part 4: 1000 runs at once; a histogram of the wrongly predicted training points at the end
    and the cost curves; recomputed on release of the sliders (learning rate, steps)."""

    SAMPLES = 12

    def __init__(self, lr=0.1, steps=100, restarts=1000, seed=SEED):
        self.restarts, self.seed = restarts, seed
        n = len(X_TRAIN)
        fig, (hist, curves) = plots.figure(
            (tr(de="Ergebnis der Läufe", en="Outcome of the runs"),
             tr(de="falsch vorhergesagte Trainingspunkte", en="wrongly predicted training points"),
             tr(de="Anteil der Läufe", en="share of runs")),
            (tr(de="Kosten während des Trainings", en="Cost during training"),
             tr(de="Schritt", en="step"), "J"),
            width=9.0, height=3.2)
        self.bars = hist.bar(np.arange(n + 1), np.zeros(n + 1), color=plots.BLUE)
        hist.set_xticks(np.arange(n + 1))
        hist.set_ylim(0, 1)
        self.samples = [curves.plot([0, 1], [0, 0], color=plots.SKY_BLUE, lw=0.8, alpha=0.7)[0]
                        for _ in range(self.SAMPLES)]
        self.mean, = curves.plot([0, 1], [0, 0], color=plots.VERMILLION, lw=2.5,
                                 label=tr(de="Mittelwert aller Läufe", en="mean of all runs"))
        curves.legend(loc="upper right")
        curves.set_ylim(0, 3)
        self.curves = curves
        self.plot = FigureView(fig, moving=[*self.bars, *self.samples, self.mean])
        self.readout = Readout(digits=3)
        controls = {
            "lr": ipywidgets.FloatLogSlider(
                value=lr, base=10, min=-3, max=0.5, step=0.05, description="η",
                tooltip=tr(de="Lernrate", en="learning rate"), continuous_update=False,
                readout_format=".3f", style={"description_width": "initial"}),
            "steps": int_slider("T", tr(de="Anzahl der Schritte", en="number of steps"), steps,
                                1, 500, continuous=False),
        }
        super().__init__(controls, [self.readout, self.plot])

    def update(self):
        lr, steps = self.controls["lr"].value, self.controls["steps"].value
        out = experiment(lr, steps, self.restarts, self.seed)
        counts = np.bincount(out.wrong, minlength=len(self.bars)) / self.restarts
        for bar, share in zip(self.bars, counts, strict=True):
            bar.set_height(share)
        t = np.arange(steps + 1)
        for i, line in enumerate(self.samples):
            line.set_data(t, out.losses[:, i])
        self.mean.set_data(t, out.losses.mean(axis=1))
        self.curves.set_xlim(0, steps)
        change = out.losses[1] - out.losses[0]
        dead_start, dead_end = is_dead(out.start["w0"]), is_dead(out.end["w0"])
        self.readout.show({
            tr(de="tot am Anfang", en="dead at the start"): dead_start.mean(),
            tr(de="tot am Ende", en="dead at the end"): dead_end.mean(),
            tr(de="alle Punkte richtig", en="all points right"): np.mean(out.wrong == 0),
            tr(de="J nach Schritt 1: gesunken", en="J after step 1: lower"):
                np.mean(change < -1e-12),
            tr(de="gleich", en="same"): np.mean(np.abs(change) <= 1e-12),
            tr(de="gestiegen", en="higher"): np.mean(change > 1e-12),
        })
        self.plot.refresh()
