"""Unit 1 (ReLU and the chain rule): every exercise of the source.

Expected values are derived by hand in the comments, never read from the code under test.
Mini network: z = w1 x1 + w2 x2, y = ReLU(z), cost = y.
"""

import numpy as np
import pytest
from fixtures.answers import judge, wrong_namespace

from workbook.source import flatten
from workbook.units import unit1

EXERCISES = {ex.id: ex for ex in unit1.EXERCISES}
CELLS = flatten(unit1.CELLS)


def solution_namespace():
    """Run every code cell of the unit except views and test cells (the reference solutions)."""
    ns = {}
    for cell in CELLS:
        meta = cell.nbgrader or {}
        if cell.cell_type == "code" and meta.get("solution"):
            exec(cell.text("en"), ns)  # noqa: S102 - our own reference solutions
    return ns


NS = solution_namespace()


# ------------------------------------------------------------------ structure

def test_every_sub_question_of_the_seed_has_its_grade_id_and_the_points_add_up():
    points = {c.nbgrader["grade_id"]: c.nbgrader["points"]
              for c in CELLS if c.nbgrader and c.nbgrader.get("grade")}
    seed_map = {  # sub-question -> grade ids (module docstring)
        "a": ["u1_relu_grad_check"],
        "b": ["u1_dz_dw2_check"],
        "c": ["u1_dy_dw2_check", "u1_z_cs1_check", "u1_dy_dw2_cs1_check", "u1_z_cs2_check",
              "u1_dy_dw2_cs2_check", "u1_w2_next_cs2_check"],
        "d": ["u1_dead_choice_check", "u1_dead_explain"],
    }
    assert sorted(sum(seed_map.values(), [])) == sorted(points)
    assert sum(points.values()) == 13  # 2+1+2+1+1+1+1+1 + 1+2


def test_unit_metadata():
    assert unit1.UNIT.id == "unit1"
    assert unit1.UNIT.filename == {"de": "1_relu_kettenregel", "en": "1_relu_chain_rule"}


# ------------------------------------------------------------------ reference solutions pass

@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_solution_passes(exercise_id, hidden):
    result = judge(EXERCISES[exercise_id], NS, hidden)
    assert result.passed, str(result)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_reference_functions_pass_on_fresh_grading_seeds(seed):
    for exercise_id in ("u1_relu_grad", "u1_dy_dw2"):
        assert judge(EXERCISES[exercise_id], NS, hidden=True, seed=seed).passed


def test_hand_values_of_the_two_states():
    ex = EXERCISES
    # state 1: z = 0.1*1 + (-0.1)*20 = 0.1 - 2 = -1.9 <= 0, so dy/dw2 = ReLU'(z) x2 = 0
    assert ex["u1_z_cs1"].expected() == pytest.approx(-1.9)
    assert ex["u1_dy_dw2_cs1"].expected() == 0.0
    # state 2: z = 0.1*20 + (-0.1)*10 = 2 - 1 = 1 > 0, so dy/dw2 = 1 * x2 = 10
    assert ex["u1_z_cs2"].expected() == pytest.approx(1.0)
    assert ex["u1_dy_dw2_cs2"].expected() == pytest.approx(10.0)
    # one step with eps = 0.01: w2 = -0.1 - 0.01 * 10 = -0.2
    assert ex["u1_w2_next_cs2"].expected() == pytest.approx(-0.2)


def test_reference_relu_grad_at_the_kink_and_around_it():
    ref = EXERCISES["u1_relu_grad"].expected
    # by hand: 0 for z <= 0 (including 0 and -0.0), 1 for z > 0 (even the tiniest)
    np.testing.assert_array_equal(ref(np.array([-1.0, -0.0, 0.0, 5e-324, 1e-12, 3.0])),
                                  [0, 0, 0, 1, 1, 1])


def test_reference_dy_dw2_in_all_three_cases():
    ref = EXERCISES["u1_dy_dw2"].expected
    assert ref(0.5, 0.5, 2.0, 4.0) == pytest.approx(4.0)   # z = 1 + 2 = 3 > 0: x2 = 4
    assert ref(0.5, -0.5, 2.0, 4.0) == 0.0                 # z = 1 - 2 = -1: 0
    assert ref(0.5, -0.5, 2.0, 2.0) == 0.0                 # z = 1 - 1 = 0 exactly: ReLU'(0) = 0


