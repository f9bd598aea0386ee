r"""Unit 3: a 1-3-1 network with sigmoid neurons fits one period of a sine curve.

The network (lecture notation, $k = 1, 2, 3$, $g$ = sigmoid):

$$z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x, \qquad
  \hat y = w_{10}^{(2)} + \sum_{k=1}^3 w_{1k}^{(2)}\, g(z_k).$$

In nnkit it is ``MLP([1, 3, 1], activation="sigmoid")`` with the parameters
``W1[0, k-1]`` $= w_{k1}^{(1)}$, ``b1[k-1]`` $= w_{k0}^{(1)}$, ``W2[k-1, 0]`` $= w_{1k}^{(2)}$,
``b2[0]`` $= w_{10}^{(2)}$. Cost: $J = \frac{1}{2n}\sum_i (y_i - \hat y_i)^2$, and with
$r_i = y_i - \hat y_i$ the gradient (the table of the lecture):

$$\frac{\partial J}{\partial w_{10}^{(2)}} = -\frac1n\sum_i r_i,\quad
  \frac{\partial J}{\partial w_{1k}^{(2)}} = -\frac1n\sum_i r_i\, g(z_{ik}),\quad
  \frac{\partial J}{\partial w_{k0}^{(1)}} = -\frac{w_{1k}^{(2)}}{n}\sum_i r_i\, g'(z_{ik}),\quad
  \frac{\partial J}{\partial w_{k1}^{(1)}} = -\frac{w_{1k}^{(2)}}{n}\sum_i r_i\, g'(z_{ik})\, x_i.$$

Example::

    from workbook.views.sine_network import ForwardView, WeightsView, TrainingView
    ForwardView()     # slider for x: network diagram and the prediction in the scatter plot
    WeightsView()     # ten weight sliders: the fit, the three contributions and J
    TrainingView()    # gradient descent from a random start, 500 steps per click
"""

import ipywidgets
import numpy as np

from nnkit import train
from workbook.i18n import fmt, tr
from workbook.reference.sine_network import (
    AMPLITUDE,
    GIVEN,
    INIT_SEED,
    N_POINTS,
    NAMES,
    X_MAX,
    X_MIN,
    contributions,
    cost,
    initial_params,
    network,
    predict,
    sine_data,
    to_params,
)
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, Readout, View, int_slider, slider

LEARNING_RATE = 1.0  #: default learning rate of the training view
STEPS_PER_CLICK, STEPS_PER_FRAME = 500, 50


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def symbol(name):
    """The lecture's symbol of a weight: ``symbol("w1_21")`` -> ``"w₂₁⁽¹⁾"``."""
    layer, index = name[1], name[3:]
    return "w" + index.translate(_SUB) + ("⁽¹⁾" if layer == "1" else "⁽²⁾")


#: nnkit's edge names -> the lecture's symbols: W1[0, k-1] = w_k1^(1), W2[j-1, 0] = w_1j^(2)
EDGE_NAMES = {**{f"W1[0,{k - 1}]": symbol(f"w1_{k}1") for k in (1, 2, 3)},
              **{f"W2[{j - 1},0]": symbol(f"w2_1{j}") for j in (1, 2, 3)}}


def meaning(name):
    """What a weight does, in the notebook language."""
    layer, k, j = name[1], name[3], name[4]
    if layer == "1" and j == "0":
        return tr(de=f"Bias des verborgenen Neurons {k}", en=f"bias of hidden neuron {k}")
    if layer == "1":
        return tr(de=f"Gewicht Eingabe → verborgenes Neuron {k}",
                  en=f"weight input → hidden neuron {k}")
    if j == "0":
        return tr(de="Bias des Ausgabeneurons", en="bias of the output neuron")
    return tr(de=f"Gewicht verborgenes Neuron {j} → Ausgabe",
              en=f"weight hidden neuron {j} → output")


# ---------------------------------------------------------------- views
_GRID = np.linspace(X_MIN, X_MAX, 241)
_Y_LIMITS = (-4.0, 4.0)


def _data_axes(ax, x, y):
    ax.scatter(x, y, s=14, color=plots.SKY_BLUE, label=tr(de="Daten (xᵢ, yᵢ)", en="data (xᵢ, yᵢ)"))
    ax.set_xlim(X_MIN - 0.1, X_MAX + 0.1)
    ax.set_ylim(*_Y_LIMITS)


