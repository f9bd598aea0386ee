"""Gradient checks: centred differences, relative error, and kinks crossed by the step."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """df/dx by centred differences, (f(x + h e_i) - f(x - h e_i)) / (2h) for every entry i.

    ``x`` is a float array of any shape; it is changed in place during the evaluation (so ``f``
    may ignore its argument and read x through a closure, e.g. ``net.params["W1"]``) and
    restored afterwards. ``f`` returns a scalar. The error is O(h^2) away from kinks.
    """
    grad = np.zeros(np.shape(x))
    for i in np.ndindex(*np.shape(x)):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b, tiny=1e-12):
    """max |a - b| / max(|a| + |b|, tiny), elementwise then the largest; two zeros agree (0).
    Rule of thumb: above 1e-2 usually wrong, below 1e-7 good."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    err = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), tiny)
    return float(err.max()) if err.size else 0.0


def kink_crossed(g, x, h=1e-5):
    """Whether the centred step x[i] +- h moves any value of ``g`` across 0 (its sign differs
    between x[i] - h and x[i] + h, 0 counting as a sign of its own), for every entry i of ``x``
    (a bool array shaped like x). Values that sit at 0 and do not move are no crossing.

    ``g`` returns the values at which a kink sits at 0, e.g. the pre-activations of ReLU
    units (``lambda _: np.concatenate([z.ravel() for z in net.preactivations(X)])``).
    Where it is True the centred difference straddles a kink and is not a valid check.
    ``x`` is perturbed in place and restored, as in ``numerical_gradient``.
    """
    crossed = np.zeros(np.shape(x), dtype=bool)
    for i in np.ndindex(*np.shape(x)):
        old = x[i]
        x[i] = old + h
        plus = np.sign(np.asarray(g(x), dtype=float))
        x[i] = old - h
        minus = np.sign(np.asarray(g(x), dtype=float))
        x[i] = old
        crossed[i] = bool(np.any(plus != minus))
    return crossed
