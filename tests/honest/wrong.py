"""The wrong-answer corpus, written by hand (not generated from the ``Mistake`` objects): for every
autograded exercise at least two wrong answers a student would give, among them forms that agree
with the right answer on a small range only (kinks, max/min, steps moved away from 0, the value
at 0). Each notebook holds one wrong answer per exercise, written so that it does not lean on
another wrong answer (the right intermediate values are computed inline where needed); every
notebook must earn nothing. tests/test_wrong_corpus.py grades them in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Wrong:
    name: str  # the student id
    unit: str
    cells: dict = field(default_factory=dict)  # answer grade id -> wrong source
    lang: str = "en"


Z2 = 'import numpy as np\n_z = np.array([w[f"w1_{k}0"] + w[f"w1_{k}1"] * 2 for k in (1, 2, 3)])\n'
G = "def g(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
PRED = ('def _pred(x, w):\n    return w["w2_10"] + sum(w[f"w2_1{k}"] * g(w[f"w1_{k}0"] + '
        'w[f"w1_{k}1"] * x) for k in (1, 2, 3))\n')


def _grads(sign="-", w2="w[f\"w2_1{k}\"]"):
    """Gradients of the 1-3-1 network with a chosen sign and first-layer factor."""
    return (PRED + "def gradients(x, y, w):\n    r = y - _pred(x, w)\n"
            f"    out = {{'w2_10': {sign}np.mean(r)}}\n"
            "    for k in (1, 2, 3):\n"
            "        a = g(w[f'w1_{k}0'] + w[f'w1_{k}1'] * x)\n"
            f"        out[f'w2_1{{k}}'] = {sign}np.mean(r * a)\n"
            f"        out[f'w1_{{k}}0'] = {sign}{w2} * np.mean(r * a * (1 - a))\n"
            f"        out[f'w1_{{k}}1'] = {sign}{w2} * np.mean(r * a * (1 - a) * x)\n"
            "    return out\n")


RIGHT_GRADS = _grads()
ALIVE = '_h = lambda x, w0: max(0.0, w0 * x)\n'

WRONG = [
    # ------------------------------------------------------------------ unit 1
    Wrong("w1_a", "unit1", {
        "u1_relu_grad": ("import numpy as np\n\ndef relu_grad(z):\n"
                         "    return (np.asarray(z) >= 0).astype(float)  # ReLU'(0) = 1"),
        "u1_dz_dw2": 'dz_dw2 = "w2"',
        "u1_dy_dw2": ("def dy_dw2(w1, w2, x1, x2):\n    z = w1 * x1 + w2 * x2\n"
                      "    return x2 if z >= 0 else 0.0"),
        "u1_z_cs1": "z_cs1 = 0.1 * 1 + 0.1 * 20",
        "u1_dy_dw2_cs1": "dy_dw2_cs1 = 20.0",
        "u1_z_cs2": "z_cs2 = -1.0",
        "u1_dy_dw2_cs2": "dy_dw2_cs2 = 1.0",
        "u1_w2_next_cs2": "w2_next_cs2 = -0.1 + 0.01 * 10",
        "u1_dead_choice": 'w2_fate = "grows"',
    }),
    Wrong("w1_b", "unit1", {
        "u1_relu_grad": "import numpy as np\n\ndef relu_grad(z):\n    return np.maximum(z, 0)",
        "u1_dz_dw2": 'dz_dw2 = "Max(x2, 0)"',  # = x2 for x2 > 0 only
        "u1_dy_dw2": "def dy_dw2(w1, w2, x1, x2):\n    return x2",
        "u1_z_cs1": "z_cs1 = 0.0",
        "u1_dy_dw2_cs1": "dy_dw2_cs1 = 1.0",
        "u1_z_cs2": "z_cs2 = 3.0",
        "u1_dy_dw2_cs2": "dy_dw2_cs2 = 20.0",
        "u1_w2_next_cs2": "w2_next_cs2 = -0.1",
        "u1_dead_choice": 'w2_fate = "zero"',
    }, lang="de"),
    Wrong("w1_c", "unit1", {
        "u1_relu_grad": ("import numpy as np\n\ndef relu_grad(z):\n"
                         "    return np.where(np.asarray(z) > 1, 1.0, 0.0)  # step moved"),
        "u1_dz_dw2": 'dz_dw2 = "Abs(x2)"',
        "u1_dy_dw2": ("def dy_dw2(w1, w2, x1, x2):\n    z = w1 * x1 + w2 * x2\n"
                      "    return max(x2, 0.0) if z > 0 else 0.0"),
        "u1_z_cs1": "z_cs1 = -1.8",
        "u1_w2_next_cs2": "w2_next_cs2 = -0.1 - 10",
        "u1_dead_choice": 'w2_fate = "shrinks"',
    }),
    # ------------------------------------------------------------------ unit 2
    Wrong("w2_a", "unit2", {
        "u2_sigmoid_grad": "def sigmoid_grad(z):\n    return sigmoid(z) * (1 + sigmoid(z))",
        "u2_leaky_relu": "def leaky_relu(z):\n    return np.maximum(np.asarray(z, dtype=float), 0)",
        "u2_leaky_relu_grad": ("def leaky_relu_grad(z):\n"
                               "    return np.where(np.asarray(z) > 0, 1.0, 0.0)"),
        "u2_maxout": "def maxout(x, w1, b1, w2, b2):\n    return min(w1 @ x + b1, w2 @ x + b2)",
        "u2_maxout_grad_w": "def maxout_grad_w(x, w1, b1, w2, b2):\n    return x, x",
        "u2_nonlinear": 'two_linear_layers = "quadratic"',
        "u2_layer_forward": "def layer_forward(W, a_prev, b):\n    return W @ a_prev + b",
        "u2_cost": "def cost(outputs, targets):\n    return np.sum((outputs - targets) ** 2)",
        "u2_derivative_x3": 'derivative_x3 = "x**2/3"',
        "u2_derivative_at_2": "derivative_at_2 = 4 / 3",
        "u2_forward_difference": ("def forward_difference(f, x, h):\n"
                                  "    return (f(x + h) - f(x - h)) / (2 * h)"),
        "u2_central_difference": ("def central_difference(f, x, h):\n"
                                  "    return (f(x + h) - f(x)) / h"),
        "u2_gd_step": "def gd_step(w, grad, lr):\n    return w + lr * grad",
        "u2_lr_max": "lr_max = 2.0",
        "u2_output_neuron_grads": ("def output_neuron_grads(a_prev, w, b, G):\n"
                                   "    z = w @ a_prev + b\n    delta = 2 * (max(z, 0.0) - G)\n"
                                   "    return delta * a_prev, delta"),
    }),
    Wrong("w2_b", "unit2", {
        "u2_sigmoid_grad": "def sigmoid_grad(z):\n    return sigmoid(z)",
        "u2_leaky_relu": ("def leaky_relu(z):\n    z = np.asarray(z, dtype=float)\n"
                          "    return np.where(z >= 0, z, 0.01 * z)"),
        "u2_leaky_relu_grad": ("def leaky_relu_grad(z):\n"
                               "    return np.where(np.asarray(z) >= 0, 1.0, 0.1)  # at 0: 1"),
        "u2_maxout": "def maxout(x, w1, b1, w2, b2):\n    return max(w1 @ x, w2 @ x)",
        "u2_maxout_grad_w": ("def maxout_grad_w(x, w1, b1, w2, b2):\n"
                             "    if w1 @ x + b1 >= w2 @ x + b2:\n"
                             "        return np.zeros_like(x), x\n    return x, np.zeros_like(x)"),
        "u2_nonlinear": 'two_linear_layers = "universal"',
        "u2_layer_forward": "def layer_forward(W, a_prev, b):\n    return sigmoid(W @ a_prev) + b",
        "u2_cost": "def cost(outputs, targets):\n    return np.mean((outputs - targets) ** 2)",
        "u2_derivative_x3": 'derivative_x3 = "3*x*Abs(x)"',  # = 3x^2 for x > 0 only
        "u2_derivative_at_2": "derivative_at_2 = 8",
        "u2_forward_difference": ("def forward_difference(f, x, h):\n"
                                  "    return (f(x + h) - f(x)) / (2 * h)"),
        "u2_central_difference": ("def central_difference(f, x, h):\n"
                                  "    return (f(x + h) - f(x - h)) / h"),
        "u2_gd_step": "def gd_step(w, grad, lr):\n    return w - grad",
        "u2_lr_max": "lr_max = 0.5",
        "u2_output_neuron_grads": ("def output_neuron_grads(a_prev, w, b, G):\n"
                                   "    z = w @ a_prev + b\n"
                                   "    delta = (max(z, 0.0) - G) * (1.0 if z > 0 else 0.0)\n"
                                   "    return delta * a_prev, delta"),
    }, lang="de"),
    Wrong("w2_c", "unit2", {
        "u2_sigmoid_grad": ("def sigmoid_grad(z):\n    s = sigmoid(z)\n"
                            "    return np.maximum(s * (1 - s), 0.2)  # right near 0 only"),
        "u2_leaky_relu": ("def leaky_relu(z):\n    z = np.asarray(z, dtype=float)\n"
                          "    return np.maximum(0.1 * z, np.minimum(z, 5))"),
        "u2_derivative_x3": 'derivative_x3 = "3*Max(x, 0)**2"',
    }),
    # ------------------------------------------------------------------ unit 3
    Wrong("w3_a", "unit3", {
        "u3_z": 'z_x2 = np.array([w[f"w1_{k}1"] * 2 for k in (1, 2, 3)])',
        "u3_a": Z2 + G + "a_x2 = g(_z) * (1 - g(_z))",
        "u3_yhat": Z2 + 'yhat_x2 = sum(w[f"w2_1{k}"] * g(_z[k - 1]) for k in (1, 2, 3))',
        "u3_predict": ('def predict_131(x, w):\n    return sum(w[f"w2_1{k}"] * g(w[f"w1_{k}0"] + '
                       'w[f"w1_{k}1"] * x) for k in (1, 2, 3))'),
        "u3_cost": PRED + "J_given = np.mean((y_data - _pred(x_data, w)) ** 2)",
        "u3_chain": 'd_ln = "1/(3*x**2)"',
        "u3_layer2": 'dJ_dw2_12 = "-(y - yhat) * g\'(z2)"',
        "u3_layer1": 'dJ_dw1_21 = "-(y - yhat) * w2_12 * g(z2) * x"',
        "u3_needed": 'needed_x = "a"',
        "u3_gradients": _grads(sign=""),
        "u3_step": (RIGHT_GRADS + "def train_step(x, y, w, alpha):\n    gr = gradients(x, y, w)\n"
                    "    return {k: w[k] + alpha * gr[k] for k in w}"),
        "u3_ingredients": "ingredients = [[1, 1, 1, 1]] * 5  # everything everywhere",
        "u3_numerical_gradients": (G + PRED + "def numerical_gradients(x, y, w, h):\n"
                                   "    J = lambda v: np.mean((y - _pred(x, v)) ** 2) / 2\n"
                                   "    return {k: (J({**w, k: w[k] + h}) - J(w)) / h for k in w}"
                                   "  # one-sided"),
        "u3_rel_error": ("def rel_error(a, b):\n"
                         "    return np.max(np.abs(np.asarray(a) - np.asarray(b)))  # absolute"),
    }),
    Wrong("w3_b", "unit3", {
        "u3_z": 'z_x2 = np.array([w[f"w1_{k}0"] + w[f"w1_{k}1"] for k in (1, 2, 3)])',
        "u3_a": Z2 + G + "a_x2 = np.maximum(_z, 0)",
        "u3_yhat": Z2 + G + 'yhat_x2 = w["w2_10"] + np.sum(g(_z))',
        "u3_predict": ('def predict_131(x, w):\n    return w["w2_10"] + sum(w[f"w2_1{k}"] * '
                       'np.maximum(0, w[f"w1_{k}0"] + w[f"w1_{k}1"] * x) for k in (1, 2, 3))'),
        "u3_cost": PRED + "J_given = np.sum((y_data - _pred(x_data, w)) ** 2) / 2",
        "u3_chain": 'd_ln = "2/Abs(x)"',  # = 2/x for x > 0 only
        "u3_layer2": 'dJ_dw2_12 = "-(y - yhat) * Max(g(z2), 1/2)"',  # right for z2 > 0 only
        "u3_layer1": 'dJ_dw1_21 = "-(y - yhat) * w2_12 * g\'(z2)"',
        "u3_needed": 'needed_x = "b"',
        "u3_gradients": _grads(w2="1"),
        "u3_step": (RIGHT_GRADS + "def train_step(x, y, w, alpha):\n"
                    "    return gradients(x, y, w)"),
        "u3_ingredients": ("ingredients = [[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], "
                           "[0, 0, 1, 1], [0, 0, 1, 1]]  # x also in the bias derivatives"),
        "u3_numerical_gradients": (G + PRED + "def numerical_gradients(x, y, w, h):\n"
                                   "    J = lambda v: np.mean((y - _pred(x, v)) ** 2) / 2\n"
                                   "    return {k: (J({**w, k: w[k] + h}) - J({**w, k: w[k] - h}))"
                                   " / h for k in w}  # not 2h"),
        "u3_rel_error": ("def rel_error(a, b):\n    a, b = np.asarray(a), np.asarray(b)\n"
                         "    return np.mean(np.abs(a - b) / np.maximum(1e-8, "
                         "np.abs(a) + np.abs(b)))  # the mean, not the largest"),
    }, lang="de"),
    Wrong("w3_c", "unit3", {
        "u3_rel_error": ("def rel_error(a, b):\n    a, b = np.asarray(a), np.asarray(b)\n"
                         "    return np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum("
                         "np.abs(a), np.abs(b))))  # max(|a|, |b|), not |a| + |b|"),
        "u3_chain": 'd_ln = "6*x"',
        "u3_layer2": 'dJ_dw2_12 = "(y - yhat) * g(z2)"',
        "u3_layer1": 'dJ_dw1_21 = "-(y - yhat) * w2_12 * g(z2) * (1 - g(z2)) * Abs(x)"',
    }),
    # ------------------------------------------------------------------ unit 4
    Wrong("w4_a", "unit4", {
        "u4_graph_grads": "graph_grads = [0.7, 0.7, 1.8, 0.0]  # dL/df = -2 forgotten",
        "u4_max_gate": 'max_gate = "all"',
        "u4_dyhat": ("import numpy as np\n\ndef dL_dyhat(yhat, y):\n"
                     "    return float(np.sign(y - yhat))"),
        "u4_dh0": 'dL_dh0 = "d2*w2*H(z1)*w1"',
        "u4_backward": ('def backward(x, y, w):\n    w0, w1, w2, w3 = w\n'
                        '    h0 = max(0.0, w0 * x)\n    h1 = max(0.0, w1 * h0)\n'
                        '    d2 = float(np.sign(w2 * h1 + w3 * h0 - y))\n'
                        '    d1 = d2 * w2 * (w1 * h0 > 0)\n'
                        '    d0 = d1 * w1 * (w0 * x > 0)  # the skip path is missing\n'
                        '    return (d0 * x, d1 * h0, d2 * h1, d2 * h0)'),
        "u4_step_forward": "forward_values = [0.5, 0.5, 0.25, 0.25, 0.125]",
        "u4_step_loss": "L_before = -3.375",
        "u4_step_grads": "grads = [0.25, 0.25, 0.25, 0.5]",
        "u4_step_weights": "w_new = [1.25, 0.75, 0.75, 1.0]",
        "u4_after_step": 'after_step = "better"',
        "u4_after_loss": "L_after = 3.375",
        "u4_killed": ('result = experiment(lr=0.3, steps=100)\n'
                      'killed_fraction = np.mean(result.end["w0"] <= 0)'),
    }),
    Wrong("w4_b", "unit4", {
        "u4_graph_grads": "graph_grads = [-2 * 1.8, -2 * 1.8, -2 * 0.7, 0]  # multiply not swapped",
        "u4_max_gate": 'max_gate = "z_zero"',
        "u4_dyhat": ("def dL_dyhat(yhat, y):\n"
                     "    return 1.0 if yhat >= y else -1.0  # at yhat = y: 1"),
        "u4_dh0": 'dL_dh0 = "d2*w3 + d2*w2*w1"',
        "u4_backward": ('import numpy as np\n\ndef backward(x, y, w):\n    w0, w1, w2, w3 = w\n'
                        '    h0 = max(0.0, w0 * x)\n    h1 = max(0.0, w1 * h0)\n'
                        '    d2 = float(np.sign(w2 * h1 + w3 * h0 - y))\n'
                        '    d1 = d2 * w2 * (w1 * h0 >= 0)  # ReLU\'(0) = 1\n'
                        '    d0 = (d2 * w3 + d1 * w1) * (w0 * x >= 0)\n'
                        '    return (d0 * x, d1 * h0, d2 * h1, d2 * h0)'),
        "u4_step_forward": "forward_values = [0.5, 0.5, 0.25, 0.25, 0.5]",
        "u4_step_loss": "L_before = 3 - 3/8",
        "u4_step_grads": "grads = [-0.75, -0.25, -0.25, -0.5]",
        "u4_step_weights": "w_new = [0.25, 0.25, 0.25, 0.0]",
        "u4_after_step": 'after_step = "undo"',
        "u4_after_loss": "L_after = 0",
        "u4_killed": ('result = experiment(lr=0.3, steps=100)\n'
                      'killed_fraction = np.mean(result.start["w0"] > 0)'),
    }, lang="de"),
    Wrong("w4_c", "unit4", {
        "u4_graph_grads": "graph_grads = [-1.4, -1.4, -3.6, -3.6]  # max routed to both inputs",
        "u4_max_gate": 'max_gate = "no_swap"',
        "u4_dh0": 'dL_dh0 = "d2*w3 + d2*w2*H(z1 - 2)*w1"',  # the step moved away from 0
        "u4_after_step": 'after_step = "skip_alive"',
    }),
    # ------------------------------------------------------------------ unit 5
    Wrong("w5_a", "unit5", {
        "u5_1a": 'answer_1a = "W[j, 1]"',
        "u5_1b": 'answer_1b = "x[j]"',
        "u5_1c": 'answer_1c = "1"',
        "u5_1d": 'answer_1d = "W[1, j]"',
        "u5_1e": 'answer_1e = "sigmoid(f[1]) * W[1, j]"',
        "u5_1f": 'answer_1f = "Sum(a[i] * W[i, j], (i, 1, m))"',
        "u5_2a_formula": 'answer_2a = "sigma\'(s1)*sigma\'(s2)*sigma\'(s3)*sigma\'(s4)*w2*w3*w4"',
        "u5_2a_function": ('import numpy as np\n\ndef do_dw1(x, w, b, act):\n'
                           '    s, o = [], x\n    for wi, bi in zip(w, b):\n'
                           '        s.append(wi * o + bi)\n        o = act.fn(s[-1])\n'
                           '    d = act.grad(np.array(s))\n'
                           '    return d[0] * np.prod(np.asarray(w[1:]) * d[1:])  # no x'),
        "u5_2c": 'answer_2c = "sigma(w4*o3 + b4)"',
        "u5_2d_formula": 'answer_2d = "x*sigma\'(s1)*sigma\'(s2)*sigma\'(s3)*sigma\'(s4)*w2*w3*w4"',
        "u5_2d_function": ('import numpy as np\n\ndef do_dw1_skip(x, w, b, act):\n'
                           '    s, o = [], x\n    for wi, bi in zip(w, b):\n'
                           '        s.append(wi * o + bi)\n        o = act.fn(s[-1])\n'
                           '    d = act.grad(np.array(s))\n'
                           '    return x * d[0] * np.prod(np.asarray(w[1:]) * d[1:])'),
        "u5_1g": "shapes = [(3, 5), (3, 2)]  # dX transposed",
        "u5_1h": ("def layer_backward(X, W, delta):\n"
                  "    return delta @ W.T, X.T @ delta, delta.mean(axis=0)  # db as a mean"),
    }),
    Wrong("w5_b", "unit5", {
        "u5_1a": 'answer_1a = "x[j]"',
        "u5_1b": 'answer_1b = "delta(i, 1) * W[1, j]"',
        "u5_1c": 'answer_1c = "delta(i, j)"',
        "u5_1d": 'answer_1d = "W[1, j] * relu(f[1])"',
        "u5_1e": 'answer_1e = "sigmoid(f[1]) * (1 + sigmoid(f[1])) * W[1, j]"',
        "u5_1f": 'answer_1f = "Sum(a[i] * H(f[i]) * W[j, i], (i, 1, m))"',
        "u5_2a_formula": 'answer_2a = "x*sigma\'(s1)*w2*w3*w4"',
        "u5_2a_function": ('import numpy as np\n\ndef do_dw1(x, w, b, act):\n'
                           '    s, o = [], x\n    for wi, bi in zip(w, b):\n'
                           '        s.append(wi * o + bi)\n        o = act.fn(s[-1])\n'
                           '    f = act.fn(np.array(s))  # the activation, not its derivative\n'
                           '    return x * f[0] * np.prod(np.asarray(w[1:]) * f[1:])'),
        "u5_2c": 'answer_2c = "sigma(w4*o3 + b4) + o1"',
        "u5_2d_formula": 'answer_2d = "x*sigma\'(s1)*sigma\'(s4)"',
        "u5_2d_function": ('import numpy as np\n\ndef do_dw1_skip(x, w, b, act):\n'
                           '    N = len(w)\n    s, o = [], x\n    for i in range(N):\n'
                           '        s.append(w[i] * o + b[i] + (o1 if i == N - 1 else 0))\n'
                           '        o = act.fn(s[i])\n        if i == 0:\n            o1 = o\n'
                           '    d = act.grad(np.array(s))\n'
                           '    return x * d[0] * d[N - 1]  # the skip path only'),
        "u5_1g": "shapes = [(5, 3), (2, 3)]  # dW transposed",
        "u5_1h": ("def layer_backward(X, W, delta):\n"
                  "    return delta @ W.T, (delta.T @ X).T / len(X), delta.sum(axis=0)"
                  "  # dW averaged"),
    }, lang="de"),
    Wrong("w5_c", "unit5", {
        "u5_1d": 'answer_1d = "W[1, j] * H(f[1] - 2)"',  # the step moved away from 0
        "u5_1e": 'answer_1e = "Max(sigmoid(f[1])*(1 - sigmoid(f[1])), 1/5) * W[1, j]"',
    }),
]
