"""Unit 2 (activations, cost, gradient descent): every exercise of the source.

Expected values are derived by hand in the comments, never read from the code under test.
"""

import numpy as np
import pytest
from fixtures.answers import judge, wrong_namespace

from workbook.source import flatten
from workbook.units import unit2

EXERCISES = {ex.id: ex for ex in unit2.EXERCISES}
CELLS = flatten(unit2.CELLS)
# Mistakes that only differ from the right answer at an edge case of the hidden cases.
EDGE_ONLY = {("u2_maxout_grad_w", "tie_second"),
             ("u2_output_neuron_grads", "relu_prime_zero_is_one")}


def solution_namespace():
    """Run the given code (sigmoid) and every answer cell (the reference solutions)."""
    ns = {}
    for cell in CELLS:
        meta = cell.nbgrader or {}
        text = cell.text("en")
        if cell.cell_type == "code" and not meta.get("grade") and "View()" not in text:
            exec(text, ns)  # noqa: S102 - our own reference solutions
    return ns


NS = solution_namespace()


# ------------------------------------------------------------------ structure

def test_every_topic_of_the_seed_has_its_grade_ids_and_the_points_add_up():
    points = {c.nbgrader["grade_id"]: c.nbgrader["points"]
              for c in CELLS if c.nbgrader and c.nbgrader.get("grade")}
    topics = {  # seed topic -> grade ids (module docstring)
        "activations": ["u2_sigmoid_grad_check", "u2_leaky_relu_check", "u2_leaky_relu_grad_check",
                        "u2_maxout_check", "u2_maxout_grad_w_check"],
        "non-linearity": ["u2_nonlinear_check", "u2_nonlinear_explain"],
        "forward pass": ["u2_layer_forward_check"],
        "cost": ["u2_cost_check"],
        "derivative": ["u2_derivative_x3_check", "u2_derivative_at_2_check",
                       "u2_forward_difference_check", "u2_central_difference_check",
                       "u2_difference_explain"],
        "gradient descent": ["u2_gd_step_check", "u2_lr_max_check", "u2_lr_explain"],
        "backpropagation": ["u2_output_neuron_grads_check"],
    }
    assert sorted(sum(topics.values(), [])) == sorted(points)
    # 1+1+1+1+2 + 1+1 + 2 + 2 + 1+1+1+1+1 + 1+1+2 + 2 = 23
    assert sum(points.values()) == 23


def test_unit_metadata():
    assert unit2.UNIT.filename == {"de": "2_aktivierung_kosten_gradientenabstieg",
                                   "en": "2_activations_cost_gradient_descent"}


def test_german_text_uses_the_formal_address_and_never_repeats_the_wrong_formula_as_truth():
    german = " ".join(c.text("de") for c in CELLS if c.cell_type == "markdown")
    for informal in (" du ", " Du ", " dein", " Dein", " dir ", " dich "):
        assert informal not in german
    # the seed's f'(x) = 1/3 x^2 appears only inside the "Vorsicht" box, marked as wrong
    box = german[german.index("**Vorsicht.**"):]
    assert "\\frac13 x^2" in box[:300] and "**falsch**" in box[:300]
    assert german.count("\\frac13 x^2") == 1


# ------------------------------------------------------------------ reference solutions pass

@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_solution_passes(exercise_id, hidden):
    result = judge(EXERCISES[exercise_id], NS, hidden)
    assert result.passed, str(result)


@pytest.mark.parametrize("seed", [21, 22])
def test_reference_functions_pass_on_fresh_grading_seeds(seed):
    for ex in unit2.EXERCISES:
        if ex.kind == "function":
            assert judge(ex, NS, hidden=True, seed=seed).passed, ex.id


