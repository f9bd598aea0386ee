r"""Unit 1: ReLU and the chain rule ("Schnellübung", seed 000).

Mini network: $z = w_1 x_1 + w_2 x_2$, $y = \mathrm{ReLU}(z)$, cost $= y$.

Sub-question -> grade id (points):
  a) ReLU'(z)                          u1_relu_grad (2)
  b) dz/dw2                            u1_dz_dw2 (1)
  c) dy/dw2 by the chain rule          u1_dy_dw2 (2)
     current state 1: z, dy/dw2        u1_z_cs1 (1), u1_dy_dw2_cs1 (1)
     current state 2: z, dy/dw2        u1_z_cs2 (1), u1_dy_dw2_cs2 (1)
     the update rule w2 <- w2 - eta dcost/dw2 in state 2    u1_w2_next_cs2 (1)
  d) what happens to w2?               u1_dead_choice (1) + u1_dead_explain (2, manual)
Total: 13 points.
"""

import numpy as np
import sympy as sp

from nnkit.activations import get_activation
from workbook.exercise import Exercise, Mistake, hint
from workbook.reference.relu_neuron import STATES, mini_network
from workbook.source import Unit, code, exercise, manual, md

UNIT = Unit(
    number=1,
    title={"de": "ReLU und Kettenregel", "en": "ReLU and the chain rule"},
    filename={"de": "1_relu_kettenregel", "en": "1_relu_chain_rule"},
    summary={"de": "Die Ableitung von ReLU, die Kettenregel an einem Neuron mit zwei Eingaben und "
                   "tote Neuronen",
             "en": "The derivative of ReLU, the chain rule for a neuron with two inputs, and dead "
                   "neurons"},
)

ETA = 0.01  #: the learning rate of the update exercise


# ====================================================================== references (nnkit)

def _relu_grad(z):
    """nnkit's ReLU'(z): 1 for z > 0, else 0 (ReLU'(0) = 0)."""
    return get_activation("relu").grad(np.asarray(z, dtype=float))


def _dy_dw2(w1, w2, x1, x2):
    r"""$\partial y/\partial w_2$ from nnkit's backpropagation through the mini network,
    started with the upstream gradient $\partial y/\partial y = 1$."""
    net = mini_network(w1, w2)
    _, grads = net.loss_and_grads(np.array([[x1, x2]], dtype=float), dout=1.0)
    return float(grads["W1"][1, 0])


def _z(state):
    s = STATES[state]
    return s["w1"] * s["x1"] + s["w2"] * s["x2"]


def _symbols():
    return {name: sp.Symbol(name) for name in ("w1", "w2", "x1", "x2")}


def _s(name):
    return sp.Symbol(name)


# ====================================================================== cases

def _relu_grad_cases(rng, hidden):
    """Arrays of z, always with z = 0 exactly (the point of the exercise); hidden: tiny values
    on both sides of 0, -0.0, a 2-D array and fresh random values."""
    cases = [(np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), (rng.normal(0, 3, 7),)]
    if hidden:
        cases += [
            (np.array([1e-12, -1e-12, 0.0, -0.0, 5e-324, -5e-324]),),
            (np.concatenate([rng.normal(0, 1e-6, 6), [0.0]]),),
            (rng.normal(0, 2, (3, 4)),),
        ]
    return cases


def _dy_dw2_cases(rng, hidden):
    """(w1, w2, x1, x2) with z < 0, z > 0 (with x2 < 0 and x2 > 0: max(x2, 0) is wrong) and
    z = 0 exactly (w2 = -w1, x2 = x1). At z = 0 the products are exact in floating point
    (w = k/16, x = m/4), so z = w1 x1 + w2 x2 is 0 however it is computed: with random w and x, a
    dot product with fused multiply-add (OpenBLAS on AVX-512) gives 1e-16, not 0."""
    def state(sign, x2_sign=None):
        while True:
            w1, w2 = rng.uniform(-1, 1, 2)
            x1, x2 = rng.uniform(-20, 20, 2)
            if np.sign(w1 * x1 + w2 * x2) == sign and x2_sign in (None, np.sign(x2)):
                return (float(w1), float(w2), float(x1), float(x2))

    w, x = int(rng.integers(2, 17)) / 16, int(rng.integers(4, 81)) / 4
    cases = [state(-1), state(1, -1), (w, -w, x, x)]
    if hidden:
        cases += [state(-1), state(1, 1), state(1, -1), (0.1, -0.1, 1.0, 20.0),
                  (0.1, -0.1, 20.0, 10.0),
                  (-w, w, x, x), (0.0, 0.0, x, -x)]
    return cases


# ====================================================================== exercises

def _relu_grad_at_zero_is_one(z):
    return (np.asarray(z, dtype=float) >= 0).astype(float)


