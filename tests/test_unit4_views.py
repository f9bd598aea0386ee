"""Unit 4 views (workbook/views/dead_relu.py): they build, react to their controls, reset, are
fast, and their math agrees with nnkit. Expected numbers are derived by hand in the comments."""

import asyncio

import numpy as np
import pytest
from fixtures.hand import skip_net_by_hand

from workbook.i18n import set_language
from workbook.reference import dead_relu as dr_ref
from workbook.units import answers
from workbook.views import dead_relu as dr


def png(view):
    return bytes(view.plot.image.value)


# ------------------------------------------------------------------ the math

def test_trace_values_worked_example():
    # (x, y) = (1, -3), w = 1/2: yhat = 3/8, L = 27/8; dL/dh0 = w3 (skip) + dz1 w1 = 1/2 + 1/4
    v = dr_ref.trace_values(1.0, -3.0, dr_ref.W_HAND)
    assert (v.z0, v.h0, v.z1, v.h1, v.yhat) == (0.5, 0.5, 0.25, 0.25, 0.375)
    assert v.L == 27 / 8 and v.dyhat == 1.0
    assert (v.skip_path, v.main_path, v.dh0) == (0.5, 0.25, 0.75)
    assert v.grads == (0.75, 0.25, 0.25, 0.5)


def test_trace_values_relu_gates_and_subgradient():
    # w1 < 0: z1 < 0, h1 dead -> dw1 = dw2 = 0, but the skip path still reaches w0:
    # x = 1, w = (1, -1, 1, 1): h0 = 1, z1 = -1, yhat = w3 h0 = 1; y = 0 -> dyhat = +1, dw0 = w3 = 1
    assert dr_ref.trace_values(1.0, 0.0, (1.0, -1.0, 1.0, 1.0)).grads == (1.0, 0.0, 0.0, 1.0)
    # z0 = 0 exactly (w0 = 0): ReLU'(0) = 0, so dw0 = 0
    assert dr_ref.trace_values(1.0, 1.0, (0.0, 1.0, 1.0, 1.0)).dw0 == 0.0
    # yhat = y: subgradient 0 everywhere (x = 1, w = 1: yhat = 1 + 1 = 2)
    assert dr_ref.trace_values(1.0, 2.0, (1.0, 1.0, 1.0, 1.0)).grads == (0.0, 0.0, 0.0, 0.0)


def test_trace_values_match_the_hand_formulas_in_every_sign_case():
    rng = np.random.default_rng(3)
    for x in (-1.5, -0.3, 0.0, 0.7, 2.0):
        for _ in range(40):
            w = tuple(rng.choice([-1, 0, 1]) * rng.uniform(0.1, 2, 4))
            y = float(rng.normal(0, 2))
            hand, traced = vars(skip_net_by_hand(x, y, w)), vars(dr_ref.trace_values(x, y, w))
            assert set(traced) == set(hand)
            for name, value in hand.items():
                np.testing.assert_allclose(traced[name], value, atol=1e-12, err_msg=name)
            np.testing.assert_allclose(traced["grads"], answers.skip_gradients(x, y, w),
                                       atol=1e-12)


def test_named_trace_has_the_four_weights_and_the_skip_edge():
    net = dr_ref.set_weights(dr_ref.skip_net(), dr_ref.W_HAND)
    trace = dr.named_trace(net, 1.0, -3.0)
    edges = {e.name: e for e in trace.edges}
    assert set(edges) == {"w₀", "w₁", "w₂", "w₃"}
    assert edges["w₃"].src == (1, 0) and edges["w₃"].dst == (3, 0)  # h0 -> output
    assert [edges[s].dw for s in dr.SYMBOLS] == [0.75, 0.25, 0.25, 0.5]
    assert trace.loss == 27 / 8


def test_is_dead_means_h0_is_zero_on_every_training_point():
    w0 = np.array([-1.0, 0.0, 1e-9, 2.0])
    np.testing.assert_array_equal(dr_ref.is_dead(w0), [True, True, False, False])
    net = dr_ref.skip_net()
    for value in w0:
        net = dr_ref.set_weights(net, (value, 1.0, 1.0, 1.0))
        h0 = np.maximum(0, net.preactivations(dr_ref.X_TRAIN)[0])
        assert dr_ref.is_dead(value) == bool(np.all(h0 == 0))


