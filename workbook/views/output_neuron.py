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

from workbook.i18n import tr
from workbook.reference.output_neuron import chain_factors, output_network
from workbook.views.diagram import DiagramView
from workbook.views.widgets import Readout, View, slider


class OutputNeuronView(View):
    r"""Sliders for $a_{prev}$, $w$, $b$, $G$; readouts of every factor of the chain rule and the
    diagram with $\partial L/\partial z$ on the neuron and $\partial L/\partial w$ on the edge."""

    def __init__(self, a_prev=1.5, w=0.8, b=-0.2, G=0.5):
        self.readout = Readout(digits=3)
        self.diagram = DiagramView(gradients=True, digits=3, names={"W1[0,0]": "w"},
                                   inputs="a_prev")
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
        self.net.params = {"W1": np.array([[w]]), "b1": np.array([b])}
        trace = self.net.trace(np.array([a]), np.array([G]), loss="sse")
        self.readout.show({"z": z, "O": out, "L": trace.loss, "∂L/∂O": dC_dO,
                           "∂O/∂z": dO_dz, "∂z/∂w": dz_dw,
                           "∂L/∂w": trace.edge("W1[0,0]").dw, "∂L/∂b": trace.node(1).db})
        self.diagram.update(trace)


__all__ = ["OutputNeuronView"]
