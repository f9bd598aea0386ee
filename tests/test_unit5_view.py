"""Unit 5 view (workbook/views/vanishing.py): the math against nnkit and hand derivations, the
view's controls, readouts, diagram and reset, and the numerical cross-check of exercise 1."""


import re

import numpy as np
import pytest

from nnkit.activations import get_activation
from workbook.i18n import set_language
from workbook.reference import vanishing as V_ref
from workbook.units.answers import network_dON_dw1
from workbook.views import vanishing as V
from workbook.views.diagram import MAX_WIDTH
from workbook.views.diagram import SUBSCRIPTS as SUB

ACTS = ["sigmoid", "tanh", "relu", "identity"]


def dON_dw1(x, w, b, activation, skip=False):
    r"""$\partial o_N/\partial w_1$ by the chain rule, written out here: without skip
    $x\,\sigma'(s_1)\prod_{i=2}^N w_i\,\sigma'(s_i)$; with the skip from layer 1 to N ($N \ge 3$)
    $x\,\sigma'(s_1)\,\sigma'(s_N)\,(1 + w_N\prod_{i=2}^{N-1} w_i\,\sigma'(s_i))$."""
    act = get_activation(activation)
    s, _ = V_ref.chain_forward(x, w, b, activation, skip)
    d = act.grad(s)  # sigma'(s_i)
    inner = np.prod(w[1:-1] * d[1:-1])  # prod_{i=2}^{N-1} w_i sigma'(s_i) (1 for N <= 2)
    if skip and len(w) >= 3:
        return float(x * d[0] * d[-1] * (1.0 + w[-1] * inner))
    return float(x * d[0] * (np.prod(w[1:] * d[1:]) if len(w) > 1 else 1.0))


# ------------------------------------------------------------------ math

@pytest.mark.parametrize("act", ACTS)
def test_gradient_vs_depth_matches_nnkit_backprop(act):
    w, b = V_ref.chain_parameters(10, 1.3, seed=2)
    plain, skip = V_ref.gradient_vs_depth(0.5, w, b, act)
    assert np.isnan(skip[:2]).all()
    for n in range(1, 11):
        assert plain[n - 1] == pytest.approx(abs(network_dON_dw1(0.5, w[:n], b[:n], act)),
                                             rel=1e-9, abs=1e-300)
        assert plain[n - 1] == pytest.approx(abs(dON_dw1(0.5, w[:n], b[:n], act)), rel=1e-9)
        if n >= 3:
            ref = abs(network_dON_dw1(0.5, w[:n], b[:n], act, skip=True))
            assert skip[n - 1] == pytest.approx(ref, rel=1e-9, abs=1e-300)


def test_identity_chain_by_hand():
    """Identity: d o_n/d w_1 = x w_2 ... w_n; with the skip 1 -> n: x (1 + w_2 ... w_n).
    x = 0.5, w = (2, 3, 0.5, 4): plain = 0.5, 1.5, 0.75, 3; skip (n >= 3) = 0.5 * 4 = 2 (n = 3:
    1 + 3 * 0.5), 0.5 * 7 = 3.5 (n = 4: 1 + 3 * 0.5 * 4)."""
    w, b = np.array([2.0, 3.0, 0.5, 4.0]), np.zeros(4)
    plain, skip = V_ref.gradient_vs_depth(0.5, w, b, "identity")
    np.testing.assert_allclose(plain, [0.5, 1.5, 0.75, 3.0])
    np.testing.assert_allclose(skip[2:], [1.25, 3.5])


def test_sigmoid_factors_are_at_most_a_quarter_of_w():
    """sigmoid' <= 1/4, so |w_i sigma'(s_i)| <= |w_i| / 4 and the product vanishes for |w_i| < 4."""
    w, b = V_ref.chain_parameters(30, 1.0)
    plain, _ = V_ref.gradient_vs_depth(0.5, w, b, "sigmoid")
    assert plain[-1] < 0.5 * 0.25 * (1.2 / 4) ** 29
    assert np.all(np.diff(plain) < 0)


