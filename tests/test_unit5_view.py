"""Unit 5 view (workbook/views/vanishing.py): the math against nnkit and hand derivations, the
view's controls, readouts, diagram and reset, and the numerical cross-check of exercise 1."""


import numpy as np
import pytest

from nnkit.activations import get_activation
from workbook.i18n import set_language
from workbook.views import vanishing as V

ACTS = ["sigmoid", "tanh", "relu", "identity"]


# ------------------------------------------------------------------ math

@pytest.mark.parametrize("act", ACTS)
def test_gradient_vs_depth_matches_nnkit_backprop(act):
    w, b = V.chain_parameters(10, 1.3, seed=2)
    plain, skip = V.gradient_vs_depth(0.5, w, b, act)
    assert np.isnan(skip[:2]).all()
    for n in range(1, 11):
        assert plain[n - 1] == pytest.approx(abs(V.network_dON_dw1(0.5, w[:n], b[:n], act)),
                                             rel=1e-9, abs=1e-300)
        assert plain[n - 1] == pytest.approx(abs(V.dON_dw1(0.5, w[:n], b[:n], act)), rel=1e-9)
        if n >= 3:
            ref = abs(V.network_dON_dw1(0.5, w[:n], b[:n], act, skip=True))
            assert skip[n - 1] == pytest.approx(ref, rel=1e-9, abs=1e-300)


def test_identity_chain_by_hand():
    """Identity: d o_n/d w_1 = x w_2 ... w_n; with the skip 1 -> n: x (1 + w_2 ... w_n).
    x = 0.5, w = (2, 3, 0.5, 4): plain = 0.5, 1.5, 0.75, 3; skip (n >= 3) = 0.5 * 4 = 2 (n = 3:
    1 + 3 * 0.5), 0.5 * 7 = 3.5 (n = 4: 1 + 3 * 0.5 * 4)."""
    w, b = np.array([2.0, 3.0, 0.5, 4.0]), np.zeros(4)
    plain, skip = V.gradient_vs_depth(0.5, w, b, "identity")
    np.testing.assert_allclose(plain, [0.5, 1.5, 0.75, 3.0])
    np.testing.assert_allclose(skip[2:], [1.25, 3.5])


def test_sigmoid_factors_are_at_most_a_quarter_of_w():
    """sigmoid' <= 1/4, so |w_i sigma'(s_i)| <= |w_i| / 4 and the product vanishes for |w_i| < 4."""
    w, b = V.chain_parameters(30, 1.0)
    plain, _ = V.gradient_vs_depth(0.5, w, b, "sigmoid")
    assert plain[-1] < 0.5 * 0.25 * (1.2 / 4) ** 29
    assert np.all(np.diff(plain) < 0)


def test_chain_forward_skip_adds_o1_to_the_last_sum():
    w, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0])
    s, o = V.chain_forward(1.0, w, b, "identity", skip=True)
    # o_1 = 1, o_2 = 2, s_3 = 3 * 2 + 0 + o_1 = 7
    np.testing.assert_allclose(s, [1.0, 2.0, 7.0])


def test_chain_network_parameters():
    w, b = np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4)
    net = V.chain_network(w, b, "sigmoid", "to_output")
    assert set(net.params) == {"W1", "W2", "W3", "W4", "W4_1", "W4_2", "b1", "b2", "b3", "b4"}
    assert net.params["W4_1"][0, 0] == 1.0 and net.params["W3"][0, 0] == 3.0
    res = V.chain_network(w, b, "sigmoid", "residual")
    assert [L.residual for L in res.layers] == [False, True, True, False]


def test_gradients_per_layer_first_entry_is_the_exercise_gradient():
    w, b = V.chain_parameters(8, 1.0)
    for arch, skip in (("plain", False), ("skip", True)):
        g = V.gradients_per_layer(8, arch, "sigmoid", 1.0)
        assert g[0] == pytest.approx(abs(V.dON_dw1(0.5, w, b, "sigmoid", skip)), rel=1e-9)
    # skips from every layer: the early layers keep gradients of the order of the last layer's
    g = V.gradients_per_layer(12, "to_output", "sigmoid", 1.0)
    plain = V.gradients_per_layer(12, "plain", "sigmoid", 1.0)
    assert g[0] / g[-1] > 1e3 * plain[0] / plain[-1]


def test_sci_formats_per_language():
    assert V.sci(3.14159e-12) == "3.14 · 10⁻¹²"
    assert V.sci(0.5) == "0.500" and V.sci(0.0) == "0.00" and V.sci(float("nan")) == "—"
    assert V.sci(9.999e4) == "1.00 · 10⁵"
    set_language("de")
    assert V.sci(3.14159e-12) == "3,14 · 10⁻¹²"


# ------------------------------------------------------------------ numerical check of exercise 1

REFERENCE = {"a": "W[1, j]", "b": "delta(i, 1) * x[j]", "c": "delta(i, 1)",
             "d": "W[1, j] * H(f[1])", "e": "sigmoid(f[1]) * (1 - sigmoid(f[1])) * W[1, j]",
             "f": "Sum(a[i] * H(f[i]) * W[i, j], (i, 1, m))"}
