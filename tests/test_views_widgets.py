"""workbook.views.widgets: FigureView, labelled sliders, Readout and the View base class."""

import asyncio
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from workbook.i18n import set_language, tr
from workbook.views import plots
from workbook.views.widgets import (
    PIXEL_RATIO,
    SHARPEN_AFTER,
    FigureView,
    Readout,
    View,
    int_slider,
    labelled,
    log_slider,
    number,
    slider,
)


def two_panels():
    x = np.linspace(-3, 3, 400)
    fig, axes = plots.figure(("A", "x", "y"), ("B", "x", "y"))
    lines = [ax.plot(x, np.sin(x))[0] for ax in axes]
    for ax in axes:
        ax.set_ylim(-3, 3)
    return x, fig, lines


# FigureView

def test_refresh_renders_png_and_changes_after_an_artist_change():
    x, fig, lines = two_panels()
    view = FigureView(fig)
    assert bytes(view.image.value).startswith(b"\x89PNG") and view.image.format == "png"
    view.refresh()
    unchanged = bytes(view.image.value)
    lines[0].set_ydata(2 * np.sin(x))
    view.refresh()
    assert bytes(view.image.value) != bytes(unchanged)
    assert view.last_refresh_ms > 0


def test_refresh_without_a_change_gives_the_same_picture():
    _, fig, _ = two_panels()
    view = FigureView(fig)
    view.refresh()
    before = bytes(view.image.value)
    view.refresh()
    assert bytes(view.image.value) == before


def test_png_size_follows_dpi():
    _, fig, _ = two_panels()
    view = FigureView(fig, dpi=50)  # 50 CSS px per inch
    assert view.canvas.get_width_height() == (400, 150)
    assert view.image.layout.width == "400px" and view.image.layout.max_width == "100%"


def test_the_picture_is_sharpened_once_the_figure_stands_still():
    """In the kernel (an event loop) SHARPEN_AFTER seconds after the last refresh the figure is
    drawn with PIXEL_RATIO pixels per CSS pixel; every refresh is fast (dpi pixels per inch) and
    shows the same picture as without sharpening (the images were 765 px wide, stretched to 1470
    CSS px at 1920x1080)."""
    _, fig, (line, _) = two_panels()
    line.set_color(plots.VERMILLION)
    view = FigureView(fig, dpi=50, moving=[line])
    size = lambda: Image.open(io.BytesIO(bytes(view.image.value))).size  # noqa: E731
    assert size() == (400, 150)  # no event loop: no sharpening

    async def drag():
        for y in (0.1, 0.2, 0.3):
            line.set_ydata(np.full_like(line.get_xdata(), y))
            view.refresh()
            assert size() == (400, 150)
            await asyncio.sleep(SHARPEN_AFTER / 10)  # still moving: not sharpened
        fast = bytes(view.image.value)
        await asyncio.sleep(SHARPEN_AFTER * 3)
        return fast

    fast = asyncio.run(drag())
    assert size() == (400 * PIXEL_RATIO, 150 * PIXEL_RATIO)
    sharp = np.asarray(Image.open(io.BytesIO(bytes(view.image.value))).convert("RGB"))
    colour = np.array([int(plots.VERMILLION[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(sharp.astype(int) - colour).sum(axis=-1) < 30).sum() > 100  # the moving line
    view.refresh()  # back to the fast picture, the same as before
    assert bytes(view.image.value) == fast


def test_layout_is_kept_after_the_first_refresh_and_relayout_works():
    _, fig, _ = two_panels()
    view = FigureView(fig)
    view.refresh()
    assert fig.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    position = fig.axes[0].get_position().bounds
    view.refresh()
    assert fig.axes[0].get_position().bounds == position
    fig.axes[0].set_ylabel("a much longer label\nwith two lines")
    view.relayout()
    assert fig.axes[0].get_position().bounds != position


def pixels(view):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(view.image.value))).convert("RGB"), dtype=float)


@pytest.mark.parametrize("alpha, mode", [(1.0, "RGB"), (0.0, "RGBA")])
def test_png_holds_the_canvas_pixels_exactly(alpha, mode):
    from PIL import Image

    _, fig, _ = two_panels()
    fig.patch.set_alpha(alpha)
    view = FigureView(fig, dpi=60)
    image = Image.open(io.BytesIO(bytes(view.image.value)))
    canvas = np.asarray(view.canvas.buffer_rgba())
    assert image.mode == mode and image.size == (canvas.shape[1], canvas.shape[0])
    assert np.array_equal(np.asarray(image), canvas[:, :, : len(mode)])
    assert alpha == 1.0 or (canvas[:, :, 3] < 255).any()  # the transparent case has alpha to keep


