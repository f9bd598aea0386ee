r"""Unit 3: a small network learns a sine curve (lecture 003, the 1-3-1 network; 19 points).

Seed part -> cells (grade id, points):
  Ausgangslage (regression, non-linear data) ........ md "Ausgangslage" + data plot
  Architektur, gegebene Gewichte ..................... md "Architektur" + weights table (code)
  Vorhersage für x = 2, Schritte 1-5 ................. u3_z (1), u3_a (1), u3_yhat (1); ForwardView
  Vorhersagen im Streudiagramm (1)-(3) ............... ForwardView (point / points / curve),
u3_predict (1)
  Kostenfunktion MSE, Gewichte explizit .............. md + u3_cost (1)
  Aktivierungen (drei Kurven ergeben die Kurve) ...... WeightsView, u3_combine (1, manual)
  (the cost comes first: the WeightsView shows J, the answer to u3_cost)
  Ableitungsregeln, Beispiel ln(3x²) ................. u3_chain (1)
  Ableitung nach Gewichten im ZWEITEN Layer .......... u3_layer2 (1) + "Vorsicht" box (slide error
g')
  Ableitung nach Gewichten im ERSTEN Layer ........... u3_layer1 (1)
  Alle Ableitungen auf einen Blick ................... md table
  Was benötigen wir, um die Ableitungen zu rechnen? .. md table of ingredients + u3_needed (1),
                                                       u3_ingredients (2: all five ingredients)
  Forward Pass, Backward Pass ........................ u3_gradients (2), u3_step (1), TrainingView
  (gradient check, promised in unit 2) ............... u3_numerical_gradients (1), u3_rel_error (1)
  (manual) ........................................... u3_random_init (1), u3_learning_rate (1)
"""

import numpy as np
import sympy as sp

from nnkit.activations import Sigmoid
from workbook import symbolic
from workbook.exercise import Exercise, Mistake, hint
from workbook.reference.sine_network import (
    DATA_SEED,
    GIVEN,
    INIT_SEED,
    NAMES,
    cost,
    from_params,
    network,
    sine_data,
    to_params,
)
from workbook.source import Unit, code, exercise, manual, md
from workbook.units.answers import net131_symbols, sine_gradients, table131, table_gradients

UNIT = Unit(
    number=3,
    title={"de": "Ein kleines Netz lernt eine Sinuskurve",
           "en": "A small network learns a sine curve"},
    filename={"de": "3_sinus_netz", "en": "3_sine_network"},
    summary={"de": "Vorwärtsdurchlauf, Kostenfunktion, Ableitungen und Gradientenabstieg für "
                   "ein 1-3-1-Netz mit Sigmoid-Neuronen",
             "en": "Forward pass, cost function, derivatives and gradient descent for a 1-3-1 "
                   "network of sigmoid neurons"},
    seeds=(DATA_SEED, INIT_SEED),
)

X0 = 2.0  # the input of the worked example
SIGMOID = Sigmoid()


# ====================================================================== references (nnkit)
def _given_trace():
    """nnkit's trace of the forward pass at x = 2 with the given weights."""
    return network().trace(X0)


def _z_expected():
    return np.array([_given_trace().node(1, k).z for k in range(3)])


def _a_expected():
    return np.array([_given_trace().node(1, k).a for k in range(3)])


def _yhat_expected():
    return _given_trace().yhat


def _w(name):
    return GIVEN[name]


def _z_list(x, w):
    return [w[f"w1_{k}0"] + w[f"w1_{k}1"] * x for k in (1, 2, 3)]


def _output(x, w, act=SIGMOID.fn, bias=True):
    """ŷ with ``act`` in place of g (a mistake if act is not the sigmoid) and optionally no bias."""
    out = sum(w[f"w2_1{k}"] * act(z) for k, z in zip((1, 2, 3), _z_list(x, w), strict=True))
    return out + (w["w2_10"] if bias else 0.0)


def _identity(z):
    return z


def _predict_reference(x, w):
    """ŷ for every x by nnkit (MLP.forward); w has the lecture's names."""
    x = np.asarray(x, dtype=float)
    return network(to_params(w)).forward(x.reshape(-1, 1))[:, 0]


def _random_weights(rng, scale=2.0):
    return {name: float(rng.normal(0.0, scale)) for name in NAMES}


def _predict_cases(rng, hidden):
    cases = [(rng.uniform(-3, 3, int(rng.integers(3, 20))), _random_weights(rng))
             for _ in range(6)]
    if hidden:
        x, _ = sine_data()
        cases.append((x, dict(GIVEN)))
        cases.append((np.array([X0]), dict(GIVEN)))  # one point
        w = _random_weights(rng)
        w["w1_11"] = 40.0  # |z| up to 120: the sigmoid saturates
        cases.append((rng.uniform(-3, 3, 7), w))
    return cases


def _cost_expected():
    x, y = sine_data()
    return network().loss_and_grads(x.reshape(-1, 1), y.reshape(-1, 1), loss="mse")[0]


def _sum_of_squares():
    x, y = sine_data()
    return float(np.sum((y - _predict_reference(x, GIVEN)) ** 2))


# ------------------------------------------------ functions that return a dict of ten numbers
def _as_tuple(fn):
    """The reference/mistake ``fn`` (returning a dict) as a function returning the tuple."""
    return lambda *args: tuple(float(fn(*args)[k]) for k in NAMES)


class DictExercise(Exercise):
    """A function exercise whose answer returns a dict with the keys NAMES: each result is judged
    as the tuple of its ten numbers in the order NAMES (what the reference returns)."""

    dict_keys = NAMES  # the student edition's self-check turns the dict into a tuple likewise

    def normalise(self, enc, lang):
        if enc["t"] != "dict":
            return enc  # None ("not implemented"), an error or a wrong type: judged as usual
        values = dict(enc["items"])
        missing = [k for k in NAMES if k not in values]
        bad = [k for k in NAMES if k in values and not (
            values[k]["t"] == "num" or values[k]["t"] == "array" and len(values[k]["v"]) == 1)]
        if missing or bad:
            name = self.answer
            de, en = ((f"{name} soll ein dict mit den zehn Schlüsseln {NAMES} zurückgeben; es "
                       f"fehlt: {missing}", f"{name} should return a dict with the ten keys "
                       f"{NAMES}; missing: {missing}") if missing else
                      (f"{name}: Die Werte zu {bad} sind keine Zahlen.",
                       f"{name}: the values of {bad} are not numbers."))
            return {"t": "error", "type": "KeyError" if missing else "TypeError",
                    "msg": (de if lang == "de" else en)[:300]}
        return {"t": "array", "shape": [len(NAMES)], "seq": "tuple", "ints": False,
                "v": [values[k]["v"] if values[k]["t"] == "num" else values[k]["v"][0]
                      for k in NAMES]}


def _gradients_reference(x, y, w):
    """The ten partial derivatives by nnkit's backward pass (Network.loss_and_grads)."""
    return from_params(sine_gradients(x, y, to_params(w)))


def _gradients_wrong(**mistake):
    return _as_tuple(lambda x, y, w: from_params(table_gradients(x, y, to_params(w), **mistake)))


def _gradient_cases(rng, hidden):
    cases = []
    for _ in range(5):
        n = int(rng.integers(2, 15))
        x = rng.uniform(-3, 3, n)
        cases.append((x, rng.normal(0, 2, n), _random_weights(rng, 1.5)))
    if hidden:
        x, y = sine_data()
        cases.append((x, y, dict(GIVEN)))
        cases.append((np.array([X0]), np.array([1.0]), _random_weights(rng)))  # n = 1
        cases.append((x, y, {name: 0.5 for name in NAMES}))  # all weights equal
    return cases


def _numerical(x, y, w, h, quotient="central"):
    """dJ/dw for the ten weights by difference quotients of J (sine_network.cost), step h."""
    def J(name, step):
        return cost(x, y, to_params({**w, name: w[name] + step}))

    if quotient == "forward":
        return {name: (J(name, h) - J(name, 0.0)) / h for name in NAMES}
    return {name: (J(name, h) - J(name, -h)) / (2 * h) for name in NAMES}


def _numerical_cases(rng, hidden):
    """(x, y, w, h) with h = 1e-3 and 1e-4. The answer is judged against the centred quotient
    with the same h (what the exercise asks for), not against backpropagation's gradient: the
    centred quotient's own error, about h²/6 times J''', reaches 1e-5 relative for some random
    weights, so a correct answer would fail for about 2 % of grading seeds. The forward quotient
    is off by about h/2 times J'' (~1e-4 relative)."""
    return [(*case, h) for case, h in zip(_gradient_cases(rng, hidden), [1e-3, 1e-4] * 4,
                                          strict=False)]


def _rel_error(a, b):
    """cs231n's check: max |a - b| / max(1e-8, |a| + |b|), elementwise, then the largest."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _rel_error_cases(rng, hidden):
    cases = []
    for n in (1, 4, 10):
        a = rng.normal(0, 1, n)
        cases.append((a, a * (1 + rng.normal(0, 1e-3, n))))
    cases.append((np.array([1e-3, 100.0]), np.array([2e-3, 100.1])))  # small entries matter
    if hidden:
        cases += [(np.zeros(3), np.zeros(3)), (rng.normal(0, 1e3, 5), rng.normal(0, 1e3, 5)),
                  (np.array([0.0, 1.0]), np.array([1e-12, 1.0]))]
    return cases


#: Exercise 8b: which quantity (rows: r_i, g(z_ik), g'(z_ik), w_1k^(2), x_i) is a factor of
#: which derivative (columns: w_10^(2), w_1k^(2), w_k0^(1), w_k1^(1)), read off the table of
#: section 10 (and checked against nnkit in tests/test_unit3_exercises.py).
INGREDIENTS = {"r": (1, 1, 1, 1), "g": (0, 1, 0, 0), "g_prime": (0, 0, 1, 1), "w2": (0, 0, 1, 1),
               "x": (0, 0, 0, 1)}


def _ingredients(**rows):
    """The 5 x 4 table of INGREDIENTS as floats, with ``rows`` replaced (for the mistakes)."""
    table = dict(INGREDIENTS, **rows)
    return np.array([table[k] for k in INGREDIENTS], dtype=float)


def _step_reference(x, y, w, alpha):
    """One gradient descent step w := w - alpha dJ/dw, with nnkit's gradient."""
    grads = _gradients_reference(x, y, w)
    return {name: w[name] - alpha * grads[name] for name in NAMES}


def _step_cases(rng, hidden):
    cases = [(c[0], c[1], c[2], float(rng.uniform(0.05, 1.5))) for c in _gradient_cases(rng, False)]
    if hidden:
        x, y = sine_data()
        cases.append((x, y, from_params(network().init_params(INIT_SEED)), 1.0))
    return cases


# ------------------------------------------------ symbolic derivatives for one data point
def _symbols():
    """The unit's names; g is the sigmoid (g' = g(1 - g), as the unit teaches)."""
    return net131_symbols(act=symbolic.sigmoid)


def _S(name):
    return _symbols()[name]


def _expected_layer2():
    """∂J/∂w₁₂⁽²⁾ for n = 1: −(y − ŷ) g(z₂)."""
    return table131(n=1, act=symbolic.sigmoid)["w2_12"]


def _expected_layer1():
    """∂J/∂w₂₁⁽¹⁾ for n = 1: −w₁₂⁽²⁾ (y − ŷ) g'(z₂) x."""
    return table131(n=1, act=symbolic.sigmoid)["w1_21"]


def _residual():
    return _S("y") - _S("yhat")


def _g(k):
    return _S("g")(_S(f"z{k}"))


def _gp(k):
    return _S("g_prime")(_S(f"z{k}"))