RELU_GRAD = Exercise(
    id="u1_relu_grad", answer="relu_grad", kind="function", expected=_relu_grad,
    cases=_relu_grad_cases,
    mistakes=[
        Mistake("relu_prime_zero_is_one", _relu_grad_at_zero_is_one, hint(
            de="Fast richtig, aber an der Stelle z = 0 stimmt der Wert nicht. Lesen Sie die "
               "Konvention an der Knickstelle noch einmal: Welche Steigung gilt bei z = 0?",
            en="Almost right, but the value at z = 0 is wrong. Read the convention at the kink "
               "again: which slope applies at z = 0?")),
        Mistake("relu_instead_of_grad", lambda z: np.maximum(np.asarray(z, dtype=float), 0.0),
                hint(de="Ihre Funktion gibt ReLU(z) selbst zurück, nicht die Ableitung. Welche "
                         "Steigung hat die Gerade y = z?",
                      en="Your function returns ReLU(z) itself, not its derivative. What is the "
                         "slope of the line y = z?")),
        Mistake("cases_swapped", lambda z: (np.asarray(z, dtype=float) <= 0).astype(float), hint(
            de="Die beiden Fälle sind vertauscht. Auf welcher Seite ist ReLU konstant?",
            en="The two cases are swapped. On which side is ReLU constant?")),
    ],
)

DZ_DW2 = Exercise(
    id="u1_dz_dw2", answer="dz_dw2", kind="expression", expected=lambda: _s("x2"),
    symbols=_symbols,
    mistakes=[
        Mistake("weight", lambda: _s("w2"), hint(
            de="Sie haben die Variable angegeben, nach der abgeleitet wird. Betrachten Sie "
               "w₂ · x₂ als c · w₂ mit einer Konstanten c: Was ist die Ableitung nach w₂?",
            en="You gave the variable we differentiate by. Think of w₂ · x₂ as c · w₂ with a "
               "constant c: what is its derivative with respect to w₂?")),
        Mistake("wrong_input", lambda: _s("x1"), hint(
            de="x₁ gehört zu w₁. Welcher Summand von z enthält w₂?",
            en="x₁ belongs to w₁. Which term of z contains w₂?")),
        Mistake("z_itself", lambda: _s("w1") * _s("x1") + _s("w2") * _s("x2"), hint(
            de="Das ist z selbst, nicht seine Ableitung. Bei der partiellen Ableitung nach w₂ "
               "sind w₁, x₁ und x₂ Konstanten.",
            en="This is z itself, not its derivative. In the partial derivative with respect "
               "to w₂, w₁, x₁ and x₂ are constants.")),
        Mistake("term_kept", lambda: _s("w2") * _s("x2"), hint(
            de="Sie haben den Summanden w₂ · x₂ abgeschrieben, aber noch nicht abgeleitet.",
            en="You copied the term w₂ · x₂ but did not differentiate it yet.")),
    ],
)


def _dy_dw2_zero_is_one(w1, w2, x1, x2):
    return x2 if w1 * x1 + w2 * x2 >= 0 else 0.0


DY_DW2 = Exercise(
    id="u1_dy_dw2", answer="dy_dw2", kind="function", expected=_dy_dw2, cases=_dy_dw2_cases,
    mistakes=[
        Mistake("relu_prime_zero_is_one", _dy_dw2_zero_is_one, hint(
            de="Für z < 0 und z > 0 stimmt Ihre Funktion, aber nicht für z = 0 (genau). "
               "Welchen Wert hat ∂y/∂z bei z = 0 nach Teil a)?",
            en="Your function is right for z < 0 and z > 0, but not for z = 0 (exactly). "
               "What is ∂y/∂z at z = 0 according to part a)?")),
        Mistake("no_relu_factor", lambda w1, w2, x1, x2: x2, hint(
            de="Ihnen fehlt ein Faktor der Kettenregel: ∂y/∂w₂ = ∂y/∂z · ∂z/∂w₂. Hängt Ihr "
               "Ergebnis vom Vorzeichen von z ab?",
            en="A factor of the chain rule is missing: ∂y/∂w₂ = ∂y/∂z · ∂z/∂w₂. Does your "
               "result depend on the sign of z?")),
        Mistake("only_relu_factor", lambda w1, w2, x1, x2: float(w1 * x1 + w2 * x2 > 0), hint(
            de="Sie haben nur ∂y/∂z berechnet. Die Kettenregel braucht noch den zweiten "
               "Faktor ∂z/∂w₂ aus Teil b).",
            en="You computed ∂y/∂z only. The chain rule needs the second factor ∂z/∂w₂ "
               "from part b).")),
        Mistake("weight", lambda w1, w2, x1, x2: w2 if w1 * x1 + w2 * x2 > 0 else 0.0, hint(
            de="Der Fall z ≤ 0 stimmt. Für z > 0 prüfen Sie ∂z/∂w₂ aus Teil b).",
            en="The case z ≤ 0 is right. For z > 0, check ∂z/∂w₂ from part b).")),
    ],
)

_PAIRING = hint(
    de="Jedes Gewicht gehört zu seiner Eingabe: w₁ zu x₁, w₂ zu x₂.",
    en="Every weight belongs to its own input: w₁ to x₁, w₂ to x₂.")
