r"""Unit 2: activation functions, cost function, gradient descent (seed 002).

Topic of the seed -> grade id (points):
  activation functions and derivatives
    sigmoid' via sigmoid                u2_sigmoid_grad (1)
    leaky ReLU, its derivative          u2_leaky_relu (1), u2_leaky_relu_grad (1)
    maxout forward, gradient routing    u2_maxout (1), u2_maxout_grad_w (2)
  why a non-linear activation           u2_nonlinear (1, choice) + u2_nonlinear_explain (1, manual)
  forward pass a^(k) = f(W a^(k-1) + b) u2_layer_forward (2)
  cost over a data set (1/n) sum L_i    u2_cost (2)
  derivative as a limit; x^3 (the seed's 1/3 x^2 is wrong)
                                        u2_derivative_x3 (1), u2_derivative_at_2 (1)
    difference quotients                u2_forward_difference (1), u2_central_difference (1),
                                        u2_difference_explain (1, manual)
  gradient descent w <- w - eta dJ/dw     u2_gd_step (1), u2_lr_max (1), u2_lr_explain (2, manual)
  gradient = 0 analytically vs iterating: text (section 6)
  backpropagation for an output neuron  u2_output_neuron_grads (2)
Total: 23 points.
"""

import numpy as np
import sympy as sp

from nnkit.activations import get_activation
from nnkit.layers import affine_forward, maxout_backward, maxout_forward
from nnkit.losses import mse
from workbook.exercise import Exercise, Mistake, hint
from workbook.reference.gradient_descent import W_MIN
from workbook.source import Unit, code, exercise, manual, md
from workbook.units.answers import output_grads

UNIT = Unit(
    number=2,
    title={"de": "Aktivierungsfunktionen, Kostenfunktion, Gradientenabstieg",
           "en": "Activation functions, cost, gradient descent"},
    filename={"de": "2_aktivierung_kosten_gradientenabstieg",
              "en": "2_activations_cost_gradient_descent"},
    summary={"de": "Sigmoid, Leaky ReLU und Maxout mit Ableitungen, Vorwärtsdurchlauf, Kosten, "
                   "Differenzenquotient, Lernrate und Backpropagation für ein Ausgabeneuron",
             "en": "Sigmoid, leaky ReLU and maxout with their derivatives, forward pass, cost, "
                   "difference quotient, learning rate and backpropagation for an output neuron"},
)


def _f(z):
    return np.asarray(z, dtype=float)


def _sigmoid(z):
    return get_activation("sigmoid").fn(_f(z))


# ====================================================================== 1. activation functions

def _z_cases(rng, hidden):
    """Arrays of z with 0 exactly; hidden: tiny values around 0, large |z| and a 2-D array."""
    cases = [(np.array([-3.0, -1.0, 0.0, 0.5, 2.0]),), (rng.normal(0, 3, 8),)]
    if hidden:
        cases += [(np.array([1e-12, -1e-12, 0.0, -0.0, 30.0, -30.0]),),
                  (rng.normal(0, 2, (3, 4)),)]
    return cases


SIGMOID_GRAD = Exercise(
    id="u2_sigmoid_grad", answer="sigmoid_grad", kind="function",
    expected=lambda z: get_activation("sigmoid").grad(_f(z)), cases=_z_cases,
    mistakes=[
        Mistake("plus", lambda z: _sigmoid(z) * (1 + _sigmoid(z)), hint(
            de="Prüfen Sie das Vorzeichen im zweiten Faktor: Bei z = 0 ist σ = 1/2; die Steigung "
               "dort ist 1/4.",
            en="Check the sign in the second factor: at z = 0, σ = 1/2 and the slope there is "
               "1/4.")),
        Mistake("z_instead_of_sigma", lambda z: _f(z) * (1 - _f(z)), hint(
            de="Die Formel s(1 − s) gilt mit s = σ(z), nicht mit z selbst.",
            en="The formula s(1 − s) uses s = σ(z), not z itself.")),
        Mistake("sigma_itself", _sigmoid, hint(
            de="Ihre Funktion gibt σ(z) zurück, nicht die Ableitung.",
            en="Your function returns σ(z), not its derivative.")),
        Mistake("negative", lambda z: -_sigmoid(z) * (1 - _sigmoid(z)), hint(
            de="σ ist streng monoton wachsend – die Ableitung kann also nirgends negativ sein.",
            en="σ is strictly increasing, so its derivative cannot be negative anywhere.")),
    ],
)


def _leaky(z):
    return get_activation("leaky_relu").fn(_f(z))


def _leaky_grad(z):
    return get_activation("leaky_relu").grad(_f(z))


LEAKY_RELU = Exercise(
    id="u2_leaky_relu", answer="leaky_relu", kind="function", expected=_leaky, cases=_z_cases,
    mistakes=[
        Mistake("relu", lambda z: np.maximum(_f(z), 0.0), hint(
            de="Das ist die gewöhnliche ReLU: Für z < 0 soll Leaky ReLU nicht 0 sein.",
            en="This is the plain ReLU: for z < 0 leaky ReLU should not be 0.")),
        Mistake("wrong_side", lambda z: np.minimum(0.1 * _f(z), _f(z)), hint(
            de="Die Steigung 0,1 gehört auf die andere Seite. Welcher Wert ist für z = 2 größer: "
               "0,1 · z oder z?",
            en="The slope 0.1 belongs to the other side. Which is larger for z = 2: 0.1 · z or "
               "z?")),
        Mistake("scaled_relu", lambda z: 0.1 * np.maximum(_f(z), 0.0), hint(
            de="Für z > 0 soll Leaky ReLU gleich z sein.",
            en="For z > 0, leaky ReLU should equal z.")),
    ],
)

LEAKY_RELU_GRAD = Exercise(
    id="u2_leaky_relu_grad", answer="leaky_relu_grad", kind="function", expected=_leaky_grad,
    cases=_z_cases,
    mistakes=[
        Mistake("relu_grad", lambda z: (_f(z) > 0).astype(float), hint(
            de="Das ist die Ableitung der gewöhnlichen ReLU. Welche Steigung hat 0,1 · z?",
            en="This is the derivative of the plain ReLU. What is the slope of 0.1 · z?")),
        Mistake("wrong_side", lambda z: np.where(_f(z) > 0, 0.1, 1.0), hint(
            de="Die beiden Steigungen sind vertauscht.",
            en="The two slopes are swapped.")),
        Mistake("zero_is_one", lambda z: np.where(_f(z) >= 0, 1.0, 0.1), hint(
            de="Fast richtig, aber an der Knickstelle z = 0 gilt dieselbe Konvention wie bei "
               "ReLU: der Wert von links.",
            en="Almost right, but at the kink z = 0 the convention of ReLU applies: the value "
               "from the left.")),
        Mistake("function_itself", _leaky, hint(
            de="Ihre Funktion gibt Leaky ReLU selbst zurück, nicht die Ableitung.",
            en="Your function returns leaky ReLU itself, not its derivative.")),
    ],
)


def _maxout_params(x, w1, b1, w2, b2):
    """nnkit's maxout layer parameters for two pieces and one output."""
    w = np.stack([_f(w1), _f(w2)])[:, :, None]  # (k=2, inputs, outputs=1)
    b = np.array([[float(b1)], [float(b2)]])  # (k=2, outputs=1)
    return _f(x)[None, :], w, b


def _maxout(x, w1, b1, w2, b2):
    out, _ = maxout_forward(*_maxout_params(x, w1, b1, w2, b2))
    return float(out[0, 0])


def _maxout_grad_w(x, w1, b1, w2, b2):
    _, cache = maxout_forward(*_maxout_params(x, w1, b1, w2, b2))
    _, dw, _ = maxout_backward(np.ones((1, 1)), cache)
    return dw[0, :, 0], dw[1, :, 0]


def _maxout_cases(rng, hidden):
    """(x, w1, b1, w2, b2) with 3 inputs; both pieces win somewhere; hidden: a tie
    (w2 = w1, b2 = b1: the first piece wins, as in nnkit)."""
    cases = []
    while len(cases) < (6 if hidden else 3) or len({_maxout_winner(*c) for c in cases}) < 2:
        cases.append((rng.normal(size=3), rng.normal(size=3), float(rng.normal()),
                      rng.normal(size=3), float(rng.normal())))
    if hidden:
        w, b = rng.normal(size=3), float(rng.normal())
        cases.append((rng.normal(size=3), w, b, w.copy(), b))
    return cases


def _maxout_winner(x, w1, b1, w2, b2):
    return int(w2 @ x + b2 > w1 @ x + b1)


MAXOUT = Exercise(
    id="u2_maxout", answer="maxout", kind="function", expected=_maxout, cases=_maxout_cases,
    mistakes=[
        Mistake("min", lambda x, w1, b1, w2, b2: min(w1 @ x + b1, w2 @ x + b2), hint(
            de="Maxout nimmt das größere der beiden Stücke.",
            en="Maxout takes the larger of the two pieces.")),
        Mistake("no_bias", lambda x, w1, b1, w2, b2: max(w1 @ x, w2 @ x), hint(
            de="Die Biases b₁, b₂ fehlen.", en="The biases b₁, b₂ are missing.")),
        Mistake("relu_of_piece", lambda x, w1, b1, w2, b2: max(w1 @ x + b1, 0.0), hint(
            de="Verglichen werden die beiden Stücke miteinander, nicht ein Stück mit 0.",
            en="The two pieces are compared with each other, not a piece with 0.")),
    ],
)


