r"""The expected answers the units judge against and no view or notebook needs: formulas in
sympy and gradients of one exercise (instructor-only, like the unit sources: the student edition
has no ``workbook/units``, see ``INSTRUCTOR_ONLY`` in workbook/edition.py).

What a view, a notebook's setup cell or the self-check needs at run time (networks, data, the
symbol table of an expression exercise) is in :mod:`workbook.reference`; this module builds on
it, one section per unit.

- unit 2: ``output_grads``, the gradients of one ReLU output neuron (u2_output_neuron_grads)
- unit 3: ``sine_gradients`` (u3_gradients, u3_step), ``table_gradients`` (their mistakes), the
  1-3-1 network in sympy (``table131``: u3_layer2, u3_layer1; ``net131_symbols``)
- unit 4: ``skip_gradients`` (u4_backward, u4_step_grads)
- unit 5: sheet 11 in sympy: ``sheet11_ex1`` (u5_1a .. u5_1f), ``chain_dON_dw1`` and
  ``chain_symbols`` (u5_2a_formula, u5_2d_formula, u5_2c), ``network_dON_dw1``
  (u5_2a_function, u5_2d_function)
"""

import numpy as np
import sympy as sp

from workbook.reference import dead_relu, output_neuron, sine_network, vanishing
from workbook.symbolic import FUNCTIONS, Family, g, g_prime, heaviside, sigma, sigma_prime, sigmoid


# ---------------------------------------------------------------- unit 2: one output neuron
def output_grads(a_prev, w, b, G):
    r"""$(\partial L/\partial w, \partial L/\partial b)$ from nnkit's backpropagation (loss "sse")
    for $L = (\mathrm{ReLU}(w\cdot a_{prev} + b) - G)^2$."""
    a_prev = np.atleast_1d(np.asarray(a_prev, dtype=float))
    net = output_neuron.output_network(np.atleast_1d(w), b)
    _, grads = net.loss_and_grads(a_prev[None, :], np.array([[float(G)]]), loss="sse")
    return grads["W1"][:, 0], float(grads["b1"][0])


# ---------------------------------------------------------------- unit 3: the 1-3-1 network
def sine_gradients(x, y, params):
    """The gradient of J from nnkit's backward pass (``Network.loss_and_grads``), a dict like
    ``params`` (nnkit names, see :mod:`workbook.reference.sine_network`)."""
    net = sine_network.network(params)
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return net.loss_and_grads(x, np.asarray(y, dtype=float).reshape(-1, 1), loss="mse")[1]


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
    _, a = sine_network.hidden(x, params)  # g(z_ik), (n, 3)
    da = a * (1.0 - a)  # g'(z_ik) = g(z)(1 - g(z)) for the sigmoid
    pick = {"g": a, "g'": da}
    r = y - sine_network.predict(x, params).reshape(-1, 1)  # y_i - yhat_i, (n, 1)
    c = -sign * scale / n
    w2 = params["W2"][:, 0] if with_w2 else np.ones(3)
    return {
        "W1": (c * w2 * np.sum(r * pick[layer1] * (x if with_x else 1.0), axis=0)).reshape(1, 3),
        "b1": c * w2 * np.sum(r * pick[layer1], axis=0),
        "W2": (c * np.sum(r * pick[layer2], axis=0)).reshape(3, 1),
        "b2": np.array([c * np.sum(r)]),
    }


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


# ---------------------------------------------------------------- unit 4: the skip network
def skip_gradients(x, y, w):
    """``(dL/dw0, dL/dw1, dL/dw2, dL/dw3)`` for one example, computed by nnkit (the network of
    :mod:`workbook.reference.dead_relu`)."""
    net = dead_relu.set_weights(dead_relu.skip_net(), w)
    _, grads = net.loss_and_grads(np.array([[float(x)]]), np.array([[float(y)]]), loss="l1")
    return dead_relu.get_weights(grads)


