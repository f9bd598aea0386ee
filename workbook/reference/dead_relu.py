"""Unit 4: a small network with a skip connection, its gradients from nnkit's trace, one step
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


def trace_values(x, y, w):
    """Every value and partial derivative of one forward and backward pass, read off nnkit's Trace
    (loss "l1": ``dL/dyhat = sign(yhat - y)``, 0 at equality; ``ReLU'(0) = 0``).

    Returns a namespace with ``x, y, z0, h0, z1, h1, z2, yhat, L``, the derivatives ``dyhat,
    dz2, dh1, dz1, dh0, dz0``, the weight gradients ``dw0 .. dw3`` (and ``grads``, the four as a
    tuple) and the two parts of dL/dh0: ``skip_path`` = dL/dz2 * w3 (through the skip edge) and
    ``main_path`` = dL/dz1 * w1 (through h1); nnkit's dL/dh0 is their sum.
    """
    net = set_weights(skip_net(), w)
    trace = net.trace(np.array([float(x)]), np.array([float(y)]), loss="l1")
    n0, n1, n2 = trace.node(1), trace.node(2), trace.node(3)
    e = [trace.edge(f"{name}[0,0]") for name in NNKIT_NAMES]
    v = SimpleNamespace(x=float(x), y=float(y), z0=n0.z, h0=n0.a, z1=n1.z, h1=n1.a, z2=n2.z,
                        yhat=trace.yhat, L=trace.loss, dyhat=n2.da, dz2=n2.dz, dh1=n1.da,
                        dz1=n1.dz, dh0=n0.da, dz0=n0.dz)
    v.dw0, v.dw1, v.dw2, v.dw3 = v.grads = tuple(edge.dw for edge in e)
    v.skip_path, v.main_path = v.dz2 * e[3].w, v.dz1 * e[1].w
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