# ====================================================================== exercises
EX_Z = Exercise(
    id="u3_z", answer="z_x2", kind="value", expected=_z_expected, rtol=1e-4, atol=1e-6,
    mistakes=[
        Mistake("no_bias", lambda: np.array([_w(f"w1_{k}1") * X0 for k in (1, 2, 3)]), hint(
            de="Es fehlt der Bias w_k0⁽¹⁾: zₖ ist eine Gerade in x mit Achsenabschnitt.",
            en="The bias w_k0⁽¹⁾ is missing: zₖ is a straight line in x with an intercept.")),
        Mistake("swapped", lambda: np.array([_w(f"w1_{k}0") * X0 + _w(f"w1_{k}1")
                                             for k in (1, 2, 3)]), hint(
            de="Bias und Gewicht sind vertauscht: Der zweite Index 1 gehört zur Eingabe x, "
               "der Index 0 zur konstanten Eingabe 1.",
            en="Bias and weight are swapped: the second index 1 belongs to the input x, "
               "the index 0 to the constant input 1.")),
        Mistake("activated", lambda: SIGMOID.fn(_z_expected()), hint(
            de="Das sind schon die Aktivierungen g(zₖ). Gefragt ist die gewichtete Summe zₖ "
               "vor der Aktivierungsfunktion.",
            en="These are already the activations g(zₖ). The question asks for the weighted "
               "sum zₖ before the activation function.")),
    ])
EX_A = Exercise(
    id="u3_a", answer="a_x2", kind="value", expected=_a_expected, rtol=1e-4, atol=1e-6,
    mistakes=[
        Mistake("derivative", lambda: SIGMOID.grad(_z_expected()), hint(
            de="Das ist die Ableitung g'(zₖ). Gefragt ist der Wert g(zₖ) selbst.",
            en="That is the derivative g'(zₖ). The question asks for the value g(zₖ).")),
        Mistake("sign_in_exp", lambda: 1.0 / (1.0 + np.exp(_z_expected())), hint(
            de="Vorzeichen im Exponenten prüfen: g(z) = 1/(1 + e^(−z)) wächst mit z.",
            en="Check the sign in the exponent: g(z) = 1/(1 + e^(−z)) increases with z.")),
    ])
EX_YHAT = Exercise(
    id="u3_yhat", answer="yhat_x2", kind="value", expected=_yhat_expected, rtol=1e-4,
    atol=1e-6,
    mistakes=[
        Mistake("z_for_g", lambda: _output(X0, GIVEN, act=_identity), hint(
            de="Sie haben zₖ gewichtet. In die Ausgabe gehen die Aktivierungen g(zₖ) ein.",
            en="You weighted zₖ. The output combines the activations g(zₖ).")),
        Mistake("no_bias", lambda: _output(X0, GIVEN, bias=False), hint(
            de="Es fehlt der Bias w₁₀⁽²⁾ des Ausgabeneurons.",
            en="The bias w₁₀⁽²⁾ of the output neuron is missing.")),
        Mistake("g_prime", lambda: _output(X0, GIVEN, act=SIGMOID.grad), hint(
            de="Sie haben g'(zₖ) verwendet, wo g(zₖ) hingehört.",
            en="You used g'(zₖ) where g(zₖ) belongs.")),
    ])
EX_PREDICT = Exercise(
    id="u3_predict", answer="predict_131", kind="function", expected=_predict_reference,
    cases=_predict_cases,
    mistakes=[
        Mistake("z_for_g", lambda x, w: _output(np.asarray(x, float), w, act=_identity), hint(
            de="In die Ausgabe gehen die Aktivierungen g(zₖ) ein, nicht zₖ.",
            en="The output combines the activations g(zₖ), not zₖ.")),
        Mistake("no_bias", lambda x, w: _output(np.asarray(x, float), w, bias=False), hint(
            de="Es fehlt der Bias w₁₀⁽²⁾ = w[\"w2_10\"].",
            en="The bias w₁₀⁽²⁾ = w[\"w2_10\"] is missing.")),
    ])
EX_COST = Exercise(
    id="u3_cost", answer="J_given", kind="value", expected=_cost_expected, rtol=1e-4,
    atol=1e-8,
    mistakes=[
        Mistake("no_half", lambda: 2 * _cost_expected(), hint(
            de="Der Faktor ist 1/(2n), nicht 1/n.", en="The factor is 1/(2n), not 1/n.")),
        Mistake("no_n", lambda: _sum_of_squares() / 2, hint(
            de="Es fehlt der Mittelwert: Teilen Sie durch 2n, nicht nur durch 2.",
            en="The mean is missing: divide by 2n, not by 2 only.")),
        Mistake("sum", lambda: _sum_of_squares(), hint(
            de="Das ist die Summe der quadrierten Fehler. Es fehlt der Faktor 1/(2n).",
            en="That is the sum of squared errors. The factor 1/(2n) is missing.")),
        Mistake("rmse", lambda: float(np.sqrt(2 * _cost_expected())), hint(
            de="Keine Wurzel: J ist der halbe mittlere quadratische Fehler.",
            en="No square root: J is half the mean squared error.")),
    ])
EX_CHAIN = Exercise(
    id="u3_chain", answer="d_ln", kind="expression",
    expected=lambda: 2 / sp.Symbol("x"), symbols=lambda: {"x": sp.Symbol("x")},
    mistakes=[
        Mistake("outer_only", lambda: 1 / (3 * sp.Symbol("x") ** 2), hint(
            de="Das ist nur die äußere Ableitung ln'(u) = 1/u an der Stelle u = 3x². "
               "Die Kettenregel verlangt noch die innere Ableitung.",
            en="That is only the outer derivative ln'(u) = 1/u at u = 3x². The chain rule "
               "also needs the inner derivative.")),
        Mistake("inner_only", lambda: 6 * sp.Symbol("x"), hint(
            de="Das ist nur die innere Ableitung von 3x². Es fehlt die äußere Ableitung "
               "ln'(u) = 1/u.",
            en="That is only the inner derivative of 3x². The outer derivative ln'(u) = 1/u "
               "is missing.")),
        Mistake("outer_without_inner_x", lambda: 1 / sp.Symbol("x") ** 2, hint(
            de="Leiten Sie schrittweise ab: äußere Ableitung an der Stelle 3x², mal innere "
               "Ableitung (3x²)'.",
            en="Differentiate step by step: the outer derivative at 3x², times the inner "
               "derivative (3x²)'.")),
    ])
EX_LAYER2 = Exercise(
    id="u3_layer2", answer="dJ_dw2_12", kind="expression", expected=_expected_layer2,
    symbols=_symbols,
    mistakes=[
        Mistake("g_prime_for_g", lambda: -_residual() * _gp(2), hint(
            de="Sie haben g'(z₂) verwendet, wo g(z₂) hingehört: ŷ hängt über den Summanden "
               "w₁₂⁽²⁾·g(z₂) linear von w₁₂⁽²⁾ ab, und g(z₂) hängt nicht von w₁₂⁽²⁾ ab. "
               "(Auf einigen Folien steht hier fälschlich g'.)",
            en="You used g'(z₂) where g(z₂) belongs: ŷ depends on w₁₂⁽²⁾ linearly through the "
               "term w₁₂⁽²⁾·g(z₂), and g(z₂) does not depend on w₁₂⁽²⁾. (Some slides wrongly "
               "show g' here.)")),
        Mistake("sign", lambda: _residual() * _g(2), hint(
            de="Vorzeichen prüfen: Die innere Ableitung von (y − ŷ) nach dem Gewicht bringt "
               "ein Minus.",
            en="Check the sign: the inner derivative of (y − ŷ) with respect to the weight "
               "introduces a minus sign.")),
        Mistake("factor_two", lambda: -2 * _residual() * _g(2), hint(
            de="Der Faktor 2 aus der Ableitung des Quadrats kürzt sich mit dem 1/2 in J.",
            en="The factor 2 from differentiating the square cancels the 1/2 in J.")),
        Mistake("no_inner", lambda: -_residual(), hint(
            de="Kettenregel: Es fehlt die innere Ableitung ∂ŷ/∂w₁₂⁽²⁾.",
            en="Chain rule: the inner derivative ∂ŷ/∂w₁₂⁽²⁾ is missing.")),
    ])
EX_LAYER1 = Exercise(
    id="u3_layer1", answer="dJ_dw1_21", kind="expression", expected=_expected_layer1,
    symbols=_symbols,
    mistakes=[
        Mistake("no_x", lambda: -_residual() * _S("w2_12") * _gp(2), hint(
            de="Kettenregel bis zum Ende: z₂ = w₂₀⁽¹⁾ + w₂₁⁽¹⁾·x; was ist ∂z₂/∂w₂₁⁽¹⁾?",
            en="Follow the chain rule to the end: z₂ = w₂₀⁽¹⁾ + w₂₁⁽¹⁾·x; what is "
               "∂z₂/∂w₂₁⁽¹⁾?")),
        Mistake("g_for_g_prime", lambda: -_residual() * _S("w2_12") * _g(2) * _S("x"), hint(
            de="Sie haben g(z₂) verwendet, wo die Ableitung g'(z₂) hingehört: Das Gewicht "
               "sitzt hier innerhalb von g.",
            en="You used g(z₂) where the derivative g'(z₂) belongs: here the weight sits "
               "inside g.")),
        Mistake("no_w2", lambda: -_residual() * _gp(2) * _S("x"), hint(
            de="Es fehlt ein Faktor: Wie hängt ŷ von g(z₂) ab?",
            en="A factor is missing: how does ŷ depend on g(z₂)?")),
        Mistake("sign", lambda: _residual() * _S("w2_12") * _gp(2) * _S("x"), hint(
            de="Vorzeichen prüfen: Die Ableitung von (y − ŷ) nach ŷ ist −1.",
            en="Check the sign: the derivative of (y − ŷ) with respect to ŷ is −1.")),
        Mistake("wrong_neuron", lambda: -_residual() * _S("w2_11") * _gp(1) * _S("x"), hint(
            de="Das ist die Ableitung nach w₁₁⁽¹⁾ (Neuron 1). Gefragt ist das Gewicht zu "
               "Neuron 2.",
            en="That is the derivative with respect to w₁₁⁽¹⁾ (neuron 1). The question asks "
               "for the weight of neuron 2.")),
    ])
EX_NEEDED = Exercise(
    id="u3_needed", answer="needed_x", kind="choice", expected="c",
    options={
        "a": {"de": "in allen zehn", "en": "in all ten"},
        "b": {"de": "nur in den vier Ableitungen der zweiten Schicht",
              "en": "only in the four derivatives of the second layer"},
        "c": {"de": "nur in ∂J/∂w₁₁⁽¹⁾, ∂J/∂w₂₁⁽¹⁾, ∂J/∂w₃₁⁽¹⁾",
              "en": "only in ∂J/∂w₁₁⁽¹⁾, ∂J/∂w₂₁⁽¹⁾, ∂J/∂w₃₁⁽¹⁾"},
        "d": {"de": "in allen sechs Ableitungen der ersten Schicht",
              "en": "in all six derivatives of the first layer"},
    },
    mistakes=[
        Mistake("bias_too", "d", hint(
            de="Betrachten Sie die Bias-Gewichte w_k0⁽¹⁾: Was ist ∂zₖ/∂w_k0⁽¹⁾?",
            en="Look at the bias weights w_k0⁽¹⁾: what is ∂zₖ/∂w_k0⁽¹⁾?")),
        Mistake("all", "a", hint(
            de="Gefragt ist, wo xᵢ als eigener Faktor steht, nicht, wovon ŷᵢ abhängt.",
            en="The question is where xᵢ appears as a separate factor, not what ŷᵢ "
               "depends on.")),
    ])