def _to_loser(x, w1, b1, w2, b2):
    first = w1 @ x + b1 >= w2 @ x + b2
    return (np.zeros(3), _f(x)) if first else (_f(x), np.zeros(3))


def _tie_second(x, w1, b1, w2, b2):
    first = w1 @ x + b1 > w2 @ x + b2
    return (_f(x), np.zeros(3)) if first else (np.zeros(3), _f(x))


def _winner_weight(x, w1, b1, w2, b2):
    first = w1 @ x + b1 >= w2 @ x + b2
    return (_f(w1), np.zeros(3)) if first else (np.zeros(3), _f(w2))


MAXOUT_GRAD_W = Exercise(
    id="u2_maxout_grad_w", answer="maxout_grad_w", kind="function", expected=_maxout_grad_w,
    cases=_maxout_cases,
    mistakes=[
        Mistake("both", lambda x, w1, b1, w2, b2: (_f(x), _f(x)), hint(
            de="Nur eines der beiden Stücke bestimmt die Ausgabe. Wirkt sich eine kleine "
               "Änderung am unterlegenen Stück auf die Ausgabe aus?",
            en="Only one of the two pieces determines the output. Does a small change to the "
               "losing piece affect the output?")),
        Mistake("to_loser", _to_loser, hint(
            de="Der Gradient fließt zum falschen Stück: Welches Stück ist das Maximum?",
            en="The gradient goes to the wrong piece: which piece is the maximum?")),
        Mistake("weight_instead_of_input", _winner_weight, hint(
            de="Das richtige Stück, aber der falsche Wert: Leiten Sie wᵀx + b nach w ab "
               "(nicht nach x).",
            en="The right piece, but the wrong value: differentiate wᵀx + b with respect to w "
               "(not x).")),
        Mistake("tie_second", _tie_second, hint(
            de="Fast richtig, nur bei Gleichstand nicht: Dann erhält (wie in nnkit) das erste "
               "Stück den Gradienten.",
            en="Almost right, except for a tie: then (as in nnkit) the first piece receives the "
               "gradient.")),
    ],
)

NONLINEAR = Exercise(
    id="u2_nonlinear", answer="two_linear_layers", kind="choice", expected="affine",
    options={
        "affine": {"de": "eine affine Funktion Ax + c von x",
                   "en": "an affine function Ax + c of x"},
        "quadratic": {"de": "eine quadratische Funktion von x",
                      "en": "a quadratic function of x"},
        "universal": {"de": "mit genügend Neuronen jede stetige Funktion von x",
                      "en": "with enough neurons, any continuous function of x"},
    },
    mistakes=[
        Mistake("quadratic", "quadratic", hint(
            de="Multipliziert werden Gewichte miteinander, nicht x mit x. Setzen Sie die erste "
               "Schicht in die zweite ein.",
            en="Weights are multiplied by weights, not x with x. Substitute the first layer "
               "into the second.")),
        Mistake("universal", "universal", hint(
            de="Das gilt erst mit einer nichtlinearen Aktivierungsfunktion. Setzen Sie die erste "
               "Schicht in die zweite ein und multiplizieren Sie aus.",
            en="That holds only with a non-linear activation function. Substitute the first "
               "layer into the second and multiply out.")),
    ],
)


# ====================================================================== 2. forward pass

def _layer_forward(W, a_prev, b):
    """sigmoid(W a_prev + b) with nnkit: a batch of one, nnkit's weights are W transposed."""
    z, _ = affine_forward(_f(a_prev)[None, :], _f(W).T, _f(b))
    return get_activation("sigmoid").fn(z[0])


def _layer_cases(rng, hidden):
    shapes = [(2, 3), (4, 2)] + ([(1, 5), (3, 3), (5, 1)] if hidden else [])
    return [(rng.normal(size=(m, n)), rng.normal(size=n), rng.normal(size=m)) for m, n in shapes]


LAYER_FORWARD = Exercise(
    id="u2_layer_forward", answer="layer_forward", kind="function", expected=_layer_forward,
    cases=_layer_cases,
    mistakes=[
        Mistake("no_activation", lambda W, a, b: W @ a + b, hint(
            de="Das ist z = W a + b. Es fehlt noch die Aktivierungsfunktion f.",
            en="This is z = W a + b. The activation function f is still missing.")),
        Mistake("no_bias", lambda W, a, b: _sigmoid(W @ a), hint(
            de="Der Bias b fehlt.", en="The bias b is missing.")),
        Mistake("bias_outside", lambda W, a, b: _sigmoid(W @ a) + b, hint(
            de="Der Bias gehört in das Argument der Aktivierungsfunktion.",
            en="The bias belongs inside the argument of the activation function.")),
        Mistake("relu", lambda W, a, b: np.maximum(W @ a + b, 0.0), hint(
            de="Als f ist hier die Sigmoid-Funktion verlangt.",
            en="Here f is the sigmoid function.")),
    ],
)


# ====================================================================== 3. cost

def _cost(outputs, targets):
    r"""$\frac1n\sum_i\sum_j (O_{ij} - G_{ij})^2 = 2\,J_{mse}$ (nnkit's mse has $\frac1{2n}$)."""
    J, _ = mse(_f(outputs), _f(targets))
    return 2.0 * float(J)


def _cost_cases(rng, hidden):
    shapes = [(4, 2), (3, 3)] + ([(1, 2), (6, 1), (5, 4)] if hidden else [])
    return [(rng.normal(size=s), rng.normal(size=s)) for s in shapes]


COST = Exercise(
    id="u2_cost", answer="cost", kind="function", expected=_cost, cases=_cost_cases,
    mistakes=[
        Mistake("no_mean", lambda O, G: float(np.sum((O - G) ** 2)), hint(
            de="Das ist die Summe aller Verluste. Gefragt ist der Mittelwert über die Daten.",
            en="This is the sum of all losses. The question asks for the mean over the data.")),
        Mistake("mean_over_entries", lambda O, G: float(np.mean((O - G) ** 2)), hint(
            de="Sie teilen durch die Anzahl aller Einträge. Geteilt wird nur durch die Anzahl der "
               "Daten n; über die Ausgaben j wird summiert.",
            en="You divide by the number of all entries. Divide by the number of examples n "
               "only; the outputs j are summed.")),
        Mistake("one_half", lambda O, G: float(np.sum((O - G) ** 2)) / (2 * len(O)), hint(
            de="Der Faktor 1/2 gehört zur Konvention von Einheit 3, nicht zu dieser Aufgabe.",
            en="The factor 1/2 belongs to the convention of unit 3, not to this exercise.")),
        Mistake("square_of_sum", lambda O, G: float(np.sum(O - G) ** 2) / len(O), hint(
            de="Quadrieren Sie jede Differenz einzeln, bevor Sie summieren – sonst heben sich "
               "positive und negative Fehler auf.",
            en="Square every difference on its own before summing – otherwise positive and "
               "negative errors cancel.")),
        Mistake("absolute", lambda O, G: float(np.sum(np.abs(O - G))) / len(O), hint(
            de="Die Kosten verwenden das Quadrat der Differenzen, nicht den Betrag.",
            en="The cost uses the square of the differences, not the absolute value.")),
    ],
)


# ====================================================================== 4. derivative

def _x():
    return sp.Symbol("x")


DERIVATIVE_X3 = Exercise(
    id="u2_derivative_x3", answer="derivative_x3", kind="expression",
    expected=lambda: sp.diff(_x() ** 3, _x()), symbols=lambda: {"x": _x()},
    mistakes=[
        Mistake("one_third", lambda: _x() ** 2 / 3, hint(
            de="Genau diese Formel steht fehlerhaft in der Mitschrift. Rechnen Sie den "
               "Differenzenquotienten ((x+h)³ − x³)/h aus und lassen Sie h gegen 0 gehen.",
            en="Exactly this formula is wrong in the lecture notes. Expand the difference "
               "quotient ((x+h)³ − x³)/h and let h go to 0.")),
        Mistake("antiderivative", lambda: _x() ** 4 / 4, hint(
            de="Das ist eine Stammfunktion (Integral), keine Ableitung.",
            en="This is an antiderivative (integral), not a derivative.")),
        Mistake("exponent_kept", lambda: 3 * _x() ** 3, hint(
            de="Beim Ableiten sinkt der Exponent um 1.",
            en="Differentiating lowers the exponent by 1.")),
        Mistake("factor_missing", lambda: _x() ** 2, hint(
            de="Der alte Exponent wird zum Faktor.",
            en="The old exponent becomes a factor.")),
    ],
)