WRONG = {"a": "W[j, 1]", "b": "x[j]", "c": "1", "d": "W[1, j]", "e": "sigmoid(f[1]) * W[1, j]",
         "f": "Sum(a[i] * W[i, j], (i, 1, m))"}


@pytest.mark.parametrize("part", list(REFERENCE))
def test_numeric_check_accepts_reference_and_catches_mistakes(part):
    rows = V.sheet11_numeric_check(REFERENCE[part], part)
    assert len(rows) == 2 * {"b": 6, "c": 2}.get(part, 3)  # two points
    assert all(np.isclose(f, n, rtol=1e-5, atol=1e-7) for _, _, f, n in rows)
    wrong = V.sheet11_numeric_check(WRONG[part], part)
    assert not all(np.isclose(f, n, rtol=1e-5, atol=1e-7) for _, _, f, n in wrong)


def test_print_sheet11_check_handles_blank_and_bad_input(capsys):
    V.print_sheet11_check({"a": None, "b": "x[", "c": "delta(i, 1)"})
    out = capsys.readouterr().out
    assert "no answer yet" in out and "cannot be read" in out and "✔" in out


# ------------------------------------------------------------------ the view

def test_view_builds_updates_and_resets():
    set_language("de")
    view = V.VanishingView()
    image, readout = bytes(view.plot.image.value), view.readout.value
    assert image.startswith(b"\x89PNG") and "Tiefe" in view.widget.children[0].children[1].value
    assert "ohne Skip" in readout and "," in readout  # German decimal comma
    view.controls["w"].value = 2.5
    assert bytes(view.plot.image.value) != image and view.readout.value != readout
    view.controls["activation"].value = "identity"
    # identity with w_i = 2.5 u_i: every factor is w_i itself
    w, _ = V.chain_parameters(6, 2.5)
    assert V.sci(0.5 * np.prod(w[1:])) in view.readout.value
    view.reset()
    assert view.controls["w"].value == 1.0 and view.controls["activation"].value == "sigmoid"
    assert bytes(view.plot.image.value) == image and view.readout.value == readout


def test_view_diagram_shows_the_chain_and_the_skip():
    view = V.VanishingView(depth=4)
    svg = view.diagram.value
    assert "<svg" in svg and "skip" not in svg and "∂L/∂w" in svg
    view.controls["skip"].value = True
    assert "class='edge skip'" in view.diagram.value


def test_view_diagram_stays_legible_at_every_depth():
    """Labels keep their natural 13 px: the drawing is never shrunk to the page width but sits in
    a box that scrolls sideways, for every N the slider allows."""
    view = V.VanishingView(depth=4)
    for N in (6, 12, V.N_MAX):
        view.controls["N"].value = N
        html = view.diagram.value
        assert html.startswith("<div style='overflow-x:auto'><svg") and "max-width:100%" not in html
        assert html.count("class='node") >= N + 1  # the input and N neurons, all drawn
    view.controls["N"].value = 1
    assert view.status.value == ""  # no error for the shortest chain


def test_view_diagram_gradients_are_the_chain_gradients():
    """The diagram's trace has dL/do_N = 1, so its dL/dw_1 is d o_N/d w_1."""
    w, b = V.chain_parameters(4, 1.0)
    trace = V.chain_trace(0.5, w, b, "sigmoid")
    first = [e for e in trace.edges if e.name.startswith("W1[")][0]
    assert first.dw == pytest.approx(V.dON_dw1(0.5, w, b, "sigmoid"), rel=1e-9)


def test_each_slider_change_redraws_once():
    """One value change, one update and a new picture (speed itself is measured by make bench)."""
    view = V.VanishingView(depth=5)
    for k in range(3):
        before, count = bytes(view.plot.image.value), view.update_count
        view.controls["w"].value = 0.6 + 0.2 * k
        assert view.update_count == count + 1
        assert bytes(view.plot.image.value) != before


def test_architecture_figure_builds():
    fv = V.architecture_figure(N=6)
    assert bytes(fv.image.value).startswith(b"\x89PNG")
    assert len(fv.figure.axes[0].lines) == 4


def test_activation_names_known_to_nnkit():
    for name in V.ACTIVATIONS:
        assert get_activation(name).name == name


def test_the_remedies_text_states_what_the_view_shows():
    """Unit 5, "Gegenmittel": |d o_N / d w_1| at N = 30 for the settings the text names."""
    def at_30(activation, scale):
        w, b = V.chain_parameters(30, scale)
        return V.gradient_vs_depth(0.5, w, b, activation)[0][29]

    assert 0.4 < at_30("relu", 1.0) < 0.7                 # "bei etwa 0,5"
    assert 1e-21 < at_30("sigmoid", 1.0) < 1e-19          # "etwa 10^-20"
    assert 10**4.5 < at_30("relu", 1.5) < 10**5.5         # "etwa 10^5"
    assert 1e-36 < at_30("sigmoid", 4.0) < 1e-34          # "mit w = 4 etwa 10^-35"
    assert 10**2.5 < at_30("identity", 1.3) < 10**3.5     # "etwa 10^3"
    # every layer's ReLU is active at w = 1: the factors are the weights themselves
    w, b = V.chain_parameters(30, 1.0)
    s, _ = V.chain_forward(0.5, w, b, "relu")
    assert np.all(s > 0)
