# ruff: noqa: E501  (long lines are Markdown text and LaTeX; pyproject ignores E501 for notebooks/units, not workbook/units)
r"""Unit 5: derivatives in matrix form, vanishing gradients, skip connections (sheet 11, 15 points, plus 3 points on a vectorised layer).

Sub-question -> grade id (points):
  1a u5_1a (1)  1b u5_1b (1)  1c u5_1c (1)  1d u5_1d (1)  1e u5_1e (1)  1f u5_1f (1)
  2a u5_2a_formula (1) + u5_2a_function (1)   2b u5_2b (1, manual)   2c u5_2c (1)
  2d u5_2d_formula (1) + u5_2d_function (1)   2e u5_2e (1, manual)   2f u5_2f (2, manual)
"""

import functools

import numpy as np
import sympy as sp

from nnkit.activations import get_activation
from nnkit.layers import affine_backward
from workbook import symbolic
from workbook.exercise import Exercise, Mistake, hint
from workbook.reference.vanishing import sheet11_symbols
from workbook.source import Unit, code, exercise, manual, md
from workbook.units.answers import chain_dON_dw1, chain_symbols, network_dON_dw1, sheet11_ex1

UNIT = Unit(
    number=5,
    title={"de": "Ableitungen in Matrixform, verschwindende Gradienten, Skip-Verbindungen",
           "en": "Derivatives in matrix form, vanishing gradients, skip connections"},
    filename={"de": "5_verschwindende_gradienten", "en": "5_vanishing_gradients"},
    summary={"de": "Partielle Ableitungen einer Schicht Wx + b, der Gradient einer tiefen Kette und "
                   "was Skip-Verbindungen daran ändern",
             "en": "Partial derivatives of a layer Wx + b, the gradient of a deep chain and what "
                   "skip connections change about it"},
)


# ====================================================================== exercise 1: symbols
def _ex1():
    """Reference answers (a)..(f) and the indexed symbols of exercise 1."""
    answers, table = sheet11_ex1()
    return answers, table


def _sym(name):
    return lambda: _ex1()[1][name]


def _ans(part):
    return lambda: _ex1()[0][part]


def _W(r, c):
    return _ex1()[1]["W"][r, c]


def _t():
    """``(W, x, a, i, j, m, f)`` for writing wrong answers."""
    _, t = _ex1()
    return t["W"], t["x"], t["a"], t["i"], t["j"], t["m"], t["f"]


def _expr_exercise(part, answer_name, mistakes, express_sigmoid=False):
    return Exercise(
        id=f"u5_1{part}", answer=answer_name, kind="expression", expected=_ans(part),
        symbols=functools.partial(sheet11_symbols, express_sigmoid),
        mistakes=mistakes)


def _m_1a():
    W, x, a, i, j, m, f = _t()
    return [
        Mistake("transposed", lambda: W[j, 1], hint(
            de="Die Indizes sind vertauscht: Schreiben Sie die erste Komponente als Summe "
               "(Wx + b)₁ = Σₖ W₁ₖ xₖ + b₁ aus. Welcher Index von W gehört zur Zeile?",
            en="The indices are swapped: write the first component out as the sum "
               "(Wx + b)₁ = Σₖ W₁ₖ xₖ + b₁. Which index of W is the row?")),
        Mistake("kept_x", lambda: W[1, j] * x[j], hint(
            de="Sie haben den Summanden W₁ⱼxⱼ angegeben, nicht seine Ableitung nach xⱼ.",
            en="You gave the term W₁ⱼxⱼ, not its derivative with respect to xⱼ.")),
        Mistake("x_instead_of_W", lambda: x[j], hint(
            de="Sie haben nach W₁ⱼ abgeleitet. Gefragt ist die Ableitung nach xⱼ.",
            en="You differentiated with respect to W₁ⱼ. The question asks for xⱼ.")),
    ]


def _m_1b():
    W, x, a, i, j, m, f = _t()
    d = sp.KroneckerDelta(i, 1)
    return [
        Mistake("no_delta", lambda: x[j], hint(
            de="Das stimmt nur für i = 1. Hängt die erste Komponente überhaupt von W₂ⱼ ab? "
               "Ein Kronecker-Delta drückt die Fallunterscheidung aus (Schreibweise in der "
               "Tabelle oben).",
            en="This holds for i = 1 only. Does the first component depend on W₂ⱼ at all? "
               "A Kronecker delta expresses the case distinction (notation in the table "
               "above).")),
        Mistake("W_instead_of_x", lambda: d * W[1, j], hint(
            de="Der Faktor vor W₁ⱼ in der Summe Σₖ W₁ₖ xₖ ist nicht W₁ⱼ selbst.",
            en="The factor in front of W₁ⱼ in the sum Σₖ W₁ₖ xₖ is not W₁ⱼ itself.")),
        Mistake("x_i", lambda: d * x[i], hint(
            de="Prüfen Sie den Index von x: W₁ⱼ wird mit dem x derselben Spalte multipliziert.",
            en="Check the index of x: W₁ⱼ is multiplied by the x of the same column.")),
    ]


def _m_1c():
    W, x, a, i, j, m, f = _t()
    return [
        Mistake("no_delta", lambda: sp.Integer(1), hint(
            de="Das gilt nur für i = 1: Die erste Komponente enthält nur den Bias b₁.",
            en="This holds for i = 1 only: the first component contains only the bias b₁.")),
        Mistake("zero", lambda: sp.Integer(0), hint(
            de="Für i = 1 hängt (Wx + b)₁ sehr wohl von bᵢ ab.",
            en="For i = 1, (Wx + b)₁ does depend on bᵢ.")),
    ]


def _m_1d():
    W, x, a, i, j, m, f = _t()
    return [
        Mistake("no_indicator", lambda: W[1, j], hint(
            de="Kettenregel: Es fehlt die Ableitung der ReLU an der Stelle (Wx + b)₁.",
            en="Chain rule: the derivative of ReLU at (Wx + b)₁ is missing.")),
        Mistake("relu_for_relu_prime", lambda: W[1, j] * symbolic.relu(f(1)), hint(
            de="Sie haben ReLU(z) verwendet, wo die Ableitung ReLU'(z) hingehört.",
            en="You used ReLU(z) where its derivative ReLU'(z) belongs.")),
        Mistake("only_indicator", lambda: symbolic.heaviside(f(1)), hint(
            de="Kettenregel: Die innere Ableitung ∂(Wx + b)₁/∂xⱼ fehlt.",
            en="Chain rule: the inner derivative ∂(Wx + b)₁/∂xⱼ is missing.")),
        Mistake("transposed", lambda: W[j, 1] * symbolic.heaviside(f(1)), hint(
            de="Die Indizes von W sind vertauscht (vgl. Teil a).",
            en="The indices of W are swapped (compare part a).")),
    ]


def _m_1e():
    W, x, a, i, j, m, f = _t()
    s = symbolic.sigmoid(f(1))
    sigmoid_prime = sp.Function("sigmoid_prime")
    return [
        Mistake("sigmoid_for_sigmoid_prime", lambda: s * W[1, j], hint(
            de="Sie haben „sigmoid(z)“ verwendet, wo die Ableitung „sigmoid'(z)“ hingehört.",
            en="You used 'sigmoid(z)' where its derivative 'sigmoid'(z)' belongs.")),
        Mistake("not_expressed", lambda: sigmoid_prime(f(1)) * W[1, j], hint(
            de="Die Aufgabe verlangt, „sigmoid'“ durch die Sigmoid-Funktion selbst auszudrücken. "
               "Leiten Sie 1/(1 + e⁻ᶻ) einmal ab.",
            en="The task asks you to express 'sigmoid'' by the sigmoid itself. "
               "Differentiate 1/(1 + e⁻ᶻ) once.")),
        Mistake("no_inner", lambda: s * (1 - s), hint(
            de="Kettenregel: Die innere Ableitung ∂(Wx + b)₁/∂xⱼ fehlt.",
            en="Chain rule: the inner derivative ∂(Wx + b)₁/∂xⱼ is missing.")),
        Mistake("sign", lambda: s * (s - 1) * W[1, j], hint(
            de="Vorzeichen prüfen: Die Sigmoid-Funktion ist monoton steigend.",
            en="Check the sign: the sigmoid is increasing.")),
        Mistake("transposed", lambda: s * (1 - s) * W[j, 1], hint(
            de="Die Indizes von W sind vertauscht (vgl. Teil a).",
            en="The indices of W are swapped (compare part a).")),
    ]


def _m_1f():
    W, x, a, i, j, m, f = _t()
    H = symbolic.heaviside
    return [
        Mistake("no_indicator", lambda: sp.Sum(a[i] * W[i, j], (i, 1, m)), hint(
            de="Das wäre die Ableitung ohne ReLU. Wo steht in jedem Summanden ReLU'?",
            en="That is the derivative without the ReLU. Where is ReLU' in each term?")),
        Mistake("relu_for_relu_prime",
                lambda: sp.Sum(a[i] * symbolic.relu(f(i)) * W[i, j], (i, 1, m)), hint(
                    de="Sie haben ReLU(z) verwendet, wo die Ableitung ReLU'(z) hingehört.",
                    en="You used ReLU(z) where its derivative ReLU'(z) belongs.")),
        Mistake("transposed", lambda: sp.Sum(a[i] * H(f(i)) * W[j, i], (i, 1, m)), hint(
            de="Die Indizes von W sind vertauscht: Komponente i von Wx + b hängt über Wᵢⱼ von xⱼ ab.",
            en="The indices of W are swapped: component i of Wx + b depends on xⱼ through Wᵢⱼ.")),
        Mistake("first_component_only", lambda: a[1] * H(f(1)) * W[1, j], hint(
            de="g ist ein Skalarprodukt: Alle m Komponenten von ReLU(Wx + b) hängen von xⱼ ab.",
            en="g is a dot product: all m components of ReLU(Wx + b) depend on xⱼ.")),
    ]


# ====================================================================== exercise 2: the chain
def _chain():
    return chain_symbols(4)


def _f(stem, k):
    return _chain()[f"{stem}_{k}"]


def _sig(k):
    """sigma'(s_k)"""
    return symbolic.sigma_prime(_f("s", k))


def _expected_2a():
    return chain_dON_dw1(4)


def _expected_2d():
    return chain_dON_dw1(4, skip=True)


def _expected_2c():
    """o_4 = sigma(s_4) with s_4 = w_4 o_3 + b_4 + o_1 (the skip adds o_1 with weight 1)."""
    w4, o3, b4, o1 = _f("w", 4), _f("o", 3), _f("b", 4), _f("o", 1)
    return symbolic.sigma(w4 * o3 + b4 + o1)


def _m_2a():
    x = sp.Symbol("x")
    w2, w3, w4, w1 = (_f("w", k) for k in (2, 3, 4, 1))
    sigma = symbolic.sigma
    return [
        Mistake("with_w1", lambda: _expected_2a() * _f("w", 1), hint(
            de="w₁ kommt nur über s₁ = w₁x + b₁ vor. Was ist ∂s₁/∂w₁?",
            en="w₁ enters only through s₁ = w₁x + b₁. What is ∂s₁/∂w₁?")),
        Mistake("no_x", lambda: _expected_2a() / x, hint(
            de="Der letzte Schritt der Kettenregel fehlt: ∂s₁/∂w₁.",
            en="The last step of the chain rule is missing: ∂s₁/∂w₁.")),
        Mistake("w1_for_x", lambda: _expected_2a() / x * w1, hint(
            de="∂s₁/∂w₁ ist nicht w₁: Leiten Sie s₁ = w₁x + b₁ nach w₁ ab.",
            en="∂s₁/∂w₁ is not w₁: differentiate s₁ = w₁x + b₁ with respect to w₁.")),
        Mistake("sigma_for_sigma_prime", lambda: x * w2 * w3 * w4 * sp.Mul(
            *(sigma(_f("s", k)) for k in (1, 2, 3, 4))), hint(
            de="Sie haben σ(sᵢ) verwendet, wo die Ableitung σ'(sᵢ) hingehört.",
            en="You used σ(sᵢ) where the derivative σ'(sᵢ) belongs.")),
        Mistake("missing_first_factor", lambda: _expected_2a() / _sig(1), hint(
            de="Zählen Sie die Faktoren σ': Jede der N Schichten trägt einen bei, auch die erste.",
            en="Count the factors σ': each of the N layers contributes one, the first one too.")),
        Mistake("missing_last_factor", lambda: _expected_2a() / _sig(4), hint(
            de="Zählen Sie die Faktoren σ': Auch die Ausgabeschicht o₄ = σ(s₄) trägt einen bei.",
            en="Count the factors σ': the output layer o₄ = σ(s₄) contributes one too.")),
    ]


