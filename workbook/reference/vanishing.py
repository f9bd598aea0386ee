r"""Unit 5: a chain of one-neuron layers (sheet 11, exercise 2), the size of its gradient by
depth, the chain with other connections in nnkit, the names of sheet 11, exercise 1 ($f = Wx + b$)
and its numerical cross-check (the formulas themselves, the expected answers, are in the
instructor-only workbook/units/answers.py).

The chain: $s_i = w_i o_{i-1} + b_i$, $o_i = \sigma(s_i)$, $o_0 = x$; with a skip connection from
layer 1 to layer N ($N \ge 3$): $s_N = w_N o_{N-1} + b_N + o_1$.

The remedies besides skip connections act in layers of many neurons on a mini-batch: the **wide
chain** (``wide_gradients``), N layers of WIDTH neurons without biases, a batch of BATCH random
inputs with random targets, $J = \frac{1}{2\,\mathrm{BATCH}}\sum \lVert y - o_N\rVert^2$, and per
layer j the norm $\lVert\partial J/\partial W_j\rVert$ under an initialisation (N(0, 1),
Xavier/Glorot, He), batch normalisation of the sums, and clipping of the whole gradient's norm.
"""

import functools

import numpy as np
import sympy as sp

from nnkit.activations import get_activation
from nnkit.gradcheck import numerical_gradient
from nnkit.layers import activation_backward, activation_forward, affine_backward, affine_forward
from nnkit.losses import mse
from nnkit.network import Layer, Network
from workbook import symbolic
from workbook.symbolic import FUNCTIONS, sigmoid

N_MAX = 30  #: the deepest chain in the view


