"""Unit 3 views and the math of workbook/views/sine_network.py, checked against nnkit."""
import numpy as np
import pytest

from nnkit import MLP
from workbook.i18n import set_language
from workbook.reference import sine_network as sn_ref
from workbook.units import answers
from workbook.views import sine_network as sn


@pytest.fixture(autouse=True)
def german():
    set_language("de")  # English again after each test (tests/conftest.py)


def random_params(rng):
    return {k: rng.normal(0, 1.5, shape) for k, shape in sn_ref.SHAPES.items()}


def test_mapping_follows_the_lecture():
    # w_k1^(1) -> W1[0, k-1], w_k0^(1) -> b1[k-1], w_1k^(2) -> W2[k-1, 0], w_10^(2) -> b2[0]
    p = sn_ref.given_params()
    assert p["W1"][0, 1] == 2.23 and p["b1"][2] == -6.19
    assert p["W2"][2, 0] == 3.26 and p["b2"][0] == -2.93
    assert sn_ref.from_params(p) == sn_ref.GIVEN


def test_forward_and_cost_match_nnkit():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 17)
    y = rng.normal(size=17)
    for _ in range(5):
        p = random_params(rng)
        net = MLP([1, 3, 1], activation="sigmoid")
        net.params = p
        assert np.allclose(sn_ref.predict(x, p), net.forward(x.reshape(-1, 1))[:, 0])
        J, _ = net.loss_and_grads(x.reshape(-1, 1), y.reshape(-1, 1))
        assert np.isclose(sn_ref.cost(x, y, p), J)


def test_table_gradients_match_nnkit_backward_pass():
    rng = np.random.default_rng(2)
    for n in (1, 5, 40):
        x, y = rng.uniform(-3, 3, n), rng.normal(size=n)
        p = random_params(rng)
        table, ref = answers.table_gradients(x, y, p), answers.sine_gradients(x, y, p)
        for k in sn_ref.KEYS:
            assert table[k].shape == sn_ref.SHAPES[k]
            assert np.allclose(table[k], ref[k], rtol=1e-10, atol=1e-12)
    # the slide error (g' in layer 2) gives a different gradient
    wrong = answers.table_gradients(x, y, p, layer2="g'")
    assert not np.allclose(wrong["W2"], ref["W2"])


def test_given_weights_fit_well():
    x, y = sn_ref.sine_data()
    assert x.shape == y.shape == (40,) and np.all(np.diff(x) > 0)
    # noise floor: E[(eps)^2]/2 = 0.25^2/2 = 0.03125; a good fit is about there
    assert sn_ref.cost(x, y, sn_ref.given_params()) < 0.032
    # and the given weights are (near) a minimum: the gradient is small
    g = answers.sine_gradients(x, y, sn_ref.given_params())
    assert max(np.abs(v).max() for v in g.values()) < 0.05


def test_symbols_and_meanings():
    assert sn.symbol("w1_21") == "w₂₁⁽¹⁾" and sn.symbol("w2_10") == "w₁₀⁽²⁾"
    assert sn.meaning("w1_21") == "Gewicht Eingabe → verborgenes Neuron 2"
    set_language("en")
    assert sn.meaning("w2_13") == "weight hidden neuron 3 → output"


def test_forward_view_updates_and_resets():
    view = sn.ForwardView()
    image, text, svg = view.plot.image.value, view.readout.value, view.diagram.value
    assert "ŷ = 2,33" in text  # German decimal comma; yhat(2) = 2.332 by hand
    view.controls["x"].value = -1.0
    assert view.plot.image.value != image and view.readout.value != text
    assert view.diagram.value != svg
    view.controls["show"].value = "curve"
    assert view.curve.get_visible() and not view.points.get_visible()
    view.reset()
    assert view.controls["x"].value == 2.0 and view.readout.value == text
    assert view.plot.image.value == image


def test_weights_view_sliders_and_reset():
    view = sn.WeightsView()
    assert len(view.controls) == 10
    assert view.controls["w1_11"].description == "w₁₁⁽¹⁾"
    assert view.controls["w1_11"].tooltip == "Gewicht Eingabe → verborgenes Neuron 1"
    image, text = view.plot.image.value, view.readout.value
    view.controls["w2_12"].value = 0.0
    assert view.plot.image.value != image and view.readout.value != text
    # sum of the three contributions plus bias is the fit
    assert np.allclose(view.sum.get_ydata(), view.fit.get_ydata())
    parts = sum(line.get_ydata() for line in view.parts) + view.bias.get_ydata()
    assert np.allclose(parts, view.sum.get_ydata())
    view.reset()
    assert view.weights() == sn_ref.GIVEN and view.readout.value == text


