# ruff: noqa: E501  (long lines are Markdown text and LaTeX; pyproject ignores E501 for notebooks/units, not workbook/units)
"""Unit 4: backpropagation by hand through a network with a skip connection; dead ReLUs.

Seed 001 (sheet 03 and "Exercise 4"). Sub-question -> grade id (points):
  0  (preparation, not in the seed) backpropagation on a computational graph
     q = x + y, m = max(z, w), f = q m:
     gradients with an upstream dL/df  u4_graph_grads (2)
     which inputs of max(x y, z) get 0  u4_max_gate (1, choice)
  1  backpropagation, all partial derivatives:
     dL/dyhat                   u4_dyhat (1, function, fresh random cases)
     dL/dh0 (two paths)         u4_dh0 (1, expression)
     all dL/dw0..dL/dw3         u4_backward (2, function against nnkit, all sign cases)
  2  why a skip connection      u4_skip_why (2, manual)
  3  one step by hand, (x, y) = (1, -3), w = 1/2, lr 1:
     forward values             u4_step_forward (1)     loss 27/8    u4_step_loss (1)
     gradients                  u4_step_grads (2)       new weights  u4_step_weights (1)
     after the step: dead       u4_after_step (1, choice), u4_after_loss (1), u4_dead_explain (2, manual)
  Exercise 4 (1000 restarts, nnkit.train):
     4.1 runs killed by training (numeric)  u4_killed (2)  (before the view, which shows it)
     4.2 loss after one step    u4_ex4_one_step (1, manual)
     4.3 many steps             u4_ex4_many_steps (2, manual)
     4.4 always right?          u4_ex4_repeat (2, manual)
     4.5 learning rate          u4_ex4_lr (2, manual)
  Total 27 points.

The network: z0 = w0 x, h0 = ReLU(z0); z1 = w1 h0, h1 = ReLU(z1); yhat = z2 = w2 h1 + w3 h0;
L = |y - yhat|. Worked example (x, y) = (1, -3), all weights 1/2, learning rate 1:
forward z0 = h0 = 1/2, z1 = h1 = 1/4, yhat = 1/8 + 1/4 = 3/8, L = 27/8; backward dL/dyhat = +1,
dw2 = h1 = 1/4, dw3 = h0 = 1/2, dz1 = w2 = 1/2, dw1 = 1/4, dh0 = w3 + dz1 w1 = 3/4, dw0 = 3/4;
new weights (-1/4, 1/4, 1/4, 0): z0 = -1/4, yhat = 0, L = 3, all gradients 0 (dead).
"""

import numpy as np
import sympy as sp

from nnkit.losses import l1
from workbook import symbolic
from workbook.exercise import Exercise, Mistake, hint
from workbook.reference import computational_graph as cg
from workbook.reference import dead_relu as dr
from workbook.source import Unit, code, exercise, manual, md
from workbook.units.answers import skip_gradients

UNIT = Unit(
    number=4,
    title={
        "de": "Backpropagation von Hand: Skip-Verbindung und tote ReLUs",
        "en": "Backpropagation by hand: skip connection and dead ReLUs",
    },
    filename={"de": "4_backprop_skip_tote_relus", "en": "4_backprop_skip_dead_relus"},
    summary={
        "de": "Backpropagation auf einem Rechengraphen, alle partiellen Ableitungen eines Netzes "
              "mit Skip-Verbindung, ein Schritt des Gradientenabstiegs von Hand und ein Experiment mit 1000 Zufallsinitialisierungen",
        "en": "Backpropagation on a computational graph, all partial derivatives of a network "
              "with a skip connection, one step of gradient descent by hand and an experiment with 1000 random initialisations",
    },
)


# ---------------------------------------------------------------- references (nnkit)

def _dyhat_reference(yhat, y):
    """dL/dyhat of L = |y - yhat| for one example, by nnkit's l1 loss."""
    _, d = l1(np.array([[float(yhat)]]), np.array([[float(y)]]))
    return float(np.asarray(d).ravel()[0])


def _dyhat_cases(rng, hidden):
    cases = [(0.5, 2.0), (-1.0, -3.0), (2.0, 0.5), (-0.5, 1.5)]  # yhat<y, yhat>y, both signs
    cases += [tuple(rng.normal(0, 2, 2)) for _ in range(6)]
    if hidden:
        cases += [(1.5, 1.5), (0.0, 0.0), (0.0, -1.0), (0.0, 2.0)]  # equality: subgradient 0
    return cases


def _backward_cases(rng, hidden):
    """Every sign case: z0 > 0 or < 0, z1 > 0 or < 0, yhat > y or < y (and x of both signs)."""
    cases = []
    for s0 in (1, -1):
        for s1 in (1, -1):
            for sy in (1, -1):
                x = float(rng.choice([-1, 1]) * rng.uniform(0.3, 2))
                w0 = float(s0 * np.sign(x) * rng.uniform(0.3, 2))  # sign of z0 = s0
                w = (w0, float(s1 * rng.uniform(0.3, 2)), *map(float, rng.normal(0, 1, 2)))
                yhat = dr.trace_values(x, 0.0, w).yhat
                cases.append((x, yhat - sy * float(rng.uniform(0.3, 2)), w))
    cases.append((1.0, 1.0, (0.0, 1.0, 1.0, 1.0)))  # z0 = 0: ReLU'(0) = 0 gives dw0 = 0
    if hidden:
        cases += [
            (0.0, 1.0, (1.0, 1.0, 1.0, 1.0)),       # x = 0
            (1.0, -1.0, (1.0, 0.0, 1.0, 1.0)),      # z1 = 0
            (2.0, 1.0, (0.5, -1.0, 1.0, 0.5)),      # z1 < 0, but the skip path carries
            (1.0, 2.0, (1.0, 1.0, 1.0, 1.0)),       # yhat = y = 2: subgradient 0
            (1.0, -3.0, dr.W_HAND),                 # the worked example
        ]
    return cases


def _symbols():
    """Names allowed in the expression for dL/dh0 (d2 = dL/dz2; d1 = dL/dz1, dh1 = dL/dh1),
    with the unit's definitions z0 = w0 x, z1 = w1 h0, h1 = ReLU(z1), z2 = yhat = w2 h1 + w3 h0
    (h0 is the variable of the derivative)."""
    names = "d2 w0 w1 w2 w3 x y h0"
    table = dict(zip(names.split(), sp.symbols(names), strict=True))
    table["z0"] = table["w0"] * table["x"]
    table["z1"] = table["w1"] * table["h0"]
    table["h1"] = symbolic.relu(table["z1"])
    table["z2"] = table["yhat"] = table["w2"] * table["h1"] + table["w3"] * table["h0"]
    table["dh1"] = table["d2"] * table["w2"]
    table["d1"] = table["dh1"] * symbolic.heaviside(table["z1"])
    return table


def _S(name):
    return _symbols()[name]


def _forward_values():
    """[z0, h0, z1, h1, yhat] of the worked example, from nnkit's trace."""
    net = dr.set_weights(dr.skip_net(), dr.W_HAND)
    trace = net.trace(np.array([dr.X_HAND]), np.array([dr.Y_HAND]), loss="l1")
    nodes = {(n.layer, n.unit): n for n in trace.nodes}
    return np.array([nodes[(1, 0)].z, nodes[(1, 0)].a, nodes[(2, 0)].z, nodes[(2, 0)].a,
                     nodes[(3, 0)].a])


def _loss(w):
    net = dr.set_weights(dr.skip_net(), w)
    loss, _ = net.loss_and_grads(np.array([[dr.X_HAND]]), np.array([[dr.Y_HAND]]), loss="l1")
    return float(loss)


def _grads():
    return np.array(skip_gradients(dr.X_HAND, dr.Y_HAND, dr.W_HAND))


def _new_weights():
    return np.array(dr.gd_weights(dr.W_HAND, dr.X_HAND, dr.Y_HAND, 1.0))


KILLED_LR, KILLED_STEPS = 0.3, 100  # exercise 4.1


def _killed_fraction():
    """Share of all runs alive at the start (w0 > 0) and dead at the end, by nnkit.train."""
    out = dr.experiment(lr=KILLED_LR, steps=KILLED_STEPS)
    alive_start = ~dr.is_dead(out.start["w0"])
    return float(np.mean(alive_start & dr.is_dead(out.end["w0"])))


def _experiment_fractions():
    out = dr.experiment(lr=KILLED_LR, steps=KILLED_STEPS)
    return dr.is_dead(out.start["w0"]), dr.is_dead(out.end["w0"])


# ---------------------------------------------------------------- exercises

#: Exercise 0a: the inputs of f = (x + y) max(z, w) and the gradient dL/df arriving from above.
GRAPH_INPUTS = (-1.3, 3.1, 0.7, -2.1)
GRAPH_UPSTREAM = -2.0


def _graph_grads(upstream=GRAPH_UPSTREAM):
    """[dL/dx, dL/dy, dL/dz, dL/dw] = dL/df times the gradients of f, node by node."""
    return upstream * np.array(cg.backward(*GRAPH_INPUTS).grads)


def _graph_wrong(swap=True, route="larger", add=1.0):
    """The gradients as a student with one mistake at one of the nodes computes them."""
    x, y, z, w = GRAPH_INPUTS
    q, m = x + y, max(z, w)
    dq, dm = GRAPH_UPSTREAM * (m if swap else q), GRAPH_UPSTREAM * (q if swap else m)
    to_z = {"larger": z >= w, "smaller": z < w, "both": True}[route]
    to_w = {"larger": z < w, "smaller": z >= w, "both": True}[route]
    return np.array([add * dq, add * dq, dm * to_z, dm * to_w])


SIGN_HINT = hint(
    de="Das Vorzeichen ist umgekehrt. Ist ŷ größer als y, wächst L = |y − ŷ| mit ŷ – "
       "welches Vorzeichen hat die Ableitung dann?",
    en="The sign is reversed. If ŷ is larger than y, L = |y − ŷ| grows with ŷ – "
       "so what is the sign of the derivative there?")