def test_chain_forward_skip_adds_o1_to_the_last_sum():
    w, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0])
    s, o = V_ref.chain_forward(1.0, w, b, "identity", skip=True)
    # o_1 = 1, o_2 = 2, s_3 = 3 * 2 + 0 + o_1 = 7
    np.testing.assert_allclose(s, [1.0, 2.0, 7.0])


def test_chain_network_parameters():
    w, b = np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4)
    net = V_ref.chain_network(w, b, "sigmoid", "to_output")
    assert set(net.params) == {"W1", "W2", "W3", "W4", "W4_1", "W4_2", "b1", "b2", "b3", "b4"}
    assert net.params["W4_1"][0, 0] == 1.0 and net.params["W3"][0, 0] == 3.0
    res = V_ref.chain_network(w, b, "sigmoid", "residual")
    assert [L.residual for L in res.layers] == [False, True, True, False]


def test_gradients_per_layer_first_entry_is_the_exercise_gradient():
    w, b = V_ref.chain_parameters(8, 1.0)
    for arch, skip in (("plain", False), ("skip", True)):
        g = V_ref.gradients_per_layer(8, arch, "sigmoid", 1.0)
        assert g[0] == pytest.approx(abs(dON_dw1(0.5, w, b, "sigmoid", skip)), rel=1e-9)
    # skips from every layer: the early layers keep gradients of the order of the last layer's
    g = V_ref.gradients_per_layer(12, "to_output", "sigmoid", 1.0)
    plain = V_ref.gradients_per_layer(12, "plain", "sigmoid", 1.0)
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
    rows = V_ref.sheet11_numeric_check(REFERENCE[part], part)
    assert len(rows) == 2 * {"b": 6, "c": 2}.get(part, 3)  # two points
    assert all(np.isclose(f, n, rtol=1e-5, atol=1e-7) for _, _, f, n in rows)
    wrong = V_ref.sheet11_numeric_check(WRONG[part], part)
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
    assert image.startswith(b"\x89PNG") and "Tiefe" in view.widget.children[0].children[2].value
    assert "ohne Skip" in readout and "," in readout  # German decimal comma
    view.controls["w"].value = 2.5
    assert bytes(view.plot.image.value) != image and view.readout.value != readout
    view.controls["activation"].value = "identity"
    # identity with w_i = 2.5 u_i: every factor is w_i itself
    w, _ = V_ref.chain_parameters(6, 2.5)
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
    """Labels keep their natural size in a notebook MAX_WIDTH wide: a long chain continues in
    the next row instead of growing sideways (it was 7400 px wide in a scrolling box at N = 30),
    for every N the slider allows; every weight by its name (w₁ ... w_N)."""
    view = V.VanishingView(depth=4)
    view.controls["skip"].value = True
    for N in (6, 12, V_ref.N_MAX):
        view.controls["N"].value = N
        html = view.diagram.value
        assert html.startswith("<svg") and "overflow" not in html
        width = int(re.search(r"width='(\d+)'", html).group(1))
        assert width <= MAX_WIDTH and f"max-width:{width}px" in html
        assert html.count("class='node") >= N + 1  # the input and N neurons, all drawn
        assert f"∂L/∂w{str(N).translate(SUB)} = " in html and "∂L/∂w_skip = " in html
    view.controls["N"].value = 1
    assert view.status.value == ""  # no error for the shortest chain


def test_view_diagram_gradients_are_the_chain_gradients():
    """The diagram's trace has dL/do_N = 1, so its dL/dw_1 is d o_N/d w_1."""
    w, b = V_ref.chain_parameters(4, 1.0)
    trace = V_ref.chain_trace(0.5, w, b, "sigmoid")
    first = [e for e in trace.edges if e.name.startswith("W1[")][0]
    assert first.dw == pytest.approx(dON_dw1(0.5, w, b, "sigmoid"), rel=1e-9)