DERIVATIVE_AT_2 = Exercise(
    id="u2_derivative_at_2", answer="derivative_at_2", kind="value",
    expected=lambda: float(sp.diff(_x() ** 3, _x()).subs(_x(), 2)),
    mistakes=[
        Mistake("one_third", lambda: 4 / 3, hint(
            de="Sie haben die fehlerhafte Formel aus der Mitschrift benutzt. Prüfen Sie sie mit "
               "dem Differenzenquotienten: Berechnen Sie ((2 + h)³ − 2³)/h für h = 0,001.",
            en="You used the wrong formula from the lecture notes. Check it with the difference "
               "quotient: compute ((2 + h)³ − 2³)/h for h = 0.001.")),
        Mistake("value", lambda: 8.0, hint(
            de="Das ist f(2), nicht f'(2).", en="This is f(2), not f'(2).")),
        Mistake("factor_missing", lambda: 4.0, hint(
            de="Der alte Exponent wird zum Faktor.", en="The old exponent becomes a factor.")),
        Mistake("exponent_kept", lambda: 24.0, hint(
            de="Beim Ableiten sinkt der Exponent um 1.",
            en="Differentiating lowers the exponent by 1.")),
    ],
)


class Function:
    """A test function f(x) with a readable name (shown in the self-check) and its exact
    ``formula`` in x (how the student edition's key stores it; default: the name)."""

    def __init__(self, name, fn, formula=None):
        self.name, self.fn, self.formula = name, fn, formula or name

    def __call__(self, x):
        return self.fn(x)

    def __repr__(self):
        return self.name


def _test_functions(rng):
    a, c = float(rng.uniform(0.5, 2)), float(rng.uniform(-1, 1))
    return [
        Function("x**3", lambda x: x**3),
        Function(f"sin({a:.3f}*x)", lambda x: np.sin(a * x), f"sin({a!r}*x)"),
        Function(f"exp({c:.3f}*x)", lambda x: np.exp(c * x), f"exp({c!r}*x)"),
        Function(f"x**2 + {a:.3f}*x", lambda x: x**2 + a * x, f"x**2 + {a!r}*x"),
    ]


def _difference_cases(rng, hidden):
    """(f, x, h) with h in [1e-3, 0.5]: large enough that round-off does not matter here."""
    functions = _test_functions(rng)
    cases = [(functions[0], 2.0, 0.1)]
    cases += [(f, float(rng.uniform(-2, 2)), float(10 ** rng.uniform(-3, -0.3)))
              for f in (functions if hidden else functions[1:3])]
    return cases


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


FORWARD_DIFFERENCE = Exercise(
    id="u2_forward_difference", answer="forward_difference", kind="function",
    expected=_forward, cases=_difference_cases,
    mistakes=[
        Mistake("two_h", lambda f, x, h: (f(x + h) - f(x)) / (2 * h), hint(
            de="Der Abstand der beiden Stellen x und x + h ist h, nicht 2h.",
            en="The distance between the two points x and x + h is h, not 2h.")),
        Mistake("central", _central, hint(
            de="Das ist der zentrale Differenzenquotient. Hier ist der einseitige gefragt: die "
               "Stellen x und x + h.",
            en="This is the centred difference quotient. Here the one-sided one is asked for: "
               "the points x and x + h.")),
        Mistake("no_division", lambda f, x, h: f(x + h) - f(x), hint(
            de="Das ist nur die Differenz der Funktionswerte, noch nicht der Quotient.",
            en="This is only the difference of the function values, not yet the quotient.")),
        Mistake("reversed", lambda f, x, h: (f(x) - f(x + h)) / h, hint(
            de="Prüfen Sie das Vorzeichen: Für f(x) = x (Steigung 1) muss 1 herauskommen.",
            en="Check the sign: for f(x) = x (slope 1) the result must be 1.")),
    ],
)

CENTRAL_DIFFERENCE = Exercise(
    id="u2_central_difference", answer="central_difference", kind="function",
    expected=_central, cases=_difference_cases,
    mistakes=[
        Mistake("one_h", lambda f, x, h: (f(x + h) - f(x - h)) / h, hint(
            de="Der Abstand der beiden Stellen x − h und x + h ist 2h.",
            en="The distance between the two points x − h and x + h is 2h.")),
        Mistake("precedence", lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, hint(
            de="Achten Sie auf die Klammern: In Python bedeutet a / 2 * h dasselbe wie "
               "(a / 2) · h.",
            en="Mind the parentheses: in Python a / 2 * h means (a / 2) · h.")),
        Mistake("forward", _forward, hint(
            de="Das ist der einseitige (Vorwärts-)Quotient. Der zentrale verwendet x − h und "
               "x + h.",
            en="This is the one-sided (forward) quotient. The centred one uses x − h and x + h.")),
    ],
)


# ====================================================================== 5. gradient descent

def _gd_step(w, grad, lr):
    return _f(w) - lr * _f(grad)


def _gd_cases(rng, hidden):
    cases = [(np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1),
             (rng.normal(size=3), rng.normal(size=3), float(rng.uniform(0.01, 1)))]
    if hidden:
        cases += [(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), float(rng.uniform(0.01, 1))),
                  (np.array([3.0]), np.array([0.0]), 0.5)]
    return cases


GD_STEP = Exercise(
    id="u2_gd_step", answer="gd_step", kind="function", expected=_gd_step, cases=_gd_cases,
    mistakes=[
        Mistake("plus", lambda w, g, lr: w + lr * g, hint(
            de="Mit + gehen Sie bergauf. Der Gradient zeigt in Richtung des steilsten Anstiegs.",
            en="With + you walk uphill. The gradient points in the direction of steepest "
               "ascent.")),
        Mistake("no_lr", lambda w, g, lr: w - g, hint(
            de="Die Lernrate fehlt.", en="The learning rate is missing.")),
        Mistake("step_only", lambda w, g, lr: -lr * g, hint(
            de="Das ist nur der Schritt. Das neue Gewicht ist das alte plus dieser Schritt.",
            en="This is the step only. The new weight is the old one plus this step.")),
        Mistake("divide", lambda w, g, lr: w - g / lr, hint(
            de="Die Lernrate multipliziert den Gradienten.",
            en="The learning rate multiplies the gradient.")),
    ],
)

LR_MAX = Exercise(
    id="u2_lr_max", answer="lr_max", kind="value", expected=lambda: 1.0,
    mistakes=[
        Mistake("no_overshoot", lambda: 0.5, hint(
            de="Bis zu diesem Wert gibt es kein Überschwingen. Konvergiert der Gradientenabstieg "
               "auch, wenn er überschwingt? Schauen Sie auf den Betrag von 1 − 2η.",
            en="Up to this value there is no overshooting. Does gradient descent also converge "
               "when it overshoots? Look at the absolute value of 1 − 2η.")),
        Mistake("two", lambda: 2.0, hint(
            de="Schreiben Sie einen Schritt für J(w) = (w − 3)² + 1 explizit aus: "
               "w − 3 wird mit welchem Faktor multipliziert?",
            en="Write out one step for J(w) = (w − 3)² + 1 explicitly: w − 3 is multiplied by "
               "which factor?")),
        Mistake("minimum", lambda: W_MIN, hint(
            de="3 ist die Stelle des Minimums, keine Lernrate.",
            en="3 is the position of the minimum, not a learning rate.")),
    ],
)


# ====================================================================== 6. backpropagation

def _output_cases(rng, hidden):
    """(a_prev (3,), w (3,), b, G) with z < 0 and z > 0; hidden: z = 0 exactly (b = -w.a)."""
    def case(sign):
        while True:
            a, w = rng.uniform(0, 2, 3), rng.normal(size=3)
            b = float(rng.normal())
            if np.sign(w @ a + b) == sign:
                return (a, w, b, float(rng.normal()))

    cases = [case(1), case(-1), case(1)]
    if hidden:
        a, w = np.array([1.0, 2.0, 0.5]), np.array([0.5, -0.25, 1.0])
        cases += [case(1), case(-1), (a, w, -float(w @ a), 1.0)]  # z = 0.5 - 0.5 + 0.5 - 0.5
    return cases


def _out_parts(a, w, b, G):
    z = w @ a + b
    return z, max(z, 0.0)


def _no_relu_prime(a, w, b, G):
    z, out = _out_parts(a, w, b, G)
    return 2 * (out - G) * a, 2 * (out - G)


def _sign(a, w, b, G):
    z, out = _out_parts(a, w, b, G)
    d = 2 * (G - out) * float(z > 0)
    return d * a, d


def _no_two(a, w, b, G):
    z, out = _out_parts(a, w, b, G)
    d = (out - G) * float(z > 0)
    return d * a, d


def _relu_prime_zero_is_one(a, w, b, G):
    z, out = _out_parts(a, w, b, G)
    d = 2 * (out - G) * float(z >= 0)
    return d * a, d


def _weight_instead_of_input(a, w, b, G):
    z, out = _out_parts(a, w, b, G)
    d = 2 * (out - G) * float(z > 0)
    return d * w, d


