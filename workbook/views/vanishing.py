r"""Unit 5: vanishing and exploding gradients in a chain of one-neuron layers, and skip connections.

The chain (sheet 11, exercise 2): $s_i = w_i o_{i-1} + b_i$, $o_i = \sigma(s_i)$, $o_0 = x$.

- Without skip: $\partial o_N/\partial w_1 = x\,\sigma'(s_1)\prod_{i=2}^N w_i\,\sigma'(s_i)$.
- With a skip connection from layer 1 to layer N ($N \ge 3$): $s_N = w_N o_{N-1} + b_N + o_1$ and
  $\partial o_N/\partial w_1 = x\,\sigma'(s_1)\,\sigma'(s_N)\,
  (1 + w_N\prod_{i=2}^{N-1} w_i\,\sigma'(s_i))$.

The formulas are checked against nnkit's backpropagation (``network_dON_dw1``) in the tests.

Example::

    from workbook.views.vanishing import VanishingView
    VanishingView()          # sliders for N and w, a choice of sigma; log plot and diagram
"""

import ipywidgets
import numpy as np
import sympy as sp

from nnkit.activations import get_activation
from nnkit.gradcheck import numerical_gradient
from nnkit.network import Layer, Network
from workbook import symbolic
from workbook.i18n import fmt, tr
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, Readout, View, int_slider, slider

N_MAX = 30  #: the deepest chain in the view
Y_RANGE = (1e-30, 1e20)  #: fixed y range of the gradient panel (values outside drawn at its edge)
FACTOR_RANGE = (1e-3, 1e1)  #: fixed y range of the factor panel
FLOOR = 1e-300  #: |gradients| below this (exactly 0 with dead ReLUs) count as 0 on log axes
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
ARCHITECTURES = ("plain", "skip", "to_output", "residual")


# ------------------------------------------------------------------ the math

