"""Unit 4, section 0: backpropagation on a computational graph, one node at a time.

The graph (as in cs231n's backprop notes)::

    q = x + y          (add node)
    m = max(z, w)      (max node)
    f = q · m          (multiply node)

Backwards, every node multiplies the gradient arriving from above (upstream, ∂f/∂out) by its
local gradient (∂out/∂in) and passes the product down to each input (downstream, ∂f/∂in):

- add:      local gradient 1 for both inputs: the upstream gradient is passed on unchanged;
- multiply: local gradient of one input is the OTHER input (∂(q·m)/∂q = m): the inputs swap;
- max:      local gradient 1 for the larger input, 0 for the other (on a tie the first input
            wins, as in ``nnkit.layers.maxout_backward``): the gradient is routed.

Example::

    from workbook.views.computational_graph import GraphView
    GraphView()          # sliders for x, y, z, w; "next node" steps backwards through the graph
"""

import html

import ipywidgets

from workbook.i18n import fmt, tr
from workbook.reference.computational_graph import backward
from workbook.views import plots
from workbook.views.diagram import Room
from workbook.views.widgets import View, int_slider, slider

#: The start of the view; the text of the unit works through the same numbers.
START = {"x": -2.0, "y": 5.0, "z": 1.5, "w": -1.0}
#: Step 0 is the forward pass; steps 1..4 each process one node, from the output backwards.
STEPS = 4


#: The node processed in each backward step (step 0: forward pass only).
ORDER = ("out", "mul", "add", "max")

# ------------------------------------------------------------------ drawing

_NODE = {"add": (250, 85), "max": (250, 245), "mul": (430, 165)}
_INPUT = {"x": (50, 30), "y": (50, 140), "z": (50, 190), "w": (50, 300)}
_OUT = (590, 165)
#: edge name -> (start, end, node that sends its gradient down this edge)
_EDGES = {
    "x": (_INPUT["x"], _NODE["add"], "add"), "y": (_INPUT["y"], _NODE["add"], "add"),
    "z": (_INPUT["z"], _NODE["max"], "max"), "w": (_INPUT["w"], _NODE["max"], "max"),
    "q": (_NODE["add"], _NODE["mul"], "mul"), "m": (_NODE["max"], _NODE["mul"], "mul"),
    "f": (_NODE["mul"], _OUT, "out"),
}
_SYMBOL = {"add": "+", "max": "max", "mul": "·"}


def _text(x, y, s, colour=plots.BLACK, size=13, weight="normal"):
    return (f"<text x='{x:.0f}' y='{y:.0f}' font-size='{size}' fill='{colour}' "
            f"font-weight='{weight}' text-anchor='middle' font-family='sans-serif'>"
            f"{html.escape(s)}</text>")


def _describe(v, step):
    """The text alternative of the drawing: the graph, its values and the gradients so far."""
    values = ", ".join(f"{n} = {fmt(getattr(v, n))}" for n in ("x", "y", "z", "w", "q", "m", "f"))
    done = [edge for node in ORDER[:step] for edge in v.nodes[node]]
    grads = ", ".join(f"∂f/∂{name} = {fmt(down)}" for name, _, _, down in done)
    text = tr(de=f"Rechengraph f = (x + y) · max(z, w), q = x + y, m = max(z, w). Werte: {values}.",
              en=f"Computational graph f = (x + y) · max(z, w), q = x + y, m = max(z, w). "
                 f"Values: {values}.")
    if grads:
        text += " " + tr(de="Gradienten bisher: ", en="Gradients so far: ") + grads + "."
    return text


def graph_svg(v, step):
    """The graph as SVG: on every edge its value (blue, above) and, once the backward pass has
    reached it, its gradient ∂f/∂· (vermillion, below); the node of the current step is bold."""
    current = ORDER[step - 1] if step else None
    done = {name: down for node in ORDER[:step] for name, _, _, down in v.nodes[node]}
    parts = []
    room = Room(640, 330)
    lines = {name: [(x1 + 14, y1), (x2 - 24, y2)]
             for name, ((x1, y1), (x2, y2), _) in _EDGES.items()}
    room.edges = list(lines.values())
    room.boxes = [(cx - 24, cy - 24, cx + 24, cy + 24) for cx, cy in _NODE.values()]
    room.boxes += [(cx - 30, cy - 10, cx - 10, cy + 10) for cx, cy in _INPUT.values()]
    room.boxes.append((_OUT[0] + 5, _OUT[1] - 10, _OUT[0] + 25, _OUT[1] + 10))
    for name, (_, _, sender) in _EDGES.items():
        (x1, y1), (x2, y2) = lines[name]
        width = 3 if sender == current else 1.5
        parts.append(f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' "
                     f"stroke='{plots.BLACK}' stroke-width='{width}'/>")
    for name, (_, _, sender) in _EDGES.items():  # labels beside the edges, never on one
        value = f"{name} = {fmt(getattr(v, name))}"
        for x, y, _ in room.place(lines[name], [value]):
            parts.append(_text(x, y + 5, value, plots.BLUE))
        if name in done:
            gradient = f"∂f/∂{name} = {fmt(done[name])}"
            for x, y, _ in room.place(lines[name], [gradient]):
                parts.append(_text(x, y + 5, gradient, plots.VERMILLION,
                                   weight="bold" if sender == current else "normal"))
    for node, (cx, cy) in _NODE.items():
        parts.append(f"<circle cx='{cx}' cy='{cy}' r='24' fill='#ffffff' stroke='{plots.BLACK}' "
                     f"stroke-width='{3 if node == current else 1.5}'/>")
        parts.append(_text(cx, cy + 5, _SYMBOL[node], size=12 if node == "max" else 16,
                           weight="bold"))
    for name, (cx, cy) in _INPUT.items():
        parts.append(_text(cx - 20, cy + 5, name, size=15, weight="bold"))
    parts.append(_text(_OUT[0] + 15, _OUT[1] + 5, "f", size=15, weight="bold"))
    label = html.escape(_describe(v, step), quote=True)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 640 330' width='640' "
            f"style='max-width:100%;height:auto' role='img' aria-label='{label}'>"
            + "".join(parts) + "</svg>")