EX_GRAPH_GRADS = Exercise(
    "u4_graph_grads", "graph_grads", "value", _graph_grads,
    mistakes=[
        Mistake("no_upstream", lambda: _graph_grads(upstream=1.0), hint=hint(
            de="Der Rückwärtsdurchlauf beginnt bei f nicht mit 1, sondern mit dem "
               "ankommenden Gradienten ∂L/∂f. Multiplizieren Sie an jedem Knoten mit dem "
               "Gradienten, der von oben ankommt.",
            en="The backward pass does not start at f with 1 but with the upstream gradient "
               "∂L/∂f. At every node, multiply by the gradient that arrives from above.")),
        Mistake("local_only", lambda: np.array([1.0, 1.0, 1.0, 0.0]), hint=hint(
            de="Das sind nur die lokalen Gradienten der Addition und des Maximums. "
               "Weitergegeben wird das Produkt aus lokalem und ankommendem Gradienten.",
            en="These are only the local gradients of the add and the max node. What is "
               "passed down is the local gradient times the upstream gradient.")),
        Mistake("no_swap", lambda: _graph_wrong(swap=False), hint=hint(
            de="Prüfen Sie den Multiplikationsknoten: Die Ableitung von q · m nach q ist "
               "die andere Eingabe, nicht q selbst.",
            en="Check the multiply node: the derivative of q · m with respect to q is the "
               "other input, not q itself.")),
        Mistake("max_both", lambda: _graph_wrong(route="both"), hint=hint(
            de="Das Maximum gibt den Gradienten nicht an beide Eingaben weiter: Eine kleine "
               "Änderung der kleineren Eingabe ändert max(z, w) gar nicht.",
            en="The max node does not pass the gradient to both inputs: a small change in "
               "the smaller input does not change max(z, w) at all.")),
        Mistake("max_smaller", lambda: _graph_wrong(route="smaller"), hint=hint(
            de="Am Maximum ist der Gradient bei der falschen Eingabe gelandet. Vergleichen "
               "Sie z und w mit Vorzeichen.",
            en="At the max node the gradient went to the wrong input. Compare z and w, "
               "signs included.")),
        Mistake("add_halves", lambda: _graph_wrong(add=0.5), hint=hint(
            de="Die Addition teilt den Gradienten nicht auf: Jede Eingabe bekommt den ganzen "
               "ankommenden Gradienten (der lokale Gradient ist 1).",
            en="The add node does not split the gradient: each input gets all of the "
               "upstream gradient (the local gradient is 1).")),
    ],
)
EX_MAX_GATE = Exercise(
    "u4_max_gate", "max_gate", "choice", "xy_zero",
    options={
        "xy_zero": {"de": "∂f/∂x = ∂f/∂y = 0 und ∂f/∂z = 1.",
                    "en": "∂f/∂x = ∂f/∂y = 0 and ∂f/∂z = 1."},
        "z_zero": {"de": "∂f/∂z = 0, ∂f/∂x = −3 und ∂f/∂y = 2.",
                   "en": "∂f/∂z = 0, ∂f/∂x = −3 and ∂f/∂y = 2."},
        "all": {"de": "∂f/∂z = 1, ∂f/∂x = −3 und ∂f/∂y = 2.",
                "en": "∂f/∂z = 1, ∂f/∂x = −3 and ∂f/∂y = 2."},
        "no_swap": {"de": "∂f/∂z = 0, ∂f/∂x = 2 und ∂f/∂y = −3.",
                    "en": "∂f/∂z = 0, ∂f/∂x = 2 and ∂f/∂y = −3."},
    },
    mistakes=[
        Mistake("z_zero", "z_zero", hint=hint(
            de="Rechnen Sie zuerst vorwärts: Welche Eingabe des Maximums ist größer – mit "
               "Vorzeichen, nicht dem Betrag nach?",
            en="Do the forward pass first: which input of the max node is larger – with "
               "its sign, not by absolute value?")),
        Mistake("all", "all", hint=hint(
            de="Das Maximum gibt den Gradienten nur an eine Eingabe weiter: Eine kleine "
               "Änderung der kleineren Eingabe ändert f gar nicht.",
            en="The max node passes the gradient to one input only: a small change in the "
               "smaller input does not change f at all.")),
        Mistake("no_swap", "no_swap", hint=hint(
            de="Zwei Dinge: Welche Eingabe des Maximums ist größer (mit Vorzeichen)? Und "
               "die Ableitung von x · y nach x ist nicht x.",
            en="Two things: which input of the max node is larger (with its sign)? And the "
               "derivative of x · y with respect to x is not x.")),
    ],
)
EX_DYHAT = Exercise(
    "u4_dyhat", "dL_dyhat", "function", _dyhat_reference, cases=_dyhat_cases,
    mistakes=[
        Mistake("sign", lambda yhat, y: float(np.sign(y - yhat)), SIGN_HINT),
        Mistake("always_one", lambda yhat, y: 1.0, hint(
            de="Die Ableitung des Betrags ist nicht überall 1: Auf einer Seite des Knicks "
               "fällt |y − ŷ|, wenn ŷ wächst.",
            en="The derivative of the absolute value is not 1 everywhere: on one side of "
               "the kink |y − ŷ| decreases as ŷ grows.")),
        Mistake("sign_of_yhat", lambda yhat, y: float(np.sign(yhat)), hint(
            de="Sie unterscheiden die Fälle nach dem Vorzeichen von ŷ. Der Betrag hat "
               "seinen Knick aber nicht bei ŷ = 0 – wo liegt er?",
            en="You split the cases by the sign of ŷ. But the absolute value does not have "
               "its kink at ŷ = 0 – where is it?")),
    ],
)
EX_DH0 = Exercise(
    "u4_dh0", "dL_dh0", "expression",
    lambda: _S("d2") * _S("w3") + _S("d2") * _S("w2") * symbolic.heaviside(_S("z1")) * _S("w1"),
    symbols=_symbols,
    mistakes=[
        Mistake("no_skip", lambda: _S("d2") * _S("w2") * symbolic.heaviside(_S("z1")) * _S("w1"),
                hint(
                    de="Es fehlt ein Weg: h₀ erreicht die Ausgabe auch direkt über die "
                       "Skip-Verbindung.",
                    en="A path is missing: h₀ also reaches the output directly through "
                       "the skip connection.")),
        Mistake("only_skip", lambda: _S("d2") * _S("w3"), hint(
            de="Es fehlt ein Weg: h₀ wirkt auch über z₁ und h₁ auf die Ausgabe.",
            en="A path is missing: h₀ also acts on the output through z₁ and h₁.")),
        Mistake("no_gate", lambda: _S("d2") * _S("w3") + _S("d2") * _S("w2") * _S("w1"),
                hint(
                    de="Auf dem Weg über z₁ liegt eine ReLU. Womit wird die partielle "
                       "Ableitung dort multipliziert?",
                    en="There is a ReLU on the path through z₁. What is the partial "
                       "derivative multiplied by there?")),
        Mistake("gate_z0", lambda: (_S("d2") * _S("w3") + _S("d2") * _S("w2")
                                    * symbolic.heaviside(_S("z1")) * _S("w1"))
                * symbolic.heaviside(_S("z0")), hint(
                    de="Das ist schon ∂L/∂z₀: Die ReLU zwischen z₀ und h₀ gehört nicht "
                       "mehr zu ∂L/∂h₀.",
                    en="That is already ∂L/∂z₀: the ReLU between z₀ and h₀ is not part "
                       "of ∂L/∂h₀.")),
    ],
)
EX_BACKWARD = Exercise(
    "u4_backward", "backward", "function", skip_gradients, cases=_backward_cases,
    mistakes=[
        Mistake("no_skip_path", lambda x, y, w: _wrong_backward(x, y, w, skip=False),
                hint(
                    de="∂L/∂w₀ stimmt nicht immer: h₀ erreicht L auf zwei Wegen. "
                       "Addieren Sie beide Beiträge zu ∂L/∂h₀.",
                    en="∂L/∂w₀ is not always right: h₀ reaches L along two paths. "
                       "Add both contributions to ∂L/∂h₀.")),
        Mistake("sign", lambda x, y, w: _wrong_backward(x, y, w, sign=-1), SIGN_HINT),
        Mistake("relu_grad_at_zero", lambda x, y, w: _wrong_backward(x, y, w, at_zero=1.0),
                hint(
                    de="Fast richtig – aber prüfen Sie z = 0: Hier gilt ReLU'(0) = 0 "
                       "(wie in nnkit).",
                    en="Almost – but check z = 0: here ReLU'(0) = 0 (as in nnkit).")),
        Mistake("no_gates", lambda x, y, w: _wrong_backward(x, y, w, gate="none"),
                hint(
                    de="Ist z ≤ 0, gibt eine ReLU keinen Gradienten weiter. Haben Sie an "
                       "beiden ReLUs mit ReLU'(z) multipliziert?",
                    en="If z ≤ 0, a ReLU passes no gradient back. Did you multiply by "
                       "ReLU'(z) at both ReLUs?")),
        Mistake("g_for_grad", lambda x, y, w: _wrong_backward(x, y, w, gate="value"),
                hint(
                    de="An den ReLUs gehört die Ableitung ReLU'(z) in die Kettenregel, "
                       "nicht der Wert ReLU(z).",
                    en="At the ReLUs the chain rule needs the derivative ReLU'(z), not the "
                       "value ReLU(z).")),
    ],
)
EX_STEP_FORWARD = Exercise(
    "u4_step_forward", "forward_values", "value", _forward_values,
    mistakes=[
        Mistake("no_skip", lambda: np.array([0.5, 0.5, 0.25, 0.25, 0.125]), hint(
            de="ŷ ist zu klein: Die Ausgabe bekommt auch h₀ über die Skip-Verbindung.",
            en="ŷ is too small: the output also receives h₀ through the skip connection.")),
        Mistake("skip_from_x", lambda: np.array([0.5, 0.5, 0.25, 0.25, 0.625]), hint(
            de="Die Skip-Verbindung beginnt bei h₀, nicht bei der Eingabe x.",
            en="The skip connection starts at h₀, not at the input x.")),
    ],
)
EX_STEP_LOSS = Exercise(
    "u4_step_loss", "L_before", "value", lambda: _loss(dr.W_HAND),
    mistakes=[
        Mistake("signed", lambda: -27 / 8, hint(
            de="Ein Betrag ist nie negativ.", en="An absolute value is never negative.")),
        Mistake("squared", lambda: (27 / 8) ** 2, hint(
            de="Die Verlustfunktion ist hier der Betrag, nicht das Quadrat.",
            en="The loss here is the absolute value, not the square.")),
        Mistake("half_squared", lambda: (27 / 8) ** 2 / 2, hint(
            de="Die Verlustfunktion ist hier der Betrag, nicht das halbe Quadrat.",
            en="The loss here is the absolute value, not half the square.")),
        Mistake("no_skip", lambda: 25 / 8, hint(
            de="Ihr ŷ ist zu klein: Haben Sie den Beitrag der Skip-Verbindung vergessen?",
            en="Your ŷ is too small: did you forget the contribution of the skip "
               "connection?")),
    ],
)
EX_STEP_GRADS = Exercise(
    "u4_step_grads", "grads", "value", _grads,
    mistakes=[
        Mistake("sign", lambda: -_grads(), SIGN_HINT),
        Mistake("no_skip_path", lambda: np.array([0.25, 0.25, 0.25, 0.5]), hint(
            de="∂L/∂w₀ ist zu klein: ∂L/∂h₀ hat zwei Summanden, einen je Weg von h₀ zu L.",
            en="∂L/∂w₀ is too small: ∂L/∂h₀ has two terms, one for each path from h₀ "
               "to L.")),
        Mistake("swapped", lambda: np.array([0.75, 0.25, 0.5, 0.25]), hint(
            de="∂L/∂w₂ und ∂L/∂w₃ sind vertauscht: Welches Gewicht multipliziert h₁, "
               "welches h₀?",
            en="∂L/∂w₂ and ∂L/∂w₃ are swapped: which weight multiplies h₁, which h₀?")),
    ],
)
EX_STEP_WEIGHTS = Exercise(
    "u4_step_weights", "w_new", "value", _new_weights,
    mistakes=[
        Mistake("ascent", lambda: np.array(dr.W_HAND) + _grads(), hint(
            de="Sie sind bergauf gegangen: Beim Gradientenabstieg wird der Gradient "
               "(mal Lernrate) abgezogen.",
            en="You went uphill: gradient descent subtracts the gradient (times the "
               "learning rate).")),
        Mistake("no_skip_path", lambda: np.array([0.25, 0.25, 0.25, 0.0]), hint(
            de="w₀ stimmt nicht: Prüfen Sie ∂L/∂h₀ – beide Wege von h₀ zu L zählen.",
            en="w₀ is wrong: check ∂L/∂h₀ – both paths from h₀ to L count.")),
        Mistake("swapped", lambda: np.array([-0.25, 0.25, 0.0, 0.25]), hint(
            de="w₂ und w₃ sind vertauscht: w₂ gehört zur Kante h₁ → ŷ, w₃ zur "
               "Skip-Verbindung h₀ → ŷ.",
            en="w₂ and w₃ are swapped: w₂ belongs to the edge h₁ → ŷ, w₃ to the skip "
               "connection h₀ → ŷ.")),
    ],
)
EX_AFTER_STEP = Exercise(
    "u4_after_step", "after_step", "choice", "dead",
    options={
        "better": {
            "de": "Der Verlust sinkt weiter; mit jedem Schritt nähert sich ŷ dem Zielwert −3.",
            "en": "The loss keeps decreasing; with every step ŷ gets closer to the target −3."},
        "dead": {
            "de": "Für jedes x > 0 ist h₀ = h₁ = 0 und ŷ = 0; alle Gradienten sind 0, "
                  "weitere Schritte ändern nichts mehr.",
            "en": "For every x > 0, h₀ = h₁ = 0 and ŷ = 0; all gradients are 0, further "
                  "steps change nothing."},
        "skip_alive": {
            "de": "Nur h₁ ist tot; über die Skip-Verbindung lernt das Netz weiter.",
            "en": "Only h₁ is dead; the network keeps learning through the skip connection."},
        "undo": {
            "de": "Der Verlust ist gestiegen; der nächste Schritt macht den ersten rückgängig.",
            "en": "The loss went up; the next step undoes the first one."},
    },
    mistakes=[
        Mistake("better", "better", hint(
            de="Rechnen Sie den Vorwärtsdurchlauf mit den neuen Gewichten: Was ist z₀?",
            en="Do the forward pass with the new weights: what is z₀?")),
        Mistake("skip_alive", "skip_alive", hint(
            de="Die Skip-Verbindung beginnt bei h₀. Was ist h₀ nach dem Schritt?",
            en="The skip connection starts at h₀. What is h₀ after the step?")),
        Mistake("undo", "undo", hint(
            de="Vergleichen Sie den Verlust vor und nach dem Schritt.",
            en="Compare the loss before and after the step.")),
    ],
)
EX_AFTER_LOSS = Exercise(
    "u4_after_loss", "L_after", "value", lambda: _loss(_new_weights()),
    mistakes=[
        Mistake("old_loss", lambda: 27 / 8, hint(
            de="Das ist der Verlust vor dem Schritt. Rechnen Sie mit den neuen Gewichten.",
            en="That is the loss before the step. Use the new weights.")),
        Mistake("signed", lambda: -3.0, hint(
            de="Ein Betrag ist nie negativ.", en="An absolute value is never negative.")),
    ],
)
EX_KILLED = Exercise(
    "u4_killed", "killed_fraction", "value", _killed_fraction, rtol=1e-9, atol=1e-9,
    mistakes=[
        Mistake("dead_at_end", lambda: float(np.mean(_experiment_fractions()[1])), hint(
            de="Sie zählen auch die Läufe, die schon zu Beginn tot waren.",
            en="You also count the runs that were dead from the start.")),
        Mistake("dead_at_start", lambda: float(np.mean(_experiment_fractions()[0])),
                hint(
                    de="Gefragt ist, was das Training anrichtet: lebendig zu Beginn, "
                       "tot am Ende.",
                    en="The question is what training does: alive at the start, dead at "
                       "the end.")),
        Mistake("count", lambda: 1000 * _killed_fraction(), hint(
            de="Gefragt ist ein Anteil zwischen 0 und 1, keine Anzahl.",
            en="The answer is a share between 0 and 1, not a count.")),
        Mistake("of_alive", lambda: _killed_fraction()
                / float(np.mean(~_experiment_fractions()[0])), hint(
                    de="Beziehen Sie den Anteil auf alle 1000 Läufe, nicht nur auf die "
                       "anfangs lebendigen.",
                    en="Take the share of all 1000 runs, not only of those alive at the "
                       "start.")),
    ],
)
EXERCISES = [EX_GRAPH_GRADS, EX_MAX_GATE, EX_DYHAT, EX_DH0, EX_BACKWARD, EX_STEP_FORWARD, EX_STEP_LOSS, EX_STEP_GRADS,
             EX_STEP_WEIGHTS, EX_AFTER_STEP, EX_AFTER_LOSS, EX_KILLED]


