"""Networks of fully connected layers, with skip, dense and residual connections.

Layer l (1, 2, ...) reads the outputs h_s of earlier layers s in ``inputs`` (0 = the input X):

    z_l = sum_s h_s @ W_l^(s) + b_l,    h_l = g_l(z_l)  (+ h_{l-1} if residual)

Parameters (``net.params``, a dict name -> array): ``W{l}`` (inputs, outputs) for the source
l-1, ``W{l}_{s}`` for any other source s, ``b{l}`` (outputs,). With a restarts axis R every
parameter has a leading axis: (R, inputs, outputs), (R, outputs); losses then have shape (R,).
"""
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .layers import affine_backward, affine_forward
from .losses import get_loss
from .trace import build_trace


@dataclass
class Layer:
    """One layer of ``size`` units. ``inputs``: indices of earlier layers it reads
    (default: the previous one); ``residual``: add h_{l-1} to its output (same size needed)."""

    size: int
    activation: object = "relu"
    bias: bool = True
    inputs: tuple | None = None
    residual: bool = False


class Network:
    """A feed-forward network: ``Network(input_size, [Layer(...), ...], seed=None)``.

    >>> net = Network(1, [Layer(3, "sigmoid"), Layer(1, "identity")], seed=0)
    >>> loss, grads = net.loss_and_grads(X, Y, loss="mse")   # grads has the keys of net.params
    """

    def __init__(self, input_size, layers, seed=None):
        self.input_size = int(input_size)
        self.layers = []
        sizes = [self.input_size]
        for l, layer in enumerate(layers, 1):
            inputs = (l - 1,) if layer.inputs is None else tuple(int(s) for s in layer.inputs)
            if not inputs or any(not 0 <= s < l for s in inputs) or len(set(inputs)) < len(inputs):
                raise ValueError(f"layer {l}: inputs must be distinct earlier layers, got {inputs}")
            if layer.residual and sizes[l - 1] != layer.size:
                raise ValueError(f"layer {l}: residual needs size {sizes[l - 1]}, got {layer.size}")
            self.layers.append(Layer(int(layer.size), get_activation(layer.activation),
                                     bool(layer.bias), inputs, bool(layer.residual)))
            sizes.append(int(layer.size))
        self.sizes = sizes
        #: what the passes need of every layer, prepared once: the Layer, its weights
        #: ((source s, weight name), ...) and its bias name (None without a bias),
        #: e.g. for layer 3 reading layers 2 and 1: (Layer(...), ((2, "W3"), (1, "W3_1")), "b3")
        self.wiring = [(layer, tuple((s, self.weight_name(l, s)) for s in layer.inputs),
                        f"b{l}" if layer.bias else None)
                       for l, layer in enumerate(self.layers, 1)]
        self.params = self.init_params(seed)

    @staticmethod
    def weight_name(l, s):
        """The name of the weights from layer s into layer l: W{l} or W{l}_{s}."""
        return f"W{l}" if s == l - 1 else f"W{l}_{s}"

    def init_params(self, seed=None, restarts=None):
        """Fresh parameters (does not change the network): weights normal with standard
        deviation sqrt(2/fan_in) for ReLU-like layers, sqrt(1/fan_in) otherwise; biases 0.
        ``restarts=R`` adds the leading axis R (R independent initialisations)."""
        rng = np.random.default_rng(seed)
        lead = () if restarts is None else (int(restarts),)
        params = {}
        for l, layer in enumerate(self.layers, 1):
            fan_in = sum(self.sizes[s] for s in layer.inputs)
            gain = 2.0 if getattr(layer.activation, "name", "") in ("relu", "leaky_relu") else 1.0
            for s in layer.inputs:
                shape = (*lead, self.sizes[s], layer.size)
                params[self.weight_name(l, s)] = rng.normal(0, np.sqrt(gain / fan_in), shape)
            if layer.bias:
                params[f"b{l}"] = np.zeros((*lead, layer.size))
        return params

    @staticmethod
    def _batch(X, size):
        """X as a float array (n, size): a 1-D X is a column of n values if size == 1, else one
        example; a number is one example."""
        X = np.asarray(X, dtype=float)
        if X.ndim < 2:
            X = X.reshape(-1, 1) if size == 1 else X.reshape(1, -1)
        return X

    def _forward(self, X, params):
        """All layer outputs hs[0..L] (hs[0] = X, a batch) and per layer the cache for the
        backward pass: (z, a = g(z), ((source s, weight name, affine cache), ...))."""
        hs, caches = [X], []
        for layer, weights, bias in self.wiring:
            z, aff = None, []
            b = params[bias] if bias else None  # added once, with the first source
            for s, name in weights:
                out, cache = affine_forward(hs[s], params[name], b)
                z = out if z is None else z + out
                aff.append((s, name, cache))
                b = None
            a = layer.activation.fn(z)  # an Activation object since __init__: no lookup per step
            hs.append(a + hs[-1] if layer.residual else a)
            caches.append((z, a, aff))
        return hs, caches

    def _backward(self, dout, caches, input_grad=True):
        """Gradients of every parameter, and dh[l] = dL/dh_l for every layer (0 = the input,
        left out if not ``input_grad``)."""
        L = len(self.layers)
        grads, dh = {}, {L: dout}
        for l in range(L, 0, -1):
            (layer, _, bias), (z, a, aff) = self.wiring[l - 1], caches[l - 1]
            if layer.residual:  # h_l = g(z_l) + h_{l-1}: dL/dh_l flows on to h_{l-1} as it is
                dh[l - 1] = dh[l] if l - 1 not in dh else dh[l - 1] + dh[l]
            dz = layer.activation.backward(dh[l], z, a)
            for s, name, cache in aff:
                dx, grads[name], db = affine_backward(dz, cache, need_dx=s > 0 or input_grad)
                if db is not None:
                    grads[bias] = db
                if dx is not None:  # h_s may feed several layers: their gradients add up
                    dh[s] = dx if s not in dh else dh[s] + dx
        return grads, dh

    def forward(self, X, params=None):
        """The predictions Yhat (R?, n, outputs) for X (n, inputs)."""
        X = self._batch(X, self.input_size)
        return self._forward(X, self.params if params is None else params)[0][-1]

    def preactivations(self, X, params=None):
        """The pre-activations z_l of every layer (a list, layer 1 first)."""
        X = self._batch(X, self.input_size)
        return [c[0] for c in self._forward(X, self.params if params is None else params)[1]]

    def loss_and_grads(self, X, Y=None, loss="mse", params=None, dout=None):
        """The loss (a float, or shape (R,) with restarts) and its gradient for every parameter
        (a dict with the keys and shapes of ``params``). ``loss``: "mse", "sse", "l1" or a
        callable (yhat, y) -> (J, dyhat).

        ``dout``: the upstream gradient dL/dYhat, given directly instead of a target and a loss
        (a number, or an array broadcastable to Yhat's (R?, n, outputs)); the gradients are then
        those of sum(dout * Yhat), e.g. dout=1.0 gives dYhat/dW for one example with one output,
        and the loss is None."""
        hs, caches = self._forward(self._batch(X, self.input_size),
                                   self.params if params is None else params)
        Y = None if Y is None else self._batch(Y, self.sizes[-1])
        J, dyhat = self._upstream(hs[-1], Y, loss, dout)
        grads, _ = self._backward(dyhat, caches, input_grad=False)
        if J is None:
            return None, grads
        return (J if getattr(J, "ndim", 0) else float(J)), grads  # (R,) losses, or one float

    @staticmethod
    def _upstream(yhat, Y, loss, dout):
        """``(J, dL/dyhat)`` at the outputs ``yhat``: from the targets ``Y`` and ``loss``, or the
        upstream gradient ``dout`` itself (a number or an array, broadcast to yhat's shape;
        J is then None). ValueError if both Y and dout are given."""
        if dout is None:
            return get_loss(loss)(yhat, Y)
        if Y is not None:
            raise ValueError("give the targets or the upstream gradient dout, not both")
        return None, np.broadcast_to(np.asarray(dout, dtype=float), yhat.shape)

    def trace(self, x, y=None, loss="mse", dout=None):
        """The Trace (nnkit.trace) of one forward pass for the single example x (inputs,), and
        of the backward pass if the target y (outputs,) is given (with ``loss``) or the upstream
        gradient ``dout`` = dL/dyhat itself (a number or an array (outputs,); the trace's loss is
        then None): ``net.trace(x, dout=1.0)`` shows dyhat/dw on every edge."""
        if self.params["W1"].ndim != 2:
            raise ValueError("trace needs parameters without a restarts axis")
        X = np.asarray(x, dtype=float).reshape(1, self.input_size)
        hs, caches = self._forward(X, self.params)
        J, grads, dh = None, None, None
        if y is not None or dout is not None:
            Y = None if y is None else np.asarray(y, dtype=float).reshape(1, -1)
            J, dyhat = self._upstream(hs[-1], Y, loss, dout)
            grads, dh = self._backward(dyhat, caches)
        return build_trace(self, hs, caches, J, grads, dh)

    def __repr__(self):
        parts = [f"{L.size} {L.activation.name}" + ("" if L.bias else " no bias")
                 + ("" if L.inputs == (l - 1,) else f" from {L.inputs}")
                 + (" residual" if L.residual else "") for l, L in enumerate(self.layers, 1)]
        return f"Network({self.input_size} -> " + " -> ".join(parts) + ")"


class MLP(Network):
    """A plain multilayer perceptron: ``MLP([1, 3, 1], activation="sigmoid")`` has the hidden
    activation ``activation`` and the output activation ``output``."""

    def __init__(self, sizes, activation="relu", output="identity", bias=True, seed=None):
        layers = [Layer(n, activation, bias) for n in sizes[1:-1]]
        super().__init__(sizes[0], layers + [Layer(sizes[-1], output, bias)], seed)
