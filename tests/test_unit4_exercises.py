"""Unit 4 (backpropagation by hand, skip connection, dead ReLUs): every exercise of the source.

Expected values are derived by hand in the comments (never read from the code under test):
the network z0 = w0 x, h0 = ReLU(z0); z1 = w1 h0, h1 = ReLU(z1); yhat = w2 h1 + w3 h0;
L = |y - yhat|.
"""

import numpy as np
import pytest
from fixtures.answers import judge
from fixtures.hand import skip_net_by_hand

from workbook.exercise import Exercise
from workbook.reference import dead_relu as dr
from workbook.source import flatten
from workbook.units import answers, unit4

EXERCISES = {ex.id: ex for ex in unit4.EXERCISES}
CELLS = flatten(unit4.CELLS)


def solution_namespace():
    """Run every answer cell of the unit (the reference solutions) in one namespace."""
    ns = {"np": np, "experiment": dr.experiment}
    for cell in CELLS:
        meta = cell.nbgrader or {}
        if meta.get("solution") and cell.cell_type == "code":
            exec(cell.text("en"), ns)  # noqa: S102 - our own reference solutions
    return ns


NS = solution_namespace()


# ------------------------------------------------------------------ structure

def test_points_and_grade_ids_of_the_seed_map():
    points = {c.nbgrader["grade_id"]: c.nbgrader["points"]
              for c in CELLS if c.nbgrader and c.nbgrader.get("grade")}
    # 12 autograded test cells + 6 manual answers; 27 points in all (see the module docstring).
    assert len(points) == 18
    assert sum(points.values()) == 27
    for manual_id in ("u4_skip_why", "u4_dead_explain", "u4_ex4_one_step", "u4_ex4_many_steps",
                      "u4_ex4_repeat", "u4_ex4_lr"):
        assert manual_id in points


def test_unit_metadata():
    assert unit4.UNIT.id == "unit4"
    assert unit4.UNIT.filename == {"de": "4_backprop_skip_tote_relus",
                                   "en": "4_backprop_skip_dead_relus"}


# ------------------------------------------------------------------ reference solutions pass

@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_solution_passes(exercise_id, hidden):
    result = judge(EXERCISES[exercise_id], NS, hidden)
    assert result.passed, str(result)


def test_hand_values_of_the_worked_example():
    # (x, y) = (1, -3), w = 1/2: z0 = h0 = 1/2, z1 = h1 = 1/4, yhat = 1/2*1/4 + 1/2*1/2 = 3/8
    np.testing.assert_allclose(NS["forward_values"], [0.5, 0.5, 0.25, 0.25, 0.375])
    assert NS["L_before"] == pytest.approx(27 / 8)  # |-3 - 3/8|
    # dL/dyhat = +1; dw2 = h1, dw3 = h0, dz1 = w2 = 1/2, dw1 = dz1 h0, dh0 = w3 + dz1 w1 = 3/4
    np.testing.assert_allclose(NS["grads"], [0.75, 0.25, 0.25, 0.5])
    np.testing.assert_allclose(NS["w_new"], [-0.25, 0.25, 0.25, 0.0])
    assert NS["L_after"] == 3.0  # z0 = -1/4 -> h0 = h1 = 0 -> yhat = 0
    # nnkit agrees with every hand value
    np.testing.assert_allclose(answers.skip_gradients(1.0, -3.0, dr.W_HAND),
                               [0.75, 0.25, 0.25, 0.5])
    np.testing.assert_allclose(dr.gd_weights(dr.W_HAND, 1.0, -3.0, 1.0), [-0.25, 0.25, 0.25, 0])


def test_after_the_step_every_gradient_is_zero_in_nnkit():
    # w = (-1/4, 1/4, 1/4, 0): h0 = 0 for x = 1, so every gradient vanishes (dead network)
    assert answers.skip_gradients(1.0, -3.0, (-0.25, 0.25, 0.25, 0.0)) == (0.0, 0.0, 0.0, 0.0)
    # ... for every x > 0 and every target
    for x, y in [(0.1, 5.0), (2.0, -1.0), (7.0, 0.3)]:
        assert answers.skip_gradients(x, y, (-0.25, 0.25, 0.25, 0.0)) == (0.0, 0.0, 0.0, 0.0)