def chain_parameters(N, scale=1.0, seed=0):
    r"""Fixed weights and biases of an N-layer chain: $w_i = w\,u_i$ with $u_i \sim U(0.8, 1.2)$,
    $b_i \sim N(0, 0.1^2)$, both from ``seed`` (the first N of the same N_MAX draws for every N)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.8, 1.2, max(N, N_MAX))
    b = rng.normal(0.0, 0.1, max(N, N_MAX))
    return scale * u[:N], b[:N]


def chain_forward(x, w, b, activation, skip=False):
    r"""$s_i = w_i o_{i-1} + b_i$ (+ $o_1$ in $s_N$ with ``skip``), $o_i = \sigma(s_i)$;
    returns the arrays ``(s, o)`` of layers $1..N$ (index 0 is layer 1)."""
    act = get_activation(activation)
    N = len(w)
    s, o = np.zeros(N), np.zeros(N)
    previous = x
    for i in range(N):
        s[i] = w[i] * previous + b[i] + (o[0] if skip and i == N - 1 and N >= 3 else 0.0)
        o[i] = act.fn(np.asarray(s[i]))
        previous = o[i]
    return s, o


def dON_dw1(x, w, b, activation, skip=False):
    r"""$\partial o_N/\partial w_1$ by the chain rule (formulas in the module docstring)."""
    act = get_activation(activation)
    s, _ = chain_forward(x, w, b, activation, skip)
    d = act.grad(s)  # sigma'(s_i)
    inner = np.prod(w[1:-1] * d[1:-1])  # prod_{i=2}^{N-1} w_i sigma'(s_i) (1 for N <= 2)
    if skip and len(w) >= 3:
        return float(x * d[0] * d[-1] * (1.0 + w[-1] * inner))
    return float(x * d[0] * (np.prod(w[1:] * d[1:]) if len(w) > 1 else 1.0))


def gradient_vs_depth(x, w, b, activation):
    r"""$|\partial o_n/\partial w_1|$ for every depth $n = 1..N$ at once (the first n layers of
    the chain $w, b$): arrays ``(plain, skip)``; ``skip`` is NaN for $n < 3$.

    The first $n-1$ layers of the depth-n chain are those of the longest chain, so with
    $P_k = \prod_{i=2}^{k} w_i\sigma'(s_i)$ (a cumulative product, $P_1 = 1$):
    plain $= x\,\sigma'(s_1) P_n$, skip $= x\,\sigma'(s_1)\,\sigma'(\tilde s_n)(1 + w_n P_{n-1})$
    with $\tilde s_n = w_n o_{n-1} + b_n + o_1$.
    """
    act = get_activation(activation)
    s, o = chain_forward(x, w, b, activation)
    d = act.grad(s)
    P = np.concatenate([[1.0], np.cumprod(w[1:] * d[1:])])  # P[k] = P_{k+1}
    plain = np.abs(x * d[0] * P)
    skip = np.full(len(w), np.nan)
    if len(w) >= 3:
        n = np.arange(3, len(w) + 1)  # depths with a skip connection
        s_tilde = w[n - 1] * o[n - 2] + b[n - 1] + o[0]
        skip[2:] = np.abs(x * d[0] * act.grad(s_tilde) * (1.0 + w[n - 1] * P[n - 2]))
    return plain, skip


def chain_network(w, b, activation, architecture="plain"):
    """The chain as an nnkit Network with the given weights, biases and extra connections:

    - ``"plain"``: $s_i = w_i o_{i-1} + b_i$;
    - ``"skip"``: plus $o_1$ in $s_N$ (the skip connection of exercise 2, weight fixed to 1);
    - ``"to_output"``: plus $o_j$ in $s_N$ for every layer $j = 1..N-2$ (weights 1);
    - ``"residual"``: $o_i = \\sigma(s_i) + o_{i-1}$ for the layers $2..N-1$.
    """
    N = len(w)
    layers = []
    for i in range(1, N + 1):
        inputs = None
        if i == N and N >= 3 and architecture == "skip":
            inputs = (N - 1, 1)
        elif i == N and N >= 3 and architecture == "to_output":
            inputs = (N - 1, *range(1, N - 1))
        residual = architecture == "residual" and 2 <= i <= N - 1
        layers.append(Layer(1, activation=activation, inputs=inputs, residual=residual))
    net = Network(1, layers, seed=0)
    params = dict(net.params)
    for i in range(1, N + 1):
        params[f"W{i}"] = np.array([[w[i - 1]]])
        params[f"b{i}"] = np.array([b[i - 1]])
    for name in params:
        if name.startswith(f"W{N}_"):  # the skip weights
            params[name] = np.ones((1, 1))
    net.params = params
    return net


def _unit_output_gradients(net, x):
    r"""nnkit's gradients of $L = \frac12(y - o_N)^2$ with $y = o_N - 1$, i.e.
    $\partial L/\partial o_N = 1$: then $\partial L/\partial w_i = \partial o_N/\partial w_i$."""
    X = np.array([[float(x)]])
    Y = net.forward(X) - 1.0
    _, grads = net.loss_and_grads(X, Y, loss="mse")
    return grads


def network_dON_dw1(x, w, b, activation, skip=False):
    r"""$\partial o_N/\partial w_1$ by nnkit's backpropagation (reference of the exercises)."""
    net = chain_network(np.asarray(w, float), np.asarray(b, float), activation,
                        "skip" if skip else "plain")
    return float(_unit_output_gradients(net, x)["W1"][0, 0])


def gradients_per_layer(N=12, architecture="plain", activation="sigmoid", scale=1.0, x=0.5, seed=0):
    r"""$|\partial o_N/\partial w_j|$ for $j = 1..N$ (nnkit backpropagation) in a chain of the
    given architecture (see ``chain_network``)."""
    w, b = chain_parameters(N, scale, seed)
    grads = _unit_output_gradients(chain_network(w, b, activation, architecture), x)
    return np.array([abs(float(grads[f"W{j}"][0, 0])) for j in range(1, N + 1)])


def chain_trace(x, w, b, activation, skip=False):
    r"""nnkit's Trace of the chain with $\partial L/\partial o_N = 1$, so that the diagram's
    $\partial L/\partial w_i$ are the $\partial o_N/\partial w_i$."""
    net = chain_network(np.asarray(w, float), np.asarray(b, float), activation,
                        "skip" if skip else "plain")
    xv = np.array([float(x)])
    y = net.forward(xv[None, :])[0] - 1.0
    return net.trace(xv, y)


# ------------------------------------------------------------------ exercise 1: f = Wx + b