def _m_2c():
    w4, o3, b4, o1 = _f("w", 4), _f("o", 3), _f("b", 4), _f("o", 1)
    sigma, x = symbolic.sigma, sp.Symbol("x")
    return [
        Mistake("after_activation", lambda: sigma(w4 * o3 + b4) + o1, hint(
            de="Hier wird o₁ erst nach der Aktivierungsfunktion addiert. In dieser Aufgabe geht "
               "die Skip-Verbindung in die Summe s₄ ein (siehe Aufgabentext).",
            en="Here o₁ is added after the activation function. In this exercise the skip "
               "connection enters the sum s₄ (see the task text).")),
        Mistake("replaced", lambda: sigma(w4 * o1 + b4), hint(
            de="Die Skip-Verbindung ersetzt den normalen Weg nicht, sie kommt hinzu: o₃ fließt "
               "weiterhin in Schicht 4 ein.",
            en="The skip connection does not replace the normal path, it adds to it: o₃ still "
               "feeds into layer 4.")),
        Mistake("from_input", lambda: sigma(w4 * o3 + b4 + x), hint(
            de="Übersprungen werden die Schichten 2 bis N − 1. Wessen Ausgabe kommt also an?",
            en="The skipped layers are 2 to N − 1. Whose output arrives, then?")),
        Mistake("weighted", lambda: sigma(w4 * (o3 + o1) + b4), hint(
            de="Hier wird o₁ mit w₄ gewichtet. Die Skip-Verbindung dieser Aufgabe hat das "
               "Gewicht 1 (siehe Aufgabentext).",
            en="Here o₁ is weighted by w₄. The skip connection of this exercise has weight 1 "
               "(see the task text).")),
        Mistake("only_s", lambda: w4 * o3 + b4 + o1, hint(
            de="Das ist s₄. Gefragt ist die Ausgabe o₄, also auch Formel (2).",
            en="That is s₄. The question asks for the output o₄, i.e. formula (2) as well.")),
    ]


def _m_2d():
    x = sp.Symbol("x")
    return [
        Mistake("no_skip", lambda: _expected_2a(), hint(
            de="Das ist die Ableitung ohne Skip-Verbindung. s₄ hängt jetzt auf zwei Wegen von "
               "o₁ ab – beide tragen zur Ableitung bei.",
            en="That is the derivative without the skip connection. s₄ now depends on o₁ along "
               "two paths, and both contribute to the derivative.")),
        Mistake("skip_path_without_sigma_prime",
                lambda: x * _sig(1) * (1 + _f("w", 4) * _sig(4) * sp.Mul(
                    *(_f("w", k) * _sig(k) for k in (2, 3)))), hint(
                    de="Auch der kurze Weg über die Skip-Verbindung läuft durch o₄ = σ(s₄).",
                    en="The short path through the skip connection also passes o₄ = σ(s₄).")),
        Mistake("skip_path_only", lambda: x * _sig(1) * _sig(4), hint(
            de="Der lange Weg über die Schichten 2 und 3 existiert weiterhin.",
            en="The long path through layers 2 and 3 still exists.")),
        Mistake("with_w1", lambda: _expected_2d() * _f("w", 1), hint(
            de="w₁ kommt nur über s₁ = w₁x + b₁ vor. Was ist ∂s₁/∂w₁?",
            en="w₁ enters only through s₁ = w₁x + b₁. What is ∂s₁/∂w₁?")),
    ]


# ---------------------------------------------------------------- function exercises (any N)
def chain_gradient(x, w, b, act, skip=False, *, prime=None, with_w1=False, skip_path=True):
    r"""$\partial o_N/\partial w_1$ of the chain by the formulas of (a) and (d) -- with switches
    that reproduce typical mistakes (``prime``: the function used for $\sigma'$)."""
    act = get_activation(act)
    prime = prime or act.grad
    N = len(w)
    skip = skip and N >= 3
    s, o = np.zeros(N), x
    o1 = None
    for i in range(N):
        s[i] = w[i] * o + b[i] + (o1 if skip and i == N - 1 else 0.0)
        o = float(act.fn(np.asarray(s[i])))
        o1 = o if i == 0 else o1
    d = np.asarray(prime(s), float)
    long_path = np.prod(w[1:] * d[1:])
    factor = w[0] if with_w1 else 1.0
    if skip:
        long_path = d[-1] * w[-1] * np.prod(w[1:-1] * d[1:-1])
        return float(factor * x * d[0] * ((d[-1] if skip_path else 0.0) + long_path))
    return float(factor * x * d[0] * long_path)


def _relu_prime_one_at_zero(act):
    """The derivative a student gets with ReLU'(0) = 1 (only differs for ReLU at s = 0)."""
    act = get_activation(act)

    def prime(s):
        g = np.asarray(act.grad(s), float)
        if act.grad(np.array([0.0]))[0] == 0.0 and act.grad(np.array([1.0]))[0] == 1.0:
            return np.where(np.asarray(s) == 0.0, 1.0, g)
        return g

    return prime


ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "identity", "leaky_relu")


def _chain_cases(min_depth):
    def cases(rng, hidden):
        out = []
        for name in ACTIVATION_NAMES * 2:
            N = int(rng.integers(min_depth, 8))
            w = rng.uniform(0.3, 2.0, N) * rng.choice([-1.0, 1.0], N)
            b = rng.uniform(-1.0, 1.0, N)
            x = float(rng.uniform(0.2, 2.0) * rng.choice([-1.0, 1.0]))
            if name in ("relu", "leaky_relu"):  # keep the chain alive (ReLU: positive s)
                w, b, x = np.abs(w), np.abs(b), abs(x)
            out.append((x, w, b, get_activation(name)))
        if hidden:
            w = np.array([1.5, 0.8, 1.2, 0.9])
            out.append((0.5, w, np.array([-0.75, 0.1, 0.2, 0.1]), get_activation("relu")))  # s₁ = 0
            out.append((1.0, w, np.array([0.1, -2.0, 0.1, 0.1]), get_activation("relu")))   # dead
            out.append((0.7, rng.uniform(0.5, 1.5, 25), rng.normal(0, 0.1, 25),
                        get_activation("sigmoid")))                                        # deep
            if min_depth <= 1:
                out.append((0.3, np.array([2.0]), np.array([0.5]), get_activation("tanh")))
        return out
    return cases


def _function_mistakes(skip):
    """Wrong functions ``(x, w, b, act) -> number`` (the shape of the reference)."""

    def wrong(**kw):
        return lambda x, w, b, act: chain_gradient(x, w, b, act, skip, **kw)

    def sigma_for_prime(x, w, b, act):
        return chain_gradient(x, w, b, act, skip, prime=get_activation(act).fn)

    def relu_prime_one(x, w, b, act):
        return chain_gradient(x, w, b, act, skip, prime=_relu_prime_one_at_zero(act))

    mistakes = [
        Mistake("sigma_for_sigma_prime", sigma_for_prime, hint(
            de="Sie verwenden act.fn(s) (also σ), wo act.grad(s) (also σ') hingehört.",
            en="You use act.fn(s) (that is σ) where act.grad(s) (σ') belongs.")),
        Mistake("with_w1", wrong(with_w1=True), hint(
            de="w₁ kommt nur über s₁ = w₁x + b₁ vor; ∂s₁/∂w₁ enthält kein w₁. Achtung: w[0] "
               "ist w₁.",
            en="w₁ enters only through s₁ = w₁x + b₁; ∂s₁/∂w₁ contains no w₁. Note: w[0] is w₁.")),
        Mistake("relu_prime_zero_is_one", relu_prime_one, hint(
            de="An der Stelle s = 0 gilt in nnkit ReLU'(0) = 0, nicht 1. Verwenden Sie act.grad.",
            en="At s = 0 nnkit uses ReLU'(0) = 0, not 1. Use act.grad.")),
    ]
    if skip:
        mistakes += [
            Mistake("no_skip", lambda x, w, b, act: chain_gradient(x, w, b, act, False), hint(
                de="Das ist das Netz ohne Skip-Verbindung: o₁ muss in s_N eingehen, und die "
                   "Ableitung hat dann zwei Wege.",
                en="That is the network without the skip connection: o₁ must enter s_N, and "
                   "the derivative then has two paths.")),
            Mistake("no_short_path", wrong(skip_path=False), hint(
                de="Der Vorwärtsdurchlauf stimmt, aber der kurze Weg o₁ → s_N fehlt in der "
                   "Ableitung.",
                en="The forward pass is right, but the short path o₁ → s_N is missing in the "
                   "derivative.")),
        ]
    return mistakes


# ====================================================================== a layer, vectorised
#: Exercise 1g: n = 5 examples, d = 3 inputs, m = 2 outputs; the shapes of dX and dW.
N_EX, D_IN, M_OUT = 5, 3, 2


def _layer_backward(X, W, delta):
    """nnkit's affine_backward for Z = X W + b: (dX, dW, db) = (delta W^T, X^T delta, sum delta)."""
    X, W, delta = (np.asarray(a, dtype=float) for a in (X, W, delta))
    return affine_backward(delta, (X, W, np.zeros(W.shape[1])))


def _layer_cases(rng, hidden):
    shapes = [(5, 3, 2), (1, 4, 1), (7, 2, 3)] + ([(2, 1, 5), (6, 6, 6), (3, 5, 1)] if hidden else [])
    return [(rng.normal(0, 1, (n, d)), rng.normal(0, 1, (d, m)), rng.normal(0, 1, (n, m)))
            for n, d, m in shapes]


def _layer_mistake(dW=None, db=None):
    def backward(X, W, delta):
        dX, dW_right, db_right = _layer_backward(X, W, delta)
        return (dX, dW_right if dW is None else dW(X, W, delta),
                db_right if db is None else db(X, W, delta))
    return backward


# ====================================================================== exercises
EX_1A = _expr_exercise("a", "answer_1a", _m_1a())
EX_1B = _expr_exercise("b", "answer_1b", _m_1b())
EX_1C = _expr_exercise("c", "answer_1c", _m_1c())
EX_1D = _expr_exercise("d", "answer_1d", _m_1d())
EX_1E = _expr_exercise("e", "answer_1e", _m_1e(), express_sigmoid=True)
EX_1F = _expr_exercise("f", "answer_1f", _m_1f())
EX_2A_FORMULA = Exercise(id="u5_2a_formula", answer="answer_2a", kind="expression", expected=_expected_2a,
         symbols=_chain, mistakes=_m_2a())
EX_2A_FUNCTION = Exercise(id="u5_2a_function", answer="do_dw1", kind="function", expected=network_dON_dw1,
         cases=_chain_cases(1), mistakes=_function_mistakes(skip=False))
EX_2C = Exercise(id="u5_2c", answer="answer_2c", kind="expression", expected=_expected_2c,
         symbols=_chain, mistakes=_m_2c())
EX_2D_FORMULA = Exercise(id="u5_2d_formula", answer="answer_2d", kind="expression", expected=_expected_2d,
         symbols=_chain, mistakes=_m_2d())
