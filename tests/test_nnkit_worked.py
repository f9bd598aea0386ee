"""The course's worked examples, each derived by hand in the comments (the OCR'd lecture
material has errors; these derivations were redone from the definitions)."""
from fractions import Fraction

import numpy as np
import pytest

from nnkit import MLP, Layer, Network, gd_step, train


def output_itself(yhat, y):
    """The 'loss' L = yhat (summed), so dL/dw = d yhat/dw: dL/dyhat = 1."""
    return yhat.sum(), np.ones_like(yhat)


# ------------------------------------------------------------------ seed 000: ReLU quick exercise

@pytest.mark.parametrize("x1, x2, z, dy_dw2", [
    # Current state 1: z = 0.1*1 + (-0.1)*20 = 0.1 - 2 = -1.9 <= 0, so y'(z) = 0 and
    # dy/dw2 = y'(z) * dz/dw2 = 0 * x2 = 0.
    (1.0, 20.0, -1.9, 0.0),
    # Current state 2: z = 0.1*20 + (-0.1)*10 = 2 - 1 = 1 > 0, so y'(z) = 1, dy/dw2 = x2 = 10.
    (20.0, 10.0, 1.0, 10.0),
])
def test_relu_quick_exercise(x1, x2, z, dy_dw2):
    net = Network(2, [Layer(1, "relu", bias=False)])  # y = relu(w1 x1 + w2 x2)
    net.params["W1"] = np.array([[0.1], [-0.1]])  # W1[0,0] = w1, W1[1,0] = w2
    t = net.trace([x1, x2], y=[0.0], loss=output_itself)
    assert t.node(1).z == pytest.approx(z)
    assert t.yhat == pytest.approx(max(z, 0.0))
    assert t.edge("W1[1,0]").dw == pytest.approx(dy_dw2)
    _, grads = net.loss_and_grads([[x1, x2]], [[0.0]], loss=output_itself)
    assert grads["W1"][1, 0] == pytest.approx(dy_dw2)
    # (c) update with epsilon = 0.01: w2 changes only in state 2 (by -0.01 * 10 = -0.1)
    new = gd_step(net.params, grads, 0.01)
    assert new["W1"][1, 0] == pytest.approx(-0.1 - 0.01 * dy_dw2)


# ------------------------------------------------------------------ seed 001: sheet 03

def sheet03():
    """z0 = w0 x, h0 = relu(z0); z1 = w1 h0, h1 = relu(z1); yhat = w2 h1 + w3 h0; no biases.
    nnkit names: w0 = W1, w1 = W2, w2 = W3, w3 = W3_1 (the skip from layer 1 to layer 3)."""
    return Network(1, [Layer(1, "relu", bias=False), Layer(1, "relu", bias=False),
                       Layer(1, "identity", bias=False, inputs=(2, 1))])