def test_backward_cases_cover_every_sign_case():
    cases = EXERCISES["u4_backward"].case_list(seed=0)
    seen = set()
    for x, y, w in cases:
        v = dr.trace_values(x, y, w)
        seen.add((np.sign(v.z0), np.sign(v.z1) if v.z0 > 0 else None, np.sign(v.yhat - v.y)))
    for s0 in (1.0,):
        for s1 in (1.0, -1.0):
            for sy in (1.0, -1.0):
                assert (s0, s1, sy) in seen
    assert any(s[0] == -1.0 for s in seen) and any(s[0] == 0.0 for s in seen)


def test_hand_formulas_agree_with_nnkit_on_random_inputs():
    rng = np.random.default_rng(42)
    for _ in range(200):
        x, y = rng.normal(0, 2, 2)
        w = tuple(rng.normal(0, 1, 4))
        np.testing.assert_allclose(skip_net_by_hand(x, y, w).grads, answers.skip_gradients(x, y, w),
                                   atol=1e-12)


# ------------------------------------------------------------------ mistakes give their hint

def test_mistakes_differ_from_the_reference():
    # hand values: sign error negates all gradients, missing skip path gives dw0 = 1/4
    ex = EXERCISES["u4_step_grads"]
    assert not judge(ex, {"grads": [-0.75, -0.25, -0.25, -0.5]}).passed
    assert "zwei" in judge(ex, {"grads": [0.25, 0.25, 0.25, 0.5]}, lang="de").hint


def test_relu_grad_at_zero_is_caught_by_the_visible_check_too():
    ex = EXERCISES["u4_backward"]
    wrong = next(m for m in ex.mistakes if m.name == "relu_grad_at_zero")
    result = judge(ex, {"backward": wrong.wrong}, hidden=False)
    assert not result.passed and "ReLU'(0) = 0" in result.hint


@pytest.mark.parametrize("text", ["d2*w3 + d1*w1", "d2*(w3 + w2*H(z1)*w1)",
                                  "w3*d2 + dh1*relu_prime(z1)*w1"])
def test_equivalent_spellings_of_dL_dh0_pass(text):
    assert judge(EXERCISES["u4_dh0"], {"dL_dh0": text}).passed


def test_seed_formula_for_dL_dyhat_is_rejected_with_a_hint():
    # the seed: dL/dyhat = 1 if yhat > 0, 1 if yhat < 0 -> "always one"
    result = judge(EXERCISES["u4_dyhat"], {"dL_dyhat": lambda yhat, y: 1.0}, lang="de")
    assert not result.passed and "Knick" in result.hint


# ------------------------------------------------------------------ broken answers

def test_decimal_comma_is_detected():
    result = judge(EXERCISES["u4_after_loss"], {"L_after": (3, 0)}, lang="de")
    assert not result.passed and "Punkt" in result.hint


# ------------------------------------------------------------------ the experiment (exercise 4.1)

def test_killed_fraction_is_deterministic_and_checked_against_a_loop():
    """The vectorised nnkit.train call equals 1000 separate runs of the hand formulas."""
    out = dr.experiment(lr=0.3, steps=100)
    again = dr.experiment(lr=0.3, steps=100)
    np.testing.assert_array_equal(out.end["w0"], again.end["w0"])
    # an independent loop for the first 50 runs with the hand gradients averaged over the points
    X, Y = dr.X_TRAIN[:, 0], dr.Y_TRAIN[:, 0]
    for r in range(50):
        w = np.array([out.start[k][r] for k in ("w0", "w1", "w2", "w3")])
        for _ in range(100):
            grads = [skip_net_by_hand(x, y, w).grads for x, y in zip(X, Y, strict=True)]
            w = w - 0.3 * np.mean(grads, axis=0)
        np.testing.assert_allclose(w, [out.end[k][r] for k in ("w0", "w1", "w2", "w3")],
                                   atol=1e-9)
    killed = np.mean((out.start["w0"] > 0) & (out.end["w0"] <= 0))
    assert 0 < killed < 0.5
    assert unit4._killed_fraction() == pytest.approx(killed)


