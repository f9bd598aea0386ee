"""Unit 4, section 0 (workbook/views/computational_graph.py): the graph f = (x + y) max(z, w)
backwards node by node, and its step-through view. Expected numbers are derived by hand in the
comments or by centred differences, never read from the code under test."""

import re

import numpy as np
import pytest

from workbook.i18n import set_language
from workbook.units import unit4
from workbook.views import computational_graph as cg
from workbook.views import plots


def f(x, y, z, w):
    return (x + y) * max(z, w)


def centred(point, h=1e-6):
    out = []
    for i in range(4):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        out.append((f(*up) - f(*down)) / (2 * h))
    return np.array(out)


# ------------------------------------------------------------------ the math

def test_backward_agrees_with_centred_differences_away_from_ties():
    rng = np.random.default_rng(7)
    for _ in range(200):
        point = rng.uniform(-4, 4, 4)
        if abs(point[2] - point[3]) < 1e-3:
            continue
        np.testing.assert_allclose(cg.backward(*point).grads, centred(point), atol=1e-6)


def test_the_worked_example_of_the_text():
    # x = -2, y = 5, z = 1.5, w = -1: q = 3, m = 1.5, f = 4.5; df/dq = m, df/dm = q;
    # df/dx = df/dy = 1.5; z > w: df/dz = 3, df/dw = 0
    v = cg.backward(**cg.START)
    assert (v.q, v.m, v.f) == (3.0, 1.5, 4.5)
    assert v.grads == (1.5, 1.5, 3.0, 0.0)


def test_the_three_gate_patterns():
    v = cg.backward(1.0, 2.0, -0.5, 4.0)  # q = 3, m = w = 4
    # add: both inputs get the upstream gradient unchanged, local gradient 1
    assert [(up, local) for _, up, local, _ in v.nodes["add"]] == [(v.dq, 1.0), (v.dq, 1.0)]
    # multiply: each input's local gradient is the other input
    assert [(name, local) for name, _, local, _ in v.nodes["mul"]] == [("q", 4.0), ("m", 3.0)]
    # max: routed to the larger input w, z gets 0
    assert (v.dz, v.dw) == (0.0, 3.0)
    # downstream = upstream * local on every edge
    for node in ("mul", "add", "max"):
        for _, up, local, down in v.nodes[node]:
            assert down == up * local
    # a tie goes to the first input, as nnkit's maxout does
    tie = cg.backward(1.0, 1.0, 2.0, 2.0)
    assert (tie.dz, tie.dw) == (2.0, 0.0)


# ------------------------------------------------------------------ the view

def gradients_shown(view):
    return dict(re.findall(r"∂f/∂([xyzwqmf]) = (−?[\d.,]+)", view.drawing.value))


def test_view_steps_backwards_one_node_at_a_time():
    view = cg.GraphView()
    assert view.controls["step"].value == 0 and gradients_shown(view) == {}
    assert "x = −2.00" in view.drawing.value and "f = 4.50" in view.drawing.value
    expected_after = [
        {"f": "1.00"},                                      # step 1: the output
        {"f": "1.00", "q": "1.50", "m": "3.00"},            # step 2: multiply swaps
        {"f": "1.00", "q": "1.50", "m": "3.00", "x": "1.50", "y": "1.50"},  # add
        {"f": "1.00", "q": "1.50", "m": "3.00", "x": "1.50", "y": "1.50",
         "z": "3.00", "w": "0.00"},                         # max routes to z
    ]
    for step, expected in enumerate(expected_after, start=1):
        view.next_button.click()
        assert view.controls["step"].value == step
        assert gradients_shown(view) == expected
    assert "3.00 · 0.00 = 0.00" in view.table.value  # w: upstream 3, local 0
    view.next_button.click()  # after the last node: back to the forward pass
    assert view.controls["step"].value == 0 and gradients_shown(view) == {}


def test_view_sliders_change_the_routing_and_reset_restores():
    view = cg.GraphView(step=4)
    view.controls["w"].value = 2.5  # now w > z: m = 2.5, q = 3; the max routes to w
    shown = gradients_shown(view)
    assert (shown["z"], shown["w"], shown["x"]) == ("0.00", "3.00", "2.50")
    view.controls["x"].value = 0.0  # df/dx = m does not depend on x; df/dw = q = 5 now
    assert gradients_shown(view)["x"] == "2.50" and gradients_shown(view)["w"] == "5.00"
    view.reset()
    assert view.controls["w"].value == -1.0 and view.controls["step"].value == 4
    assert gradients_shown(view)["z"] == "3.00"


def test_view_speaks_german_and_has_a_text_alternative():
    set_language("de")
    try:
        view = cg.GraphView(step=2)
        svg = view.drawing.value
        label = re.search(r"role='img' aria-label='([^']+)'", svg).group(1)
        assert "Rechengraph" in label and "∂f/∂q = 1,50" in label and "x = −2,00" in label
        assert "ankommend" in view.table.value and "1,00 · 1,50 = 1,50" in view.table.value
        colours = set(re.findall(r"(?:fill|stroke)='(#[0-9A-Fa-f]{6})'", svg))
        assert colours <= {c.upper() for c in plots.PALETTE} | {"#ffffff"}
    finally:
        set_language("en")


def test_the_sliders_cannot_reach_the_inputs_of_exercise_0a():
    """The view teaches the patterns; exercise 0a's numbers must be worked out by hand."""
    view = cg.GraphView()
    for name, value in zip("xyzw", unit4.GRAPH_INPUTS, strict=True):
        control = view.controls[name]
        grid = np.arange(control.min, control.max + 1e-9, control.step)
        assert not np.any(np.isclose(grid, value)), name


@pytest.mark.parametrize("step", range(cg.STEPS + 1))
def test_every_step_draws_without_error(step):
    view = cg.GraphView(step=step)
    assert view.status.value == "" and view.drawing.value.startswith("<svg")