def data_view():
    """A static FigureView: the data set and the true curve 2.5 sin(x) (dashed)."""
    x, y = sine_data()
    fig, (ax,) = plots.figure((tr(de="Der Datensatz", en="The data set"),
                               tr(de="Eingabe x", en="input x"),
                               tr(de="Zielvariable y", en="target y")),
                              width=6.0, height=3.0)
    _data_axes(ax, x, y)
    ax.plot(_GRID, AMPLITUDE * np.sin(_GRID), "--", color=plots.BLACK,
            label=tr(de="wahrer Zusammenhang 2,5·sin(x)", en="true relationship 2.5·sin(x)"))
    ax.legend(loc="upper left", fontsize=8)
    return FigureView(fig)


class ForwardView(View):
    r"""A slider for $x$: the network diagram with $z_k$ and $g(z_k)$ at that $x$, and the
    prediction $\hat y(x)$ as a point in the scatter plot of the data. ``show`` picks what the
    plot adds: the point only, predictions on a grid of x values, or the interpolated curve."""

    def __init__(self, x=2.0, show="point"):
        self.x_data, self.y_data = sine_data()
        self.net = network()
        self.params = self.net.params
        fig, (ax,) = plots.figure((tr(de="Vorhersagen im Streudiagramm",
                                      en="Predictions in a scatter plot"),
                                   tr(de="Eingabe x", en="input x"),
                                   tr(de="Zielvariable y, Vorhersage ŷ",
                                      en="target y, prediction ŷ")),
                                  width=6.0, height=3.2)
        _data_axes(ax, self.x_data, self.y_data)
        grid = np.linspace(X_MIN, X_MAX, 25)
        (self.points,) = ax.plot(grid, predict(grid, self.params), "o", ms=4,
                                 color=plots.ORANGE, label=tr(de="Vorhersagen", en="predictions"))
        (self.curve,) = ax.plot(_GRID, predict(_GRID, self.params), color=plots.ORANGE,
                                label=tr(de="Modellkurve ŷ(x)", en="model curve ŷ(x)"))
        (self.point,) = ax.plot([x], [0.0], "o", ms=10, color=plots.VERMILLION,
                                markeredgecolor="black", label=tr(de="ŷ für das gewählte x",
                                                                  en="ŷ for the chosen x"))
        ax.legend(loc="upper left", fontsize=8)
        self.plot = FigureView(fig, moving=[self.points, self.curve, self.point])
        self.diagram = DiagramView(names=EDGE_NAMES)
        self.readout = Readout(digits=3)
        show_control = ipywidgets.ToggleButtons(
            options=[(tr(de="ein Punkt", en="one point"), "point"),
                     (tr(de="viele Punkte", en="many points"), "points"),
                     (tr(de="Kurve", en="curve"), "curve")],
            value=show, description=tr(de="Anzeige", en="show"),
            tooltip=tr(de="was das Streudiagramm zeigt", en="what the scatter plot shows"))
        controls = {
            "x": slider("x", tr(de="Eingabe", en="input"), x, X_MIN, X_MAX, step=0.05),
            "show": show_control,
        }
        super().__init__(controls, [self.readout, self.diagram, self.plot])

    def update(self):
        x, show = float(self.controls["x"].value), self.controls["show"].value
        trace = self.net.trace(x)
        self.diagram.update(trace)
        z = [trace.node(1, k).z for k in range(3)]
        a = [trace.node(1, k).a for k in range(3)]
        values = {f"z{'₁₂₃'[k]}": z[k] for k in range(3)}
        values.update({f"g(z{'₁₂₃'[k]})": a[k] for k in range(3)})
        values["ŷ"] = trace.yhat
        self.readout.show(values)
        self.point.set_data([x], [trace.yhat])
        self.points.set_visible(show == "points")
        self.curve.set_visible(show == "curve")
        self.plot.refresh()


def weight_sliders(w, continuous=True):
    """One labelled slider per weight (symbol and meaning), in the order of NAMES."""
    sliders = {}
    for name in NAMES:
        bound = 5.0 if name[1] == "1" and name[4] == "1" else 8.0
        sliders[name] = slider(symbol(name), meaning(name), w[name], -bound, bound, step=0.01,
                               continuous=continuous)
    return sliders