def _wrong_backward(x, y, w, sign=1, skip=True, at_zero=0.0, gate="derivative"):
    """The gradients as a student with one typical mistake computes them."""
    w0, w1, w2, w3 = w
    z0 = w0 * x
    h0 = max(0.0, z0)
    z1 = w1 * h0
    h1 = max(0.0, z1)
    yhat = w2 * h1 + w3 * h0

    def d(z):  # what the student multiplies by at a ReLU
        if gate == "none":
            return 1.0
        if gate == "value":
            return max(0.0, z)
        return 1.0 if z > 0 else (at_zero if z == 0 else 0.0)

    dz2 = sign * float(np.sign(yhat - y))
    dz1 = dz2 * w2 * d(z1)
    dh0 = (dz2 * w3 if skip else 0.0) + dz1 * w1
    return (dh0 * d(z0) * x, dz1 * h0, dz2 * h1, dz2 * h0)


# ---------------------------------------------------------------- cells

INTRO = md(
    de=r"""# Einheit 4: Backpropagation von Hand – Skip-Verbindung und tote ReLUs

In dieser Einheit rechnen Sie die Backpropagation für ein kleines Netz vollständig von Hand durch.
Das Netz hat nur vier Gewichte, zeigt aber zwei Effekte, die auch in großen Netzen eine Rolle
spielen:

* Eine **Skip-Verbindung** überspringt eine Schicht. Dadurch erreicht der Gradient die erste
  Schicht auf zwei Wegen.
* **ReLU**-Neuronen können „sterben“. Wann und warum, untersuchen Sie in Abschnitt 3.

Zuvor üben Sie in Abschnitt 0 das Werkzeug dafür an einem kleinen Rechengraphen: Jeder Knoten
multipliziert den ankommenden Gradienten mit seinem lokalen Gradienten. Danach werden Sie

1. alle partiellen Ableitungen aufstellen und als Funktion implementieren,
2. begründen, wozu eine Skip-Verbindung gut ist,
3. einen Schritt des Gradientenabstiegs von Hand ausführen und untersuchen, was danach mit dem
   Netz geschieht, und
4. in einem Experiment mit 1000 Zufallsinitialisierungen untersuchen, wie oft das passiert
   und welche Rolle die Lernrate spielt.

**Lernziele.** Sie können
- die Backpropagation auf einem Rechengraphen Knoten für Knoten ausführen (ankommender mal
  lokaler Gradient) und die Muster von Addition, Multiplikation und Maximum anwenden,
- die Backpropagation für ein Netz mit Skip-Verbindung von Hand durchführen und die Beiträge
  beider Wege zu einem Gradienten addieren,
- begründen, warum eine Skip-Verbindung Darstellung und Gradientenfluss verbessert,
- erklären, warum ein totes ReLU-Neuron nie wieder lernt und was ein zu großer Schritt bei einem ReLU-Neuron anrichten kann,
- die Ergebnisse vieler Trainingsläufe auswerten und eine Lernrate begründet wählen.""",
    en=r"""# Unit 4: Backpropagation by hand – skip connection and dead ReLUs

In this unit you work through backpropagation for a small network completely by hand. The network
has only four weights, but it shows two effects that matter in large networks as well:

* A **skip connection** jumps over a layer. The gradient therefore reaches the first layer along
  two paths.
* **ReLU** neurons can "die". When and why, you will find out in section 3.

First, in section 0, you practise the tool for this on a small computational graph: every node
multiplies the upstream gradient by its local gradient. Then you will

1. set up all partial derivatives and implement them as a function,
2. explain what a skip connection is good for,
3. take one step of gradient descent by hand and find out what happens to the network next, and
4. find out in an experiment with 1000 random initialisations how often that happens and what
   role the learning rate plays.

**Learning goals.** You can
- carry out backpropagation on a computational graph node by node (upstream times local
  gradient) and apply the patterns of the add, multiply and max nodes,
- carry out backpropagation by hand for a network with a skip connection and add the
  contributions of both paths to a gradient,
- explain why a skip connection helps representation and gradient flow,
- explain why a dead ReLU neuron never learns again and what a step that is too large can do to a ReLU neuron,
- evaluate the results of many training runs and choose a learning rate and justify the choice.""",
)

