"""Losses J(yhat, y) and their gradient dJ/dyhat.

Each loss takes ``yhat`` of shape (..., n, outputs) (``...`` = an optional restarts axis R) and
``y`` of shape (n, outputs), and returns ``(J, dyhat)`` with ``J`` of shape (...) and ``dyhat``
shaped like ``yhat``. n is the number of examples.
"""
import numpy as np


def _sum_of_squares(diff):
    """sum diff^2 over the examples and outputs (the last two axes), shape (...): one pass,
    a dot product of diff with itself, instead of squaring into a new array and summing it."""
    flat = diff.reshape(diff.shape[:-2] + (-1,))  # (..., n * outputs), no copy
    return np.vecdot(flat, flat)


def mse(yhat, y):
    """J = 1/(2n) sum (y - yhat)^2,  dJ/dyhat = (yhat - y) / n."""
    n = yhat.shape[-2]
    diff = yhat - y
    return _sum_of_squares(diff) / (2 * n), diff / n


def sse(yhat, y):
    """J = sum (y - yhat)^2 (no 1/2, no 1/n),  dJ/dyhat = 2 (yhat - y)."""
    diff = yhat - y
    return _sum_of_squares(diff), 2.0 * diff


def l1(yhat, y):
    """J = 1/n sum |y - yhat| (sum over outputs, mean over examples),
    dJ/dyhat = sign(yhat - y) / n; the subgradient 0 is taken where yhat = y."""
    n = yhat.shape[-2]
    diff = yhat - y
    return np.abs(diff).sum(axis=(-2, -1)) / n, np.sign(diff) / n


LOSSES = {"mse": mse, "sse": sse, "l1": l1}


def get_loss(name_or_fn):
    """The loss called ``name`` ("mse", "sse", "l1"), or a callable ``(yhat, y) -> (J, dyhat)``."""
    if callable(name_or_fn):
        return name_or_fn
    try:
        return LOSSES[name_or_fn]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name_or_fn!r}; choose one of {sorted(LOSSES)}") from None