class WeightsView(View):
    r"""Sliders for all ten weights (reset: the given ones). Left: the data and the fit
    $\hat y(x)$ with the cost $J$; right: the three contributions $w_{1k}^{(2)} g(z_k(x))$, the bias
    $w_{10}^{(2)}$ and their sum $\hat y(x)$. Forward only: updates continuously."""

    def __init__(self):
        self.x_data, self.y_data = sine_data()
        fig, (ax, ax2) = plots.figure(
            (tr(de="Daten und Modellkurve", en="Data and model curve"),
             tr(de="Eingabe x", en="input x"), tr(de="y, ŷ", en="y, ŷ")),
            (tr(de="Wie sich ŷ zusammensetzt", en="How ŷ is put together"),
             tr(de="Eingabe x", en="input x"), tr(de="Beitrag zu ŷ", en="contribution to ŷ")),
            width=10.0, height=3.6)
        _data_axes(ax, self.x_data, self.y_data)
        (self.fit,) = ax.plot(_GRID, _GRID * 0, color=plots.BLACK, label="ŷ(x)")
        self.cost_text = ax.text(0.97, 0.04, "", transform=ax.transAxes, ha="right")
        ax.legend(loc="upper left", fontsize=8)
        colors = (plots.BLUE, plots.ORANGE, plots.BLUISH_GREEN)
        styles = ("-", "--", "-.")
        self.parts = [ax2.plot(_GRID, _GRID * 0, styles[k], color=colors[k],
                               label=f"w₁{'₁₂₃'[k]}⁽²⁾·g(z{'₁₂₃'[k]})")[0] for k in range(3)]
        (self.bias,) = ax2.plot(_GRID, _GRID * 0, ":", color=plots.REDDISH_PURPLE,
                                label="w₁₀⁽²⁾")
        (self.sum,) = ax2.plot(_GRID, _GRID * 0, color=plots.BLACK, lw=2,
                               label=tr(de="Summe = ŷ(x)", en="sum = ŷ(x)"))
        ax2.set_xlim(X_MIN, X_MAX)
        ax2.set_ylim(-9.0, 9.0)
        ax2.legend(loc="lower left", fontsize=7, ncol=2)
        moving = [self.fit, self.cost_text, *self.parts, self.bias, self.sum]
        self.plot = FigureView(fig, moving=moving)
        self.readout = Readout(digits=4)
        super().__init__(weight_sliders(GIVEN), [self.readout, self.plot])

    def weights(self):
        """The ten weights of the sliders (lecture names)."""
        return {name: float(self.controls[name].value) for name in NAMES}

    def update(self):
        params = to_params(self.weights())
        parts = contributions(_GRID, params)
        bias = params["b2"][0]
        for k, line in enumerate(self.parts):
            line.set_ydata(parts[:, k])
        self.bias.set_ydata(np.full_like(_GRID, bias))
        yhat = bias + parts.sum(axis=1)
        self.sum.set_ydata(yhat)
        self.fit.set_ydata(yhat)
        J = cost(self.x_data, self.y_data, params)
        self.cost_text.set_text(f"J = {fmt(J, 4)}")
        self.readout.show({"J": J, "ŷ(2)": float(predict(2.0, params)[0])})
        self.plot.refresh()


