r"""Unit 3: the 1-3-1 network with sigmoid neurons, its data set (one period of a sine curve),
the given weights, the lecture's gradient table, nnkit's gradient and the formulas in sympy.

Lecture notation ($k = 1, 2, 3$, $g$ = sigmoid):
$z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x$, $\hat y = w_{10}^{(2)} + \sum_{k=1}^3 w_{1k}^{(2)}\, g(z_k)$,
$J = \frac{1}{2n}\sum_i (y_i - \hat y_i)^2$. In nnkit it is ``MLP([1, 3, 1],
activation="sigmoid")`` with ``W1[0, k-1]`` $= w_{k1}^{(1)}$, ``b1[k-1]`` $= w_{k0}^{(1)}$,
``W2[k-1, 0]`` $= w_{1k}^{(2)}$, ``b2[0]`` $= w_{10}^{(2)}$.
"""

import numpy as np
import sympy as sp

from nnkit import MLP
from nnkit.activations import Sigmoid
from workbook.symbolic import FUNCTIONS, g, g_prime

DATA_SEED = 3  #: seed of the data set
N_POINTS = 40  #: number of data points
X_MIN, X_MAX = -3.0, 3.0  #: x is uniform on this interval (about one period)
AMPLITUDE, NOISE = 2.5, 0.25  #: y = 2.5 sin(x) + normal noise with standard deviation 0.25
INIT_SEED = 227  #: seed of the random start of the training view

#: The given weights: found by gradient descent (nnkit.train, learning rate 1, 40 000 steps
#: from the random start INIT_SEED), rounded to two decimals. J = 0.0285 on the data set.
GIVEN = {
    "w1_10": -0.16, "w1_11": 1.74,
    "w1_20": -6.22, "w1_21": 2.23,
    "w1_30": -6.19, "w1_31": -2.35,
    "w2_10": -2.93, "w2_11": 6.12, "w2_12": -4.39, "w2_13": 3.26,
}
NAMES = tuple(GIVEN)  #: the ten weights in the lecture's names (w1_k0 = w_{k0}^{(1)}, ...)
KEYS = ("W1", "b1", "W2", "b2")  #: the nnkit names
SHAPES = {"W1": (1, 3), "b1": (3,), "W2": (3, 1), "b2": (1,)}
SIGMOID = Sigmoid()


def sine_data():
    """The fixed data set ``(x, y)``, both shape (40,), x sorted: y = 2.5 sin(x) + noise."""
    rng = np.random.default_rng(DATA_SEED)
    x = np.sort(rng.uniform(X_MIN, X_MAX, N_POINTS))
    y = AMPLITUDE * np.sin(x) + rng.normal(0.0, NOISE, N_POINTS)
    return x, y


def to_params(w):
    """nnkit parameters from the ten weights in the lecture's names (a dict)."""
    return {
        "W1": np.array([[w["w1_11"], w["w1_21"], w["w1_31"]]], dtype=float),
        "b1": np.array([w["w1_10"], w["w1_20"], w["w1_30"]], dtype=float),
        "W2": np.array([[w["w2_11"]], [w["w2_12"]], [w["w2_13"]]], dtype=float),
        "b2": np.array([w["w2_10"]], dtype=float),
    }


def from_params(params):
    """The ten weights in the lecture's names from nnkit parameters."""
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in KEYS)
    w = {"w2_10": float(b2[0])}
    for k in (1, 2, 3):
        w[f"w1_{k}0"], w[f"w1_{k}1"] = float(b1[k - 1]), float(W1[0, k - 1])
        w[f"w2_1{k}"] = float(W2[k - 1, 0])
    return {name: w[name] for name in NAMES}


def given_params():
    """The given (trained, rounded) weights as nnkit parameters (a fresh copy)."""
    return to_params(GIVEN)


def initial_params(seed=INIT_SEED):
    """The random start of the training: ``MLP.init_params(seed)``."""
    return network().init_params(seed)