def test_experiment_shapes_and_wrong_counts():
    out = dr_ref.experiment(lr=0.1, steps=20, restarts=50)
    assert out.losses.shape == (21, 50)
    assert out.yhat.shape == (50, 4) and out.wrong.shape == (50,)
    assert set(out.start) == set(out.end) == {"w0", "w1", "w2", "w3"}
    # wrong counts agree with the final predictions by the hand formulas
    for r in range(50):
        w = [out.end[k][r] for k in ("w0", "w1", "w2", "w3")]
        points = zip(dr_ref.X_TRAIN[:, 0], dr_ref.Y_TRAIN[:, 0], strict=True)
        yhat = [skip_net_by_hand(x, y, w).yhat for x, y in points]
        np.testing.assert_allclose(out.yhat[r], yhat, atol=1e-12)
        assert out.wrong[r] == np.sum(np.abs(np.array(yhat) + dr_ref.X_TRAIN[:, 0]) >= 0.25)


def test_the_target_is_representable():
    # w = (1, 0, 0, -1): h0 = x, h1 = 0, yhat = -h0 = -x for x > 0: zero loss
    net = dr_ref.set_weights(dr_ref.skip_net(), (1.0, 0.0, 0.0, -1.0))
    np.testing.assert_allclose(net.forward(dr_ref.X_TRAIN), dr_ref.Y_TRAIN)


# ------------------------------------------------------------------ BackpropView

def hand_view():
    return dr.BackpropView(dr_ref.X_HAND, dr_ref.Y_HAND, dr_ref.W_HAND)


def test_backprop_view_starts_away_from_the_hand_example():
    # by hand at x = 1.5, w = (0.8, 0.6, 1.2, -0.4): h0 = 1.2, h1 = 0.72, yhat = 0.864 - 0.48
    text = dr.BackpropView().readout.value
    assert "ŷ = 0.384" in text and "L = 0.616" in text
    assert "0.375" not in text and "3.375" not in text  # part 3's yhat = 3/8 and L = 27/8


def test_backprop_view_updates_diagram_and_readout_and_resets():
    view = hand_view()
    svg, text = view.diagram.value, view.readout.value
    assert "0.750" in text  # dL/dh0 = 1/2 + 1/4 at the worked example
    view.controls["w0"].value = -0.5  # z0 < 0: every gradient 0
    assert view.diagram.value != svg and view.readout.value != text
    v = dr_ref.trace_values(1.0, -3.0, (-0.5, 0.5, 0.5, 0.5))
    assert v.grads == (0.0, 0.0, 0.0, 0.0)
    view.reset()
    assert view.diagram.value == svg and view.readout.value == text


def test_backprop_view_updates_once_per_slider_change():
    # speed is measured by `make bench`, not asserted here (no timed assertions in unit tests)
    view = dr.BackpropView()
    count = view.update_count
    for i in range(30):
        view.controls["w1"].value = -1.0 + 0.07 * i
    assert view.update_count == count + 30 and view.last_update_ms > 0


def test_backprop_view_speaks_german():
    set_language("de")
    view = hand_view()
    assert "über w₃" in view.readout.value and "0,750" in view.readout.value
    assert "Eingabe" in view.diagram.value


# ------------------------------------------------------------------ StepView

def test_step_view_step_kills_the_network_and_reset_restores():
    view = dr.StepView()
    picture, before = png(view), view.before.value
    view.step_button.click()
    assert view.w == (-0.25, 0.25, 0.25, 0.0) and view.steps == 1
    assert png(view) != picture and view.before.value != before
    assert "3.000 → 3.000" in view.readout.value  # dead: the loss stays 3
    view.step()  # dead: nothing changes any more
    assert view.w == (-0.25, 0.25, 0.25, 0.0) and view.steps == 2
    view.reset_button.click()
    assert view.w == dr_ref.W_HAND and view.steps == 0
    assert png(view) == picture and view.before.value == before


def test_step_view_learning_rate_changes_the_preview_only():
    view = dr.StepView()
    before, after, picture = view.before.value, view.after.value, png(view)
    view.controls["lr"].value = 0.5
    # lr 1/2: w0 = 1/2 - 3/8 = 1/8 > 0, the network stays alive
    assert view.before.value == before and view.after.value != after and png(view) != picture
    assert "0.125" in view.readout.value


# ------------------------------------------------------------------ ExperimentView

def test_experiment_view_recomputes_on_release_and_resets():
    view = dr.ExperimentView(restarts=200)
    assert not view.controls["lr"].continuous_update
    assert not view.controls["steps"].continuous_update
    picture, text = png(view), view.readout.value
    view.controls["lr"].value = 1.0
    assert png(view) != picture and view.readout.value != text
    assert view.bars[4].get_height() == 1.0  # lr = 1: every run ends dead, 4 of 4 wrong
    view.reset()
    assert png(view) == picture and view.readout.value == text


def test_experiment_view_with_1000_runs_shows_shares():
    view = dr.ExperimentView()
    view.controls["steps"].value = 200
    heights = [bar.get_height() for bar in view.bars]
    assert sum(heights) == pytest.approx(1.0)


# ------------------------------------------------------------------ ExperimentView, progressive

