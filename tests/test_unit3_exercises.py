"""Unit 3 exercises: every reference passes, every Mistake fails with its hint, blanks fail.

Hand-derived values (given weights, x = 2):
  z1 = -0.16 + 1.74*2 = 3.32,  z2 = -6.22 + 2.23*2 = -1.76,  z3 = -6.19 - 2.35*2 = -10.89
  g(z) = 1/(1+e^-z): g(3.32) ~ 0.9651, g(-1.76) ~ 0.1468, g(-10.89) ~ 1.9e-5
  yhat = -2.93 + 6.12*0.9651 - 4.39*0.1468 + 3.26*1.9e-5 ~ 2.332
"""
import math

import numpy as np
import pytest

from workbook.exercise import encode
from workbook.reference.sine_network import GIVEN, NAMES, sine_data
from workbook.units import unit3

EX = {e.id: e for e in unit3.EXERCISES}


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------- solutions, written independently
def z_by_hand():
    return np.array([-0.16 + 1.74 * 2, -6.22 + 2.23 * 2, -6.19 - 2.35 * 2])


def predict_by_hand(x, w):
    x = np.asarray(x, dtype=float)
    out = w["w2_10"] + 0 * x
    for k in (1, 2, 3):
        out = out + w[f"w2_1{k}"] / (1 + np.exp(-(w[f"w1_{k}0"] + w[f"w1_{k}1"] * x)))
    return out


def gradients_by_hand(x, y, w):
    """Centred differences of J = 1/(2n) sum (y - yhat)^2, weight by weight."""
    def J(v):
        return np.mean((y - predict_by_hand(x, v)) ** 2) / 2

    grads = {}
    for name in NAMES:
        up, down = dict(w), dict(w)
        up[name] += 1e-6
        down[name] -= 1e-6
        grads[name] = (J(up) - J(down)) / 2e-6
    return grads


def step_by_hand(x, y, w, alpha):
    g = gradients_by_hand(x, y, w)
    return {k: w[k] - alpha * g[k] for k in NAMES}


def numerical_by_hand(x, y, w, h):
    """Centred differences of J = 1/(2n) sum (y - yhat)^2, one weight at a time."""
    def J(weights):
        return np.sum((y - predict_by_hand(x, weights)) ** 2) / (2 * len(x))

    return {k: (J({**w, k: w[k] + h}) - J({**w, k: w[k] - h})) / (2 * h) for k in NAMES}


def solutions():
    x, y = sine_data()
    a = np.array([sigmoid(z) for z in z_by_hand()])
    return {
        "z_x2": z_by_hand(),
        "a_x2": a,
        "yhat_x2": -2.93 + 6.12 * a[0] - 4.39 * a[1] + 3.26 * a[2],
        "predict_131": predict_by_hand,
        "J_given": float(np.sum((y - predict_by_hand(x, GIVEN)) ** 2) / (2 * len(x))),
        "d_ln": "2/x",
        "dJ_dw2_12": "-(y - yhat) * g(z2)",
        "dJ_dw1_21": "-(y - yhat) * w2_12 * g'(z2) * x",
        "needed_x": "c",
        "ingredients": [[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]],
        "gradients": gradients_by_hand,
        "numerical_gradients": numerical_by_hand,
        "rel_error": lambda a, b: max(abs(p - q) / max(1e-8, abs(p) + abs(q))
                                      for p, q in zip(np.ravel(a), np.ravel(b), strict=True)),
        "train_step": step_by_hand,
    }


def judge(ex, namespace, hidden=False):
    return ex.judge(ex.collect(namespace, seed=7, hidden=hidden), seed=7, hidden=hidden)


def test_hand_values():
    z = EX["u3_z"].expected()
    assert np.allclose(z, [3.32, -1.76, -10.89])
    assert abs(EX["u3_yhat"].expected() - 2.332) < 1e-3
    assert 0.025 < EX["u3_cost"].expected() < 0.032  # below the noise floor 0.25^2/2 ~ 0.031


@pytest.mark.parametrize("exercise_id", list(EX))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(exercise_id, hidden):
    ex = EX[exercise_id]
    # rtol of the function exercises is 1e-5: centred differences agree to ~1e-8
    result = judge(ex, solutions(), hidden)
    assert result.passed, (exercise_id, str(result))