def test_hidden_cases_contain_z_equal_zero_exactly():
    cases = EXERCISES["u1_dy_dw2"].case_list(seed=3, hidden=True)
    zs = [w1 * x1 + w2 * x2 for w1, w2, x1, x2 in cases]
    assert 0.0 in zs and any(z > 0 for z in zs) and any(z < 0 for z in zs)
    relu_cases = EXERCISES["u1_relu_grad"].case_list(seed=3, hidden=False)
    assert any((np.asarray(c[0]) == 0).any() for c in relu_cases)


@pytest.mark.parametrize("seed", [None, 3, 11, 12, 13])
def test_z_equal_zero_cases_are_zero_on_every_machine(seed):
    """At the kink the products w x are exact floats, so z = 0 whether the sum is computed with
    fused multiply-add (OpenBLAS on AVX-512 got 1.1e-16 for random w, x and failed the model
    solution) or without: the exact rational sum is 0 and no product is rounded."""
    from fractions import Fraction

    kinks = 0
    for w1, w2, x1, x2 in EXERCISES["u1_dy_dw2"].case_list(seed=seed, hidden=True):
        if w1 * x1 + w2 * x2 == 0:
            kinks += 1
            assert Fraction(w1) * Fraction(x1) + Fraction(w2) * Fraction(x2) == 0
            assert Fraction(w1 * x1) == Fraction(w1) * Fraction(x1)
            assert Fraction(w2 * x2) == Fraction(w2) * Fraction(x2)
    assert kinks >= 3


# ------------------------------------------------------------------ mistakes

def test_relu_prime_zero_is_one_is_caught_by_the_visible_check_already():
    ex = EXERCISES["u1_relu_grad"]
    mistake = next(m for m in ex.mistakes if m.name == "relu_prime_zero_is_one")
    result = judge(ex, wrong_namespace(ex, mistake), hidden=False)
    assert not result.passed and result.hint == mistake.hint["en"]


def test_hints_do_not_reveal_the_numbers():
    for ex in unit1.EXERCISES:
        if ex.kind == "value":
            answer = f"{ex.expected():g}"
            for m in ex.mistakes:
                assert answer not in m.hint["de"].replace(",", ".") and answer not in m.hint["en"]


def test_boolean_arrays_are_accepted_for_relu_grad():
    ex = EXERCISES["u1_relu_grad"]
    assert judge(ex, {"relu_grad": lambda z: np.asarray(z) > 0}, hidden=True).passed


def test_an_integer_result_is_accepted_for_dy_dw2():
    ex = EXERCISES["u1_dy_dw2"]
    assert judge(ex, {"dy_dw2": lambda w1, w2, x1, x2: x2 if w1 * x1 + w2 * x2 > 0 else 0},
                 hidden=True).passed


# ------------------------------------------------------------------ broken answers

def test_decimal_comma_gets_its_hint():
    # w1 = 0,1 in Python is the tuple (0, 1); z_cs2 = 1,0 would be (1, 0)
    result = judge(EXERCISES["u1_z_cs2"], {"z_cs2": (1, 0)}, lang="de")
    assert not result.passed and "Punkt" in result.hint


def test_wrong_choice_and_unknown_key():
    ex = EXERCISES["u1_dead_choice"]
    assert not judge(ex, {"w2_fate": "zero"}).passed
    assert not judge(ex, {"w2_fate": "explodes"}).passed
    assert judge(ex, {"w2_fate": " Unchanged "}).passed


def test_expression_answers():
    ex = EXERCISES["u1_dz_dw2"]
    assert judge(ex, {"dz_dw2": "x2"}).passed
    assert judge(ex, {"dz_dw2": "1*x2 + 0*w1"}).passed
    assert not judge(ex, {"dz_dw2": "x2**2"}).passed
    assert not judge(ex, {"dz_dw2": "import os"}).passed