def _settle(view):
    """Let the event loop run until the view has shown its final picture (inside asyncio.run)."""
    async def wait():
        while view.computing:
            await asyncio.sleep(0)
    return wait()


def _one_step_per_picture(view):
    view.FIRST_MS = view.CHUNK_MS = 0.0  # deterministic: every picture is one step further
    return view


def test_experiment_view_goes_on_after_the_event_and_completes():
    async def main():
        view = _one_step_per_picture(dr.ExperimentView(restarts=50))
        assert not view.computing  # built: complete at once
        view.controls["steps"].value = 130
        # the event returned with the runs after the 100 steps already trained, more to come
        assert view.computing and "step 100 of 130" in view.progress.value
        await _settle(view)
        assert view.progress.value == "" and view.curves.get_xlim() == (0.0, 130.0)
        return png(view), view.readout.value, [bar.get_height() for bar in view.bars]

    picture, text, heights = asyncio.run(main())
    at_once = dr.ExperimentView(restarts=50)  # no event loop: every change computed at once
    at_once.controls["steps"].value = 130
    assert picture == png(at_once) and text == at_once.readout.value
    out = dr_ref.experiment(lr=0.1, steps=130, restarts=50)  # from scratch
    np.testing.assert_array_equal(heights, np.bincount(out.wrong, minlength=5) / 50)


def test_experiment_view_never_shows_a_stale_or_mixed_picture():
    """Every picture, also while the training goes on and changes replace unfinished work, shows
    the runs of the current η after some t steps (histogram, curves and readout of the same t,
    as experiment() computes them from scratch); after the work the picture equals the one of a
    fresh view with the final settings."""
    restarts, frames = 40, []
    set_language("en")
    changes = (("lr", 0.3, 5), ("steps", 30, 3), ("steps", 60, 0), ("lr", 1.0, 7), ("steps", 20, 2),
               ("lr", 0.3, 0))

    async def main():
        view = _one_step_per_picture(dr.ExperimentView(restarts=restarts))

        def record(_):
            frames.append({
                "lr": view.controls["lr"].value, "steps": view.controls["steps"].value,
                "heights": [bar.get_height() for bar in view.bars],
                "samples": [np.array(line.get_ydata()) for line in view.samples],
                "mean": np.array(view.mean.get_ydata()), "progress": view.progress.value,
                "readout": view.readout.value})

        view.plot.image.observe(record, names="value")
        for name, value, loop_turns in changes:
            view.controls[name].value = value
            for _ in range(loop_turns):  # part of the work, then the next change
                await asyncio.sleep(0)
        await _settle(view)
        return view

    view = asyncio.run(main())
    assert len(frames) > 10
    seen = {}
    for frame in frames:
        t = len(frame["mean"]) - 1
        key = (frame["lr"], t)
        if key not in seen:
            seen[key] = dr_ref.experiment(lr=frame["lr"], steps=t, restarts=restarts)
        out = seen[key]
        expected = np.bincount(out.wrong, minlength=5) / restarts
        np.testing.assert_array_equal(frame["heights"], expected)
        for i, line in enumerate(frame["samples"]):
            np.testing.assert_array_equal(line, out.losses[:, i])
        np.testing.assert_array_equal(frame["mean"], out.losses.mean(axis=1))
        assert f"dead at the end = {dr_ref.is_dead(out.end['w0']).mean():.3f}" in frame["readout"]
        final = t == frame["steps"]
        assert (frame["progress"] == "") == final
        if not final:
            assert f"step {t} of {frame['steps']}" in frame["progress"]
    at_once = dr.ExperimentView(restarts=restarts)  # no event loop: every change at once
    for name, value, _ in changes:
        at_once.controls[name].value = value
    assert png(view) == png(at_once) and view.readout.value == at_once.readout.value
    out = dr_ref.experiment(lr=0.3, steps=20, restarts=restarts)  # from scratch
    np.testing.assert_array_equal([bar.get_height() for bar in view.bars],
                                  np.bincount(out.wrong, minlength=5) / restarts)


def test_experiment_view_reuses_the_training_of_the_same_learning_rate():
    view = dr.ExperimentView(restarts=50)
    training = view.training
    view.controls["steps"].value = 150  # no event loop: completes at once
    assert view.training is training and training.steps == 150
    view.controls["steps"].value = 40  # fewer steps: a lookup
    assert view.training is training and training.steps == 150
    out = dr_ref.experiment(lr=0.1, steps=40, restarts=50)  # from scratch
    np.testing.assert_array_equal([bar.get_height() for bar in view.bars],
                                  np.bincount(out.wrong, minlength=5) / 50)
    np.testing.assert_array_equal(view.mean.get_ydata(), out.losses.mean(axis=1))
    direct = dr.ExperimentView(restarts=50)
    direct.controls["steps"].value = 40
    assert png(view) == png(direct) and view.readout.value == direct.readout.value
