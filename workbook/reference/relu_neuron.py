r"""Unit 1: the mini network $z = w_1 x_1 + w_2 x_2$, $y = \mathrm{ReLU}(z)$, its chain rule and
gradient descent on $w_2$ for a dead and a living neuron (built on nnkit).

$$\frac{\partial y}{\partial w_2} = \mathrm{ReLU}'(z)\, x_2$$ ($\mathrm{ReLU}'(0) = 0$).
"""

import numpy as np

from nnkit.activations import get_activation
from nnkit.network import Layer, Network

#: The two "current states" of the exercise (seed: w1 = 0,1 etc. with a decimal comma).
STATES = {
    1: {"w1": 0.1, "x1": 1.0, "w2": -0.1, "x2": 20.0},
    2: {"w1": 0.1, "x1": 20.0, "w2": -0.1, "x2": 10.0},
}


def forward(w1, w2, x1, x2):
    r"""$z = w_1 x_1 + w_2 x_2$ and $y = \mathrm{ReLU}(z)$; returns ``(z, y)``."""
    z = w1 * x1 + w2 * x2
    return z, float(get_activation("relu").fn(np.asarray(z)))


def chain_rule(w1, w2, x1, x2):
    r"""The three factors ``(dy/dz, dz/dw2, dy/dw2)`` read off nnkit's Trace (``mini_trace``,
    where $\partial L/\partial y = 1$): $\partial y/\partial z$ is the gradient at the
    neuron, $\partial z/\partial w_2$ the input $x_2$ on the edge of $w_2$ and
    $\partial y/\partial w_2$ the gradient on that edge."""
    trace = mini_trace(mini_network(w1, w2), w1, w2, x1, x2)
    w2_edge = trace.edge("W1[1,0]")
    return trace.node(1).dz, trace.node(*w2_edge.src).a, w2_edge.dw


def mini_network(w1, w2):
    """The mini network as an nnkit Network: 2 inputs, one ReLU neuron, no bias."""
    net = Network(2, [Layer(1, activation="relu", bias=False)], seed=0)
    net.params = {"W1": np.array([[w1], [w2]], dtype=float)}
    return net


def mini_trace(net, w1, w2, x1, x2):
    r"""nnkit's Trace of the mini network with cost $L = y$: backpropagation starts with the
    upstream gradient $\partial L/\partial y = 1$, so the diagram's $\partial L/\partial w_2$
    is $\partial y/\partial w_2$."""
    net.params = {"W1": np.array([[w1], [w2]], dtype=float)}
    trace = net.trace(np.array([x1, x2], dtype=float), dout=1.0)
    trace.loss = trace.yhat  # cost = y, as in the exercise
    return trace


def descent_on_w2(w1, w2, X, T, lr, steps):
    r"""Gradient descent on $w_2$ alone for the cost $J = \frac1n\sum_i \frac12(y_i - t_i)^2$
    (nnkit's "mse") over the data set ``X`` of shape (n, 2) with targets ``T`` of shape (n, 1):
    $w_2 \leftarrow w_2 - \eta\,\partial J/\partial w_2$ with
    $\partial J/\partial w_2 = \frac1n\sum_i (y_i - t_i)\,\mathrm{ReLU}'(z_i)\,x_{2,i}$ from
    nnkit's backpropagation. Returns ``(w2s, costs)``: $w_2^{(0)}, \dots, w_2^{(steps)}$ and the
    cost at each of them."""
    net = mini_network(w1, w2)
    w2s, costs = [], []
    for _ in range(steps + 1):
        net.params = {"W1": np.array([[w1], [w2]], dtype=float)}
        cost, grads = net.loss_and_grads(X, T, loss="mse")
        w2s.append(w2)
        costs.append(cost)
        w2 = w2 - lr * float(grads["W1"][1, 0])
    return np.array(w2s), np.array(costs)


#: Two data sets (inputs, targets) for the dead-neuron demo, both starting at w1 = 0.1, w2 = -0.1.
#: DEAD: x1 small and x2 large, so z = 0.1 x1 - 0.1 x2 < 0 for every example: dead from the start.
#: ALIVE: the targets are ReLU(0.1 x1 - 0.25 x2), so w2 = -0.25 fits them exactly (J = 0). The
#: first two examples have x1 = 3 x2: the neuron is alive for w2 > -0.3 and dead for w2 <= -0.3,
#: where J = 0.15625 and the gradient is 0. The curvature near w2 = -0.25 is
#: (10² + 20²) / 4 = 125: steps with eta < 0.008 approach -0.25 from above, larger ones overshoot
#: it, and from eta > 0.0107 on the first step lands beyond -0.3 and the neuron is dead for good.
DEAD = (np.array([[1.0, 20.0], [2.0, 15.0], [0.5, 8.0], [3.0, 12.0]]),
        np.array([[0.5], [0.5], [0.5], [0.5]]))
ALIVE = (np.array([[30.0, 10.0], [60.0, 20.0], [1.0, 20.0], [3.0, 12.0]]),
         np.array([[0.5], [1.0], [0.0], [0.0]]))