def test_training_view_learns_diverges_and_resets():
    view = sn.TrainingView()
    start = view.losses[0]
    image = view.plot.image.value
    view.train(100)
    assert view.steps == 100 and view.losses[-1] < start
    assert view.plot.image.value != image
    view.controls["lr"].value = 3.0
    view.train(300)
    assert "Divergenz" in view.note.value
    view.reset()
    assert view.steps == 0 and view.losses == [start] and view.note.value == ""
    assert view.controls["lr"].value == sn.LEARNING_RATE


def test_each_slider_change_updates_once():
    """One update per value change (speed itself is measured by make bench, not here)."""
    view = sn.WeightsView()
    for v in (1.0, 1.5, 2.0):
        count = view.update_count
        view.controls["w1_11"].value = v
        assert view.update_count == count + 1


# ------------------------------------------------------------------ numbers in the texts
# Every number a model answer or text states is recomputed here with nnkit.

def _cell_text(grade_id, lang):
    from workbook.source import flatten
    from workbook.units import unit3
    for cell in flatten(unit3.CELLS):
        if cell.nbgrader and cell.nbgrader.get("grade_id") == grade_id:
            return cell.text(lang)
    raise KeyError(grade_id)


def _num(value, digits, lang):
    text = f"{value:.{digits}f}"
    return text.replace(".", "{,}") if lang == "de" else text


def _plain(value, digits, lang):
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "de" else text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_combine_model_answer_numbers(lang):
    text = _cell_text("u3_combine", lang).replace("\n", " ")
    g = sn_ref.GIVEN
    for k in (1, 2, 3):
        step = -g[f"w1_{k}0"] / g[f"w1_{k}1"]
        assert f"x \\approx {_num(step, 2, lang)}" in text
    x, y = sn_ref.sine_data()
    given = sn_ref.cost(x, y, sn_ref.given_params())
    w = dict(g, w2_12=0.0)
    without = sn_ref.weights_cost(w)
    assert f"{_plain(given, 3, lang)} " in text.replace("\n", " ")
    assert _plain(without, 3, lang) in text


def test_the_sign_of_the_product_sets_the_direction_of_a_step():
    """Unit 3 section 5: w_1k^(2) g(w_k0 + w_k1 x) rises iff w_1k^(2) w_k1^(1) > 0."""
    rng = np.random.default_rng(7)
    grid = np.linspace(-3, 3, 61)
    given = sn_ref.GIVEN
    cases = [(given[f"w1_{k}0"], given[f"w1_{k}1"], given[f"w2_1{k}"]) for k in (1, 2, 3)]
    cases += [tuple(rng.normal(0, 2, 3)) for _ in range(20)]
    for w0, w1, v in cases:
        term = v * sn_ref.SIGMOID.fn(w0 + w1 * grid)
        assert np.all(np.sign(np.diff(term)) == np.sign(v * w1))
    # the given weights: neuron 1 rises, neurons 2 and 3 fall (the model answer)
    assert [np.sign(c[1] * c[2]) for c in cases[:3]] == [1, -1, -1]


def _losses(lr, steps=2000):
    view = sn.TrainingView(lr=lr)
    view.train(steps)
    return np.array(view.losses)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_learning_rate_model_answer_numbers(lang):
    text = _cell_text("u3_learning_rate", lang).replace("\n", " ")
    slow = _losses(0.3)
    assert np.all(np.diff(slow) <= 0)                     # "fällt gleichmäßig, aber langsam"
    assert f"J \\approx {_num(slow[2000], 2, lang)}" in text
    fast = _losses(1.0)
    assert fast[240:281].max() > 1.0                      # "um Schritt 260 auf über 1"
    assert 240 <= fast[240:281].argmax() + 240 <= 280
    assert fast[380:421].max() > 0.5                      # "um Schritt 400 auf über 0,5"
    assert fast[560:900].max() > 1.1 * fast[500:560].min()  # "schwankt danach noch bis etwa 900"
    late = fast[900:]                                     # then no rise above 1 % any more
    assert np.all(late <= 1.01 * np.minimum.accumulate(late))
    assert f"J \\approx {_num(fast[2000], 3, lang)}" in text
    assert fast[2000] < slow[2000]
    wild = _losses(2.5, 500)
    assert not np.isfinite(wild[-1]) or wild[-1] > 1e6   # "wächst über alle Grenzen"