OUTPUT_NEURON_GRADS = Exercise(
    id="u2_output_neuron_grads", answer="output_neuron_grads", kind="function",
    expected=lambda a, w, b, G: output_grads(a, w, b, G), cases=_output_cases,
    mistakes=[
        Mistake("no_relu_prime", _no_relu_prime, hint(
            de="Für z > 0 stimmt Ihr Ergebnis, für z ≤ 0 nicht: Es fehlt der Faktor "
               "∂O/∂z = ReLU'(z).",
            en="Your result is right for z > 0 but not for z ≤ 0: the factor ∂O/∂z = ReLU'(z) "
               "is missing.")),
        Mistake("sign", _sign, hint(
            de="Vorzeichenfehler: Leiten Sie (O − G)² nach O ab (nicht nach G).",
            en="Sign error: differentiate (O − G)² with respect to O (not G).")),
        Mistake("no_two", _no_two, hint(
            de="Es fehlt ein Faktor aus der Ableitung des Quadrats.",
            en="A factor from the derivative of the square is missing.")),
        Mistake("relu_prime_zero_is_one", _relu_prime_zero_is_one, hint(
            de="Fast richtig – nur bei z = 0 (genau) nicht. Denken Sie an ReLU'(0) = 0.",
            en="Almost right – except at z = 0 (exactly). Remember ReLU'(0) = 0.")),
        Mistake("weight_instead_of_input", _weight_instead_of_input, hint(
            de="Prüfen Sie ∂z/∂w für z = w · a_prev + b: Nach w abgeleitet bleibt nicht w "
               "stehen.",
            en="Check ∂z/∂w for z = w · a_prev + b: differentiating by w does not leave w.")),
    ],
)

EXERCISES = [SIGMOID_GRAD, LEAKY_RELU, LEAKY_RELU_GRAD, MAXOUT, MAXOUT_GRAD_W, NONLINEAR,
             LAYER_FORWARD, COST, DERIVATIVE_X3, DERIVATIVE_AT_2, FORWARD_DIFFERENCE,
             CENTRAL_DIFFERENCE, GD_STEP, LR_MAX, OUTPUT_NEURON_GRADS]


# ====================================================================== cells

