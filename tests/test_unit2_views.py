"""Unit 2 views: activations, difference quotients, gradient descent, output neuron.

The math of the view modules is checked against nnkit and against values derived by hand.
"""

import numpy as np
import pytest

from nnkit.activations import get_activation
from nnkit.gradcheck import numerical_gradient
from workbook.i18n import set_language
from workbook.reference import gradient_descent as gd_ref
from workbook.reference import output_neuron as on_ref
from workbook.units import answers
from workbook.views import activations as av
from workbook.views import difference_quotient as dq
from workbook.views import gradient_descent as gd
from workbook.views import output_neuron as on


def png(view):
    return bytes(view.plot.image.value)


def updates_per_change(view, name, values):
    """How many update() calls each value change caused."""
    counts = []
    for v in values:
        before = view.update_count
        view.controls[name].value = v
        counts.append(view.update_count - before)
    return counts


# ------------------------------------------------------------------ math

def test_maxout_1d_by_hand():
    # pieces z and -0.5 z + 0.5 cross at z = 1/3; z = 1: 1 vs 0 -> 1 (slope 1);
    # z = -1: -1 vs 1 -> 1 (slope -0.5)
    value, slope = av.maxout_1d(np.array([1.0, -1.0]))
    np.testing.assert_allclose(value, [1.0, 1.0])
    np.testing.assert_allclose(slope, [1.0, -0.5])


@pytest.mark.parametrize("name", av.NAMES)
def test_activation_derivatives_agree_with_centred_differences(name):
    z = np.array([-2.3, -0.7, 0.4, 1.9])  # away from the kinks (0 and 1/3)
    g, dg = av.activation_and_grad(name, z)
    numeric = numerical_gradient(lambda v: float(np.sum(av.activation_and_grad(name, v)[0])), z)
    np.testing.assert_allclose(dg, numeric, atol=1e-6)
    if name != "maxout":
        np.testing.assert_allclose(g, get_activation(name).fn(z))


def test_difference_quotient_errors_have_the_expected_orders():
    # x^3 at x = 2: forward error = 3x h + h^2 = 6h + h^2, centred error = h^2 exactly
    h = np.array([1e-1, 1e-2])
    forward, central = dq.errors(2.0, h)
    np.testing.assert_allclose(forward, 6 * h + h**2, rtol=1e-6)
    np.testing.assert_allclose(central, h**2, rtol=1e-5)
    # round-off on the left: at h = 1e-12 the forward error is far above the truncation 6e-12
    assert dq.errors(2.0, np.array([1e-12]))[0][0] > 1e-6
    assert dq.EXACT(2.0) == 12.0


def test_sci_formats_in_both_languages():
    assert dq.sci(1.234e-5) == "1.23·10⁻⁵"
    set_language("de")
    assert dq.sci(1.234e-5) == "1,23·10⁻⁵"
    assert dq.sci(0.0) == "0"


def test_descent_by_hand_and_the_three_regimes():
    # w_t - 3 = (1 - 2 eta)^t (w_0 - 3)
    w = gd_ref.descent(-1.0, 0.25, 3)
    np.testing.assert_allclose(w - 3, (-4.0) * 0.5 ** np.arange(4))
    assert gd_ref.descent(-1.0, 0.5, 1)[1] == pytest.approx(3.0)         # one step
    over = gd_ref.descent(-1.0, 0.75, 6) - 3                             # factor -0.5
    assert np.all(np.sign(over[1:]) != np.sign(over[:-1])) and abs(over[-1]) < abs(over[0])
    np.testing.assert_allclose(np.abs(gd_ref.descent(-1.0, 1.0, 4) - 3), 4.0)  # oscillates
    assert abs(gd_ref.descent(-1.0, 1.1, 20)[-1] - 3) > 100                     # diverges


