"""Unit 1 views: the ReLU neuron and the dead-neuron simulation.

The math of the view module is checked against nnkit and against values derived by hand.
"""

import numpy as np
import pytest

from nnkit.activations import get_activation
from nnkit.gradcheck import numerical_gradient
from workbook.i18n import set_language
from workbook.views import relu_neuron as rn


def png(view):
    return bytes(view.plot.image.value)


# ------------------------------------------------------------------ math

def test_forward_and_chain_rule_by_hand():
    # state 2: z = 0.1*20 - 0.1*10 = 1, y = 1; dy/dz = 1, dz/dw2 = x2 = 10, dy/dw2 = 10
    z, y = rn.forward(0.1, -0.1, 20.0, 10.0)
    assert z == pytest.approx(1.0) and y == pytest.approx(1.0)
    assert rn.chain_rule(0.1, -0.1, 20.0, 10.0) == pytest.approx((1.0, 10.0, 10.0))
    # state 1: z = -1.9, y = 0; dy/dz = 0, dy/dw2 = 0
    assert rn.chain_rule(0.1, -0.1, 1.0, 20.0) == pytest.approx((0.0, 20.0, 0.0))
    # z = 0 exactly: ReLU'(0) = 0
    assert rn.chain_rule(0.5, -0.5, 2.0, 2.0)[2] == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_chain_rule_agrees_with_centred_differences(seed):
    rng = np.random.default_rng(seed)
    w1, w2 = rng.uniform(-1, 1, 2)
    x1, x2 = rng.uniform(-5, 5, 2)
    if abs(w1 * x1 + w2 * x2) < 0.1:  # keep the step away from the kink
        w1 += 0.5
    numeric = numerical_gradient(lambda w: rn.forward(w1, float(w[0]), x1, x2)[1], np.array([w2]))
    assert rn.chain_rule(w1, w2, x1, x2)[2] == pytest.approx(float(numeric[0]), abs=1e-6)


def test_trace_gradients_are_dy_dw_and_the_shown_cost_is_y():
    net = rn.mini_network(0.1, -0.1)
    trace = rn.mini_trace(net, 0.1, -0.1, 20.0, 10.0)
    dw = {tuple(e.src): e.dw for e in trace.edges}
    assert dw[(0, 0)] == pytest.approx(20.0)  # dy/dw1 = ReLU'(1) x1 = 20
    assert dw[(0, 1)] == pytest.approx(10.0)  # dy/dw2 = ReLU'(1) x2 = 10
    assert trace.loss == pytest.approx(1.0)   # cost = y = 1
    dead = rn.mini_trace(net, 0.1, -0.1, 1.0, 20.0)
    assert all(e.dw == 0.0 for e in dead.edges) and dead.loss == 0.0


def test_descent_on_w2_is_flat_for_the_dead_data_set():
    X, T = rn.DEAD
    assert np.all(0.1 * X[:, 0] - 0.1 * X[:, 1] < 0)  # every example has z < 0
    for lr in (0.001, 0.02):
        w2s, costs = rn.descent_on_w2(0.1, -0.1, X, T, lr, 30)
        np.testing.assert_array_equal(w2s, -0.1)
        assert costs == pytest.approx(0.5 * 0.5 ** 2)  # y = 0 for all, t = 0.5: C = 1/2 * 0.25


def test_first_step_on_the_living_data_set_by_hand():
    X, T = rn.ALIVE
    # w2 = -0.1: z = (3 - 1, 6 - 2, 0.1 - 2, 0.3 - 1.2) = (2, 4, -1.9, -0.9); y - t = (1.5, 3, 0, 0)
    # dC/dw2 = (1.5 * 10 + 3 * 20) / 4 = 18.75
    w2s, _ = rn.descent_on_w2(0.1, -0.1, X, T, 0.004, 1)
    assert w2s[1] == pytest.approx(-0.1 - 0.004 * 18.75)


