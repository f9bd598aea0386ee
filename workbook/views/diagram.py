"""A network diagram as SVG: layers as columns of circles, weights as lines.

Nodes show ``z`` and ``a`` (and ``∂L/∂z`` with ``gradients=True``); edges show the weight ``w``
(and ``∂L/∂w``). Line width grows with |w|; positive weights are solid blue, negative ones
dashed orange (colour is never the only cue). Edges that skip layers are drawn as curves.

Works with any trace that has ``.nodes`` (``layer, unit, z, a, dz``), ``.edges``
(``src=(layer, unit), dst=(layer, unit), name, w, dw``) and optionally ``.loss``
(see nnkit/trace.py).

Example::

    from workbook.views.diagram import DiagramView, network_svg
    trace = net.trace(x, y)
    svg = network_svg(trace, gradients=True)   # a string
    view = DiagramView(gradients=True)         # an HTML widget
    view.update(trace)
"""

import html
import time

import ipywidgets

from workbook.i18n import fmt, tr

from .plots import NEGATIVE, POSITIVE

RADIUS = 34
COLUMN_GAP = 240
MARGIN = 60
FONT = "font-family='sans-serif'"
HALO = "paint-order='stroke' stroke='white' stroke-width='4' stroke-linejoin='round'"


def _esc(text):
    return html.escape(str(text), quote=True)


def _column_title(layer, last):
    if layer == 0:
        return tr(de="Eingabe", en="input")
    if layer == last:
        return tr(de="Ausgabe", en="output")
    return tr(de=f"Schicht {layer}", en=f"layer {layer}")


def _text(x, y, lines, size=12, anchor="middle", extra="", cls="label"):
    """An SVG text element with one tspan per line, centred vertically on y."""
    first = y - (len(lines) - 1) * size * 0.6
    spans = "".join(
        f"<tspan x='{x:.1f}' y='{first + i * size * 1.2:.1f}'>{_esc(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return (f"<text class='{cls}' {FONT} font-size='{size}' text-anchor='{anchor}' "
            f"dominant-baseline='middle' {extra}>{spans}</text>")


def _label_box(x, y, lines):
    """An estimate of the box (x0, y0, x1, y1) of 11 px text centred at x, y."""
    w = 6.4 * max(len(line) for line in lines) + 4
    h = 13.2 * len(lines) + 2
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _circle_box(x, y, gradients):
    return (x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS + (20 if gradients else 0))


def _overlap(a, b):
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


_POSITIONS = (0.5, 0.35, 0.65, 0.27, 0.73, 0.42, 0.58, 0.2, 0.8)


def _place(x1, y1, x2, y2, lines, obstacles):
    """The point on the line x1,y1 -> x2,y2 where the label covers the fewest obstacles
    (added to obstacles)."""
    best = None
    for t in _POSITIONS:
        x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        box = _label_box(x, y, lines)
        cover = sum(_overlap(box, o) for o in obstacles)
        if best is None or cover < best[0]:
            best = (cover, x, y, box)
        if cover == 0:
            break
    obstacles.append(best[3])
    return best[1], best[2]


