r"""Unit 5: vanishing and exploding gradients in a chain of one-neuron layers, and skip connections.

The chain (sheet 11, exercise 2): $s_i = w_i o_{i-1} + b_i$, $o_i = \sigma(s_i)$, $o_0 = x$; with a
skip connection from layer 1 to layer N ($N \ge 3$): $s_N = w_N o_{N-1} + b_N + o_1$. The view
shows $|\partial o_N/\partial w_1|$ over the depth (the formulas are the exercise's answer and not
repeated here).

The maths is in :mod:`workbook.reference.vanishing`; the tests check it against nnkit's
backpropagation.

The remedies besides skip connections act in layers of many neurons on a mini-batch, so the view
also shows a **wide chain** (``wide_gradients``): N layers of WIDTH neurons without biases, a batch
of BATCH random inputs with random targets, cost J = 1/(2 BATCH) sum ||y - o_N||^2, and per layer
j the norm ||dJ/dW_j||; the initialisation (N(0, 1), Xavier/Glorot, He), batch normalisation of
the sums before the activation, and clipping of the whole gradient's norm are its controls.

Example::

    from workbook.views.vanishing import VanishingView
    VanishingView()          # sliders for N and w, a choice of sigma; log plot and diagram
"""

import ipywidgets
import numpy as np

from nnkit.activations import get_activation
from workbook import symbolic
from workbook.i18n import fmt, tr
from workbook.reference.vanishing import (
    BATCH,
    N_MAX,
    WIDTH,
    chain_forward,
    chain_parameters,
    chain_trace,
    clipped,
    gradient_vs_depth,
    gradients_per_layer,
    sheet11_numeric_check,
    wide_gradients,
)
from workbook.views import plots
from workbook.views.diagram import DiagramView
from workbook.views.widgets import FigureView, Readout, View, int_slider, log_slider, slider

Y_RANGE = (1e-30, 1e20)  #: fixed y range of the gradient panel (values outside drawn at its edge)
FACTOR_RANGE = (1e-3, 1e1)  #: fixed y range of the factor panel
FLOOR = 1e-300  #: |gradients| below this (exactly 0 with dead ReLUs) count as 0 on log axes
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
ARCHITECTURES = ("plain", "skip", "to_output", "residual")
WIDE_RANGE = (1e-25, 1e30)  #: fixed y range of the wide-chain panel


# ------------------------------------------------------------------ exercise 1: f = Wx + b

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


def chain_names():
    """nnkit's names of the chain's edges -> the sheet's symbols: ``W3[0,0]`` -> ``w₃``; the skip
    connection (weight 1) into layer N -> ``w_skip``."""
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    names = {f"W{i}[0,0]": "w" + str(i).translate(sub) for i in range(1, N_MAX + 1)}
    names.update({f"W{i}_1[0,0]": "w_skip" for i in range(3, N_MAX + 1)})
    return names


def _activation_options():
    return [(tr(de="Sigmoid", en="sigmoid"), "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"),
            (tr(de="Identität", en="identity"), "identity")]


def _init_options():
    return [(tr(de="N(0; 1): Varianz 1", en="N(0, 1): variance 1"), "normal"),
            (tr(de="Xavier/Glorot: Varianz 1/n", en="Xavier/Glorot: variance 1/n"), "xavier"),
            (tr(de="He: Varianz 2/n", en="He: variance 2/n"), "he")]


def _remedy_controls(init, normalise, clip):
    """The wide chain's controls: initialisation, normalisation, clipping on/off and bound c."""
    checkbox = {"style": {"description_width": "initial"}}
    return {
        "init": ipywidgets.Dropdown(
            options=_init_options(), value=init,
            description=tr(de="Initialisierung", en="initialisation"),
            tooltip=tr(de="Varianz der Startgewichte der breiten Kette (n = 16 Eingaben je "
                          "Neuron)", en="variance of the wide chain's initial weights (n = 16 "
                                        "inputs per neuron)"), **checkbox),
        "normalise": ipywidgets.Checkbox(
            value=normalise, description=tr(de="Normalisierung", en="normalisation"),
            tooltip=tr(de="breite Kette: jede Summe über den Mini-Batch auf Mittelwert 0 und "
                          "Varianz 1 bringen", en="wide chain: bring every sum to mean 0 and "
                                                  "variance 1 over the mini-batch"), **checkbox),
        "clip": ipywidgets.Checkbox(
            value=clip is not None, description="Gradient Clipping",
            tooltip=tr(de="breite Kette: den ganzen Gradienten auf die Norm c herunterskalieren, "
                          "wenn seine Norm größer ist",
                       en="wide chain: scale the whole gradient down to norm c if its norm is "
                          "larger"), **checkbox),
        "c": log_slider("c", tr(de="Schranke c für das Gradient Clipping",
                                en="bound c for gradient clipping"),
                        1.0 if clip is None else clip, -2, 4, step=0.25, readout_format=".3g"),
    }