def test_sheet03_gradient_step_kills_the_network():
    net = sheet03()
    assert set(net.params) == {"W1", "W2", "W3", "W3_1"}
    half = np.array([[0.5]])
    net.params = {"W1": half, "W2": half, "W3": half, "W3_1": half}
    x, y = 1.0, -3.0
    # Forward: z0 = 1/2, h0 = 1/2, z1 = 1/4, h1 = 1/4, yhat = 1/2*1/4 + 1/2*1/2 = 3/8,
    # L = |-3 - 3/8| = 27/8.
    # Backward: yhat > y, so dL/dyhat = +1. dw2 = h1 = 1/4, dw3 = h0 = 1/2,
    # dh1 = w2 = 1/2, dz1 = dh1 * relu'(1/4) = 1/2, dw1 = dz1 h0 = 1/4,
    # dh0 = w3 * 1 + dz1 w1 = 1/2 + 1/4 = 3/4, dz0 = 3/4, dw0 = dz0 x = 3/4.
    t = net.trace([x], [y], loss="l1")
    F = Fraction
    values = {"z0": t.node(1).z, "h0": t.node(1).a, "z1": t.node(2).z, "h1": t.node(2).a,
              "yhat": t.yhat, "L": t.loss}
    assert {k: F(v) for k, v in values.items()} == {
        "z0": F(1, 2), "h0": F(1, 2), "z1": F(1, 4), "h1": F(1, 4), "yhat": F(3, 8),
        "L": F(27, 8)}  # dyadic fractions: exact in floating point
    dws = {k: F(t.edge(k + "[0,0]").dw) for k in ("W1", "W2", "W3", "W3_1")}
    assert dws == {"W1": F(3, 4), "W2": F(1, 4), "W3": F(1, 4), "W3_1": F(1, 2)}
    assert F(t.node(3).dz) == 1 and F(t.node(1).da) == F(3, 4) and F(t.node(2).dz) == F(1, 2)

    # One step with lr = 1: w0 = 1/2 - 3/4 = -1/4, w1 = 1/2 - 1/4 = 1/4, w2 = 1/4, w3 = 0.
    hist = train(net, [[x]], [[y]], lr=1.0, steps=1, loss="l1")
    after = {k: F(float(v[0, 0])) for k, v in hist.params.items()}
    assert after == {"W1": F(-1, 4), "W2": F(1, 4), "W3": F(1, 4), "W3_1": F(0)}
    # Now z0 = -1/4 < 0: h0 = 0, z1 = 0, h1 = 0 (ReLU'(0) = 0), yhat = 0, L = |-3 - 0| = 3.
    # Every gradient is 0: dw2 = h1 = 0, dw3 = h0 = 0, dz1 = w2 * relu'(0) = 0,
    # dh0 = w3 + dz1 w1 = 0 and relu'(z0) = 0 -- the network is dead.
    assert hist.losses.tolist() == [27 / 8, 3.0]
    net.params = hist.params
    t = net.trace([x], [y], loss="l1")
    assert (t.node(1).z, t.node(1).a, t.node(2).a, t.yhat, t.loss) == (-0.25, 0.0, 0.0, 0.0, 3.0)
    assert all(e.dw == 0.0 for e in t.edges)
    later = train(net, [[x]], [[y]], lr=1.0, steps=5, loss="l1")
    assert later.losses.tolist() == [3.0] * 6
    for k in net.params:
        np.testing.assert_array_equal(later.params[k], net.params[k])


def test_sheet03_dead_relu_experiment_with_restarts():
    """Run the sheet 03 network 1000 times for 1000 steps in one call (exercise 4).
    With inputs x > 0 a restart is dead as soon as w0 <= 0: then z0 = w0 x <= 0 for every x,
    h0 = h1 = yhat = 0 and every gradient is 0 (as in the worked step above)."""
    net = sheet03()
    X = np.array([[0.5], [1.0], [1.5], [2.0]])
    Y = np.array([[-1.0], [0.5], [1.0], [3.0]])
    # How fast this is, is measured by `make bench`, not asserted here.
    hist = train(net, X, Y, lr=0.1, steps=1000, loss="l1", restarts=1000, seed=0)
    assert hist.losses.shape == (1001, 1000) and hist.params["W1"].shape == (1000, 1, 1)
    # Some restarts end dead (all gradients 0, loss frozen), some do not.
    J, grads = net.loss_and_grads(X, Y, "l1", params=hist.params)
    dead = np.all([np.all(g.reshape(1000, -1) == 0, axis=1) for g in grads.values()], axis=0)
    assert 0 < dead.sum() < 1000
    np.testing.assert_array_equal(dead, hist.params["W1"][:, 0, 0] <= 0)
    np.testing.assert_array_equal(hist.losses[-1], J)
    assert np.all(hist.losses[-1][dead] == np.abs(Y).mean())  # yhat = 0: L = mean |y|
    assert np.all(hist.losses[-1][dead] == hist.losses[-100][dead])
    assert hist.losses[-1][~dead].mean() < 0.7 * np.abs(Y).mean()  # the others learn


# ------------------------------------------------------------------ seed 003: sine network