GRAPH_TEXT = md(
    de=r"""## 0 Vorbereitung: Backpropagation auf einem Rechengraphen

Jede Rechnung eines Netzes lässt sich als **Rechengraph** zeichnen: Die Knoten sind einfache
Operationen (Addition, Multiplikation, Maximum, ReLU, …), die Kanten tragen die Zwischenergebnisse.
Wir beginnen mit dem kleinen Graphen
$$q = x + y,\qquad m = \max(z, w),\qquad f = q \cdot m.$$

**Vorwärts** berechnet jeder Knoten seinen Wert aus seinen Eingaben. **Rückwärts** braucht jeder
Knoten nur zwei Dinge:

* den **ankommenden Gradienten** $\partial f/\partial(\text{Ausgabe})$, der von oben kommt, und
* seinen **lokalen Gradienten** $\partial(\text{Ausgabe})/\partial(\text{Eingabe})$, der nur vom
  Knoten selbst abhängt.

Nach der Kettenregel gibt der Knoten an jede Eingabe das Produkt weiter:
$$\underbrace{\frac{\partial f}{\partial\,\text{Eingabe}}}_{\text{weitergegeben}}
= \underbrace{\frac{\partial f}{\partial\,\text{Ausgabe}}}_{\text{ankommend}}
\cdot \underbrace{\frac{\partial\,\text{Ausgabe}}{\partial\,\text{Eingabe}}}_{\text{lokal}}.$$

Drei Knotenarten kommen immer wieder vor:

| Knoten | lokale Gradienten | rückwärts |
|---|---|---|
| Addition $q = x + y$ | $\partial q/\partial x = \partial q/\partial y = 1$ | **verteilt** den ankommenden Gradienten unverändert an beide Eingaben |
| Multiplikation $f = q \cdot m$ | $\partial f/\partial q = m$, $\partial f/\partial m = q$ | **vertauscht**: Jede Eingabe bekommt den ankommenden Gradienten, multipliziert mit der *anderen* Eingabe |
| Maximum $m = \max(z, w)$ | $1$ für die größere Eingabe, $0$ für die kleinere | **leitet** den ankommenden Gradienten ganz an die größere Eingabe weiter; die kleinere bekommt $0$ |

Beim Maximum wirkt sich eine kleine Änderung der kleineren Eingabe auf $m$ gar nicht aus. (Bei
Gleichheit ist das Maximum nicht differenzierbar; wie nnkit geben wir den Gradienten dann der
ersten Eingabe.) Die ReLU ist ein Maximum mit der Konstanten $0$: $\mathrm{ReLU}(z) = \max(0, z)$.

Eine vierte Regel brauchen Sie gleich bei der Skip-Verbindung: Wird eine Größe an **mehreren
Stellen** verwendet (der Graph verzweigt sich), **addieren** sich die Gradienten, die von allen
Verwendungen zurückkommen.

**Ein Beispiel.** Mit $x = -2$, $y = 5$, $z = 1{,}5$ und $w = -1$ ergibt der Vorwärtsdurchlauf
$q = 3$, $m = 1{,}5$ und $f = 4{,}5$. Rückwärts:

1. Start: $\partial f/\partial f = 1$.
2. Multiplikation: $\partial f/\partial q = 1 \cdot m = 1{,}5$ und $\partial f/\partial m = 1 \cdot q = 3$.
3. Addition: $\partial f/\partial x = \partial f/\partial y = 1{,}5 \cdot 1 = 1{,}5$.
4. Maximum: $z > w$, also $\partial f/\partial z = 3 \cdot 1 = 3$ und $\partial f/\partial w = 3 \cdot 0 = 0$.

In der Ansicht gehen Sie dieselbe Rechnung Knoten für Knoten durch. Auf jeder Kante steht oben ihr
Wert (blau) und, sobald der Rückwärtsdurchlauf sie erreicht hat, unten ihr Gradient (rot). Die
Tabelle darunter zeigt für den Knoten des aktuellen Schritts den ankommenden, den lokalen und den
weitergegebenen Gradienten. Mit **Nächster Knoten rückwärts** gehen Sie einen Knoten weiter, mit
den Schiebereglern ändern Sie die Eingaben. Probieren Sie: Was geschieht mit $\partial f/\partial z$
und $\partial f/\partial w$, wenn $w$ größer als $z$ wird? Und was mit $\partial f/\partial x$, wenn
Sie nur $x$ verändern?""",
    en=r"""## 0 Preparation: backpropagation on a computational graph

Every computation of a network can be drawn as a **computational graph**: the nodes are simple
operations (add, multiply, max, ReLU, …), the edges carry the intermediate results. We start with
the small graph
$$q = x + y,\qquad m = \max(z, w),\qquad f = q \cdot m.$$

**Forwards**, every node computes its value from its inputs. **Backwards**, every node needs only
two things:

* the **upstream gradient** $\partial f/\partial(\text{output})$ that arrives from above, and
* its **local gradient** $\partial(\text{output})/\partial(\text{input})$, which depends on the
  node alone.

By the chain rule, the node passes the product down to each input:
$$\underbrace{\frac{\partial f}{\partial\,\text{input}}}_{\text{downstream}}
= \underbrace{\frac{\partial f}{\partial\,\text{output}}}_{\text{upstream}}
\cdot \underbrace{\frac{\partial\,\text{output}}{\partial\,\text{input}}}_{\text{local}}.$$

Three kinds of node come up again and again:

| node | local gradients | backwards |
|---|---|---|
| add $q = x + y$ | $\partial q/\partial x = \partial q/\partial y = 1$ | **distributes** the upstream gradient unchanged to both inputs |
| multiply $f = q \cdot m$ | $\partial f/\partial q = m$, $\partial f/\partial m = q$ | **swaps**: each input gets the upstream gradient times the *other* input |
| max $m = \max(z, w)$ | $1$ for the larger input, $0$ for the smaller | **routes** all of the upstream gradient to the larger input; the smaller one gets $0$ |

At the max node, a small change in the smaller input does not change $m$ at all. (At a tie the max
is not differentiable; like nnkit, we then give the gradient to the first input.) The ReLU is a max
with the constant $0$: $\mathrm{ReLU}(z) = \max(0, z)$.

You will need a fourth rule for the skip connection: when a quantity is used in **several places**
(the graph branches), the gradients coming back from all its uses **add up**.

**An example.** With $x = -2$, $y = 5$, $z = 1.5$ and $w = -1$ the forward pass gives $q = 3$,
$m = 1.5$ and $f = 4.5$. Backwards:

1. Start: $\partial f/\partial f = 1$.
2. Multiply: $\partial f/\partial q = 1 \cdot m = 1.5$ and $\partial f/\partial m = 1 \cdot q = 3$.
3. Add: $\partial f/\partial x = \partial f/\partial y = 1.5 \cdot 1 = 1.5$.
4. Max: $z > w$, so $\partial f/\partial z = 3 \cdot 1 = 3$ and $\partial f/\partial w = 3 \cdot 0 = 0$.

In the view you go through the same computation node by node. Each edge shows its value on top
(blue) and, once the backward pass has reached it, its gradient below (red). The table underneath
shows the upstream, local and downstream gradient of the current step's node. **Next node
backwards** moves on by one node; the sliders change the inputs. Try it: what happens to
$\partial f/\partial z$ and $\partial f/\partial w$ when $w$ becomes larger than $z$? And what
happens to $\partial f/\partial x$ when you change only $x$?""",
)

GRAPH_TASK = md(
    de=r"""Ist $f$ nicht das Ende der Rechnung, sondern Teil eines größeren Netzes mit dem Verlust $L$,
beginnt der Rückwärtsdurchlauf bei $f$ nicht mit $1$, sondern mit dem ankommenden Gradienten
$\partial L/\partial f$; alles Weitere bleibt gleich.

**Aufgabe 0a (2 Punkte).** Derselbe Graph mit $x = -1{,}3$, $y = 3{,}1$, $z = 0{,}7$ und
$w = -2{,}1$; von oben kommt $\partial L/\partial f = -2$ an. Rechnen Sie auf Papier vorwärts und
rückwärts und geben Sie die Gradienten an:
`graph_grads = [dL/dx, dL/dy, dL/dz, dL/dw]`. Die Schieberegler der Ansicht erreichen diese Werte
nicht – rechnen Sie selbst.

*Hinweis:* Python schreibt Dezimalzahlen mit Punkt: `0.7`, nicht `0,7` (das wäre ein Tupel aus
zwei Zahlen).""",
    en=r"""If $f$ is not the end of the computation but part of a larger network with the loss $L$,
the backward pass does not start at $f$ with $1$ but with the upstream gradient
$\partial L/\partial f$; everything else stays the same.

**Exercise 0a (2 points).** The same graph with $x = -1.3$, $y = 3.1$, $z = 0.7$ and $w = -2.1$;
the gradient arriving from above is $\partial L/\partial f = -2$. Work forwards and backwards on
paper and give the gradients: `graph_grads = [dL/dx, dL/dy, dL/dz, dL/dw]`. The view's sliders do
not reach these values – compute them yourself.""",
)

MAX_GATE_TEXT = md(
    de=r"""**Aufgabe 0b (1 Punkt).** Ein anderer Graph: $f = \max(x \cdot y,\ z)$ mit $x = 2$, $y = -3$
und $z = -1$. Welche Aussage über die Gradienten ist richtig? Setzen Sie `max_gate` auf einen der
Schlüssel:

* `"xy_zero"`: $\partial f/\partial x = \partial f/\partial y = 0$ und $\partial f/\partial z = 1$.
* `"z_zero"`: $\partial f/\partial z = 0$, $\partial f/\partial x = -3$ und $\partial f/\partial y = 2$.
* `"all"`: $\partial f/\partial z = 1$, $\partial f/\partial x = -3$ und $\partial f/\partial y = 2$.
* `"no_swap"`: $\partial f/\partial z = 0$, $\partial f/\partial x = 2$ und $\partial f/\partial y = -3$.""",
    en=r"""**Exercise 0b (1 point).** Another graph: $f = \max(x \cdot y,\ z)$ with $x = 2$, $y = -3$
and $z = -1$. Which statement about the gradients is right? Set `max_gate` to one of the keys:

* `"xy_zero"`: $\partial f/\partial x = \partial f/\partial y = 0$ and $\partial f/\partial z = 1$.
* `"z_zero"`: $\partial f/\partial z = 0$, $\partial f/\partial x = -3$ and $\partial f/\partial y = 2$.
* `"all"`: $\partial f/\partial z = 1$, $\partial f/\partial x = -3$ and $\partial f/\partial y = 2$.
* `"no_swap"`: $\partial f/\partial z = 0$, $\partial f/\partial x = 2$ and $\partial f/\partial y = -3$.""",
)

NETWORK = md(
    de=r"""## Das Netz

Die Eingabe ist eine Zahl $x$, die Ausgabe eine Zahl $\hat y$; es gibt keine Biases. (Die
Buchstaben bedeuten ab hier etwas anderes als im Graphen aus Abschnitt 0: $x$ ist die Eingabe, $y$ der
Zielwert, $z_i$ sind die Summen und $w_i$ die Gewichte.)

$$z_0 = w_0\,x,\qquad h_0 = \mathrm{ReLU}(z_0)$$
$$z_1 = w_1\,h_0,\qquad h_1 = \mathrm{ReLU}(z_1)$$
$$z_2 = w_2\,h_1 + w_3\,h_0,\qquad \hat y = g_2(z_2) = z_2$$

Das Gewicht $w_3$ gehört zur **Skip-Verbindung**, die $h_0$ an der zweiten Schicht vorbei direkt
zur Ausgabe führt. Die Verlustfunktion ist der absolute Fehler
$$L(\hat y, y) = |y - \hat y|.$$

Die ReLU ist $\mathrm{ReLU}(z) = \max(0, z)$ mit der Ableitung $\mathrm{ReLU}'(z) = 1$ für $z > 0$
und $0$ für $z < 0$. Bei $z = 0$ hat die ReLU einen Knick und ist dort nicht differenzierbar; wir
setzen wie nnkit, PyTorch, TensorFlow und JAX $\mathrm{ReLU}'(0) = 0$. Kurz:
$\mathrm{ReLU}'(z) = \mathbb 1[z > 0]$.

Nach Aufgabe 3f können Sie alle Werte und Gradienten des Netzes für beliebige Eingaben und Gewichte
in einer Ansicht nachsehen.""",
    en=r"""## The network

The input is a number $x$, the output a number $\hat y$; there are no biases. (From here on
the letters mean something different from the graph in section 0: $x$ is the input, $y$ the target,
$z_i$ are the sums and $w_i$ the weights.)

$$z_0 = w_0\,x,\qquad h_0 = \mathrm{ReLU}(z_0)$$
$$z_1 = w_1\,h_0,\qquad h_1 = \mathrm{ReLU}(z_1)$$
$$z_2 = w_2\,h_1 + w_3\,h_0,\qquad \hat y = g_2(z_2) = z_2$$

The weight $w_3$ belongs to the **skip connection**: it carries $h_0$ past the second layer
straight to the output. The loss is the absolute error
$$L(\hat y, y) = |y - \hat y|.$$

The ReLU is $\mathrm{ReLU}(z) = \max(0, z)$ with the derivative $\mathrm{ReLU}'(z) = 1$ for
$z > 0$ and $0$ for $z < 0$. At $z = 0$ the ReLU has a kink and is not differentiable there; like
nnkit, PyTorch, TensorFlow and JAX we use $\mathrm{ReLU}'(0) = 0$. In short:
$\mathrm{ReLU}'(z) = \mathbb 1[z > 0]$.

After exercise 3f you can look up every value and gradient of the network for any inputs and
weights in a view.""",
)