EX_INGREDIENTS = Exercise(
    id="u3_ingredients", answer="ingredients", kind="value", expected=_ingredients,
    mistakes=[
        Mistake("g_in_layer1", lambda: _ingredients(g=(0, 1, 1, 1)), hint(
            de="In der ersten Schicht steht g'(z_ik) als Faktor, und g'(z_ik) zählt als ein "
               "Faktor – auch wenn man es für die Sigmoid-Funktion aus g(z_ik) berechnet. "
               "Welche Formeln enthalten g(z_ik) selbst?",
            en="In the first layer g'(z_ik) is the factor, and g'(z_ik) counts as one factor "
               "– even though for the sigmoid one computes it from g(z_ik). Which formulas "
               "contain g(z_ik) itself?")),
        Mistake("residual_layer2_only", lambda: _ingredients(r=(1, 1, 0, 0)), hint(
            de="Das Residuum r_i steht in allen zehn Formeln: Auch die erste Schicht erfährt "
               "den Fehler über die Kettenregel.",
            en="The residual r_i is in all ten formulas: the error reaches the first "
               "layer as well, through the chain rule.")),
        Mistake("w2_in_layer2", lambda: _ingredients(w2=(0, 1, 1, 1)), hint(
            de="ŷ hängt linear von w_1k⁽²⁾ ab: Die Ableitung nach w_1k⁽²⁾ enthält w_1k⁽²⁾ "
               "nicht. Gebraucht wird es für die erste Schicht.",
            en="ŷ depends linearly on w_1k⁽²⁾: the derivative with respect to w_1k⁽²⁾ does "
               "not contain w_1k⁽²⁾. It is needed for the first layer.")),
        Mistake("x_bias_too", lambda: _ingredients(x=(0, 0, 1, 1)), hint(
            de="Betrachten Sie die Bias-Gewichte w_k0⁽¹⁾: Was ist ∂zₖ/∂w_k0⁽¹⁾?",
            en="Look at the bias weights w_k0⁽¹⁾: what is ∂zₖ/∂w_k0⁽¹⁾?")),
    ])
EX_NUMERICAL_GRADIENTS = DictExercise(
    id="u3_numerical_gradients", answer="numerical_gradients", kind="function",
    expected=_as_tuple(_numerical), cases=_numerical_cases, rtol=1e-5, atol=1e-7,
    mistakes=[
        Mistake("forward", _as_tuple(lambda x, y, w, h: _numerical(x, y, w, h, "forward")),
                hint(de="Das ist der einseitige Quotient (J(w + h) − J(w))/h; er ist nur auf "
                         "etwa h genau. Nehmen Sie den zentralen: (J(w + h) − J(w − h))/(2h).",
                      en="This is the one-sided quotient (J(w + h) − J(w))/h, accurate only "
                         "to about h. Use the centred one: (J(w + h) − J(w − h))/(2h).")),
        Mistake("no_two", _as_tuple(lambda x, y, w, h: {
            k: 2 * v for k, v in _numerical(x, y, w, h).items()}), hint(
            de="Alles ist doppelt so groß: Zwischen w − h und w + h liegt der Abstand 2h.",
            en="Everything is twice as large as it should be: w − h and w + h are 2h apart.")),
    ])
EX_REL_ERROR = Exercise(
    id="u3_rel_error", answer="rel_error", kind="function", expected=_rel_error,
    cases=_rel_error_cases,
    mistakes=[
        Mistake("absolute", lambda a, b: float(np.max(np.abs(np.asarray(a) - np.asarray(b)))),
                hint(de="Das ist der absolute Fehler. Teilen Sie jede Differenz durch "
                         "|a| + |b| (mindestens 10⁻⁸).",
                      en="This is the absolute error. Divide every difference by |a| + |b| "
                         "(at least 1e-8).")),
        Mistake("mean", lambda a, b: float(np.mean(
            np.abs(np.asarray(a) - np.asarray(b))
            / np.maximum(1e-8, np.abs(np.asarray(a)) + np.abs(np.asarray(b))))), hint(
            de="Gesucht ist der größte relative Fehler, nicht der mittlere: Ein einziges "
               "falsches Gewicht soll auffallen.",
            en="The largest relative error is wanted, not the mean: a single wrong weight "
               "must stand out.")),
    ])
EX_GRADIENTS = DictExercise(
    id="u3_gradients", answer="gradients", kind="function",
    expected=_as_tuple(_gradients_reference), cases=_gradient_cases, rtol=1e-5, atol=1e-9,
    mistakes=[
        Mistake("g_prime_in_layer2", _gradients_wrong(layer2="g'"), hint(
            de="In der zweiten Schicht gehört g(zₖ) in die Formel, nicht g'(zₖ) (der Fehler "
               "einiger Folien): ŷ hängt linear von w_1k⁽²⁾ ab.",
            en="The second layer needs g(zₖ), not g'(zₖ) (the mistake on some slides): ŷ "
               "depends linearly on w_1k⁽²⁾.")),
        Mistake("sign", _gradients_wrong(sign=-1.0), hint(
            de="Alle Vorzeichen sind falsch: Die innere Ableitung von (yᵢ − ŷᵢ) bringt ein "
               "Minus (oder Sie rechnen mit ŷᵢ − yᵢ und zusätzlichem Minus).",
            en="Every sign is wrong: the inner derivative of (yᵢ − ŷᵢ) introduces a minus sign "
               "(or you use ŷᵢ − yᵢ with an extra minus).")),
        Mistake("half", _gradients_wrong(scale=0.5), hint(
            de="Alles ist halb so groß wie richtig: Der Faktor 2 aus der Ableitung des "
               "Quadrats macht aus 1/(2n) den Faktor 1/n.",
            en="Everything is half the right size: the factor 2 from differentiating the "
               "square turns 1/(2n) into 1/n.")),
        Mistake("no_x", _gradients_wrong(with_x=False), hint(
            de="Bei ∂J/∂w_k1⁽¹⁾ fehlt der Faktor xᵢ (innere Ableitung von zₖ nach w_k1⁽¹⁾).",
            en="∂J/∂w_k1⁽¹⁾ lacks the factor xᵢ (the inner derivative of zₖ with respect to "
               "w_k1⁽¹⁾).")),
        Mistake("g_in_layer1", _gradients_wrong(layer1="g"), hint(
            de="In der ersten Schicht gehört g'(zₖ) = g(zₖ)(1 − g(zₖ)) in die Formel, nicht "
               "g(zₖ).",
            en="The first layer needs g'(zₖ) = g(zₖ)(1 − g(zₖ)), not g(zₖ).")),
        Mistake("no_w2", _gradients_wrong(with_w2=False), hint(
            de="In der ersten Schicht fehlt der Faktor w_1k⁽²⁾ vor der Summe.",
            en="The first layer lacks the factor w_1k⁽²⁾ in front of the sum.")),
    ])
EX_STEP = DictExercise(
    id="u3_step", answer="train_step", kind="function", expected=_as_tuple(_step_reference),
    cases=_step_cases, rtol=1e-5, atol=1e-9,
    mistakes=[
        Mistake("ascent", _as_tuple(lambda x, y, w, alpha: _step_reference(x, y, w, -alpha)),
                hint(de="Sie gehen bergauf: Beim Gradientenabstieg wird η·∂J/∂w abgezogen.",
                      en="You walk uphill: gradient descent subtracts η·∂J/∂w.")),
        Mistake("no_alpha", _as_tuple(lambda x, y, w, alpha: _step_reference(x, y, w, 1.0)),
                hint(de="Die Lernrate η fehlt.", en="The learning rate η is missing.")),
        Mistake("unchanged", _as_tuple(lambda x, y, w, alpha: dict(w)), hint(
            de="Die Gewichte haben sich nicht verändert: Geben Sie die neuen Gewichte zurück.",
            en="The weights did not change: return the new weights.")),
    ])
EXERCISES = [EX_Z, EX_A, EX_YHAT, EX_PREDICT, EX_COST, EX_CHAIN, EX_LAYER2, EX_LAYER1, EX_NEEDED,
             EX_INGREDIENTS, EX_NUMERICAL_GRADIENTS, EX_REL_ERROR, EX_GRADIENTS, EX_STEP]


# ====================================================================== cells
INTRO = md(
    de=r"""# Einheit 3: Ein kleines Netz lernt eine Sinuskurve

Ein Netz mit **einer Eingabe, drei verborgenen Neuronen und einer Ausgabe** – zehn Gewichte
insgesamt – kann eine Sinuskurve erstaunlich gut nachbilden. In dieser Einheit verfolgen Sie
Schritt für Schritt, wie es das tut:

1. **Wie berechnet das Netz eine Vorhersage?** Vorwärtsdurchlauf für $x = 2$, dann für viele $x$.
2. **Wie setzen sich die drei Aktivierungskurven zur Modellkurve zusammen?** Zehn Schieberegler.
3. **Wie findet man die Gewichte?** Kostenfunktion, Kettenregel, alle zehn partiellen Ableitungen,
   Gradientenabstieg – und ein Netz, das vor Ihren Augen lernt.

**Lernziele.** Sie können
- den Vorwärtsdurchlauf eines 1-3-1-Netzes von Hand und vektorisiert berechnen,
- erklären, wie gewichtete Sigmoid-Stufen zusammen eine nichtlineare Kurve ergeben,
- die Kostenfunktion $J$ aufstellen und mit der Kettenregel alle zehn partiellen Ableitungen
  herleiten,
- einen Schritt des Gradientenabstiegs implementieren und den Einfluss der Lernrate beurteilen.

Bewertete Aufgaben beginnen mit **Aufgabe** und nennen ihre Punktzahl; unter jeder Antwortzelle
prüft eine Prüfzelle Ihre Antwort und gibt bei typischen Fehlern einen Hinweis.

> **Hinweis zu Dezimalzahlen:** Python schreibt Dezimalzahlen mit Punkt: `0.1`, nicht `0,1`
> (`w = 0,1` wäre ein Tupel aus zwei Zahlen). Die Grafiken zeigen Zahlen mit Dezimalkomma.""",
    en=r"""# Unit 3: A small network learns a sine curve

A network with **one input, three hidden neurons and one output** – ten weights in all – can
reproduce a sine curve remarkably well. In this unit you follow step by step how it does that:

1. **How does the network compute a prediction?** The forward pass for $x = 2$, then for many $x$.
2. **How do the three activation curves combine into the model curve?** Ten sliders.
3. **How do we find the weights?** Cost function, chain rule, all ten partial derivatives, gradient
   descent – and a network that learns before your eyes.

**Learning goals.** You can
- compute the forward pass of a 1-3-1 network by hand and vectorised,
- explain how weighted sigmoid steps add up to a non-linear curve,
- set up the cost function $J$ and derive all ten partial derivatives with the chain rule,
- implement one step of gradient descent and judge the effect of the learning rate.

Graded exercises start with **Exercise** and state their points; below each answer cell a test
cell checks your answer and gives a hint for typical mistakes.""")

SETUP_CODE = code(
    "from workbook.i18n import fmt\n"
    "from workbook.reference.sine_network import (\n"
    "    GIVEN, NAMES, initial_weights, sine_data, weights_cost)\n"
    "from workbook.views.sine_network import (\n"
    "    ForwardView, TrainingView, WeightsView, data_view, symbol)")

DATA = md(
    de=r"""## 1 Ausgangslage

Wir betrachten ein **einfaches Regressionsproblem**:

- eine quantitative Eingabevariable $x_i$ und
- eine quantitative Zielvariable $y_i$, $\;i = 1, \dots, n$.

Der wahre Zusammenhang ist stark **nichtlinear**: eine Sinuskurve. Der Datensatz hat $n = 40$
Punkte, $x_i$ gleichverteilt auf $[-3, 3]$ (etwa eine Periode) und
$y_i = 2{,}5 \cdot \sin(x_i) + \varepsilon_i$ mit kleinem zufälligem Rauschen $\varepsilon_i$
(fester Startwert, alle sehen dieselben Daten). Eine Gerade kann diesen Zusammenhang nicht
beschreiben.""",
    en=r"""## 1 The setting

We look at a **simple regression problem**:

- one quantitative input variable $x_i$ and
- one quantitative target variable $y_i$, $\;i = 1, \dots, n$.

The true relationship is strongly **non-linear**: a sine curve. The data set has $n = 40$ points,
$x_i$ uniform on $[-3, 3]$ (about one period) and $y_i = 2.5 \cdot \sin(x_i) + \varepsilon_i$ with a
little random noise $\varepsilon_i$ (fixed seed: everybody sees the same data). A straight line
cannot describe this relationship.""")

DATA_CODE = code(
    "x_data, y_data = sine_data()\n"
    "print(tr(de=\"Anzahl der Datenpunkte: n =\", en=\"number of data points: n =\"),\n"
    "      len(x_data))\n"
    "data_view()")