def chain_parameters(N, scale=1.0, seed=0):
    r"""Fixed weights and biases of an N-layer chain: $w_i = w\,u_i$ with $u_i \sim U(0.8, 1.2)$,
    $b_i \sim N(0, 0.1^2)$, both from ``seed`` (the first N of the same N_MAX draws for every N)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.8, 1.2, max(N, N_MAX))
    b = rng.normal(0.0, 0.1, max(N, N_MAX))
    return scale * u[:N], b[:N]


def chain_forward(x, w, b, activation, skip=False):
    r"""$s_i = w_i o_{i-1} + b_i$ (+ $o_1$ in $s_N$ with ``skip``), $o_i = \sigma(s_i)$;
    returns the arrays ``(s, o)`` of layers $1..N$ (index 0 is layer 1)."""
    act = get_activation(activation)
    N = len(w)
    s, o = np.zeros(N), np.zeros(N)
    previous = x
    for i in range(N):
        s[i] = w[i] * previous + b[i] + (o[0] if skip and i == N - 1 and N >= 3 else 0.0)
        o[i] = act.fn(np.asarray(s[i]))
        previous = o[i]
    return s, o


def gradient_vs_depth(x, w, b, activation):
    r"""$|\partial o_n/\partial w_1|$ for every depth $n = 1..N$ at once (the first n layers of
    the chain $w, b$): arrays ``(plain, skip)``; ``skip`` is NaN for $n < 3$.

    The first $n-1$ layers of the depth-n chain are those of the longest chain, so with
    $P_k = \prod_{i=2}^{k} w_i\sigma'(s_i)$ (a cumulative product, $P_1 = 1$):
    plain $= x\,\sigma'(s_1) P_n$, skip $= x\,\sigma'(s_1)\,\sigma'(\tilde s_n)(1 + w_n P_{n-1})$
    with $\tilde s_n = w_n o_{n-1} + b_n + o_1$.
    """
    act = get_activation(activation)
    s, o = chain_forward(x, w, b, activation)
    d = act.grad(s)
    P = np.concatenate([[1.0], np.cumprod(w[1:] * d[1:])])  # P[k] = P_{k+1}
    plain = np.abs(x * d[0] * P)
    skip = np.full(len(w), np.nan)
    if len(w) >= 3:
        n = np.arange(3, len(w) + 1)  # depths with a skip connection
        s_tilde = w[n - 1] * o[n - 2] + b[n - 1] + o[0]
        skip[2:] = np.abs(x * d[0] * act.grad(s_tilde) * (1.0 + w[n - 1] * P[n - 2]))
    return plain, skip


def chain_network(w, b, activation, architecture="plain"):
    """The chain as an nnkit Network with the given weights, biases and extra connections:

    - ``"plain"``: $s_i = w_i o_{i-1} + b_i$;
    - ``"skip"``: plus $o_1$ in $s_N$ (the skip connection of exercise 2, weight fixed to 1);
    - ``"to_output"``: plus $o_j$ in $s_N$ for every layer $j = 1..N-2$ (weights 1);
    - ``"residual"``: $o_i = \\sigma(s_i) + o_{i-1}$ for the layers $2..N-1$.
    """
    N = len(w)
    layers = []
    for i in range(1, N + 1):
        inputs = None
        if i == N and N >= 3 and architecture == "skip":
            inputs = (N - 1, 1)
        elif i == N and N >= 3 and architecture == "to_output":
            inputs = (N - 1, *range(1, N - 1))
        residual = architecture == "residual" and 2 <= i <= N - 1
        layers.append(Layer(1, activation=activation, inputs=inputs, residual=residual))
    net = Network(1, layers, seed=0)
    params = dict(net.params)
    for i in range(1, N + 1):
        params[f"W{i}"] = np.array([[w[i - 1]]])
        params[f"b{i}"] = np.array([b[i - 1]])
    for name in params:
        if name.startswith(f"W{N}_"):  # the skip weights
            params[name] = np.ones((1, 1))
    net.params = params
    return net


def unit_output_gradients(net, x):
    r"""nnkit's gradients $\partial o_N/\partial w_i$ (and $\partial o_N/\partial b_i$): its
    backpropagation started with the upstream gradient $\partial o_N/\partial o_N = 1$."""
    return net.loss_and_grads(np.array([[float(x)]]), dout=1.0)[1]


def gradients_per_layer(N=12, architecture="plain", activation="sigmoid", scale=1.0, x=0.5, seed=0):
    r"""$|\partial o_N/\partial w_j|$ for $j = 1..N$ (nnkit backpropagation) in a chain of the
    given architecture (see ``chain_network``)."""
    w, b = chain_parameters(N, scale, seed)
    grads = unit_output_gradients(chain_network(w, b, activation, architecture), x)
    return np.array([abs(float(grads[f"W{j}"][0, 0])) for j in range(1, N + 1)])


def chain_trace(x, w, b, activation, skip=False):
    r"""nnkit's Trace of the chain with the cost $L = o_N$: backpropagation starts with the
    upstream gradient $\partial L/\partial o_N = 1$, so the diagram's $\partial L/\partial w_i$
    are the $\partial o_N/\partial w_i$, and its $L$ is $o_N$."""
    net = chain_network(np.asarray(w, float), np.asarray(b, float), activation,
                        "skip" if skip else "plain")
    trace = net.trace(np.array([float(x)]), dout=1.0)
    trace.loss = trace.yhat
    return trace


def sheet11_symbols(express_sigmoid=False, n=3):
    r"""The names students may use in exercise 1 (sheet 11, $f = Wx + b$ with $n$ inputs):
    ``W, x, a, b`` are ``IndexedBase`` (``W[1, j]``), ``i, j, k, l, m`` integer symbols, ``n``
    the given number of inputs, ``f[i]`` stands for $(Wx+b)_i = \sum_{k=1}^n W_{ik}x_k + b_i$,
    ``sigma`` is the sigmoid and ``sigma_prime`` its derivative.

    ``express_sigmoid=True`` (part e): ``sigmoid'``/``sigma'`` become an unknown function, so an
    answer that is not written with the sigmoid itself does not count.
    """
    Wb, x, a, b = (sp.IndexedBase(c) for c in "Wxab")
    i, j, k, l, m = sp.symbols("i j k l m", integer=True, positive=True)

    def f(r):  # sum index k, or l for f[k] (a student's own Sum(..f[k].., (k, 1, m)))
        q = l if k in sp.sympify(r).free_symbols else k
        return sp.Sum(Wb[r, q] * x[q], (q, 1, n)) + b[r]

    table = dict(W=Wb, x=x, a=a, b=b, i=i, j=j, k=k, l=l, m=m, n=sp.Integer(n), f=f,
                 sigma=sigmoid, sigma_prime=FUNCTIONS["sigmoid_prime"])
    if express_sigmoid:
        unknown = sp.Function("sigmoid_prime")
        table.update(sigmoid_prime=unknown, sigma_prime=unknown)
    return table


#: Part of exercise 1 -> (function differentiated, variable): "x" means d/dx_j etc.
SHEET11_PARTS = {"a": ("f1", "x"), "b": ("f1", "W"), "c": ("f1", "b"), "d": ("relu_f1", "x"),
                 "e": ("sigmoid_f1", "x"), "f": ("g", "x")}


def sheet11_numeric_check(text, part, seed=0):
    r"""Compare a formula for part ``a``..``f`` of exercise 1 with centred differences
    (``nnkit.gradcheck.numerical_gradient``) at two random points with $n = 3$, $m = 2$: one with
    $(Wx+b) = (0.7, -0.4)$, one with $(Wx+b) = (-0.6, 0.5)$, so both cases of ReLU' occur.

    Returns rows ``(point, index, formula value, numerical value)``: index $j$ for
    $\partial/\partial x_j$, $(i, j)$ for $\partial/\partial W_{ij}$, $i$ for
    $\partial/\partial b_i$.
    """
    rng = np.random.default_rng(seed)
    table = sheet11_symbols(express_sigmoid=part == "e")
    expr = symbolic.parse(text, table)
    rows = []
    for point, z in enumerate(([0.7, -0.4], [-0.6, 0.5]), start=1):
        W, x = rng.normal(size=(2, 3)), rng.normal(size=3)
        values = {"W": W, "x": x, "b": np.array(z) - W @ x, "a": rng.normal(size=2)}
        rows += [(point, *row) for row in _compare(expr, part, values, table)]
    return rows


def _compare(expr, part, values, table):
    """Rows ``(index, formula, numerical)`` of one point ``values`` (W, x, b, a)."""
    target, var = SHEET11_PARTS[part]

    def output(W, x, b, a):
        z = W @ x + b
        return {"f1": z[0], "relu_f1": max(z[0], 0.0), "sigmoid_f1": 1 / (1 + np.exp(-z[0])),
                "g": a @ np.maximum(z, 0.0)}[target]

    numeric = numerical_gradient(lambda v: output(**{**values, var: v}), values[var].copy())
    i, j = table["i"], table["j"]
    rows = []
    for index in np.ndindex(values[var].shape):
        one_based = [int(q) + 1 for q in index]
        fix = {"x": {j: one_based[0]}, "W": {i: one_based[0], j: one_based[-1]},
               "b": {i: one_based[0]}}[var]
        e = expr.subs({**fix, table["m"]: len(values["b"])}).doit()
        e = e.xreplace({table[name][idx]: values[name][tuple(q - 1 for q in idx)]
                        for name in "Wxab" for idx in _indices(values[name].shape)})
        try:
            formula = float(symbolic.to_function([], e)())
        except Exception:  # free names left over (e.g. an index other than i, j)
            formula = float("nan")
        rows.append((tuple(one_based) if len(one_based) > 1 else one_based[0],
                     formula, float(numeric[index])))
    return rows


def _indices(shape):
    return [tuple(q + 1 for q in idx) for idx in np.ndindex(shape)]


WIDTH, BATCH = 16, 64  #: neurons per layer and examples of the wide chain
#: variance of the initial weights for n inputs per neuron (n_in = n_out = n in the wide chain)
INIT_VARIANCE = {"normal": lambda n: 1.0, "xavier": lambda n: 1.0 / n, "he": lambda n: 2.0 / n}


# ------------------------------------------------------------------ the wide chain (remedies)

@functools.lru_cache(maxsize=4)
def wide_data(seed=0):
    """Fixed standard normal draws: ``Z (N_MAX, WIDTH, WIDTH)`` (the weights are
    ``sqrt(variance) * Z``, so every initialisation scales the same matrices), inputs
    ``X (BATCH, WIDTH)`` and targets ``Y (BATCH, WIDTH)``."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N_MAX, WIDTH, WIDTH)), rng.normal(size=(BATCH, WIDTH)),
            rng.normal(size=(BATCH, WIDTH)))