def network_svg(trace, *, gradients=False, digits=2, title=None, fit=True):
    """The SVG (a string) of the network in ``trace``, labels in the current language.

    ``gradients=True`` adds ∂L/∂z to nodes and ∂L/∂w to edges; ``digits`` is the number of
    decimals shown. ``fit=True`` shrinks a wide drawing to the width of the page; ``fit=False``
    keeps its natural size (labels 13 px), for a container that scrolls.

    >>> svg = network_svg(net.trace(x, y), gradients=True)
    """
    nodes = {(n.layer, n.unit): n for n in trace.nodes}
    keys = set(nodes)
    for e in trace.edges:
        keys.update([tuple(e.src), tuple(e.dst)])
    layers = sorted({layer for layer, _ in keys})
    units = {layer: sorted(u for ly, u in keys if ly == layer) for layer in layers}
    row_gap = 100 + (20 if gradients else 0)
    tallest = max(len(u) for u in units.values())

    # Node centres, first relative to the highest row (y = 0).
    pos = {}
    for col, layer in enumerate(layers):
        offset = (tallest - len(units[layer])) * row_gap / 2
        for row, unit in enumerate(units[layer]):
            pos[(layer, unit)] = (MARGIN + 40 + col * COLUMN_GAP, offset + row * row_gap)
    middle = (tallest - 1) * row_gap / 2

    # Skip edges (over more than one layer) are curves: above the columns when they start and
    # end in the upper half, below otherwise; one level further out per curve on that side.
    skips = {}  # id(edge) -> (up, level)
    count = {True: 0, False: 0}
    for e in trace.edges:
        if layers.index(e.dst[0]) - layers.index(e.src[0]) > 1:
            centre = (pos[tuple(e.src)][1] + pos[tuple(e.dst)][1]) / 2
            up = centre < middle or (centre == middle and count[True] <= count[False])
            skips[id(e)] = (up, count[up])
            count[up] += 1
    level_gap = 16 + (14 if gradients else 0)
    room_up = RADIUS + 30 + count[True] * level_gap if count[True] else 0
    room_down = RADIUS + 30 + (14 if gradients else 0) + count[False] * level_gap \
        if count[False] else 0

    top = MARGIN + room_up + 10  # the centre of the highest row
    pos = {key: (x, top + y) for key, (x, y) in pos.items()}
    bottom = top + (tallest - 1) * row_gap
    width = 2 * (MARGIN + 40) + (len(layers) - 1) * COLUMN_GAP
    height = bottom + room_down + RADIUS + (30 if gradients else 10)

    obstacles = [_circle_box(x, y, gradients) for x, y in pos.values()]
    w_max = max((abs(e.w) for e in trace.edges), default=0.0) or 1.0
    edge_lines, labels, straight = [], [], []
    for e in trace.edges:
        (x1, y1), (x2, y2) = pos[tuple(e.src)], pos[tuple(e.dst)]
        negative = e.w < 0
        style = (f"stroke='{NEGATIVE if negative else POSITIVE}' fill='none' "
                 f"stroke-width='{1 + 5 * abs(e.w) / w_max:.2f}'"
                 + (" stroke-dasharray='7 4'" if negative else ""))
        tip = f"<title>{_esc(e.name)} = {fmt(e.w, digits)}</title>"
        lines = [fmt(e.w, digits)]
        if gradients and e.dw is not None:
            lines.append(f"∂L/∂w = {fmt(e.dw, digits)}")
        if id(e) in skips:
            up, level = skips[id(e)]
            peak = (top - RADIUS - 24 - level * level_gap if up
                    else bottom + RADIUS + 30 + (14 if gradients else 0) + level * level_gap)
            arc = (peak - 0.125 * (y1 + y2)) / 0.75  # cubic Bezier: its middle reaches `peak`
            dx = (x2 - x1) / 3
            edge_lines.append(f"<path class='edge skip' d='M {x1:.1f} {y1:.1f} C {x1 + dx:.1f} "
                              f"{arc:.1f} {x2 - dx:.1f} {arc:.1f} {x2:.1f} {y2:.1f}' {style}>"
                              f"{tip}</path>")
            labels.append(_text((x1 + x2) / 2, peak, lines, size=11, extra=HALO, cls="weight"))
            obstacles.append(_label_box((x1 + x2) / 2, peak, lines))
        else:
            edge_lines.append(f"<line class='edge' x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' "
                              f"y2='{y2:.1f}' {style}>{tip}</line>")
            straight.append((x1, y1, x2, y2, lines))
    for x1, y1, x2, y2, lines in straight:  # each label where it covers the least
        x, y = _place(x1, y1, x2, y2, lines, obstacles)
        labels.append(_text(x, y, lines, size=11, extra=HALO, cls="weight"))

    node_parts = []
    for key in sorted(pos):
        x, y = pos[key]
        node = nodes.get(key)
        lines = []
        if node is not None:
            if key[0] == 0 or node.z is None:
                if node.a is not None:
                    lines.append(f"{'x' if key[0] == 0 else 'a'} = {fmt(node.a, digits)}")
            else:
                lines.append(f"z = {fmt(node.z, digits)}")
                if node.a is not None:
                    lines.append(f"a = {fmt(node.a, digits)}")
        node_parts.append(f"<circle class='node' cx='{x:.1f}' cy='{y:.1f}' r='{RADIUS}' "
                          f"fill='white' stroke='black' stroke-width='1.5'>"
                          f"<title>{_esc(_column_title(key[0], layers[-1]))}, "
                          f"{key[1] + 1}: {_esc('; '.join(lines))}</title></circle>")
        node_parts.append(_text(x, y, lines, size=12, cls="value"))
        dz = getattr(node, "dz", None)
        if gradients and dz is not None and key[0] != 0:
            node_parts.append(_text(x, y + RADIUS + 12, [f"∂L/∂z = {fmt(dz, digits)}"], size=11,
                                    extra="font-style='italic' " + HALO, cls="gradient"))

    heads = [_text(MARGIN + 40 + col * COLUMN_GAP, MARGIN - 25, [_column_title(layer, layers[-1])],
                   size=13, extra="font-weight='bold'", cls="heading")
             for col, layer in enumerate(layers)]
    loss = getattr(trace, "loss", None)
    if loss is not None:
        heads.append(_text(MARGIN + 40 + (len(layers) - 1) * COLUMN_GAP, MARGIN - 7,
                           [f"L = {fmt(loss, digits)}"], size=13, cls="loss"))
    if title is not None:
        heads.append(_text(10, 15, [title], size=13, anchor="start", cls="title"))

    summary = tr(de="Netz mit {n} Schichten", en="network with {n} layers").format(n=len(layers))
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
        f"viewBox='0 0 {width:.0f} {height:.0f}' role='img' aria-label='{_esc(summary)}' "
        f"style='{'max-width:100%;height:auto' if fit else 'max-width:none'}'>"
        + "".join(edge_lines) + "".join(node_parts) + "".join(labels) + "".join(heads)
        + "</svg>"
    )


class DiagramView(ipywidgets.HTML):
    """An HTML widget showing ``network_svg``; ``update(trace)`` replaces the drawing.
    ``scroll=True`` keeps the drawing at its natural size in a horizontally scrolling box (for
    long chains, whose labels would shrink to a few pixels when fitted to the page).

    >>> diagram = DiagramView(gradients=True)
    >>> diagram.update(net.trace(x, y))
    """

    def __init__(self, trace=None, *, gradients=False, digits=2, scroll=False, **kwargs):
        super().__init__(**kwargs)
        self.options = {"gradients": gradients, "digits": digits, "fit": not scroll}
        self.last_update_ms = None
        if trace is not None:
            self.update(trace)

    def update(self, trace):
        """Draw ``trace``."""
        t0 = time.perf_counter()
        svg = network_svg(trace, **self.options)
        self.value = svg if self.options["fit"] else f"<div style='overflow-x:auto'>{svg}</div>"
        self.last_update_ms = (time.perf_counter() - t0) * 1000.0