EX_2D_FUNCTION = Exercise(id="u5_2d_function", answer="do_dw1_skip", kind="function",
         expected=functools.partial(network_dON_dw1, skip=True),
         cases=_chain_cases(3), mistakes=_function_mistakes(skip=True))
EX_1G = Exercise(id="u5_1g", answer="shapes", kind="value",
         expected=lambda: np.array([[N_EX, D_IN], [D_IN, M_OUT]], dtype=float),
         mistakes=[
             Mistake("dW_transposed", lambda: [[N_EX, D_IN], [M_OUT, D_IN]], hint(
                 de="dW hat die Form von W: Jedes Gewicht erhält genau eine Ableitung. "
                    "Rechnen Sie die Form von Xᵀδ aus.",
                 en="dW has the shape of W: every weight gets exactly one derivative. Work out "
                    "the shape of Xᵀδ.")),
             Mistake("dX_transposed", lambda: [[D_IN, N_EX], [D_IN, M_OUT]], hint(
                 de="dX hat die Form von X: n Zeilen (Beispiele), d Spalten (Eingaben).",
                 en="dX has the shape of X: n rows (examples), d columns (inputs).")),
         ])
EX_1H = Exercise(id="u5_1h", answer="layer_backward", kind="function", expected=_layer_backward,
         cases=_layer_cases, rtol=1e-9, atol=1e-12,
         mistakes=[
             Mistake("db_mean", _layer_mistake(db=lambda X, W, d: d.mean(axis=0)), hint(
                 de="db ist die Summe von δ über die Beispiele, nicht der Mittelwert: Jedes "
                    "Beispiel trägt mit b bei; ein 1/n steckt, falls nötig, schon in δ.",
                 en="db is the sum of δ over the examples, not the mean: every example "
                    "contributes through b; a 1/n, if needed, is already in δ.")),
             Mistake("db_axis", _layer_mistake(db=lambda X, W, d: d.sum(axis=1)), hint(
                 de="Summieren Sie über die Beispiele (die Zeilen, axis=0): db hat die Form "
                    "von b.",
                 en="Sum over the examples (the rows, axis=0): db has the shape of b.")),
             Mistake("dW_transposed", _layer_mistake(dW=lambda X, W, d: d.T @ X), hint(
                 de="δᵀX hat die Form m×d, W aber d×m: Nach der Formprobe hat dW die Form "
                    "von W.",
                 en="δᵀX has the shape m×d, but W is d×m: by the shape check dW has the "
                    "shape of W.")),
             Mistake("dW_mean", _layer_mistake(dW=lambda X, W, d: X.T @ d / len(X)), hint(
                 de="dW ist um den Faktor n zu klein: Xᵀδ summiert schon über die Beispiele; "
                    "ein 1/n steckt, falls nötig, schon in δ.",
                 en="dW is n times too small: Xᵀδ already sums over the examples; a 1/n, if "
                    "needed, is already in δ.")),
         ])
EXERCISES = [EX_1A, EX_1B, EX_1C, EX_1D, EX_1E, EX_1F, EX_2A_FORMULA, EX_2A_FUNCTION, EX_2C,
             EX_2D_FORMULA, EX_2D_FUNCTION, EX_1G, EX_1H]


# ====================================================================== cells
def _q1(ex, de, en, solution):
    """Exercise 1a-1f (1 point each, a formula): the task, the answer cell and the test cell."""
    part = ex.id.removeprefix("u5_1")
    return [md(de=f"**Aufgabe 1{part} (1 Punkt).** {de}", en=f"**Exercise 1{part} (1 point).** {en}"),
            *exercise(ex, points=1, solution=solution, form='"..."')]


