"""nnkit.gradcheck: centred differences, relative error, kink detection."""
import numpy as np
import pytest

from nnkit import kink_crossed, numerical_gradient, rel_error


def test_numerical_gradient_any_shape_and_restores():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 2))
    original = x.copy()
    # f = sum x^3  ->  df/dx = 3 x^2; centred error is h^2 f'''/6 = h^2 (exactly, for a cubic)
    g = numerical_gradient(lambda v: (v ** 3).sum(), x, h=1e-4)
    np.testing.assert_allclose(g, 3 * x ** 2, atol=2e-8)
    np.testing.assert_array_equal(x, original)


def test_numerical_gradient_through_a_closure():
    w = np.array([1.0, -2.0])
    data = np.array([3.0, 0.5])
    # f = (w . data)^2 = (3 - 1)^2, df/dw = 2 (w . data) data = 4 * data
    g = numerical_gradient(lambda _: float(w @ data) ** 2, w)
    np.testing.assert_allclose(g, [12.0, 2.0], rtol=1e-8)


def test_rel_error():
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(1.0, 1.0) == 0.0
    assert rel_error(1.0, 3.0) == pytest.approx(0.5)  # |1-3| / (1+3)
    assert rel_error(1.0, -1.0) == pytest.approx(1.0)
    assert rel_error([1.0, 0.0], [1.0, 1e-3]) == pytest.approx(1.0)  # max over entries
    assert rel_error(1e-20, 0.0) == pytest.approx(1e-8)  # |a|+|b| below tiny: divide by tiny


def test_kink_crossed_relu():
    x = np.array([0.5, 1e-7, -1e-7, 0.0, -3.0])
    crossed = kink_crossed(lambda v: v, x, h=1e-5)
    assert crossed.tolist() == [False, True, True, True, False]
    # centred differences of relu are wrong exactly there: (relu(x+h) - relu(x-h)) / 2h
    num = numerical_gradient(lambda v: np.maximum(v, 0).sum(), x.copy(), h=1e-5)
    true = (x > 0).astype(float)
    assert np.all(np.abs(num - true)[crossed] > 0.1)
    np.testing.assert_allclose(num[~crossed], true[~crossed], atol=1e-9)


def test_kink_crossed_through_a_network_preactivation():
    # z = w x with x = 1e-6: a step of h in w moves z by h x only, so no crossing at w = 1,
    # but at w = 1e-12 the step crosses 0.
    x = 1e-6
    for w0, expected in [(1.0, False), (1e-12, True)]:
        w = np.array([w0])
        assert kink_crossed(lambda v, x=x: v * x, w)[0] == expected