def test_dead_runs_have_zero_gradients_and_constant_loss():
    out = dr.experiment(lr=1.0, steps=100)
    dead = dr.is_dead(out.end["w0"])
    # with lr = 1 every run ends dead: yhat = 0, J = mean |y| = (0.5 + 1 + 1.5 + 2) / 4 = 1.25
    assert dead.all()
    np.testing.assert_allclose(out.losses[-1], 1.25)
    np.testing.assert_allclose(out.yhat, 0.0)
    assert np.all(out.wrong == 4)


def test_small_learning_rate_learns_in_some_runs():
    out = dr.experiment(lr=0.03, steps=100)
    assert 0.2 < np.mean(out.wrong == 0) < 0.6
    # alive at the start is w0 > 0: about half of the normal initialisations
    assert 0.4 < np.mean(out.start["w0"] > 0) < 0.6


def test_exercise_is_a_plain_exercise():
    assert all(isinstance(ex, Exercise) for ex in unit4.EXERCISES)


# ------------------------------------------------------------------ section 0: computational graph

def _centred(f, point, h=1e-6):
    """Centred differences of f at point (a list of floats), one input at a time."""
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return np.array(grads)


def test_graph_exercise_by_hand_and_by_differences():
    # x, y, z, w = -1.3, 3.1, 0.7, -2.1: q = x + y = 1.8, m = max(0.7, -2.1) = 0.7 (z wins)
    # dL/df = -2; multiply swaps: dL/dq = -2 m = -1.4, dL/dm = -2 q = -3.6
    # add distributes: dL/dx = dL/dy = -1.4; max routes: dL/dz = -3.6, dL/dw = 0
    hand = [-1.4, -1.4, -3.6, 0.0]
    np.testing.assert_allclose(NS["graph_grads"], hand, atol=1e-12)
    np.testing.assert_allclose(unit4._graph_grads(), hand, atol=1e-12)

    def loss(x, y, z, w):  # any L with dL/df = -2, e.g. L = -2 f
        return -2 * (x + y) * max(z, w)

    np.testing.assert_allclose(_centred(loss, [-1.3, 3.1, 0.7, -2.1]), hand, atol=1e-6)


def test_max_gate_answer_by_differences():
    # f = max(x y, z) at (2, -3, -1): x y = -6 < z = -1, so only z reaches f
    grads = _centred(lambda x, y, z: max(x * y, z), [2.0, -3.0, -1.0])
    np.testing.assert_allclose(grads, [0.0, 0.0, 1.0], atol=1e-6)
    assert EXERCISES["u4_max_gate"].expected == "xy_zero" and NS["max_gate"] == "xy_zero"
    # the options state these numbers: "all" would be (y, x, 1) = (-3, 2, 1)
    assert "−3" in EXERCISES["u4_max_gate"].options["all"]["en"]


def test_graph_mistakes_are_the_misconceptions_they_name():
    ex = EXERCISES["u4_graph_grads"]
    wrong = {m.name: np.asarray(m.wrong(), float) for m in ex.mistakes}
    np.testing.assert_allclose(wrong["no_upstream"], [0.7, 0.7, 1.8, 0.0])   # dL/df = 1
    np.testing.assert_allclose(wrong["no_swap"], [-3.6, -3.6, -1.4, 0.0])    # dq = -2 q
    np.testing.assert_allclose(wrong["max_both"], [-1.4, -1.4, -3.6, -3.6])
    np.testing.assert_allclose(wrong["max_smaller"], [-1.4, -1.4, 0.0, -3.6])
    np.testing.assert_allclose(wrong["add_halves"], [-0.7, -0.7, -3.6, 0.0])