class TrainingView(View):
    r"""Gradient descent $w := w - \eta\,\partial J/\partial w$ for all ten weights, from a random
    start (seed INIT_SEED). The button runs 500 steps with nnkit.train and redraws every 50 steps:
    the fit (the start dotted) and the cost $J$ per step (log scale). The diagram shows one data
    point $i$ (slider): values and the gradient of its share $L_i = \frac12 (y_i - \hat y_i)^2$;
    $\partial J/\partial w$ is the mean of these over all $i$."""

    def __init__(self, lr=LEARNING_RATE, seed=INIT_SEED):
        self.x_data, self.y_data = sine_data()
        self.X, self.Y = self.x_data.reshape(-1, 1), self.y_data.reshape(-1, 1)
        self.seed = seed
        self.net = network(initial_params(seed))
        self.start = {k: v.copy() for k, v in self.net.params.items()}
        self.losses = [cost(self.x_data, self.y_data, self.start)]
        fig, (ax, ax2) = plots.figure(
            (tr(de="Modellkurve während des Trainings", en="Model curve during training"),
             tr(de="Eingabe x", en="input x"), tr(de="y, ŷ", en="y, ŷ")),
            (tr(de="Kostenfunktion J pro Schritt", en="Cost function J per step"),
             tr(de="Schritt", en="step"), tr(de="J (log. Skala)", en="J (log scale)")),
            width=10.0, height=3.4)
        _data_axes(ax, self.x_data, self.y_data)
        ax.plot(_GRID, predict(_GRID, self.start), ":", color=plots.REDDISH_PURPLE,
                label=tr(de="Start (zufällig)", en="start (random)"))
        (self.fit,) = ax.plot(_GRID, predict(_GRID, self.start), color=plots.BLACK,
                              label=tr(de="aktuelles ŷ(x)", en="current ŷ(x)"))
        (self.chosen,) = ax.plot([0.0], [0.0], "o", ms=9, color=plots.VERMILLION,
                                 markeredgecolor="black",
                                 label=tr(de="Datenpunkt i im Diagramm",
                                          en="data point i in the diagram"))
        ax.legend(loc="upper left", fontsize=8)
        (self.curve,) = ax2.plot([0], self.losses, color=plots.BLUE)
        ax2.set_yscale("log")
        ax2.set_ylim(1e-2, 1e2)
        self.ax2 = ax2
        self.plot = FigureView(fig, moving=[self.fit, self.chosen, self.curve])
        self.diagram = DiagramView(gradients=True, names=EDGE_NAMES)
        self.readout = Readout(digits=4)
        self.note = ipywidgets.HTML()  # the divergence warning
        controls = {
            "lr": slider("η", tr(de="Lernrate", en="learning rate"), lr, 0.05, 3.0, step=0.05,
                         continuous=False),
            "i": int_slider("i", tr(de="Datenpunkt im Diagramm", en="data point in the diagram"),
                            N_POINTS * 5 // 6, 1, N_POINTS),
        }
        super().__init__(controls, [self.readout, self.note, self.plot, self.diagram])
        self.train_button = self.button(
            tr(de=f"{STEPS_PER_CLICK} Schritte trainieren", en=f"Train {STEPS_PER_CLICK} steps"),
            self.train)

    @property
    def steps(self):
        """Gradient descent steps done so far."""
        return len(self.losses) - 1

    def train(self, steps=STEPS_PER_CLICK):
        """Run ``steps`` steps (nnkit.train), redrawing every STEPS_PER_FRAME steps."""
        lr = float(self.controls["lr"].value)
        for done in range(0, steps, STEPS_PER_FRAME):
            with np.errstate(all="ignore"):
                history = train(self.net, self.X, self.Y, lr, min(STEPS_PER_FRAME, steps - done))
            self.losses.extend(float(v) for v in history.losses[1:])
            self.net.params = history.params
            self.update()
            if not np.isfinite(self.losses[-1]) or self.losses[-1] > 1e6:
                self.note.value = tr(
                    de=f"⚠ Die Kosten wachsen über alle Grenzen (Divergenz): η = {fmt(lr)} ist zu "
                       "groß. Setzen Sie zurück und wählen Sie eine kleinere Lernrate.",
                    en=f"⚠ The cost grows without bound (divergence): η = {fmt(lr)} is too large. "
                       "Reset and choose a smaller learning rate.")
                return

    def reset(self):
        """Back to the random start (and the initial slider values)."""
        self.net.params = {k: v.copy() for k, v in self.start.items()}
        self.losses = self.losses[:1]
        self.note.value = ""
        super().reset()

    def update(self):
        params = self.net.params
        finite = np.all([np.all(np.isfinite(v)) for v in params.values()])
        i = int(self.controls["i"].value) - 1
        xi, yi = self.x_data[i], self.y_data[i]
        if finite:
            with np.errstate(all="ignore"):
                self.fit.set_ydata(predict(_GRID, params))
                self.diagram.update(self.net.trace(xi, yi))
        self.chosen.set_data([xi], [yi])
        losses = np.clip(np.nan_to_num(self.losses, nan=1e300), 1e-300, 1e300)
        self.curve.set_data(np.arange(len(losses)), losses)
        right = max(STEPS_PER_CLICK, STEPS_PER_CLICK * -(-self.steps // STEPS_PER_CLICK))
        if self.ax2.get_xlim() != (0.0, float(right)):
            self.ax2.set_xlim(0.0, float(right))
        self.readout.show({tr(de="Schritt", en="step"): str(self.steps),
                           "J": losses[-1] if losses[-1] < 1e6 else "≫ 10⁶",
                           f"x{_sub(i + 1)}": xi, f"y{_sub(i + 1)}": yi})
        self.plot.refresh()


def _sub(number):
    return str(number).translate(_SUB)


__all__ = ["ForwardView", "WeightsView", "TrainingView", "symbol", "meaning", "weight_sliders",
           "data_view"]
