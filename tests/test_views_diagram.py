"""workbook.views.diagram: the SVG network drawing, from fake traces (duck typing), a real one."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pytest

from nnkit import MLP
from workbook.i18n import fmt, set_language
from workbook.views.diagram import MAX_WIDTH, DiagramView, network_svg

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Node:
    layer: int
    unit: int
    z: float | None
    a: float | None
    dz: float | None = None
    da: float | None = None


@dataclass
class Edge:
    src: tuple
    dst: tuple
    name: str
    w: float
    dw: float | None = None


@dataclass
class Trace:
    nodes: list
    edges: list
    loss: float | None = None
    yhat: float | None = None


def skip_trace():
    """2-3-1 with a skip connection from the input straight to the output."""
    nodes = [Node(0, 0, None, 0.5), Node(0, 1, None, -1.0)]
    nodes += [Node(1, u, 0.11 * u - 0.3, max(0.0, 0.11 * u - 0.3), 0.05 * u, 0.1) for u in range(3)]
    nodes += [Node(2, 0, -1.9, -1.9, 0.4, 0.4)]
    edges = [Edge((0, i), (1, j), f"W1[{i},{j}]", (-1) ** (i + j) * (0.3 + 0.2 * i + 0.1 * j),
                  0.01 * (j + 1)) for i in range(2) for j in range(3)]
    edges += [Edge((1, j), (2, 0), f"W2[{j},0]", 0.7 - 0.5 * j, -0.02 * (j + 1)) for j in range(3)]
    edges += [Edge((0, i), (2, 0), f"W2_0[{i},0]", 0.25 - 0.6 * i, 0.03) for i in range(2)]
    return Trace(nodes, edges, loss=0.123, yhat=-1.9)


def texts(root, cls=None):
    """Every line of text in the drawing (of the texts of class cls)."""
    return [span.text for text in root.iter(f"{SVG}text") if cls in (None, text.get("class"))
            for span in text.iter(f"{SVG}tspan")]


def edge_elements(root):
    return [el for el in root.iter() if "edge" in el.get("class", "")]


def test_svg_is_well_formed_and_accessible():
    root = ET.fromstring(network_svg(skip_trace()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_node_value_and_edge_weight_is_shown(language):
    set_language(language)
    trace = skip_trace()
    lines = texts(ET.fromstring(network_svg(trace)))
    for node in trace.nodes:
        if node.layer == 0:  # two inputs: x₁, x₂
            assert f"x{'₁₂'[node.unit]} = {fmt(node.a)}" in lines
        else:
            assert f"z = {fmt(node.z)}" in lines and f"a = {fmt(node.a)}" in lines
    weights = [line for line in texts(ET.fromstring(network_svg(trace)), "weight")]
    assert sorted(weights) == sorted(f"{e.name} = {fmt(e.w)}" for e in trace.edges)
    assert f"L = {fmt(trace.loss)}" in lines


def test_german_drawing_uses_decimal_commas_and_german_labels():
    set_language("de")
    lines = texts(ET.fromstring(network_svg(skip_trace())))
    assert "x₁ = 0,50" in lines and "z = \u22121,90" in lines
    assert "Eingabe" in lines and "Ausgabe" in lines
    assert not any(c.isdigit() and "." in line for line in lines for c in line)


def test_gradients_only_when_asked():
    trace = skip_trace()
    plain = texts(ET.fromstring(network_svg(trace)))
    assert not any("∂" in line for line in plain)
    lines = texts(ET.fromstring(network_svg(trace, gradients=True)))
    for node in trace.nodes[2:]:
        assert f"∂L/∂z = {fmt(node.dz)}" in lines
    gradient_lines = [line for line in lines if line.startswith("∂L/∂W")]
    assert sorted(gradient_lines) == sorted(f"∂L/∂{e.name} = {fmt(e.dw)}" for e in trace.edges)


def test_digits():
    lines = texts(ET.fromstring(network_svg(skip_trace(), digits=3)))
    assert "z = \u22121.900" in lines and "W1[0,0] = 0.300" in lines


def test_skip_edges_are_curves_and_the_others_lines():
    trace = skip_trace()
    edges = edge_elements(ET.fromstring(network_svg(trace)))
    assert len(edges) == len(trace.edges)
    paths = [el for el in edges if el.tag == f"{SVG}path"]
    lines = [el for el in edges if el.tag == f"{SVG}line"]
    assert len(paths) == 2 and len(lines) == 9
    for path in paths:
        assert " C " in path.get("d")  # a Bezier curve
    # the two skip curves go different ways (one above, one below the columns)
    peaks = sorted(float(path.get("d").split()[5]) for path in paths)
    assert peaks[0] < peaks[1]


def test_negative_weights_are_dashed_and_orange_positive_solid_and_blue():
    trace = skip_trace()
    edges = edge_elements(ET.fromstring(network_svg(trace)))
    for e, el in zip(trace.edges, edges, strict=True):
        assert el.find(f"{SVG}title").text == f"{e.name} = {fmt(e.w)}"
        if e.w < 0:
            assert el.get("stroke-dasharray") and el.get("stroke") == "#E69F00"
        else:
            assert el.get("stroke-dasharray") is None and el.get("stroke") == "#0072B2"


def test_line_width_grows_with_the_size_of_the_weight():
    trace = skip_trace()
    edges = edge_elements(ET.fromstring(network_svg(trace)))
    pairs = sorted((abs(e.w), float(el.get("stroke-width")))
                   for e, el in zip(trace.edges, edges, strict=True))
    widths = [w for _, w in pairs]
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_edge_labels_do_not_overlap_each_other():
    """The 1-3-1 network of unit 3 (the browser test measures the drawn labels against edges and
    nodes of every view too; a dense one such as skip_trace, 2-3-1 with two curves, has no room
    for every label beside its edge and puts the last ones where they cover the least)."""
    trace = MLP([1, 3, 1], seed=0).trace(np.array([0.5]), np.array([0.3]))
    names = {e.name: f"w{k}".translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
             for k, e in enumerate(trace.edges)}
    root = ET.fromstring(network_svg(trace, gradients=True, names=names))
    points = [(float(s.get("x")), float(s.get("y"))) for t in root.iter(f"{SVG}text")
              for s in t.findall(f"{SVG}tspan")[:1]]
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1:]:
            assert abs(x1 - x2) > 30 or abs(y1 - y2) > 12, (x1, y1, x2, y2)


def test_a_trace_without_input_nodes_or_loss():
    trace = Trace([Node(1, 0, 0.2, 0.2)], [Edge((0, 0), (1, 0), "W1", -0.4)])
    root = ET.fromstring(network_svg(trace))
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert "W1 = \u22120.40" in texts(root) and not any(t.startswith("L =") for t in texts(root))


def test_diagram_view_replaces_its_drawing():
    trace = skip_trace()
    view = DiagramView(trace, gradients=True)
    first = view.value
    assert first.startswith("<svg") and "∂L/∂W" in first
    trace.edges[0].w = -2.0
    view.update(trace)
    assert view.value != first and "\u22122.00" in view.value
    assert view.last_update_ms >= 0


def test_a_real_trace_from_nnkit():
    net = MLP([2, 3, 1], seed=0)
    trace = net.trace(np.array([0.5, -1.0]), np.array([0.3]))
    root = ET.fromstring(network_svg(trace, gradients=True))
    lines = texts(root)
    assert len(edge_elements(root)) == len(trace.edges) == 9
    for e in trace.edges:
        assert f"{e.name} = {fmt(e.w)}" in lines
    for node in trace.nodes:
        if node.layer > 0:
            assert f"z = {fmt(node.z)}" in lines
    assert f"L = {fmt(trace.loss)}" in lines


def test_edges_are_labelled_with_the_course_names():
    """Unit 1's two weights and inputs by their names (both were "x = …" and "∂L/∂w" before)."""
    trace = Trace([Node(0, 0, None, 5.0), Node(0, 1, None, 4.0), Node(1, 0, 1.4, 1.4, 1.0)],
                  [Edge((0, 0), (1, 0), "W1[0,0]", 0.2, 5.0),
                   Edge((0, 1), (1, 0), "W1[1,0]", 0.1, 4.0)])
    lines = texts(ET.fromstring(network_svg(trace, gradients=True,
                                            names={"W1[0,0]": "w₁", "W1[1,0]": "w₂"})))
    for expected in ("x₁ = 5.00", "x₂ = 4.00", "w₁ = 0.20", "w₂ = 0.10", "∂L/∂w₁ = 5.00",
                     "∂L/∂w₂ = 4.00"):
        assert expected in lines
    one = Trace([Node(0, 0, None, 1.5), Node(1, 0, 0.3, 0.3)], [Edge((0, 0), (1, 0), "W1", 0.2)])
    assert texts(ET.fromstring(network_svg(one, inputs="a_prev")))[:2] == ["a_prev =", "1.50"]


