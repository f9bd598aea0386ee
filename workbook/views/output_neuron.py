r"""Unit 2: backpropagation for one output neuron.

$z = w\,a_{prev} + b$, $O = \mathrm{ReLU}(z)$, $L = (O - G)^2$ (the loss of one example;
$G$: the target). Chain rule:

$$\frac{\partial L}{\partial w} = \underbrace{2(O - G)}_{\partial L/\partial O}\cdot
  \underbrace{\mathrm{ReLU}'(z)}_{\partial O/\partial z}\cdot
  \underbrace{a_{prev}}_{\partial z/\partial w}, \qquad
  \frac{\partial L}{\partial b} = 2(O - G)\cdot\mathrm{ReLU}'(z)\cdot 1$$

The diagram comes from nnkit's Trace (loss "sse": $L = (O - G)^2$ for one example).

Example::

    from workbook.views.output_neuron import OutputNeuronView
    OutputNeuronView()
"""

import numpy as np

from nnkit.activations import get_activation
from nnkit.network import Layer, Network
from workbook.i18n import tr
from workbook.views.diagram import DiagramView
from workbook.views.widgets import Readout, View, slider


def output_network(w, b):
    """One ReLU neuron with the weights ``w`` (k,) and the bias ``b`` as an nnkit Network."""
    w = np.asarray(w, dtype=float)
    net = Network(len(w), [Layer(1, activation="relu")], seed=0)
    net.params = {"W1": w[:, None], "b1": np.array([float(b)])}
    return net


def output_grads(a_prev, w, b, G):
    r"""$(\partial L/\partial w, \partial L/\partial b)$ from nnkit's backpropagation (loss "sse")
    for $L = (\mathrm{ReLU}(w\cdot a_{prev} + b) - G)^2$."""
    a_prev = np.atleast_1d(np.asarray(a_prev, dtype=float))
    net = output_network(np.atleast_1d(w), b)
    _, grads = net.loss_and_grads(a_prev[None, :], np.array([[float(G)]]), loss="sse")
    return grads["W1"][:, 0], float(grads["b1"][0])


def chain_factors(a_prev, w, b, G):
    r"""The factors of the chain rule for one input: ``(z, O, dC/dO, dO/dz, dz/dw)``."""
    z = w * a_prev + b
    relu = get_activation("relu")
    out = float(relu.fn(np.asarray(z)))
    return z, out, 2.0 * (out - G), float(relu.grad(np.asarray(z))), a_prev


class OutputNeuronView(View):
    r"""Sliders for $a_{prev}$, $w$, $b$, $G$; readouts of every factor of the chain rule and the
    diagram with $\partial L/\partial z$ on the neuron and $\partial L/\partial w$ on the edge."""

    def __init__(self, a_prev=1.5, w=0.8, b=-0.2, G=0.5):
        self.readout = Readout(digits=3)
        self.diagram = DiagramView(gradients=True, digits=3)
        self.net = output_network([w], b)
        controls = {
            "a": slider("a_prev", tr(de="Aktivierung der vorigen Schicht",
                                     en="activation of the previous layer"), a_prev, -2.0, 2.0),
            "w": slider("w", tr(de="Gewicht", en="weight"), w, -2.0, 2.0),
            "b": slider("b", tr(de="Bias", en="bias"), b, -2.0, 2.0),
            "G": slider("G", tr(de="Zielwert der Ausgabe", en="target output"), G, -1.0, 3.0),
        }
        super().__init__(controls, [self.readout, self.diagram])

    def update(self):
        a, w, b, G = (float(self.controls[n].value) for n in ("a", "w", "b", "G"))
        z, out, dC_dO, dO_dz, dz_dw = chain_factors(a, w, b, G)
        self.readout.show({"z": z, "O": out, "L": (out - G) ** 2, "∂L/∂O": dC_dO,
                           "∂O/∂z": dO_dz, "∂z/∂w": dz_dw,
                           "∂L/∂w": dC_dO * dO_dz * dz_dw, "∂L/∂b": dC_dO * dO_dz})
        self.net.params = {"W1": np.array([[w]]), "b1": np.array([b])}
        self.diagram.update(self.net.trace(np.array([a]), np.array([G]), loss="sse"))


__all__ = ["OutputNeuronView", "chain_factors", "output_grads", "output_network"]
