"""Gradient descent: w <- w - lr * dL/dw for every parameter, repeated."""
from dataclasses import dataclass

import numpy as np


@dataclass
class History:
    losses: np.ndarray  # (steps+1,) or (steps+1, R): losses[t] is the loss after t steps
    params: dict  # the parameters after the last step


def gd_step(params, grads, lr):
    """One gradient descent step: a new dict with params[k] - lr * grads[k]."""
    lr = np.asarray(lr)  # a number becomes an array once, not once per parameter
    return {k: v - lr * grads[k] for k, v in params.items()}


def train(net, X, Y, lr, steps, loss="mse", restarts=None, seed=None, params=None):
    """Run ``steps`` gradient descent steps on the data (X, Y) and return a History.

    Starts from ``params`` if given, else from ``net.params`` if neither ``restarts`` nor
    ``seed`` is given, else from ``net.init_params(seed, restarts)``. With ``restarts=R``,
    R independently initialised networks train at once (vectorised over the leading axis).
    The network itself is not changed: use ``net.params = history.params``.
    """
    if params is None:
        params = net.params if restarts is None and seed is None else net.init_params(seed,
                                                                                      restarts)
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for _ in range(steps):
        J, grads = net.loss_and_grads(X, Y, loss, params)
        losses.append(J)
        params = gd_step(params, grads, lr)
    losses.append(net.loss_and_grads(X, Y, loss, params)[0])
    return History(np.array(losses), params)