@pytest.mark.parametrize("depth", [1, 3, 4, 6, 12, 30])
def test_a_long_chain_continues_in_rows_and_scales_to_the_page(depth):
    """Never wider than MAX_WIDTH (text at its natural size in a notebook that wide), scaled
    down by the page only (width 100%, max-width its natural width): a chain of 30 layers was
    7400 px wide in a sideways scrolling box."""
    nodes = [Node(0, 0, None, 0.5)] + [Node(i, 0, 0.1 * i, 0.5, 0.01) for i in range(1, depth + 1)]
    edges = [Edge((i - 1, 0), (i, 0), f"W{i}[0,0]", 1.0, 0.1) for i in range(1, depth + 1)]
    if depth >= 3:
        edges.append(Edge((1, 0), (depth, 0), f"W{depth}_1[0,0]", 1.0, 0.2))
    root = ET.fromstring(network_svg(Trace(nodes, edges, loss=0.5), gradients=True))
    width = float(root.get("width"))
    assert width <= MAX_WIDTH
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert f"width:100%;max-width:{root.get('width')}px;height:auto" in root.get("style")
    assert len(list(root.iter(f"{SVG}circle"))) == depth + 1
    assert len(edge_elements(root)) == len(edges)
    assert len(texts(root, "weight")) == 2 * len(edges)