def test_view_diagram_cost_is_the_output():
    """The diagram's cost is L = o_N (the chain's output, computed here by hand), not a loss
    against an invented target (which always showed L = 0,500)."""
    w, b = V_ref.chain_parameters(3, 1.0)
    o = 0.5
    for wi, bi in zip(w, b, strict=True):
        o = 1.0 / (1.0 + np.exp(-(wi * o + bi)))
    trace = V_ref.chain_trace(0.5, w[:3], b[:3], "sigmoid")
    assert trace.loss == pytest.approx(o, rel=1e-12) and trace.loss != pytest.approx(0.5)


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


# ------------------------------------------------------------------ the wide chain (remedies)

def _plain_cost(Ws, X, Y, activation, normalise):
    """J = 1/(2 B) sum ||y - o_N||^2 of the wide chain, written out with numpy only."""
    act = get_activation(activation)
    o = X
    for W in Ws:
        s = o @ W
        if normalise:
            s = (s - s.mean(axis=0)) / np.sqrt(s.var(axis=0) + 1e-5)
        o = act.fn(s)
    return np.sum((Y - o) ** 2) / (2 * len(X))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("normalise", [False, True])
def test_wide_gradients_agree_with_centred_differences(activation, normalise):
    Z, X, Y = V_ref.wide_data()
    N, scale = 3, np.sqrt(2 / V.WIDTH)  # He: variance 2/n
    Ws = [scale * Z[j] for j in range(N)]
    expected = []
    for j in range(N):
        numeric = np.zeros_like(Ws[j])
        for index in np.ndindex(Ws[j].shape):
            up = [W.copy() for W in Ws]
            down = [W.copy() for W in Ws]
            up[j][index] += 1e-6
            down[j][index] -= 1e-6
            numeric[index] = (_plain_cost(up, X, Y, activation, normalise)
                              - _plain_cost(down, X, Y, activation, normalise)) / 2e-6
        expected.append(np.linalg.norm(numeric))
    np.testing.assert_allclose(V.wide_gradients(N, activation, "he", normalise), expected,
                               rtol=1e-5)


def test_normalisation_makes_the_forward_pass_blind_to_the_weight_scale():
    """With batch normalisation, scaling W_j by k leaves every o_j unchanged, so dJ/dW_j shrinks
    by 1/k: N(0, 1) has 4 times the standard deviation of Xavier/Glorot (1/sqrt(16))."""
    normal = V.wide_gradients(10, "sigmoid", "normal", normalise=True)
    xavier = V.wide_gradients(10, "sigmoid", "xavier", normalise=True)
    np.testing.assert_allclose(4 * normal, xavier, rtol=1e-3)


def test_clipping_shortens_the_whole_gradient_to_c():
    norms = np.array([3.0, 4.0])  # total norm 5
    np.testing.assert_allclose(V.clipped(norms, 1.0), [0.6, 0.8])
    np.testing.assert_array_equal(V.clipped(norms, 10.0), norms)  # shorter than c: unchanged


def test_view_remedy_controls_change_the_wide_panel():
    view = V.VanishingView(depth=30, activation="relu", init="normal")
    image, readout = bytes(view.wide_plot.image.value), view.wide_readout.value
    assert not view.clip_line.get_visible()
    assert V.sci(V.wide_gradients(30, "relu", "normal")[0]) in readout
    view.controls["normalise"].value = True
    assert V.sci(V.wide_gradients(30, "relu", "normal", normalise=True)[0]) in \
        view.wide_readout.value
    assert bytes(view.wide_plot.image.value) != image
    view.controls["clip"].value = True  # c = 1: every layer below 1, the total exactly 1
    assert view.clip_line.get_visible()
    shown = view.wide_line.get_ydata()
    assert np.sqrt(np.sum(np.square(shown))) == pytest.approx(1.0)
    view.controls["init"].value = "he"
    view.controls["N"].value = 5
    assert len(view.wide_line.get_xdata()) == 5
    view.reset()
    assert view.controls["init"].value == "normal" and not view.controls["normalise"].value
    assert bytes(view.wide_plot.image.value) == image and view.wide_readout.value == readout