def test_references_by_hand():
    ex = EXERCISES
    # sigmoid'(0) = 1/2 * 1/2 = 1/4
    assert ex["u2_sigmoid_grad"].expected(np.array([0.0]))[0] == pytest.approx(0.25)
    # leaky ReLU: -2 -> -0.2, 0 -> 0, 3 -> 3; derivative 0.1, 0.1 (kink: left), 1
    np.testing.assert_allclose(ex["u2_leaky_relu"].expected(np.array([-2.0, 0.0, 3.0])),
                               [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(ex["u2_leaky_relu_grad"].expected(np.array([-2.0, 0.0, 3.0])),
                               [0.1, 0.1, 1.0])
    # maxout: x = (1, 2, 0), w1 = (1, 0, 0), b1 = 0 -> 1; w2 = (0, 1, 0), b2 = 0.5 -> 2.5: piece 2
    x, w1, w2 = np.array([1.0, 2.0, 0.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0])
    assert ex["u2_maxout"].expected(x, w1, 0.0, w2, 0.5) == pytest.approx(2.5)
    dw1, dw2 = ex["u2_maxout_grad_w"].expected(x, w1, 0.0, w2, 0.5)
    np.testing.assert_array_equal(dw1, 0.0)
    np.testing.assert_array_equal(dw2, x)
    # tie (w2 = w1, b2 = b1): the first piece gets the gradient
    dw1, dw2 = ex["u2_maxout_grad_w"].expected(x, w1, 0.0, w1, 0.0)
    np.testing.assert_array_equal(dw1, x)
    np.testing.assert_array_equal(dw2, 0.0)
    # layer: W = [[1, -1]], a = (2, 2), b = (0) -> sigmoid(0) = 0.5
    assert ex["u2_layer_forward"].expected(np.array([[1.0, -1.0]]), np.array([2.0, 2.0]),
                                           np.array([0.0]))[0] == pytest.approx(0.5)
    # cost: O - G = [[1, 1], [0, 2]] -> C_1 = 2, C_2 = 4, C = (2 + 4) / 2 = 3
    O, G = np.array([[1.0, 1.0], [0.0, 2.0]]), np.zeros((2, 2))
    assert ex["u2_cost"].expected(O, G) == pytest.approx(3.0)
    # (x^3)' = 3x^2, at 2: 12
    assert ex["u2_derivative_at_2"].expected() == pytest.approx(12.0)
    # x^3 at 2 with h = 0.1: forward (8.61 - 8)/0.1 = 12.61; centred (9.261 - 6.859)/0.2 = 12.01
    cube = unit2.Function("x**3", lambda x: x**3)
    assert ex["u2_forward_difference"].expected(cube, 2.0, 0.1) == pytest.approx(12.61)
    assert ex["u2_central_difference"].expected(cube, 2.0, 0.1) == pytest.approx(12.01)
    # gd step: (1, -2) - 0.1 (0.5, 0.5) = (0.95, -2.05)
    np.testing.assert_allclose(ex["u2_gd_step"].expected(np.array([1.0, -2.0]),
                                                         np.array([0.5, 0.5]), 0.1), [0.95, -2.05])
    # |1 - 2 eta| < 1 <=> eta < 1
    assert ex["u2_lr_max"].expected() == 1.0


def test_output_neuron_reference_by_hand():
    ref = EXERCISES["u2_output_neuron_grads"].expected
    # a = (1, 2), w = (0.5, 0.25), b = 0 -> z = 1 > 0, O = 1; G = 0: dC/dO = 2, delta = 2
    dw, db = ref(np.array([1.0, 2.0]), np.array([0.5, 0.25]), 0.0, 0.0)
    np.testing.assert_allclose(dw, [2.0, 4.0])
    assert db == pytest.approx(2.0)
    # z = -1 < 0: everything 0
    dw, db = ref(np.array([1.0, 2.0]), np.array([0.5, 0.25]), -2.0, 3.0)
    np.testing.assert_allclose(dw, 0.0)
    assert db == 0.0


def test_hidden_cases_contain_the_edge_cases():
    cases = EXERCISES["u2_output_neuron_grads"].case_list(seed=4, hidden=True)
    zs = [float(w @ a + b) for a, w, b, _ in cases]
    assert 0.0 in zs and min(zs) < 0 < max(zs)
    visible = EXERCISES["u2_output_neuron_grads"].case_list(seed=4)
    assert min(float(w @ a + b) for a, w, b, _ in visible) < 0  # missing ReLU' visible
    ties = [c for c in EXERCISES["u2_maxout_grad_w"].case_list(seed=4, hidden=True)
            if np.array_equal(c[1], c[3]) and c[2] == c[4]]
    assert ties


# ------------------------------------------------------------------ mistakes

MISTAKES = [(ex.id, m.name) for ex in unit2.EXERCISES for m in ex.mistakes]


@pytest.mark.parametrize("exercise_id, name", [m for m in MISTAKES if m not in EDGE_ONLY])
def test_the_visible_check_already_catches_the_mistake(exercise_id, name):
    ex = EXERCISES[exercise_id]
    mistake = next(m for m in ex.mistakes if m.name == name)
    assert not judge(ex, wrong_namespace(ex, mistake)).passed


def test_the_seeds_wrong_derivative_gets_the_careful_hint():
    ex = EXERCISES["u2_derivative_x3"]
    result = judge(ex, {"derivative_x3": "1/3 * x^2"}, lang="de")
    assert not result.passed and "Mitschrift" in result.hint
    assert judge(ex, {"derivative_x3": "3*x^2"}).passed
    assert judge(ex, {"derivative_x3": "x**2 + 2*x*x"}).passed
    result = judge(EXERCISES["u2_derivative_at_2"], {"derivative_at_2": 4 / 3}, lang="en")
    assert not result.passed and "lecture notes" in result.hint


def test_tuple_or_array_answers_are_both_accepted():
    def stacked(x, w1, b1, w2, b2):
        first = w1 @ x + b1 >= w2 @ x + b2
        return np.stack([x * first, x * (not first)])

    assert judge(EXERCISES["u2_maxout_grad_w"], {"maxout_grad_w": stacked}, hidden=True).passed

    def as_list(a, w, b, G):
        z = w @ a + b
        d = 2 * (max(z, 0) - G) * (z > 0)
        return [d * a, d]

    assert judge(EXERCISES["u2_output_neuron_grads"], {"output_neuron_grads": as_list},
                 hidden=True).passed


def test_cost_with_only_one_output_per_example_still_needs_the_mean():
    ex = EXERCISES["u2_cost"]
    assert not judge(ex, {"cost": lambda O, G: float(np.sum((O - G) ** 2))}, hidden=True).passed


# ------------------------------------------------------------------ broken answers

def test_decimal_comma_gets_its_hint():
    result = judge(EXERCISES["u2_lr_max"], {"lr_max": (1, 0)}, lang="de")
    assert not result.passed and "Punkt" in result.hint


def test_a_function_that_raises_fails_with_the_error():
    ex = EXERCISES["u2_gd_step"]
    result = judge(ex, {"gd_step": lambda w, g, lr: w - lr * undefined_name})  # noqa: F821
    assert not result.passed and "NameError" in result.message
