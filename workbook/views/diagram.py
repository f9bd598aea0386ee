"""A network diagram as SVG: layers as columns of circles, weights as lines.

Nodes show ``z`` and ``a`` (and ``∂L/∂z`` with ``gradients=True``); edges show their weight by
name, ``w₁ = 0,20`` (and ``∂L/∂w₁``). Line width grows with |w|; positive weights are solid blue,
negative ones dashed orange (colour is never the only cue). Edges that skip layers are drawn as
curves. Every label sits beside its edge, never on an edge, a node or another label.

The drawing scales to the width of the page (``viewBox``, ``width: 100%``) but never beyond its
natural size, which is at most ``MAX_WIDTH`` units: a network with more layers than fit (a long
chain) continues in the next row, like a line of text, so its text stays at its natural size
(12 units = 12 CSS px in a notebook at least ``MAX_WIDTH`` px wide) at every depth.

Works with any trace that has ``.nodes`` (``layer, unit, z, a, dz``), ``.edges``
(``src=(layer, unit), dst=(layer, unit), name, w, dw``) and optionally ``.loss``
(see nnkit/trace.py).

Example::

    from workbook.views.diagram import DiagramView, network_svg
    trace = net.trace(x, y)
    svg = network_svg(trace, gradients=True, names={"W1[0,0]": "w₁", "W1[1,0]": "w₂"})
    view = DiagramView(gradients=True, names={...})   # an HTML widget
    view.update(trace)
"""

import html
import math
import time
from itertools import pairwise

import ipywidgets

from workbook.i18n import fmt, tr

from .plots import NEGATIVE, POSITIVE

RADIUS = 30  #: of a node
COLUMN_GAP = 200  #: between the centres of neighbouring layers (at least)
WIDE_GAP = 300  #: between them in a network of two or three layers (room for its labels)
SIDE = 75  #: from the centre of the first (last) column to the left (right) edge of the drawing
AROUND = 40  #: room on the left for an edge from one row into a later one
MAX_WIDTH = 2 * SIDE + 3 * COLUMN_GAP + AROUND  #: the widest drawing (four columns); more wrap
SIZE = 12  #: font size of values and labels (user units: CSS px at the natural size)
HEADING = 13  #: font size of column headings
LINE = 1.2  #: line height in em
CHAR = 0.62  #: an estimate of the average character width in em (for placing labels)
FONT = "font-family='sans-serif'"
HALO = "paint-order='stroke' stroke='white' stroke-width='3' stroke-linejoin='round'"
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _esc(text):
    return html.escape(str(text), quote=True)


def _column_title(layer, last):
    if layer == 0:
        return tr(de="Eingabe", en="input")
    if layer == last:
        return tr(de="Ausgabe", en="output")
    return tr(de=f"Schicht {layer}", en=f"layer {layer}")


def _text(x, y, lines, size=SIZE, anchor="middle", extra="", cls="label"):
    """An SVG text element with one tspan per line, centred vertically on y."""
    first = y - (len(lines) - 1) * size * LINE / 2
    spans = "".join(
        f"<tspan x='{x:.1f}' y='{first + i * size * LINE:.1f}'>{_esc(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return (f"<text class='{cls}' {FONT} font-size='{size}' text-anchor='{anchor}' "
            f"dominant-baseline='middle' {extra}>{spans}</text>")


def _size(lines, size=SIZE):
    """An estimate of the (width, height) of text lines, with 2 units of room around."""
    return (CHAR * size * max(len(line) for line in lines) + 4, LINE * size * len(lines) + 4)


def _box(x, y, lines, size=SIZE):
    """The box (x0, y0, x1, y1) of text lines centred at x, y."""
    w, h = _size(lines, size)
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(points, box):
    """Does the polyline ``points`` pass through ``box``? (Liang-Barsky clipping per segment.)"""
    for (x1, y1), (x2, y2) in pairwise(points):
        t0, t1, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
        for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]),
                     (dy, box[3] - y1)):
            if p == 0:
                if q < 0:
                    break
            elif p < 0:
                t0 = max(t0, q / p)
            else:
                t1 = min(t1, q / p)
        else:
            if t0 <= t1:
                return True
    return False


