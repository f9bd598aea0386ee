"""Unit 4: the views of a small network with a skip connection (z0 = w0 x, h0 = ReLU(z0);
z1 = w1 h0, h1 = ReLU(z1); yhat = w2 h1 + w3 h0; L = |y - yhat|): its gradients by hand, one
step of gradient descent that kills it, and 1000 training runs at once. The network and its
maths are in :mod:`workbook.reference.dead_relu`; this module only draws them.
"""

import time
from types import SimpleNamespace

import ipywidgets
import numpy as np

from nnkit.train import gd_step
from workbook.i18n import fmt, tr
from workbook.reference.dead_relu import (
    NNKIT_NAMES,
    SEED,
    W_HAND,
    X_HAND,
    X_TRAIN,
    Y_HAND,
    Y_TRAIN,
    gd_weights,
    is_dead,
    outcome,
    set_weights,
    skip_net,
    trace_values,
)
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import (
    FigureView,
    Readout,
    View,
    int_slider,
    log_slider,
    running_loop,
    slider,
)

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
        v = trace_values(x, y, w)
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
        losses = (trace_values(self.x, self.y, self.w).L, trace_values(self.x, self.y, new).L)
        values = {tr(de="Schritte", en="steps"): str(self.steps),
                  f"L ({before_after})": " → ".join(fmt(v, 3) for v in losses)}
        values.update({s: f"{fmt(a, 3)} → {fmt(b, 3)}"
                       for s, a, b in zip(SYMBOLS, self.w, new, strict=True)})
        self.readout.show(values)


# ---------------------------------------------------------------- part 4: the experiment


class Training:
    """The experiment's runs for one learning rate, trained one step at a time as far as asked.

    The same steps as ``nnkit.train`` (so ``at(t)`` equals ``experiment(lr, t)``), but the
    parameters after every step are kept: a smaller step count is a lookup, a larger one
    continues where the training stopped.
    """

    def __init__(self, lr, restarts, seed):
        self.net, self.lr = skip_net(), lr
        self.params = [self.net.init_params(seed=seed, restarts=restarts)]  # after t steps
        self.losses = []  # losses[t]: J (restarts,) of params[t]

    @property
    def steps(self):
        return len(self.params) - 1

    def step(self):
        """One gradient descent step of every run."""
        J, grads = self.net.loss_and_grads(X_TRAIN, Y_TRAIN, "l1", self.params[-1])
        self.losses.append(J)
        self.params.append(gd_step(self.params[-1], grads, self.lr))

    def at(self, t):
        """The outcome after t <= ``steps`` steps, as ``experiment`` returns it."""
        losses = self.losses[:t]
        losses.append(self.losses[t] if t < len(self.losses) else
                      self.net.loss_and_grads(X_TRAIN, Y_TRAIN, "l1", self.params[t])[0])
        return outcome(self.net, self.params[0], self.params[t], losses)


