"""Unit 4: a small network with a skip connection, its gradients by hand and by nnkit, one step
of gradient descent, and 1000 training runs at once.

The network (no biases, absolute loss)::

    z0 = w0 x,             h0 = ReLU(z0)
    z1 = w1 h0,            h1 = ReLU(z1)
    z2 = w2 h1 + w3 h0,    yhat = z2            (w3: the skip connection h0 -> output)
    L  = |y - yhat|

In nnkit it is ``Network(1, [Layer(1, "relu"), Layer(1, "relu"), Layer(1, "identity",
inputs=(2, 1))])`` without biases; its weights ``W1, W2, W3, W3_1`` are ``w0, w1, w2, w3``.
"""

from types import SimpleNamespace

import numpy as np

from nnkit.network import Layer, Network
from nnkit.train import gd_step, train

#: nnkit's parameter names of w0, w1, w2, w3.
NNKIT_NAMES = ("W1", "W2", "W3", "W3_1")
#: Part 3: one training point and the start weights.
X_HAND, Y_HAND = 1.0, -3.0
W_HAND = (0.5, 0.5, 0.5, 0.5)
#: Part 4: the training set of the experiment. The target y = -x is exactly what the network
#: computes with w0 > 0 and w3 + w2 max(0, w1) = -1/w0, e.g. w = (1, 0, 0, -1).
X_TRAIN = np.array([[0.5], [1.0], [1.5], [2.0]])
Y_TRAIN = -X_TRAIN
#: A prediction counts as correct if it is closer than this to its target.
TOLERANCE = 0.25
SEED = 4


def skip_net():
    """The unit's network in nnkit (weights set by ``set_weights``)."""
    return Network(1, [
        Layer(1, "relu", bias=False),
        Layer(1, "relu", bias=False),
        Layer(1, "identity", bias=False, inputs=(2, 1)),
    ])


def set_weights(net, w):
    """Set ``(w0, w1, w2, w3)`` (numbers) as the network's 1x1 weight matrices."""
    net.params = {name: np.array([[float(v)]]) for name, v in zip(NNKIT_NAMES, w, strict=True)}
    return net


def get_weights(params):
    """``(w0, w1, w2, w3)`` from nnkit parameters (floats; arrays of shape (R,) with restarts)."""
    out = tuple(np.asarray(params[name])[..., 0, 0] for name in NNKIT_NAMES)
    return tuple(float(v) if v.ndim == 0 else v for v in out)


def by_hand(x, y, w):
    """Forward and backward pass written out, one line per node (the unit's derivation).

    ``ReLU'(z) = 1[z > 0]`` and ``dL/dyhat = sign(yhat - y)`` (0 at equality).
    Returns a namespace with every value, every partial derivative and the two paths into h0.
    """
    w0, w1, w2, w3 = (float(v) for v in w)
    v = SimpleNamespace(x=float(x), y=float(y))
    v.z0 = w0 * v.x
    v.h0 = max(0.0, v.z0)
    v.z1 = w1 * v.h0
    v.h1 = max(0.0, v.z1)
    v.z2 = w2 * v.h1 + w3 * v.h0
    v.yhat = v.z2
    v.L = abs(v.y - v.yhat)
    v.dyhat = float(np.sign(v.yhat - v.y))      # dL/dyhat
    v.dz2 = v.dyhat                              # g2 = identity
    v.dw2, v.dw3 = v.dz2 * v.h1, v.dz2 * v.h0
    v.dh1 = v.dz2 * w2
    v.dz1 = v.dh1 * (v.z1 > 0)
    v.dw1 = v.dz1 * v.h0
    v.skip_path, v.main_path = v.dz2 * w3, v.dz1 * w1
    v.dh0 = v.skip_path + v.main_path           # two paths from h0 to L
    v.dz0 = v.dh0 * (v.z0 > 0)
    v.dw0 = v.dz0 * v.x
    v.grads = (v.dw0, v.dw1, v.dw2, v.dw3)
    return v


def gd_weights(w, x, y, lr):
    """One step of gradient descent ``w <- w - lr dL/dw`` on one example, by nnkit."""
    net = set_weights(skip_net(), w)
    _, grads = net.loss_and_grads(np.array([[float(x)]]), np.array([[float(y)]]), loss="l1")
    return get_weights(gd_step(net.params, grads, lr))


def experiment(lr=0.1, steps=100, restarts=1000, seed=SEED):
    """Train the network on (X_TRAIN, Y_TRAIN) from ``restarts`` random initialisations at once
    (one vectorised ``nnkit.train`` call, loss |y - yhat| averaged over the points).

    Returns a namespace with
    ``losses`` (steps+1, restarts): the cost J after every step (row 0: at the start);
    ``start``, ``end``: dicts ``{"w0": ..., "w3": ...}`` of arrays (restarts,);
    ``yhat`` (restarts, n): the final predictions; ``wrong`` (restarts,): how many training points
    are predicted wrongly (|yhat - y| >= TOLERANCE) at the end.
    """
    net = skip_net()
    start = net.init_params(seed=seed, restarts=restarts)
    history = train(net, X_TRAIN, Y_TRAIN, lr, steps, loss="l1", restarts=restarts, seed=seed)
    return outcome(net, start, history.params, history.losses)


def outcome(net, start, end, losses):
    """The namespace ``experiment`` returns, from the start and end parameters (with restarts)
    and the losses (steps+1, restarts)."""
    yhat = np.asarray(net.forward(X_TRAIN, end))[..., 0]
    wrong = np.sum(np.abs(yhat - Y_TRAIN[:, 0]) >= TOLERANCE, axis=-1)
    names = ("w0", "w1", "w2", "w3")
    return SimpleNamespace(
        losses=np.asarray(losses),
        start=dict(zip(names, get_weights(start), strict=True)),
        end=dict(zip(names, get_weights(end), strict=True)),
        yhat=yhat, wrong=wrong)


def is_dead(w0):
    """A run is dead when h0 = ReLU(w0 x) = 0 on every training point: all gradients are 0 and
    gradient descent never changes it again. All training inputs are positive: dead <=> w0 <= 0."""
    return np.all(np.multiply.outer(np.asarray(w0), X_TRAIN[:, 0]) <= 0, axis=-1)