def initial_weights(seed=INIT_SEED):
    """The random start as the ten weights in the lecture's names (a dict)."""
    return from_params(initial_params(seed))


def network(params=None):
    """``MLP([1, 3, 1], activation="sigmoid")`` with ``params`` (default: the given ones)."""
    net = MLP([1, 3, 1], activation="sigmoid", output="identity")
    net.params = given_params() if params is None else {k: np.array(v, dtype=float)
                                                        for k, v in params.items()}
    return net


def hidden(x, params):
    r"""$z_{ik} = w_{k0}^{(1)} + w_{k1}^{(1)} x_i$ and $g(z_{ik})$, both shape (n, 3)."""
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    z = params["b1"] + x * params["W1"][0]
    return z, SIGMOID.fn(z)


def contributions(x, params):
    r"""The three terms $w_{1k}^{(2)} g(z_k(x))$ of $\hat y$, shape (n, 3)."""
    return hidden(x, params)[1] * params["W2"][:, 0]


def predict(x, params):
    r"""$\hat y_i = w_{10}^{(2)} + \sum_k w_{1k}^{(2)} g(z_{ik})$ for every $x_i$, shape (n,)."""
    return params["b2"][0] + contributions(x, params).sum(axis=1)


def cost(x, y, params):
    r"""$J = \frac{1}{2n}\sum_i (y_i - \hat y_i)^2$."""
    r = np.asarray(y, dtype=float) - predict(x, params)
    return float(np.sum(r**2) / (2 * r.size))


def table_gradients(x, y, params, *, layer2="g", layer1="g'", sign=1.0, scale=1.0,
                    with_x=True, with_w2=True):
    r"""All ten partial derivatives by the lecture's table, as a dict with the nnkit names and
    shapes. The keyword switches reproduce typical mistakes (the defaults are correct):
    ``layer2``/``layer1``: ``"g"`` or ``"g'"`` in the layer-2/layer-1 formulas, ``sign``: the sign,
    ``scale``: a factor (2 = the 1/(2n) kept instead of 1/n), ``with_x``: the factor $x_i$ in
    $\partial J/\partial w_{k1}^{(1)}$, ``with_w2``: the factor $w_{1k}^{(2)}$ in layer 1."""
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    n = x.shape[0]
    _, a = hidden(x, params)  # g(z_ik), (n, 3)
    da = a * (1.0 - a)  # g'(z_ik) = g(z)(1 - g(z)) for the sigmoid
    pick = {"g": a, "g'": da}
    r = y - predict(x, params).reshape(-1, 1)  # y_i - yhat_i, (n, 1)
    c = -sign * scale / n
    w2 = params["W2"][:, 0] if with_w2 else np.ones(3)
    return {
        "W1": (c * w2 * np.sum(r * pick[layer1] * (x if with_x else 1.0), axis=0)).reshape(1, 3),
        "b1": c * w2 * np.sum(r * pick[layer1], axis=0),
        "W2": (c * np.sum(r * pick[layer2], axis=0)).reshape(3, 1),
        "b2": np.array([c * np.sum(r)]),
    }


def nnkit_gradients(x, y, params):
    """The gradient from nnkit's backward pass (``Network.loss_and_grads``), a dict like params."""
    net = network(params)
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return net.loss_and_grads(x, np.asarray(y, dtype=float).reshape(-1, 1), loss="mse")[1]


def weights_cost(w):
    """J of the ten weights ``w`` (lecture names) on the data set."""
    return cost(*sine_data(), to_params(w))


# ---------------------------------------------------------------- 1-3-1 network (lecture 003)
WEIGHTS = ("w2_10", "w2_11", "w2_12", "w2_13", "w1_10", "w1_11", "w1_20", "w1_21", "w1_30", "w1_31")
W = {name: sp.Symbol(name) for name in WEIGHTS}  # w2_1k = w_{1k}^{(2)}, w1_k0 = w_{k0}^{(1)}


