r"""Unit 2: one ReLU output neuron $O = \mathrm{ReLU}(w\,a_{prev} + b)$ with the loss
$L = (O - G)^2$ (nnkit's "sse") and the factors of its chain rule."""

import numpy as np

from nnkit.network import Layer, Network


def output_network(w, b):
    """One ReLU neuron with the weights ``w`` (k,) and the bias ``b`` as an nnkit Network."""
    w = np.asarray(w, dtype=float)
    net = Network(len(w), [Layer(1, activation="relu")], seed=0)
    net.params = {"W1": w[:, None], "b1": np.array([float(b)])}
    return net


def chain_factors(a_prev, w, b, G):
    r"""The factors of the chain rule for one input, ``(z, O, dL/dO, dO/dz, dz/dw)``, read off
    nnkit's Traces: $z$, $O$ and $\partial L/\partial O$ from the trace with the target $G$
    (loss "sse"); $\partial O/\partial z$ is the gradient at $z$ of a second trace whose target
    $O - 1$ makes $\partial L/\partial O = 1$ (loss "mse", $L = \frac12(O - t)^2$);
    $\partial z/\partial w = a_{prev}$ is the input on the edge of $w$."""
    net, x = output_network([w], b), np.array([float(a_prev)])
    trace = net.trace(x, np.array([float(G)]), loss="sse")
    neuron, w_input = trace.node(1), trace.node(*trace.edge("W1[0,0]").src)
    dO_dz = net.trace(x, np.array([neuron.a - 1.0]), loss="mse").node(1).dz
    return neuron.z, neuron.a, neuron.da, dO_dz, w_input.a