class ExperimentView(View):
    """Part 4: 1000 runs at once; a histogram of the wrongly predicted training points at the end
    and the cost curves; recomputed on release of the sliders (learning rate, steps).

    Training 1000 runs takes longer than a slider event may: a change shows its first picture at
    once and the training goes on in the kernel's event loop (``FIRST_MS``, then ``CHUNK_MS`` of
    training per picture), while a new change replaces the unfinished work. Every picture shows
    the runs of the current η after t steps (histogram, curves and readout of the same t; a line
    below the readout says "step t of T" until t = T). The runs of the last η are kept: fewer
    steps are a lookup, more continue the training. Without an event loop (a script) and when the
    view is built, ``update()`` completes at once; ``finish()`` completes the work now.
    """

    SAMPLES = 12
    FIRST_MS = 4.0
    CHUNK_MS = 25.0

    def __init__(self, lr=0.1, steps=100, restarts=1000, seed=SEED):
        self.restarts, self.seed = restarts, seed
        self.training = None
        self._work = None
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
        self.progress = ipywidgets.HTML()
        controls = {
            "lr": log_slider("η", tr(de="Lernrate", en="learning rate"), lr, -3, 0.5,
                             step=0.05, continuous=False, readout_format=".3f"),
            "steps": int_slider("T", tr(de="Anzahl der Schritte", en="number of steps"), steps,
                                1, 500, continuous=False),
        }
        super().__init__(controls, [self.readout, self.progress, self.plot])

    @property
    def computing(self):
        """Whether the current settings' pictures are not all shown yet."""
        return self._work is not None

    def update(self):
        lr = self.controls["lr"].value
        if self.training is None or self.training.lr != lr:
            self.training = Training(lr, self.restarts, self.seed)
        loop = running_loop()
        if loop is None or self.update_count == 0:  # a script, or the view is being built
            self._work = None
            self._complete()
            return
        self._work = work = self._pictures(self.training, self.controls["steps"].value)
        self._advance(work)  # the first picture
        if self._work is work:
            loop.call_soon(self._go_on, work)

    def finish(self):
        """Complete the current settings' training now and show the final picture."""
        if self._work is not None:
            self._work = None
            self._complete()

    def _complete(self):
        steps = self.controls["steps"].value
        while self.training.steps < steps:
            self.training.step()
        self.curves.set_xlim(0, steps)
        self._show(self.training, steps, steps)

    def _go_on(self, work):
        """One more picture of ``work`` from the event loop, unless a change replaced it."""
        if work is self._work:
            self._guarded(lambda: self._advance(work))
            if work is self._work:
                running_loop().call_soon(self._go_on, work)

    def _advance(self, work):
        if next(work):  # the final picture
            self._work = None

    def _pictures(self, training, steps):
        """Train in slices and show a picture after each (a generator: one picture per next,
        True after the final one).

        The first picture: if the curves' x axis must change (a full redraw, too slow for an
        event), the state after min(steps, trained, old axis end) steps on the old axis, else
        FIRST_MS of training. Then CHUNK_MS of training per picture on the axis 0..steps.
        """
        right = self.curves.get_xlim()[1]
        if right != steps:
            self._show(training, min(steps, training.steps, int(right)), steps)
            yield False
            self.curves.set_xlim(0, steps)
        budget = self.FIRST_MS if right == steps else self.CHUNK_MS
        while True:
            deadline = time.perf_counter() + budget / 1000.0
            while training.steps < steps:  # at least one step per picture
                training.step()
                if time.perf_counter() >= deadline:
                    break
            t = min(steps, training.steps)
            self._show(training, t, steps)
            yield t == steps
            budget = self.CHUNK_MS

    def _show(self, training, t, steps):
        """Draw the runs after t steps (of ``steps``)."""
        out = training.at(t)
        counts = np.bincount(out.wrong, minlength=len(self.bars)) / self.restarts
        for bar, share in zip(self.bars, counts, strict=True):
            bar.set_height(share)
        ts = np.arange(t + 1)
        for i, line in enumerate(self.samples):
            line.set_data(ts, out.losses[:, i])
        self.mean.set_data(ts, out.losses.mean(axis=1))
        dead_start, dead_end = is_dead(out.start["w0"]), is_dead(out.end["w0"])
        values = {
            tr(de="tot am Anfang", en="dead at the start"): dead_start.mean(),
            tr(de="tot am Ende", en="dead at the end"): dead_end.mean(),
            tr(de="alle Punkte richtig", en="all points right"): np.mean(out.wrong == 0),
        }
        if t >= 1:
            change = out.losses[1] - out.losses[0]
            values.update({
                tr(de="J nach Schritt 1: gesunken", en="J after step 1: lower"):
                    np.mean(change < -1e-12),
                tr(de="gleich", en="same"): np.mean(np.abs(change) <= 1e-12),
                tr(de="gestiegen", en="higher"): np.mean(change > 1e-12),
            })
        self.readout.show(values)
        self.progress.value = "" if t == steps else tr(
            de=f"Training läuft: Schritt {t} von {steps} …",
            en=f"Training: step {t} of {steps} …")
        self.plot.refresh()