def test_a_small_learning_rate_fits_the_targets():
    X, T = rn.ALIVE
    w2s, costs = rn.descent_on_w2(0.1, -0.1, X, T, 0.005, 50)
    # the targets are ReLU(0.1 x1 - 0.25 x2): w2 = -0.25 fits them exactly
    assert w2s[-1] == pytest.approx(-0.25, abs=1e-6)
    assert costs[-1] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.diff(costs) <= 0)


def test_one_overshooting_step_kills_the_neuron_for_good():
    X, T = rn.ALIVE
    w2s, costs = rn.descent_on_w2(0.1, -0.1, X, T, 0.02, 30)
    assert w2s[1] == pytest.approx(-0.1 - 0.02 * 18.75)  # -0.475, beyond the optimum -0.25
    for w2 in w2s[1:]:
        assert np.all(X @ np.array([0.1, w2]) <= 0)  # dead: every z <= 0 ...
    np.testing.assert_array_equal(w2s[1:], w2s[1])   # ... and w2 never moves again
    # stuck at C = 1/(2n) sum t^2 = (0.25 + 1) / 8 > 0, the cost at w2 = -0.25: no minimum
    np.testing.assert_allclose(costs[1:], 1.25 / 8)


def test_descent_matches_the_chain_rule_by_hand():
    X, T = rn.ALIVE
    relu = get_activation("relu")
    w2 = -0.1
    for w_next in rn.descent_on_w2(0.1, -0.1, X, T, 0.01, 5)[0][1:]:
        z = X @ np.array([0.1, w2])
        w2 = w2 - 0.01 * np.mean((np.maximum(z, 0) - T[:, 0]) * relu.grad(z) * X[:, 1])
        assert w_next == pytest.approx(w2)


# ------------------------------------------------------------------ ReluNeuronView

@pytest.mark.parametrize("lang", ["de", "en"])
def test_view_builds_with_labelled_controls(lang):
    set_language(lang)
    view = rn.ReluNeuronView()
    assert set(view.controls) == {"w1", "w2", "x1", "x2"}
    for control in view.controls.values():
        assert control.description and control.tooltip
    assert png(view).startswith(b"\x89PNG")
    assert "<svg" in view.diagram.value
    # German: decimal comma in the readout; the start z = 0.2 * 5 + 0.1 * 5 is neither state's z
    assert ("z = 1,50" if lang == "de" else "z = 1.50") in view.readout.value
    assert "1,90" not in view.readout.value and "1.90" not in view.readout.value


def test_control_change_updates_image_readout_and_diagram_and_reset_restores():
    view = rn.ReluNeuronView()
    before = (png(view), view.readout.value, view.diagram.value)
    view.controls["w2"].value = 0.3  # z = 1 + 1.5 = 2.5 > 0
    after = (png(view), view.readout.value, view.diagram.value)
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert "z = 2.50" in view.readout.value
    view.reset()
    assert (png(view), view.readout.value, view.diagram.value) == before


def test_state_buttons_jump_to_the_states():
    view = rn.ReluNeuronView()
    count = view.update_count
    view.show_state(2)
    assert view.update_count == count + 1  # one update for four sliders
    assert view.values() == (0.1, -0.1, 20.0, 10.0)
    assert "∂y/∂w₂ = 10.00" in view.readout.value
    labels = [b.description for b in view._buttons.children]
    assert len(labels) == 3  # reset + two states


def test_each_slider_change_updates_once():
    """One update per value change (speed itself is measured by make bench, not here)."""
    view = rn.ReluNeuronView()
    for value in (-0.3, 0.0, 0.3):
        count = view.update_count
        view.controls["w2"].value = value
        assert view.update_count == count + 1


# ------------------------------------------------------------------ DeadNeuronView

def test_dead_neuron_view_updates_and_resets():
    view = rn.DeadNeuronView()
    assert not view.controls["lr"].continuous_update  # retrains: on release only
    before = png(view)
    view.controls["lr"].value = 0.02
    assert png(view) != before
    np.testing.assert_array_equal(view.dead_line.get_ydata(), -0.1)
    assert "−0.475" in view.readout.value  # data set 2 died in the first step
    view.reset()
    assert png(view) == before