def test_moving_artists_are_drawn_over_a_kept_background():
    x, fig, lines = two_panels()
    fast = FigureView(fig, moving=lines)
    fast.refresh()
    before = bytes(fast.image.value)
    for line in lines:
        line.set_ydata(2 * np.cos(x))
    fast.refresh()
    assert not fast.last_refresh_full and bytes(fast.image.value) != before
    # the same picture as a full draw (up to where the lines cross spines and grid)
    _, fig2, lines2 = two_panels()
    for line in lines2:
        line.set_ydata(2 * np.cos(x))
    slow = FigureView(fig2)
    slow.refresh()
    assert slow.last_refresh_full
    assert np.abs(pixels(fast) - pixels(slow)).mean() < 1.0
    assert np.abs(pixels(fast) - pixels(slow)).mean() < np.abs(pixels(slow) - 255).mean() / 20


def test_moving_redraws_everything_when_limits_change_or_when_asked():
    _, fig, lines = two_panels()
    fast = FigureView(fig, moving=lines[:1])
    fast.refresh()
    fast.refresh()
    assert not fast.last_refresh_full
    fig.axes[0].set_ylim(-10, 10)
    fast.refresh()
    assert fast.last_refresh_full
    fast.refresh()
    assert not fast.last_refresh_full
    fig.axes[1].set_title("new title")
    fast.refresh(full=True)
    assert fast.last_refresh_full


# sliders

def test_slider_shows_symbol_and_meaning():
    set_language("de")
    s = slider("w₂", tr(de="Gewicht von h₁ nach ŷ", en="weight from h₁ to ŷ"), 0.5, -2, 2)
    assert isinstance(s, ipywidgets.FloatSlider)
    assert s.description == "w₂" and s.tooltip == "Gewicht von h₁ nach ŷ"
    box = labelled(s)
    symbol, value, meaning = box.children
    assert symbol is s and value.value == "0,50" and "Gewicht von h₁ nach ŷ" in meaning.value
    assert not s.readout  # its own readout writes 0.50 in every language
    assert (s.value, s.min, s.max, s.step) == (0.5, -2, 2, 0.01)
    s.value = -1.25
    assert value.value == "−1,25"
    assert s.continuous_update


def test_slider_on_release_and_int_slider():
    s = slider("$b$", "bias", 0.0, -1, 1, step=0.1, continuous=False, readout_format=".1f")
    assert not s.continuous_update and s.readout_format == ".1f" and s.step == 0.1
    n = int_slider("N", "depth", 3, 1, 10, continuous=False)
    assert isinstance(n, ipywidgets.IntSlider) and n.description == "N" and n.tooltip == "depth"
    assert not n.continuous_update


@pytest.mark.parametrize("value, lo, hi", [(3, -2, 2), (-3, -2, 2), (0, 1, -1)])
def test_slider_rejects_a_value_outside_its_range(value, lo, hi):
    with pytest.raises(ValueError, match="w"):
        slider("w", "weight", value, lo, hi)


# Readout

def test_readout_formats_in_the_notebook_language():
    r = Readout()
    r.show({"z": -1.9, "a": 0.0, "g": "ReLU"})
    assert "z = \u22121.90" in r.value and "a = 0.00" in r.value and "g = ReLU" in r.value
    set_language("de")
    r.show({"z": -1.9})
    assert "z = \u22121,90" in r.value


# View

class Neuron(View):
    """A tiny live view that counts its updates."""

    def __init__(self, **kwargs):
        self.x = np.linspace(-3, 3, 400)
        fig, (ax,) = plots.figure(("Neuron", "x", "a"))
        (self.line,) = ax.plot(self.x, self.x)
        ax.set_ylim(-5, 5)
        self.plot = FigureView(fig)
        self.readout = Readout()
        self.calls = []
        controls = {"w": slider("w", "weight", 1.0, -2, 2), "b": slider("b", "bias", 0.0, -2, 2)}
        super().__init__(controls, [self.readout, self.plot], **kwargs)

    def update(self):
        w, b = self.controls["w"].value, self.controls["b"].value
        self.calls.append((w, b))
        self.line.set_ydata(np.maximum(0, w * self.x + b))
        self.readout.show({"w": w})
        self.plot.refresh()


