"""Unit 4, section 0: the computational graph f = (x + y) · max(z, w), forward and backward.

    q = x + y          (add node)
    m = max(z, w)      (max node)
    f = q · m          (multiply node)

Backwards, every node multiplies the gradient arriving from above (upstream, ∂f/∂out) by its
local gradient (∂out/∂in) and passes the product down to each input (downstream, ∂f/∂in): add
passes it on unchanged, multiply swaps the inputs (∂(q·m)/∂q = m), max routes it to the larger
input (on a tie the first, as in ``nnkit.layers.maxout_backward``).
"""

from types import SimpleNamespace


def backward(x, y, z, w):
    """Forward and backward pass of f = (x + y) · max(z, w), node by node.

    Returns a namespace with the values ``q, m, f`` and, per node (``"out"``, ``"mul"``,
    ``"add"``, ``"max"``), a list of edges ``(input name, upstream, local, downstream)``;
    ``grads`` is ``(∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)``.
    """
    x, y, z, w = (float(v) for v in (x, y, z, w))
    v = SimpleNamespace(x=x, y=y, z=z, w=w, q=x + y, m=max(z, w))
    v.f = v.q * v.m
    df = 1.0                                   # ∂f/∂f: where the backward pass starts
    v.dq, v.dm = df * v.m, df * v.q            # multiply: the inputs swap
    v.dx, v.dy = v.dq * 1.0, v.dq * 1.0        # add: passed on unchanged
    z_wins = z >= w                            # max: routed to the larger input (z on a tie)
    v.dz, v.dw = v.dm * float(z_wins), v.dm * float(not z_wins)
    v.nodes = {
        "out": [("f", None, None, df)],
        "mul": [("q", df, v.m, v.dq), ("m", df, v.q, v.dm)],
        "add": [("x", v.dq, 1.0, v.dx), ("y", v.dq, 1.0, v.dy)],
        "max": [("z", v.dm, float(z_wins), v.dz), ("w", v.dm, float(not z_wins), v.dw)],
    }
    v.grads = (v.dx, v.dy, v.dz, v.dw)
    return v