def test_output_grads_are_nnkits_and_match_the_chain_factors():
    for a, w, b, G in [(1.5, 0.8, -0.2, 0.5), (1.0, -1.0, 0.2, 0.3), (2.0, 0.5, 0.1, 3.0)]:
        z, out, dC_dO, dO_dz, dz_dw = on_ref.chain_factors(a, w, b, G)
        z_hand = w * a + b
        relu_grad = 1.0 if z_hand > 0 else 0.0  # ReLU'(0) = 0
        hand = (z_hand, max(z_hand, 0.0), 2 * (max(z_hand, 0.0) - G), relu_grad, a)
        assert (z, out, dC_dO, dO_dz, dz_dw) == pytest.approx(hand)
        dw, db = answers.output_grads([a], [w], b, G)
        assert float(dw[0]) == pytest.approx(dC_dO * dO_dz * dz_dw)
        assert db == pytest.approx(dC_dO * dO_dz)
    # by hand: a = 1.5, w = 0.8, b = -0.2: z = 1.0, O = 1, G = 0.5: dC/dO = 1, dC/dw = 1.5
    dw, db = answers.output_grads([1.5], [0.8], -0.2, 0.5)
    assert float(dw[0]) == pytest.approx(1.5) and db == pytest.approx(1.0)


# ------------------------------------------------------------------ views

@pytest.mark.parametrize("lang", ["de", "en"])
def test_activation_view(lang):
    set_language(lang)
    view = av.ActivationView()
    before = (png(view), view.readout.value)
    view.controls["activation"].value = "leaky_relu"
    after = (png(view), view.readout.value)
    assert before[0] != after[0]
    view.controls["z"].value = -2.0
    # leaky ReLU at -2: -0.2, slope 0.1
    assert ("−0,200" if lang == "de" else "−0.200") in view.readout.value
    view.reset()
    assert (png(view), view.readout.value) == before
    labels = [label for label, _ in view.controls["activation"].options]
    assert any(("0,1" if lang == "de" else "0.1") in label for label in labels)


def test_difference_quotient_view():
    view = dq.DifferenceQuotientView()
    before = (png(view), view.readout.value)
    view.controls["h"].value = 1e-6
    assert png(view) != before[0] and view.readout.value != before[1]
    assert view.forward_dot.get_xdata()[0] == pytest.approx(1e-6)
    view.reset()
    assert (png(view), view.readout.value) == before


def test_gradient_descent_view_shows_the_regimes():
    view = gd.GradientDescentView()
    before = (png(view), view.readout.value)
    assert "converges" in view.readout.value
    view.controls["lr"].value = 0.8
    assert "overshooting" in view.readout.value and png(view) != before[0]
    view.controls["lr"].value = 1.1
    assert "diverges" in view.readout.value
    view.reset()
    assert (png(view), view.readout.value) == before


def test_output_neuron_view_diagram_and_readout():
    view = on.OutputNeuronView()
    before = (view.readout.value, view.diagram.value)
    assert "<svg" in view.diagram.value and "∂L/∂w = 1.500" in view.readout.value
    view.controls["b"].value = -2.0  # z = 1.2 - 2 < 0: dead, gradients 0
    assert "∂L/∂w = 0.000" in view.readout.value and view.diagram.value != before[1]
    view.reset()
    assert (view.readout.value, view.diagram.value) == before


def test_each_slider_change_updates_once():
    """One update per value change (speed itself is measured by make bench, not here)."""
    assert updates_per_change(av.ActivationView(), "z", [-3.0, 0.5, 3.0]) == [1, 1, 1]
    assert updates_per_change(dq.DifferenceQuotientView(), "x", [-2.0, 0.5, 2.0]) == [1, 1, 1]
    assert updates_per_change(gd.GradientDescentView(), "lr", [0.25, 0.6, 1.1]) == [1, 1, 1]
    assert updates_per_change(on.OutputNeuronView(), "w", [-1.0, 0.5, 1.0]) == [1, 1, 1]