# ------------------------------------------------------------------ the view

class VanishingView(View):
    r"""$|\partial o_N/\partial w_1|$ over the depth, without and with the skip connection,
    the factors $|w_i\,\sigma'(s_i)|$ of the product, and a diagram of the chain (a long chain
    continues in the next row: legible at every N).

    Controls: ``N`` (depth), ``w`` (weight scale: $w_i = w\,u_i$), ``activation``, ``skip``
    (the diagram with or without the skip connection). ``with_skip=False`` leaves out everything
    of the skip connection (its curve, readout and control): the view then stands before the
    exercises on it. Forward-only: updates continuously.

    Below, with their controls, the remedies in the wide chain (``wide_gradients``) with the same
    N and activation: ``init`` ("normal", "xavier", "he"), ``normalise``, ``clip`` and its bound
    ``c``; the solid
    line is $\lVert\partial J/\partial \mathbf W_j\rVert$ with these settings, the dotted line
    the same chain without normalisation and clipping, the dashed line the bound c.
    """

    def __init__(self, depth=6, scale=1.0, activation="sigmoid", x=0.5, seed=0, init="xavier",
                 normalise=False, clip=None, with_skip=True):
        self.x, self.seed, self.with_skip = x, seed, with_skip
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
                                     label=tr(de="ohne Skip-Verbindung",
                                              en="without skip connection"))
        (self.skip_line,) = ax.plot(self.depths, ones, "s--", ms=3, color=plots.ORANGE,
                                    label=tr(de="mit Skip-Verbindung 1 → N",
                                             en="with skip connection 1 → N"))
        if not with_skip:
            self.skip_line.remove()
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
        wide_fig, (wide,) = plots.figure(
            (tr(de=f"Breite Kette ({WIDTH} Neuronen je Schicht, {BATCH} Beispiele): Gradient je "
                   "Schicht", en=f"Wide chain ({WIDTH} neurons per layer, {BATCH} examples): "
                                 "gradient per layer"),
             tr(de="Schicht j", en="layer j"), "‖∂J/∂W_j‖"), width=8.5, height=2.8)
        (self.wide_line,) = wide.plot(self.depths, ones, "o-", ms=3, color=plots.VERMILLION,
                                      label=tr(de="mit diesen Einstellungen",
                                               en="with these settings"))
        (self.wide_plain,) = wide.plot(self.depths, ones, ":", color=plots.BLUE,
                                       label=tr(de="ohne Normalisierung und Clipping",
                                                en="without normalisation and clipping"))
        (self.clip_line,) = wide.plot([0.5, N_MAX + 0.5], [1.0, 1.0], "--", lw=1,
                                      color=plots.BLACK, label=tr(de="Schranke c",
                                                                  en="bound c"))
        wide.set_yscale("log")
        wide.set_xlim(0.5, N_MAX + 0.5)
        wide.set_ylim(*WIDE_RANGE)
        wide.set_yticks([10.0**k for k in range(-25, 31, 5)])
        wide.legend(loc="lower left", fontsize=8)
        self.wide_plot = FigureView(wide_fig, dpi=90,
                                    moving=[self.wide_line, self.wide_plain, self.clip_line])
        self.wide_readout = Readout()
        self._drawn = {}  # output -> the settings it shows (see _redraw)
        self.readout = Readout()
        self.diagram = DiagramView(gradients=True, digits=3, names=chain_names())
        dropdown = ipywidgets.Dropdown(
            options=_activation_options(), value=activation, description="σ",
            tooltip=tr(de="Aktivierungsfunktion", en="activation function"))
        remedies = _remedy_controls(init, normalise, clip)  # shown above the wide chain
        controls = {
            "N": int_slider("N", tr(de="Tiefe: Anzahl der Schichten", en="depth: number of layers"),
                            depth, 1, N_MAX),
            "w": slider("w", tr(de="Gewichtsskala: wᵢ = w · uᵢ, uᵢ fest zwischen 0,8 und 1,2",
                                en="weight scale: wᵢ = w · uᵢ, uᵢ fixed between 0.8 and 1.2"),
                        scale, 0.2, 3.0, step=0.05),
            "activation": dropdown,
        }
        if with_skip:
            controls["skip"] = ipywidgets.Checkbox(
                value=False, description=tr(de="Skip-Verbindung im Diagramm",
                                            en="skip connection in the diagram"),
                tooltip=tr(de="Diagramm mit Skip-Verbindung von Schicht 1 zu Schicht N",
                           en="diagram with the skip connection from layer 1 to layer N"),
                style={"description_width": "initial"})
        controls.update(remedies)
        super().__init__(controls, [self.readout, self.plot, self.diagram,
                                    *remedies, self.wide_readout,
                                    self.wide_plot])

    def values(self):
        """``(N, w, b, plain, skip)`` for the current controls (w, b of the longest chain)."""
        c = self.controls
        w, b = chain_parameters(N_MAX, c["w"].value, self.seed)
        plain, skip = gradient_vs_depth(self.x, w, b, c["activation"].value)
        return c["N"].value, w, b, plain, skip

    def update(self):
        c = self.controls
        N, scale, activation = c["N"].value, c["w"].value, c["activation"].value
        skip_on = self.with_skip and c["skip"].value and N >= 3
        clip = c["clip"].value
        remedies = (c["init"].value, c["normalise"].value, clip, c["c"].value if clip else None)
        # each output is drawn again only when a setting it shows changed: w and the diagram's
        # skip connection do not act on the wide chain, the remedies act on nothing else
        self._redraw("chain", (N, scale, activation), self.update_chain)
        self._redraw("diagram", (N, scale, activation, skip_on), self.update_diagram)
        self._redraw("wide", (N, activation, *remedies), self.update_wide)

    def _redraw(self, output, settings, draw):
        """Call ``draw()`` unless ``output`` already shows these ``settings``."""
        if self._drawn.get(output) != settings:
            self._drawn.pop(output, None)  # an error in draw() leaves it to be drawn again
            draw()
            self._drawn[output] = settings

    def update_chain(self):
        """The chain's two panels and its readout."""
        N, w, b, plain, skip = self.values()
        activation = self.controls["activation"].value
        self.plain_line.set_ydata(np.clip(plain, *Y_RANGE))
        self.skip_line.set_ydata(np.clip(skip, *Y_RANGE))  # NaN (no skip for n < 3) stays NaN
        self.marker.set_xdata([N, N])
        s, _ = chain_forward(self.x, w[:N], b[:N], activation)
        factors = np.abs(w[1:N] * get_activation(activation).grad(s[1:]))
        self.factor_line.set_data(np.arange(2, N + 1), np.clip(factors, *FACTOR_RANGE))
        mean = np.exp(np.mean(np.log(np.maximum(factors, FLOOR)))) if N > 1 else np.nan
        shown = {"N": str(N),
                 tr(de="|∂o_N/∂w₁| ohne Skip-Verbindung",
                    en="|∂o_N/∂w₁| without skip connection"): sci(plain[N - 1])}
        if self.with_skip:
            shown[tr(de="mit Skip-Verbindung", en="with skip connection")] = sci(skip[N - 1])
        shown[tr(de="geom. Mittel |wᵢσ'(sᵢ)|", en="geom. mean |wᵢσ'(sᵢ)|")] = sci(mean)
        self.readout.show(shown)
        self.plot.refresh()

    def update_diagram(self):
        """The diagram of the chain (with the skip connection 1 → N if chosen and N >= 3)."""
        c = self.controls
        N = c["N"].value
        w, b = chain_parameters(N_MAX, c["w"].value, self.seed)
        skip_on = self.with_skip and c["skip"].value and N >= 3
        self.diagram.update(chain_trace(self.x, w[:N], b[:N], c["activation"].value, skip_on))

    def update_wide(self):
        """The wide chain's panel and readout."""
        c = self.controls
        N, activation, clip = c["N"].value, c["activation"].value, c["clip"].value
        plain = wide_gradients(N, activation, c["init"].value, seed=self.seed)
        grads = (wide_gradients(N, activation, c["init"].value, normalise=True, seed=self.seed)
                 if c["normalise"].value else plain)
        if clip:
            grads = clipped(grads, c["c"].value)
        layers = np.arange(1, N + 1)
        self.wide_line.set_data(layers, np.clip(grads, *WIDE_RANGE))
        self.wide_plain.set_data(layers, np.clip(plain, *WIDE_RANGE))
        self.clip_line.set_ydata([c["c"].value] * 2)
        self.clip_line.set_visible(clip)
        self.wide_readout.show({
            tr(de="breite Kette: ‖∂J/∂W₁‖", en="wide chain: ‖∂J/∂W₁‖"): sci(grads[0]),
            "‖∂J/∂W_N‖": sci(grads[-1]),
            tr(de="ohne Normalisierung und Clipping: ‖∂J/∂W₁‖",
               en="without normalisation and clipping: ‖∂J/∂W₁‖"): sci(plain[0]),
        })
        self.wide_plot.refresh()


def architecture_figure(N=12, activation="sigmoid", scale=1.0):
    r"""A static figure: $|\partial o_N/\partial w_j| \,/\, |\partial o_N/\partial w_N|$ over the
    layer j for the four architectures of ``chain_network`` (nnkit backpropagation).
    Returns a FigureView."""
    names = {
        "plain": tr(de="ohne Skip-Verbindung", en="no skip connection"),
        "skip": tr(de="Skip-Verbindung 1 → N", en="skip connection 1 → N"),
        "to_output": tr(de="Skip-Verbindungen von jeder Schicht zur Ausgabe",
                        en="skip connections from every layer to the output"),
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


__all__ = ["VanishingView", "architecture_figure", "sci"]
