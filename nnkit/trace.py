"""A Trace: every value of one forward and backward pass for a single example, as floats.

Nodes are units ``(layer, unit)``; layer 0 is the input (``z = None``, ``a = x``, ``da = dL/dx``).
Edges are weights, named like ``W2[0,1]`` (row = source unit, column = destination unit).
Biases are not edges: each node stores its bias ``b`` and ``db = dL/db`` (None without bias).
Residual additions (h_l = g(z_l) + h_{l-1}) are not edges either; ``Trace.residual`` lists those
layers. Gradient fields are None when the trace was made without a target or an upstream gradient.
"""
from dataclasses import dataclass, field


@dataclass
class Node:
    layer: int
    unit: int
    z: float | None  # pre-activation (None for inputs)
    a: float  # output of the unit (x for inputs, yhat for outputs)
    dz: float | None = None  # dL/dz
    da: float | None = None  # dL/da
    b: float | None = None  # bias
    db: float | None = None  # dL/db


@dataclass
class Edge:
    src: tuple  # (layer, unit)
    dst: tuple  # (layer, unit)
    name: str  # e.g. "W3_1[0,0]"
    w: float
    dw: float | None = None  # dL/dw


@dataclass
class Trace:
    nodes: list
    edges: list
    loss: float | None = None
    yhat: float | tuple = None  # a float for one output, else a tuple
    residual: tuple = field(default_factory=tuple)

    def node(self, layer, unit=0):
        return next(n for n in self.nodes if (n.layer, n.unit) == (layer, unit))

    def edge(self, name):
        return next(e for e in self.edges if e.name == name)


def _f(a, *index):
    return None if a is None else float(a[index])


def build_trace(net, hs, caches, loss=None, grads=None, dh=None):
    """The Trace of ``net`` from its forward values (hs, caches) and, optionally, the backward
    values (grads, dh: dL/dh_l); used by ``Network.trace``."""
    grads, dh = grads or {}, dh or {}
    nodes = [Node(0, j, None, _f(hs[0], 0, j), None, _f(dh.get(0), 0, j))
             for j in range(net.input_size)]
    edges = []
    for l, layer in enumerate(net.layers, 1):
        z, act = caches[l - 1][0], layer.activation
        dz = None if l not in dh else dh[l] * act.grad(z)
        b, db = net.params.get(f"b{l}"), grads.get(f"b{l}")
        for j in range(layer.size):
            nodes.append(Node(l, j, _f(z, 0, j), _f(hs[l], 0, j), _f(dz, 0, j),
                              _f(dh.get(l), 0, j), _f(b, j), _f(db, j)))
        for s in layer.inputs:
            name = net.weight_name(l, s)
            W, dW = net.params[name], grads.get(name)
            edges += [Edge((s, i), (l, j), f"{name}[{i},{j}]", _f(W, i, j), _f(dW, i, j))
                      for i in range(W.shape[0]) for j in range(W.shape[1])]
    yhat = tuple(float(v) for v in hs[-1][0])
    return Trace(nodes, edges, None if loss is None else float(loss),
                 yhat[0] if len(yhat) == 1 else yhat,
                 tuple(l for l, layer in enumerate(net.layers, 1) if layer.residual))
