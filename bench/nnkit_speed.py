"""nnkit against PyTorch (CPU, eager) and hand-written numpy, side by side in one process.

1. One training step (forward + backward + update) of the 1-3-1 sine network of unit 3
   (sigmoid hidden layer, identity output, J = 1/(2n) sum (y - yhat)^2, n = 100), float64.
   nnkit: ``net.loss_and_grads`` + ``gd_step`` (the body of ``nnkit.train``'s loop);
   numpy: the same formulas written out; torch: autograd + an in-place update under no_grad.
2. The dead-ReLU experiment of unit 4 (the sheet 03 skip network: z0 = w0 x, h0 = relu(z0),
   z1 = w1 h0, h1 = relu(z1), yhat = w2 h1 + w3 h0, L1 loss, no biases) on the unit's training
   set: 1000 random initialisations trained for 1000 steps at once.
   nnkit: ``nnkit.train(..., loss="l1", restarts=1000)``; numpy: hand-written vectorised over the
   restarts; torch: tensors of shape (R,), autograd, batched over the restarts dimension.
   All three start from the same weights and record the loss of every step (as nnkit does).

PyTorch runs with ``torch.set_num_threads(1)``: numpy's elementwise code is single-threaded
and its BLAS does not start threads for matrices this small, so both use one core.
The variants are interleaved (A B C, C B A, ...); the times are medians, the ratios the median
of the rounds' ratios (``bench.common.paired_ratio``).
"""

from __future__ import annotations

import numpy as np

from bench.common import figure, interleave, median, ms, paired_ratio

SINE_N = 100
SINE_LR = 0.5
SINE_SEED = 227
RESTARTS = 1000
STEPS = 1000
RESTART_LR = 0.1
RESTART_SEED = 4


# ---------------------------------------------------------------- the sine network

def sine_problem(n=SINE_N, seed=3):
    """Data (X, Y) of shape (n, 1): y = 2.5 sin(x) + noise on [-3, 3]; the start parameters."""
    from workbook.reference import sine_network

    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, n))
    y = 2.5 * np.sin(x) + rng.normal(0.0, 0.25, n)
    params = sine_network.initial_params(SINE_SEED)
    return x.reshape(-1, 1), y.reshape(-1, 1), params


def sine_nnkit(X, Y, params, lr=SINE_LR):
    """A step function for nnkit: returns (J, grads) of the step it made."""
    from nnkit.network import MLP
    from nnkit.train import gd_step

    net = MLP([1, 3, 1], activation="sigmoid", output="identity")
    state = {"p": {k: np.array(v, dtype=float) for k, v in params.items()}}

    def step():
        J, grads = net.loss_and_grads(X, Y, "mse", state["p"])
        state["p"] = gd_step(state["p"], grads, lr)
        return J, grads

    return step, state


def sine_numpy(X, Y, params, lr=SINE_LR):
    """The same step written out in numpy (in-place update)."""
    p = {k: np.array(v, dtype=float) for k, v in params.items()}
    W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
    n = X.shape[0]

    def step():
        nonlocal W1, b1, W2, b2
        a = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
        diff = a @ W2 + b2 - Y
        flat = diff.ravel()
        J = float(flat @ flat) / (2 * n)
        d = diff / n
        da = d @ W2.T
        dz = da * a * (1.0 - a)
        grads = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": a.T @ d, "b2": d.sum(axis=0)}
        W1 -= lr * grads["W1"]
        b1 -= lr * grads["b1"]
        W2 -= lr * grads["W2"]
        b2 -= lr * grads["b2"]
        return J, grads

    return step, {"p": p}


def sine_torch(X, Y, params, lr=SINE_LR):
    """The same step in PyTorch eager mode (autograd), float64."""
    import torch

    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
    n = X.shape[0]

    def step():
        yhat = torch.sigmoid(Xt @ W1 + b1) @ W2 + b2
        J = ((yhat - Yt) ** 2).sum() / (2 * n)
        J.backward()
        grads = {}
        with torch.no_grad():
            for k, v in p.items():
                grads[k] = v.grad
                v -= lr * v.grad
                v.grad = None
        return J.item(), grads

    return step, {"p": p}


# ---------------------------------------------------------------- the dead-ReLU restarts

def restart_problem(restarts=RESTARTS, seed=RESTART_SEED):
    """The unit's training set (X (n, 1), Y (n, 1)) and nnkit start parameters with restarts."""
    from workbook.reference import dead_relu

    net = dead_relu.skip_net()
    params = net.init_params(seed=seed, restarts=restarts)
    return dead_relu.X_TRAIN, dead_relu.Y_TRAIN, params


def restarts_nnkit(X, Y, params, steps=STEPS, lr=RESTART_LR):
    """(losses (steps+1, R), final weights (w0, w1, w2, w3)) by ``nnkit.train``."""
    from nnkit.train import train
    from workbook.reference import dead_relu

    net = dead_relu.skip_net()
    restarts = params["W1"].shape[0]
    history = train(net, X, Y, lr, steps, loss="l1", restarts=restarts, params=params)
    return history.losses, dead_relu.get_weights(history.params)


