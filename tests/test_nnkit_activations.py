"""nnkit.activations and nnkit.losses: values, derivatives (sympy, hand tables, centred
differences), conventions at kinks."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit import (
    ACTIVATIONS,
    get_activation,
    get_loss,
    kink_crossed,
    l1,
    mse,
    numerical_gradient,
    sse,
)

NAMES = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
KINKED = {"relu", "leaky_relu"}

# Values near the kink at 0 as well as ordinary ones.
values = st.one_of(
    st.floats(-30, 30, allow_nan=False),
    st.sampled_from([0.0, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3]),
)

z_sym = sp.Symbol("z", real=True)
SMOOTH = {  # written independently of nnkit
    "identity": z_sym,
    "sigmoid": 1 / (1 + sp.exp(-z_sym)),
    "tanh": sp.tanh(z_sym),
}


def test_registry_and_lookup():
    assert sorted(ACTIVATIONS) == sorted(NAMES)
    relu = get_activation("relu")
    assert get_activation(relu) is relu
    with pytest.raises(ValueError):
        get_activation("softmax")


@pytest.mark.parametrize(
    "name, z, value, grad",
    [  # by hand from the definitions; ReLU'(0) = 0, leaky: max(0.1 z, z), slope at 0
        ("relu", [-2.0, 0.0, 0.5, 3.0], [0.0, 0.0, 0.5, 3.0], [0.0, 0.0, 1.0, 1.0]),
        ("leaky_relu", [-2.0, 0.0, 0.5], [-0.2, 0.0, 0.5], [0.1, 0.1, 1.0]),
        ("identity", [-2.0, 0.0, 7.0], [-2.0, 0.0, 7.0], [1.0, 1.0, 1.0]),
        ("sigmoid", [0.0, np.log(3.0)], [0.5, 0.75], [0.25, 0.1875]),  # s(1-s): 3/4 * 1/4
        ("tanh", [0.0, np.log(2.0)], [0.0, 0.6], [1.0, 0.64]),  # tanh(ln 2) = (4-1)/(4+1)
    ],
)
def test_hand_table(name, z, value, grad):
    act = get_activation(name)
    np.testing.assert_allclose(act.fn(np.array(z)), value, atol=1e-15)
    np.testing.assert_allclose(act.grad(np.array(z)), grad, atol=1e-15)


def test_relu_grad_at_zero_is_zero():
    assert get_activation("relu").grad(np.array(0.0)) == 0.0
    assert get_activation("relu").grad(np.array([0.0, -0.0])).tolist() == [0.0, 0.0]


def test_leaky_slope_parameter():
    from nnkit import LeakyReLU

    act = LeakyReLU(slope=0.25)
    np.testing.assert_allclose(act.fn(np.array([-4.0, 4.0])), [-1.0, 4.0])
    np.testing.assert_allclose(act.grad(np.array([-4.0, 4.0])), [0.25, 1.0])


def test_sigmoid_has_no_overflow():
    s = get_activation("sigmoid")
    with np.errstate(all="raise"):
        out = s.fn(np.array([-1000.0, 1000.0]))
        g = s.grad(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 1.0])
    np.testing.assert_allclose(g, [0.0, 0.0])


@pytest.mark.parametrize("name", sorted(SMOOTH))
@settings(max_examples=40, deadline=None)
@given(z=st.floats(-20, 20, allow_nan=False))
def test_smooth_against_sympy(name, z):
    expr = SMOOTH[name]
    act = get_activation(name)
    assert act.fn(np.array(z)) == pytest.approx(float(expr.subs(z_sym, z)), abs=1e-12)
    assert act.grad(np.array(z)) == pytest.approx(float(sp.diff(expr, z_sym).subs(z_sym, z)),
                                                  abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=60, deadline=None)
@given(z=values)
def test_grad_matches_centred_difference(name, z):
    act = get_activation(name)
    x = np.array([z])
    if name in KINKED and kink_crossed(lambda v: v, x, h=1e-6)[0]:
        return  # the step straddles the kink at 0: the centred difference is meaningless there
    num = numerical_gradient(lambda v: act.fn(v).sum(), x, h=1e-6)
    np.testing.assert_allclose(act.grad(x), num, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_elementwise_on_any_shape(name):
    act = get_activation(name)
    z = np.random.default_rng(0).normal(size=(2, 3, 4))
    assert act.fn(z).shape == z.shape and act.grad(z).shape == z.shape
    np.testing.assert_allclose(act.fn(z)[1, 2], act.fn(z[1, 2]))


# ------------------------------------------------------------------ losses

def test_losses_by_hand():
    yhat = np.array([[1.0], [2.0], [4.0]])
    y = np.array([[0.0], [2.0], [1.0]])
    # residuals yhat - y = 1, 0, 3; n = 3
    J, d = mse(yhat, y)
    assert J == pytest.approx((1 + 0 + 9) / 6)  # 1/(2n) sum
    np.testing.assert_allclose(d, [[1 / 3], [0.0], [1.0]])  # (yhat - y) / n
    J, d = sse(yhat, y)
    assert J == pytest.approx(10.0)
    np.testing.assert_allclose(d, [[2.0], [0.0], [6.0]])
    J, d = l1(yhat, y)
    assert J == pytest.approx(4 / 3)
    np.testing.assert_allclose(d, [[1 / 3], [0.0], [1 / 3]])  # subgradient 0 where yhat = y


def test_l1_sign_and_two_outputs():
    yhat = np.array([[0.0, 5.0]])
    y = np.array([[-3.0, 6.0]])
    J, d = l1(yhat, y)  # |(-3) - 0| + |6 - 5| = 4, n = 1
    assert J == 4.0
    np.testing.assert_array_equal(d, [[1.0, -1.0]])


def test_get_loss():
    assert get_loss("mse") is mse and get_loss("sse") is sse and get_loss("l1") is l1
    custom = lambda yhat, y: (yhat.sum(), np.ones_like(yhat))  # noqa: E731
    assert get_loss(custom) is custom
    with pytest.raises(ValueError):
        get_loss("hinge")


@pytest.mark.parametrize("name", ["mse", "sse", "l1"])
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_loss_grad_matches_centred_difference(name, n, k, seed):
    rng = np.random.default_rng(seed)
    yhat, y = rng.normal(size=(n, k)), rng.normal(size=(n, k))
    loss = get_loss(name)
    J, d = loss(yhat, y)
    assert np.shape(J) == () and d.shape == yhat.shape
    if name == "l1":
        assert not kink_crossed(lambda v: v - y, yhat).any()
    np.testing.assert_allclose(d, numerical_gradient(lambda v: loss(v, y)[0], yhat),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["mse", "sse", "l1"])
def test_loss_restarts_axis(name):
    rng = np.random.default_rng(1)
    yhat, y = rng.normal(size=(4, 3, 2)), rng.normal(size=(3, 2))
    J, d = get_loss(name)(yhat, y)
    assert J.shape == (4,) and d.shape == yhat.shape
    for r in range(4):
        Jr, dr = get_loss(name)(yhat[r], y)
        assert J[r] == pytest.approx(Jr)
        np.testing.assert_allclose(d[r], dr)


@pytest.mark.parametrize("name, expr", [
    ("mse", lambda Y, P, n: sum((y - p) ** 2 for y, p in zip(Y, P, strict=True)) / (2 * n)),
    ("sse", lambda Y, P, n: sum((y - p) ** 2 for y, p in zip(Y, P, strict=True))),
])
def test_loss_gradient_against_sympy(name, expr):
    P = sp.symbols("p0:3", real=True)
    Y = [sp.Rational(1, 2), -2, 3]
    J = expr(Y, P, 3)
    at = {P[0]: 1, P[1]: sp.Rational(-1, 4), P[2]: 2}
    yhat = np.array([[1.0], [-0.25], [2.0]])
    Jn, d = get_loss(name)(yhat, np.array([[0.5], [-2.0], [3.0]]))
    assert Jn == pytest.approx(float(J.subs(at)))
    np.testing.assert_allclose(d[:, 0], [float(sp.diff(J, p).subs(at)) for p in P])


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=50, deadline=None)
@given(z=values)
def test_backward_from_the_kept_output_is_the_chain_rule(name, z):
    """Backprop calls backward(da, z, g(z)) (sigmoid and tanh take g' from the kept output:
    s(1-s), 1-t²); it must agree with da * grad(z)."""
    act = get_activation(name)
    zs = np.array([z, -z, 0.5 * z])
    da = np.array([1.5, -2.0, 0.25])
    np.testing.assert_allclose(act.backward(da, zs, act.fn(zs)), da * act.grad(zs),
                               rtol=1e-12, atol=1e-15)