CELLS = [
    md(de=r"""# Einheit 5: Ableitungen in Matrixform, verschwindende Gradienten, Skip-Verbindungen

*Übungsblatt 11, insgesamt 15 Punkte (Aufgabe 1: 6 Punkte, Aufgabe 2: 9 Punkte), dazu als Ergänzung eine vektorisierte Schicht (Aufgaben 1g und 1h: 3 Punkte)*

Warum lernen tiefe Netze oft so schlecht – und warum lernen Netze mit Hunderten von Schichten
(ResNets) trotzdem gut? Die Antwort steckt in der Kettenregel – wie genau, leiten Sie in Aufgabe 2
selbst her. Es geht um **verschwindende** und **explodierende Gradienten**.

In dieser Einheit

1. bestimmen Sie die partiellen Ableitungen einer Schicht $\mathbf W\mathbf x + \mathbf b$ mit und
   ohne Aktivierungsfunktion – komponentenweise, also so, wie die Backpropagation sie braucht
   (Aufgabe 1);
2. leiten Sie den Gradienten einer Kette aus $N$ Schichten her, beobachten ihn für wachsendes $N$
   und sehen, was eine Skip-Verbindung daran ändert (Aufgabe 2).

**Lernziele.** Sie können
- partielle Ableitungen einer Schicht komponentenweise mit dem Kronecker-Delta angeben, mit und
  ohne Aktivierungsfunktion,
- den Gradienten nach einem frühen Gewicht einer Kette herleiten und daraus verschwindende und
  explodierende Gradienten erklären,
- beurteilen, ob und wie eine Skip-Verbindung gegen verschwindende und gegen explodierende
  Gradienten hilft,
- erklären, wie ReLU statt Sigmoid, die Initialisierung nach Xavier/Glorot bzw. He, die
  Normalisierung und das Gradient Clipping auf die Gradienten der einzelnen Schichten wirken.

**So geben Sie Formeln ein.** Formeln schreiben Sie als Text in Anführungszeichen, z. B.
`"Sum(a[i]**2, (i, 1, m)) + 2*b[1]"`. Die Prüfzelle darunter prüft Ihre Antwort (`check`) und gibt
bei typischen Fehlern einen Hinweis. Die Schreibweisen stehen jeweils vor den Aufgaben.""",
       en=r"""# Unit 5: Derivatives in matrix form, vanishing gradients, skip connections

*Exercise sheet 11, 15 points in total (exercise 1: 6 points, exercise 2: 9 points), plus a vectorised layer as a supplement (exercises 1g and 1h: 3 points)*

Why do deep networks often learn so badly – and why do networks with hundreds of layers (ResNets)
learn well all the same? The answer lies in the chain rule – how exactly, you work out yourself in
exercise 2. It is about **vanishing** and **exploding gradients**.

In this unit you

1. determine the partial derivatives of a layer $\mathbf W\mathbf x + \mathbf b$ with and without an
   activation function – component by component, the way backpropagation needs them (exercise 1);
2. derive the gradient of a chain of $N$ layers, watch it as $N$ grows and see what a skip
   connection changes (exercise 2).

**Learning goals.** You can
- state partial derivatives of a layer component by component with the Kronecker delta, with and
  without an activation function,
- derive the gradient with respect to an early weight of a chain and explain vanishing and
  exploding gradients from it,
- judge whether and how a skip connection helps against vanishing and against exploding gradients,
- explain how ReLU instead of sigmoid, Xavier/Glorot or He initialisation, normalisation and
  gradient clipping act on the gradients of the individual layers.

**How to enter formulas.** Write formulas as text in quotes, e.g.
`"Sum(a[i]**2, (i, 1, m)) + 2*b[1]"`. The check cell below it tests your answer (`check`) and gives a
hint for typical mistakes. The notation
is listed before the exercises."""),

    # ------------------------------------------------------------------ exercise 1
    md(de=r"""## Aufgabe 1: Ableitungen (6 Punkte, mit Ergänzung 9 Punkte)

Es seien

$$f:\ \mathbb R^n\times\mathbb R^{m\times n}\times\mathbb R^m\to\mathbb R^m,\quad
(\mathbf x,\mathbf W,\mathbf b)\mapsto\mathbf W\mathbf x+\mathbf b,$$

$$g:\ \mathbb R^n\times\mathbb R^m\times\mathbb R^{m\times n}\times\mathbb R^m\to\mathbb R,\quad
(\mathbf x,\mathbf a,\mathbf W,\mathbf b)\mapsto\mathbf a^\top\operatorname{ReLU}(\mathbf W\mathbf x+\mathbf b).$$

(Auf dem Übungsblatt fehlen die Zielmengen: $f$ bildet nach $\mathbb R^m$ ab, $g$ nach $\mathbb R$.)

Bestimmen Sie die folgenden partiellen Ableitungen (wo sie wohldefiniert sind). Hierbei steht
$[\cdot]_1$ für die erste Komponente eines Vektors; ReLU und die Sigmoid-Funktion wirken komponentenweise.

**Der Schlüssel** ist, jede Komponente als Summe auszuschreiben:

$$[f(\mathbf x,\mathbf W,\mathbf b)]_i = (\mathbf W\mathbf x+\mathbf b)_i = \sum_{k=1}^n W_{ik}\,x_k + b_i .$$

Dann ist jede Ableitung eine Ableitung nach einer einzelnen reellen Variablen.

**Schreibweisen** (Indizes beginnen bei 1 wie auf dem Blatt):

| Mathematik | Eingabe |
|---|---|
| $W_{ik}$, $x_k$, $a_i$, $b_i$ | `W[i, k]`, `x[k]`, `a[i]`, `b[i]` |
| $(\mathbf W\mathbf x+\mathbf b)_i$, $(\mathbf W\mathbf x+\mathbf b)_1$ | `f[i]`, `f[1]` |
| $\delta_{ik}$ (Kronecker-Delta: 1 für $i = k$, sonst 0) | `delta(i, k)` |
| $\mathbb 1[z>0] = \operatorname{ReLU}'(z)$ (Heaviside-Funktion) | `H(z)` oder `relu'(z)` |
| $\operatorname{sigmoid}(z)$, $\operatorname{ReLU}(z)$ | `sigmoid(z)`, `relu(z)` |
| $\sum_{i=1}^m \ldots$ | `Sum(..., (i, 1, m))` |

Produkte brauchen ein `*`: `2*x[j]`, nicht `2x[j]`.""",
       en=r"""## Exercise 1: Derivatives (6 points, with the supplement 9 points)

Let

$$f:\ \mathbb R^n\times\mathbb R^{m\times n}\times\mathbb R^m\to\mathbb R^m,\quad
(\mathbf x,\mathbf W,\mathbf b)\mapsto\mathbf W\mathbf x+\mathbf b,$$

$$g:\ \mathbb R^n\times\mathbb R^m\times\mathbb R^{m\times n}\times\mathbb R^m\to\mathbb R,\quad
(\mathbf x,\mathbf a,\mathbf W,\mathbf b)\mapsto\mathbf a^\top\operatorname{ReLU}(\mathbf W\mathbf x+\mathbf b).$$

(The exercise sheet leaves out the codomains: $f$ maps to $\mathbb R^m$, $g$ to $\mathbb R$.)

Determine the following partial derivatives (where they are well defined). Here $[\cdot]_1$ denotes
the first component of a vector; ReLU and sigmoid act component-wise.

**The key** is to write every component out as a sum:

$$[f(\mathbf x,\mathbf W,\mathbf b)]_i = (\mathbf W\mathbf x+\mathbf b)_i = \sum_{k=1}^n W_{ik}\,x_k + b_i .$$

Then every derivative is a derivative with respect to a single real variable.

**Notation** (indices start at 1 as on the sheet):

| Mathematics | Input |
|---|---|
| $W_{ik}$, $x_k$, $a_i$, $b_i$ | `W[i, k]`, `x[k]`, `a[i]`, `b[i]` |
| $(\mathbf W\mathbf x+\mathbf b)_i$, $(\mathbf W\mathbf x+\mathbf b)_1$ | `f[i]`, `f[1]` |
| $\delta_{ik}$ (Kronecker delta: 1 for $i = k$, else 0) | `delta(i, k)` |
| $\mathbb 1[z>0] = \operatorname{ReLU}'(z)$ (Heaviside function) | `H(z)` or `relu'(z)` |
| $\operatorname{sigmoid}(z)$, $\operatorname{ReLU}(z)$ | `sigmoid(z)`, `relu(z)` |
| $\sum_{i=1}^m \ldots$ | `Sum(..., (i, 1, m))` |

Products need a `*`: `2*x[j]`, not `2x[j]`."""),
    md(de="Wie eine Eingabe gelesen wird, sehen Sie, wenn Sie sie übersetzen lassen "
          "(probieren Sie eigene Ausdrücke aus; ein Tippfehler ergibt eine Fehlermeldung "
          "mit Hinweis):",
       en="To see how an input is read, let it be translated (try your own expressions; a typo "
          "gives an error message with a hint):"),
    code("""from workbook.symbolic import parse
from workbook.reference.vanishing import sheet11_symbols

parse("Sum(b[k]**2, (k, 1, m)) + 2*x[1]", sheet11_symbols())"""),
    *_q1(EX_1A, r"Bestimmen Sie $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial x_j}$.",
         r"Determine $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial x_j}$.",
         'answer_1a = "W[1, j]"'),
    *_q1(EX_1B, r"Bestimmen Sie $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial W_{ij}}$"
              r" (für beliebige $i$ und $j$).",
         r"Determine $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial W_{ij}}$"
         r" (for any $i$ and $j$).",
         'answer_1b = "delta(i, 1) * x[j]"'),
    *_q1(EX_1C, r"Bestimmen Sie $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial b_i}$.",
         r"Determine $\dfrac{\partial\,[f(\mathbf x,\mathbf W,\mathbf b)]_1}{\partial b_i}$.",
         'answer_1c = "delta(i, 1)"'),
    *_q1(EX_1D, r"Bestimmen Sie $\dfrac{\partial\,[\operatorname{ReLU}(f(\mathbf x,\mathbf W,\mathbf b))]_1}"
              r"{\partial x_j}$ (wo sie definiert ist). Überlegen Sie außerdem (ohne Punkte), wo sie "
              r"nicht definiert ist; die Auflösung folgt nach Aufgabe 1f.",
         r"Determine $\dfrac{\partial\,[\operatorname{ReLU}(f(\mathbf x,\mathbf W,\mathbf b))]_1}"
         r"{\partial x_j}$ (where it is defined). Also consider (for no points) where it is not "
         r"defined; the answer follows exercise 1f.",
         'answer_1d = "W[1, j] * H(f[1])"'),
    *_q1(EX_1E, r"Bestimmen Sie $\dfrac{\partial\,[\operatorname{sigmoid}(f(\mathbf x,\mathbf W,\mathbf b))]_1}"
              r"{\partial x_j}$. Drücken Sie die Ableitung mithilfe der Sigmoid-Funktion aus "
              r"(also ohne `sigmoid'`).",
         r"Determine $\dfrac{\partial\,[\operatorname{sigmoid}(f(\mathbf x,\mathbf W,\mathbf b))]_1}"
         r"{\partial x_j}$. Express the derivative by means of the sigmoid function (that is, "
         r"without `sigmoid'`).",
         'answer_1e = "sigmoid(f[1]) * (1 - sigmoid(f[1])) * W[1, j]"'),
    *_q1(EX_1F, r"Bestimmen Sie $\dfrac{\partial\, g(\mathbf x,\mathbf a,\mathbf W,\mathbf b)}{\partial x_j}$. "
              r"Verwenden Sie $i$ als Summationsindex.",
         r"Determine $\dfrac{\partial\, g(\mathbf x,\mathbf a,\mathbf W,\mathbf b)}{\partial x_j}$. "
         r"Use $i$ as the summation index.",
         'answer_1f = "Sum(a[i] * H(f[i]) * W[i, j], (i, 1, m))"'),
    md(de=r"""*Zu (d), wo die Ableitung nicht definiert ist:* Bei $(\mathbf W\mathbf x+\mathbf b)_1 = 0$
hat die ReLU einen Knick; dort existiert die Ableitung nicht (sofern $W_{1j} \ne 0$). Die
Backpropagation braucht trotzdem eine Zahl: PyTorch, TensorFlow und JAX setzen wie nnkit
$\operatorname{ReLU}'(0) = 0$.""",
       en=r"""*On (d), where the derivative is not defined:* at $(\mathbf W\mathbf x+\mathbf b)_1 = 0$
the ReLU has a kink; the derivative does not exist there (provided $W_{1j} \ne 0$). Backpropagation
still needs a number: PyTorch, TensorFlow and JAX, like nnkit, use
$\operatorname{ReLU}'(0) = 0$."""),
    md(de=r"""### Gegenprobe mit Zahlen (ohne Punkte)

Die folgende Zelle setzt zufällige $\mathbf W$, $\mathbf x$, $\mathbf a$, $\mathbf b$ (mit $n = 3$,
$m = 2$) in Ihre Formeln ein und vergleicht mit zentralen Differenzenquotienten
$\frac{h(v + \varepsilon) - h(v - \varepsilon)}{2\varepsilon}$ (`nnkit.gradcheck.numerical_gradient`).
Stimmen die Spalten überein, ist Ihre Formel an dieser Stelle richtig.""",
       en=r"""### Numerical cross-check (no points)

The next cell puts random $\mathbf W$, $\mathbf x$, $\mathbf a$, $\mathbf b$ (with $n = 3$, $m = 2$)
into your formulas and compares with centred difference quotients
$\frac{h(v + \varepsilon) - h(v - \varepsilon)}{2\varepsilon}$ (`nnkit.gradcheck.numerical_gradient`).
If the columns agree, your formula is right at this point."""),
    code("""from workbook.views.vanishing import print_sheet11_check

# your answers answer_1a ... answer_1f (parts not answered yet are skipped)
print_sheet11_check({part: globals().get(f"answer_1{part}") for part in "abcdef"})"""),
    md(de=r"""### Eine Schicht vektorisiert rückwärts (Ergänzung)

In nnkit (wie in PyTorch) stehen $n$ Beispiele als Zeilen in einer Matrix $\mathbf X$ der Form
$n\times d$; eine Schicht rechnet $\mathbf Z = \mathbf X\mathbf W + \mathbf b$ mit $\mathbf W$ der
Form $d\times m$ und $\mathbf b$ mit $m$ Einträgen (zu jeder Zeile addiert). Der
Rückwärtsdurchlauf erhält $\boldsymbol\delta = \partial L/\partial\mathbf Z$, eine Matrix derselben
Form wie $\mathbf Z$, und liefert nach der Kettenregel – Ihre Ergebnisse aus (a) bis (c), für alle
Komponenten und Beispiele auf einmal – die Ableitungen $\partial L/\partial\mathbf X$,
$\partial L/\partial\mathbf W$ und $\partial L/\partial\mathbf b$: für einen Eintrag etwa
$\partial L/\partial W_{k\ell} = \sum_{p,q} [\boldsymbol\delta]_{pq}\,\partial Z_{pq}/\partial W_{k\ell}$, summiert
über alle Einträge von $\mathbf Z$.

**Aufgabe 1g (1 Punkt).** Für $n = 5$ Beispiele, $d = 3$ Eingaben und $m = 2$ Ausgaben: Welche
Formen haben $\partial L/\partial\mathbf X$ und $\partial L/\partial\mathbf W$? Geben Sie
`shapes = [(Zeilen, Spalten) von dX, (Zeilen, Spalten) von dW]` an.""",
       en=r"""### One layer backwards, vectorised (supplement)

In nnkit (as in PyTorch) $n$ examples are the rows of a matrix $\mathbf X$ of shape $n\times d$; a
layer computes $\mathbf Z = \mathbf X\mathbf W + \mathbf b$ with $\mathbf W$ of shape $d\times m$
and $\mathbf b$ with $m$ entries (added to every row). The backward pass receives
$\boldsymbol\delta = \partial L/\partial\mathbf Z$, a matrix of the same shape as $\mathbf Z$, and
by the chain rule – your results of (a) to (c), for all components and examples at once – gives
the derivatives $\partial L/\partial\mathbf X$, $\partial L/\partial\mathbf W$ and
$\partial L/\partial\mathbf b$: for one entry, e.g.,
$\partial L/\partial W_{k\ell} = \sum_{p,q} [\boldsymbol\delta]_{pq}\,\partial Z_{pq}/\partial W_{k\ell}$, summed over
all entries of $\mathbf Z$.

**Exercise 1g (1 point).** For $n = 5$ examples, $d = 3$ inputs and $m = 2$ outputs: what shapes
do $\partial L/\partial\mathbf X$ and $\partial L/\partial\mathbf W$ have? Give
`shapes = [(rows, columns) of dX, (rows, columns) of dW]`."""),
    exercise(EX_1G, points=1, form="[(..., ...), (..., ...)]",
             solution="shapes = [(5, 3), (3, 2)]  # dX like X (n x d), dW like W (d x m)"),
    md(de=r"""Die **Formprobe**: Jede Ableitung hat die Form der Größe, nach der abgeleitet wird –
damit findet man die Reihenfolge der Faktoren und die Transposition, ohne sie auswendig zu wissen.

**Aufgabe 1h (2 Punkte).** Implementieren Sie `layer_backward(X, W, delta)`: Die Funktion
gibt das Tupel `(dX, dW, db)` zurück (NumPy: `@` für das Matrixprodukt, `.T` für die
Transponierte). Welche Einträge $Z_{pq}$ hängen von $W_{k\ell}$ ab, welche von $X_{pk}$, welche von
$b_\ell$?""",
       en=r"""The **shape check**: every derivative has the shape of the quantity it is taken with respect
to – this gives the order of the factors and the transposes without learning them by heart.

**Exercise 1h (2 points).** Implement `layer_backward(X, W, delta)`: it returns the tuple
`(dX, dW, db)` (NumPy: `@` for the matrix product, `.T` for the transpose). Which entries $Z_{pq}$
depend on $W_{k\ell}$, which on $X_{pk}$, which on $b_\ell$?"""),
    exercise(EX_1H, points=2, solution='''def layer_backward(X, W, delta):
    """dL/dX, dL/dW, dL/db of Z = X W + b, given delta = dL/dZ (one row per example)."""
    ### BEGIN SOLUTION
    return delta @ W.T, X.T @ delta, delta.sum(axis=0)
    ### END SOLUTION'''),
    md(de=r"""### Von den Komponenten zur Matrixform

Die Rückwärtsrechnung einer Schicht in Matrixform lautet

$$\frac{\partial L}{\partial\mathbf W} = \mathbf X^\top\boldsymbol\delta, \qquad
  \frac{\partial L}{\partial\mathbf X} = \boldsymbol\delta\,\mathbf W^\top, \qquad
  \frac{\partial L}{\partial\mathbf b} = \sum_{\text{Beispiele}}\boldsymbol\delta .$$

Backpropagation rechnet nicht mit einzelnen Komponenten, sondern mit ganzen Vektoren. Fassen Sie
Ihre Ergebnisse zusammen (ohne Punkte, zur Vertiefung):

* Welche Matrix $\mathbf J$ mit Einträgen $J_{ij} = \partial(\mathbf W\mathbf x+\mathbf b)_i/\partial x_j$
  gehört zu (a)?
* Schreiben Sie (f) als Matrix-Vektor-Produkt: Welche Matrix wird transponiert, und was steht im
  Vektor?
* Wie sieht die Matrix $\partial\,\sigma(\mathbf W\mathbf x+\mathbf b)/\partial\mathbf x$ aus, wenn
  Sie (e) für alle Komponenten $i$ statt nur für die erste aufschreiben?""",
       en=r"""### From components to matrix form

The backward pass of a layer in matrix form is

$$\frac{\partial L}{\partial\mathbf W} = \mathbf X^\top\boldsymbol\delta, \qquad
  \frac{\partial L}{\partial\mathbf X} = \boldsymbol\delta\,\mathbf W^\top, \qquad
  \frac{\partial L}{\partial\mathbf b} = \sum_{\text{examples}}\boldsymbol\delta .$$

Backpropagation does not work with single components but with whole vectors. Collect your
results (no points, for practice):

* Which matrix $\mathbf J$ with entries $J_{ij} = \partial(\mathbf W\mathbf x+\mathbf b)_i/\partial x_j$
  belongs to (a)?
* Write (f) as a matrix-vector product: which matrix is transposed, and what is in the vector?
* What does the matrix $\partial\,\sigma(\mathbf W\mathbf x+\mathbf b)/\partial\mathbf x$ look like
  if you write (e) down for every component $i$ instead of only the first?"""),

    # ------------------------------------------------------------------ exercise 2
    md(de=r"""## Aufgabe 2: Verschwindende Gradienten (9 Punkte)

Gegeben sei ein neuronales Netz mit $N$ Schichten, das auf skalaren Eingabedaten $x\in\mathbb R$
operiert. Für jede Schicht $i = 1,\dots,N$ gilt

$$s_i = f_i(o_{i-1}) = w_i\,o_{i-1} + b_i \qquad (1)$$

$$o_i = \sigma(s_i) \qquad (2)$$

wobei $\sigma$ eine (beliebige) Aktivierungsfunktion ist und $o_0 = x$. Einfachheitshalber
besteht jede Schicht aus nur einem Neuron, sodass $w_i, b_i, o_i, s_i\in\mathbb R$ skalar sind.

*Zur Sprechweise:* Das Blatt nennt die Schichten „lineare Layer“ (wie `nn.Linear` in PyTorch).
Genau genommen ist (1) affin, und erst (1) und (2) zusammen bilden eine Schicht – und die ist wegen
$\sigma$ im Allgemeinen nichtlinear. Der Index $i$ zählt hier die Schichten, nicht die
Datenpunkte.""",
       en=r"""## Exercise 2: Vanishing gradients (9 points)

Consider a neural network with $N$ layers operating on scalar inputs $x\in\mathbb R$. For every
layer $i = 1,\dots,N$,

$$s_i = f_i(o_{i-1}) = w_i\,o_{i-1} + b_i \qquad (1)$$

$$o_i = \sigma(s_i) \qquad (2)$$

where $\sigma$ is an (arbitrary) activation function and $o_0 = x$. For simplicity every layer has
a single neuron, so $w_i, b_i, o_i, s_i\in\mathbb R$ are scalars.

*A word on terms:* the sheet calls the layers "linear layers" (like `nn.Linear` in PyTorch).
Strictly, (1) is affine, and only (1) and (2) together form a layer – which, because of $\sigma$, is
not linear in general. The index $i$ counts layers here, not data points."""),
    md(de=r"""**Aufgabe 2a (2 Punkte).** Bestimmen Sie die Ableitung $\dfrac{\partial o_N}{\partial w_1}$ der Ausgabe
nach dem Gewicht der ersten Schicht in Abhängigkeit von $s_i$, $w_i$ (für $i = 1,\dots,N$), $x$ und
der Ableitung der Aktivierungsfunktion $\sigma'(\cdot)$.

Die Formel für allgemeines $N$ gehört in Ihre Aufzeichnungen; bewertet wird sie in zwei Teilen:

* **(a1, 1 Punkt)** die Formel für $N = 4$, als Text. Schreibweisen: `x`, `w1` oder `w_1` oder
  `w[1]`, ebenso `s2`, `b3`, `o1`; $\sigma(z)$ als `sigma(z)`, $\sigma'(z)$ als `sigma'(z)` oder
  `sigma_prime(z)`.
* **(a2, 1 Punkt)** eine Python-Funktion für beliebiges $N$ (nächste Aufgabe).""",
       en=r"""**Exercise 2a (2 points).** Determine the derivative $\dfrac{\partial o_N}{\partial w_1}$ of the
output with respect to the weight of the first layer in terms of $s_i$, $w_i$ (for
$i = 1,\dots,N$), $x$ and the derivative of the activation function $\sigma'(\cdot)$.

The formula for general $N$ belongs in your notes; it is graded in two parts:

* **(a1, 1 point)** the formula for $N = 4$, as text. Notation: `x`, `w1` or `w_1` or `w[1]`,
  likewise `s2`, `b3`, `o1`; $\sigma(z)$ as `sigma(z)`, $\sigma'(z)$ as `sigma'(z)` or
  `sigma_prime(z)`.
* **(a2, 1 point)** a Python function for any $N$ (next task)."""),
    exercise(EX_2A_FORMULA, points=1, form='"..."',
             solution="answer_2a = \"x * sigma'(s1) * sigma'(s2) * sigma'(s3) * sigma'(s4) * w2 * w3 * w4\""),
    md(de=r"""**(a2, 1 Punkt)** Implementieren Sie `do_dw1(x, w, b, act)`: $\partial o_N/\partial w_1$ für eine
Kette beliebiger Länge $N$ = `len(w)`.

* `w` und `b` sind NumPy-Arrays der Länge $N$. **Python zählt ab 0:** `w[0]` ist $w_1$,
  `w[N-1]` ist $w_N$.
* `act` ist eine Aktivierungsfunktion aus nnkit: `act.fn(s)` ist $\sigma(s)$, `act.grad(s)` ist
  $\sigma'(s)$.
* Berechnen Sie erst im Vorwärtsdurchlauf alle $s_i$, dann das Produkt aus (a).
* Zahlen schreibt Python mit Dezimalpunkt: `0.5`, nicht `0,5` (`0,5` wäre ein Paar aus zwei
  Zahlen).

Getestet wird mit zufälligen Ketten und verschiedenen Aktivierungsfunktionen gegen die
Backpropagation von nnkit.""",
       en=r"""**(a2, 1 point)** Implement `do_dw1(x, w, b, act)`: $\partial o_N/\partial w_1$ for a chain of any
length $N$ = `len(w)`.

* `w` and `b` are NumPy arrays of length $N$. **Python counts from 0:** `w[0]` is $w_1$,
  `w[N-1]` is $w_N$.
* `act` is an nnkit activation function: `act.fn(s)` is $\sigma(s)$, `act.grad(s)` is
  $\sigma'(s)$.
* First compute all $s_i$ in a forward pass, then the product from (a).

It is tested with random chains and several activation functions against nnkit's
backpropagation."""),
    exercise(EX_2A_FUNCTION, points=1, solution='''import numpy as np


def do_dw1(x, w, b, act):
    """d o_N / d w_1 of the chain s_i = w_i o_{i-1} + b_i, o_i = act(s_i), o_0 = x;
    w[0] is w_1, ..., w[N-1] is w_N."""
    ### BEGIN SOLUTION
    N = len(w)
    s = np.zeros(N)
    o = x
    for i in range(N):          # forward pass: s[i] is s_{i+1}
        s[i] = w[i] * o + b[i]
        o = act.fn(s[i])
    d = act.grad(s)             # sigma'(s_1), ..., sigma'(s_N)
    return x * d[0] * np.prod(w[1:] * d[1:])
    ### END SOLUTION'''),
    md(de=r"""### Ausprobieren: der Gradient über der Tiefe

Die Ansicht berechnet $|\partial o_n/\partial w_1|$ für alle Tiefen $n = 1,\dots,30$ mit der
Formel aus (a) (logarithmische Achse!). Die Gewichte sind $w_i = w\cdot u_i$ mit festen
$u_i\in[0{,}8;\,1{,}2]$, die Biases klein und fest, $x = 0{,}5$. Rechts sehen Sie die Faktoren
$|w_i\,\sigma'(s_i)|$ der Kette für die gewählte Tiefe $N$, darunter die Kette als Diagramm. Das
Diagramm beschriftet Gradienten stets mit $L$; hier ist $L$ die Ausgabe selbst, $L = o_N$. Die
Zahl „L = …“ über der Ausgabeschicht ist also $o_N$, und an den Kanten stehen als
$\partial L/\partial w_i$ genau die $\partial o_N/\partial w_i$. Wie in den anderen Einheiten
heißen $s_i$ und $o_i$ im Diagramm $z$ und $a$.
Die breite Kette ganz unten und ihre Einstellungen (Initialisierung, Normalisierung, Gradient
Clipping) gehören zu den Abhilfen nach Aufgabe 2b.

Probieren Sie:

* Sigmoid mit $w = 1$: Wie schnell fällt der Gradient? Wie groß sind die Faktoren höchstens?
* Identität mit $w = 0{,}8$ und mit $w = 1{,}3$;
* ReLU mit $w = 1{,}5$ – und dann tanh mit $w = 3$.""",
       en=r"""### Try it: the gradient over the depth

The view computes $|\partial o_n/\partial w_1|$ for every depth $n = 1,\dots,30$ with the formula
from (a) (logarithmic axis!). The weights are $w_i = w\cdot u_i$ with fixed $u_i\in[0.8, 1.2]$, the
biases small and fixed, $x = 0.5$. On the right you see the factors $|w_i\,\sigma'(s_i)|$ of the
chain for the chosen depth $N$, below it the chain as a diagram. The diagram always labels
gradients with $L$; here $L$ is simply the output itself, $L = o_N$, so the value "L = …" above the
output layer is $o_N$, and the $\partial L/\partial w_i$ on the edges are exactly the
$\partial o_N/\partial w_i$. As in the other units, the diagram calls $s_i$ and $o_i$ $z$ and $a$. The wide chain at the bottom and its
settings (initialisation, normalisation, gradient clipping) belong to the remedies after exercise
2b.

Try:

* sigmoid with $w = 1$: how fast does the gradient fall? How large can the factors be?
* identity with $w = 0.8$ and with $w = 1.3$;
* ReLU with $w = 1.5$ – and then tanh with $w = 3$."""),
    code("""from workbook.views.vanishing import VanishingView

VanishingView(depth=6, scale=1.0, activation="sigmoid", with_skip=False)"""),
    manual("u5_2b", 1,
           de=r"""**Aufgabe 2b (1 Punkt, manuell bewertet).** Erklären Sie mithilfe von (a) und Aufgabe 1 das Problem der
verschwindenden bzw. explodierenden Gradienten.""",
           en=r"""**Exercise 2b (1 point, graded by hand).** Using (a) and exercise 1, explain the problem of vanishing and
exploding gradients.""",
           solution_de=r"""Nach (a) ist $\left|\frac{\partial o_N}{\partial w_1}\right| = |x|\,|\sigma'(s_1)|
\prod_{i=2}^N |w_i\,\sigma'(s_i)|$: ein Produkt aus $N$ Faktoren, einem pro Schicht
($\sigma'(s_1)$ für die erste, $w_i\,\sigma'(s_i)$ für die Schichten 2 bis $N$). Liegen die
Faktoren $|w_i\sigma'(s_i)|$ typischerweise unter 1, fällt das Produkt **exponentiell** mit $N$:
Die Gewichte der ersten Schichten erhalten praktisch keinen Gradienten und lernen mit
Gradientenabstieg kaum (verschwindende Gradienten). Bei der Sigmoid-Funktion ist
$\sigma' = \sigma(1-\sigma)\le\frac14$, also ist jeder Faktor kleiner als 1, solange $|w_i| < 4$
(bei tanh: $\tanh'\le 1$, mit Gleichheit nur bei 0). Liegen die Faktoren über 1 (große Gewichte
und $\sigma'$ nicht klein, z. B. ReLU/Identität mit $|w_i| > 1$), wächst das Produkt exponentiell
(explodierende Gradienten): Ein Schritt des Gradientenabstiegs wird riesig, das Training
instabil. Aufgabe 1 zeigt, dass dasselbe für Vektoren gilt: Jede Schicht multipliziert den
Gradienten mit $\mathbf W^\top\operatorname{diag}(\sigma'(\mathbf W\mathbf x+\mathbf b))$;
Produkte vieler solcher Matrizen schrumpfen oder wachsen ebenfalls exponentiell, und bei der ReLU
setzt jedes $\operatorname{ReLU}'=0$ den Anteil ganz auf 0.""",
           solution_en=r"""By (a), $\left|\frac{\partial o_N}{\partial w_1}\right| = |x|\,|\sigma'(s_1)|
\prod_{i=2}^N |w_i\,\sigma'(s_i)|$: a product of $N$ factors, one per layer
($\sigma'(s_1)$ for the first, $w_i\,\sigma'(s_i)$ for layers 2 to $N$). If the factors
$|w_i\sigma'(s_i)|$ are typically below 1, the product falls **exponentially** with $N$: the
weights of the first layers get practically no gradient and hardly learn with gradient descent
(vanishing gradients). For the sigmoid, $\sigma' = \sigma(1-\sigma)\le\frac14$, so every factor is
below 1 as long as $|w_i| < 4$ (for tanh: $\tanh'\le 1$, with equality only at 0). If the factors
are above 1 (large weights and $\sigma'$ not small, e.g. ReLU/identity with $|w_i| > 1$), the
product grows exponentially (exploding gradients): one step of gradient descent becomes huge and
training unstable. Exercise 1 shows that the same holds for vectors: every layer multiplies the
gradient by $\mathbf W^\top\operatorname{diag}(\sigma'(\mathbf W\mathbf x+\mathbf b))$; products of
many such matrices also shrink or grow exponentially, and for ReLU every $\operatorname{ReLU}'=0$
sets the contribution to 0 altogether."""),

    md(de=r"""### Abhilfen (ohne Punkte)

Neben einer Änderung der Architektur (gleich im Anschluss) gibt es weitere Ansätze. Die Initialisierung nach
Xavier/Glorot oder He setzt aber Schichten mit vielen Neuronen voraus, die Normalisierung einen
Mini-Batch; in einer Kette aus einzelnen Neuronen mit einem Beispiel gibt es nichts, worüber man
mitteln könnte. Deshalb zeigt die Ansicht oben unter dem Diagramm zusätzlich eine **breite Kette**: $N$ Schichten mit
je $n = 16$ Neuronen ohne Biases, $\mathbf o_j = \sigma(\mathbf o_{j-1}\mathbf W_j)$, ein Mini-Batch
aus 64 zufälligen Eingaben mit zufälligen Zielwerten und die Kosten
$J = \frac{1}{2\cdot 64}\sum_{k=1}^{64} \lVert \mathbf y_k - \mathbf o_{N,k}\rVert^2$. Aufgetragen ist für
jede Schicht $j$ die Norm $\lVert\partial J/\partial\mathbf W_j\rVert$ des Gradienten nach ihrer
Gewichtsmatrix: durchgezogen mit den gewählten Einstellungen, gepunktet dieselbe Kette ohne
Normalisierung und ohne Clipping. Tiefe $N$ und Aktivierungsfunktion $\sigma$ gelten für beide
Ketten. Probieren Sie mit $N = 30$:

* **ReLU statt Sigmoid.** Wo die ReLU aktiv ist, ist $\operatorname{ReLU}' = 1$ statt
  $\sigma' \le \frac14$. In der Kette aus einzelnen Neuronen: Mit ReLU und $w = 1$ bleibt
  $|\partial o_N/\partial w_1|$ über alle 30 Schichten zwischen etwa $0{,}3$ und $0{,}6$; mit Sigmoid fällt es auf
  etwa $10^{-20}$. In der breiten Kette mit Xavier/Glorot: Mit Sigmoid erhält die erste
  Schicht etwa $10^{-19}$, die letzte knapp $1$.
* **Initialisierung (Xavier/Glorot, He).** Man wählt die Startgewichte so, dass Signale vorwärts
  und Gradienten rückwärts von Schicht zu Schicht im Mittel ihre Größe behalten: Varianz der
  Gewichte $1/n$ bei $n$ Eingaben je Neuron (Xavier/Glorot; allgemein
  $2/(n_\text{ein} + n_\text{aus})$) bzw. $2/n$ (He, für ReLU). Die Herleitung braucht drei Zeilen:
  Für $s = \sum_{k=1}^n w_k o_k$ mit unabhängigen Gewichten $w_k$ (Mittelwert 0, Varianz $v$),
  unabhängig von den Eingaben $o_k$, ist $\operatorname{Var}(s) = n\,v\,\mathbb E[o_k^2]$.
  Xavier/Glorot nimmt an, dass die Aktivierungsfunktion sich um 0 wie die Identität verhält (Wert 0
  und Steigung 1 bei 0, wie tanh): Dann ist $\mathbb E[o_k^2] \approx \operatorname{Var}(\tilde s)$ für die
  Summen $\tilde s$ der vorigen Schicht, und $v = 1/n$ erhält die Varianz. Bei der ReLU ist
  $\mathbb E[o_k^2] = \frac12\operatorname{Var}(\tilde s)$ (für symmetrisch um 0 verteilte $\tilde s$), also
  $v = 2/n$ (He). Für die Sigmoid-Funktion gilt keine der beiden Annahmen ($\sigma(0) = \frac12$,
  $\sigma'(0) = \frac14$). Wählen Sie ReLU und vergleichen Sie die
  drei Einstellungen der **Initialisierung**: Mit standardnormalverteilten Gewichten (Varianz 1)
  explodieren die Gradienten in allen Schichten (etwa $10^{26}$ bis $10^{27}$), mit Xavier/Glorot
  sind sie überall winzig (etwa $10^{-5}$), mit He liegen sie in allen Schichten zwischen etwa
  $0{,}3$ und $3$. Mit tanh hält Xavier/Glorot die Gradienten aller Schichten zwischen etwa $0{,}1$
  und $0{,}5$. Bei der Sigmoid-Funktion genügt Xavier/Glorot nicht: Der Gradient der ersten Schicht bleibt um
  viele Zehnerpotenzen kleiner als der der letzten. In der Kette aus
  einzelnen Neuronen ist jede ReLU aktiv, es gibt also nichts auszugleichen: Dort ist $|w| \approx 1$
  richtig, schon $w = 1{,}5$ lässt den Gradienten explodieren (etwa $10^{5}$), und bei der
  Sigmoid-Funktion helfen größere Gewichte allein nicht – mit den kleinen Biases der Ansicht werden die Summen $s_i$
  größer und $\sigma'(s_i)$ kleiner (mit $w = 4$ etwa $10^{-35}$). Mit passenden Biases schon: Mit
  $w_i = 4{,}2$ und $b_i = -2{,}1$ ist bei $x = 0{,}5$ jede Summe $s_i = 0$ (denn jedes
  $o_{i-1} = \frac12$), jeder Faktor $w_i\,\sigma'(s_i) = 4{,}2\cdot\frac14 = 1{,}05$, und
  $|\partial o_{30}/\partial w_1| = 0{,}5\cdot\frac14\cdot 1{,}05^{29} \approx 0{,}51$. Dafür müssen
  die Summen aber nahe 0 bleiben, und der Fixpunkt $o = \frac12$ der Abbildung $o_{i-1}\mapsto o_i$ ist instabil (Steigung $1{,}05 > 1$): Schon bei
  $x = 0{,}6$ fällt der Gradient auf etwa $0{,}04$, bei $x = 1$ auf etwa $6\cdot10^{-4}$. Für jede
  Eingabe hält erst die Normalisierung die Summen nahe 0.
* **Normalisierung** (Batch-Normalisierung) bringt jede Summe eines Neurons über die Beispiele des
  Mini-Batches auf Mittelwert 0 und Varianz 1, bevor die Aktivierungsfunktion wirkt – in den
  Bereich, in dem $\sigma'$ groß ist, und unabhängig von der Größe der Gewichte. Schalten Sie
  **Normalisierung** ein: Mit Sigmoid (Xavier/Glorot) liegen dann alle Schichten zwischen etwa
  $0{,}4$ und $2$, statt bis auf $10^{-19}$ zu fallen; mit ReLU und standardnormalverteilten
  Gewichten explodiert nichts mehr. Ganz gleich groß werden die Gradienten nicht (mit ReLU wachsen
  sie zu den frühen Schichten hin um etwa den Faktor 200). Die Normalisierung über die Neuronen
  einer Schicht („Layer Normalization“) wirkt ähnlich. In der Praxis folgt auf die Normalisierung
  $\hat s$ noch $\gamma\,\hat s + \beta$ mit zwei gelernten Parametern je Neuron: So kann das Netz
  Mittelwert und Streuung der Summen wieder anpassen, wenn das die Kosten senkt. Die Ansicht
  rechnet mit $\gamma = 1$, $\beta = 0$.
* **Gradient Clipping** begrenzt explodierende Gradienten: Ist die Norm des ganzen Gradienten (aller
  Schichten zusammen) größer als eine Schranke $c$, wird er auf die Norm $c$ herunterskaliert,
  $\mathbf g \leftarrow c\,\mathbf g/\lVert\mathbf g\rVert$. Schalten Sie es bei ReLU mit
  standardnormalverteilten Gewichten ein: Alle Schichten sinken um denselben Faktor, bis die Norm
  des ganzen Gradienten $c$ ist (gestrichelte Linie). Die Richtung bleibt, nur der Schritt wird
  begrenzt; das Verhältnis zwischen den Schichten ändert sich nicht. Gegen verschwindende
  Gradienten hilft es nicht: Es verkleinert den Gradienten nur und vergrößert ihn nie; bei der
  Sigmoid-Funktion bleiben die frühen Schichten winzig.""",
       en=r"""### Remedies (no points)

Besides changing the architecture (right after this), there are other approaches. Xavier/Glorot or He initialisation,
however, needs layers of many neurons, and normalisation needs a mini-batch; a chain of single
neurons with one example has nothing to average over. So the view above also shows a **wide
chain** below its diagram: $N$ layers of $n = 16$ neurons each without biases, $\mathbf o_j = \sigma(\mathbf o_{j-1}\mathbf W_j)$,
a mini-batch of 64 random inputs with random targets, and the cost
$J = \frac{1}{2\cdot 64}\sum_{k=1}^{64} \lVert \mathbf y_k - \mathbf o_{N,k}\rVert^2$. It shows, for
every layer $j$, the norm $\lVert\partial J/\partial\mathbf W_j\rVert$ of the gradient with respect
to its weight matrix: solid with the chosen settings, dotted for the same chain without
normalisation and clipping. The depth $N$ and the activation function $\sigma$ apply to both
chains. Try with $N = 30$:

* **ReLU instead of sigmoid.** Where the ReLU is active, $\operatorname{ReLU}' = 1$ instead of
  $\sigma' \le \frac14$. In the chain of single neurons: with ReLU and $w = 1$,
  $|\partial o_N/\partial w_1|$ stays between about $0.3$ and $0.6$ over all 30 layers; with sigmoid it falls to
  about $10^{-20}$. In the wide chain with Xavier/Glorot: with sigmoid the first layer gets
  about $10^{-19}$, the last one just under $1$.
* **Initialisation (Xavier/Glorot, He).** The initial weights are chosen so that signals forwards
  and gradients backwards keep their size from layer to layer on average: a weight variance of
  $1/n$ for $n$ inputs per neuron (Xavier/Glorot; in general $2/(n_\text{in} + n_\text{out})$) or
  $2/n$ (He, for ReLU). The derivation takes three lines: for $s = \sum_{k=1}^n w_k o_k$ with
  independent weights $w_k$ (mean 0, variance $v$), independent of the inputs $o_k$,
  $\operatorname{Var}(s) = n\,v\,\mathbb E[o_k^2]$. Xavier/Glorot assumes an activation function
  that acts like the identity around 0 (value 0 and slope 1 at 0, like tanh): then
  $\mathbb E[o_k^2] \approx \operatorname{Var}(\tilde s)$ for the sums $\tilde s$ of the previous layer, and
  $v = 1/n$ keeps the variance. For ReLU, $\mathbb E[o_k^2] = \frac12\operatorname{Var}(\tilde s)$ (for
  $\tilde s$ distributed symmetrically around 0), hence $v = 2/n$ (He). The sigmoid meets neither
  assumption ($\sigma(0) = \frac12$, $\sigma'(0) = \frac14$). Choose ReLU and compare the three settings of
  **initialisation**: with standard normal weights (variance 1) the gradients explode in every
  layer (about $10^{26}$ to $10^{27}$), with Xavier/Glorot they are tiny everywhere (about
  $10^{-5}$), with He every layer lies between about $0.3$ and $3$. With tanh, Xavier/Glorot keeps
  the gradients of all layers between about $0.1$ and $0.5$. For the sigmoid, Xavier/Glorot is not
  enough: the first layer's gradient stays many powers of ten below the last one's. In the chain of single neurons every ReLU is active, so there is nothing
  to make up for: there $|w| \approx 1$ is right, and even $w = 1.5$ makes the gradient explode
  (about $10^{5}$); for the sigmoid, larger weights alone do not help – with the view's small biases the sums
  $s_i$ grow and $\sigma'(s_i)$ shrinks (with $w = 4$ about $10^{-35}$). With matching biases they
  do: with $w_i = 4.2$ and $b_i = -2.1$ and $x = 0.5$, every sum is $s_i = 0$ (since every
  $o_{i-1} = \frac12$), every factor $w_i\,\sigma'(s_i) = 4.2\cdot\frac14 = 1.05$, and
  $|\partial o_{30}/\partial w_1| = 0.5\cdot\frac14\cdot 1.05^{29} \approx 0.51$. But this requires
  the sums to stay near 0, and the fixed point $o = \frac12$ of the map $o_{i-1}\mapsto o_i$ is unstable (slope $1.05 > 1$): already at $x = 0.6$ the
  gradient falls to about $0.04$, at $x = 1$ to about $6\cdot10^{-4}$. Only normalisation keeps
  the sums near 0 for every input.
* **Normalisation** (batch normalisation) brings every neuron's sum to mean 0 and variance 1 over
  the examples of the mini-batch before the activation function acts – into the range where
  $\sigma'$ is large, and independent of the size of the weights. Switch on **normalisation**:
  with sigmoid (Xavier/Glorot) every layer then lies between about $0.4$ and $2$ instead of falling
  to $10^{-19}$; with ReLU and standard normal weights nothing explodes any more. The gradients do
  not become equal (with ReLU they grow by a factor of about 200 towards the early layers).
  Normalising over the neurons of a layer (layer normalisation) works similarly. In practice,
  the normalised sum $\hat s$ is followed by $\gamma\,\hat s + \beta$ with two learned parameters
  per neuron: so the network can readjust the mean and spread of the sums when that lowers the
  cost. The view uses $\gamma = 1$, $\beta = 0$.
* **Gradient clipping** limits exploding gradients: if the norm of the whole gradient (all layers
  together) exceeds a bound $c$, it is scaled down to norm $c$,
  $\mathbf g \leftarrow c\,\mathbf g/\lVert\mathbf g\rVert$. Switch it on for ReLU with standard
  normal weights: every layer drops by the same factor until the norm of the whole gradient is
  $c$ (dashed line). The direction stays, only the step is limited; the ratio between the layers
  does not change. It does not help against vanishing gradients: it only ever shrinks the
  gradient, never enlarges it; for the sigmoid the early layers stay tiny."""),
    md(de=r"""### Die Skip-Verbindung

Wir ändern nun die Architektur und führen eine sogenannte **Skip-Verbindung** ein, die die
Schichten 2 bis $N-1$ überspringt: Die Ausgabe $o_1$ der ersten Schicht wird zusätzlich direkt in
die letzte Schicht geleitet. Wie in ResNets wird sie dort **ungewichtet (mit Gewicht 1) zur Summe
$s_N$ addiert**, also vor der Aktivierungsfunktion. (Andere Varianten – ein eigenes Gewicht für die
Skip-Verbindung oder die Addition nach $\sigma$ – sind auch üblich; bewertet wird die hier
beschriebene.)""",
       en=r"""### The skip connection

We now change the architecture by introducing a so-called **skip connection** that skips layers 2
to $N-1$: the output $o_1$ of the first layer is also fed directly into the last layer. As in
ResNets, it is **added to the sum $s_N$ without a weight (with weight 1)**, i.e. before the
activation function. (Other variants – a weight of its own for the skip connection, or adding
after $\sigma$ – are common too; the one described here is graded.)"""),
    md(de=r"""**Aufgabe 2c (1 Punkt).** Passen Sie die Formeln (1) und (2) für $i = N$ an die geänderte Architektur
an.

Für die Bewertung: Geben Sie für $N = 4$ die Ausgabe $o_4$ als **einen** Ausdruck in $o_3$, $o_1$,
$w_4$, $b_4$ an (Formel (1) in Formel (2) eingesetzt), z. B. in der Form
`"sigma(...)"`.""",
       en=r"""**Exercise 2c (1 point).** Adapt formulas (1) and (2) for $i = N$ to the changed architecture.

For grading: for $N = 4$, give the output $o_4$ as **one** expression in $o_3$, $o_1$, $w_4$, $b_4$
(formula (1) substituted into formula (2)), e.g. in the form `"sigma(...)"`."""),
    exercise(EX_2C, points=1, form='"..."', solution='answer_2c = "sigma(w4 * o3 + b4 + o1)"'),
    md(de=r"""**Aufgabe 2d (2 Punkte).** Bestimmen Sie $\dfrac{\partial o_N}{\partial w_1}$ für die geänderte
Architektur. Beachten Sie: $s_N$ hängt jetzt auf zwei Wegen von $o_1$ ab.

* **(d1, 1 Punkt)** die Formel für $N = 4$ als Text (Schreibweisen wie in (a1); $s_4$ ist das neue
  $s_4$ aus (c));
* **(d2, 1 Punkt)** die Funktion `do_dw1_skip(x, w, b, act)` für beliebiges $N\ge 3$ (Argumente wie
  bei `do_dw1`).""",
       en=r"""**Exercise 2d (2 points).** Determine $\dfrac{\partial o_N}{\partial w_1}$ for the changed
architecture. Note: $s_N$ now depends on $o_1$ along two paths.

* **(d1, 1 point)** the formula for $N = 4$ as text (notation as in (a1); $s_4$ is the new $s_4$
  from (c));
* **(d2, 1 point)** the function `do_dw1_skip(x, w, b, act)` for any $N\ge 3$ (arguments as for
  `do_dw1`)."""),
    exercise(EX_2D_FORMULA, points=1, form='"..."',
             solution="answer_2d = \"x * sigma'(s1) * sigma'(s4) * (1 + w4 * w3 * sigma'(s3) * w2 * sigma'(s2))\""),
    exercise(EX_2D_FUNCTION, points=1, solution='''def do_dw1_skip(x, w, b, act):
    """d o_N / d w_1 of the chain with the skip connection from layer 1 to layer N (N >= 3)."""
    ### BEGIN SOLUTION
    N = len(w)
    s = np.zeros(N)
    o = x
    for i in range(N):
        s[i] = w[i] * o + b[i]
        if i == N - 1:
            s[i] += o1          # the skip connection
        o = act.fn(s[i])
        if i == 0:
            o1 = o
    d = act.grad(s)
    long_path = w[N - 1] * np.prod(w[1:N - 1] * d[1:N - 1])
    return x * d[0] * d[N - 1] * (1 + long_path)
    ### END SOLUTION'''),
    md(de=r"""### Ausprobieren: mit Skip-Verbindung

Vergleichen Sie in der Ansicht die blaue Kurve (ohne) mit der orangen (mit Skip-Verbindung
$1\to N$), für Sigmoid mit $w = 1$ und für die Identität mit $w = 1{,}3$. Schalten Sie die
Skip-Verbindung im Diagramm ein und vergleichen Sie $\partial o_N/\partial w_1$ und
$\partial o_N/\partial w_2$.""",
       en=r"""### Try it: with the skip connection

In the view, compare the blue curve (without) with the orange one (with the skip connection
$1\to N$), for sigmoid with $w = 1$ and for the identity with $w = 1.3$. Switch the skip connection
on in the diagram and compare $\partial o_N/\partial w_1$ with $\partial o_N/\partial w_2$."""),
    code("""VanishingView(depth=5, scale=1.0, activation="sigmoid")"""),
    manual("u5_2e", 1,
           de=r"""**Aufgabe 2e (1 Punkt, manuell bewertet).** Wie wirkt sich die Skip-Verbindung auf das Problem der verschwindenden
bzw. explodierenden Gradienten aus?""",
           en=r"""**Exercise 2e (1 point, graded by hand).** How does the skip connection affect the problem of vanishing and
exploding gradients?""",
           solution_de=r"""Nach (d) ist $\frac{\partial o_N}{\partial w_1} = x\,\sigma'(s_1)\,\sigma'(s_N)
+ x\,\sigma'(s_1)\,\sigma'(s_N)\,w_N\prod_{i=2}^{N-1} w_i\,\sigma'(s_i)$. Der erste Summand gehört
zum kurzen Weg über die Skip-Verbindung: Er enthält unabhängig von $N$ nur zwei Faktoren $\sigma'$
und kein Produkt über die Zwischenschichten. Selbst wenn der zweite Summand (der lange Weg)
exponentiell verschwindet, bleibt der Gradient nach $w_1$ also in der Größenordnung
$|x\,\sigma'(s_1)\,\sigma'(s_N)|$ – das Verschwinden wird für $w_1$ behoben. Gegen explodierende
Gradienten hilft die Skip-Verbindung nicht: Der lange Weg ist weiterhin da und wächst
exponentiell, wenn seine Faktoren betragsmäßig größer als 1 sind. Außerdem profitiert nur die erste Schicht ($w_1$ und
ebenso $b_1$); die Gewichte $w_2,\dots,w_{N-1}$ der übersprungenen Schichten haben keinen kurzen
Weg.""",
           solution_en=r"""By (d), $\frac{\partial o_N}{\partial w_1} = x\,\sigma'(s_1)\,\sigma'(s_N)
+ x\,\sigma'(s_1)\,\sigma'(s_N)\,w_N\prod_{i=2}^{N-1} w_i\,\sigma'(s_i)$. The first term belongs to
the short path through the skip connection: independent of $N$ it contains only two factors
$\sigma'$ and no product over the intermediate layers. Even when the second term (the long path)
vanishes exponentially, the gradient with respect to $w_1$ stays of the order of
$|x\,\sigma'(s_1)\,\sigma'(s_N)|$ – vanishing is fixed for $w_1$. Against exploding gradients the
skip connection does not help: the long path is still there and grows exponentially when its
factors exceed 1 in absolute value. Moreover only the first layer benefits ($w_1$ and $b_1$ alike); the weights
$w_2,\dots,w_{N-1}$ of the skipped layers have no short path."""),
    manual("u5_2f", 2,
           de=r"""**Aufgabe 2f (2 Punkte, manuell bewertet).** Wie lässt sich die Architektur des Netzes anpassen, sodass auch die
Schicht $f_j$ (für $j > 1$, aber klein) günstigere Gradienten bekommt? Begründen Sie mit der
Kettenregel.""",
           en=r"""**Exercise 2f (2 points, graded by hand).** How can the network architecture be adapted so that layer $f_j$
(for $j > 1$ but small) gets better gradients too? Justify with the chain rule.""",
           solution_de=r"""Die Schicht $f_j$ braucht ebenfalls einen kurzen Weg zur Ausgabe.
(1) Eine Skip-Verbindung von $o_j$ direkt in $s_N$ – für alle $j$ zugleich also Skip-Verbindungen
von jeder Schicht zur Ausgabe (ähnlich DenseNets, in denen jede Schicht die Ausgaben aller früheren
erhält). Dann enthält $\partial o_N/\partial w_j$ den Summanden
$o_{j-1}\,\sigma'(s_j)\,\sigma'(s_N)$ mit nur zwei Faktoren $\sigma'$, unabhängig von $N - j$.
(2) Residualverbindungen um jede Schicht, $o_i = \sigma(s_i) + o_{i-1}$ (wie in ResNets): Dann ist
$\frac{\partial o_i}{\partial o_{i-1}} = 1 + w_i\,\sigma'(s_i)$. Solange $w_i\,\sigma'(s_i) \ge 0$
ist (wie hier mit positiven Gewichten), ist jeder Faktor $\ge 1$, und das Produkt kann nicht
verschwinden (bei großen $w_i\sigma'(s_i)$ kann es allerdings wachsen). In der Abbildung fällt der
relative Gradient ohne Skip-Verbindung für $j = 1$
auf etwa $5\cdot10^{-8}$; die eine Skip-Verbindung $1\to N$ hilft nur $w_1$; mit Skip-Verbindungen
von jeder Schicht bleiben alle Schichten in derselben Größenordnung wie die letzte. Mit
Residualverbindungen liegen die frühen Schichten um viele Zehnerpotenzen höher als ohne; dass die
Kurve zu den späteren Schichten hin fällt, ist kein Effekt des Produkts, sondern Sättigung: Die
Summe $o_i$ wächst mit $i$, damit wird $s_i$ groß und der lokale Faktor $\sigma'(s_i)$ klein (in der
Praxis helfen hier zentrierte Aktivierungsfunktionen und Normalisierung).""",
           solution_en=r"""Layer $f_j$ needs a short path to the output as well. (1) A skip connection
from $o_j$ directly into $s_N$ – for all $j$ at once, skip connections from every layer to the
output (similar to DenseNets, in which every layer receives the outputs of all earlier ones). Then
$\partial o_N/\partial w_j$ contains the term $o_{j-1}\,\sigma'(s_j)\,\sigma'(s_N)$ with only two
factors $\sigma'$, independent of $N - j$. (2) Residual connections around every layer,
$o_i = \sigma(s_i) + o_{i-1}$ (as in ResNets): then $\frac{\partial o_i}{\partial o_{i-1}} =
1 + w_i\,\sigma'(s_i)$. As long as $w_i\,\sigma'(s_i) \ge 0$ (as here, with positive weights),
every factor is $\ge 1$, and the product cannot vanish (it can grow, though, for large
$w_i\sigma'(s_i)$). In the figure, the relative gradient without
skip connection falls to about $5\cdot10^{-8}$ for $j = 1$; the single skip connection $1\to N$
helps only $w_1$; with skip connections from every layer all layers stay of the same order as the
last one. With residual connections the early layers are many powers of ten higher than without;
that the curve falls towards the later layers is not an effect of the product but saturation: the
sum $o_i$ grows with $i$, so $s_i$ becomes large and the local factor $\sigma'(s_i)$ small (in
practice, zero-centred activation functions and normalisation help here)."""),
    md(de=r"""### Mehr Skip-Verbindungen

Die Abbildung vergleicht für eine Kette mit $N = 12$ Schichten (Sigmoid, $w = 1$) vier
Architekturen, berechnet mit der Backpropagation von nnkit:

1. ohne Skip-Verbindung,
2. mit der einen Skip-Verbindung $1\to N$ aus (c),
3. mit Skip-Verbindungen von *jeder* Schicht $j = 1,\dots,N-2$ in die Summe $s_N$,
4. mit Residualverbindungen um jede Zwischenschicht: $o_i = \sigma(s_i) + o_{i-1}$ für
   $i = 2,\dots,N-1$.

Aufgetragen ist $|\partial o_N/\partial w_j|$ **relativ zur letzten Schicht**, also geteilt durch
$|\partial o_N/\partial w_N|$: Wie viel schwächer als die letzte Schicht lernt Schicht $j$? Ein
kleiner Wert bei Schicht $j$ kann heißen, dass Schicht $j$ schwach lernt – oder dass die letzte
Schicht besonders stark lernt; die Residualverbindungen sehen wir uns im nächsten Abschnitt genauer
an.""",
       en=r"""### More skip connections

The figure compares four architectures for a chain with $N = 12$ layers (sigmoid, $w = 1$),
computed with nnkit's backpropagation:

1. without skip connection,
2. with the single skip connection $1\to N$ from (c),
3. with skip connections from *every* layer $j = 1,\dots,N-2$ into the sum $s_N$,
4. with residual connections around every intermediate layer: $o_i = \sigma(s_i) + o_{i-1}$ for
   $i = 2,\dots,N-1$.

It shows $|\partial o_N/\partial w_j|$ **relative to the last layer**, i.e. divided by
$|\partial o_N/\partial w_N|$: how much weaker than the last layer does layer $j$ learn? A
small value at layer $j$ can mean that layer $j$ learns weakly – or that the last layer learns
particularly strongly; we look at the residual connections more closely in the next section."""),
    code("""from workbook.views.vanishing import architecture_figure

architecture_figure(N=12, activation="sigmoid", scale=1.0)"""),
    md(de=r"""### Warum Residualblöcke helfen – und was die Abbildung außerdem zeigt

In einem Residualblock $o_i = \sigma(s_i) + o_{i-1}$ mit $s_i = w_i\,o_{i-1} + b_i$ gilt nach der
Kettenregel

$$\frac{\partial o_i}{\partial o_{i-1}} = 1 + w_i\,\sigma'(s_i).$$

Die 1 kommt vom **Identitätspfad** (He et al., 2016): Der Gradient läuft unverändert an der
Schicht vorbei. Sind die $w_i\,\sigma'(s_i)$ klein, liegt jeder Faktor nahe bei 1, und das
Produkt verschwindet nicht exponentiell wie $\prod_i w_i\,\sigma'(s_i)$; mit
$w_i\,\sigma'(s_i) \ge 0$ (wie hier mit positiven Gewichten) ist jeder Faktor sogar mindestens 1.
Deshalb erhält
in dieser Kette die erste Schicht mit Residualverbindungen absolut etwa $5{,}6\cdot10^{-5}$
statt $7{,}3\cdot10^{-9}$ (in der Abbildung, relativ zur letzten Schicht, etwa
$1{,}6\cdot10^{-2}$ statt $5\cdot10^{-8}$).

Der Gradient nach $w_j$ enthält aber außerdem den Faktor $o_{j-1}\,\sigma'(s_j)$ der Schicht $j$
selbst. In dieser Kette ohne Normalisierung addiert jeder Block einen Wert zwischen 0 und 1 zu
$o_{i-1}$: $o_i$ wächst bis auf etwa 9,7, die Summen $s_i$ ebenso, und $\sigma'(s_i)$ fällt bis auf
etwa $6\cdot10^{-5}$ – die Sigmoid-Funktion ist gesättigt. Deshalb lernen die späten Schichten 10
und 11 hier sogar schwächer als ohne Residualverbindungen (relativ zur letzten Schicht etwa
$6\cdot10^{-5}$ und $4\cdot10^{-5}$ statt $0{,}04$ und $0{,}19$). In ResNets verhindert das eine
Normalisierung in jedem Block (Batch-Normalisierung vor der Aktivierungsfunktion): Sie hält die
Summen unabhängig von der Größe von $o_{i-1}$ in dem Bereich, in dem $\sigma'$ groß ist, und vom
Residualblock bleibt der Vorteil des Identitätspfads.""",
       en=r"""### Why residual blocks help – and what else the figure shows

In a residual block $o_i = \sigma(s_i) + o_{i-1}$ with $s_i = w_i\,o_{i-1} + b_i$, the chain rule
gives

$$\frac{\partial o_i}{\partial o_{i-1}} = 1 + w_i\,\sigma'(s_i).$$

The 1 comes from the **identity path** (He et al., 2016): the gradient passes the layer
unchanged. If the $w_i\,\sigma'(s_i)$ are small, every factor is close to 1, and the product
does not vanish exponentially like $\prod_i w_i\,\sigma'(s_i)$; with $w_i\,\sigma'(s_i) \ge 0$ (as
here, with positive weights) every factor is even at least 1. That is why, in
this chain, the first layer with residual connections gets about $5.6\cdot10^{-5}$ in absolute
terms instead of $7.3\cdot10^{-9}$ (in the figure, relative to the last layer, about
$1.6\cdot10^{-2}$ instead of $5\cdot10^{-8}$).

The gradient with respect to $w_j$, however, also contains the factor $o_{j-1}\,\sigma'(s_j)$ of
layer $j$ itself. In this chain without normalisation every block adds a value between 0 and 1 to
$o_{i-1}$: $o_i$ grows to about 9.7, so do the sums $s_i$, and $\sigma'(s_i)$ falls to about
$6\cdot10^{-5}$ – the sigmoid saturates. That is why the late layers 10 and 11 learn even more
weakly here than without residual connections (relative to the last layer about
$6\cdot10^{-5}$ and $4\cdot10^{-5}$ instead of $0.04$ and $0.19$). In ResNets a normalisation in
every block (batch normalisation before the activation function) prevents this: it keeps the sums
in the range where $\sigma'$ is large, whatever the size of $o_{i-1}$, and what remains of the
residual block is the benefit of the identity path."""),
    md(de=r"""## Zusammenfassung

* Partielle Ableitungen einer Schicht bestimmt man komponentenweise: jede Komponente als Summe
  ausschreiben; wo eine Komponente von einer Variablen gar nicht abhängt, erledigt ein
  Kronecker-Delta die Fallunterscheidung. Eine Aktivierungsfunktion fügt nach der Kettenregel den
  Faktor $\sigma'$ an der Stelle $(\mathbf W\mathbf x+\mathbf b)_i$ hinzu.
* In einer Kette ist der Gradient nach einem frühen Gewicht ein Produkt aus einem Faktor
  $w_i\,\sigma'(s_i)$ pro Schicht: verschwindende Gradienten bei Faktoren, die betragsmäßig
  kleiner als 1 sind, explodierende bei Faktoren, die betragsmäßig größer als 1 sind.
* Skip-Verbindungen schaffen kurze Wege mit wenigen Faktoren. Sie verhindern das Verschwinden,
  nicht aber das Explodieren des langen Weges.
* Weitere Abhilfen: ReLU statt Sigmoid ($\operatorname{ReLU}' = 1$ statt $\sigma' \le \frac14$),
  eine Initialisierung mit der Varianz $1/n$ (Xavier/Glorot) bzw. $2/n$ (He, für ReLU), die
  Normalisierung der Summen über den Mini-Batch und gegen explodierende Gradienten das Gradient
  Clipping, das nur die Länge des Schritts begrenzt.""",
       en=r"""## Summary

* Partial derivatives of a layer are found component by component: write every component out as a
  sum; where a component does not depend on a variable at all, a Kronecker delta takes care of
  the case distinction. By the chain rule, an activation function adds the factor $\sigma'$ at
  $(\mathbf W\mathbf x+\mathbf b)_i$.
* In a chain, the gradient with respect to an early weight is a product with one factor
  $w_i\,\sigma'(s_i)$ per layer: vanishing gradients for factors below 1 in absolute value,
  exploding ones for factors above 1 in absolute value.
* Skip connections open short paths with few factors. They prevent vanishing, but not the
  explosion of the long path.
* Further remedies: ReLU instead of sigmoid ($\operatorname{ReLU}' = 1$ instead of
  $\sigma' \le \frac14$), an initialisation with variance $1/n$ (Xavier/Glorot) or $2/n$ (He, for
  ReLU), normalising the sums over the mini-batch, and against exploding gradients gradient
  clipping, which only limits the length of the step."""),
]
