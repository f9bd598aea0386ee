"""Layers as forward/backward pairs (cs231n style).

``*_forward`` returns ``(out, cache)``; ``*_backward(dout, cache)`` returns the gradient of the
loss with respect to each input, named ``d<input>``. Every array may carry an optional leading
restarts axis R (``x`` may lack it and is then broadcast); one code path serves both through
``@`` broadcasting (``_matmul``: with R and a single input or output an elementwise product).
"""
from functools import lru_cache

import numpy as np

from .activations import get_activation


def _sum_to(grad, like):
    """Sum a broadcast gradient back to the shape of ``like`` (drops a restarts axis that
    ``like`` did not have); None stays None."""
    while grad is not None and grad.ndim > like.ndim:
        grad = grad.sum(axis=0)
    return grad


def _matmul(a, b):
    """a @ b for matrices a (R?, n, k) and b (R?, k, m). With a restarts axis and k = 1 every
    entry is a single product a[r, i, 0] b[r, 0, j]: the broadcast a * b gives the same numbers
    in one elementwise pass, where @ would run R small matrix products one by one
    (+ 0.0 because @ starts its sums at 0, which turns a product -0.0 into 0.0)."""
    if (a.ndim > 2 or b.ndim > 2) and a.shape[-1] == 1:
        return a * b + 0.0
    return a @ b


@lru_cache(maxsize=8)
def _ones(n):
    """A vector of n ones (read-only, made once per n): the input a bias multiplies, so that
    db = 1^T dout is a product like dw = x^T dout (one matrix product: faster than
    dout.sum(axis=-2), which adds the n rows one at a time)."""
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def affine_forward(x, w, b=None):
    """out = x @ w + b.

    x: (R?, n, inputs); w: (R?, inputs, outputs); b: (R?, outputs) or None (no bias).
    out: (R?, n, outputs).
    """
    out = _matmul(x, w)
    if b is not None:
        out += b[..., None, :]  # in place: out is a new array
    return out, (x, w, b)


def affine_backward(dout, cache, need_dx=True):
    """dx = dout @ w^T,  dw = x^T @ dout,  db = sum of dout over the examples (None if no bias).

    dout: (R?, n, outputs). Returns dx (R?, n, inputs), dw shaped like w, db shaped like b;
    dx is None with ``need_dx=False`` (x is the data, whose gradient training does not need).
    """
    x, w, b = cache
    dx = _matmul(dout, w.mT) if need_dx else None  # .mT: the last two axes swapped
    dw = x.mT @ dout  # a sum over the n examples (n > 1 in training: no _matmul shortcut)
    db = None if b is None else _ones(dout.shape[-2]) @ dout  # sum over the examples
    if dout.ndim > 2:  # a restarts axis: sum it away where an input did not have it
        dx, dw, db = _sum_to(dx, x), _sum_to(dw, w), _sum_to(db, b)
    return dx, dw, db


def activation_forward(z, act):
    """a = g(z) elementwise. z: any shape; act: a name or an activation object."""
    act = get_activation(act)
    a = act.fn(z)
    return a, (z, a, act)


def activation_backward(da, cache):
    """dz = da * g'(z) (chain rule, elementwise)."""
    z, a, act = cache
    return act.backward(da, z, a)


def maxout_forward(x, w, b=None):
    """out = max over k pieces of (x @ w[k] + b[k]).

    x: (R?, n, inputs); w: (R?, k, inputs, outputs); b: (R?, k, outputs) or None.
    out: (R?, n, outputs).
    """
    pieces = np.expand_dims(x, -3) @ w  # (R?, k, n, outputs)
    if b is not None:
        pieces = pieces + np.expand_dims(b, -2)
    win = pieces.argmax(axis=-3)
    mask = np.arange(pieces.shape[-3])[:, None, None] == np.expand_dims(win, -3)
    return pieces.max(axis=-3), (x, w, b, mask)


def maxout_backward(dout, cache):
    """The gradient flows only into the winning piece (the first one on a tie):
    dpiece_k = dout * [k wins]; then as affine_backward for every piece.
    Returns dx (R?, n, inputs), dw shaped like w, db shaped like b (None if no bias)."""
    x, w, b, mask = cache
    dpieces = mask * np.expand_dims(dout, -3)  # (R?, k, n, outputs)
    dx = (dpieces @ np.swapaxes(w, -1, -2)).sum(axis=-3)
    dw = _sum_to(np.swapaxes(np.expand_dims(x, -3), -1, -2) @ dpieces, w)
    db = None if b is None else _sum_to(dpieces.sum(axis=-2), b)
    return _sum_to(dx, x), dw, db