_SIGN = hint(
    de="Achten Sie auf das Vorzeichen von w₂.",
    en="Watch the sign of w₂.")

Z_CS1 = Exercise(
    id="u1_z_cs1", answer="z_cs1", kind="value", expected=lambda: _z(1),
    mistakes=[
        Mistake("pairing", lambda: 0.1 * 20 - 0.1 * 1, _PAIRING),
        Mistake("sign_w2", lambda: 0.1 * 1 + 0.1 * 20, _SIGN),
        Mistake("relu_applied", lambda: 0.0, hint(
            de="Das ist y = ReLU(z). Gefragt ist z, also die Eingabe der Aktivierungsfunktion.",
            en="This is y = ReLU(z). The question asks for z, the input of the activation.")),
    ],
)
DY_DW2_CS1 = Exercise(
    id="u1_dy_dw2_cs1", answer="dy_dw2_cs1", kind="value",
    expected=lambda: _dy_dw2(**STATES[1]),
    mistakes=[
        Mistake("no_relu_factor", lambda: 20.0, hint(
            de="Das ist ∂z/∂w₂. Welchen Wert hat ∂y/∂z in diesem Zustand?",
            en="This is ∂z/∂w₂. What is ∂y/∂z in this state?")),
        Mistake("weight", lambda: -0.1, hint(
            de="Das ist w₂ selbst. Setzen Sie den Zustand in die Formel aus Teil c) ein.",
            en="This is w₂ itself. Put the state into the formula of part c).")),
    ],
)
Z_CS2 = Exercise(
    id="u1_z_cs2", answer="z_cs2", kind="value", expected=lambda: _z(2),
    mistakes=[
        Mistake("pairing", lambda: 0.1 * 10 - 0.1 * 20, _PAIRING),
        Mistake("sign_w2", lambda: 0.1 * 20 + 0.1 * 10, _SIGN),
    ],
)
DY_DW2_CS2 = Exercise(
    id="u1_dy_dw2_cs2", answer="dy_dw2_cs2", kind="value",
    expected=lambda: _dy_dw2(**STATES[2]),
    mistakes=[
        Mistake("only_relu_factor", lambda: 1.0, hint(
            de="Das ist nur ∂y/∂z. Es fehlt der Faktor ∂z/∂w₂.",
            en="This is ∂y/∂z only. The factor ∂z/∂w₂ is missing.")),
        Mistake("wrong_input", lambda: 20.0, hint(
            de="Das ist x₁. Nach Teil b) hängt ∂z/∂w₂ von einer anderen Eingabe ab.",
            en="This is x₁. By part b), ∂z/∂w₂ depends on another input.")),
        Mistake("dead", lambda: 0.0, hint(
            de="Berechnen Sie zuerst z in diesem Zustand. Ist z ≤ 0?",
            en="Compute z in this state first. Is z ≤ 0?")),
        Mistake("weight", lambda: -0.1, hint(
            de="Das ist w₂ selbst, nicht die Ableitung nach w₂.",
            en="This is w₂ itself, not the derivative with respect to w₂.")),
    ],
)
W2_NEXT_CS2 = Exercise(
    id="u1_w2_next_cs2", answer="w2_next_cs2", kind="value",
    expected=lambda: STATES[2]["w2"] - ETA * _dy_dw2(**STATES[2]),
    mistakes=[
        Mistake("plus", lambda: STATES[2]["w2"] + ETA * 10.0, hint(
            de="Prüfen Sie das Vorzeichen: Der Gradientenabstieg geht gegen den Gradienten.",
            en="Check the sign: gradient descent steps against the gradient.")),
        Mistake("no_epsilon", lambda: STATES[2]["w2"] - 10.0, hint(
            de="Die Lernrate η fehlt in Ihrem Schritt.",
            en="The learning rate η is missing from your step.")),
        Mistake("unchanged", lambda: STATES[2]["w2"], hint(
            de="In diesem Zustand ist der Gradient nicht null, also ändert sich w₂.",
            en="In this state the gradient is not zero, so w₂ changes.")),
    ],
)

DEAD_CHOICE = Exercise(
    id="u1_dead_choice", answer="w2_fate", kind="choice", expected="unchanged",
    options={
        "grows": {"de": "w₂ wird mit jedem Schritt größer.", "en": "w₂ grows with every step."},
        "shrinks": {"de": "w₂ wird mit jedem Schritt kleiner.",
                    "en": "w₂ shrinks with every step."},
        "unchanged": {"de": "w₂ ändert sich nicht.", "en": "w₂ does not change."},
        "zero": {"de": "w₂ wird auf 0 gesetzt.", "en": "w₂ is set to 0."},
    },
    mistakes=[
        Mistake("zero", "zero", hint(
            de="Der Gradient ist 0, nicht das Gewicht. Setzen Sie ∂J/∂w₂ = 0 in die "
               "Aktualisierungsregel ein.",
            en="The gradient is 0, not the weight. Put ∂J/∂w₂ = 0 into the update rule.")),
        Mistake("shrinks", "shrinks", hint(
            de="Welchen Schritt −η · ∂J/∂w₂ macht w₂, wenn der Gradient 0 ist?",
            en="Which step −η · ∂J/∂w₂ does w₂ take when the gradient is 0?")),
        Mistake("grows", "grows", hint(
            de="Welchen Schritt −η · ∂J/∂w₂ macht w₂, wenn der Gradient 0 ist?",
            en="Which step −η · ∂J/∂w₂ does w₂ take when the gradient is 0?")),
    ],
)