def sheet11_symbols(express_sigmoid=False):
    r"""The names students may use in exercise 1 (``workbook.symbolic.sheet11_ex1``): ``W[i, j]``,
    ``x[j]``, ``a[i]``, ``b[i]``, ``i, j, m``, ``f[i]`` $= (Wx+b)_i$, ``sigma`` = sigmoid.

    ``express_sigmoid=True`` (part e): ``sigmoid'``/``sigma'`` become an unknown function, so an
    answer that is not written with the sigmoid itself does not count.
    """
    _, table = symbolic.sheet11_ex1()
    if express_sigmoid:
        unknown = sp.Function("sigmoid_prime")
        table.update(sigmoid_prime=unknown, sigma_prime=unknown)
    return table


#: Part of exercise 1 -> (function differentiated, variable): "x" means d/dx_j etc.
SHEET11_PARTS = {"a": ("f1", "x"), "b": ("f1", "W"), "c": ("f1", "b"), "d": ("relu_f1", "x"),
                 "e": ("sigmoid_f1", "x"), "f": ("g", "x")}


def sheet11_numeric_check(text, part, seed=0):
    r"""Compare a formula for part ``a``..``f`` of exercise 1 with centred differences
    (``nnkit.gradcheck.numerical_gradient``) at two random points with $n = 3$, $m = 2$: one with
    $(Wx+b) = (0.7, -0.4)$, one with $(Wx+b) = (-0.6, 0.5)$, so both cases of ReLU' occur.

    Returns rows ``(point, index, formula value, numerical value)``: index $j$ for
    $\partial/\partial x_j$, $(i, j)$ for $\partial/\partial W_{ij}$, $i$ for
    $\partial/\partial b_i$.
    """
    rng = np.random.default_rng(seed)
    table = sheet11_symbols(express_sigmoid=part == "e")
    expr = symbolic.parse(text, table)
    rows = []
    for point, z in enumerate(([0.7, -0.4], [-0.6, 0.5]), start=1):
        W, x = rng.normal(size=(2, 3)), rng.normal(size=3)
        values = {"W": W, "x": x, "b": np.array(z) - W @ x, "a": rng.normal(size=2)}
        rows += [(point, *row) for row in _compare(expr, part, values, table)]
    return rows


def _compare(expr, part, values, table):
    """Rows ``(index, formula, numerical)`` of one point ``values`` (W, x, b, a)."""
    target, var = SHEET11_PARTS[part]

    def output(W, x, b, a):
        z = W @ x + b
        return {"f1": z[0], "relu_f1": max(z[0], 0.0), "sigmoid_f1": 1 / (1 + np.exp(-z[0])),
                "g": a @ np.maximum(z, 0.0)}[target]

    numeric = numerical_gradient(lambda v: output(**{**values, var: v}), values[var].copy())
    i, j = table["i"], table["j"]
    rows = []
    for index in np.ndindex(values[var].shape):
        one_based = [int(q) + 1 for q in index]
        fix = {"x": {j: one_based[0]}, "W": {i: one_based[0], j: one_based[-1]},
               "b": {i: one_based[0]}}[var]
        e = expr.subs({**fix, table["m"]: len(values["b"])}).doit()
        e = e.xreplace({table[name][idx]: values[name][tuple(q - 1 for q in idx)]
                        for name in "Wxab" for idx in _indices(values[name].shape)})
        try:
            formula = float(symbolic.to_function([], e)())
        except Exception:  # free names left over (e.g. an index other than i, j)
            formula = float("nan")
        rows.append((tuple(one_based) if len(one_based) > 1 else one_based[0],
                     formula, float(numeric[index])))
    return rows


def print_sheet11_check(answers, seed=0):
    """Print the numerical cross-check of exercise 1 for ``{"a": text, ...}`` (no points)."""
    for part, text in answers.items():
        print(f"({part})", text)
        if text is None or text is ...:
            print("   ", tr(de="noch keine Antwort", en="no answer yet"))
            continue
        try:
            rows = sheet11_numeric_check(text, part, seed)
        except (symbolic.ExpressionError, ValueError, TypeError) as err:
            print("   ", tr(de="nicht lesbar:", en="cannot be read:"), err)
            continue
        for point, index, formula, numeric in rows:
            ok = np.isclose(formula, numeric, rtol=1e-4, atol=1e-6)
            mark = "✔" if ok else "✘"
            print(f"    {mark} {tr(de='Punkt', en='point')} {point}, {index}: "
                  f"{tr(de='Formel', en='formula')} {fmt(formula, 4):>9}   "
                  f"{tr(de='numerisch', en='numerical')} {fmt(numeric, 4):>9}")


