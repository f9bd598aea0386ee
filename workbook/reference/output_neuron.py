r"""Unit 2: one ReLU output neuron $O = \mathrm{ReLU}(w\,a_{prev} + b)$ with the loss
$L = (O - G)^2$ (nnkit's "sse") and the factors of its chain rule."""

import numpy as np

from nnkit.activations import get_activation
from nnkit.network import Layer, Network


def output_network(w, b):
    """One ReLU neuron with the weights ``w`` (k,) and the bias ``b`` as an nnkit Network."""
    w = np.asarray(w, dtype=float)
    net = Network(len(w), [Layer(1, activation="relu")], seed=0)
    net.params = {"W1": w[:, None], "b1": np.array([float(b)])}
    return net


def chain_factors(a_prev, w, b, G):
    r"""The factors of the chain rule for one input: ``(z, O, dC/dO, dO/dz, dz/dw)``."""
    z = w * a_prev + b
    relu = get_activation("relu")
    out = float(relu.fn(np.asarray(z)))
    return z, out, 2.0 * (out - G), float(relu.grad(np.asarray(z))), a_prev
