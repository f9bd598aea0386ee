r"""Unit 2: the one-dimensional cost $J(w) = (w - 3)^2 + 1$ and gradient descent on it."""

import numpy as np

W_MIN = 3.0  #: the minimum of the cost
C_MIN = 1.0  #: the cost at the minimum


def cost(w):
    r"""$J(w) = (w - 3)^2 + 1$."""
    return (w - W_MIN) ** 2 + C_MIN


def cost_grad(w):
    r"""$J'(w) = 2(w - 3)$."""
    return 2.0 * (w - W_MIN)


def descent(w0, lr, steps, grad=cost_grad):
    r"""The iterates $w_0, \dots, w_T$ of $w_{t+1} = w_t - \eta\,J'(w_t)$ (``steps`` $= T$)."""
    w = np.empty(steps + 1)
    w[0] = w0
    for t in range(steps):
        w[t + 1] = w[t] - lr * grad(w[t])
    return w