def test_sine_network_derivative_table():
    """1-3-1, sigmoid hidden units, identity output, J = 1/(2n) sum (y - yhat)^2:
    yhat = w10^(2) + sum_k w1k^(2) g(z_k),  z_k = w_k0^(1) + w_k1^(1) x.
        dJ/dw10^(2) = -(1/n) sum (y - yhat)
        dJ/dw1k^(2) = -(1/n) sum (y - yhat) g(z_k)        (g, not g')
        dJ/dwk0^(1) = -(w1k^(2)/n) sum (y - yhat) g'(z_k)
        dJ/dwk1^(1) = -(w1k^(2)/n) sum (y - yhat) g'(z_k) x
    nnkit: w1k^(2) = W2[k-1,0], w10^(2) = b2[0], wk0^(1) = b1[k-1], wk1^(1) = W1[0,k-1]."""
    rng = np.random.default_rng(3)
    net = MLP([1, 3, 1], activation="sigmoid", output="identity", seed=3)
    net.params = {k: rng.normal(size=v.shape) for k, v in net.params.items()}
    x = rng.uniform(-3, 3, size=9)
    y = np.sin(x) + 0.1 * rng.normal(size=9)
    n = len(x)
    W1, b1, W2, b2 = (net.params[k] for k in ("W1", "b1", "W2", "b2"))

    g = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z = b1[None, :] + x[:, None] * W1[0][None, :]  # (n, 3): z_k for every example
    yhat = b2[0] + g(z) @ W2[:, 0]
    r = y - yhat
    gp = g(z) * (1 - g(z))
    expected = {
        "b2": np.array([-r.sum() / n]),
        "W2": (-(r[:, None] * g(z)).sum(0) / n)[:, None],
        "b1": -W2[:, 0] / n * (r[:, None] * gp).sum(0),
        "W1": (-W2[:, 0] / n * (r[:, None] * gp * x[:, None]).sum(0))[None, :],
    }
    J, grads = net.loss_and_grads(x[:, None], y[:, None], loss="mse")
    assert J == pytest.approx((r ** 2).sum() / (2 * n))
    np.testing.assert_allclose(net.forward(x[:, None])[:, 0], yhat)
    for k, v in expected.items():
        np.testing.assert_allclose(grads[k], v, rtol=1e-10, atol=1e-14, err_msg=k)
    # The slide's wrong variant (g' in the second layer) is not what nnkit computes.
    assert not np.allclose(grads["W2"][:, 0], -(r[:, None] * gp).sum(0) / n)


# ------------------------------------------------------------------ seed 004: sheet 11

def pick_first(yhat, y):
    """'Loss' = the first output component [f]_1, so its gradients are d[f]_1/d(...)."""
    d = np.zeros_like(yhat)
    d[..., 0] = 1.0
    return yhat[..., 0].sum(), d