def _bezier(p0, p1, p2, p3, n=24):
    """Points of a cubic Bezier curve."""
    return [tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c
                  + t ** 3 * d for a, b, c, d in zip(p0, p1, p2, p3, strict=True))
            for t in (i / n for i in range(n + 1))]


def _towards(p, q, d):
    """The point at distance d from p towards q."""
    length = math.hypot(q[0] - p[0], q[1] - p[1]) or 1.0
    return (p[0] + d * (q[0] - p[0]) / length, p[1] + d * (q[1] - p[1]) / length)


class Room:
    """A drawing's edges (``edges``: polylines) and taken boxes (``boxes``: x0, y0, x1, y1 of
    nodes and labels); ``place`` finds room for a label beside an edge."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.edges, self.boxes = [], []

    def place(self, points, lines):
        """Where the label ``lines`` goes beside the polyline ``points``: ``[(x, y, lines)]``,
        the centres of the label, or of its lines one by one where the whole label finds no
        free place; if no place is free, the place that covers the least (edges before labels)."""
        spot = self._spot(points, lines)
        if spot is not None:
            return [(*spot, lines)]
        if len(lines) > 1:
            spots = []
            for line in lines:
                spot = self._spot(points, [line])
                if spot is None:
                    del self.boxes[len(self.boxes) - len(spots):]
                    break
                spots.append((*spot, [line]))
            else:
                return spots
        return [(*self._spot(points, lines, least=True), lines)]

    def _spot(self, points, lines, least=False):
        """The centre of the label beside ``points`` (above or left of it first, near the middle
        of its longest segments), or None if there is no free place (``least``: the place with
        the least under it)."""
        w, h = _size(lines)
        segments = sorted(pairwise(points), key=lambda s: -math.dist(*s))
        best = None
        for t in (0.5, 0.35, 0.65, 0.2, 0.8):
            for (x1, y1), (x2, y2) in segments:
                length = math.hypot(x2 - x1, y2 - y1) or 1.0
                nx, ny = (y2 - y1) / length, -(x2 - x1) / length  # a normal
                if ny > 0 or (ny == 0 and nx > 0):
                    nx, ny = -nx, -ny  # above (or left) first
                gap = (abs(nx) * w + abs(ny) * h) / 2 + 4
                for side in (1, -1):
                    x = x1 + t * (x2 - x1) + side * nx * gap
                    y = y1 + t * (y2 - y1) + side * ny * gap
                    box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                    cover = self.cover(box)
                    if cover == 0 or (least and (best is None or cover < best[0])):
                        best = (cover, x, y, box)
                    if cover == 0:
                        break
                if best is not None and best[0] == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is None:
            return None
        self.boxes.append(best[3])
        return best[1], best[2]

    def cover(self, box):
        """What ``box`` covers: the number of edges it meets, and 100 for each label or node
        (outside the drawing: 10000); 0 if it is free."""
        if box[0] < 2 or box[1] < 2 or box[2] > self.width - 2 or box[3] > self.height - 2:
            return 10000
        return (100 * sum(_meet(box, b) for b in self.boxes)
                + sum(_crosses(points, box) for points in self.edges))


def _symbol(name, index):
    """The input's name: x, or x₁, x₂, ... for several inputs."""
    return name if index is None else f"{name}{str(index + 1).translate(SUBSCRIPTS)}"