DYHAT = md(
    de=r"""## 1 Backpropagation

### Der Anfang: $\partial L/\partial \hat y$

Bei $\hat y = y$ hat der Betrag einen Knick; dort setzen wir (wie nnkit) den Wert $0$, einen
Subgradienten.

> **Vorsicht.** In manchen Mitschriften steht
> „$\partial L/\partial \hat y = 1$ falls $\hat y > 0$, $1$ falls $\hat y < 0$“.
> Das ist falsch. Leiten Sie die Ableitung selbst her, statt sie abzuschreiben.

**Aufgabe 1a (1 Punkt).** Implementieren Sie `dL_dyhat(yhat, y)` für $L = |y - \hat y|$, mit dem
Wert $0$ bei $\hat y = y$.""",
    en=r"""## 1 Backpropagation

### The start: $\partial L/\partial \hat y$

At $\hat y = y$ the absolute value has a kink; there we use (like nnkit) the value $0$, a
subgradient.

> **Careful.** Some lecture notes say
> "$\partial L/\partial \hat y = 1$ if $\hat y > 0$, $1$ if $\hat y < 0$".
> That is wrong. Derive the derivative yourself rather than copying it.

**Exercise 1a (1 point).** Implement `dL_dyhat(yhat, y)` for $L = |y - \hat y|$, with the value
$0$ at $\hat y = y$.""",
)

BACKWARD_TEXT = md(
    de=r"""### Rückwärts durch das Netz

Wir kürzen ab: $\delta_2 = \partial L/\partial z_2$, $\delta_1 = \partial L/\partial z_1$,
$\delta_0 = \partial L/\partial z_0$. Wie in Abschnitt 0 braucht die Kettenregel an jedem Knoten nur
zwei Dinge: den ankommenden Gradienten und den lokalen Gradienten des Knotens.

Die Ausgabe ist die Identität, also $\delta_2 = \frac{\partial L}{\partial \hat y}\,g_2'(z_2) =
\frac{\partial L}{\partial \hat y}$. Aus $z_2 = w_2 h_1 + w_3 h_0$ folgt zum Beispiel
$$\frac{\partial L}{\partial w_2} = \delta_2\,\frac{\partial z_2}{\partial w_2} = \delta_2\,h_1.$$
Auf dieselbe Weise erhalten Sie nacheinander $\partial L/\partial w_3$, $\partial L/\partial h_1$,
$\delta_1$, $\partial L/\partial w_1$, $\partial L/\partial h_0$, $\delta_0$ und
$\partial L/\partial w_0$. Zwei Stellen verdienen Aufmerksamkeit:

* **An jeder ReLU** wird die ankommende partielle Ableitung mit $\mathrm{ReLU}'(z) =
  \mathbb 1[z > 0]$ multipliziert – mit der Ableitung, nicht mit dem Wert $\mathrm{ReLU}(z)$. Ist
  $z \le 0$, kommt dort kein Gradient durch. (In manchen Mitschriften steht „$1$ falls $z \neq 0$“;
  das ist falsch: Für $z < 0$ ist die Ableitung $0$.)
* **$h_0$ wirkt auf zwei Wegen auf $L$**: über $z_1$ und $h_1$, und direkt über die
  Skip-Verbindung in $z_2$. Die mehrdimensionale Kettenregel **addiert** die Beiträge beider
  Wege (die Regel für Verzweigungen aus Abschnitt 0). In den beiden Beiträgen stehen verschiedene
  Gewichte.

**Aufgabe 1b (1 Punkt).** Geben Sie $\partial L/\partial h_0$ als Ausdruck (als Text in
Anführungszeichen) an. Erlaubt sind `d2` für $\delta_2$, `d1` für $\delta_1$, `w0` … `w3`, `x`, `y`, `z0`, `z1`, `h0`,
`h1` und `relu_prime(z)` für $\mathrm{ReLU}'(z)$ (auch `relu'(z)` oder `H(z)`). So sähe zum
Beispiel $\partial L/\partial w_2$ aus: `"d2*h1"`.""",
    en=r"""### Backwards through the network

We abbreviate: $\delta_2 = \partial L/\partial z_2$, $\delta_1 = \partial L/\partial z_1$,
$\delta_0 = \partial L/\partial z_0$. As in section 0, the chain rule needs only two things at every
node: the upstream gradient and the node's local gradient.

The output is the identity, so $\delta_2 = \frac{\partial L}{\partial \hat y}\,g_2'(z_2) =
\frac{\partial L}{\partial \hat y}$. From $z_2 = w_2 h_1 + w_3 h_0$ we get, for example,
$$\frac{\partial L}{\partial w_2} = \delta_2\,\frac{\partial z_2}{\partial w_2} = \delta_2\,h_1.$$
In the same way you obtain, one after the other, $\partial L/\partial w_3$,
$\partial L/\partial h_1$, $\delta_1$, $\partial L/\partial w_1$, $\partial L/\partial h_0$,
$\delta_0$ and $\partial L/\partial w_0$. Two places deserve attention:

* **At every ReLU** the arriving partial derivative is multiplied by $\mathrm{ReLU}'(z) =
  \mathbb 1[z > 0]$ – by the derivative, not by the value $\mathrm{ReLU}(z)$. If $z \le 0$, no
  gradient gets through. (Some lecture notes say "$1$ if $z \neq 0$"; that is wrong: for $z < 0$
  the derivative is $0$.)
* **$h_0$ acts on $L$ along two paths**: through $z_1$ and $h_1$, and directly through the skip
  connection into $z_2$. The multivariable chain rule **adds** the contributions of both paths
  (the rule for branches from section 0). The two contributions contain different weights.

**Exercise 1b (1 point).** Give $\partial L/\partial h_0$ as an expression (as text in quotes).
Allowed are `d2` for $\delta_2$, `d1` for $\delta_1$, `w0` … `w3`, `x`, `y`, `z0`, `z1`, `h0`, `h1` and
`relu_prime(z)` for $\mathrm{ReLU}'(z)$ (also `relu'(z)` or `H(z)`). For example,
$\partial L/\partial w_2$ would be `"d2*h1"`.""",
)

BACKWARD_TASK = md(
    de=r"""**Aufgabe 1c (2 Punkte).** Implementieren Sie `backward(x, y, w)` für ein Beispiel $(x, y)$
und die Gewichte `w = (w0, w1, w2, w3)`: zuerst der Vorwärtsdurchlauf, dann der
Rückwärtsdurchlauf mit allen partiellen Ableitungen. Die Funktion gibt das Tupel
$(\partial L/\partial w_0, \partial L/\partial w_1, \partial L/\partial w_2, \partial L/\partial w_3)$
zurück. Sie dürfen `dL_dyhat` von oben verwenden. Die Prüfzelle vergleicht Ihre Funktion anhand
neuer Zufallseingaben, in denen alle Vorzeichenfälle vorkommen, mit nnkit.""",
    en=r"""**Exercise 1c (2 points).** Implement `backward(x, y, w)` for one example $(x, y)$ and the
weights `w = (w0, w1, w2, w3)`: first the forward pass, then the backward pass with all partial
derivatives. The function returns the tuple
$(\partial L/\partial w_0, \partial L/\partial w_1, \partial L/\partial w_2, \partial L/\partial w_3)$.
You may use `dL_dyhat` from above. The check cell compares your function with nnkit on fresh
random inputs covering all sign cases.""",
)

SKIP = [
    md(
        de=r"""## 2 Wozu eine Skip-Verbindung?

Überlegen Sie mit Ihren Formeln aus Aufgabe 1: Bei $x = 1$, $w_0 > 0$ und $w_1 < 0$ ist $z_1 < 0$,
das Neuron $h_1$ ist tot. Was gilt dann für $\hat y$, $\partial L/\partial w_0$ und
$\partial L/\partial w_3$ – und was, wenn zusätzlich $w_3 = 0$ ist? Nach Aufgabe 3f können Sie es
in einer Ansicht nachprüfen.""",
        en=r"""## 2 What is a skip connection for?

Think it through with your formulas from exercise 1: for $x = 1$, $w_0 > 0$ and $w_1 < 0$,
$z_1 < 0$ and the neuron $h_1$ is dead. What then holds for $\hat y$, $\partial L/\partial w_0$
and $\partial L/\partial w_3$ – and what if, in addition, $w_3 = 0$? After exercise 3f you can
check it in a view.""",
    ),
    manual(
        "u4_skip_why", 2,
        de=r"""**Aufgabe 2 (2 Punkte).** Erklären Sie, warum eine Skip-Verbindung einen Unterschied
machen kann. Gehen Sie auf zwei Gesichtspunkte ein: (a) welche Merkmale die Ausgabe mit
Skip-Verbindung kombinieren kann, und (b) wie der Gradient zu den frühen Schichten gelangt.""",
        en=r"""**Exercise 2 (2 points).** Explain why a skip connection can make a difference. Address
two aspects: (a) which features the output can combine with a skip connection, and (b) how the
gradient reaches the early layers.""",
        solution_de=r"""(a) **Darstellung:** Die Ausgabe $\hat y = w_2 h_1 + w_3 h_0$ kombiniert ein einfaches
Merkmal ($h_0$, eine ReLU der Eingabe) mit einem komplexeren aus der tieferen Schicht ($h_1$, ein
Merkmal von Merkmalen). Das Netz kann also alles, was das flachere Netz ohne die zweite Schicht
kann: Mit $w_2 = 0$ bleibt $\hat y = w_3 h_0$. Die tiefere Schicht muss nur noch eine Korrektur
lernen. Selbst wenn $h_1$ tot ist ($z_1 \le 0$), liefert das Netz über $w_3$ weiter sinnvolle
Ausgaben.

(b) **Gradientenfluss:** $\partial L/\partial h_0 = \delta_2 w_3 + \delta_1 w_1$ mit
$\delta_1 = \delta_2 w_2\,\mathrm{ReLU}'(z_1)$. Der Summand $\delta_2 w_3$ läuft an der zweiten
Schicht vorbei: Er hängt weder von $\mathrm{ReLU}'(z_1)$ noch von $w_1 w_2$ ab. Ist $h_1$ tot
oder $w_1 w_2$ klein, erreicht trotzdem ein Gradient $w_0$, und die erste Schicht lernt weiter.
In tiefen Netzen ist der lange Weg ein Produkt vieler Faktoren, das verschwinden kann
(verschwindende Gradienten); Skip-Verbindungen schaffen kurze Wege mit wenigen Faktoren.""",
        solution_en=r"""(a) **Representation:** the output $\hat y = w_2 h_1 + w_3 h_0$ combines a simple
feature ($h_0$, one ReLU of the input) with a more complex one from the deeper layer ($h_1$, a
feature of features). So the network can do everything the shallower network without the second
layer can: with $w_2 = 0$ we still have $\hat y = w_3 h_0$. The deeper layer only has to learn a
correction. Even if $h_1$ is dead ($z_1 \le 0$), the network still produces useful outputs
through $w_3$.

(b) **Gradient flow:** $\partial L/\partial h_0 = \delta_2 w_3 + \delta_1 w_1$ with
$\delta_1 = \delta_2 w_2\,\mathrm{ReLU}'(z_1)$. The term $\delta_2 w_3$ bypasses the second
layer: it depends neither on $\mathrm{ReLU}'(z_1)$ nor on $w_1 w_2$. If $h_1$ is dead or
$w_1 w_2$ is small, a gradient still reaches $w_0$ and the first layer keeps learning. In deep
networks the long path is a product of many factors that can vanish (vanishing gradients); skip
connections create short paths with few factors.""",
    ),
]