EXERCISES = [RELU_GRAD, DZ_DW2, DY_DW2, Z_CS1, DY_DW2_CS1, Z_CS2, DY_DW2_CS2, W2_NEXT_CS2,
             DEAD_CHOICE]


# ====================================================================== cells

CELLS = [
    md(de=r"""# Einheit 1: ReLU und Kettenregel

Ein neuronales Netz lernt, indem es seine Gewichte ein kleines Stück gegen den Gradienten der
Kostenfunktion verschiebt. Dafür braucht es für jedes Gewicht die partielle Ableitung der Kosten –
und diese liefert die **Kettenregel**, Schicht für Schicht. In dieser Einheit rechnen Sie das
an dem kleinsten Netz durch, das es gibt: ein Neuron mit zwei Eingaben und der Aktivierungsfunktion
ReLU. Am Ende sehen Sie, warum ein ReLU-Neuron „sterben“ kann.

**Lernziele.** Sie können
- die Ableitung von ReLU angeben und die Konvention an der Knickstelle begründen,
- die Kettenregel für $\partial y/\partial w_2$ anwenden und für konkrete Zahlen auswerten,
- erklären, was mit einem Gewicht passiert, dessen Gradient für alle Daten 0 ist (tote Neuronen).
""", en=r"""# Unit 1: ReLU and the chain rule

A neural network learns by moving its weights a small step against the gradient of the cost
function. For that it needs the partial derivative of the cost with respect to every weight – and
these come from the **chain rule**, layer by layer. In this unit you work this out on the smallest
network there is: one neuron with two inputs and the activation function ReLU. At the end you will
see why a ReLU neuron can "die".

**Learning goals.** You can
- state the derivative of ReLU and explain the convention at the kink,
- apply the chain rule for $\partial y/\partial w_2$ and evaluate it for concrete numbers,
- explain what happens to a weight whose gradient is 0 for all data (dead neurons).
"""),
    md(de=r"""## Das Mini-Netz

Zwei Eingaben $x_1, x_2$, zwei Gewichte $w_1, w_2$, kein Bias:

$$z = w_1 x_1 + w_2 x_2, \qquad
  y = \mathrm{ReLU}(z) = \begin{cases} 0, & z \le 0\\ z, & z > 0\end{cases}$$

Der Zustand des Netzes ist durch die momentanen Werte der Gewichte $w_1, w_2$ und die aktuellen
Daten $x_1, x_2$ bestimmt. Als Kosten dient in dieser Einheit die Ausgabe $y$ selbst. Nach
Teil c) können Sie Ihre Ergebnisse an einer Ansicht des Netzes prüfen.
""", en=r"""## The mini network

Two inputs $x_1, x_2$, two weights $w_1, w_2$, no bias:

$$z = w_1 x_1 + w_2 x_2, \qquad
  y = \mathrm{ReLU}(z) = \begin{cases} 0, & z \le 0\\ z, & z > 0\end{cases}$$

The state of the network is given by the current values of the weights $w_1, w_2$ and the current
data $x_1, x_2$. In this unit the cost is the output $y$ itself. After part c) you can check your
results in a view of the network.
"""),
    # ------------------------------------------------------------------ a)
    md(de=r"""## a) Die Ableitung von ReLU

Für $z < 0$ ist ReLU konstant, für $z > 0$ ist ReLU die Gerade $y = z$. Die Ableitung
$\partial y/\partial z$ ist also auf beiden Seiten leicht zu bestimmen – nur an der Knickstelle
$z = 0$ ist ReLU nicht differenzierbar: Die Steigung von links und die von rechts sind verschieden.

**Konvention an der Knickstelle.** Jeder Wert zwischen der linken und der rechten Steigung ist an
der Knickstelle ein *Subgradient* (die Steigung einer Geraden durch den Knick, die nie oberhalb der
Kurve liegt), und jeder wäre für den Gradientenabstieg zulässig. PyTorch, TensorFlow und JAX setzen
wie nnkit bei $z = 0$ die **Steigung von links** ein. In der Praxis trifft $z$ den Wert 0 selten
genau – aber wenn, dann soll Ihr Code dasselbe liefern wie die Bibliotheken.

**Aufgabe a (2 Punkte).** Implementieren Sie `relu_grad(z)`: Die Funktion erhält ein NumPy-Array `z`
und gibt ein Array derselben Form mit den Werten von $\partial y/\partial z$ zurück (ohne Schleife,
also vektorisiert).
""", en=r"""## a) The derivative of ReLU

For $z < 0$ ReLU is constant, for $z > 0$ it is the line $y = z$. So the derivative
$\partial y/\partial z$ is easy to find on both sides – only at the kink $z = 0$ is ReLU not
differentiable: the slope from the left and the slope from the right differ.

**Convention at the kink.** Every value between the left and the right slope is a *subgradient* at
the kink (the slope of a line through the kink that never lies above the curve), and each would be
admissible for gradient descent. PyTorch, TensorFlow and JAX, like nnkit, use the **slope from the
left** at $z = 0$. In practice $z$ rarely hits 0 exactly – but when it does, your code should agree
with the libraries.

**Exercise a (2 points).** Implement `relu_grad(z)`: it takes a NumPy array `z` and returns an array
of the same shape with the values of $\partial y/\partial z$ (without a loop, i.e. vectorised).
"""),
    exercise(RELU_GRAD, points=2, solution='''import numpy as np


def relu_grad(z):
    """dy/dz of y = ReLU(z), elementwise: an array shaped like z."""
    ### BEGIN SOLUTION
    return (np.asarray(z) > 0).astype(float)
    ### END SOLUTION'''),

    # ------------------------------------------------------------------ b)
    md(de=r"""## b) Die Ableitung von $z$ nach $w_2$

$z = w_1 x_1 + w_2 x_2$. Bei der partiellen Ableitung nach $w_2$ sind alle anderen Größen
($w_1, x_1, x_2$) Konstanten.

**Aufgabe b (1 Punkt).** Weisen Sie `dz_dw2` die Ableitung $\partial z/\partial w_2$ als Formel in
Anführungszeichen zu, mit den Namen `w1`, `w2`, `x1`, `x2` (zum Beispiel `"w1*x2 + 3"`;
Multiplikation mit `*`, Potenzen mit
`**` oder `^`).
""", en=r"""## b) The derivative of $z$ with respect to $w_2$

$z = w_1 x_1 + w_2 x_2$. In the partial derivative with respect to $w_2$ all other quantities
($w_1, x_1, x_2$) are constants.

**Exercise b (1 point).** Assign $\partial z/\partial w_2$ to `dz_dw2` as a formula in quotes, using
the names `w1`, `w2`,
`x1`, `x2` (for example `"w1*x2 + 3"`; multiplication with `*`, powers with `**` or `^`).
"""),
    exercise(DZ_DW2, points=1, form='"..."', solution='dz_dw2 = "x2"'),

    # ------------------------------------------------------------------ c)
    md(de=r"""## c) Die Kettenregel

Wir wollen $w_2$ mit dem Gradientenabstieg aktualisieren:

$$w_2^{(t+1)} = w_2^{(t)} - \eta\cdot\frac{\partial J}{\partial w_2},
\qquad \frac{\partial J}{\partial w_2} = \frac{\partial y}{\partial w_2}$$

($\eta$ ist die Lernrate; die Kosten $J$ sind hier die Ausgabe $y$ selbst.)
$y$ hängt nur über $z$ von $w_2$ ab, also gilt nach der Kettenregel

$$\frac{\partial y}{\partial w_2}
  = \frac{\partial y}{\partial z}\cdot\frac{\partial z}{\partial w_2}.$$

Den ersten Faktor kennen Sie aus a), den zweiten aus b).

**Aufgabe c (2 Punkte).** Implementieren Sie `dy_dw2(w1, w2, x1, x2)`: Die Funktion gibt
$\partial y/\partial w_2$ im Zustand $(w_1, w_2, x_1, x_2)$ als Zahl zurück. Überlegen Sie
vorher, wie die Fallunterscheidung $z \le 0$ / $z > 0$ aussieht.
""", en=r"""## c) The chain rule

We want to update $w_2$ by gradient descent:

$$w_2^{(t+1)} = w_2^{(t)} - \eta\cdot\frac{\partial J}{\partial w_2},
\qquad \frac{\partial J}{\partial w_2} = \frac{\partial y}{\partial w_2}$$

($\eta$ is the learning rate; the cost $J$ is here the output $y$ itself.)
$y$ depends on $w_2$ only through $z$, so by the chain rule

$$\frac{\partial y}{\partial w_2}
  = \frac{\partial y}{\partial z}\cdot\frac{\partial z}{\partial w_2}.$$

You know the first factor from a), the second from b).

**Exercise c (2 points).** Implement `dy_dw2(w1, w2, x1, x2)`: it returns $\partial y/\partial w_2$
in the state $(w_1, w_2, x_1, x_2)$ as a number. Think first about what the cases $z \le 0$ /
$z > 0$ look like.
"""),
    exercise(DY_DW2, points=2, solution='''def dy_dw2(w1, w2, x1, x2):
    """dy/dw2 = dy/dz * dz/dw2 for z = w1*x1 + w2*x2, y = ReLU(z)."""
    ### BEGIN SOLUTION
    z = w1 * x1 + w2 * x2
    return x2 if z > 0 else 0.0
    ### END SOLUTION'''),

    md(de=r"""### Zwei konkrete Zustände

| | $w_1$ | $x_1$ | $w_2$ | $x_2$ |
|---|---|---|---|---|
| Zustand 1 | 0,1 | 1 | −0,1 | 20 |
| Zustand 2 | 0,1 | 20 | −0,1 | 10 |

Der Index $cs$ steht für *current state*, den momentanen Zustand; so heißt er in der Mitschrift.

**Vorsicht beim Eintippen:** Python schreibt Dezimalzahlen mit Punkt. `w1 = 0.1` ist die Zahl 0,1;
`w1 = 0,1` dagegen ist das *Tupel* `(0, 1)` – ohne Fehlermeldung. Die Prüfzelle erkennt das
und weist Sie darauf hin.

**Aufgabe c (i) (2 Punkte).** Bestimmen Sie im Zustand 1 die Werte $z|_{cs}$ und
$\partial y/\partial w_2|_{cs}$ als `z_cs1` und `dy_dw2_cs1` (als Zahlen oder als Rechenausdruck in
Python; Ihre Funktion aus c) dürfen Sie benutzen).
""", en=r"""### Two concrete states

| | $w_1$ | $x_1$ | $w_2$ | $x_2$ |
|---|---|---|---|---|
| state 1 | 0.1 | 1 | −0.1 | 20 |
| state 2 | 0.1 | 20 | −0.1 | 10 |

The index $cs$ stands for *current state*; this is what the lecture notes call it.

(The German lecture notes write 0,1 with a decimal comma; in Python it is always `0.1`:
`w1 = 0,1` would silently be the *tuple* `(0, 1)`. The check cell detects this.)

**Exercise c (i) (2 points).** Determine $z|_{cs}$ and $\partial y/\partial w_2|_{cs}$ in state 1 as
`z_cs1` and `dy_dw2_cs1` (as numbers or as a Python expression; you may use your function from c)).
"""),
    exercise(Z_CS1, points=1, solution="z_cs1 = 0.1 * 1 + (-0.1) * 20"),
    exercise(DY_DW2_CS1, points=1, solution="dy_dw2_cs1 = 0.0  # z = -1.9 <= 0, so dy/dz = 0"),
    md(de=r"""**Aufgabe c (ii) (2 Punkte).** Dasselbe für Zustand 2: `z_cs2` und `dy_dw2_cs2`.""",
       en=r"""**Exercise c (ii) (2 points).** The same for state 2: `z_cs2` and `dy_dw2_cs2`."""),
    exercise(Z_CS2, points=1, solution="z_cs2 = 0.1 * 20 + (-0.1) * 10"),
    exercise(DY_DW2_CS2, points=1, solution="dy_dw2_cs2 = 10.0  # z = 1 > 0, so dy/dw2 = 1 * x2"),
    md(de=r"""**Aufgabe c (iii) (1 Punkt).** Führen Sie im Zustand 2 einen Schritt der
Aktualisierungsregel mit der Lernrate $\eta = 0{,}01$ aus: Welchen Wert hat $w_2^{(t+1)}$
(`w2_next_cs2`)? (Und im Zustand 1? Überlegen Sie es sich, ohne zu rechnen.)
""", en=r"""**Exercise c (iii) (1 point).** Take one step of the update rule in state 2 with the
learning rate $\eta = 0.01$: what is $w_2^{(t+1)}$ (`w2_next_cs2`)? (And in state 1? Think about it
without computing.)
"""),
    exercise(W2_NEXT_CS2, points=1, solution="w2_next_cs2 = -0.1 - 0.01 * 10.0"),
    md(de=r"""### Prüfen Sie Ihre Ergebnisse am Mini-Netz

Bewegen Sie die Schieberegler: Die Raute markiert die aktuelle gewichtete Summe $z$ auf der
ReLU-Kurve (links) und auf ihrer Ableitung (rechts). Das Diagramm darunter zeigt das Netz mit den
Werten an den Knoten und den Gradienten $\partial y/\partial w$ an den Kanten. Als Kosten dient,
wie in den Aufgaben, die Ausgabe $y$ selbst; das Diagramm nennt sie $L$ (für ein einzelnes
Beispiel sind Verlust und Kosten dasselbe). Mit den Schaltflächen springen Sie zu den beiden
Zuständen aus Teil c): Stimmen $z$ und $\partial y/\partial w_2$ mit Ihren Ergebnissen überein?
""", en=r"""### Check your results on the mini network

Move the sliders: the diamond marks the current weighted sum $z$ on the ReLU curve (left) and on
its derivative (right). The diagram below shows the network with the values at the nodes and the
gradients $\partial y/\partial w$ at the edges. As in the exercises, the cost is the output $y$
itself; the diagram calls it $L$ (for a single example, loss and cost coincide). The buttons jump
to the two states of part c): do $z$ and $\partial y/\partial w_2$ agree with your results?
"""),
    code("""from workbook.views.relu_neuron import ReluNeuronView

ReluNeuronView()"""),

    # ------------------------------------------------------------------ d)
    md(de=r"""## d) Wenn der Gradient immer 0 ist

Im Zustand 1 war $\partial y/\partial w_2 = 0$. Nehmen Sie nun an, dass für **alle** Trainingsdaten
$\partial y/\partial w_2|_{cs} = 0$ gilt.

**Aufgabe d (1 Punkt).** Was passiert dann mit $w_2$ beim Training? Weisen Sie `w2_fate` einen der
Schlüssel zu:

- `"grows"`: $w_2$ wird mit jedem Schritt größer.
- `"shrinks"`: $w_2$ wird mit jedem Schritt kleiner.
- `"unchanged"`: $w_2$ ändert sich nicht.
- `"zero"`: $w_2$ wird auf 0 gesetzt.
""", en=r"""## d) When the gradient is always 0

In state 1 we had $\partial y/\partial w_2 = 0$. Now assume that
$\partial y/\partial w_2|_{cs} = 0$ holds for **all** data in the training set.

**Exercise d (1 point).** What happens to $w_2$ during training then? Assign one of the keys to
`w2_fate`:

- `"grows"`: $w_2$ grows with every step.
- `"shrinks"`: $w_2$ shrinks with every step.
- `"unchanged"`: $w_2$ does not change.
- `"zero"`: $w_2$ is set to 0.
"""),
    exercise(DEAD_CHOICE, points=1, form='"..."', solution='w2_fate = "unchanged"'),
    md(de=r"""### Wie ein Neuron beim Training stirbt

In einem echten Netz sind die Kosten nicht $y$ selbst, sondern messen, wie weit $y$ vom Zielwert
$t$ entfernt ist: Verlust $L = \frac12 (y - t)^2$ je Beispiel, Kosten $J$ = Mittelwert der
Verluste über die Daten. Die folgende Ansicht simuliert damit den Gradientenabstieg für $w_2$
($w_1 = 0{,}1$ bleibt fest), für zwei kleine Datensätze mit demselben Start $w_2 = -0{,}1$:

- Im **Datensatz 1** ist $z \le 0$ für jedes Beispiel, wie im Zustand 1.
- Im **Datensatz 2** haben zwei Beispiele $z > 0$, wie im Zustand 2. Die Zielwerte sind so
  gewählt, dass $w_2 = -0{,}25$ sie genau trifft ($J = 0$). Unterhalb der gepunkteten Linie
  $w_2 = -0{,}3$ ist $z \le 0$ für alle Beispiele des Datensatzes.

Ändern Sie die Lernrate $\eta$ und die Anzahl der Schritte: Was geschieht mit dem Neuron bei
einer kleinen, was bei einer großen Lernrate? Ist $w_2$ erst einmal unter der Linie, was geschieht
dann bei weiteren Schritten?
""", en=r"""### How a neuron dies in training

In a real network the cost is not $y$ itself but measures how far $y$ is from the target $t$: the
loss $L = \frac12 (y - t)^2$ per example, the cost $J$ = the mean of the losses over the data.
The following simulation runs gradient descent for $w_2$ with it ($w_1 = 0.1$ stays fixed), for
two small data sets with the same start $w_2 = -0.1$:

- In **data set 1**, $z \le 0$ for every example, as in state 1.
- In **data set 2**, two examples have $z > 0$, as in state 2. The targets are chosen so that
  $w_2 = -0.25$ fits them exactly ($J = 0$). Below the dotted line $w_2 = -0.3$, $z \le 0$ for
  every example of the data set.

Change the learning rate $\eta$ and the number of steps: what happens to the neuron with a small
learning rate, what with a large one? Once $w_2$ is below the line, what do further steps do?
"""),
    code("""from workbook.views.relu_neuron import DeadNeuronView

DeadNeuronView()"""),
    manual("u1_dead_explain", 2, de=r"""**Aufgabe d, Begründung (2 Punkte, manuell bewertet).**
Begründen Sie Ihre Wahl mit der Aktualisierungsregel. Erklären Sie, warum man von einem **toten
Neuron** spricht, warum das beim Training ein Problem ist und ob bzw. wie das Neuron wieder
„aufwachen“ kann. Nennen Sie zwei Abhilfen.
""", en=r"""**Exercise d, explanation (2 points, graded by hand).** Justify your choice with the
update rule. Explain why one speaks of a **dead neuron**, why this is a problem in training, and
whether and how the neuron can "wake up" again. Name two remedies.
""", solution_de=r"""Mit $\partial J/\partial w_2 = 0$ lautet die Aktualisierungsregel
$w_2^{(t+1)} = w_2^{(t)} - \eta\cdot 0 = w_2^{(t)}$: $w_2$ bleibt unverändert, egal wie groß die
Lernrate ist. Der Gradient $\partial y/\partial w_2 = \mathrm{ReLU}'(z)\cdot x_2$ ist für alle
Daten 0, wenn für jedes Beispiel $z \le 0$ gilt (dann ist $\partial y/\partial z = 0$) oder
$x_2 = 0$ ist. Im ersten Fall gilt dasselbe für $w_1$
($\partial y/\partial w_1 = \partial y/\partial z \cdot x_1 = 0$): Das Neuron gibt für jedes
Trainingsbeispiel 0 aus und lässt keinen Gradienten durch – es ist „tot“. Es lernt nichts mehr und
trägt nichts zur Ausgabe bei; ein Teil des Netzes liegt brach. Von selbst wacht es nicht auf; nur
wenn sich $z$ auf anderem Weg ändert (neue Daten, in tieferen Netzen Änderungen der vorigen
Schichten), kann wieder $z > 0$ vorkommen. Abhilfe schaffen Leaky ReLU ($\max(0{,}1z;\ z)$,
Ableitung 0,1 statt 0 für $z \le 0$), sorgfältige Initialisierung (z. B. ein kleiner positiver
Bias) und eine kleinere Lernrate: Ein zu großer Schritt kann $w_2$ so weit über das Ziel
hinausschieben, dass $z \le 0$ für alle Daten gilt – in der Simulation stirbt das Neuron des
Datensatzes 2 bei großer
Lernrate im ersten Schritt, bei kleiner Lernrate erreicht es das Ziel.""",
        solution_en=r"""With $\partial J/\partial w_2 = 0$ the update rule reads
$w_2^{(t+1)} = w_2^{(t)} - \eta\cdot 0 = w_2^{(t)}$: $w_2$ stays unchanged, whatever the learning
rate. The gradient $\partial y/\partial w_2 = \mathrm{ReLU}'(z)\cdot x_2$ is 0 for all data if
$z \le 0$ for every example (then $\partial y/\partial z = 0$) or if $x_2 = 0$. In the first case
the same holds for $w_1$ ($\partial y/\partial w_1 = \partial y/\partial z \cdot x_1 = 0$): the
neuron outputs 0 for every training example and lets no gradient through – it is "dead". It learns
nothing and contributes nothing to the output; part of the network is wasted. It does not wake up by
itself; only if $z$ changes in another way (new data, or in deeper networks changes of the previous
layers) can $z > 0$ occur again. Remedies: leaky ReLU ($\max(0.1z, z)$, derivative 0.1 instead of 0
for $z \le 0$), careful initialisation (e.g. a small positive bias) and a smaller learning rate: a
step that is too large can push $w_2$ so far past the target that $z \le 0$ for all data – in the
simulation the neuron of data set 2 dies in the first step with a large learning rate and reaches
the target with a small one."""),

    md(de=r"""## Zusammenfassung

- ReLU′(z) = 0 für $z \le 0$ und 1 für $z > 0$ (Konvention an der Knickstelle: 0).
- Kettenregel: $\partial L/\partial w_2 = \partial L/\partial y\cdot\mathrm{ReLU}'(z)\cdot x_2$ –
  der Gradient eines Gewichts ist die Eingabe an dieser Kante mal die Ableitung der
  Aktivierungsfunktion mal $\partial L/\partial y$ (hier 1, weil die Kosten $y$ selbst sind).
  Deshalb skaliert der Gradient mit der Eingabe: Bei aktivem Neuron ($z > 0$) ist
  $\partial y/\partial w_2 = x_2$, mit $x_2 = 20$ also zwanzigmal so groß wie mit $x_2 = 1$, und
  große Eingaben verlangen eine kleinere Lernrate – ein
  Grund, die Eingaben vor dem Training zu skalieren (z. B. auf Mittelwert 0 und Varianz 1).
- Ist $z \le 0$ für alle Daten, verschwinden alle Gradienten des Neurons: Die Gewichte bleiben
  stehen (tote Neuronen). Ein zu großer Schritt kann ein Neuron so töten; eine kleinere Lernrate
  hilft. In Einheit 2 lernen Sie Leaky ReLU und weitere Aktivierungsfunktionen kennen.
""", en=r"""## Summary

- ReLU′(z) = 0 for $z \le 0$ and 1 for $z > 0$ (convention at the kink: 0).
- Chain rule: $\partial L/\partial w_2 = \partial L/\partial y\cdot\mathrm{ReLU}'(z)\cdot x_2$ – the
  gradient of a weight is the input on that edge times the derivative of the activation function
  times $\partial L/\partial y$ (here 1, because the cost is $y$ itself). So the gradient scales
  with the input: for an active neuron ($z > 0$), $\partial y/\partial w_2 = x_2$, so with
  $x_2 = 20$ it is twenty times as large as with $x_2 = 1$, and large inputs call for a smaller
  learning rate – one reason to scale the inputs
  before training (e.g. to mean 0 and variance 1).
- If $z \le 0$ for all data, all gradients of the neuron vanish: its weights stand still (dead
  neurons). A step that is too large can kill a neuron this way; a smaller learning rate helps.
  Unit 2 introduces leaky ReLU and other activation functions.
"""),
]