def test_view_draws_once_on_creation_and_once_per_change():
    view = Neuron()
    assert view.calls == [(1.0, 0.0)] and view.update_count == 1
    before = bytes(view.plot.image.value)
    view.controls["w"].value = 0.3
    # synchronous: when the assignment returns, the picture is new
    assert view.calls[-1] == (0.3, 0.0) and view.update_count == 2
    assert bytes(view.plot.image.value) != before
    assert view.last_update_ms > 0
    view.controls["w"].value = 0.3  # no change, no update
    view.controls["b"].value = 1.0
    assert view.calls == [(1.0, 0.0), (0.3, 0.0), (0.3, 1.0)]


def test_reset_restores_the_initial_values_with_one_update():
    view = Neuron()
    first_picture = bytes(view.plot.image.value)
    view.controls["w"].value = -1.5
    view.controls["b"].value = 0.7
    n = len(view.calls)
    view.reset()
    assert (view.controls["w"].value, view.controls["b"].value) == (1.0, 0.0)
    assert view.calls[n:] == [(1.0, 0.0)]
    assert bytes(view.plot.image.value) == first_picture


def test_reset_button_resets():
    view = Neuron()
    view.controls["w"].value = 2.0
    view.reset_button.click()
    assert view.controls["w"].value == 1.0 and view.calls[-1] == (1.0, 0.0)
    assert not view.reset_button.disabled


def test_hold_updates_gives_one_update():
    view = Neuron()
    with view.hold_updates():
        view.controls["w"].value = 0.5
        view.controls["b"].value = -0.5
        assert len(view.calls) == 1
    assert view.calls[1:] == [(0.5, -0.5)]
    with view.hold_updates():
        pass
    assert len(view.calls) == 2


def test_a_view_that_is_not_live_updates_on_run_only():
    view = Neuron(live=False, run_label="Train")
    assert view.run_button.description == "Train"
    view.controls["w"].value = 0.1
    assert len(view.calls) == 1
    view.run_button.click()
    assert view.calls[-1] == (0.1, 0.0)
    view.run()
    assert len(view.calls) == 3


def test_run_button_label_is_translated():
    set_language("de")
    view = Neuron(live=False)
    assert view.run_button.description == "Ausführen"
    assert view.reset_button.description == "Zurücksetzen"


def test_extra_button_runs_its_action():
    view = Neuron()
    done = []
    b = view.button("Go", lambda: done.append(1))
    b.click()
    assert done == [1] and b in view._buttons.children and not b.disabled


def test_layout_holds_labelled_controls_buttons_and_outputs():
    view = Neuron()
    children = view.widget.children
    assert isinstance(view.widget, ipywidgets.VBox)
    assert children[0].children[0] is view.controls["w"]
    assert "weight" in children[0].children[2].value
    assert view.plot.widget in children and view.readout in children
    assert view.reset_button in view._buttons.children
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id


class Broken(View):
    def __init__(self):
        super().__init__({"w": slider("w", "weight", 0.0, -1, 1)})

    def update(self):
        if self.controls["w"].value > 0.5:
            raise RuntimeError("too big")


def test_an_error_in_update_is_shown_and_raised():
    view = Broken()
    with pytest.raises(RuntimeError):
        view.controls["w"].value = 0.9
    assert "too big" in view.status.value
    view.controls["w"].value = 0.1
    assert view.status.value == ""


def test_base_update_must_be_implemented():
    with pytest.raises(NotImplementedError):
        View({"w": slider("w", "weight", 0.0, -1, 1)})


def test_slider_values_in_the_notebook_language():
    """Every slider shows its value as the readouts do (ipywidgets' readout_format writes a
    decimal point in every language: "0.15", "-20.00" next to "z = −2,50")."""
    set_language("de")
    assert [number(-20, ".2f"), number(0.15, ".2f"), number(0.0015, ".1e"), number(1000, ".3g"),
            number(6, "d")] == ["−20,00", "0,15", "1,5 · 10⁻³", "1 · 10³", "6"]
    c = log_slider("c", "Schranke", 0.01, -2, 4)
    assert labelled(c).children[1].value == "0,01" and not c.readout
    set_language("en")
    assert number(-0.15, ".2f") == "−0.15"