def test_decimal_comma_detected():
    result = judge(EX["u3_yhat"], {"yhat_x2": (2, 33)})
    assert not result.passed and "decimal" in result.hint


def test_slide_error_is_a_mistake_in_both_layer2_exercises():
    """The seed's slide writes g'(z_k) in the layer-2 formulas: both exercises catch it."""
    names = {m.name for ex in (EX["u3_layer2"], EX["u3_gradients"]) for m in ex.mistakes}
    assert {"g_prime_for_g", "g_prime_in_layer2"} <= names


def test_gradients_wrong_keys_and_shapes():
    ex = EX["u3_gradients"]
    result = judge(ex, {"gradients": lambda x, y, w: {"w2_10": 0.0}})
    assert not result.passed and "KeyError" in result.message
    result = judge(ex, {"gradients": lambda x, y, w: np.zeros(10)})
    assert not result.passed


def test_payload_is_json_and_hostile_payload_rejected():
    import json

    ex = EX["u3_gradients"]
    payload = ex.collect(solutions(), seed=3)
    assert ex.judge(json.loads(json.dumps(payload)), seed=3).passed
    assert not ex.judge({"kind": "function", "results": "rm -rf"}, seed=3).passed
    assert not EX["u3_z"].judge({"kind": "value", "answer": encode("3.32")}).passed


# ------------------------------------------------------------------ exercise 8b: the ingredients

def test_ingredients_table_follows_from_the_chain_rule():
    """Derive the table of exercise 8b with sympy for one hidden neuron k (g left abstract): which
    of r, g(z), g'(z), w_1k^(2), x is a factor of dL/dw for L = (y - yhat)^2 / 2."""
    import sympy as sp

    x, y, b2, v, c, a = sp.symbols("x y b2 v c a")
    g = sp.Function("g")
    z = c + a * x
    yhat = b2 + v * g(z)
    L = (y - yhat) ** 2 / 2
    table = []
    for w in (b2, v, c, a):                  # w_10^(2), w_1k^(2), w_k0^(1), w_k1^(1)
        d = sp.diff(L, w)
        rest = sp.simplify(d / (yhat - y))   # d = r-factor * rest, r = y - yhat
        factors = sp.Mul.make_args(rest)
        assert not rest.has(y)               # r is a factor of d, and y occurs nowhere else
        table.append([
            1,
            int(g(z) in factors),
            int(any(f.has(sp.Derivative) for f in factors)),
            int(v in factors),
            int(x in factors),
        ])
    expected = np.array(table, dtype=float).T  # rows: r, g, g', w_1k^(2), x
    np.testing.assert_array_equal(unit3._ingredients(), expected)


def test_ingredients_exercise_accepts_lists_and_names_the_mistakes():
    ex = next(e for e in unit3.EXERCISES if e.id == "u3_ingredients")
    right = [[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]]
    assert judge(ex, {"ingredients": right}).passed
    wrong = [row[:] for row in right]
    wrong[1] = [0, 1, 1, 1]  # g(z) also for the first layer
    result = judge(ex, {"ingredients": wrong})
    assert not result.passed and "g'(z_ik)" in result.hint


def test_centred_quotients_pass_for_every_grading_seed():
    """The grading seed is random per course and picks the cases: a correct centred quotient
    earns the point whatever the seed (judged against backpropagation's gradient, it failed for
    seeds 8, 19, 49, ... where the quotient's own error h²/6 J''' exceeded the tolerance), and
    the forward quotient never does."""
    ex = EX["u3_numerical_gradients"]

    def forward_by_hand(x, y, w, h):
        def J(weights):
            return np.sum((y - predict_by_hand(x, weights)) ** 2) / (2 * len(x))

        return {k: (J({**w, k: w[k] + h}) - J(w)) / h for k in NAMES}

    for seed in range(60):
        for answer, passes in ((numerical_by_hand, True), (forward_by_hand, False)):
            result = ex.judge(ex.collect({"numerical_gradients": answer}, seed=seed, hidden=True),
                              seed=seed, hidden=True, lang="en")
            assert result.passed == passes, (seed, answer.__name__, str(result))
