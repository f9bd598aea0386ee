"""Unit 5 (sheet 11): every exercise accepts the notebook's solution, rejects every Mistake with its
hint, and rejects blank answers; the reference formulas agree with hand derivations and sympy."""

import re

import numpy as np
import pytest
import sympy as sp

from nnkit.activations import get_activation
from workbook import symbolic
from workbook.source import flatten
from workbook.units import unit5
from workbook.units.answers import chain

EXERCISES = {ex.id: ex for ex in unit5.EXERCISES}
CELLS = flatten(unit5.CELLS)


def solution_namespace():
    """Run every answer cell of the unit (with its solution) like the notebook does."""
    ns = {}
    for cell in CELLS:
        if cell.nbgrader and cell.nbgrader.get("solution") and cell.cell_type == "code":
            exec(cell.text("en"), ns)
    return ns


@pytest.fixture(scope="module")
def solutions():
    return solution_namespace()


# ------------------------------------------------------------------ points and structure

def test_points_are_the_sheets():
    points = {c.nbgrader["grade_id"]: c.nbgrader["points"] for c in CELLS
              if c.nbgrader and c.nbgrader.get("grade")}
    per_part = {}
    for grade_id, p in points.items():
        part = re.match(r"u5_(\d[a-h])", grade_id)[1]
        per_part[part] = per_part.get(part, 0) + p
    # sheet 11: 1a-f 1 P. each; 2a 2, 2b 1, 2c 1, 2d 2, 2e 1, 2f 2 (15 points);
    # the supplement on a vectorised layer: 1g 1, 1h 2
    assert per_part == {"1a": 1, "1b": 1, "1c": 1, "1d": 1, "1e": 1, "1f": 1, "1g": 1, "1h": 2,
                        "2a": 2, "2b": 1, "2c": 1, "2d": 2, "2e": 1, "2f": 2}
    assert sum(points.values()) == 18


def test_every_exercise_has_mistakes():
    for ex in EXERCISES.values():
        assert len(ex.mistakes) >= 2, ex.id


# ------------------------------------------------------------------ judging

@pytest.mark.parametrize("ex_id", list(EXERCISES))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_solution_passes(ex_id, lang, solutions):
    ex = EXERCISES[ex_id]
    for hidden, seed in ((False, None), (True, 1), (True, 12345)):
        result = ex.judge(ex.collect(solutions, seed=seed, hidden=hidden), seed=seed,
                          hidden=hidden, lang=lang)
        assert result.passed, (ex_id, hidden, result)


def test_function_stub_raising_not_implemented_fails():
    def stub(*args):
        raise NotImplementedError

    for ex_id in ("u5_2a_function", "u5_2d_function"):
        ex = EXERCISES[ex_id]
        result = ex.judge(ex.collect({ex.answer: stub}), lang="de")
        assert not result.passed and "nicht implementiert" in result.message


def test_hints_do_not_reveal_the_answer():
    answers = ["W[1, j]", "delta(i, 1) * x[j]", "W[1, j] * H(f[1])", "sigma(w4 * o3 + b4 + o1)"]
    for ex in EXERCISES.values():
        for m in ex.mistakes:
            for text in m.hint.values():
                assert not any(a in text for a in answers), (ex.id, m.name)


# ------------------------------------------------------------------ accepted spellings

