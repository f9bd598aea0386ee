r"""Unit 2: one ReLU output neuron $O = \mathrm{ReLU}(w\,a_{prev} + b)$ with the loss
$L = (O - G)^2$ (nnkit's "sse") and the factors of its chain rule."""

import numpy as np

from nnkit.losses import sse
from nnkit.network import Layer, Network


def output_network(w, b):
    """One ReLU neuron with the weights ``w`` (k,) and the bias ``b`` as an nnkit Network."""
    w = np.asarray(w, dtype=float)
    net = Network(len(w), [Layer(1, activation="relu")], seed=0)
    net.params = {"W1": w[:, None], "b1": np.array([float(b)])}
    return net


def chain_factors(a_prev, w, b, G):
    r"""The factors of the chain rule for one input, ``(z, O, dL/dO, dO/dz, dz/dw)``: $z$, $O$,
    $\partial O/\partial z$ and $\partial z/\partial w = a_{prev}$ (the input on the edge of $w$)
    read off nnkit's Trace started with the upstream gradient $\partial O/\partial O = 1$;
    $\partial L/\partial O$ from nnkit's loss "sse" at $O$ and $G$."""
    trace = output_network([w], b).trace(np.array([float(a_prev)]), dout=1.0)
    neuron, w_input = trace.node(1), trace.node(*trace.edge("W1[0,0]").src)
    _, dL_dO = sse(np.array([[neuron.a]]), np.array([[float(G)]]))
    return neuron.z, neuron.a, float(dL_dO[0, 0]), neuron.dz, w_input.a
