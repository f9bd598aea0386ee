"""The benchmark's three implementations (nnkit, hand-written numpy, PyTorch) compute the same
thing: the same loss and gradients of a sine-network step, and the same training of the
dead-ReLU restarts. Correctness only: nothing here is timed."""

import numpy as np
import pytest

from bench import nnkit_speed as nb

torch = pytest.importorskip("torch")  # the `bench` extra


def _as_numpy(grads):
    return {k: np.asarray(v.detach() if hasattr(v, "detach") else v, dtype=float)
            for k, v in grads.items()}


@pytest.mark.parametrize("seed", [227, 1, 2])
def test_sine_step_same_loss_gradients_and_update(seed):
    X, Y, _ = nb.sine_problem()
    from workbook.reference import sine_network

    params = sine_network.initial_params(seed)
    results = {}
    for name, make in (("nnkit", nb.sine_nnkit), ("numpy", nb.sine_numpy),
                       ("torch", nb.sine_torch)):
        step, state = make(X, Y, params)
        J1, g1 = step()
        g1 = _as_numpy(g1)  # torch's .grad is replaced, not reused: safe to keep
        J2, _ = step()  # the loss after the update: the update was the same too
        results[name] = (J1, g1, J2)
    J, grads, J2 = results["nnkit"]
    assert set(grads) == {"W1", "b1", "W2", "b2"}
    for name in ("numpy", "torch"):
        Jx, gx, J2x = results[name]
        assert Jx == pytest.approx(J, rel=1e-12)
        assert J2x == pytest.approx(J2, rel=1e-12)
        for k, v in grads.items():
            np.testing.assert_allclose(gx[k].reshape(v.shape), v, rtol=1e-10, atol=1e-14)


def test_sine_training_decreases_the_cost_alike():
    X, Y, params = nb.sine_problem()
    steps = [make(X, Y, params)[0] for make in (nb.sine_nnkit, nb.sine_numpy, nb.sine_torch)]
    losses = np.array([[step()[0] for _ in range(200)] for step in steps])
    assert losses[0, -1] < losses[0, 0]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-9)
    np.testing.assert_allclose(losses[2], losses[0], rtol=1e-9)


def test_restarts_same_losses_and_weights():
    X, Y, params = nb.restart_problem(restarts=64, seed=4)
    ref_losses, ref_w = nb.restarts_nnkit(X, Y, params, steps=150)
    assert ref_losses.shape == (151, 64)
    for run in (nb.restarts_numpy, nb.restarts_torch):
        losses, w = run(X, Y, params, steps=150)
        np.testing.assert_allclose(losses, ref_losses, rtol=1e-10, atol=1e-12)
        for a, b in zip(w, ref_w, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_restarts_match_the_units_single_example_gradients():
    """One step of the hand-written numpy training equals the hand formulas' gradients (n = 1)."""
    from fixtures.hand import skip_net_by_hand

    from workbook.reference import dead_relu

    rng = np.random.default_rng(0)
    w = rng.normal(size=(8, 4))
    params = {name: w[:, i].reshape(-1, 1, 1) for i, name in enumerate(dead_relu.NNKIT_NAMES)}
    X, Y = np.array([[1.0]]), np.array([[-3.0]])
    lr = 0.1
    _, after = nb.restarts_numpy(X, Y, params, steps=1, lr=lr)
    for r in range(8):
        grads = skip_net_by_hand(1.0, -3.0, w[r]).grads
        expected = w[r] - lr * np.array(grads)
        np.testing.assert_allclose([a[r] for a in after], expected, rtol=1e-12)