@pytest.mark.parametrize("ex_id, text", [
    ("u5_1a", "W[1,j]"),
    ("u5_1b", "KroneckerDelta(i, 1)*x[j]"),
    ("u5_1b", "delta(1, i) * x[j]"),
    ("u5_1d", "relu'(f[1]) * W[1, j]"),
    ("u5_1d", "W[1, j] * Heaviside(Sum(W[1, k]*x[k], (k, 1, n)) + b[1])"),
    ("u5_1e", "W[1, j] * (sigmoid(f[1]) - sigmoid(f[1])^2)"),
    ("u5_1e", "W[1, j] * sigma(f[1]) * (1 - sigma(f[1]))"),
    ("u5_1f", "Sum(a[k] * H(f[k]) * W[k, j], (k, 1, m))"),   # a sum index other than i
    ("u5_2a_formula",
     "x*w_2*w_3*w_4*sigma_prime(s_1)*sigma_prime(s_2)*sigma_prime(s_3)*sigma_prime(s_4)"),
    ("u5_2a_formula", "x * w[2]*w[3]*w[4] * sigma'(s[1])*sigma'(s[2])*sigma'(s[3])*sigma'(s[4])"),
    ("u5_2c", "sigma(o1 + b4 + w4*o3)"),
    ("u5_2d_formula",
     "x*sigma'(s1)*sigma'(s4) + x*w2*w3*w4*sigma'(s1)*sigma'(s2)*sigma'(s3)*sigma'(s4)"),
])
def test_documented_spellings_are_accepted(ex_id, text):
    ex = EXERCISES[ex_id]
    assert ex.judge(ex.collect({ex.answer: text}), lang="en").passed


def test_sigmoid_prime_is_not_accepted_in_1e():
    """(e) asks for the derivative expressed by the sigmoid itself."""
    ex = EXERCISES["u5_1e"]
    result = ex.judge(ex.collect({ex.answer: "sigmoid'(f[1]) * W[1, j]"}), lang="en")
    assert not result.passed and "sigmoid'" in result.hint


def test_decimal_comma_in_a_formula_is_explained():
    ex = EXERCISES["u5_2c"]
    result = ex.judge(ex.collect({ex.answer: "sigma(0,5 * o3 + b4 + o1)"}), lang="de")
    assert not result.passed and "0.5" in result.hint


# ------------------------------------------------------------------ the formulas themselves

def test_chain_formulas_by_hand():
    """Identity activation: o_N = w_N(...(w_2(w_1 x + b_1) + b_2)...) + b_N, so
    d o_N/d w_1 = x w_2 ... w_N. x = 2, w = (3, 0.5, 4): 2 * 0.5 * 4 = 4.
    With the skip (s_3 = w_3 o_2 + b_3 + o_1): d o_3/d w_1 = x (w_3 w_2 + 1) = 2 * 3 = 6."""
    w, b = np.array([3.0, 0.5, 4.0]), np.array([0.1, -0.2, 0.3])
    for fn in (unit5.chain_gradient, unit5.network_dON_dw1):
        assert fn(2.0, w, b, get_activation("identity")) == pytest.approx(4.0)
        assert fn(2.0, w, b, get_activation("identity"), skip=True) == pytest.approx(6.0)


def test_sigmoid_one_layer_by_hand():
    """N = 1, w_1 = b_1 = 0: s_1 = 0, sigmoid'(0) = 1/4, so d o_1/d w_1 = x / 4 = 0.5 for x = 2."""
    args = (2.0, np.array([0.0]), np.array([0.0]), get_activation("sigmoid"))
    assert unit5.network_dON_dw1(*args) == pytest.approx(0.5)
    assert unit5.chain_gradient(*args) == pytest.approx(0.5)


def test_relu_kink_by_hand():
    """x = 0.5, w_1 = 1.5, b_1 = -0.75: s_1 = 0 and ReLU'(0) = 0, so the gradient is 0;
    a student taking ReLU'(0) = 1 gets x * w_2 = 0.5 * 2 = 1 (N = 2, b_2 = 1 keeps s_2 > 0)."""
    args = (0.5, np.array([1.5, 2.0]), np.array([-0.75, 1.0]), get_activation("relu"))
    assert unit5.network_dON_dw1(*args) == 0.0
    assert unit5.chain_gradient(*args, prime=unit5._relu_prime_one_at_zero(args[3])) == 1.0