STEP_TEXT = md(
    de=r"""## 3 Ein Schritt des Gradientenabstiegs von Hand

Gegeben sind das Trainingsbeispiel $(x, y) = (1, -3)$, die Startgewichte
$w_0 = w_1 = w_2 = w_3 = \tfrac12$ und die Lernrate $\eta = 1$. Ein Schritt des
Gradientenabstiegs ersetzt jedes Gewicht durch
$$w_i \leftarrow w_i - \eta\,\frac{\partial L}{\partial w_i}.$$
Rechnen Sie zuerst auf Papier, dann tragen Sie die Ergebnisse ein.

*Hinweis:* Python schreibt Dezimalzahlen mit Punkt: `0.1`, nicht `0,1` (das wäre ein Tupel aus
zwei Zahlen). Brüche wie `3/8` dürfen Sie direkt hinschreiben.

**Aufgabe 3a (1 Punkt).** Der Vorwärtsdurchlauf: `forward_values = [z0, h0, z1, h1, yhat]`.""",
    en=r"""## 3 One step of gradient descent by hand

We are given the training example $(x, y) = (1, -3)$, the initial weights
$w_0 = w_1 = w_2 = w_3 = \tfrac12$ and the learning rate $\eta = 1$. One step of gradient descent
replaces every weight by
$$w_i \leftarrow w_i - \eta\,\frac{\partial L}{\partial w_i}.$$
Compute on paper first, then enter your results. Fractions such as `3/8` are fine in Python.

**Exercise 3a (1 point).** The forward pass: `forward_values = [z0, h0, z1, h1, yhat]`.""",
)

AFTER_TEXT = md(
    de=r"""### Was das Netz nach dem Schritt tut

**Aufgabe 3e (1 Punkt).** Welche Aussage beschreibt das Netz nach dem ersten Schritt (mit
$\eta = 1$)? Rechnen Sie dazu mit den neuen Gewichten aus 3d den Vorwärtsdurchlauf für ein
beliebiges $x > 0$ und überlegen Sie, welche Gradienten dann entstehen. Setzen Sie `after_step` auf
einen der Schlüssel:

* `"better"`: Der Verlust sinkt weiter; mit jedem Schritt nähert sich $\hat y$ dem Zielwert $-3$.
* `"dead"`: Für jedes $x > 0$ ist $h_0 = h_1 = 0$ und $\hat y = 0$; alle Gradienten sind $0$,
  weitere Schritte ändern nichts mehr.
* `"skip_alive"`: Nur $h_1$ ist tot; über die Skip-Verbindung lernt das Netz weiter.
* `"undo"`: Der Verlust ist gestiegen; der nächste Schritt macht den ersten rückgängig.""",
    en=r"""### What the network does after the step

**Exercise 3e (1 point).** Which statement describes the network after the first step (with
$\eta = 1$)? Compute the forward pass with the new weights of 3d for any $x > 0$ and think about
which gradients result. Set `after_step` to one of the keys:

* `"better"`: the loss keeps decreasing; with every step $\hat y$ gets closer to the target $-3$.
* `"dead"`: for every $x > 0$, $h_0 = h_1 = 0$ and $\hat y = 0$; all gradients are $0$, further
  steps change nothing.
* `"skip_alive"`: only $h_1$ is dead; the network keeps learning through the skip connection.
* `"undo"`: the loss went up; the next step undoes the first one.""",
)

STEP_VIEW_TEXT = md(
    de=r"""Prüfen Sie Ihre Antworten auf 3a bis 3f nun in der Ansicht: Hier sehen Sie das Netz vor
und nach einem Schritt, mit allen Werten und Gradienten, und darüber die Funktion $\hat y(x)$ vorher
und nachher. Mit **Schritt** führen Sie den Schritt aus; die neuen Gewichte werden dann die
aktuellen. Klicken Sie mehrmals darauf. **Zurücksetzen** beginnt wieder bei $w_i = \tfrac12$. Die
Lernrate $\eta$ können Sie verändern; die Aufgaben beziehen sich auf $\eta = 1$.""",
    en=r"""Now check your answers to 3a to 3f in the view: here you see the network before and
after one step, with all values and gradients, and above it the function $\hat y(x)$ before and
after. **Step** takes the step; the new weights then become the current ones. Press it several
times. **Reset** starts again at $w_i = \tfrac12$. You can change the learning rate $\eta$; the
exercises refer to $\eta = 1$.""",
)

DEAD_EXPLAIN = manual(
    "u4_dead_explain", 2,
    de=r"""**Aufgabe 3g (2 Punkte).** Der Verlust ist durch den Schritt gesunken – und trotzdem ist das
Netz danach unbrauchbar. Erklären Sie, warum der Gradientenabstieg es nie wieder
verändert, und nennen Sie mindestens eine Maßnahme, die das verhindert hätte.""",
    en=r"""**Exercise 3g (2 points).** The step lowered the loss – and yet the network is useless after
it. Explain why gradient descent never changes it again, and name at least
one measure that would have prevented this.""",
    solution_de=r"""Nach dem Schritt ist $w = (-\tfrac14, \tfrac14, \tfrac14, 0)$. Für $x = 1$ (und jedes
$x > 0$) ist $z_0 = -\tfrac14 x < 0$, also $h_0 = 0$, damit $z_1 = 0$, $h_1 = 0$ und $\hat y = 0$:
Der Verlust ist $|{-3} - 0| = 3$. Im Rückwärtsdurchlauf ist zwar $\delta_2 = +1$, aber
$\partial L/\partial w_2 = \delta_2 h_1 = 0$, $\partial L/\partial w_3 = \delta_2 h_0 = 0$,
$\delta_1 = \delta_2 w_2\,\mathrm{ReLU}'(0) = 0$, also $\partial L/\partial w_1 = 0$, und
$\delta_0 = \partial L/\partial h_0 \cdot \mathrm{ReLU}'(-\tfrac14) = 0$, also
$\partial L/\partial w_0 = 0$. Alle Gradienten sind $0$: Der nächste Schritt ändert kein Gewicht –
und damit auch kein späterer. Das Neuron $h_0$ ist tot, und weil alles Weitere an ihm hängt, ist
das ganze Netz tot; es sitzt in einem flachen Bereich der Kostenfunktion fest. Der gesunkene
Verlust täuscht: Das Minimum $L = 0$ (mit $\hat y = -3$) ist unerreichbar geworden.

Abhilfe: eine kleinere Lernrate (der Schritt hat $w_0$ über $0$ hinaus ins Negative getragen),
eine Leaky ReLU oder eine andere Aktivierungsfunktion mit $g'(z) > 0$ für $z < 0$, ein Bias, der
$z_0$ positiv hält, eine andere Initialisierung oder ein Neustart.""",
    solution_en=r"""After the step $w = (-\tfrac14, \tfrac14, \tfrac14, 0)$. For $x = 1$ (and every
$x > 0$), $z_0 = -\tfrac14 x < 0$, so $h_0 = 0$, hence $z_1 = 0$, $h_1 = 0$ and $\hat y = 0$: the
loss is $|{-3} - 0| = 3$. In the backward pass $\delta_2 = +1$, but
$\partial L/\partial w_2 = \delta_2 h_1 = 0$, $\partial L/\partial w_3 = \delta_2 h_0 = 0$,
$\delta_1 = \delta_2 w_2\,\mathrm{ReLU}'(0) = 0$, so $\partial L/\partial w_1 = 0$, and
$\delta_0 = \partial L/\partial h_0 \cdot \mathrm{ReLU}'(-\tfrac14) = 0$, so
$\partial L/\partial w_0 = 0$. All gradients are $0$: the next step changes no weight – and so
neither does any later one. The neuron $h_0$ is dead, and since everything after it depends on
it, the whole network is dead; it is stuck in a flat region of the cost. The lower loss is
deceptive: the minimum $L = 0$ (with $\hat y = -3$) has become unreachable.

Remedies: a smaller learning rate (the step carried $w_0$ past $0$ into the negative), a leaky
ReLU or another activation with $g'(z) > 0$ for $z < 0$, a bias that keeps $z_0$ positive, a
different initialisation, or a restart.""",
)

EXPERIMENT_TEXT = md(
    de=r"""## 4 Das Experiment: 1000 Zufallsinitialisierungen

Ein einzelnes Beispiel kann täuschen. Wir trainieren das Netz deshalb auf wenigen
Trainingsdaten und wiederholen das Training 1000-mal mit zufälligen Startgewichten – alle Läufe
in einem einzigen vektorisierten Aufruf von `nnkit.train` (fester Startwert des Zufallsgenerators, also reproduzierbar).

* Trainingsdaten: $x \in \{0{,}5;\ 1;\ 1{,}5;\ 2\}$ mit Zielwerten $y = -x$.
  Das Netz kann sie exakt darstellen, zum Beispiel mit $w = (1, 0, 0, -1)$ – über die
  Skip-Verbindung.
* Kostenfunktion: $J = \frac14 \sum_i |y_i - \hat y_i|$, der Mittelwert der Verluste.
* Eine Vorhersage gilt als richtig, wenn $|\hat y_i - y_i| < 0{,}25$.
* Ein Lauf ist **tot**, wenn $h_0 = 0$ für alle Trainingspunkte: Dann sind alle Gradienten $0$.
  Weil alle $x_i > 0$ sind, heißt das genau $w_0 \le 0$.""",
    en=r"""## 4 The experiment: 1000 random initialisations

A single example can be misleading. So we train the network on a small training set and repeat
the training 1000 times with random initial weights – all runs in one vectorised call of
`nnkit.train` (fixed seed, so reproducible).

* Training set: $x \in \{0.5,\ 1,\ 1.5,\ 2\}$ with targets $y = -x$. The network can represent
  it exactly, for example with $w = (1, 0, 0, -1)$ – through the skip connection.
* Cost: $J = \frac14 \sum_i |y_i - \hat y_i|$, the mean of the losses.
* A prediction counts as right if $|\hat y_i - y_i| < 0.25$.
* A run is **dead** if $h_0 = 0$ for all training points: then all gradients are $0$. Since all
  $x_i > 0$, that means exactly $w_0 \le 0$.""",
)