# ---------------------------------------------------------------- unit 5: sheet 11
def sheet11_ex1(n=3):
    r"""Reference answers ``{"a": ..., "f": ...}`` and the symbol table
    (:func:`workbook.reference.vanishing.sheet11_symbols`), for $f = Wx + b$ with $n$ inputs:
    (a) $W_{1j}$, (b) $\delta_{i1}x_j$, (c) $\delta_{i1}$, (d) $W_{1j}H(f_1)$ (for $f_1\ne0$),
    (e) $s(f_1)(1-s(f_1))W_{1j}$ with $s$ = sigmoid, (f) $\sum_{i=1}^m a_i H(f_i) W_{ij}$.
    """
    table = vanishing.sheet11_symbols(n=n)
    Wb, x, a, i, j, m, f = (table[k] for k in ("W", "x", "a", "i", "j", "m", "f"))
    d = sp.KroneckerDelta(i, 1)
    answers = {"a": Wb[1, j], "b": d * x[j], "c": d, "d": Wb[1, j] * heaviside(f(1)),
               "e": sigmoid(f(1)) * (1 - sigmoid(f(1))) * Wb[1, j],
               "f": sp.Sum(a[i] * heaviside(f(i)) * Wb[i, j], (i, 1, m))}
    return answers, table


def chain(N, skip=False):
    r"""``(o_N, {s_i: expression})`` for $s_i = w_i o_{i-1} + b_i$, $o_i = \sigma(s_i)$, $o_0 = x$.

    With ``skip`` the output layer also receives $o_1$: $s_N = w_N o_{N-1} + b_N + o_1$ ($N\ge2$).
    """
    o, s, o1 = sp.Symbol("x"), {}, 0
    w, b, sym = Family("w"), Family("b"), Family("s")
    for i in range(1, N + 1):
        s[sym(i)] = w(i) * o + b(i) + (o1 if skip and i == N else 0)
        o = sigma(s[sym(i)])
        o1 = o if i == 1 else o1
    return o, s


def chain_dON_dw1(N, skip=False):
    r"""$\partial o_N/\partial w_1$ in $x$, $w_i$, $s_i$ and ``sigma_prime``.

    Without skip: $x \prod_{i=1}^N \sigma'(s_i) \prod_{i=2}^N w_i$. With the skip over layers
    $2..N-1$: $x\,\sigma'(s_1)\,\sigma'(s_N)\,(1 + w_N \prod_{i=2}^{N-1} w_i\,\sigma'(s_i))$.
    """
    w, s = Family("w"), Family("s")
    if not skip:
        return sp.Symbol("x") * sp.Mul(*(sigma_prime(s(i)) for i in range(1, N + 1))) * sp.Mul(
            *(w(i) for i in range(2, N + 1)))
    inner = sp.Mul(*(w(i) * sigma_prime(s(i)) for i in range(2, N)))
    return sp.Symbol("x") * sigma_prime(s(1)) * sigma_prime(s(N)) * (1 + w(N) * inner)


def chain_symbols(N):
    """``x``, ``w_i``/``wi``/``w[i]``, ``b_i``, ``s_i``, ``o_i`` as symbols; sigma and sigma'."""
    table = {"x": sp.Symbol("x")}
    for stem in "wbso":
        table[stem] = Family(stem)
        for i in range(N + 1):
            table[f"{stem}_{i}"] = table[f"{stem}{i}"] = Family(stem)(i)
    table.update(sigma=sigma, σ=sigma, sigma_prime=sigma_prime, σ_prime=sigma_prime)
    table.update({v: sp.Symbol(v, integer=True, positive=True) for v in "ijkl"})
    return dict(table, dsigma=sigma_prime)


def network_dON_dw1(x, w, b, activation, skip=False):
    r"""$\partial o_N/\partial w_1$ by nnkit's backpropagation (the chain of
    :func:`workbook.reference.vanishing.chain_network`, with the skip from layer 1 to N)."""
    net = vanishing.chain_network(np.asarray(w, float), np.asarray(b, float), activation,
                                  "skip" if skip else "plain")
    return float(vanishing.unit_output_gradients(net, x)["W1"][0, 0])