@pytest.mark.parametrize("N", [3, 4, 5, 6])
def test_skip_derivative_with_sympy(N):
    """Differentiate o_N of the skip chain (s_N = w_N o_{N-1} + b_N + o_1) with sympy and compare
    with x sigma'(s_1) sigma'(s_N) (1 + w_N prod_{i=2}^{N-1} w_i sigma'(s_i)), derived by hand
    (the chain rule through s_N):
    d s_N/d o_1 = w_N (d o_{N-1}/d o_1) + 1, d o_{N-1}/d o_1 = prod_{i=2}^{N-1} sigma'(s_i) w_i,
    d o_1/d w_1 = sigma'(s_1) x."""
    o_N, s = chain(N, skip=True)
    derivative = sp.diff(o_N, sp.Symbol("w_1"))
    # name the pre-activations s_i again: sigma_prime(<expression of s_i>) -> sigma_prime(s_i)
    back = {symbolic.sigma_prime(expr): symbolic.sigma_prime(sym) for sym, expr in s.items()}
    derivative = derivative.xreplace(back)
    x, w, sp_ = sp.Symbol("x"), symbolic.Family("w"), symbolic.Family("s")
    inner = sp.Mul(*(w(i) * symbolic.sigma_prime(sp_(i)) for i in range(2, N)))
    by_hand = x * symbolic.sigma_prime(sp_(1)) * symbolic.sigma_prime(sp_(N)) * (1 + w(N) * inner)
    assert sp.expand(derivative - by_hand) == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "leaky_relu"])
def test_formula_function_agrees_with_nnkit_backprop(name):
    rng = np.random.default_rng(3)
    act = get_activation(name)
    for N in range(1, 9):
        w, b = rng.uniform(0.3, 1.8, N), rng.uniform(-0.5, 0.5, N)
        x = 0.8
        assert unit5.chain_gradient(x, w, b, act) == pytest.approx(
            unit5.network_dON_dw1(x, w, b, act), rel=1e-9, abs=1e-12)
        if N >= 3:
            assert unit5.chain_gradient(x, w, b, act, skip=True) == pytest.approx(
                unit5.network_dON_dw1(x, w, b, act, skip=True), rel=1e-9, abs=1e-12)


def test_cases_are_deterministic_and_varied():
    ex = EXERCISES["u5_2a_function"]
    a, b = ex.case_list(seed=5), ex.case_list(seed=5)
    assert all(np.array_equal(p[1], q[1]) for p, q in zip(a, b, strict=True))
    assert {c[3].name for c in a} == {"sigmoid", "tanh", "relu", "identity", "leaky_relu"}
    hidden = ex.case_list(seed=5, hidden=True)
    assert len(hidden) > len(a) and any(len(c[1]) == 1 for c in hidden)


# ------------------------------------------------------------------ a vectorised layer (1g, 1h)

def test_layer_backward_reference_is_the_chain_rule_by_components():
    """dW[j, k] = sum_i X[i, j] delta[i, k], dX[i, j] = sum_k delta[i, k] W[j, k],
    db[k] = sum_i delta[i, k] - summed by loops, against the reference (nnkit's affine_backward),
    and against finite differences of L = sum(delta * (X W + b))."""
    rng = np.random.default_rng(5)
    X, W, delta = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    dX, dW, db = unit5._layer_backward(X, W, delta)
    for j in range(3):
        for k in range(2):
            assert dW[j, k] == pytest.approx(sum(X[i, j] * delta[i, k] for i in range(4)))
    for i in range(4):
        for j in range(3):
            assert dX[i, j] == pytest.approx(sum(delta[i, k] * W[j, k] for k in range(2)))
    assert db == pytest.approx(delta.sum(axis=0))
    h = 1e-6
    E = np.zeros_like(W)
    E[1, 0] = h
    L = lambda W_: np.sum(delta * (X @ W_))  # noqa: E731
    assert (L(W + E) - L(W - E)) / (2 * h) == pytest.approx(dW[1, 0], rel=1e-6)
    # the shape check of 1g: dX like X, dW like W
    assert [list(dX.shape), list(dW.shape)] == [[4, 3], [3, 2]]
    assert EXERCISES["u5_1g"].expected().tolist() == [[5, 3], [3, 2]]