EXPERIMENT_VIEW_TEXT = md(
    de=r"""Links sehen Sie, bei wie vielen der vier Trainingspunkte die Läufe am Ende danebenliegen, rechts
die Kosten während des Trainings (einige Läufe dünn, der Mittelwert aller Läufe dick). Die Zahlenwerte
nennen den Anteil toter Läufe am Anfang und am Ende und wie sich $J$ im ersten Schritt verändert.
Verändern Sie die Lernrate $\eta$ und die Anzahl $T$ der Schritte; gerechnet wird, sobald Sie den
Schieberegler loslassen. Mit $\eta = 0{,}3$ und $T = 100$ können Sie Ihre Antwort auf 4.1
nachprüfen.""",
    en=r"""On the left you see at how many of the four training points the runs are wrong at the end, on
the right the cost during training (a few runs thin, the mean of all runs thick). The values above
give the share of dead runs at the start and at the end and how $J$ changes in the first step.
Change the learning rate $\eta$ and the number $T$ of steps; the runs are recomputed when you
release the slider. With $\eta = 0.3$ and $T = 100$ you can check your answer to 4.1.""",
)

EXPERIMENT_QUESTIONS = [
    manual(
        "u4_ex4_one_step", 1,
        de=r"""**Aufgabe 4.2 (1 Punkt).** Stellen Sie $T = 1$ ein. Was beobachten Sie an den Kosten $J$
(dem Mittel der Verluste über die Trainingsdaten) nach einem Schritt? Erklären Sie die drei Fälle (gesunken, gleich, gestiegen).""",
        en=r"""**Exercise 4.2 (1 point).** Set $T = 1$. What do you observe about the cost $J$ (the
loss averaged over the training data) after one step? Explain the three cases (lower, same,
higher).""",
        solution_de=r"""In etwa der Hälfte der Läufe ändert sich $J$ überhaupt nicht: Diese Läufe sind
schon am Anfang tot ($w_0 \le 0$, also $h_0 = 0$ an allen Trainingspunkten, alle Gradienten $0$). In den
meisten übrigen Läufen sinkt $J$, in einigen steigt es: Ein Schritt mit der Lernrate $\eta$ gegen den
Gradienten kann über das Ziel hinausschießen – beim Betragsverlust wird der
Gradient nahe am Minimum nicht kleiner, und an den Knicken der ReLU ändert sich, welche Wege
aktiv sind. Der erste Schritt sagt also wenig über das Endergebnis.""",
        solution_en=r"""In about half of the runs $J$ does not change at all: they are dead from the start
($w_0 \le 0$, so $h_0 = 0$ at all training points, all gradients $0$). In most other runs $J$
goes down, in some it goes up: a step with the learning rate $\eta$ against the gradient can overshoot
– with the absolute loss the gradient does not get smaller near the minimum, and at the kinks of
the ReLU the active paths change. So the first step says little about the outcome.""",
    ),
    manual(
        "u4_ex4_many_steps", 2,
        de=r"""**Aufgabe 4.3 (2 Punkte).** Was beobachten Sie nach vielen Schritten? Sinken die Kosten
immer? Erklären Sie, warum sie das nicht müssen.""",
        en=r"""**Exercise 4.3 (2 points).** What do you observe after many steps? Does the cost always
decrease? Explain why it need not.""",
        solution_de=r"""Nein. Viele Läufe erreichen $J \approx 0$, aber nicht alle und nicht monoton. Der
Gradientenabstieg garantiert nur für hinreichend kleine Schritte auf einer glatten Kostenfunktion,
dass $J$ sinkt. Hier ist die Ableitung des Betrags immer $\pm 1$ (mal weitere Faktoren), auch ganz
nahe am Minimum: Die Schritte werden nicht kleiner, $J$ springt um das Minimum hin und her. Die
Knicke der ReLU erzeugen Sprünge im Gradienten. Ist $\eta$ zu groß, trägt ein Schritt $w_0$ unter
$0$: Der Lauf stirbt, und $J$ bleibt für immer auf einem hohen Wert stehen. Läufe, die schon am
Anfang tot sind, zeigen von Beginn an eine waagerechte Kostenkurve.""",
        solution_en=r"""No. Many runs reach $J \approx 0$, but not all, and not monotonically. Gradient
descent only guarantees that $J$ decreases for small enough steps on a smooth cost. Here the
derivative of the absolute value is always $\pm 1$ (times further factors), even very close to
the minimum: the steps do not get smaller, and $J$ jumps back and forth around the minimum. The
kinks of the ReLU cause jumps in the gradient. If $\eta$ is too large, a step carries $w_0$ below
$0$: the run dies, and $J$ stays at a high value forever. Runs that are dead at the start show a
flat cost curve from the beginning.""",
    ),
    manual(
        "u4_ex4_repeat", 2,
        de=r"""**Aufgabe 4.4 (2 Punkte).** Betrachten Sie die 1000 Läufe (das Histogramm) als 1000
Wiederholungen des Experiments. Erhalten Sie immer die richtigen Vorhersagen? Erklären Sie, warum
(nicht).""",
        en=r"""**Exercise 4.4 (2 points).** Look at the 1000 runs (the histogram) as 1000 repetitions of
the experiment. Do you always end up with the right predictions? Explain why (not).""",
        solution_de=r"""Nein, es gibt mehrere Endzustände: Läufe mit allen vier Punkten richtig, Läufe mit
allen vier falsch ($\hat y = 0$ überall: tot) und Läufe dazwischen (noch nicht konvergiert oder
pendelnd). Gründe: (1) die zufällige Initialisierung – ist $w_0 \le 0$, fließt von Anfang an kein
Gradient; (2) tote ReLUs sind absorbierend: Mit Gradient $0$ kann der Gradientenabstieg diesen
Zustand nie verlassen, und zu große Schritte führen auch Läufe, die lebendig begonnen haben,
dorthin (wie im Beispiel von Hand; auf $0$ gesetzt wird dabei nicht das Gewicht, sondern die
Ausgabe $h_0$ der ReLU – $w_0$ bleibt negativ); (3) flache Bereiche und Knicke der Kostenfunktion,
in denen der Gradientenabstieg stecken bleibt oder pendelt. Stirbt nur $h_1$ ($w_1 \le 0$), kann das Netz
über die Skip-Verbindung trotzdem alles richtig lernen. Abhilfen: eine andere Initialisierung,
Leaky ReLU, eine kleinere Lernrate, mehrere Neustarts.""",
        solution_en=r"""No, there are several end states: runs with all four points right, runs with all
four wrong ($\hat y = 0$ everywhere: dead) and runs in between (not yet converged or
oscillating). Reasons: (1) the random initialisation – if $w_0 \le 0$, no gradient flows from the
start; (2) dead ReLUs are absorbing: with gradient $0$, gradient descent can never leave that
state, and steps that are too large carry runs that started alive into it as well (as in the
example by hand; what is set to $0$ is not the weight but the output $h_0$ of the ReLU – $w_0$
stays negative); (3) flat regions and kinks of the cost where gradient descent gets stuck or
oscillates. If only $h_1$ dies ($w_1 \le 0$), the network can still learn everything through the
skip connection. Remedies: a different initialisation, leaky ReLU, a smaller learning rate,
several restarts.""",
    ),
    manual(
        "u4_ex4_lr", 2,
        de=r"""**Aufgabe 4.5 (2 Punkte).** Welche Rolle spielt die Lernrate $\eta$? Wann würden Sie sie
eher größer, wann eher kleiner wählen? Begründen Sie mit Ihren Beobachtungen (probieren Sie etwa
$\eta = 0{,}001$, $0{,}03$, $0{,}3$ und $1$).""",
        en=r"""**Exercise 4.5 (2 points).** What role does the learning rate $\eta$ play? When would you
rather choose it larger, when smaller? Support your answer with your observations (try, say,
$\eta = 0.001$, $0.03$, $0.3$ and $1$).""",
        solution_de=r"""$\eta$ ist die Schrittweite: $w \leftarrow w - \eta\,\nabla J$. Größer wählen, wenn
die Kosten gleichmäßig, aber langsam sinken oder nur wenige Schritte zur Verfügung stehen: Mit
$\eta = 0{,}001$ sind nach 100 Schritten die meisten lebendigen Läufe noch nicht am Ziel. Kleiner
wählen, wenn die Kosten springen, pendeln oder steigen, wenn Neuronen sterben, und nahe am
Minimum: Mit $\eta = 0{,}3$ liegen nur noch wenige Läufe am Ende überall richtig – die Schritte
pendeln um das Minimum, und zusätzliche Läufe sterben –, mit $\eta = 1$ sterben alle, weil große
Schritte $w_0$ unter $0$ tragen. Dazwischen ($\eta \approx 0{,}01$ bis $0{,}03$) liegt der beste Kompromiss. Oft verkleinert man
$\eta$ im Lauf des Trainings.""",
        solution_en=r"""$\eta$ is the step size: $w \leftarrow w - \eta\,\nabla J$. Choose it larger when the
cost decreases steadily but slowly, or when only a few steps are available: with $\eta = 0.001$,
most live runs have not reached the target after 100 steps. Choose it smaller when the cost
jumps, oscillates or rises, when neurons die, and near the minimum: with $\eta = 0.3$ only a few
runs end with every point right – the steps oscillate around the minimum, and more runs die –,
with $\eta = 1$ all runs die, because large steps carry $w_0$ below $0$. In between ($\eta \approx 0.01$ to
$0.03$) lies the best compromise. Often $\eta$ is reduced during training.""",
    ),
]

SUMMARY = md(
    de=r"""## Zusammenfassung

- Auf einem Rechengraphen gibt jeder Knoten rückwärts das Produkt aus ankommendem und lokalem
  Gradienten an seine Eingaben weiter: Die Addition verteilt den ankommenden Gradienten unverändert, die
  Multiplikation vertauscht die Eingaben ($\partial(xy)/\partial x = y$), das Maximum leitet ihn
  ganz an die größere Eingabe weiter.
- Die Backpropagation multipliziert rückwärts lokale Ableitungen; wirkt eine Größe auf zwei Wegen
  auf den Verlust (hier $h_0$ über $z_1$ und über die Skip-Verbindung), **addieren** sich die
  Beiträge beider Wege.
- Eine Skip-Verbindung gibt der Ausgabe einfache und zusammengesetzte Merkmale zugleich und dem
  Gradienten einen kurzen Weg zu den frühen Schichten.
- Ist $z \le 0$ für alle Daten, gibt ein ReLU-Neuron 0 aus und keinen Gradienten weiter: Es ist
  tot und bleibt es. Ein einziger zu großer Schritt kann ein Netz so töten, auch wenn der
  Verlust dabei sinkt.
- Über viele zufällige Starts zeigt sich: Zu kleine Lernraten sind langsam, zu große lassen die
  Kosten springen und töten Läufe; Leaky ReLU, eine andere Initialisierung und Neustarts helfen.""",
    en=r"""## Summary

- On a computational graph, every node passes the upstream gradient times its local gradient down
  to its inputs: add distributes it unchanged, multiply swaps the inputs
  ($\partial(xy)/\partial x = y$), max routes all of it to the larger input.
- Backpropagation multiplies local derivatives backwards; when a quantity acts on the loss along
  two paths (here $h_0$ through $z_1$ and through the skip connection), the contributions of both
  paths **add up**.
- A skip connection gives the output simple and composite features at once, and the gradient a
  short path to the early layers.
- If $z \le 0$ for all data, a ReLU neuron outputs 0 and passes no gradient back: it is dead and
  stays dead. A single step that is too large can kill a network this way, even while the loss
  goes down.
- Over many random starts: learning rates that are too small are slow, ones that are too large
  make the cost jump and kill runs; leaky ReLU, another initialisation and restarts help.""",
)