ARCHITECTURE = md(
    de=r"""## 2 Die Architektur: ein 1-3-1-Netz

Eine Eingabe $x$, eine verborgene Schicht mit drei Neuronen (Aktivierungsfunktion $g$ = Sigmoid),
ein Ausgabeneuron ohne Aktivierungsfunktion. Für $k = 1, 2, 3$:

$$z_k^{(1)} = w_{k0}^{(1)} + w_{k1}^{(1)}\,x, \qquad
  g(z) = \frac{1}{1 + e^{-z}}, \qquad
  \hat y = w_{10}^{(2)} + w_{11}^{(2)}\,g\big(z_1^{(1)}\big) + w_{12}^{(2)}\,g\big(z_2^{(1)}\big)
         + w_{13}^{(2)}\,g\big(z_3^{(1)}\big).$$

Lesen Sie die Indizes so: $w_{k1}^{(1)}$ ist das Gewicht von der Eingabe $x$ zum Neuron $k$ der
ersten Schicht, $w_{k0}^{(1)}$ sein Bias (das Gewicht einer konstanten Eingabe 1); $w_{1k}^{(2)}$
ist das Gewicht vom Neuron $k$ zur Ausgabe, $w_{10}^{(2)}$ der Bias der Ausgabe. Kurz schreiben wir
$z_k$ für $z_k^{(1)}$.

**Die Gewichte sind gegeben.** In diesem ersten Teil nehmen wir an, dass alle zehn Gewichte schon
optimiert wurden. Wir haben sie mit Gradientenabstieg gefunden (40 000 Schritte mit nnkit, wie im
dritten Teil dieser Einheit) und auf zwei Nachkommastellen gerundet. Im Code heißen sie wie in der
Vorlesung: `w["w1_21"]` ist $w_{21}^{(1)}$, `w["w2_13"]` ist $w_{13}^{(2)}$.""",
    en=r"""## 2 The architecture: a 1-3-1 network

One input $x$, one hidden layer of three neurons (activation function $g$ = sigmoid), one output
neuron without an activation function. For $k = 1, 2, 3$:

$$z_k^{(1)} = w_{k0}^{(1)} + w_{k1}^{(1)}\,x, \qquad
  g(z) = \frac{1}{1 + e^{-z}}, \qquad
  \hat y = w_{10}^{(2)} + w_{11}^{(2)}\,g\big(z_1^{(1)}\big) + w_{12}^{(2)}\,g\big(z_2^{(1)}\big)
         + w_{13}^{(2)}\,g\big(z_3^{(1)}\big).$$

Read the indices like this: $w_{k1}^{(1)}$ is the weight from the input $x$ to neuron $k$ of the
first layer, $w_{k0}^{(1)}$ its bias (the weight of a constant input 1); $w_{1k}^{(2)}$ is the
weight from neuron $k$ to the output, $w_{10}^{(2)}$ the bias of the output. For short we write
$z_k$ for $z_k^{(1)}$.

**The weights are given.** In this first part we assume that all ten weights have already been
optimised. We found them by gradient descent (40,000 steps with nnkit, as in the third part of
this unit) and rounded them to two decimals. In code they have the lecture's names: `w["w1_21"]` is
$w_{21}^{(1)}$, `w["w2_13"]` is $w_{13}^{(2)}$.""")

WEIGHTS_CODE = code(
    "w = dict(GIVEN)  # the given weights: w[\"w1_10\"], w[\"w1_11\"], ..., w[\"w2_13\"]\n"
    "for name in NAMES:\n"
    "    print(f\"{symbol(name):8} w[{name!r}] = {fmt(w[name]):>6}\")")

FORWARD = md(
    de=r"""## 3 Vorhersage für $x = 2$ in fünf Schritten

Der **Vorwärtsdurchlauf** berechnet die Vorhersage von links nach rechts durch das Netz:

1. Die Eingabe $x = 2$ liegt am Eingabeneuron an.
2. Jedes verborgene Neuron bildet die gewichtete Summe
   $z_k = w_{k0}^{(1)} + w_{k1}^{(1)} \cdot 2$.
3. Jedes verborgene Neuron wendet die Aktivierungsfunktion an: $g(z_k)$.
4. Das Ausgabeneuron gewichtet die drei Aktivierungen: $w_{1k}^{(2)}\,g(z_k)$ …
5. … und addiert sie zu seinem Bias: $\hat y = w_{10}^{(2)} + \sum_k w_{1k}^{(2)}\,g(z_k)$.

**Aufgabe 1a (1 Punkt).** Berechnen Sie $z_1, z_2, z_3$ für $x = 2$ mit den gegebenen Gewichten
`w`, als Array `z_x2` aus drei Zahlen.""",
    en=r"""## 3 The prediction for $x = 2$ in five steps

The **forward pass** computes the prediction from left to right through the network:

1. The input $x = 2$ is applied to the input neuron.
2. Each hidden neuron forms its weighted sum $z_k = w_{k0}^{(1)} + w_{k1}^{(1)} \cdot 2$.
3. Each hidden neuron applies the activation function: $g(z_k)$.
4. The output neuron weights the three activations: $w_{1k}^{(2)}\,g(z_k)$ …
5. … and adds them to its bias: $\hat y = w_{10}^{(2)} + \sum_k w_{1k}^{(2)}\,g(z_k)$.

**Exercise 1a (1 point).** Compute $z_1, z_2, z_3$ for $x = 2$ with the given weights `w`, as an
array `z_x2` of three numbers.""")

A_TASK = md(
    de=r"""**Aufgabe 1b (1 Punkt).** Implementieren Sie die Sigmoid-Funktion `g(z)` und berechnen
Sie die drei Aktivierungen $g(z_1), g(z_2), g(z_3)$ als Array `a_x2`.""",
    en=r"""**Exercise 1b (1 point).** Implement the sigmoid function `g(z)` and compute the three
activations $g(z_1), g(z_2), g(z_3)$ as an array `a_x2`.""")

YHAT_TASK = md(
    de=r"""**Aufgabe 1c (1 Punkt).** Berechnen Sie die Vorhersage $\hat y$ für $x = 2$ als Zahl
`yhat_x2` (Schritte 4 und 5).""",
    en=r"""**Exercise 1c (1 point).** Compute the prediction $\hat y$ for $x = 2$ as a number
`yhat_x2`
(steps 4 and 5).""")

FORWARD_VIEW = md(
    de=r"""### Das Netz als Diagramm

Die Ansicht zeigt den Vorwärtsdurchlauf für das $x$ des Schiebereglers: an jedem verborgenen
Neuron $z$ und $a = g(z)$, an jeder Kante das Gewicht (durchgezogen blau: positiv, gestrichelt
orange: negativ). Die Biases sind nicht eingezeichnet; sie stecken in $z$. Stellen Sie $x = 2$ ein
und vergleichen Sie mit Ihren Ergebnissen aus Aufgabe 1.

## 4 Vorhersagen im Streudiagramm

Die Vorhersage für $x = 2$ ist **ein Punkt** $(2, \hat y)$ im Streudiagramm der Daten (Auswahl
„ein Punkt“). Dasselbe können wir für **viele** $x$ rechnen („viele Punkte“). Verbinden wir diese
Punkte, entsteht eine **Kurve**, die das Modell darstellt („Kurve“): Das kleine Netz gibt den
nichtlinearen Zusammenhang gut wieder, ohne dass wir ihm gesagt hätten, dass es sich um einen Sinus
handelt. Bewegen Sie $x$ und beobachten Sie, wie sich die Werte im Netz ändern.

(Auf den Folien der Vorlesung ergibt sich für $x = 2$ die Vorhersage $\hat y = 2{,}4$. Das gilt für
die dortigen Gewichte; mit den hier gegebenen, gerundeten Gewichten erhalten Sie einen etwas
anderen Wert.)""",
    en=r"""### The network as a diagram

The diagram shows the forward pass for the $x$ of the slider: at each hidden neuron $z$ and
$a = g(z)$, at each edge the weight (solid blue: positive, dashed orange: negative). The biases
are not drawn; they are contained in $z$. Set $x = 2$ and compare with your results of
exercise 1.

## 4 Predictions in a scatter plot

The prediction for $x = 2$ is **one point** $(2, \hat y)$ in the scatter plot of the data (option
"one point"). We can compute the same for **many** $x$ ("many points"). Joining these points gives
a **curve** that represents the model ("curve"): the small network reproduces the non-linear
relationship well without being told that it is a sine. Move $x$ and watch how the values in the
network change.

(On the lecture slides the prediction for $x = 2$ is $\hat y = 2.4$. That holds for the weights
used there; with the rounded weights given here you get a slightly different value.)""")

PREDICT_TASK = md(
    de=r"""**Aufgabe 2 (1 Punkt).** Implementieren Sie `predict_131(x, w)`: Für ein Array `x` aus
$n$ Eingaben und Gewichte `w` (ein `dict` wie oben) gibt die Funktion das Array der $n$ Vorhersagen
$\hat y_i$ zurück. Rechnen Sie mit ganzen Arrays (NumPy rechnet elementweise), ohne Schleife über
$i$. Die Funktion `g` aus Aufgabe 1b dürfen Sie verwenden.""",
    en=r"""**Exercise 2 (1 point).** Implement `predict_131(x, w)`: for an array `x` of $n$ inputs
and weights `w` (a `dict` as above) the function returns the array of the $n$ predictions
$\hat y_i$. Compute with whole arrays (NumPy works elementwise), without a loop over $i$. You may
use the function `g` of exercise 1b.""")

COMBINE = md(
    de=r"""## 6 Wie die drei Aktivierungskurven die Modellkurve ergeben

Die Ausgabe ist eine gewichtete Summe: $\hat y(x) = w_{10}^{(2)} + \sum_k w_{1k}^{(2)}\, g(z_k(x))$.
Jeder Summand $w_{1k}^{(2)} g(z_k(x))$ ist eine **Sigmoid-Stufe**. Die Stufe liegt dort, wo
$z_k = 0$ ist, also bei $x = -w_{k0}^{(1)}/w_{k1}^{(1)}$. $|w_{k1}^{(1)}|$ bestimmt, wie steil
sie ist, und $|w_{1k}^{(2)}|$, wie hoch sie ist. Ob sie steigt oder fällt, bestimmt das Vorzeichen
des Produkts $w_{1k}^{(2)}\,w_{k1}^{(1)}$: Ist es positiv, steigt die Stufe, ist es negativ, fällt
sie. Das Netz **kombiniert** die drei Stufen geschickt zur Sinuskurve.

Rechts sehen Sie die drei Summanden, den Bias und ihre Summe $\hat y(x)$; links die Modellkurve
mit den Daten und die Kosten $J$ (Abschnitt 5). Alle zehn Gewichte sind einstellbar;
„Zurücksetzen“ stellt die gegebenen Gewichte wieder her.""",
    en=r"""## 6 How the three activation curves make the model curve

The output is a weighted sum: $\hat y(x) = w_{10}^{(2)} + \sum_k w_{1k}^{(2)}\, g(z_k(x))$. Each
term
$w_{1k}^{(2)} g(z_k(x))$ is a **sigmoid step**: it sits where $z_k = 0$, that is at
$x = -w_{k0}^{(1)}/w_{k1}^{(1)}$. $|w_{k1}^{(1)}|$ sets how steep it is and $|w_{1k}^{(2)}|$ how
high it is. Whether it rises or falls is set by the sign of the product
$w_{1k}^{(2)}\,w_{k1}^{(1)}$: if it is positive the step rises, if negative it falls. The network
**combines** the three steps cleverly into the sine curve.

On the right you see the three terms, the bias and their sum $\hat y(x)$; on the left the model
curve with the data and the cost $J$ (section 5). All ten weights can be set; "Reset" restores
the given weights.""")

COMBINE_TASK = md(
    de=r"""**Aufgabe 4 (1 Punkt, manuell bewertet).** Beschreiben Sie in zwei bis vier Sätzen,
welchen
Teil der Sinuskurve jedes der drei verborgenen Neuronen beiträgt (wo liegt seine Stufe, steigt oder
fällt sie?). Was passiert mit der Modellkurve und mit $J$, wenn Sie $w_{12}^{(2)}$ auf 0 setzen?""",
    en=r"""**Exercise 4 (1 point, graded by hand).** Describe in two to four sentences which part
of the
sine curve each of the three hidden neurons contributes (where is its step, does it rise or
fall?). What happens to the model curve and to $J$ when you set $w_{12}^{(2)}$ to 0?""")