CELLS = [
    md(de=r"""# Einheit 2: Aktivierungsfunktionen, Kostenfunktion, Gradientenabstieg

Wie lernt ein neuronales Netz? Es passt seine Gewichte und Biases so an, dass die Kosten – ein Maß
dafür, wie schlecht das Netz die Daten trifft – kleiner werden. Dazu braucht man drei Bausteine:
**Aktivierungsfunktionen**, die jedes Neuron auf seine gewichtete Summe anwendet, eine
**Kostenfunktion**, die den Fehler misst, und den **Gradientenabstieg**, der die Gewichte Schritt
für Schritt verbessert. Die
nötigen Ableitungen liefert am Ende die **Backpropagation**.

**Lernziele.** Sie können
- Sigmoid, ReLU, Leaky ReLU und Maxout samt Ableitungen implementieren und begründen, was eine
  Aktivierungsfunktion in einem Netz leistet,
- den Vorwärtsdurchlauf einer Schicht und die Kosten über einen Datensatz berechnen,
- Ableitungen als Grenzwert des Differenzenquotienten verstehen und numerisch annähern,
- einen Schritt des Gradientenabstiegs ausführen und die Wirkung der Lernrate erklären,
- die Gradienten eines Ausgabeneurons mit der Kettenregel berechnen.

> **Hinweis zu Dezimalzahlen:** Im Text stehen Dezimalzahlen mit Komma (0,1), in Python mit Punkt
> (`0.1`); `w = 0,1` wäre in Python ein Tupel aus zwei Zahlen.
""", en=r"""# Unit 2: Activation functions, cost, gradient descent

How does a neural network learn? It adjusts its weights and biases so that the cost – a measure of
how badly the network fits the data – becomes smaller. This needs three building blocks:
**activation functions**, which each neuron applies to its weighted sum, a **cost function**,
which measures the error, and **gradient descent**, which improves the weights step by step. The
derivatives it
needs come from **backpropagation**, the last section of this unit.

**Learning goals.** You can
- implement sigmoid, ReLU, leaky ReLU and maxout with their derivatives and explain what an
  activation function contributes to a network,
- compute the forward pass of a layer and the cost over a data set,
- understand derivatives as the limit of the difference quotient and approximate them numerically,
- take a step of gradient descent and explain the effect of the learning rate,
- compute the gradients of an output neuron with the chain rule.
"""),

    # ------------------------------------------------------------------ 1. activations
    md(de=r"""## 1. Aktivierungsfunktionen

Ein Neuron bildet zuerst die gewichtete Summe $z = w^T x + b$ seiner Eingaben und gibt dann
$g(z)$ weiter; $g$ ist die **Aktivierungsfunktion**. Die gebräuchlichsten:

| Name | $g(z)$ | Bemerkung |
|---|---|---|
| Sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | Werte zwischen 0 und 1 |
| ReLU | $\max(0, z)$ | Einheit 1 |
| Leaky ReLU | $\max(0{,}1\,z;\ z)$ | für $z < 0$ der Wert $0{,}1\,z$ statt 0 |
| Maxout | $\max(w_1^T x + b_1,\ w_2^T x + b_2)$ | das größere von zwei affinen „Stücken“ |

Nach Aufgabe 1c können Sie Ihre Ableitungen an einer Ansicht der vier Funktionen prüfen.
""", en=r"""## 1. Activation functions

A neuron first forms the weighted sum $z = w^T x + b$ of its inputs and then passes on $g(z)$;
$g$ is the **activation function**. The most common ones:

| Name | $g(z)$ | Remark |
|---|---|---|
| sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | values between 0 and 1 |
| ReLU | $\max(0, z)$ | unit 1 |
| leaky ReLU | $\max(0.1\,z,\ z)$ | the value $0.1\,z$ instead of 0 for $z < 0$ |
| maxout | $\max(w_1^T x + b_1,\ w_2^T x + b_2)$ | the larger of two affine "pieces" |

After exercise 1c you can check your derivatives in a view of the four functions.
"""),
    md(de=r"""### 1a) Die Ableitung der Sigmoid-Funktion

Leiten Sie $\sigma(z) = (1 + e^{-z})^{-1}$ mit der Kettenregel ab und drücken Sie das Ergebnis
**allein durch $\sigma(z)$** aus. Das ist praktisch: Beim Rückwärtsdurchlauf ist $\sigma(z)$ aus dem
Vorwärtsdurchlauf schon bekannt.

**Aufgabe 1a (1 Punkt).** Implementieren Sie `sigmoid_grad(z)` (vektorisiert) mithilfe der gegebenen
Funktion `sigmoid`.
""", en=r"""### 1a) The derivative of the sigmoid

Differentiate $\sigma(z) = (1 + e^{-z})^{-1}$ with the chain rule and express the result **in terms
of $\sigma(z)$ alone**. This is practical: in the backward pass $\sigma(z)$ is already known from
the forward pass.

**Exercise 1a (1 point).** Implement `sigmoid_grad(z)` (vectorised) using the given function
`sigmoid`.
"""),
    code('''import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^(-z)), elementwise."""
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))'''),
    exercise(SIGMOID_GRAD, points=1, solution='''def sigmoid_grad(z):
    """d sigma / dz, expressed with sigmoid(z)."""
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1 - s)  # sigma' = e^-z / (1 + e^-z)^2 = sigma * (1 - sigma)
    ### END SOLUTION'''),
    md(de=r"""### 1b) Leaky ReLU

In Einheit 1 haben Sie gesehen, dass ein ReLU-Neuron mit $z \le 0$ für alle Daten keinen Gradienten
mehr bekommt (tote Neuronen). Leaky ReLU $g(z) = \max(0{,}1\,z;\ z)$ lässt für $z < 0$ einen kleinen
Teil von $z$ durch. An der Knickstelle $z = 0$ gilt dieselbe Konvention wie bei ReLU: die
Steigung von links.

**Aufgabe 1b (2 Punkte).** Implementieren Sie `leaky_relu(z)` und `leaky_relu_grad(z)`
(vektorisiert; der Faktor 0,1 ist in Python `0.1`).
""", en=r"""### 1b) Leaky ReLU

In unit 1 you saw that a ReLU neuron with $z \le 0$ for all data gets no gradient any more (dead
neurons). Leaky ReLU $g(z) = \max(0.1\,z,\ z)$ lets a small part of $z$ through for $z < 0$. At
the kink $z = 0$ the convention of ReLU applies: the slope from the left.

**Exercise 1b (2 points).** Implement `leaky_relu(z)` and `leaky_relu_grad(z)` (vectorised; the
factor 0.1 is `0.1` in Python).
"""),
    exercise(LEAKY_RELU, points=1, solution='''def leaky_relu(z):
    """Leaky ReLU of z, elementwise: an array shaped like z."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    return np.maximum(0.1 * z, z)
    ### END SOLUTION'''),
    exercise(LEAKY_RELU_GRAD, points=1, solution='''def leaky_relu_grad(z):
    """d leaky_relu / dz, elementwise: an array shaped like z."""
    ### BEGIN SOLUTION
    return np.where(np.asarray(z) > 0, 1.0, 0.1)
    ### END SOLUTION'''),
    md(de=r"""### 1c) Maxout

Eine Maxout-Einheit mit zwei Stücken berechnet $\max(w_1^T x + b_1,\ w_2^T x + b_2)$ und lernt
damit ihre Aktivierungsfunktion gewissermaßen selbst (ReLU ist der Sonderfall $w_1 = 0$,
$b_1 = 0$; bei Gleichstand gewinnt das Stück 0, wie bei ReLU).
Die Ausgabe hängt nur vom **gewinnenden** Stück ab; im Rückwärtsdurchlauf erhält daher nur dieses
den Gradienten. Bei Gleichstand gewinnt – wie in nnkit – das erste Stück.

**Aufgabe 1c (3 Punkte).** Implementieren Sie
- `maxout(x, w1, b1, w2, b2)`: die Ausgabe (eine Zahl) für die Vektoren `x`, `w1`, `w2` und die
  Zahlen `b1`, `b2`;
- `maxout_grad_w(x, w1, b1, w2, b2)`: das Paar `(dw1, dw2)` der Gradienten der Ausgabe nach $w_1$
  und nach $w_2$ (zwei Vektoren derselben Form wie `x`).
""", en=r"""### 1c) Maxout

A maxout unit with two pieces computes $\max(w_1^T x + b_1,\ w_2^T x + b_2)$: in a sense it learns
its activation function itself (ReLU is the special case $w_1 = 0$,
$b_1 = 0$; on a tie the zero piece wins, as with ReLU). The output depends
only on the **winning** piece, so in the backward pass only that piece receives the gradient. On a
tie – as in nnkit – the first piece wins.

**Exercise 1c (3 points).** Implement
- `maxout(x, w1, b1, w2, b2)`: the output (a number) for the vectors `x`, `w1`, `w2` and the
  numbers `b1`, `b2`;
- `maxout_grad_w(x, w1, b1, w2, b2)`: the pair `(dw1, dw2)` of the gradients of the output with
  respect to $w_1$ and to $w_2$ (two vectors shaped like `x`).
"""),
    exercise(MAXOUT, points=1, solution='''def maxout(x, w1, b1, w2, b2):
    """The output of the maxout unit with two pieces: a number."""
    ### BEGIN SOLUTION
    return max(w1 @ x + b1, w2 @ x + b2)
    ### END SOLUTION'''),
    exercise(MAXOUT_GRAD_W, points=2, solution='''def maxout_grad_w(x, w1, b1, w2, b2):
    """(d out / d w1, d out / d w2): two arrays shaped like x."""
    ### BEGIN SOLUTION
    if w1 @ x + b1 >= w2 @ x + b2:  # a tie goes to the first piece
        return x, np.zeros_like(x)
    return np.zeros_like(x), x
    ### END SOLUTION'''),
    md(de=r"""Prüfen Sie Ihre Ableitungen: Wählen Sie eine Aktivierungsfunktion und bewegen Sie $z$.
Links sehen Sie $g(z)$, rechts die Ableitung $g'(z)$. (Maxout hat hier eine Eingabe und die Stücke
$z$ und $-0{,}5z + 0{,}5$.)
""", en=r"""Check your derivatives: choose an activation function and move $z$. On the left you see
$g(z)$, on the right its derivative $g'(z)$. (Maxout has one input here and the pieces $z$ and
$-0.5z + 0.5$.)
"""),
    code("""from workbook.views.activations import ActivationView

ActivationView()"""),
    md(de=r"""### 1d) Zwei Schichten ohne Aktivierungsfunktion

Was leistet die Aktivierungsfunktion? Betrachten Sie zwei Schichten **ohne**
Aktivierungsfunktion:
$$a = W^{(2)}\big(W^{(1)} x + b^{(1)}\big) + b^{(2)}.$$

**Aufgabe 1d (1 Punkt).** Was ist $a$ als Funktion von $x$? Weisen Sie `two_linear_layers` einen der
Schlüssel zu: `"affine"` (eine affine Funktion $Ax + c$ von $x$), `"quadratic"` (eine
quadratische Funktion von $x$), `"universal"` (mit genügend Neuronen jede stetige Funktion von $x$).
""", en=r"""### 1d) Two layers without an activation function

What does the activation function contribute? Consider two layers **without** an activation
function:
$$a = W^{(2)}\big(W^{(1)} x + b^{(1)}\big) + b^{(2)}.$$

**Exercise 1d (1 point).** What is $a$ as a function of $x$? Assign one of the keys to
`two_linear_layers`: `"affine"` (an affine function $Ax + c$ of $x$), `"quadratic"` (a
quadratic function of $x$), `"universal"` (with enough neurons, any continuous function of $x$).
"""),
    exercise(NONLINEAR, points=1, form='"..."', solution='two_linear_layers = "affine"'),
    manual("u2_nonlinear_explain", 1,
           de=r"""**Aufgabe 1d, Begründung (1 Punkt, manuell bewertet).** Begründen Sie Ihre Wahl
mit einer kurzen Rechnung. Was folgt daraus für ein tiefes Netz, dessen Schichten alle linear sind?
""", en=r"""**Exercise 1d, justification (1 point, graded by hand).** Justify your choice with a
short calculation. What does this imply for a deep network whose layers are all linear?
""", solution_de=r"""Ausmultiplizieren: $a = W^{(2)}W^{(1)}x + \big(W^{(2)}b^{(1)} + b^{(2)}\big)
= Ax + c$ mit $A = W^{(2)}W^{(1)}$ und $c = W^{(2)}b^{(1)} + b^{(2)}$ – wieder eine affine Funktion.
Durch Induktion gilt das für beliebig viele affine Schichten: Ein tiefes Netz aus affinen Schichten
leistet nicht mehr als eine einzige affine Schicht (z. B. nur lineare Entscheidungsgrenzen). Die
Tiefe bringt erst mit einer nichtlinearen Aktivierungsfunktion etwas.""",
        solution_en=r"""Multiplying out: $a = W^{(2)}W^{(1)}x + \big(W^{(2)}b^{(1)} + b^{(2)}\big) =
Ax + c$ with $A = W^{(2)}W^{(1)}$ and $c = W^{(2)}b^{(1)} + b^{(2)}$ – again an affine function. By
induction this holds for any number of affine layers: a deep network of affine layers can do no more
than a single affine layer (e.g. only linear decision boundaries). Depth only pays off with a
non-linear activation function."""),

    # ------------------------------------------------------------------ 2. forward pass
    md(de=r"""## 2. Der Vorwärtsdurchlauf

„Lernen“ heißt: die passenden Gewichte und Biases finden. Zuerst muss das Netz aber rechnen. Mit
der Eingabe $a^{(0)} = x$ berechnet jede Schicht $k = 1, 2, \dots$ aus den Aktivierungen der vorigen

$$a^{(k)} = f\big(W^{(k)} a^{(k-1)} + b^{(k)}\big),$$

wobei $W^{(k)}$ eine Zeile pro Neuron der Schicht $k$ hat und $f$ elementweise angewendet wird.
(In der Mitschrift steht für die erste Schicht „$W^{(0)}\cdot 1$“ – gemeint ist die Eingabe $x$.)
nnkit speichert dieselben Gewichte transponiert, damit ein ganzer Mini-Batch von Beispielen als
`X @ W + b` auf einmal durchläuft; die Rechnung ist dieselbe.

**Aufgabe 2 (2 Punkte).** Implementieren Sie `layer_forward(W, a_prev, b)` für $f = \sigma$ (die
Funktion `sigmoid` von oben): `W` hat die Form (Neuronen, Eingaben), `a_prev` und `b` sind Vektoren.
""", en=r"""## 2. The forward pass

"Learning" means finding suitable weights and biases. But first the network has to compute. With
the input $a^{(0)} = x$, every layer $k = 1, 2, \dots$ computes from the activations of the previous
one

$$a^{(k)} = f\big(W^{(k)} a^{(k-1)} + b^{(k)}\big),$$

where $W^{(k)}$ has one row per neuron of layer $k$ and $f$ is applied elementwise. (The lecture
notes write "$W^{(0)}\cdot 1$" for the first layer – this means the input $x$.) nnkit stores the
same weights transposed, so that a whole mini-batch of examples runs through at once as `X @ W + b`;
the computation is the same.

**Exercise 2 (2 points).** Implement `layer_forward(W, a_prev, b)` for $f = \sigma$ (the function
`sigmoid` from above): `W` has the shape (neurons, inputs), `a_prev` and `b` are vectors.
"""),
    exercise(LAYER_FORWARD, points=2, solution='''def layer_forward(W, a_prev, b):
    """The activations of the layer: a vector with one entry per neuron."""
    ### BEGIN SOLUTION
    return sigmoid(W @ a_prev + b)
    ### END SOLUTION'''),

    # ------------------------------------------------------------------ 3. cost
    md(de=r"""## 3. Die Kostenfunktion

Die Kostenfunktion zeigt an, wie gut oder schlecht das Netz die Daten trifft: je niedriger die
Kosten, desto besser. Für ein Beispiel $i$ mit den Ausgaben $O_j$ des Netzes und den Zielwerten
$G_j$ („Ziel-Output“) ist der **Verlust** die Summe der quadrierten Abweichungen

$$L_i = \sum_j \big(O_j - G_j\big)^2 .$$

Uns interessieren die **Kosten** über den ganzen Datensatz mit $n$ Beispielen: die Summe aller
Verluste geteilt durch die Anzahl der Daten,

$$J = \frac{1}{n}\sum_{i=1}^{n} L_i = \frac1n \sum_{i=1}^n \sum_j \big(O_{ij} - G_{ij}\big)^2 .$$

(In der Mitschrift ist diese Formel unleserlich, und die Summe im Verlust läuft dort von $i = 0$
bis $|O|$ – das wären $|O| + 1$ Summanden. Richtig ist $j = 1, \dots, |O|$, eine Zahl pro Ausgabe.)

Ohne den Faktor $\frac1n$ würden die Kosten (und ihr Gradient) mit der Größe des Datensatzes
wachsen, und die passende Lernrate hinge davon ab. Das Vorzeichen der Abweichung spielt wegen des
Quadrats keine Rolle.

*Ausblick:* Ab Einheit 3 hat $J$ zusätzlich den Faktor $\frac12$:
$J = \frac{1}{2n}\sum_i\sum_j (O_{ij} - G_{ij})^2$ (so rechnet auch nnkits `mse`). Der Faktor
$\frac12$ verschiebt das Minimum nicht, kürzt aber die 2
aus der Ableitung des Quadrats weg: $\partial J/\partial O_{ij} = \frac1n (O_{ij} - G_{ij})$.

**Aufgabe 3 (2 Punkte).** Implementieren Sie `cost(outputs, targets)`: Beide Arrays haben die Form
(n Beispiele, Ausgaben); die Funktion gibt die Zahl $J$ von oben zurück.
""", en=r"""## 3. The cost function

The cost function indicates how well or badly the network fits the data: the lower the cost, the
better. For one example $i$ with the network's outputs $O_j$ and the targets $G_j$ ("goal
output"), the **loss** is the sum of the squared deviations

$$L_i = \sum_j \big(O_j - G_j\big)^2 .$$

We are interested in the **cost** over the whole data set of $n$ examples: the sum of all losses
divided by the number of examples,

$$J = \frac{1}{n}\sum_{i=1}^{n} L_i = \frac1n \sum_{i=1}^n \sum_j \big(O_{ij} - G_{ij}\big)^2 .$$

(In the lecture notes this formula is illegible, and the sum in the loss runs from $i = 0$ to
$|O|$ there – that would be $|O| + 1$ terms. The right range is $j = 1, \dots, |O|$, one number per
output.)

Without the factor $\frac1n$ the cost (and its gradient) would grow with the size of the data set,
and the right learning rate would depend on it. Because of the square, the sign of a deviation
does not matter.

*Outlook:* from unit 3 on, $J$ has an extra factor $\frac12$:
$J = \frac{1}{2n}\sum_i\sum_j (O_{ij} - G_{ij})^2$ (as nnkit's `mse` does). The factor $\frac12$
does not move the minimum, but it cancels the 2 from the
derivative of the square: $\partial J/\partial O_{ij} = \frac1n (O_{ij} - G_{ij})$.

**Exercise 3 (2 points).** Implement `cost(outputs, targets)`: both arrays have the shape (n
examples, outputs); it returns the number $J$ from above.
"""),
    exercise(COST, points=2, solution='''def cost(outputs, targets):
    """The cost J of the outputs against the targets: a number."""
    ### BEGIN SOLUTION
    n = len(outputs)
    return np.sum((outputs - targets) ** 2) / n
    ### END SOLUTION'''),

    # ------------------------------------------------------------------ 4. derivatives
    md(de=r"""## 4. Die Ableitung als Grenzwert

Für den Gradientenabstieg brauchen wir die Ableitungen der Kosten nach jedem Gewicht und jedem
Bias. Die Ableitung ist der Grenzwert des Differenzenquotienten, zum Beispiel für ein Gewicht
$w_{kn}$ (alle anderen Parameter fest):

$$\frac{\partial J}{\partial w_{kn}} = \lim_{h\to 0}\frac{J(w_{kn} + h,\ b_n) - J(w_{kn},\ b_n)}{h},
\qquad
\frac{\partial J}{\partial b_n} = \lim_{h\to 0}\frac{J(w_{kn},\ b_n + h) - J(w_{kn},\ b_n)}{h}.$$

Geometrisch ist das die Steigung der Tangente.

> **Vorsicht.** In der Mitschrift steht als Beispiel „$f(x) = x^3$, $f'(x) = \frac13 x^2$“. Diese
> Ableitung ist **falsch**. Bestimmen Sie die
> richtige selbst: Multiplizieren Sie $(x+h)^3$ im Differenzenquotienten aus und lassen Sie
> $h$ gegen 0 gehen.

**Aufgabe 4a (2 Punkte).** Geben Sie $f'(x)$ für $f(x) = x^3$ als Formel in Anführungszeichen an
(`derivative_x3`; Variable `x`, Potenzen mit `**` oder `^`) und den Wert $f'(2)$ als Zahl
(`derivative_at_2`).
""", en=r"""## 4. The derivative as a limit

For gradient descent we need the derivatives of the cost with respect to every weight and every
bias. The derivative is the limit of the difference quotient, for example for a weight $w_{kn}$
(all other parameters fixed):

$$\frac{\partial J}{\partial w_{kn}} = \lim_{h\to 0}\frac{J(w_{kn} + h,\ b_n) - J(w_{kn},\ b_n)}{h},
\qquad
\frac{\partial J}{\partial b_n} = \lim_{h\to 0}\frac{J(w_{kn},\ b_n + h) - J(w_{kn},\ b_n)}{h}.$$

Geometrically this is the slope of the tangent.

> **Careful.** The lecture notes give the example "$f(x) = x^3$, $f'(x) = \frac13 x^2$". This
> derivative is **wrong**. Find the right one yourself:
> expand $(x+h)^3$ in the difference quotient and let $h \to 0$.

**Exercise 4a (2 points).** Give $f'(x)$ for $f(x) = x^3$ as a formula in quotes (`derivative_x3`;
variable `x`, powers with `**` or `^`) and the value $f'(2)$ as a number (`derivative_at_2`).
"""),
    exercise(DERIVATIVE_X3, points=1, form='"..."',
             solution='''\
# ((x+h)^3 - x^3) / h = (3x^2 h + 3x h^2 + h^3) / h = 3x^2 + 3x h + h^2  ->  3x^2 for h -> 0
derivative_x3 = "3*x**2"'''),
    exercise(DERIVATIVE_AT_2, points=1, solution="derivative_at_2 = 3 * 2**2"),
    md(de=r"""### Der Differenzenquotient am Rechner

Ohne Grenzwert, mit einem kleinen festen $h$, erhält man eine Näherung der Ableitung:

- einseitig (vorwärts): $D_+ f(x) = \dfrac{f(x+h) - f(x)}{h}$,
- zentral: $D_0 f(x) = \dfrac{f(x+h) - f(x-h)}{2h}$.

Mit dieser Näherung prüfen Sie in Einheit 3, ob Ihre Backpropagation richtig implementiert ist
(Gradientenprüfung).

**Aufgabe 4b (2 Punkte).** Implementieren Sie `forward_difference(f, x, h)` und
`central_difference(f, x, h)` für eine Funktion `f` einer reellen Variablen.
""", en=r"""### The difference quotient on a computer

Without the limit, with a small fixed $h$, one gets an approximation of the derivative:

- one-sided (forward): $D_+ f(x) = \dfrac{f(x+h) - f(x)}{h}$,
- centred: $D_0 f(x) = \dfrac{f(x+h) - f(x-h)}{2h}$.

In unit 3 you use this approximation to check whether your backpropagation is implemented
correctly (gradient check).

**Exercise 4b (2 points).** Implement `forward_difference(f, x, h)` and
`central_difference(f, x, h)` for a function `f` of a real variable.
"""),
    exercise(FORWARD_DIFFERENCE, points=1, solution='''def forward_difference(f, x, h):
    """The forward difference quotient D₊f(x) with step h: a number."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x)) / h
    ### END SOLUTION'''),
    exercise(CENTRAL_DIFFERENCE, points=1, solution='''def central_difference(f, x, h):
    """The centred difference quotient D₀f(x) with step h: a number."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION'''),
    md(de=r"""Wie gut sind die beiden Näherungen? Die Ansicht zeigt den Fehler
$|D f(x) - f'(x)|$ für $f(x) = x^3$ über $h$ – beide Achsen logarithmisch. Bewegen Sie $h$ von
$1$ bis $10^{-12}$ und beobachten Sie die Punkte.
""", en=r"""How good are the two approximations? The view shows the error $|D f(x) - f'(x)|$ for
$f(x) = x^3$ against $h$ – both axes logarithmic. Move $h$ from $1$ down to $10^{-12}$ and watch
the points.
"""),
    code("""from workbook.views.difference_quotient import DifferenceQuotientView

DifferenceQuotientView()"""),
    manual("u2_difference_explain", 1, de=r"""**Aufgabe 4c (1 Punkt, manuell bewertet).**
Beschreiben Sie, was Sie beobachten: Wie schnell fällt der Fehler der beiden Quotienten, wenn Sie
$h$ um den Faktor 10 verkleinern (rechter Teil der Ansicht)? Warum steigt der Fehler für sehr kleine
$h$ wieder an?
""", en=r"""**Exercise 4c (1 point, graded by hand).** Describe what you observe: how fast does the
error of the two quotients fall when you make $h$ ten times smaller (right part of the view)? Why
does the error rise again for very small $h$?
""", solution_de=r"""Rechts (großes $h$) dominiert der Abbruchfehler der Taylorentwicklung: Beim
Vorwärtsquotienten ist er $\approx \frac h2 |f''(x)|$, also $O(h)$ – $h$ zehnmal kleiner, Fehler
zehnmal kleiner (Steigung 1 im log-log-Bild). Beim zentralen Quotienten heben sich die
$h^2$-Terme weg, der Fehler ist $\approx \frac{h^2}{6}|f'''(x)|$, also $O(h^2)$ – hundertmal kleiner
(Steigung 2); für $x^3$ ist er genau $h^2$. Links (sehr kleines $h$) dominiert der Rundungsfehler:
$f(x+h)$ und $f(x)$ sind fast gleich, ihre Differenz verliert Stellen (Auslöschung), und der
Rundungsfehler von etwa $10^{-16}|f(x)|$ wird durch $h$ geteilt – der Fehler wächst wie $1/h$. Das
beste $h$ liegt für den Vorwärtsquotienten bei etwa $10^{-8}$, für den zentralen bei etwa
$10^{-5}$; der zentrale ist deutlich genauer.""",
        solution_en=r"""On the right (large $h$) the truncation error of the Taylor expansion
dominates: for the forward quotient it is $\approx \frac h2 |f''(x)|$, i.e. $O(h)$ – $h$ ten times
smaller, error ten times smaller (slope 1 in the log-log plot). In the centred quotient the $h^2$
terms cancel, the error is $\approx \frac{h^2}{6}|f'''(x)|$, i.e. $O(h^2)$ – a hundred times
smaller (slope 2); for $x^3$ it is exactly $h^2$. On the left (very small $h$) round-off
dominates: $f(x+h)$ and $f(x)$ are almost equal, their difference loses digits (cancellation), and
the round-off error of about $10^{-16}|f(x)|$ is divided by $h$ – the error grows like $1/h$. The
best $h$ is about $10^{-8}$ for the forward quotient and about $10^{-5}$ for the centred one; the
centred one is much more accurate."""),

    # ------------------------------------------------------------------ 5. gradient descent
    md(de=r"""## 5. Gradientenabstieg

Gesucht ist das Minimum der Kosten in Abhängigkeit von den Gewichten und Biases. Der **Gradient**
fasst alle partiellen Ableitungen zusammen,
$$\nabla J(w, b) = \Big(\frac{\partial J}{\partial w},\ \frac{\partial J}{\partial b}\Big),$$
und zeigt in die Richtung des steilsten Anstiegs; er ist die lokale Steigung der Kostenfunktion.

Theoretisch könnte man $\nabla J(w, b) = (0, 0)$ setzen und das Gleichungssystem lösen. Seine
Lösungen sind die **kritischen Punkte** – Minima, aber auch Maxima und Sattelpunkte –, unter denen
man das Minimum erst noch heraussuchen müsste. In der Praxis macht man das nicht: Für ein Netz mit
Tausenden bis Milliarden Parametern ist das nichtlineare Gleichungssystem sehr aufwendig und meist
gar nicht geschlossen lösbar. Stattdessen geht man in kleinen Schritten gegen den Gradienten –
bergab –, bis man ein lokales Minimum erreicht (**Gradientenabstieg**):
$$w_{kn} \leftarrow w_{kn} - \eta\cdot\frac{\partial J}{\partial w_{kn}}, \qquad
b_n \leftarrow b_n - \eta\cdot\frac{\partial J}{\partial b_n}.$$
Die **Lernrate** $\eta$ (in der Mitschrift $L$) ist die Schrittweite. Anschaulich: Ist die
Tangentensteigung $m$, geht man einen Schritt proportional zu $-m$; im Minimum ist $m = 0$, und die
Schritte hören auf.

**Aufgabe 5a (1 Punkt).** Implementieren Sie `gd_step(w, grad, lr)`: einen Schritt für ein Array von
Parametern `w` mit dem Gradienten `grad` (gleiche Form) und der Lernrate `lr`.
""", en=r"""## 5. Gradient descent

We look for the minimum of the cost as a function of the weights and biases. The **gradient**
collects all partial derivatives,
$$\nabla J(w, b) = \Big(\frac{\partial J}{\partial w},\ \frac{\partial J}{\partial b}\Big),$$
and points in the direction of steepest ascent; it is the local slope of the cost function.

In theory one could set $\nabla J(w, b) = (0, 0)$ and solve the system of equations. Its solutions
are the **critical points** – minima, but also maxima and saddle points – among which one would
still have to find the minimum. In practice this is not done: for a network with thousands to
billions of parameters the non-linear system is very expensive and usually cannot be solved in
closed form at all. Instead one takes small steps against the gradient – downhill – until a local
minimum is reached (**gradient descent**):
$$w_{kn} \leftarrow w_{kn} - \eta\cdot\frac{\partial J}{\partial w_{kn}}, \qquad
b_n \leftarrow b_n - \eta\cdot\frac{\partial J}{\partial b_n}.$$
The **learning rate** $\eta$ (written $L$ in the lecture notes) is the step size. Intuitively: if
the slope of the tangent is $m$, take a step proportional to $-m$; at the minimum $m = 0$ and the
steps stop.

**Exercise 5a (1 point).** Implement `gd_step(w, grad, lr)`: one step for an array of parameters `w`
with the gradient `grad` (same shape) and the learning rate `lr`.
"""),
    exercise(GD_STEP, points=1, solution='''def gd_step(w, grad, lr):
    """One step of gradient descent: the new parameters, shaped like w."""
    ### BEGIN SOLUTION
    return w - lr * grad
    ### END SOLUTION'''),
    md(de=r"""### Die Lernrate

**Aufgabe 5b (1 Punkt).** Für welche Lernraten $\eta > 0$ konvergiert der Gradientenabstieg auf
$J(w) = (w-3)^2 + 1$ von jedem Startwert aus? Geben Sie die Grenze als `lr_max` an (Konvergenz
genau für $0 < \eta <$ `lr_max`). *Tipp:* Schreiben Sie einen Schritt für $w_t - 3$ aus.
""", en=r"""### The learning rate

**Exercise 5b (1 point).** For which learning rates $\eta > 0$ does gradient descent on
$J(w) = (w-3)^2 + 1$ converge from every starting point? Give the boundary as `lr_max`
(convergence exactly for $0 < \eta <$ `lr_max`). *Hint:* write out one step for $w_t - 3$.
"""),
    exercise(LR_MAX, points=1,
             solution="""\
# J'(w) = 2 (w - 3), so w_{t+1} - 3 = w_t - 3 - 2 eta (w_t - 3) = (1 - 2 eta)(w_t - 3)
# and w_t - 3 = (1 - 2 eta)^t (w_0 - 3) -> 0  iff  |1 - 2 eta| < 1  iff  0 < eta < 1.
lr_max = 1.0"""),
    md(de=r"""Prüfen Sie Ihre Antwort in der Ansicht: Sie zeigt den Gradientenabstieg auf $J(w) =
(w - 3)^2 + 1$. Links die Kostenfunktion mit den Iterationen $w_0, w_1, \dots$, rechts der Abstand
der Kosten zum Minimum pro Schritt (logarithmisch). Probieren Sie kleine Lernraten (0,01), mittlere
(0,3), solche zwischen 0,5 und 1 und solche über 1.
""", en=r"""Check your answer in the view: it shows gradient descent on $J(w) = (w - 3)^2 + 1$. On
the left the cost function with the iterates $w_0, w_1, \dots$, on the right the distance of the
cost from the minimum per step (logarithmic). Try small learning rates (0.01), medium ones (0.3),
ones between 0.5 and 1 and ones above 1.
"""),
    code("""from workbook.views.gradient_descent import GradientDescentView

GradientDescentView()"""),
    manual("u2_lr_explain", 2, de=r"""**Aufgabe 5c (2 Punkte, manuell bewertet).** Was passiert bei
einer zu kleinen und was bei einer zu großen Lernrate? Beschreiben Sie die drei Bereiche, die Sie in
der Ansicht sehen, und begründen Sie sie mit dem Faktor $1 - 2\eta$.
""", en=r"""**Exercise 5c (2 points, graded by hand).** What happens with a learning rate that is
too small, and with one that is too large? Describe the three regimes you see in the view and
justify them with the factor $1 - 2\eta$.
""", solution_de=r"""Ein Schritt multipliziert den Abstand zum Minimum mit $1 - 2\eta$.
Zu kleine Lernrate ($\eta$ nahe 0): Der Faktor ist fast 1, der Abstand schrumpft pro Schritt kaum –
die Kosten fallen monoton, aber sehr langsam; man braucht sehr viele Schritte. $0 < \eta < 0{,}5$:
monotone Konvergenz; $\eta = 0{,}5$: Minimum in einem Schritt. $0{,}5 < \eta < 1$: Der Faktor ist
negativ, die Iterationen springen über das Minimum hinweg auf die andere Seite (Überschwingen),
konvergieren aber, weil $|1 - 2\eta| < 1$. $\eta = 1$: Pendeln zwischen $w_0$ und $6 - w_0$.
$\eta > 1$: $|1 - 2\eta| > 1$, der Abstand wächst mit jedem Schritt – Divergenz, die Kosten
explodieren. In echten Netzen ist die Grenze unbekannt und hängt von der Krümmung ab
($\eta < 2/J''$); man wählt die Lernrate so groß wie möglich, ohne dass die Kosten springen.""",
        solution_en=r"""One step multiplies the distance to the minimum by $1 - 2\eta$. Learning
rate too small ($\eta$ near 0): the factor is almost 1, the distance hardly shrinks per step – the
cost falls monotonically but very slowly; it takes very many steps. $0 < \eta < 0.5$: monotone
convergence; $\eta = 0.5$: the minimum in one step. $0.5 < \eta < 1$: the factor is negative, the
iterates jump over the minimum to the other side (overshooting) but converge, since $|1 - 2\eta| <
1$. $\eta = 1$: oscillation between $w_0$ and $6 - w_0$. $\eta > 1$: $|1 - 2\eta| > 1$, the
distance grows with every step – divergence, the cost explodes. In real networks the boundary is
unknown and depends on the curvature ($\eta < 2/J''$); one chooses the learning rate as large as
possible without the cost jumping around."""),

    # ------------------------------------------------------------------ 6. backpropagation
    md(de=r"""## 6. Backpropagation für ein Ausgabeneuron

Woher kommen die Ableitungen $\partial J/\partial w$? Nicht aus Differenzenquotienten (zu teuer:
mindestens ein zusätzlicher Vorwärtsdurchlauf pro Parameter, beim zentralen Quotienten zwei),
sondern aus der Kettenregel – rückwärts durch das Netz, daher **Backpropagation**. Für ein
Ausgabeneuron mit ReLU und ein Beispiel mit dem Zielwert $G$ ist der **Verlust**

$$z = w^T a_{prev} + b, \qquad O = \mathrm{ReLU}(z), \qquad L = (O - G)^2 .$$

Die Kosten $J$ sind der Mittelwert der Verluste über die Daten; ihr Gradient ist daher der
Mittelwert der Gradienten der einzelnen Verluste. Es genügt also, $\partial L/\partial w$ für ein
Beispiel zu kennen.

Die drei Faktoren der Kettenregel:

- Ableitung der Verlustfunktion: $\dfrac{\partial L}{\partial O} = 2\,(O - G)$,
- Ableitung der Aktivierungsfunktion: $\dfrac{\partial O}{\partial z} = \mathrm{ReLU}'(z) =
  \begin{cases} 0, & z \le 0\\ 1, & z > 0\end{cases}$,
- Ableitung der gewichteten Summe („Signal“ vor der Aktivierungsfunktion):
  $\dfrac{\partial z}{\partial w_j} = a_{prev,j}$ und $\dfrac{\partial z}{\partial b} = 1$.

Die Kettenregel setzt diese drei Faktoren zu $\partial L/\partial w_j$ und $\partial L/\partial b$
zusammen. Für verborgene Schichten geht es genauso weiter – dort kommt $\partial L/\partial a$ aus
der nächsten Schicht statt aus der Verlustfunktion (Einheit 3).
""", en=r"""## 6. Backpropagation for an output neuron

Where do the derivatives $\partial J/\partial w$ come from? Not from difference quotients (too
expensive: at least one extra forward pass per parameter, two for the centred quotient), but from
the chain rule – backwards through the network, hence **backpropagation**. For an output neuron
with ReLU and one example with the target $G$, the **loss** is

$$z = w^T a_{prev} + b, \qquad O = \mathrm{ReLU}(z), \qquad L = (O - G)^2 .$$

The cost $J$ is the mean of the losses over the data; so its gradient is the mean of the gradients
of the single losses. It is enough to know $\partial L/\partial w$ for one example.

The three factors of the chain rule:

- derivative of the loss function: $\dfrac{\partial L}{\partial O} = 2\,(O - G)$,
- derivative of the activation function: $\dfrac{\partial O}{\partial z} = \mathrm{ReLU}'(z) =
  \begin{cases} 0, & z \le 0\\ 1, & z > 0\end{cases}$,
- derivative of the weighted sum (the "signal" before the activation function):
  $\dfrac{\partial z}{\partial w_j} = a_{prev,j}$ and $\dfrac{\partial z}{\partial b} = 1$.

The chain rule puts these three factors together into $\partial L/\partial w_j$ and
$\partial L/\partial b$. Hidden layers work the same way – there $\partial L/\partial a$ comes from
the next layer instead of the loss function (unit 3).
"""),
    md(de=r"""**Aufgabe 6 (2 Punkte).** Implementieren Sie `output_neuron_grads(a_prev, w, b, G)`:
Die Funktion gibt das Paar `(dL_dw, dL_db)` zurück – `dL_dw` ein Vektor derselben Form wie `w`,
`dL_db` eine Zahl.
""", en=r"""**Exercise 6 (2 points).** Implement `output_neuron_grads(a_prev, w, b, G)`: it returns
the pair `(dL_dw, dL_db)` – `dL_dw` a vector of the same shape as `w`, `dL_db` a number.
"""),
    exercise(OUTPUT_NEURON_GRADS, points=2, solution='''def output_neuron_grads(a_prev, w, b, G):
    """Gradients of the loss L = (ReLU(w . a_prev + b) - G)^2 with respect to w and b."""
    ### BEGIN SOLUTION
    z = w @ a_prev + b
    O = max(z, 0.0)
    delta = 2 * (O - G) * (1.0 if z > 0 else 0.0)  # dL/dO * dO/dz
    return delta * a_prev, delta
    ### END SOLUTION'''),
    md(de=r"""Prüfen Sie Ihr Ergebnis: Die Ansicht zeigt die Gradienten, die nnkit für ein Neuron
mit einer Eingabe berechnet. Stimmen sie mit Ihrer Funktion überein, wenn Sie dieselben Zahlen
einsetzen (`a_prev`, `w` als Vektoren mit einem Eintrag)?
""", en=r"""Check your result: the view shows the gradients nnkit computes for a neuron with one
input. Do they agree with your function for the same numbers (`a_prev`, `w` as vectors with one
entry)?
"""),
    code("""from workbook.views.output_neuron import OutputNeuronView

OutputNeuronView()"""),

    md(de=r"""## Zusammenfassung

- Aktivierungsfunktionen machen das Netz nichtlinear; ohne sie wäre jedes Netz eine affine
  Funktion. $\sigma' = \sigma(1-\sigma)$; die Ableitungen von ReLU und Leaky ReLU sind stückweise
  konstant; bei Maxout erhält nur das gewinnende Stück den Gradienten.
- Vorwärtsdurchlauf: $a^{(k)} = f(W^{(k)}a^{(k-1)} + b^{(k)})$. Kosten: Mittelwert der quadrierten
  Fehler über die Daten.
- Ableitung = Grenzwert des Differenzenquotienten ($(x^3)' = 3x^2$); numerisch ist der zentrale
  Quotient genauer, und $h$ darf nicht zu klein sein.
- Gradientenabstieg: $w \leftarrow w - \eta\,\partial J/\partial w$; zu kleine Lernrate: langsam,
  zu große: Überschwingen bis hin zur Divergenz.
- Backpropagation: $\partial L/\partial w = a_{prev}\cdot g'(z)\cdot\partial L/\partial O$ für den
  Verlust $L$ eines Beispiels; $\partial J/\partial w$ ist der Mittelwert über die Daten.
""", en=r"""## Summary

- Activation functions make the network non-linear; without them every network would be an affine
  function. $\sigma' = \sigma(1-\sigma)$; the derivatives of ReLU and leaky ReLU are piecewise
  constant; in maxout only the winning piece receives the gradient.
- Forward pass: $a^{(k)} = f(W^{(k)}a^{(k-1)} + b^{(k)})$. Cost: the mean of the squared errors over
  the data.
- Derivative = limit of the difference quotient ($(x^3)' = 3x^2$); numerically the centred quotient
  is more accurate, and $h$ must not be too small.
- Gradient descent: $w \leftarrow w - \eta\,\partial J/\partial w$; learning rate too small: slow,
  too large: overshooting, even divergence.
- Backpropagation: $\partial L/\partial w = a_{prev}\cdot g'(z)\cdot\partial L/\partial O$ for the
  loss $L$ of one example; $\partial J/\partial w$ is the mean over the data.
"""),
]