def batchnorm_forward(s, eps=1e-5):
    r"""Batch normalisation without scale and shift: every column of ``s (batch, neurons)`` to
    mean 0 and variance 1 over the batch, $\hat s = (s - \mu)/\sqrt{\sigma^2 + \epsilon}$.
    Returns ``(s_hat, cache)``."""
    inv = 1.0 / np.sqrt(s.var(axis=0) + eps)
    s_hat = (s - s.mean(axis=0)) * inv
    return s_hat, (s_hat, inv)


def batchnorm_backward(ds_hat, cache):
    r"""$\partial J/\partial s$ from $\partial J/\partial \hat s$ (cs231n's compact form):
    $\frac{1}{\sigma}\,(d\hat s - \overline{d\hat s} - \hat s\,\overline{d\hat s\,\hat s})$,
    means over the batch."""
    s_hat, inv = cache
    return inv * (ds_hat - ds_hat.mean(axis=0) - s_hat * (ds_hat * s_hat).mean(axis=0))


def wide_gradients(N, activation, init="xavier", normalise=False, seed=0):
    r"""$\lVert\partial J/\partial \mathbf W_j\rVert$ (Frobenius norm) for the layers
    $j = 1..N$ of the wide chain $\mathbf s_j = \mathbf o_{j-1}\mathbf W_j$ (normalised over the
    batch with ``normalise``), $\mathbf o_j = \sigma(\mathbf s_j)$, $\mathbf o_0 = \mathbf X$,
    by backpropagation with nnkit's layers. Returns an array (N,)."""
    Z, X, Y = wide_data(seed)
    W = np.sqrt(INIT_VARIANCE[init](WIDTH)) * Z[:N]
    caches, o = [], X
    for j in range(N):
        s, affine = affine_forward(o, W[j])
        norm = None
        if normalise:
            s, norm = batchnorm_forward(s)
        o, act = activation_forward(s, activation)
        caches.append((affine, norm, act))
    _, d = mse(o, Y)
    norms = np.zeros(N)
    for j in reversed(range(N)):
        affine, norm, act = caches[j]
        d = activation_backward(d, act)
        if normalise:
            d = batchnorm_backward(d, norm)
        d, dW, _ = affine_backward(d, affine, need_dx=j > 0)
        norms[j] = np.linalg.norm(dW)
    return norms


def clipped(norms, c):
    r"""Gradient clipping of the whole gradient: if its norm $\lVert\mathbf g\rVert$ (all
    layers together, ``norms`` per layer) exceeds c, $\mathbf g \leftarrow c\,\mathbf g/
    \lVert\mathbf g\rVert$; every layer shrinks by the same factor. Returns the layers' norms."""
    total = float(np.sqrt(np.sum(np.square(norms))))
    return norms * (c / total) if total > c else norms