def test_the_wide_panel_ignores_what_does_not_act_on_it():
    """w scales the chain of single neurons only; the wide panel is not drawn again."""
    view = V.VanishingView(depth=8)
    before = view.wide_plot.last_refresh_ms
    view.wide_plot.last_refresh_ms = None
    view.controls["w"].value = 2.0
    view.controls["skip"].value = True
    assert view.wide_plot.last_refresh_ms is None and before is not None
    view.controls["activation"].value = "tanh"  # acts on both chains
    assert view.wide_plot.last_refresh_ms is not None


def test_each_output_is_drawn_again_only_when_what_it_shows_changed():
    """The remedies act on the wide chain only, the skip checkbox on the diagram only, and the
    bound c on nothing while clipping is off: the other outputs are not drawn again."""
    view = V.VanishingView(depth=8)
    diagram = view.diagram.value

    def drawn():
        shown = (view.plot.last_refresh_ms, view.diagram.last_update_ms,
                 view.wide_plot.last_refresh_ms)
        view.plot.last_refresh_ms = view.diagram.last_update_ms = None
        view.wide_plot.last_refresh_ms = None
        return tuple(ms is not None for ms in shown)

    drawn()
    view.controls["c"].value = 10.0
    assert drawn() == (False, False, False)
    for name, value in (("init", "he"), ("normalise", True), ("clip", True), ("c", 100.0)):
        view.controls[name].value = value
        assert drawn() == (False, False, True), name
    view.controls["skip"].value = True
    assert drawn() == (False, True, False) and view.diagram.value != diagram
    view.controls["w"].value = 2.0
    assert drawn() == (True, True, False)
    view.controls["N"].value = 9
    assert drawn() == (True, True, True)


def test_view_remedy_controls_speak_german():
    set_language("de")
    try:
        view = V.VanishingView()
        labels = [label for label, _ in view.controls["init"].options]
        assert labels[1] == "Xavier/Glorot: Varianz 1/n"
        assert "breite Kette" in view.wide_readout.value
    finally:
        set_language("en")


def test_the_remedies_text_states_what_the_view_shows():
    """Unit 5, "Abhilfen": |d o_N / d w_1| at N = 30 for the settings the text names."""
    def at_30(activation, scale):
        w, b = V_ref.chain_parameters(30, scale)
        return V_ref.gradient_vs_depth(0.5, w, b, activation)[0][29]

    relu = V_ref.gradient_vs_depth(0.5, *V_ref.chain_parameters(30, 1.0), "relu")[0]
    assert 0.25 < relu.min() and relu.max() < 0.65         # "zwischen etwa 0,3 und 0,6"
    assert 1e-21 < at_30("sigmoid", 1.0) < 1e-19          # "etwa 10^-20"
    assert 10**4.5 < at_30("relu", 1.5) < 10**5.5         # "etwa 10^5"
    assert 1e-36 < at_30("sigmoid", 4.0) < 1e-34          # "mit w = 4 etwa 10^-35"
    assert 10**2.5 < at_30("identity", 1.3) < 10**3.5     # "etwa 10^3"
    # every layer's ReLU is active at w = 1: the factors are the weights themselves
    w, b = V_ref.chain_parameters(30, 1.0)
    s, _ = V_ref.chain_forward(0.5, w, b, "relu")
    assert np.all(s > 0)