def _indices(shape):
    return [tuple(q + 1 for q in idx) for idx in np.ndindex(shape)]


# ------------------------------------------------------------------ display helpers

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(v, digits=2):
    """A number in scientific notation with the language's decimal sign: ``3,14 · 10⁻¹²``."""
    v = float(v)
    if not np.isfinite(v):
        return "—"
    if v == 0.0:
        return fmt(0.0, digits)
    exponent = int(np.floor(np.log10(abs(v))))
    mantissa = v / 10.0**exponent
    if round(abs(mantissa), digits) >= 10:  # 9.999 -> 10.00: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    if -2 <= exponent <= 3:
        return fmt(v, digits if exponent >= 0 else digits - exponent)
    return f"{fmt(mantissa, digits)} · 10{str(exponent).translate(_SUPERSCRIPT)}"


def _activation_options():
    return [(tr(de="Sigmoid", en="sigmoid"), "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"),
            (tr(de="Identität", en="identity"), "identity")]


# ------------------------------------------------------------------ the view

class VanishingView(View):
    r"""$|\partial o_N/\partial w_1|$ over the depth, without and with the skip connection,
    the factors $|w_i\,\sigma'(s_i)|$ of the product, and a diagram of the chain at
    its natural size in a horizontally scrolling box (legible at every N).

    Controls: ``N`` (depth), ``w`` (weight scale: $w_i = w\,u_i$), ``activation``, ``skip``
    (the diagram with or without the skip connection). Forward-only: updates continuously.
    """

    def __init__(self, depth=6, scale=1.0, activation="sigmoid", x=0.5, seed=0):
        self.x, self.seed = x, seed
        self.depths = np.arange(1, N_MAX + 1)
        fig, (ax, ax2) = plots.figure(
            (tr(de="Gradient des ersten Gewichts", en="Gradient of the first weight"),
             tr(de="Tiefe N (Anzahl der Schichten)", en="depth N (number of layers)"),
             "|∂o_N/∂w₁|"),
            (tr(de="Faktoren der Kettenregel", en="Factors of the chain rule"),
             tr(de="Schicht i", en="layer i"), "|wᵢ σ'(sᵢ)|"),
            width=8.5, height=3.0)
        self.ax, self.ax2 = ax, ax2
        ones = np.ones(N_MAX)
        (self.plain_line,) = ax.plot(self.depths, ones, "o-", ms=3, color=plots.BLUE,
                                     label=tr(de="ohne Skip-Verbindung", en="without skip"))
        (self.skip_line,) = ax.plot(self.depths, ones, "s--", ms=3, color=plots.ORANGE,
                                    label=tr(de="mit Skip-Verbindung 1 → N",
                                             en="with skip connection 1 → N"))
        self.marker = ax.axvline(1, color=plots.BLACK, lw=1, ls=":")
        ax.set_yscale("log")
        ax.set_xlim(0.5, N_MAX + 0.5)
        ax.set_ylim(*Y_RANGE)  # fixed: the figure keeps its background (fast refresh)
        ax.set_yticks([10.0**k for k in range(-30, 21, 10)])
        ax.legend(loc="lower left", fontsize=8)
        ax2.axhline(1.0, color=plots.BLACK, lw=1, ls=":")
        (self.factor_line,) = ax2.plot(self.depths, ones, "o-", ms=4, color=plots.BLUISH_GREEN)
        ax2.set_yscale("log")
        ax2.set_xlim(0.5, N_MAX + 0.5)
        ax2.set_ylim(*FACTOR_RANGE)
        self.plot = FigureView(fig, dpi=90, moving=[self.plain_line, self.skip_line, self.marker,
                                            self.factor_line])
        self.readout = Readout()
        self.diagram = DiagramView(gradients=True, digits=3, scroll=True)
        dropdown = ipywidgets.Dropdown(
            options=_activation_options(), value=activation, description="σ",
            tooltip=tr(de="Aktivierungsfunktion", en="activation function"))
        controls = {
            "N": int_slider("N", tr(de="Tiefe: Anzahl der Schichten", en="depth: number of layers"),
                            depth, 1, N_MAX),
            "w": slider("w", tr(de="Gewichtsskala: wᵢ = w · uᵢ, uᵢ fest zwischen 0,8 und 1,2",
                                en="weight scale: wᵢ = w · uᵢ, uᵢ fixed between 0.8 and 1.2"),
                        scale, 0.2, 3.0, step=0.05),
            "activation": dropdown,
            "skip": ipywidgets.Checkbox(
                value=False, description=tr(de="Skip-Verbindung im Diagramm",
                                            en="skip connection in the diagram"),
                tooltip=tr(de="Diagramm mit Skip-Verbindung von Schicht 1 zu Schicht N",
                           en="diagram with the skip connection from layer 1 to layer N"),
                style={"description_width": "initial"}),
        }
        super().__init__(controls, [self.readout, self.plot, self.diagram])

    def values(self):
        """``(N, w, b, plain, skip)`` for the current controls (w, b of the longest chain)."""
        c = self.controls
        w, b = chain_parameters(N_MAX, c["w"].value, self.seed)
        plain, skip = gradient_vs_depth(self.x, w, b, c["activation"].value)
        return c["N"].value, w, b, plain, skip

    def update(self):
        N, w, b, plain, skip = self.values()
        activation = self.controls["activation"].value
        self.plain_line.set_ydata(np.clip(plain, *Y_RANGE))
        self.skip_line.set_ydata(np.clip(skip, *Y_RANGE))  # NaN (no skip for n < 3) stays NaN
        self.marker.set_xdata([N, N])
        s, _ = chain_forward(self.x, w[:N], b[:N], activation)
        factors = np.abs(w[1:N] * get_activation(activation).grad(s[1:]))
        self.factor_line.set_data(np.arange(2, N + 1), np.clip(factors, *FACTOR_RANGE))
        mean = np.exp(np.mean(np.log(np.maximum(factors, FLOOR)))) if N > 1 else np.nan
        self.readout.show({
            "N": str(N),
            tr(de="|∂o_N/∂w₁| ohne Skip-Verbindung",
               en="|∂o_N/∂w₁| without skip"): sci(plain[N - 1]),
            tr(de="mit Skip-Verbindung", en="with skip"): sci(skip[N - 1]),
            tr(de="geom. Mittel |wᵢσ'(sᵢ)|", en="geom. mean |wᵢσ'(sᵢ)|"): sci(mean),
        })
        self.plot.refresh()
        skip_on = self.controls["skip"].value and N >= 3
        self.diagram.update(chain_trace(self.x, w[:N], b[:N], activation, skip_on))


