r"""Unit 3: the 1-3-1 network with sigmoid neurons, its data set (one period of a sine curve)
and the given weights (its gradient and the formulas in sympy, the expected answers, are in the
instructor-only workbook/units/answers.py).

Lecture notation ($k = 1, 2, 3$, $g$ = sigmoid):
$z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x$, $\hat y = w_{10}^{(2)} + \sum_{k=1}^3 w_{1k}^{(2)}\, g(z_k)$,
$J = \frac{1}{2n}\sum_i (y_i - \hat y_i)^2$. In nnkit it is ``MLP([1, 3, 1],
activation="sigmoid")`` with ``W1[0, k-1]`` $= w_{k1}^{(1)}$, ``b1[k-1]`` $= w_{k0}^{(1)}$,
``W2[k-1, 0]`` $= w_{1k}^{(2)}$, ``b2[0]`` $= w_{10}^{(2)}$.
"""

import numpy as np

from nnkit import MLP
from nnkit.activations import Sigmoid

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


def weights_cost(w):
    """J of the ten weights ``w`` (lecture names) on the data set."""
    return cost(*sine_data(), to_params(w))