COMBINE_ANSWER = manual(
    "u3_combine", 1,
    de=r"""*Musterlösung:* Neuron 1 ($z_1 = -0{,}16 + 1{,}74\,x$) hat seine Stufe bei
$x \approx 0{,}09$ und steigt um $w_{11}^{(2)} = 6{,}12$: Es erzeugt den Anstieg in der Mitte.
Neuron 2 hat seine Stufe bei $x \approx 2{,}79$ und fällt ($w_{12}^{(2)} = -4{,}39 < 0$,
$w_{21}^{(1)} > 0$): der Abfall nach dem Maximum am rechten Rand. Neuron 3 ($w_{31}^{(1)} < 0$) ist
eine fallende Sigmoid-Kurve mit Stufe bei $x \approx -2{,}63$; mit $w_{13}^{(2)} = 3{,}26$ ist sein
Beitrag links hoch und fällt dann auf 0: der Abfall am linken Rand bis zum Minimum. Der Bias
$-2{,}93$ verschiebt alles nach unten. Mit $w_{12}^{(2)} = 0$ fehlt der Abfall rechts: Die Kurve
bleibt für $x > 2$ oben, $J$ steigt deutlich (von 0,029 auf 0,225).""",
    en=r"""*Model answer:* Neuron 1 ($z_1 = -0.16 + 1.74\,x$) has its step at $x \approx 0.09$ and
rises by $w_{11}^{(2)} = 6.12$: it makes the rise in the middle. Neuron 2 has its step at
$x \approx 2.79$ and falls ($w_{12}^{(2)} = -4.39 < 0$, $w_{21}^{(1)} > 0$): the drop after the
maximum at the right end. Neuron 3 ($w_{31}^{(1)} < 0$) is a falling sigmoid with its step at
$x \approx -2.63$; with $w_{13}^{(2)} = 3.26$ its contribution is high on the left and then falls
to 0: the drop at the left end down to the minimum. The bias $-2.93$ shifts everything down. With
$w_{12}^{(2)} = 0$ the drop on the right is missing: the curve stays up for $x > 2$ and $J$ rises
clearly (from 0.029 to 0.225).""")

COST = md(
    de=r"""## 5 Die Kostenfunktion

Wie gut passen die Gewichte zu den Daten? Für die Regression messen wir das mit dem **mittleren
quadratischen Fehler** (MSE), in der Form der Vorlesung mit dem Faktor $\tfrac12$:

$$J(\mathbf w) = \frac{1}{2n} \sum_{i=1}^n \big(y_i - \hat y_i\big)^2 .$$

Um $J$ nach den Gewichten abzuleiten, schreiben wir die Kostenfunktion so, dass die **Gewichte
explizit** auftauchen:

$$J(\mathbf w) = \frac{1}{2n} \sum_{i=1}^n \Big(y_i - \underbrace{\big(w_{10}^{(2)}
  + w_{11}^{(2)}\, g(z_{i1}) + w_{12}^{(2)}\, g(z_{i2}) + w_{13}^{(2)}\, g(z_{i3})\big)}_{\hat y_i}
  \Big)^2, \qquad z_{ik} = w_{k0}^{(1)} + w_{k1}^{(1)}\, x_i .$$

Dabei ist $z_{ik}$ der Wert von $z_k$ für den Datenpunkt $i$.

**Aufgabe 3 (1 Punkt).** Berechnen Sie $J$ für die gegebenen Gewichte `w` auf dem Datensatz
`x_data, y_data` als Zahl `J_given`.""",
    en=r"""## 5 The cost function

How well do the weights fit the data? For regression we measure this with the **mean squared
error** (MSE), in the lecture's form with the factor $\tfrac12$:

$$J(\mathbf w) = \frac{1}{2n} \sum_{i=1}^n \big(y_i - \hat y_i\big)^2 .$$

To differentiate $J$ with respect to the weights, we write the cost function so that the **weights
appear explicitly**:

$$J(\mathbf w) = \frac{1}{2n} \sum_{i=1}^n \Big(y_i - \underbrace{\big(w_{10}^{(2)}
  + w_{11}^{(2)}\, g(z_{i1}) + w_{12}^{(2)}\, g(z_{i2}) + w_{13}^{(2)}\, g(z_{i3})\big)}_{\hat y_i}
  \Big)^2, \qquad z_{ik} = w_{k0}^{(1)} + w_{k1}^{(1)}\, x_i .$$

Here $z_{ik}$ is the value of $z_k$ for data point $i$.

**Exercise 3 (1 point).** Compute $J$ for the given weights `w` on the data set `x_data, y_data`
as a number `J_given`.""")

RULES = md(
    de=r"""## 7 Ableitungsregeln

Der Gradientenabstieg braucht die partiellen Ableitungen $\partial J/\partial w$ nach allen zehn
Gewichten. Zwei Regeln genügen:

- **Summenregel:** $\Big(\sum_{i=1}^n f_i(x)\Big)' = \sum_{i=1}^n f_i'(x)$ – die Ableitung einer
Summe
  ist die Summe der Ableitungen. Wir dürfen also jeden Summanden von $J$ einzeln ableiten.
- **Kettenregel:** $\big[f(h(x))\big]' = f'(h(x)) \cdot h'(x)$ – äußere Ableitung an der Stelle
  der inneren Funktion mal innere Ableitung.

**Aufgabe 5 (1 Punkt).** Leiten Sie $\ln(3x^2)$ nach $x$ ab (für $x \neq 0$) und vereinfachen Sie
so weit wie möglich. Geben Sie das Ergebnis als Text `d_ln` an, z. B. `"3*x + 1"`
(Potenzen mit `**` oder `^`).""",
    en=r"""## 7 Rules of differentiation

Gradient descent needs the partial derivatives $\partial J/\partial w$ for all ten weights. Two
rules
are enough:

- **Sum rule:** $\Big(\sum_{i=1}^n f_i(x)\Big)' = \sum_{i=1}^n f_i'(x)$ – the derivative of a sum is
  the sum of the derivatives. So we may differentiate each term of $J$ on its own.
- **Chain rule:** $\big[f(h(x))\big]' = f'(h(x)) \cdot h'(x)$ – the outer derivative at the inner
  function times the inner derivative.

**Exercise 5 (1 point).** Differentiate $\ln(3x^2)$ with respect to $x$ (for $x \neq 0$) and
simplify as far as possible. Give the result as text `d_ln`, e.g. `"3*x + 1"` (powers with `**`
or `^`).""")

LAYER2 = md(
    de=r"""## 8 Ableitungen nach den Gewichten der zweiten Schicht

Beginnen wir mit dem Bias-Gewicht $w_{10}^{(2)}$: Es kommt in $J$ nur als Summand von $\hat y_i$
vor, also ist $\partial \hat y_i/\partial w_{10}^{(2)} = 1$. Summenregel und Kettenregel (außen das
Quadrat, innen $y_i - \hat y_i$) ergeben

$$\frac{\partial J}{\partial w_{10}^{(2)}} = \frac{2}{2n}\sum_{i=1}^n (y_i - \hat y_i)\cdot(-1)
  = -\frac1n \sum_{i=1}^n (y_i - \hat y_i).$$

Der Faktor 2 aus der Ableitung des Quadrats kürzt sich mit dem $\tfrac12$ – deshalb steht der
Faktor $\tfrac12$ in $J$.

Für die Gewichte $w_{1k}^{(2)}$ ($k = 1, 2, 3$) ändert sich nur die innere Ableitung
$\partial \hat y_i/\partial w_{1k}^{(2)}$: In welchem Summanden von $\hat y_i$ kommt
$w_{1k}^{(2)}$ vor, und was in diesem Summanden hängt von $w_{1k}^{(2)}$ ab?

**Aufgabe 6 (1 Punkt).** Für **einen** Datenpunkt ($n = 1$) ist $J = \tfrac12 (y - \hat y)^2$. Geben
Sie $\partial J/\partial w_{12}^{(2)}$ als Text `dJ_dw2_12` an. Erlaubte Namen: `x`, `y`, `yhat`,
`z1`, `z2`, `z3`, die Gewichte wie `w2_12` oder `w1_21`, die Funktion `g` und ihre Ableitung
`g'` – z. B. `"(y + yhat) * w2_11 * z1"`.""",
    en=r"""## 8 Derivatives with respect to the weights of the second layer

Let us start with the bias weight $w_{10}^{(2)}$: it occurs in $J$ only as a term of $\hat y_i$,
so $\partial \hat y_i/\partial w_{10}^{(2)} = 1$. The sum rule and the chain rule (outside the
square, inside $y_i - \hat y_i$) give

$$\frac{\partial J}{\partial w_{10}^{(2)}} = \frac{2}{2n}\sum_{i=1}^n (y_i - \hat y_i)\cdot(-1)
  = -\frac1n \sum_{i=1}^n (y_i - \hat y_i).$$

The factor 2 from differentiating the square cancels the $\tfrac12$ – that is why it is in $J$.

For the weights $w_{1k}^{(2)}$ ($k = 1, 2, 3$) only the inner derivative
$\partial \hat y_i/\partial w_{1k}^{(2)}$ changes: in which term of $\hat y_i$ does $w_{1k}^{(2)}$
occur, and what in that term depends on $w_{1k}^{(2)}$?

**Exercise 6 (1 point).** For **one** data point ($n = 1$), $J = \tfrac12 (y - \hat y)^2$. Give
$\partial J/\partial w_{12}^{(2)}$ as text `dJ_dw2_12`. Allowed names: `x`, `y`, `yhat`, `z1`,
`z2`, `z3`, the weights such as `w2_12` or `w1_21`, the function `g` and its derivative `g'` –
e.g. `"(y + yhat) * w2_11 * z1"`.""")

SLIDES_WRONG = md(
    de=r"""> **Vorsicht.** Auf einigen Folien („Was benötigen wir, um die Ableitungen zu rechnen?“)
> steht in den Formeln der zweiten Schicht $g'(z_k)$. Das ist **falsch**: Richtig ist $g(z_{ik})$ –
> $w_{1k}^{(2)}$ steht im Summanden $w_{1k}^{(2)}\, g(z_{ik})$, und $g(z_{ik})$ hängt nicht von
> $w_{1k}^{(2)}$ ab. Die Ableitung $g'$ entsteht erst, wenn das Gewicht *innerhalb* von $g$
> sitzt – also in der ersten Schicht.""",
    en=r"""> **Careful.** Some slides ("What do we need to compute the derivatives?") show
> $g'(z_k)$ in the second-layer formulas. That is **wrong**: the right factor is $g(z_{ik})$ –
> $w_{1k}^{(2)}$ is in the term $w_{1k}^{(2)}\, g(z_{ik})$, and $g(z_{ik})$ does not depend on
> $w_{1k}^{(2)}$. The derivative $g'$ only appears when the weight sits *inside* $g$ – that is,
> in the first layer.""")