@pytest.mark.parametrize("case", range(6))
def test_sheet11_exercise1(case):
    """f(x, W, b) = W x + b with W (m, n) in the sheet's convention; nnkit's W1 = W^T.
    (a) d[f]_1/dx_j = W_1j  (b) d[f]_1/dW_ij = delta_i1 x_j  (c) d[f]_1/db_i = delta_i1
    (d) d[relu(f)]_1/dx_j = W_1j 1[f_1 > 0]
    (e) d[sigmoid(f)]_1/dx_j = s(1-s) W_1j with s = sigmoid(f_1)
    (f) g = a^T relu(Wx + b): dg/dx_j = sum_i a_i 1[f_i > 0] W_ij."""
    rng = np.random.default_rng(400 + case)
    n, m = 1 + case % 3, 2 + case % 2
    W, b, x, a = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n), rng.normal(size=m)
    b[0] = 3.0 if case % 2 else -3.0 - np.abs(W[0]) @ np.abs(x)  # f_1 > 0 and f_1 < 0 both occur
    f = W @ x + b
    first = np.eye(m)[0]

    for act, outer in [("identity", 1.0), ("relu", float(f[0] > 0)),
                       ("sigmoid", (1 / (1 + np.exp(-f[0]))) * (1 - 1 / (1 + np.exp(-f[0]))))]:
        net = Network(n, [Layer(m, act)])
        net.params = {"W1": W.T.copy(), "b1": b.copy()}
        t = net.trace(x, np.zeros(m), loss=pick_first)
        dx = [t.node(0, j).da for j in range(n)]
        np.testing.assert_allclose(dx, outer * W[0], atol=1e-14)  # (a), (d), (e)
        if act == "identity":
            _, grads = net.loss_and_grads(x[None], np.zeros((1, m)), loss=pick_first)
            np.testing.assert_allclose(grads["W1"].T, np.outer(first, x))  # (b)
            np.testing.assert_allclose(grads["b1"], first)  # (c)

    net = Network(n, [Layer(m, "relu"), Layer(1, "identity", bias=False)])
    net.params = {"W1": W.T.copy(), "b1": b.copy(), "W2": a[:, None].copy()}
    t = net.trace(x, [0.0], loss=output_itself)
    expected = [(a * (f > 0) * W[:, j]).sum() for j in range(n)]  # (f)
    np.testing.assert_allclose([t.node(0, j).da for j in range(n)], expected, atol=1e-14)
    assert t.yhat == pytest.approx(a @ np.maximum(f, 0))


def chain(N, act, skip):
    """s_i = w_i o_{i-1} + b_i, o_i = act(s_i); with skip: s_N = w_N o_{N-1} + b_N + o_1
    (nnkit: an extra input of layer N from layer 1, weight W{N}_1 = 1)."""
    layers = [Layer(1, act) for _ in range(N - 1)]
    layers.append(Layer(1, act, inputs=(N - 1, 1) if skip else None))
    return Network(1, layers)


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
@pytest.mark.parametrize("N, skip", [(2, False), (3, False), (6, False), (3, True), (4, True),
                                     (6, True)])  # the skip spans layers 2..N-1: N >= 3
def test_sheet11_exercise2_chain(N, act, skip):
    """(a) d o_N/d w_1 = x prod_{i=1..N} s'(s_i) prod_{i=2..N} w_i
    (d) with the skip: d o_N/d w_1 = x s'(s_1) s'(s_N) (1 + w_N prod_{i=2}^{N-1} w_i s'(s_i)),
    because s_N = w_N o_{N-1} + b_N + o_1 and d o_1/d w_1 = s'(s_1) x."""
    rng = np.random.default_rng(4 + 10 * N + skip)
    w, b, x = rng.normal(0, 1.5, size=N), rng.normal(size=N), rng.normal()
    sig = {"sigmoid": lambda s: 1 / (1 + np.exp(-s)), "tanh": np.tanh}[act]
    dsig = {"sigmoid": lambda s: sig(s) * (1 - sig(s)), "tanh": lambda s: 1 - np.tanh(s) ** 2}[act]
    s, o = np.zeros(N), np.zeros(N)
    prev = x
    for i in range(N):  # forward pass by hand (index i = layer i+1)
        s[i] = w[i] * prev + b[i] + (o[0] if skip and i == N - 1 else 0.0)
        o[i] = prev = sig(s[i])
    if skip:
        inner = np.prod([w[i] * dsig(s[i]) for i in range(1, N - 1)])
        expected = x * dsig(s[0]) * dsig(s[-1]) * (1 + w[-1] * inner)
    else:
        expected = x * np.prod(dsig(s)) * np.prod(w[1:])

    net = chain(N, act, skip)
    params = {f"W{i + 1}": np.array([[w[i]]]) for i in range(N)}
    params |= {f"b{i + 1}": np.array([b[i]]) for i in range(N)}
    if skip:
        params[f"W{N}_1"] = np.ones((1, 1))
    assert set(params) == set(net.params)
    net.params = params
    J, grads = net.loss_and_grads([[x]], [[0.0]], loss=output_itself)
    assert J == pytest.approx(o[-1])
    assert grads["W1"][0, 0] == pytest.approx(expected, rel=1e-10, abs=1e-15)
