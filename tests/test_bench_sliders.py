"""The slider benchmark's machinery is right: it finds every view, its changes are real slider
values, and its interact-style baseline draws the same picture as the live view. Nothing timed."""

import ipywidgets
import numpy as np
import pytest

from bench import sliders


@pytest.fixture(scope="module")
def found():
    from workbook.i18n import set_language

    set_language("en")
    return sliders.discover()


def test_discovers_every_view_class(found):
    import inspect

    import workbook.views as pkg
    from workbook.views.widgets import View

    names = {f"{m.__name__}.{c.__name__}" for m, c in found}
    assert len(names) == len(found) >= 8
    for module, _ in found:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, View) and cls is not View and cls.__module__ == module.__name__:
                assert f"{module.__name__}.{cls.__name__}" in names
    assert all(m.__name__.startswith(pkg.__name__ + ".") for m, _ in found)


def test_next_value_is_a_new_valid_value():
    rng = np.random.default_rng(0)
    controls = [ipywidgets.FloatSlider(value=0.3, min=-2, max=2, step=0.01),
                ipywidgets.IntSlider(value=3, min=1, max=10),
                ipywidgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.05),
                ipywidgets.Dropdown(options=[("a", "x"), ("b", "y")], value="x"),
                ipywidgets.Checkbox(value=False)]
    for control in controls:
        for i in range(30):
            value = sliders.next_value(control, rng, small=i % 3 != 2)
            assert value != control.value
            control.value = value  # a widget rejects nothing silently: the value is taken
            assert control.value == value
            if hasattr(control, "min") and not isinstance(control, ipywidgets.FloatLogSlider):
                assert control.min <= value <= control.max


@pytest.mark.parametrize("name", ["relu_neuron.ReluNeuronView", "sine_network.WeightsView"])
def test_baseline_recreates_the_same_picture(found, name):
    views = {f"{m.__name__.rsplit('.', 1)[-1]}.{c.__name__}": c for m, c in found}
    modules = sorted({m for m, _ in found}, key=lambda m: m.__name__)
    cls = views[name]
    live = cls()
    rng = np.random.default_rng(1)
    for control in list(live.controls.values())[:3]:
        control.value = sliders.next_value(control, rng, small=False)
    values = {n: c.value for n, c in live.controls.items()}
    seconds = sliders.naive_change(cls, modules, values)
    assert seconds > 0
    with sliders.naive_mode(modules):
        naive = cls()
        for n, v in values.items():
            naive.controls[n].value = v
        naive.update()
    assert isinstance(naive.plot, sliders.NaiveFigureView)
    a = np.asarray(live.plot.canvas.buffer_rgba())
    b = np.asarray(naive.plot.canvas.buffer_rgba())
    assert a.shape == b.shape
    assert (a != b).any(axis=-1).mean() < 0.002  # the same picture up to antialiasing
    # outside naive_mode the real FigureView is back
    from workbook.views import widgets

    assert widgets.FigureView is not sliders.NaiveFigureView