LAYER1 = md(
    de=r"""## 9 Ableitungen nach den Gewichten der ersten Schicht

Jetzt sitzt das Gewicht *innerhalb* von $g$. Schreiben wir $z_{i1}$ aus:

$$J(\mathbf w) = \frac{1}{2n}\sum_{i=1}^n \Big(y_i - \big(w_{10}^{(2)} + w_{11}^{(2)}\,
  g\big(w_{10}^{(1)} + w_{11}^{(1)} x_i\big) + w_{12}^{(2)}\, g(z_{i2}) + w_{13}^{(2)}\, g(z_{i3})
  \big)\Big)^2 .$$

Die Kettenregel hat jetzt drei Glieder: Quadrat → $w_{11}^{(2)}\,g(\cdot)$ → $z_{i1}$. Für das
Bias-Gewicht $w_{10}^{(1)}$ ist $\partial z_{i1}/\partial w_{10}^{(1)} = 1$:

$$\frac{\partial J}{\partial w_{10}^{(1)}} = \frac{2}{2n}\sum_{i=1}^n (y_i - \hat y_i)\cdot
  \big(-w_{11}^{(2)}\big)\, g'(z_{i1}) \cdot 1 = -\frac{w_{11}^{(2)}}{n}\sum_{i=1}^n
  (y_i - \hat y_i)\, g'(z_{i1}).$$

Für die Sigmoid-Funktion gilt $g'(z) = g(z)\,\big(1 - g(z)\big)$: Die Ableitung lässt sich aus der
Aktivierung selbst berechnen.

**Aufgabe 7 (1 Punkt).** Wieder für einen Datenpunkt ($n = 1$): Geben Sie
$\partial J/\partial w_{21}^{(1)}$ als Text `dJ_dw1_21` an (dieselben Namen wie in Aufgabe 6).
Überlegen Sie: Welches Neuron und welches Gewicht der zweiten Schicht sind beteiligt, und was ist
$\partial z_{2}/\partial w_{21}^{(1)}$?""",
    en=r"""## 9 Derivatives with respect to the weights of the first layer

Now the weight sits *inside* $g$. Writing $z_{i1}$ out:

$$J(\mathbf w) = \frac{1}{2n}\sum_{i=1}^n \Big(y_i - \big(w_{10}^{(2)} + w_{11}^{(2)}\,
  g\big(w_{10}^{(1)} + w_{11}^{(1)} x_i\big) + w_{12}^{(2)}\, g(z_{i2}) + w_{13}^{(2)}\, g(z_{i3})
  \big)\Big)^2 .$$

The chain rule now has three links: square → $w_{11}^{(2)}\,g(\cdot)$ → $z_{i1}$. For the bias
weight $w_{10}^{(1)}$, $\partial z_{i1}/\partial w_{10}^{(1)} = 1$:

$$\frac{\partial J}{\partial w_{10}^{(1)}} = \frac{2}{2n}\sum_{i=1}^n (y_i - \hat y_i)\cdot
  \big(-w_{11}^{(2)}\big)\, g'(z_{i1}) \cdot 1 = -\frac{w_{11}^{(2)}}{n}\sum_{i=1}^n
  (y_i - \hat y_i)\, g'(z_{i1}).$$

For the sigmoid, $g'(z) = g(z)\,\big(1 - g(z)\big)$: the derivative can be computed from the
activation itself.

**Exercise 7 (1 point).** Again for one data point ($n = 1$): give
$\partial J/\partial w_{21}^{(1)}$ as text `dJ_dw1_21` (the same names as in exercise 6). Ask
yourself which neuron and which second-layer weight are involved, and what
$\partial z_{2}/\partial w_{21}^{(1)}$ is.""")

# The table of section 10, coloured like the list of ingredients below it.
_G, _GP = r"{\color{#0072B2}g(z_{ik})}", r"{\color{#D55E00}g'(z_{ik})}"
_W2, _X = r"{\color{#009E73}w_{1k}^{(2)}}", r"{\color{#CC79A7}x_i}"
TABLE_ROWS = "\n".join([
    r"| $w_{10}^{(2)}$ | $-\dfrac1n \sum_i r_i$ |",
    r"| $w_{1k}^{(2)}$ | $-\dfrac1n \sum_i r_i\; " + _G + "$ |",
    r"| $w_{k0}^{(1)}$ | $-\dfrac{" + _W2 + r"}{n} \sum_i r_i\; " + _GP + "$ |",
    r"| $w_{k1}^{(1)}$ | $-\dfrac{" + _W2 + r"}{n} \sum_i r_i\; " + _GP + r"\; " + _X + "$ |",
]) + "\n"

NEEDED_TASK = md(
    de=r"""## 10 Alle Ableitungen auf einen Blick

Verallgemeinern Sie Ihre Ergebnisse aus den Aufgaben 6 und 7 auf $n$ Datenpunkte und alle zehn
Gewichte. Es genügen vier Formeln: für $w_{10}^{(2)}$, für $w_{1k}^{(2)}$, für $w_{k0}^{(1)}$ und
für $w_{k1}^{(1)}$, jeweils mit $k = 1, 2, 3$ und dem Residuum $r_i = y_i - \hat y_i$. Die Ableitung
$g'(z_{ik})$ zählt dabei als **ein** Faktor (auch wenn man sie für die Sigmoid-Funktion als
$g(z_{ik})\big(1 - g(z_{ik})\big)$ berechnet).

**Aufgabe 8a (1 Punkt).** In welchen der zehn Formeln steht $x_i$ als eigener Faktor? Setzen Sie
`needed_x` auf den Buchstaben der richtigen Antwort:

- `"a"`: in allen zehn
- `"b"`: nur in den vier Ableitungen der zweiten Schicht
- `"c"`: nur in $\partial J/\partial w_{11}^{(1)}$, $\partial J/\partial w_{21}^{(1)}$,
  $\partial J/\partial w_{31}^{(1)}$
- `"d"`: in allen sechs Ableitungen der ersten Schicht""",
    en=r"""## 10 All derivatives at a glance

Generalise your results of exercises 6 and 7 to $n$ data points and all ten weights. Four
formulas suffice: for $w_{10}^{(2)}$, for $w_{1k}^{(2)}$, for $w_{k0}^{(1)}$ and for
$w_{k1}^{(1)}$, each with $k = 1, 2, 3$ and the residual $r_i = y_i - \hat y_i$. The derivative
$g'(z_{ik})$ counts as **one** factor (even though for the sigmoid one computes it as
$g(z_{ik})\big(1 - g(z_{ik})\big)$).

**Exercise 8a (1 point).** In which of the ten formulas does $x_i$ appear as a separate factor? Set
`needed_x` to the letter of the right answer:

- `"a"`: in all ten
- `"b"`: only in the four derivatives of the second layer
- `"c"`: only in $\partial J/\partial w_{11}^{(1)}$, $\partial J/\partial w_{21}^{(1)}$,
  $\partial J/\partial w_{31}^{(1)}$
- `"d"`: in all six derivatives of the first layer""")

INGREDIENTS_TASK = md(
    de=r"""**Aufgabe 8b (2 Punkte).** Nun alle fünf Zutaten: Welche Größe steht in welcher
Ableitung als Faktor? Tragen Sie in `ingredients` eine Tabelle aus fünf Zeilen und vier Spalten
ein, mit 1 für „steht als Faktor darin“ und 0 sonst ($g'(z_{ik})$ zählt wie in 8a als ein Faktor).

- Zeilen, in dieser Reihenfolge: $r_i$, $g(z_{ik})$, $g'(z_{ik})$, $w_{1k}^{(2)}$, $x_i$;
- Spalten, in dieser Reihenfolge: $\partial J/\partial w_{10}^{(2)}$,
  $\partial J/\partial w_{1k}^{(2)}$, $\partial J/\partial w_{k0}^{(1)}$,
  $\partial J/\partial w_{k1}^{(1)}$.

Zum Beispiel begänne die Tabelle mit `[[1, 0, 0, 0], ...]`, wenn die Größe der ersten Zeile nur
in $\partial J/\partial w_{10}^{(2)}$ als Faktor stünde.""",
    en=r"""**Exercise 8b (2 points).** Now all five ingredients: which quantity is a factor of
which derivative? Enter a table of five rows and four columns in `ingredients`, with 1 for "is a
factor of it" and 0 otherwise ($g'(z_{ik})$ counts as one factor, as in 8a).

- rows, in this order: $r_i$, $g(z_{ik})$, $g'(z_{ik})$, $w_{1k}^{(2)}$, $x_i$;
- columns, in this order: $\partial J/\partial w_{10}^{(2)}$, $\partial J/\partial w_{1k}^{(2)}$,
  $\partial J/\partial w_{k0}^{(1)}$, $\partial J/\partial w_{k1}^{(1)}$.

For example, the table would start with `[[1, 0, 0, 0], ...]` if the quantity of the first row
were a factor of $\partial J/\partial w_{10}^{(2)}$ only.""")

TABLE = md(
    de=r"""### Zum Vergleich: die vier Formeln

Mit $r_i = y_i - \hat y_i$ (Residuum) und $k = 1, 2, 3$:

| Gewicht | partielle Ableitung von $J$ |
|---|---|
""" + TABLE_ROWS + r"""
### Was benötigen wir, um die Ableitungen zu rechnen?

- die Werte der Zielvariable $y_i$ in den Trainingsdaten und die **aktuellen Vorhersagen**
  $\hat y_i$ (zusammen das Residuum $r_i$),
- die **Aktivierungen** $\color{#0072B2}g(z_{ik})$ für jeden Datenpunkt (für die zweite Schicht),
- die **Ableitungen der Aktivierungen** $\color{#D55E00}g'(z_{ik}) = g(z_{ik})(1 - g(z_{ik}))$
  (für die erste Schicht),
- die **aktuellen Gewichte der zweiten Schicht** $\color{#009E73}w_{11}^{(2)}, w_{12}^{(2)},
  w_{13}^{(2)}$ (für die erste Schicht),
- die **Eingaben** $\color{#CC79A7}x_i$ in den Trainingsdaten.""",
    en=r"""### For comparison: the four formulas

With $r_i = y_i - \hat y_i$ (the residual) and $k = 1, 2, 3$:

| weight | partial derivative of $J$ |
|---|---|
""" + TABLE_ROWS + r"""
### What do we need to compute the derivatives?

- the values of the target $y_i$ in the training data and the **current predictions** $\hat y_i$
  (together the residual $r_i$),
- the **activations** $\color{#0072B2}g(z_{ik})$ for every data point (for the second layer),
- the **derivatives of the activations** $\color{#D55E00}g'(z_{ik}) = g(z_{ik})(1 - g(z_{ik}))$
  (for the first layer),
- the **current weights of the second layer** $\color{#009E73}w_{11}^{(2)}, w_{12}^{(2)},
  w_{13}^{(2)}$ (for the first layer),
- the **inputs** $\color{#CC79A7}x_i$ of the training data.""")

PASSES = md(
    de=r"""## 11 Vorwärtsdurchlauf und Rückwärtsdurchlauf

Die Trainingsdaten $(x_i, y_i)$ und die aktuellen Gewichte kennen wir. Die aktuellen Aktivierungen
und Vorhersagen liefert der **Vorwärtsdurchlauf** – genau das, was Sie in Abschnitt 3 gerechnet
haben, jetzt für alle Datenpunkte auf einmal. Ganz am Anfang des Trainings verwendet er die
**zufällig initialisierten** Gewichte.

Danach haben wir alle Zutaten für die Ableitungen; sie zu berechnen ist der
**Rückwärtsdurchlauf**. Er braucht die Werte des Vorwärtsdurchlaufs ($g(z_{ik})$, $\hat y_i$) noch
einmal: Man speichert sie beim Vorwärtsdurchlauf, statt sie neu zu berechnen (in nnkit der `cache`
jeder Schicht). Das spart Rechenzeit und kostet Speicher – für jede Schicht und jedes Beispiel des
Mini-Batches die Aktivierungen; bei großen Netzen ist das oft mehr Speicher als für die Gewichte.
(Wie dieselbe Rechnung Knoten für Knoten auf einem Rechengraphen abläuft, zeigt Einheit 4,
Abschnitt 0.) Anschließend können wir für **jedes Gewicht** einen Schritt des
**Gradientenabstiegs** machen, mit der Lernrate $\eta$ (auf den Folien $\alpha$):

$$w_{10}^{(2)} := w_{10}^{(2)} - \eta\, \frac{\partial J}{\partial w_{10}^{(2)}}, \qquad \dots,
\qquad
  w_{31}^{(1)} := w_{31}^{(1)} - \eta\, \frac{\partial J}{\partial w_{31}^{(1)}} .$$

Diese Folge aus Vorwärts- und Rückwärtsdurchlauf **wiederholen** wir sehr oft; so nähern sich die
Gewichte immer mehr einem Minimum von $J$.

**Aufgabe 9 (2 Punkte).** Implementieren Sie `gradients(x, y, w)`: Für Arrays `x`, `y` aus $n$
Datenpunkten und Gewichte `w` (ein dict mit den zehn Namen) gibt die Funktion ein dict mit
**denselben zehn Schlüsseln** zurück, unter jedem Schlüssel die Zahl $\partial J/\partial w$ nach
der Tabelle in Abschnitt 10. Machen Sie zuerst den Vorwärtsdurchlauf (die Funktionen `g` und
`predict_131` dürfen Sie verwenden); `np.mean` ist $\frac1n\sum_i$. Die Prüfzelle vergleicht mit
dem Rückwärtsdurchlauf von nnkit, auf zufälligen Daten und Gewichten.""",
    en=r"""## 11 Forward pass and backward pass

We know the training data $(x_i, y_i)$ and the current weights. The current activations and
predictions come from the **forward pass** – exactly what you computed in section 3, now for all
data points at once. At the very start of training it uses the **randomly initialised** weights.

Then we have all the ingredients for the derivatives; computing them is the **backward pass**.
It needs the values of the forward pass ($g(z_{ik})$, $\hat y_i$) once more: they are stored during
the forward pass instead of being computed again (in nnkit, the `cache` of every layer). That saves
computing time and costs memory – the activations of every layer for every example of the
mini-batch; for large networks this is often more memory than the weights take. (How the same
computation runs node by node on a computational graph is shown in unit 4, section 0.)
After that we can take one step of **gradient descent** for **every weight**, with the learning
rate $\eta$ (on the lecture slides $\alpha$):

$$w_{10}^{(2)} := w_{10}^{(2)} - \eta\, \frac{\partial J}{\partial w_{10}^{(2)}}, \qquad \dots,
\qquad
  w_{31}^{(1)} := w_{31}^{(1)} - \eta\, \frac{\partial J}{\partial w_{31}^{(1)}} .$$

We **repeat** this sequence of forward and backward pass very often; the weights then get closer
and closer to a minimum of $J$.

**Exercise 9 (2 points).** Implement `gradients(x, y, w)`: for arrays `x`, `y` of $n$ data points
and weights `w` (a dict with the ten names) the function returns a dict with **the same ten keys**,
under each key the number $\partial J/\partial w$ from the table in section 10. Do the forward pass
first (you may use the functions `g` and `predict_131`); `np.mean` is $\frac1n\sum_i$. The test
cell compares with nnkit's backward pass on random data and weights.""")