def test_the_remedies_text_states_what_the_wide_chain_shows():
    """Unit 5, "Abhilfen": ||dJ/dW_j|| of the wide chain at N = 30 for the settings the text
    names (per layer j = 1..30)."""
    def wide(activation, init, normalise=False):
        return V.wide_gradients(30, activation, init, normalise)

    assert np.all((1e26 < wide("relu", "normal")) & (wide("relu", "normal") < 1e28))  # 10^26..27
    assert np.all((5e-6 < wide("relu", "xavier")) & (wide("relu", "xavier") < 5e-5))  # ~10^-5
    assert np.all((0.25 < wide("relu", "he")) & (wide("relu", "he") < 3))            # 0,3 .. 3
    assert np.all((0.1 < wide("tanh", "xavier")) & (wide("tanh", "xavier") < 0.5))   # 0,1 .. 0,5
    sigmoid = wide("sigmoid", "xavier")
    assert 1e-20 < sigmoid[0] < 1e-19 and 0.5 < sigmoid[-1] < 1                       # ~10^-19
    normalised = wide("sigmoid", "xavier", normalise=True)
    assert np.all((0.3 < normalised) & (normalised < 2.5))                            # 0,4 .. 2
    relu_bn = wide("relu", "normal", normalise=True)
    assert 100 < relu_bn[0] / relu_bn[-1] < 400                                       # ~200
    # clipping keeps the ratio between the layers and does nothing to a vanishing gradient
    clipped = V.clipped(wide("relu", "normal"), 1.0)
    np.testing.assert_allclose(clipped / clipped[-1], wide("relu", "normal")
                               / wide("relu", "normal")[-1])
    np.testing.assert_array_equal(V.clipped(sigmoid, 1.0), sigmoid)


def test_the_remedies_text_sigmoid_with_matching_biases():
    """Unit 5, "Abhilfen": w_i = 4,2, b_i = -2,1 and x = 0,5 put every sum at s_i = 0, every
    factor at 4,2 / 4 = 1,05, and |d o_30 / d w_1| = 0,5 * 1/4 * 1,05^29 ~ 0,51."""
    w, b = np.full(30, 4.2), np.full(30, -2.1)
    s, _ = V_ref.chain_forward(0.5, w, b, "sigmoid")
    np.testing.assert_array_equal(s, 0.0)
    gradient = V_ref.gradient_vs_depth(0.5, w, b, "sigmoid")[0][29]
    np.testing.assert_allclose(gradient, 0.5 * 0.25 * 1.05**29, rtol=1e-12)
    assert 0.505 < gradient < 0.515


def test_the_residual_text_states_what_the_figure_shows():
    """Unit 5, "Warum Residualblöcke helfen": the numbers of the text (N = 12, sigmoid, w = 1)."""
    plain = V_ref.gradients_per_layer(12, "plain", "sigmoid", 1.0)
    residual = V_ref.gradients_per_layer(12, "residual", "sigmoid", 1.0)
    assert 5.5e-5 < residual[0] < 5.7e-5 and 7.2e-9 < plain[0] < 7.4e-9     # 5,6e-5 vs 7,3e-9
    relative, relative_plain = residual / residual[-1], plain / plain[-1]
    assert 5.5e-5 < relative[9] < 6.5e-5 and 3.5e-5 < relative[10] < 4.5e-5  # 6e-5, 4e-5
    assert 0.035 < relative_plain[9] < 0.045 and 0.185 < relative_plain[10] < 0.2  # 0,04; 0,19
    # o_i grows to about 9,7 and sigma'(s_i) falls to about 6e-5: the sigmoid saturates
    w, b = V_ref.chain_parameters(12, 1.0)
    o, s = 0.5, []
    for i in range(12):
        s.append(w[i] * o + b[i])
        a = 1 / (1 + np.exp(-s[-1]))
        o = a + o if 1 <= i <= 10 else a
        if i == 10:
            assert 9.6 < o < 9.8 and 9.6 < s[-1] < 9.8
            assert 5.5e-5 < a * (1 - a) < 6.5e-5


def test_the_view_before_the_skip_exercises_shows_no_skip_connection():
    """Unit 5: the first view stands before 2c-2e; it must not show the skip connection's curve,
    readout or diagram (with_skip=False), the second one does."""
    set_language("de")
    try:
        plain = V.VanishingView(depth=6, with_skip=False)
        assert "skip" not in plain.controls
        assert plain.skip_line.axes is None
        assert "Skip-Verbindung" in plain.readout.value  # "ohne Skip-Verbindung" only
        assert "mit Skip-Verbindung" not in plain.readout.value
        full = V.VanishingView(depth=6)
        assert "skip" in full.controls and "mit Skip-Verbindung" in full.readout.value
    finally:
        set_language("en")
