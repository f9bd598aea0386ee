"""nnkit.train: gd_step, train (history, start parameters, restarts vs a Python loop)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit import MLP, Layer, Network, gd_step, train


def test_gd_step_by_hand():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5, -0.5])}
    grads = {"W1": np.array([[0.5, -1.0]]), "b1": np.array([1.0, 0.0])}
    new = gd_step(params, grads, lr=0.1)
    np.testing.assert_allclose(new["W1"], [[0.95, 2.1]])
    np.testing.assert_allclose(new["b1"], [0.4, -0.5])
    np.testing.assert_array_equal(params["W1"], [[1.0, 2.0]])  # inputs unchanged


def test_train_linear_regression_by_hand():
    # yhat = w x + b, J = 1/(2n) sum (y - yhat)^2 on x = (0, 1), y = (1, 3); start w = b = 0.
    # dJ/dw = -(1/n) sum (y - yhat) x = -(3)/2 = -1.5, dJ/db = -(1 + 3)/2 = -2
    # lr = 0.5: w = 0.75, b = 1.0; J before = (1 + 9)/4 = 2.5
    net = MLP([1, 1])
    net.params = {"W1": np.zeros((1, 1)), "b1": np.zeros(1)}
    X, Y = np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]])
    h = train(net, X, Y, lr=0.5, steps=1)
    assert h.losses.shape == (2,) and h.losses[0] == pytest.approx(2.5)
    assert h.params["W1"][0, 0] == pytest.approx(0.75) and h.params["b1"][0] == pytest.approx(1.0)
    # after: yhat = (1, 1.75), J = (0 + 1.25^2)/4
    assert h.losses[1] == pytest.approx(1.25 ** 2 / 4)
    assert net.params["W1"][0, 0] == 0.0  # the network is not changed
    long = train(net, X, Y, lr=0.5, steps=500)
    assert np.all(np.diff(long.losses) <= 1e-15)  # convex, small step: monotone
    np.testing.assert_allclose([long.params["W1"][0, 0], long.params["b1"][0]], [2.0, 1.0],
                               atol=1e-6)


def test_start_parameters():
    net = MLP([1, 4, 1], "tanh", seed=0)
    X = np.linspace(-1, 1, 5)[:, None]
    Y = X ** 2
    a = train(net, X, Y, 0.1, 3)  # from net.params
    assert a.losses[0] == pytest.approx(net.loss_and_grads(X, Y)[0])
    b = train(net, X, Y, 0.1, 3, seed=5)  # from init_params(5)
    assert b.losses[0] == pytest.approx(net.loss_and_grads(X, Y, params=net.init_params(5))[0])
    c = train(net, X, Y, 0.1, 3, params=a.params)
    assert c.losses[0] == pytest.approx(a.losses[-1])
    r = train(net, X, Y, 0.1, 3, restarts=4, seed=5)
    assert r.losses.shape == (4, 4) and r.params["W1"].shape == (4, 1, 4)
    np.testing.assert_allclose(r.losses[0], net.loss_and_grads(
        X, Y, params=net.init_params(5, restarts=4))[0])


@settings(max_examples=20, deadline=None)
@given(R=st.integers(1, 5), steps=st.integers(0, 20), loss=st.sampled_from(["mse", "sse", "l1"]),
       act=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu"]),
       skip=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_restarts_equal_a_loop(R, steps, loss, act, skip, seed):
    net = Network(2, [Layer(3, act), Layer(3, act, residual=True),
                      Layer(1, "identity", inputs=(2, 0) if skip else None)])
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    lr = 0.004 if loss == "sse" else 0.05  # sse has no 1/(2n): keep the runs finite
    h = train(net, X, Y, lr=lr, steps=steps, loss=loss, restarts=R, seed=seed)
    assert h.losses.shape == (steps + 1, R) and np.isfinite(h.losses).all()
    start = net.init_params(seed, restarts=R)
    for r in range(R):
        hr = train(net, X, Y, lr=lr, steps=steps, loss=loss,
                   params={k: v[r] for k, v in start.items()})
        np.testing.assert_allclose(h.losses[:, r], hr.losses, rtol=1e-9, atol=1e-12)
        for k in hr.params:
            np.testing.assert_allclose(h.params[k][r], hr.params[k], rtol=1e-9, atol=1e-12)