GRADCHECK = md(
    de=r"""### Gradientenprüfung

Ist die Backpropagation richtig implementiert? In Einheit 2 haben Sie gesehen, dass der zentrale
Differenzenquotient die Ableitung sehr genau annähert. Damit prüft man jede Implementierung der
Backpropagation: Man verschiebt ein Gewicht nach dem anderen um $\pm h$, rechnet $J$ neu und
vergleicht

$$\frac{J(w + h) - J(w - h)}{2h}$$

mit dem Wert aus dem Rückwärtsdurchlauf. Das kostet zwei Vorwärtsdurchläufe pro Gewicht – zu teuer
fürs Training, aber genau richtig zum Testen.

**Aufgabe 9b (1 Punkt).** Implementieren Sie `numerical_gradients(x, y, w, h)`: ein dict mit
denselben zehn Schlüsseln wie `gradients`, unter jedem Schlüssel der zentrale Differenzenquotient
von $J$ nach diesem Gewicht (alle anderen Gewichte fest). `predict_131` dürfen Sie verwenden.""",
    en=r"""### Gradient check

Is backpropagation implemented correctly? In unit 2 you saw that the centred difference quotient
approximates the derivative very accurately. It is how every implementation of backpropagation is
checked: shift one weight after the other by $\pm h$, compute $J$ again and compare

$$\frac{J(w + h) - J(w - h)}{2h}$$

with the value from the backward pass. That costs two forward passes per weight – too expensive
for training, but just right for testing.

**Exercise 9b (1 point).** Implement `numerical_gradients(x, y, w, h)`: a dict with the same ten
keys as `gradients`, under each key the centred difference quotient of $J$ with respect to that
weight (all other weights fixed). You may use `predict_131`.""")

GRADCHECK_REL = md(
    de=r"""Wann stimmen zwei Gradienten „überein“? Ein absoluter Unterschied von $10^{-6}$ ist bei
einem Gradienten der Größe 1 winzig, bei einem der Größe $10^{-6}$ ein Fehler von 100 %. Man
vergleicht deshalb den **relativen Fehler**

$$\frac{|a - b|}{\max(10^{-8},\ |a| + |b|)}$$

(die $10^{-8}$ verhindern eine Division durch 0). Faustregel (nach cs231n): Unter $10^{-7}$ ist
die Backpropagation richtig. Ein Fehler zwischen $10^{-7}$ und $10^{-4}$ ist bei einer glatten
Funktion wie hier (Sigmoid) schon verdächtig, bei Knickstellen (ReLU, $|\cdot|$) meist noch in
Ordnung. Zwischen $10^{-4}$ und $10^{-2}$ sollten Sie genauer hinsehen; über $10^{-2}$ ist die
Backpropagation fast sicher falsch.

**Vorsicht an Knickstellen.** Liegt ein Knick zwischen $w - h$ und $w + h$, nähert der
Differenzenquotient keine Ableitung mehr an: Für ReLU bei $z = 0$ ergibt der zentrale Quotient
$\frac{\mathrm{ReLU}(h) - \mathrm{ReLU}(-h)}{2h} = \frac{h}{2h} = 0{,}5$, die Backpropagation
dagegen $\mathrm{ReLU}'(0) = 0$ (Einheit 1). Ein großer relativer Fehler deutet dort nicht auf
einen Fehler der Implementierung hin; `nnkit.gradcheck.kink_crossed` findet solche Stellen. Das
Netz dieser Einheit ist glatt (Sigmoid); in den Einheiten 1, 2 und 4 (ReLU, Leaky ReLU, Maxout,
$|y - \hat y|$) muss man darauf achten.

**Aufgabe 9c (1 Punkt).** Implementieren Sie `rel_error(a, b)`: Für zwei Arrays derselben Form gibt
die Funktion den **größten** relativen Fehler ihrer Einträge zurück. Die Zelle danach vergleicht
damit Ihre Funktion `gradients` mit Ihrer Funktion `numerical_gradients`.""",
    en=r"""When do two gradients "agree"? An absolute difference of $10^{-6}$ is tiny for a gradient
of size 1, but an error of 100 % for one of size $10^{-6}$. So one compares the **relative
error**

$$\frac{|a - b|}{\max(10^{-8},\ |a| + |b|)}$$

(the $10^{-8}$ prevents a division by 0). Rule of thumb (after cs231n): below $10^{-7}$
backpropagation is right. An error between $10^{-7}$ and $10^{-4}$ is already suspicious for a
smooth function like this one (sigmoid), but mostly fine with kinks (ReLU, $|\cdot|$). Between
$10^{-4}$ and $10^{-2}$ you should look closer; above $10^{-2}$ backpropagation is almost certainly
wrong.

**Careful at kinks.** If a kink lies between $w - h$ and $w + h$, the difference quotient no longer
approximates a derivative: for ReLU at $z = 0$ the centred quotient gives
$\frac{\mathrm{ReLU}(h) - \mathrm{ReLU}(-h)}{2h} = \frac{h}{2h} = 0.5$, whereas backpropagation
gives $\mathrm{ReLU}'(0) = 0$ (unit 1). There, a large relative error does not indicate a bug;
`nnkit.gradcheck.kink_crossed` finds such places. The network of this unit is smooth (sigmoid);
in units 1, 2 and 4 (ReLU, leaky ReLU, maxout, $|y - \hat y|$) one has to watch out for this.

**Exercise 9c (1 point).** Implement `rel_error(a, b)`: for two arrays of the same shape, the
function returns the **largest** relative error of their entries. The cell after it uses it to
compare your function `gradients` with your function `numerical_gradients`.""")

STEP_TASK = md(
    de=r"""**Aufgabe 10 (1 Punkt).** Implementieren Sie `train_step(x, y, w, eta)`: ein
Vorwärts- und Rückwärtsdurchlauf mit Ihrer Funktion `gradients`, dann ein Schritt des
Gradientenabstiegs für alle zehn Gewichte. Die Funktion gibt die **neuen** Gewichte als dict zurück
(mit denselben Schlüsseln).""",
    en=r"""**Exercise 10 (1 point).** Implement `train_step(x, y, w, eta)`: one forward and backward
pass with
your function `gradients`, then one step of gradient descent for all ten weights. The function
returns the **new** weights as a dict (with the same keys).""")

LOOP = md(
    de=r"""Ihr eigenes Training: 2000 Schritte mit $\eta = 1$ aus einem zufälligen Start. (Das
dauert
ein paar Sekunden.) $J$ sollte deutlich fallen.""",
    en=r"""Your own training: 2000 steps with $\eta = 1$ from a random start. (This takes a few
seconds.) $J$ should fall clearly.""")

LOOP_CODE = code(
    "w_train = initial_weights()  # a random start (fixed seed)\n"
    "if train_step(x_data, y_data, w_train, 1.0) is None:\n"
    "    print(tr(de=\"Lösen Sie zuerst Aufgabe 10.\", en=\"Solve exercise 10 first.\"))\n"
    "else:\n"
    "    for step in range(2001):\n"
    "        if step % 500 == 0:\n"
    "            J = weights_cost(w_train)\n"
    "            print(tr(de=\"Schritt\", en=\"step\"), step, \" J =\", fmt(J, 4))\n"
    "        if step < 2000:\n"
    "            w_train = train_step(x_data, y_data, w_train, 1.0)")

TRAINING = md(
    de=r"""### Das Netz lernt

Dieselbe Rechnung mit nnkit, schnell und sichtbar: Jeder Klick auf die Schaltfläche führt 500
Schritte des Gradientenabstiegs mit der Lernrate $\eta$ aus und zeichnet alle 50 Schritte neu.
Links die Modellkurve (gepunktet: der zufällige Start), rechts $J$ pro Schritt auf logarithmischer
Skala. Das Diagramm zeigt für einen Datenpunkt $i$ (Schieberegler) den Vorwärtsdurchlauf und die
Gradienten seines Anteils $L_i = \tfrac12 (y_i - \hat y_i)^2$ an den Knoten ($\partial L/\partial
z$)
und Kanten ($\partial L/\partial w$); der Gradient von $J$ ist der Mittelwert dieser Gradienten
über alle $i$. Probieren Sie auch andere Lernraten (nach „Zurücksetzen“), etwa $\eta = 0{,}3$
und $\eta = 2{,}5$.""",
    en=r"""### The network learns

The same computation with nnkit, fast and visible: each click on the button runs 500 steps of
gradient descent with the learning rate $\eta$ and redraws every 50 steps. On the left the model
curve (dotted: the random start), on the right $J$ per step on a log scale. For one data point $i$
(slider) the diagram shows the forward pass and the gradients of its share
$L_i = \tfrac12 (y_i - \hat y_i)^2$ at the nodes ($\partial L/\partial z$) and edges
($\partial L/\partial w$); the gradient of $J$ is the mean of these gradients over all $i$. Also
try other learning rates (after "Reset"), such as $\eta = 0.3$ and $\eta = 2.5$.""")

RANDOM_TASK = md(
    de=r"""**Aufgabe 11 (1 Punkt, manuell bewertet).** Warum beginnt das Training mit **zufälligen**
Gewichten? Was würde passieren, wenn alle zehn Gewichte am Anfang 0 wären (oder alle gleich)?
Begründen Sie mit der Tabelle aus Abschnitt 10.""",
    en=r"""**Exercise 11 (1 point, graded by hand).** Why does training start from **random**
weights?
What would happen if all ten weights were 0 at the start (or all equal)? Argue with the table of
section 10.""")