def z131(x, k):
    r"""$z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x$ (hidden unit $k = 1, 2, 3$)."""
    return W[f"w1_{k}0"] + W[f"w1_{k}1"] * x


def yhat131(x, act=g):
    r"""$\hat y = w_{10}^{(2)} + \sum_{k=1}^3 w_{1k}^{(2)} g(z_k)$."""
    return W["w2_10"] + sum(W[f"w2_1{k}"] * act(z131(x, k)) for k in (1, 2, 3))


def data131(n=1):
    """Symbols ``(x, y)`` for one point (``n=1``), else tuples ``(x_1..x_n), (y_1..y_n)``."""
    if n == 1:
        return (sp.Symbol("x"),), (sp.Symbol("y"),)
    return sp.symbols(f"x_1:{n + 1}"), sp.symbols(f"y_1:{n + 1}")


def cost131(n=1, act=g):
    r"""$J = \frac{1}{2n}\sum_{i=1}^n (y_i - \hat y_i)^2$ as an explicit sum over ``data131(n)``."""
    xs, ys = data131(n)
    return sum((y - yhat131(x, act)) ** 2 for x, y in zip(xs, ys, strict=True)) / (2 * n)


def gradient131(n=1, act=g):
    """``{weight name: dJ/dw}``, derived by sympy's differentiation of :func:`cost131`."""
    J = cost131(n, act)
    return {name: sp.diff(J, W[name]) for name in WEIGHTS}


def table131(n=1, act=g):
    r"""The lecture's table (``act=g`` gives $g'$ = ``g_prime``; ``act=sigmoid`` gives $g(1-g)$).

    $\partial J/\partial w_{10}^{(2)} = -\frac1n\sum_i (y_i-\hat y_i)$,
    $\partial J/\partial w_{1k}^{(2)} = -\frac1n\sum_i (y_i-\hat y_i)\,g(z_k)$,
    $\partial J/\partial w_{k0}^{(1)} = -\frac{w_{1k}^{(2)}}{n}\sum_i (y_i-\hat y_i)\,g'(z_k)$,
    $\partial J/\partial w_{k1}^{(1)} = -\frac{w_{1k}^{(2)}}{n}\sum_i (y_i-\hat y_i)\,g'(z_k)\,x_i$.
    """
    xs, ys = data131(n)
    prime = g_prime if act is g else (lambda z: act(z) * (1 - act(z)))
    r = [(x, y - yhat131(x, act)) for x, y in zip(xs, ys, strict=True)]  # (x_i, y_i - yhat_i)
    out = {"w2_10": -sum(e for _, e in r) / n}
    for k in (1, 2, 3):
        out[f"w2_1{k}"] = -sum(e * act(z131(x, k)) for x, e in r) / n
        out[f"w1_{k}0"] = -W[f"w2_1{k}"] / n * sum(e * prime(z131(x, k)) for x, e in r)
        out[f"w1_{k}1"] = -W[f"w2_1{k}"] / n * sum(e * prime(z131(x, k)) * x for x, e in r)
    return out


def net131_symbols(act=g):
    """Names for one data point: weights, ``x, y, n``, ``z1..z3``/``z[k]``, ``yhat``, ``g, g'``.

    ``act=sigmoid`` (a unit whose g is the sigmoid): ``g`` is the sigmoid and ``g'`` = g(1-g)."""
    x = sp.Symbol("x")
    table = dict(W, x=x, y=sp.Symbol("y"), n=sp.Symbol("n", positive=True), yhat=yhat131(x, act))
    table.update({f"z{k}": z131(x, k) for k in (1, 2, 3)}, z=lambda k: z131(x, int(k)))
    prime = g_prime if act is g else FUNCTIONS["sigmoid_prime"]
    return dict(table, g=act, g_prime=prime, dg=prime)