def network_svg(trace, *, gradients=False, digits=2, title=None, names=None, inputs="x"):
    """The SVG (a string) of the network in ``trace``, labels in the current language.

    ``gradients=True`` adds ∂L/∂z to nodes and ∂L/∂w to edges; ``digits`` is the number of
    decimals shown. ``names`` maps an edge's name in the trace (nnkit's ``W1[0,1]``) to the
    symbol the course uses (``w₂``); an edge without one is labelled with its own name.
    ``inputs`` is the symbol of the input: ``x`` is shown as ``x`` for one input and
    ``x₁, x₂, ...`` for several.

    >>> svg = network_svg(net.trace(x, y), gradients=True, names={"W1[0,0]": "w"})
    """
    names = names or {}
    nodes = {(n.layer, n.unit): n for n in trace.nodes}
    keys = set(nodes)
    for e in trace.edges:
        keys.update([tuple(e.src), tuple(e.dst)])
    layers = sorted({layer for layer, _ in keys})
    units = {layer: sorted(u for ly, u in keys if ly == layer) for layer in layers}
    row_gap = 100 + (24 if gradients else 0)
    per_row = (MAX_WIDTH - AROUND - 2 * SIDE) // COLUMN_GAP + 1
    rows = [layers[i:i + per_row] for i in range(0, len(layers), per_row)]
    where = {layer: (r, c) for r, row in enumerate(rows) for c, layer in enumerate(row)}
    gap = WIDE_GAP if len(layers) <= 3 else COLUMN_GAP
    column_x = [SIDE + c * gap for c in range(min(per_row, len(layers)))]
    width = 2 * SIDE + (len(column_x) - 1) * gap
    loss = getattr(trace, "loss", None)

    def heading(layer):
        lines = [_column_title(layer, layers[-1])]
        if layer == layers[-1] and loss is not None:
            lines.append(f"L = {fmt(loss, digits)}")
        return lines

    # Skip edges inside a row are arcs above (start and end in the upper half) or below the row,
    # one level further out per arc on that side. A skip edge into a later row leaves its source
    # upwards and goes round the left of the drawing into the top of its destination, each at
    # the next level above its row.
    level_gap = 18 + (16 if gradients else 0)
    arcs, count = {}, [{True: 0, False: 0} for _ in rows]  # id(edge) -> (up, level)
    around = {}  # id(edge) -> (level in the source's row, level in the destination's row)
    for e in trace.edges:
        (r1, c1), (r2, c2) = where[e.src[0]], where[e.dst[0]]
        if r1 == r2 and c2 - c1 > 1:
            tall = max(len(units[ly]) for ly in rows[r1])
            centre = (units[e.src[0]].index(e.src[1]) + units[e.dst[0]].index(e.dst[1])
                      + tall - (len(units[e.src[0]]) + len(units[e.dst[0]])) / 2) / 2
            up = centre < (tall - 1) / 2 or (centre == (tall - 1) / 2
                                              and count[r1][True] <= count[r1][False])
            arcs[id(e)] = (up, count[r1][up])
            count[r1][up] += 1
        elif r2 > r1 and layers.index(e.dst[0]) - layers.index(e.src[0]) > 1:
            around[id(e)] = (count[r1][True], count[r2][True])
            count[r1][True] += 1
            count[r2][True] += 1
    if around:
        column_x = [x + AROUND for x in column_x]  # room for the way round on the left
        width += AROUND
    label_h = _size(["", ""])[1]

    # Rows from top to bottom: headings, arcs above, nodes (with ∂L/∂z), arcs below, then the
    # way to the next row (with room for its label).
    pos, heads, tops, bottoms = {}, [], [], []
    y = 8
    heading_h = LINE * HEADING * (2 if loss is not None else 1) + 6
    for r, row in enumerate(rows):
        tall = max(len(units[ly]) for ly in row)
        up = RADIUS + 14 + count[r][True] * level_gap if count[r][True] else 0
        down = 14 + count[r][False] * level_gap if count[r][False] else 0
        top = y + heading_h + up + RADIUS + 4
        for c, layer in enumerate(row):
            offset = (tall - len(units[layer])) * row_gap / 2
            for k, unit in enumerate(units[layer]):
                pos[(layer, unit)] = (column_x[c], top + offset + k * row_gap)
            heads.append((column_x[c], y + heading_h / 2, heading(layer)))
        bottom = top + (tall - 1) * row_gap + RADIUS + (22 if gradients else 0)
        tops.append(top)
        bottoms.append(bottom)
        y = bottom + down + (2 * label_h + 16 if r < len(rows) - 1 else 8)
    width = max(width, 2 * SIDE)
    height = y

    free = Room(width, height)
    for x, y, lines in heads:
        free.boxes.append(_box(x, y, lines, HEADING))
    for x, y in pos.values():
        free.boxes.append((x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS))
        if gradients:
            free.boxes.append(_box(x, y + RADIUS + 12, ["∂L/∂z = −0,000"[:10 + digits]]))

    # The edges as polylines (curves sampled), cut at the circles; where their labels go.
    w_max = max((abs(e.w) for e in trace.edges), default=0.0) or 1.0
    shapes = []  # (edge, svg element, its geometry, points, points to put the label by)
    for e in trace.edges:
        p, q = pos[tuple(e.src)], pos[tuple(e.dst)]
        (r1, _), (r2, _) = where[e.src[0]], where[e.dst[0]]
        if id(e) in arcs:
            up, level = arcs[id(e)]
            peak = (tops[r1] - RADIUS - 14 - level * level_gap if up
                    else bottoms[r1] + 14 + level * level_gap)
            arc = (peak - 0.125 * (p[1] + q[1])) / 0.75  # cubic Bezier: its middle reaches peak
            dx = (q[0] - p[0]) / 3
            c1, c2 = (p[0] + dx, arc), (q[0] - dx, arc)
            p, q = _towards(p, c1, RADIUS), _towards(q, c2, RADIUS)
            d = (f"M {p[0]:.1f} {p[1]:.1f} C {c1[0]:.1f} {c1[1]:.1f} {c2[0]:.1f} {c2[1]:.1f} "
                 f"{q[0]:.1f} {q[1]:.1f}")
            curve = _bezier(p, c1, c2, q)
            shapes.append((e, "curve", d, curve, curve[8:17]))
        elif r1 == r2:
            points = [_towards(p, q, RADIUS), _towards(q, p, RADIUS)]
            shapes.append((e, "line", points, points, points))
        elif id(e) in around:
            level1, level2 = around[id(e)]
            y1 = tops[r1] - RADIUS - 14 - level1 * level_gap
            y2 = tops[r2] - RADIUS - 14 - level2 * level_gap
            left = column_x[0] - RADIUS - 30
            points = [(p[0], p[1] - RADIUS), (p[0], y1), (left, y1), (left, y2), (q[0], y2),
                      (q[0], q[1] - RADIUS)]
            shapes.append((e, "round", None, points, points))
        else:  # into the next row: out to the right, back along the gap, in from the left
            gap = bottoms[r1] + 8
            right, left = p[0] + RADIUS + 14, q[0] - RADIUS - 14
            points = [(p[0] + RADIUS, p[1]), (right, p[1]), (right, gap), (left, gap),
                      (left, q[1]), (q[0] - RADIUS, q[1])]
            shapes.append((e, "wrap", None, points, points))
    free.edges = [points for _, _, _, points, _ in shapes]

    edge_parts, labels = [], []
    for e, kind, geometry, points, near in shapes:
        negative = e.w < 0
        style = (f"stroke='{NEGATIVE if negative else POSITIVE}' fill='none' "
                 f"stroke-width='{1 + 5 * abs(e.w) / w_max:.2f}'"
                 + (" stroke-dasharray='7 4'" if negative else ""))
        symbol = names.get(e.name, e.name)
        tip = f"<title>{_esc(symbol)} = {fmt(e.w, digits)}</title>"
        cls = "edge skip" if kind in ("curve", "round") else "edge"
        if kind == "line":
            (x1, y1), (x2, y2) = geometry
            edge_parts.append(f"<line class='{cls}' x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' "
                              f"y2='{y2:.1f}' {style}>{tip}</line>")
        else:
            d = geometry or "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in points)
            edge_parts.append(f"<path class='{cls}' d='{d}' {style}>{tip}</path>")
        lines = [f"{symbol} = {fmt(e.w, digits)}"]
        if gradients and e.dw is not None:
            lines.append(f"∂L/∂{symbol} = {fmt(e.dw, digits)}")
        for x, y, part in free.place(near, lines):
            labels.append(_text(x, y, part, extra=HALO, cls="weight"))

    node_parts = []
    several = {layer: len(units[layer]) > 1 for layer in layers}
    for key in sorted(pos):
        x, y = pos[key]
        node = nodes.get(key)
        lines = []
        if node is not None:
            if key[0] == 0 or node.z is None:
                if node.a is not None:
                    name = _symbol(inputs, key[1] if several[key[0]] else None) \
                        if key[0] == 0 else "a"
                    lines.append(f"{name} = {fmt(node.a, digits)}")
            else:
                lines.append(f"z = {fmt(node.z, digits)}")
                if node.a is not None:
                    lines.append(f"a = {fmt(node.a, digits)}")
        node_parts.append(f"<circle class='node' cx='{x:.1f}' cy='{y:.1f}' r='{RADIUS}' "
                          f"fill='white' stroke='black' stroke-width='1.5'>"
                          f"<title>{_esc(_column_title(key[0], layers[-1]))}, "
                          f"{key[1] + 1}: {_esc('; '.join(lines))}</title></circle>")
        if any(len(line) > 10 for line in lines):  # "a_prev = 1,500" would not fit: two lines
            lines = [part for line in lines for part in line.replace(" = ", " =\n").split("\n")]
        node_parts.append(_text(x, y, lines, size=SIZE - 1, cls="value"))
        dz = getattr(node, "dz", None)
        if gradients and dz is not None and key[0] != 0:
            node_parts.append(_text(x, y + RADIUS + 12, [f"∂L/∂z = {fmt(dz, digits)}"],
                                    extra="font-style='italic'", cls="gradient"))

    head_parts = [_text(x, y, lines, size=HEADING, extra="font-weight='bold'", cls="heading")
                  for x, y, lines in heads]
    if title is not None:
        head_parts.append(_text(10, 15, [title], size=HEADING, anchor="start", cls="title"))

    summary = tr(de="Netz mit {n} Schichten", en="network with {n} layers").format(n=len(layers))
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
        f"viewBox='0 0 {width:.0f} {height:.0f}' role='img' aria-label='{_esc(summary)}' "
        f"style='width:100%;max-width:{width:.0f}px;height:auto'>"
        + "".join(edge_parts) + "".join(node_parts) + "".join(labels) + "".join(head_parts)
        + "</svg>"
    )


class DiagramView(ipywidgets.HTML):
    """An HTML widget showing ``network_svg``; ``update(trace)`` replaces the drawing.
    The keyword arguments are those of ``network_svg``.

    >>> diagram = DiagramView(gradients=True, names={"W1[0,0]": "w"})
    >>> diagram.update(net.trace(x, y))
    """

    def __init__(self, trace=None, *, gradients=False, digits=2, names=None, inputs="x",
                 **kwargs):
        super().__init__(**kwargs)
        self.options = {"gradients": gradients, "digits": digits, "names": names,
                        "inputs": inputs}
        self.last_update_ms = None
        if trace is not None:
            self.update(trace)

    def update(self, trace):
        """Draw ``trace``."""
        t0 = time.perf_counter()
        self.value = network_svg(trace, **self.options)
        self.last_update_ms = (time.perf_counter() - t0) * 1000.0
