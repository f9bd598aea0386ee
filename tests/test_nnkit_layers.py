"""nnkit.layers: every backward pass against centred differences, by hand, and the restarts
axis against a Python loop."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit import (
    activation_backward,
    activation_forward,
    affine_backward,
    affine_forward,
    kink_crossed,
    maxout_backward,
    maxout_forward,
    numerical_gradient,
)

dims = st.integers(1, 4)
seeds = st.integers(0, 2**32 - 1)


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_affine_by_hand():
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, -1.0, 0.0], [0.5, 2.0, 3.0]])
    b = np.array([0.0, 1.0, -1.0])
    out, cache = affine_forward(x, w, b)
    close(out, [[2.0, 4.0, 5.0]])  # 1*1+2*0.5, 1*(-1)+2*2+1, 0+6-1
    dx, dw, db = affine_backward(np.array([[1.0, 0.0, 2.0]]), cache)
    close(dx, [[1.0, 6.5]])  # w @ dout: 1+0+0, 0.5+0+6
    close(dw, [[1.0, 0.0, 2.0], [2.0, 0.0, 4.0]])  # x^T dout
    close(db, [1.0, 0.0, 2.0])
    no_dx, dw2, db2 = affine_backward(np.array([[1.0, 0.0, 2.0]]), cache, need_dx=False)
    assert no_dx is None
    close(dw2, dw)
    close(db2, db)


def test_db_is_the_sum_over_the_examples_and_a_fresh_array():
    """db is summed with a vector of ones kept from call to call: a caller changing the db it got
    (in place, as a training loop may) changes neither the ones nor the next db."""
    for n in (3, 1, 3, 5):
        dout = np.arange(2.0 * n).reshape(n, 2)  # rows (0, 1), (2, 3), ...
        _, _, db = affine_backward(dout, affine_forward(np.ones((n, 1)), np.ones((1, 2)),
                                                        np.zeros(2))[1])
        np.testing.assert_array_equal(db, [n * (n - 1), n * n])  # 0+2+..., 1+3+...
        db += 100.0  # the caller's array


def test_affine_without_bias():
    x, w = np.ones((2, 3)), np.ones((3, 1))
    out, cache = affine_forward(x, w, None)
    close(out, [[3.0], [3.0]])
    assert affine_backward(np.ones((2, 1)), cache)[2] is None


@settings(max_examples=40, deadline=None)
@given(n=dims, i=dims, o=dims, bias=st.booleans(), seed=seeds)
def test_affine_backward_numeric(n, i, o, bias, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(n, i)), rng.normal(size=(i, o))
    b = rng.normal(size=o) if bias else None
    dout = rng.normal(size=(n, o))
    out, cache = affine_forward(x, w, b)
    dx, dw, db = affine_backward(dout, cache)

    def f(_):  # <dout, out>: its gradient w.r.t. out is dout
        return (affine_forward(x, w, b)[0] * dout).sum()

    close(dx, numerical_gradient(f, x))
    close(dw, numerical_gradient(f, w))
    if bias:
        close(db, numerical_gradient(f, b))


@pytest.mark.parametrize("act", ["identity", "relu", "leaky_relu", "sigmoid", "tanh"])
@settings(max_examples=25, deadline=None)
@given(shape=st.lists(dims, min_size=1, max_size=3), seed=seeds)
def test_activation_backward_numeric(act, shape, seed):
    rng = np.random.default_rng(seed)
    z, da = rng.normal(size=shape), rng.normal(size=shape)
    a, cache = activation_forward(z, act)
    dz = activation_backward(da, cache)
    num = numerical_gradient(lambda _: (activation_forward(z, act)[0] * da).sum(), z)
    ok = ~kink_crossed(lambda v: v, z)
    close(dz[ok], num[ok])


def test_maxout_by_hand():
    # two pieces, one input, one output: max(2x, -x + 1); at x = 1: pieces 2 and 0 -> piece 0 wins
    x = np.array([[1.0], [-1.0]])
    w = np.array([[[2.0]], [[-1.0]]])
    b = np.array([[0.0], [1.0]])
    out, cache = maxout_forward(x, w, b)
    close(out, [[2.0], [2.0]])  # x = -1: pieces -2 and 2 -> piece 1 wins
    dx, dw, db = maxout_backward(np.array([[1.0], [10.0]]), cache)
    close(dx, [[2.0], [-10.0]])  # slope of the winner times dout
    close(dw, [[[1.0]], [[-10.0]]])  # piece 0: x*dout = 1; piece 1: -1*10
    close(db, [[1.0], [10.0]])


@settings(max_examples=40, deadline=None)
@given(n=dims, i=dims, o=dims, k=st.integers(1, 4), bias=st.booleans(), seed=seeds)
def test_maxout_backward_numeric(n, i, o, k, bias, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(n, i)), rng.normal(size=(k, i, o))
    b = rng.normal(size=(k, o)) if bias else None
    dout = rng.normal(size=(n, o))
    dx, dw, db = maxout_backward(dout, maxout_forward(x, w, b)[1])

    def pieces():
        p = np.expand_dims(x, -3) @ w
        return p if b is None else p + b[:, None, :]

    win = pieces().argmax(axis=0)
    losers = np.arange(k)[:, None, None] != win

    def margins(_):  # < 0 while the winner stays the winner
        p = pieces()
        return (p - np.take_along_axis(p, win[None], 0))[losers]

    def f(_):
        return (maxout_forward(x, w, b)[0] * dout).sum()

    for arr, grad in [(x, dx), (w, dw)] + ([(b, db)] if bias else []):
        ok = ~kink_crossed(margins, arr)
        close(grad[ok], numerical_gradient(f, arr)[ok])


@settings(max_examples=25, deadline=None)
@given(R=st.integers(1, 4), n=dims, i=dims, o=dims, k=st.integers(1, 3), seed=seeds)
def test_restarts_axis_equals_loop(R, n, i, o, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, i))  # shared data, broadcast over R
    w, b, dout = rng.normal(size=(R, i, o)), rng.normal(size=(R, o)), rng.normal(size=(R, n, o))
    out, cache = affine_forward(x, w, b)
    dx, dw, db = affine_backward(dout, cache)
    assert out.shape == (R, n, o) and dw.shape == w.shape and db.shape == b.shape
    assert dx.shape == x.shape  # summed over the restarts
    wm, bm = rng.normal(size=(R, k, i, o)), rng.normal(size=(R, k, o))
    mout, mcache = maxout_forward(x, wm, bm)
    mdx, mdw, mdb = maxout_backward(dout, mcache)
    sum_dx = 0
    for r in range(R):
        o_r, c_r = affine_forward(x, w[r], b[r])
        dx_r, dw_r, db_r = affine_backward(dout[r], c_r)
        close(out[r], o_r), close(dw[r], dw_r), close(db[r], db_r)
        sum_dx = sum_dx + dx_r
        mo_r, mc_r = maxout_forward(x, wm[r], bm[r])
        _, mdw_r, mdb_r = maxout_backward(dout[r], mc_r)
        close(mout[r], mo_r), close(mdw[r], mdw_r), close(mdb[r], mdb_r)
    close(dx, sum_dx)