def restarts_numpy(X, Y, params, steps=STEPS, lr=RESTART_LR):
    """The same training hand-written in numpy, vectorised over the restarts (arrays (R, 1))."""
    from workbook.reference import dead_relu

    w0, w1, w2, w3 = (np.array(v, dtype=float)[:, None] for v in dead_relu.get_weights(params))
    x, y = X[:, 0][None, :], Y[:, 0][None, :]  # (1, n)
    n = x.shape[1]
    losses = np.empty((steps + 1, w0.shape[0]))
    for t in range(steps + 1):
        z0 = w0 * x
        h0 = np.maximum(z0, 0.0)
        z1 = w1 * h0
        h1 = np.maximum(z1, 0.0)
        diff = w2 * h1 + w3 * h0 - y
        losses[t] = np.abs(diff).sum(axis=1) / n
        if t == steps:
            break
        d = np.sign(diff) / n
        dz1 = d * w2 * (z1 > 0)
        dz0 = (d * w3 + dz1 * w1) * (z0 > 0)
        g0 = (dz0 * x).sum(axis=1, keepdims=True)
        g1 = (dz1 * h0).sum(axis=1, keepdims=True)
        g2 = (d * h1).sum(axis=1, keepdims=True)
        g3 = (d * h0).sum(axis=1, keepdims=True)
        w0 = w0 - lr * g0
        w1 = w1 - lr * g1
        w2 = w2 - lr * g2
        w3 = w3 - lr * g3
    return losses, tuple(w[:, 0] for w in (w0, w1, w2, w3))


def restarts_torch(X, Y, params, steps=STEPS, lr=RESTART_LR):
    """The same training in PyTorch eager mode: weights (R, 1) tensors, autograd per step."""
    import torch

    from workbook.reference import dead_relu

    ws = [torch.tensor(np.asarray(v, dtype=float)[:, None], requires_grad=True)
          for v in dead_relu.get_weights(params)]
    w0, w1, w2, w3 = ws
    x = torch.from_numpy(X[:, 0][None, :].copy())
    y = torch.from_numpy(Y[:, 0][None, :].copy())
    n = x.shape[1]
    losses = []
    for t in range(steps + 1):
        h0 = torch.relu(w0 * x)
        h1 = torch.relu(w1 * h0)
        per_run = (w2 * h1 + w3 * h0 - y).abs().sum(dim=1) / n
        losses.append(per_run.detach())
        if t == steps:
            break
        per_run.sum().backward()  # runs are independent: the sum's gradient is each run's
        with torch.no_grad():
            for w in ws:
                w -= lr * w.grad
                w.grad = None
    return (torch.stack(losses).numpy(),
            tuple(w.detach()[:, 0].numpy() for w in ws))


# ---------------------------------------------------------------- the benchmark

def run(sine_rounds=31, sine_calls=200, restart_rounds=5, log=print):
    import torch

    torch.set_num_threads(1)
    figures = []
    threads = {"torch_threads": torch.get_num_threads(), "torch": torch.__version__}

    X, Y, params = sine_problem()
    steps = {"nnkit": sine_nnkit(X, Y, params)[0], "numpy": sine_numpy(X, Y, params)[0],
             "torch": sine_torch(X, Y, params)[0]}
    interleave(steps, rounds=2, calls=50)  # warm up (torch's first backward is slow)
    times = interleave(steps, rounds=sine_rounds, calls=sine_calls)
    us = {k: median(v) * 1e6 for k, v in times.items()}
    log(f"  sine 1-3-1 step (n={SINE_N}): " + ", ".join(f"{k} {v:.1f} µs" for k, v in us.items()))
    figures.append(figure("nnkit sine 1-3-1 step (n=100)", us["nnkit"], "µs", None,
                          n=sine_rounds, extra={"calls_per_sample": sine_calls, **threads}))
    figures.append(figure(
        "nnkit sine step: speed-up vs PyTorch eager", paired_ratio(times, "torch", "nnkit"), "x",
        ">= 5",
        n=sine_rounds, baseline={"name": "PyTorch eager (autograd)", "value": us["torch"],
                                 "unit": "µs"}))
    figures.append(figure(
        "nnkit sine step: time / hand-written numpy", paired_ratio(times, "nnkit", "numpy"), "x",
        "<= 1.2",
        n=sine_rounds, baseline={"name": "hand-written numpy", "value": us["numpy"],
                                 "unit": "µs"}))

    X, Y, params = restart_problem()
    runs = {"nnkit": lambda: restarts_nnkit(X, Y, params),
            "numpy": lambda: restarts_numpy(X, Y, params),
            "torch": lambda: restarts_torch(X, Y, params)}
    restarts_torch(X, Y, params, steps=20)  # warm up
    times = interleave(runs, rounds=restart_rounds)
    s = {k: median(v) for k, v in times.items()}
    log(f"  dead-ReLU {RESTARTS} restarts x {STEPS} steps: "
        + ", ".join(f"{k} {v:.3f} s" for k, v in s.items()))
    figures.append(figure(f"nnkit dead-ReLU {RESTARTS} restarts x {STEPS} steps", s["nnkit"],
                          "s", "< 1", p95=float(np.max(times["nnkit"])), n=restart_rounds,
                          note="p95 column: the slowest of the runs",
                          extra={"per_step_ms": ms(s["nnkit"]) / STEPS, **threads}))
    figures.append(figure(
        "nnkit dead-ReLU restarts: speed-up vs PyTorch eager",
        paired_ratio(times, "torch", "nnkit"), "x", None, n=restart_rounds,
        baseline={"name": "PyTorch eager, batched over restarts", "value": s["torch"],
                  "unit": "s"}))
    figures.append(figure(
        "nnkit dead-ReLU restarts: time / hand-written numpy",
        paired_ratio(times, "nnkit", "numpy"), "x", "<= 1.2", n=restart_rounds,
        baseline={"name": "hand-written numpy, vectorised", "value": s["numpy"], "unit": "s"}))
    return figures