KILLED_TEXT = md(
    de=r"""**Aufgabe 4.1 (2 Punkte).** Welcher Anteil der Läufe stirbt erst durch das Training?
`experiment(lr, steps)` gibt ein Objekt zurück, dessen Einträge `start["w0"]` und `end["w0"]` die
Werte von $w_0$ aller 1000 Läufe zu Beginn und am Ende enthalten (Arrays). Berechnen Sie für
$\eta = 0{,}3$ und $T = 100$ den Anteil **aller** 1000 Läufe, die zu Beginn lebendig und am Ende
tot sind, als Zahl zwischen 0 und 1: `killed_fraction`.""",
    en=r"""**Exercise 4.1 (2 points).** What fraction of the runs does the training itself kill?
`experiment(lr, steps)` returns an object whose entries `start["w0"]` and `end["w0"]` hold the
values of $w_0$ of all 1000 runs at the start and at the end (arrays). For $\eta = 0.3$ and
$T = 100$, compute the share of **all** 1000 runs that are alive at the start and dead at the end,
as a number between 0 and 1: `killed_fraction`.""",
)


CELLS = [
    INTRO,
    GRAPH_TEXT,
    code("from workbook.views.computational_graph import GraphView\n\nGraphView()"),
    GRAPH_TASK,
    exercise(EX_GRAPH_GRADS, points=2, form="graph_grads = [dL/dx, dL/dy, dL/dz, dL/dw]",
             solution="# q = 1.8, m = max(0.7, -2.1) = 0.7 (z wins); dL/dq = -2 * m, "
                      "dL/dm = -2 * q\ngraph_grads = [-2 * 0.7, -2 * 0.7, -2 * 1.8, 0.0]"),
    MAX_GATE_TEXT,
    exercise(EX_MAX_GATE, points=1, form='max_gate = "..."',
             solution='max_gate = "xy_zero"  # x*y = -6 < z = -1: max routes everything to z'),
    NETWORK,
    code("import numpy as np\n"
         "from workbook.reference.dead_relu import experiment\n"
         "from workbook.views.dead_relu import BackpropView, ExperimentView, StepView"),
    DYHAT,
    exercise(EX_DYHAT, points=1, solution='''def dL_dyhat(yhat, y):
    """Partial derivative of L = |y - yhat| with respect to yhat (0 at yhat = y)."""
    ### BEGIN SOLUTION
    if yhat > y:
        return 1.0
    if yhat < y:
        return -1.0
    return 0.0
    ### END SOLUTION'''),
    md(de=r"""Zur Kontrolle: Für $\hat y > y$ ist $L = \hat y - y$, also $\partial L/\partial \hat y = +1$;
für $\hat y < y$ ist $L = y - \hat y$, also $\partial L/\partial \hat y = -1$. Zusammen
$$\frac{\partial L}{\partial \hat y} = \operatorname{sign}(\hat y - y).$$
Die Formel der Mitschrift ist also doppelt falsch: Entscheidend ist nicht das Vorzeichen von
$\hat y$, sondern das von $\hat y - y$ – der Betrag $|y - \hat y|$ hat seinen Knick bei
$\hat y = y$, nicht bei $0$. Und in einem der beiden Fälle ist die Ableitung $-1$: Wäre sie
überall $+1$, würde $L$ mit $\hat y$ immer nur wachsen und hätte bei $\hat y = y$ kein Minimum.""",
       en=r"""For reference: for $\hat y > y$ we have $L = \hat y - y$, so
$\partial L/\partial \hat y = +1$; for $\hat y < y$ we have $L = y - \hat y$, so
$\partial L/\partial \hat y = -1$. Together
$$\frac{\partial L}{\partial \hat y} = \operatorname{sign}(\hat y - y).$$
So the lecture notes' formula is wrong twice: what matters is not the sign of $\hat y$ but the sign
of $\hat y - y$ – the absolute value $|y - \hat y|$ has its kink at $\hat y = y$, not at $0$. And
in one of the two cases the derivative is $-1$: if it were $+1$ everywhere, $L$ would only ever
grow with $\hat y$ and would have no minimum at $\hat y = y$."""),
    BACKWARD_TEXT,
    exercise(EX_DH0, points=1, form='dL_dh0 = "..."',
             solution="dL_dh0 = \"d2*w3 + d2*w2*relu'(z1)*w1\"  # skip path + path through z1"),
    BACKWARD_TASK,
    exercise(EX_BACKWARD, points=2, solution='''def backward(x, y, w):
    """(dL/dw0, dL/dw1, dL/dw2, dL/dw3) for one example (x, y), w = (w0, w1, w2, w3)."""
    w0, w1, w2, w3 = w
    ### BEGIN SOLUTION
    # forward pass
    z0 = w0 * x
    h0 = max(0.0, z0)
    z1 = w1 * h0
    h1 = max(0.0, z1)
    yhat = w2 * h1 + w3 * h0
    # backward pass; ReLU'(z) = 1 if z > 0 else 0
    d2 = dL_dyhat(yhat, y)               # dL/dz2 = dL/dyhat, since g2 is the identity
    dw2 = d2 * h1                        # z2 = w2 h1 + w3 h0
    dw3 = d2 * h0
    dh1 = d2 * w2
    d1 = dh1 * (1.0 if z1 > 0 else 0.0)  # dL/dz1
    dw1 = d1 * h0
    dh0 = d2 * w3 + d1 * w1              # two paths: skip connection + through z1
    d0 = dh0 * (1.0 if z0 > 0 else 0.0)  # dL/dz0
    dw0 = d0 * x
    return (dw0, dw1, dw2, dw3)
    ### END SOLUTION'''),
    SKIP,
    STEP_TEXT,
    exercise(EX_STEP_FORWARD, points=1, form="forward_values = [z0, h0, z1, h1, yhat]",
             solution="forward_values = [1/2, 1/2, 1/4, 1/4, 1/2 * 1/4 + 1/2 * 1/2]  # yhat = 3/8"),
    md(de=r"**Aufgabe 3b (1 Punkt).** Der Verlust vor dem Schritt: `L_before`.",
       en=r"**Exercise 3b (1 point).** The loss before the step: `L_before`."),
    exercise(EX_STEP_LOSS, points=1, form="L_before = ...",
             solution="L_before = abs(-3 - 3/8)  # 27/8"),
    md(de=r"""**Aufgabe 3c (2 Punkte).** Die Gradienten als Zahlen:
`grads = [dL/dw0, dL/dw1, dL/dw2, dL/dw3]`. Achten Sie darauf, welches Gewicht zu welcher Kante
gehört: $w_2$ zu $h_1 \to \hat y$, $w_3$ zur Skip-Verbindung $h_0 \to \hat y$.""",
       en=r"""**Exercise 3c (2 points).** The gradients as numbers:
`grads = [dL/dw0, dL/dw1, dL/dw2, dL/dw3]`. Mind which weight belongs to which edge: $w_2$ to
$h_1 \to \hat y$, $w_3$ to the skip connection $h_0 \to \hat y$."""),
    exercise(EX_STEP_GRADS, points=2, form="grads = [dL/dw0, dL/dw1, dL/dw2, dL/dw3]",
             solution="""# d2 = dL/dyhat = sign(3/8 - (-3)) = +1
# dw2 = d2 h1 = 1/4;  dw3 = d2 h0 = 1/2
# d1 = d2 w2 ReLU'(1/4) = 1/2;  dw1 = d1 h0 = 1/4
# dh0 = d2 w3 + d1 w1 = 1/2 + 1/4 = 3/4;  d0 = dh0 ReLU'(1/2) = 3/4;  dw0 = d0 x = 3/4
grads = [3/4, 1/4, 1/4, 1/2]"""),
    md(de=r"**Aufgabe 3d (1 Punkt).** Die Gewichte nach dem Schritt: `w_new = [w0, w1, w2, w3]`.",
       en=r"**Exercise 3d (1 point).** The weights after the step: `w_new = [w0, w1, w2, w3]`."),
    exercise(EX_STEP_WEIGHTS, points=1, form="w_new = [w0, w1, w2, w3]",
             solution="w_new = [1/2 - 3/4, 1/2 - 1/4, 1/2 - 1/4, 1/2 - 1/2]  # [-1/4, 1/4, 1/4, 0]"),
    AFTER_TEXT,
    exercise(EX_AFTER_STEP, points=1, form='after_step = "..."', solution='after_step = "dead"'),
    md(de=r"**Aufgabe 3f (1 Punkt).** Der Verlust nach dem Schritt: `L_after`.",
       en=r"**Exercise 3f (1 point).** The loss after the step: `L_after`."),
    exercise(EX_AFTER_LOSS, points=1, form="L_after = ...",
             solution="L_after = abs(-3 - 0)  # z0 = -1/4 < 0, so h0 = h1 = 0 and yhat = 0"),
    STEP_VIEW_TEXT,
    code("StepView()"),
    md(de=r"""Dieselbe Rechnung für beliebige Eingaben und Gewichte: Mit den Schiebereglern wählen Sie
$x$, $y$ und die vier Gewichte. Das Diagramm zeigt an jedem Knoten $z$, $a = g(z)$ und
$\partial L/\partial z$, an jeder Kante das Gewicht und $\partial L/\partial w$; durchgezogene Kanten
sind positive, gestrichelte negative Gewichte. Die gebogene Kante ist die Skip-Verbindung, und die
Zahlenwerte über dem Diagramm zeigen die beiden Summanden von $\partial L/\partial h_0$ einzeln.
Probieren Sie: Was geschieht mit allen Gradienten, wenn Sie bei $x > 0$ das Gewicht $w_0$ negativ
machen? Und was, wenn nur $w_1$ negativ wird?""",
       en=r"""The same computation for any inputs and weights: with the sliders you choose $x$, $y$ and
the four weights. The diagram shows $z$, $a = g(z)$ and $\partial L/\partial z$ at every node, and
the weight and $\partial L/\partial w$ at every edge; solid edges are positive weights, dashed ones
negative. The curved edge is the skip connection, and the values above the diagram show the two
terms of $\partial L/\partial h_0$ separately. Try it: what happens to all gradients if you make
$w_0$ negative while $x > 0$? And what if only $w_1$ becomes negative?"""),
    code("BackpropView()"),
    DEAD_EXPLAIN,
    EXPERIMENT_TEXT,
    KILLED_TEXT,
    exercise(EX_KILLED, points=2, form="a number between 0 and 1",
             solution="""result = experiment(lr=0.3, steps=100)
alive_start = result.start["w0"] > 0  # all x > 0: h0 = 0 everywhere <=> w0 <= 0
dead_end = result.end["w0"] <= 0
killed_fraction = np.mean(alive_start & dead_end)"""),
    EXPERIMENT_VIEW_TEXT,
    code("ExperimentView()"),
    EXPERIMENT_QUESTIONS,
    SUMMARY,
]