def step_table(v, step):
    """HTML: what the node of this step does, one row per input edge:
    upstream gradient × local gradient = downstream gradient."""
    if step == 0:
        return tr(de="<b>Vorwärtsdurchlauf:</b> Jeder Knoten berechnet seinen Wert aus seinen "
                     "Eingaben. Klicken Sie auf „Nächster Knoten rückwärts“.",
                  en="<b>Forward pass:</b> every node computes its value from its inputs. "
                     "Press 'Next node backwards'.")
    node = ORDER[step - 1]
    if node == "out":
        return tr(de="<b>Schritt 1, Ausgabe:</b> Der Rückwärtsdurchlauf beginnt mit "
                     "∂f/∂f = 1.",
                  en="<b>Step 1, output:</b> the backward pass starts with ∂f/∂f = 1.")
    out = {"mul": "f", "add": "q", "max": "m"}[node]
    rule = {
        "mul": tr(de="Multiplikation: Der lokale Gradient nach einer Eingabe ist die andere "
                     "Eingabe.",
                  en="multiply: the local gradient with respect to one input is the other input."),
        "add": tr(de="Addition: Der lokale Gradient ist 1, der Gradient wird unverändert "
                     "weitergegeben.",
                  en="add: the local gradient is 1, so the gradient is passed on unchanged."),
        "max": tr(de="Maximum: Der lokale Gradient ist 1 für die größere Eingabe und 0 für die "
                     "andere.",
                  en="max: the local gradient is 1 for the larger input and 0 for the other."),
    }[node]
    head = tr(de=f"<b>Schritt {step}, Knoten {_SYMBOL[node]}</b> – {rule}",
              en=f"<b>Step {step}, node {_SYMBOL[node]}</b> – {rule}")
    columns = (tr(de="Kante", en="edge"),
               tr(de=f"ankommend ∂f/∂{out}", en=f"upstream ∂f/∂{out}"),
               tr(de=f"lokal ∂{out}/∂·", en=f"local ∂{out}/∂·"),
               tr(de="weitergegeben ∂f/∂·", en="downstream ∂f/∂·"))
    cell = "<td style='padding:0 12px;text-align:right'>{}</td>"
    rows = ["<tr>" + "".join(f"<th style='padding:0 12px'>{c}</th>" for c in columns) + "</tr>"]
    for name, up, local, down in v.nodes[node]:
        rows.append("<tr>" + cell.format(name) + cell.format(fmt(up)) + cell.format(fmt(local))
                    + cell.format(f"{fmt(up)} · {fmt(local)} = {fmt(down)}") + "</tr>")
    return f"{head}<table style='font-family:monospace'>{''.join(rows)}</table>"


class GraphView(View):
    """f = (x + y) · max(z, w): sliders for the inputs, a step slider (0 = forward pass,
    1..4 = one node after the other from the output backwards) and a button for the next step.
    The drawing shows every edge's value and, once reached, its gradient; the table below shows
    upstream, local and downstream gradient of the node of the current step."""

    def __init__(self, x=START["x"], y=START["y"], z=START["z"], w=START["w"], step=0):
        self.drawing = ipywidgets.HTML()
        self.table = ipywidgets.HTML()
        meaning = tr(de="Eingabe", en="input")
        controls = {name: slider(name, f"{meaning} {name}", value, -5.0, 5.0, step=0.5)
                    for name, value in zip("xyzw", (x, y, z, w), strict=True)}
        controls["step"] = int_slider(
            tr(de="Schritt", en="step"),
            tr(de="0: Vorwärtsdurchlauf; 1 bis 4: ein Knoten nach dem anderen rückwärts",
               en="0: forward pass; 1 to 4: one node after the other backwards"),
            step, 0, STEPS)
        super().__init__(controls, [self.drawing, self.table])
        self.next_button = self.button(tr(de="Nächster Knoten rückwärts",
                                          en="Next node backwards"), self.next_step)

    def next_step(self):
        """One node further backwards (after the last node: back to the forward pass)."""
        step = self.controls["step"]
        step.value = (step.value + 1) % (STEPS + 1)

    def values(self):
        return backward(*(self.controls[n].value for n in "xyzw"))

    def update(self):
        v, step = self.values(), self.controls["step"].value
        self.drawing.value = graph_svg(v, step)
        self.table.value = f"<div aria-live='polite'>{step_table(v, step)}</div>"