RANDOM_ANSWER = manual(
    "u3_random_init", 1,
    de=r"""*Musterlösung:* Sind alle Gewichte gleich, sind auch $z_{ik}$, $g(z_{ik})$ und
$g'(z_{ik})$
für die drei Neuronen gleich, und nach der Tabelle erhalten $w_{11}^{(2)}, w_{12}^{(2)},
w_{13}^{(2)}$ dieselbe Ableitung, ebenso die drei $w_{k0}^{(1)}$ und die drei $w_{k1}^{(1)}$. Nach
jedem Schritt sind die drei Neuronen also wieder gleich: Das Netz verhält sich wie eines mit nur
**einem** verborgenen Neuron (eine einzige Sigmoid-Stufe) und kann den Sinus nicht lernen. Bei
lauter Nullen sind zusätzlich die Ableitungen der ersten Schicht 0 (Faktor $w_{1k}^{(2)} = 0$) –
die erste Schicht lernt im ersten Schritt gar nicht. Zufällige Startwerte brechen diese Symmetrie.
(Verschiedene Startwerte können außerdem in verschiedenen lokalen Minima enden.)""",
    en=r"""*Model answer:* If all weights are equal, then $z_{ik}$, $g(z_{ik})$ and $g'(z_{ik})$
are the
same for the three neurons, and by the table $w_{11}^{(2)}, w_{12}^{(2)}, w_{13}^{(2)}$ get the same
derivative, as do the three $w_{k0}^{(1)}$ and the three $w_{k1}^{(1)}$. After every step the three
neurons are equal again: the network behaves like one with a **single** hidden neuron (one
sigmoid step) and cannot learn the sine. With all zeros the first-layer derivatives are 0 as well
(factor $w_{1k}^{(2)} = 0$) – the first layer does not learn at all in the first step. Random
starting values break this symmetry. (Different starts can also end in different local
minima.)""")

LR_TASK = md(
    de=r"""**Aufgabe 12 (1 Punkt, manuell bewertet).** Trainieren Sie in der Ansicht oben mit
$\eta = 0{,}3$, $\eta = 1$ und $\eta = 2{,}5$ (jeweils nach „Zurücksetzen“, einige Klicks).
Was beobachten Sie an der Kurve von $J$? Erklären Sie mit der Regel
$w := w - \eta\,\partial J/\partial w$, was bei einer zu großen Lernrate passiert.""",
    en=r"""**Exercise 12 (1 point, graded by hand).** In the view above, train with $\eta = 0.3$,
$\eta = 1$ and $\eta = 2.5$ (each after "Reset", a few clicks). What do you observe in the curve
of $J$? Explain with the rule $w := w - \eta\,\partial J/\partial w$ what happens when the
learning
rate is too large.""")

LR_ANSWER = manual(
    "u3_learning_rate", 1,
    de=r"""*Musterlösung:* Mit $\eta = 0{,}3$ fällt $J$ gleichmäßig, aber langsam: Nach 2000
Schritten ist $J \approx 0{,}08$, die Modellkurve ist noch deutlich vom Sinus entfernt. Mit
$\eta = 1$ fällt $J$ im Ganzen schneller, springt aber zwischendurch kräftig nach oben (um
Schritt 260 auf über 1, um Schritt 400 auf über 0,5) und schwankt danach noch bis etwa Schritt
900; nach 2000 Schritten ist $J \approx 0{,}035$, und die Modellkurve passt. $\eta = 1$ liegt also
nahe an der Stabilitätsgrenze: Einzelne Schritte springen über das Minimum hinaus, das Training
fängt sich aber wieder. Mit $\eta = 2{,}5$ wächst $J$ über alle Grenzen: Die Schritte
$\eta\,\partial J/\partial w$ sind so groß, dass sie über das Minimum hinausspringen und auf der
anderen Seite höher landen als vorher; jeder weitere Schritt verstärkt das (Divergenz). Eine zu
kleine Lernrate ist langsam, eine zu große instabil.""",
    en=r"""*Model answer:* With $\eta = 0.3$, $J$ falls steadily but slowly: after 2000 steps
$J \approx 0.08$, and the model curve is still clearly off the sine. With $\eta = 1$, $J$ falls
faster overall but jumps up sharply on the way (to more than 1 around step 260, to more than 0.5
around step 400) and keeps wavering until about step 900; after 2000 steps $J \approx 0.035$ and
the model curve fits. So $\eta = 1$ is close to the limit of stability: single steps jump over the
minimum, but the training recovers. With $\eta = 2.5$, $J$ grows without bound: the steps
$\eta\,\partial J/\partial w$ are so large that they jump over the minimum and land higher on
the other side than before; every further step makes it worse (divergence). A learning rate that
is too small is slow; one that is too large is unstable.""")

SUMMARY = md(
    de=r"""## Zusammenfassung

- Der **Vorwärtsdurchlauf** rechnet $z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x$, $g(z_k)$ und
  $\hat y = w_{10}^{(2)} + \sum_k w_{1k}^{(2)} g(z_k)$; drei Sigmoid-Stufen ergeben zusammen eine
  Sinuskurve.
- Die **Kostenfunktion** $J = \frac1{2n}\sum_i (y_i - \hat y_i)^2$ misst die Anpassung.
- Mit Summen- und **Kettenregel** erhält man alle partiellen Ableitungen: in der zweiten Schicht
  mit $g(z_k)$, in der ersten mit $w_{1k}^{(2)}\,g'(z_k)$ (und $x_i$ beim Gewicht der Eingabe).
- **Gradientenabstieg** wiederholt Vorwärtsdurchlauf, Rückwärtsdurchlauf und
  $w := w - \eta\,\partial J/\partial w$ – mit zufälligem Start und passender Lernrate.""",
    en=r"""## Summary

- The **forward pass** computes $z_k = w_{k0}^{(1)} + w_{k1}^{(1)} x$, $g(z_k)$ and
  $\hat y = w_{10}^{(2)} + \sum_k w_{1k}^{(2)} g(z_k)$; three sigmoid steps together make a sine
  curve.
- The **cost function** $J = \frac1{2n}\sum_i (y_i - \hat y_i)^2$ measures the fit.
- The sum rule and the **chain rule** give all partial derivatives: in the second layer with
  $g(z_k)$, in the first with $w_{1k}^{(2)}\,g'(z_k)$ (and $x_i$ for the weight of the input).
- **Gradient descent** repeats forward pass, backward pass and $w := w - \eta\,\partial
  J/\partial w$ – from a random start and with a suitable learning rate.""")


CELLS = [
    INTRO,
    SETUP_CODE,
    DATA,
    DATA_CODE,
    ARCHITECTURE,
    WEIGHTS_CODE,
    FORWARD,
    exercise(EX_Z, points=1, solution="""z_x2 = np.array([w["w1_10"] + w["w1_11"] * 2,
                 w["w1_20"] + w["w1_21"] * 2,
                 w["w1_30"] + w["w1_31"] * 2])"""),
    A_TASK,
    exercise(EX_A, points=1, solution='''def g(z):
    """The sigmoid g(z), elementwise."""
    ### BEGIN SOLUTION
    return 1 / (1 + np.exp(-z))
    ### END SOLUTION


a_x2 = None
### BEGIN SOLUTION
a_x2 = g(z_x2)
### END SOLUTION'''),
    YHAT_TASK,
    exercise(EX_YHAT, points=1, solution="""yhat_x2 = (w["w2_10"] + w["w2_11"] * a_x2[0]
           + w["w2_12"] * a_x2[1] + w["w2_13"] * a_x2[2])"""),
    FORWARD_VIEW,
    code("ForwardView(x=2.0, show=\"point\")"),
    PREDICT_TASK,
    exercise(EX_PREDICT, points=1, solution='''def predict_131(x, w):
    """The predictions yhat_i of the 1-3-1 network for x."""
    ### BEGIN SOLUTION
    yhat = w["w2_10"]
    for k in (1, 2, 3):
        z = w[f"w1_{k}0"] + w[f"w1_{k}1"] * x
        yhat = yhat + w[f"w2_1{k}"] * g(z)
    return yhat
    ### END SOLUTION


print(predict_131(np.array([-2.0, 0.0, 2.0]), w))'''),
    COST,
    exercise(EX_COST, points=1, solution="""n = len(x_data)
J_given = np.sum((y_data - predict_131(x_data, w)) ** 2) / (2 * n)"""),
    COMBINE,
    code("WeightsView()"),
    COMBINE_TASK,
    COMBINE_ANSWER,
    RULES,
    exercise(EX_CHAIN, points=1, form='"..."',
             solution='d_ln = "1/(3*x**2) * 6*x"  # outer times inner derivative = 2/x'),
    LAYER2,
    exercise(EX_LAYER2, points=1, form='"..."', solution='dJ_dw2_12 = "-(y - yhat) * g(z2)"'),
    SLIDES_WRONG,
    LAYER1,
    exercise(EX_LAYER1, points=1, form='"..."',
             solution="dJ_dw1_21 = \"-(y - yhat) * w2_12 * g'(z2) * x\""),
    NEEDED_TASK,
    exercise(EX_NEEDED, points=1, form='"..."', solution='needed_x = "c"'),
    INGREDIENTS_TASK,
    exercise(EX_INGREDIENTS, points=2, form="[[...], [...], [...], [...], [...]]",
             solution="""ingredients = [[1, 1, 1, 1],   # r_i
               [0, 1, 0, 0],   # g(z_ik)
               [0, 0, 1, 1],   # g'(z_ik)
               [0, 0, 1, 1],   # w_1k^(2)
               [0, 0, 0, 1]]   # x_i"""),
    TABLE,
    PASSES,
    exercise(EX_GRADIENTS, points=2, solution='''def gradients(x, y, w):
    """dJ/dw for all ten weights, J = 1/(2n) sum (y_i - yhat_i)^2 (a dict)."""
    ### BEGIN SOLUTION
    r = y - predict_131(x, w)  # residuals y_i - yhat_i (forward pass)
    grads = {"w2_10": -np.mean(r)}
    for k in (1, 2, 3):
        a = g(w[f"w1_{k}0"] + w[f"w1_{k}1"] * x)  # g(z_ik)
        da = a * (1 - a)  # g'(z_ik)
        grads[f"w2_1{k}"] = -np.mean(r * a)
        grads[f"w1_{k}0"] = -w[f"w2_1{k}"] * np.mean(r * da)
        grads[f"w1_{k}1"] = -w[f"w2_1{k}"] * np.mean(r * da * x)
    return grads
    ### END SOLUTION


print(gradients(x_data, y_data, w))  # near 0 for the trained weights'''),
    GRADCHECK,
    exercise(EX_NUMERICAL_GRADIENTS, points=1, solution='''def numerical_gradients(x, y, w, h):
    """dJ/dw for all ten weights by centred differences of J (a dict)."""
    ### BEGIN SOLUTION
    def J(weights):
        return np.sum((y - predict_131(x, weights)) ** 2) / (2 * len(x))

    grads = {}
    for name in w:
        plus, minus = dict(w), dict(w)
        plus[name] = w[name] + h
        minus[name] = w[name] - h
        grads[name] = (J(plus) - J(minus)) / (2 * h)
    return grads
    ### END SOLUTION'''),
    GRADCHECK_REL,
    exercise(EX_REL_ERROR, points=1, solution='''def rel_error(a, b):
    """The largest relative error of the entries of a and b: a number."""
    ### BEGIN SOLUTION
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    ### END SOLUTION'''),
    code("w_check = initial_weights()\n"
         "mine = gradients(x_data, y_data, w_check)\n"
         "numeric = numerical_gradients(x_data, y_data, w_check, 1e-5)\n"
         "if mine is None or numeric is None or rel_error([1.0], [1.0]) is None:\n"
         "    print(tr(de=\"Lösen Sie zuerst die Aufgaben 9, 9b und 9c.\",\n"
         "             en=\"Solve exercises 9, 9b and 9c first.\"))\n"
         "else:\n"
         "    for name in NAMES:\n"
         "        error = rel_error([mine[name]], [numeric[name]])\n"
         "        print(f\"{symbol(name):8} {error:.0e}\", \"✔\" if error < 1e-7 else \"✘\")"),
    STEP_TASK,
    exercise(EX_STEP, points=1, solution='''def train_step(x, y, w, eta):
    """One step of gradient descent with learning rate eta: the new weights (a dict like w)."""
    ### BEGIN SOLUTION
    grads = gradients(x, y, w)
    return {name: w[name] - eta * grads[name] for name in w}
    ### END SOLUTION'''),
    LOOP,
    LOOP_CODE,
    TRAINING,
    code("TrainingView()"),
    RANDOM_TASK,
    RANDOM_ANSWER,
    LR_TASK,
    LR_ANSWER,
    SUMMARY,
]