def architecture_figure(N=12, activation="sigmoid", scale=1.0):
    r"""A static figure: $|\partial o_N/\partial w_j| \,/\, |\partial o_N/\partial w_N|$ over the
    layer j for the four architectures of ``chain_network`` (nnkit backpropagation).
    Returns a FigureView."""
    names = {
        "plain": tr(de="ohne Skip-Verbindung", en="no skip connection"),
        "skip": tr(de="Skip-Verbindung 1 → N", en="skip 1 → N"),
        "to_output": tr(de="Skip-Verbindungen von jeder Schicht zur Ausgabe",
                        en="skip from every layer to the output"),
        "residual": tr(de="Residualverbindungen", en="residual connections"),
    }
    name = dict((key, label) for label, key in _activation_options())[activation]
    fig, (ax,) = plots.figure(
        (tr(de=f"Gradienten relativ zur letzten Schicht (N = {N}, σ = {name})",
            en=f"Gradients relative to the last layer (N = {N}, σ = {name})"),
         tr(de="Schicht j", en="layer j"), "|∂o_N/∂w_j| / |∂o_N/∂w_N|"), width=7.5, height=3.4)
    j = np.arange(1, N + 1)
    for style, arch in zip(("o-", "s--", "^-.", "d:"), ARCHITECTURES, strict=True):
        g = gradients_per_layer(N, arch, activation, scale)
        ax.plot(j, np.maximum(g / g[-1], FLOOR), style, ms=4, label=names[arch])
    ax.set_yscale("log")
    ax.legend(fontsize=8, loc="lower right")
    return FigureView(fig)


__all__ = ["VanishingView", "architecture_figure", "chain_forward", "chain_network",
           "chain_parameters", "chain_trace", "dON_dw1", "gradient_vs_depth",
           "gradients_per_layer", "network_dON_dw1", "sci"]
