"""Interactive views: labelled sliders, a figure shown as an image, and the View base class.

A view builds its figure once, and on every slider change updates the artists in place
(``line.set_ydata``, ``text.set_text``, axis limits) and calls ``FigureView.refresh()``.

Example::

    import numpy as np
    from workbook.views import plots
    from workbook.i18n import tr
    from workbook.views.widgets import FigureView, Readout, View, slider

    class NeuronView(View):
        def __init__(self):
            self.x = np.linspace(-3, 3, 400)
            fig, (ax,) = plots.figure((tr(de="Ein Neuron", en="One neuron"), "x", "a"))
            self.line, = ax.plot(self.x, self.x)
            ax.set_ylim(-3, 3)
            self.plot = FigureView(fig, moving=[self.line])  # only the line moves
            self.readout = Readout()
            controls = {
                "w": slider("w", tr(de="Gewicht", en="weight"), 1.0, -2, 2),
                "b": slider("b", tr(de="Bias", en="bias"), 0.0, -2, 2),
            }
            super().__init__(controls, [self.readout, self.plot])  # wires and draws once

        def update(self):
            w, b = self.controls["w"].value, self.controls["b"].value
            self.line.set_ydata(np.maximum(0, w * self.x + b))
            self.readout.show({"z": w + b})   # z at x = 1
            self.plot.refresh()

    NeuronView()   # the last expression of a cell shows the view
"""

import asyncio
import contextlib
import html
import struct
import time
import zlib

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from workbook.i18n import fmt, tr


def _ms_since(t0):
    return (time.perf_counter() - t0) * 1000.0


_VISUALLY_HIDDEN = ("<span style='position:absolute;width:1px;height:1px;overflow:hidden;"
                    "clip:rect(0 0 0 0);white-space:nowrap'>{}</span>")


def describe(fig):
    """A text alternative for a figure: each panel's title and what it plots against what
    (FigureView shows it as a caption that only screen readers read)."""
    return "; ".join(
        tr(de=f"{ax.get_title()}: {ax.get_ylabel()} über {ax.get_xlabel()}",
           en=f"{ax.get_title()}: {ax.get_ylabel()} against {ax.get_xlabel()}")
        for ax in fig.axes)


#: Image pixels per CSS pixel of every figure once it stands still: sharp on screens with up to
#: two device pixels per CSS pixel (most laptops), and on the others as sharp as they can show it.
PIXEL_RATIO = 2
#: Seconds without a change after which FigureView draws the sharp picture.
SHARPEN_AFTER = 0.3


def running_loop():
    """The event loop of the Jupyter kernel while it handles a cell or a widget event, else None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class FigureView:
    """One persistent matplotlib Figure shown as a PNG ``ipywidgets.Image`` of ``dpi`` CSS pixels
    per inch. Every ``refresh()`` draws it with ``dpi`` pixels per inch (fast: a slider moves it);
    in the kernel, ``SHARPEN_AFTER`` seconds after the last refresh it is drawn once more with
    ``PIXEL_RATIO`` times as many pixels (sharp on a laptop's screen). Without an event loop
    (scripts, tests, benchmarks) only the fast picture is drawn.

    Plot your artists before making the FigureView: it shows the figure at once. The layout
    (constrained layout of ``plots.figure``) is computed again on the first ``refresh()`` and
    then kept (faster); call ``relayout()`` if labels or tick widths change a lot.

    Faster (about 10x): name the artists that change per event in ``moving``. The rest (axes,
    ticks, labels, titles) is drawn once and reused until an axis limit changes, or until
    ``refresh(full=True)`` (needed after changing a title or another artist not in ``moving``).

    >>> view = FigureView(fig)                  # fig from workbook.views.plots.figure
    >>> line.set_ydata(y); view.refresh()
    >>> fast = FigureView(fig, moving=[line])   # only `line` changes per event
    """

    def __init__(self, fig, dpi=100, moving=()):
        self.figure = fig
        self.dpi = dpi
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        self._sharpen = None  # the pending sharp drawing (an asyncio TimerHandle)
        # shown at dpi pixels per inch of the page, never wider than the page (keeping its
        # proportions): the sharp picture is never stretched beyond its pixels
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(
            width=f"{fig.get_figwidth() * dpi:.0f}px", max_width="100%", height="auto",
            margin="0px"))
        # ipywidgets' Image cannot carry a tooltip (its view needs a description): the text
        # alternative is a visually hidden caption that screen readers read before the image
        self.caption = ipywidgets.HTML(_VISUALLY_HIDDEN.format(html.escape(describe(fig))),
                                       layout=ipywidgets.Layout(height="0px", margin="0px"))
        self.widget = ipywidgets.VBox([self.caption, self.image])
        self.moving = list(moving)
        for artist in self.moving:
            artist.set_animated(True)  # left out of the full draw, drawn on top of the background
        self.last_refresh_ms = None
        self.last_refresh_full = None
        self._layout = fig.get_layout_engine()
        self._background = None
        self._limits = None
        self._render(full=True)

    def refresh(self, full=False):
        """Draw the figure and show it. ``full=True`` draws everything again (see ``moving``)."""
        t0 = time.perf_counter()
        self._render(full)
        if self._layout is not None and self.figure.get_layout_engine() is self._layout:
            self.figure.set_layout_engine("none")  # keep the layout of this draw
        self.last_refresh_ms = _ms_since(t0)

    def sharpen(self):
        """Draw the figure with ``PIXEL_RATIO`` pixels per CSS pixel and show it (what the kernel
        does ``SHARPEN_AFTER`` seconds after the last refresh)."""
        self._sharpen = None
        self.figure.set_dpi(self.dpi * PIXEL_RATIO)
        try:
            self.canvas.draw()
            for artist in self.moving:  # animated: left out of the full draw
                self.figure.draw_artist(artist)
            self.image.value = encode_png(self.canvas)
        finally:
            self.figure.set_dpi(self.dpi)  # the fast pictures' background stays valid

    def relayout(self):
        """Compute the layout again (after big changes of labels or limits), then refresh."""
        if self._layout is not None:
            self._layout.execute(self.figure)
        self.refresh(full=True)

    def _render(self, full):
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes]
        full = full or not self.moving or self._background is None or limits != self._limits
        if full:
            self.canvas.draw()
            if self.moving:
                self._background = self.canvas.copy_from_bbox(self.figure.bbox)
                self._limits = limits
        else:
            self.canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        self.last_refresh_full = full
        self.image.value = encode_png(self.canvas)
        loop = running_loop()
        if loop is not None:
            if self._sharpen is not None:
                self._sharpen.cancel()
            self._sharpen = loop.call_later(SHARPEN_AFTER, self.sharpen)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def encode_png(canvas):
    """The PNG of an Agg canvas (bytes), fast: RGB without the alpha channel when the figure is
    opaque (every pixel then is), every row unfiltered (filter type 0), zlib level 1.

    Pillow's PNG encoder tries all five row filters on every row, which takes most of its time;
    a plot is mostly flat colour, so unfiltered rows compress about as well (the views' PNGs are
    5 % smaller to 15 % larger) in under half the time. The pixels are the same either way.
    """
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw")
    colour_type = 6  # RGBA
    if canvas.figure.get_facecolor()[3] == 1.0:
        image, colour_type = image.convert("RGB"), 2
    pixels = np.frombuffer(image.tobytes(), np.uint8).reshape(height, -1)
    rows = np.zeros((height, 1 + pixels.shape[1]), np.uint8)  # each row: filter type 0, pixels
    rows[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)  # 8 bits a sample
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows, 1)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind, data):
    """One PNG chunk: length, kind, data, CRC-32 of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _check_range(symbol, value, min, max):
    if not min <= value <= max:
        raise ValueError(f"slider {symbol}: need min <= value <= max, got {min}, {value}, {max}")


def slider(symbol, meaning, value, min, max, step=0.01, continuous=True, readout_format=".2f"):
    """A FloatSlider labelled with its symbol; its meaning is the tooltip and is shown next to it
    in a View (see ``labelled``), with its value in the notebook language (``readout_format``: a
    Python format spec, see ``number``). ``continuous=False``: the value changes on release only.

    >>> w2 = slider("w₂", tr(de="Gewicht von h₁ nach ŷ", en="weight from h₁ to ŷ"), 0.5, -2, 2)
    """
    _check_range(symbol, value, min, max)
    return ipywidgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=symbol, tooltip=meaning,
        continuous_update=continuous, readout_format=readout_format,
        style={"description_width": "initial"},
    )


def log_slider(symbol, meaning, value, min_exp, max_exp, step=0.25, continuous=True,
               readout_format=".3g"):
    """A FloatLogSlider from 10**min_exp to 10**max_exp, labelled like ``slider``.

    >>> c = log_slider("c", tr(de="Schranke", en="bound"), 1.0, -2, 4)
    """
    _check_range(symbol, value, 10.0**min_exp, 10.0**max_exp)
    return ipywidgets.FloatLogSlider(
        value=value, base=10, min=min_exp, max=max_exp, step=step, description=symbol,
        tooltip=meaning, continuous_update=continuous, readout_format=readout_format,
        style={"description_width": "initial"})


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(value, spec):
    """``value`` formatted with the Python format spec ``spec`` in the notebook language: a real
    minus sign, a decimal comma in German, powers of ten as ``1,5 · 10⁻³``.

    >>> number(-0.15, ".2f"), number(0.0015, ".1e")   # German
    ('−0,15', '1,5 · 10⁻³')
    """
    value = int(value) if spec.endswith("d") else float(value)
    mantissa, e, exponent = format(value, spec).partition("e")
    text = fmt(float(mantissa), len(mantissa.partition(".")[2]))
    if e:
        text = f"{text} · 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text


def int_slider(symbol, meaning, value, min, max, step=1, continuous=True):
    """An IntSlider labelled like ``slider``.

    >>> depth = int_slider("N", tr(de="Tiefe", en="depth"), 3, 1, 10, continuous=False)
    """
    _check_range(symbol, value, min, max)
    return ipywidgets.IntSlider(
        value=value, min=min, max=max, step=step, description=symbol, tooltip=meaning,
        continuous_update=continuous, style={"description_width": "initial"},
    )


def labelled(control):
    """The control with its meaning (its tooltip) as visible text to the right of it (wrapped
    when the page is narrow, never cut); a float slider shows its value with ``number`` (the
    slider's own readout writes a decimal point in every language; an integer slider's value is
    shown the same way, so that the sliders of a view line up)."""
    parts = [control]
    if isinstance(control, (ipywidgets.FloatSlider, ipywidgets.FloatLogSlider,
                            ipywidgets.IntSlider)):
        control.readout = False
        value = ipywidgets.Label(layout=ipywidgets.Layout(min_width="5.5em"))

        def show(_=None):
            value.value = number(control.value, control.readout_format)

        show()
        control.observe(show, names="value")
        parts.append(value)
    if control.tooltip:
        parts.append(ipywidgets.HTML(
            f"<span style='white-space:normal;line-height:1.3'>{html.escape(control.tooltip)}"
            "</span>", layout=ipywidgets.Layout(flex="1 1 12em", min_width="8em")))
    if len(parts) == 1:
        return control
    return ipywidgets.HBox(parts, layout=ipywidgets.Layout(align_items="center"))


class Readout(ipywidgets.HTML):
    """Live values as text in the notebook language: ``z = −1,90   a = 0,00`` in German.

    >>> r = Readout(digits=2)
    >>> r.show({"z": -1.9, "a": 0.0})
    """

    def __init__(self, digits=2, **kwargs):
        super().__init__(**kwargs)
        self.digits = digits

    def show(self, values):
        """Show ``{symbol: number}`` in order; a string value is shown as it is."""
        parts = [
            f"{html.escape(name)} = {v if isinstance(v, str) else fmt(v, self.digits)}"
            for name, v in values.items()
        ]
        text = "&emsp;".join(f"<span style='white-space:nowrap'>{p}</span>" for p in parts)
        self.value = f"<div aria-live='polite' style='font-family:monospace'>{text}</div>"


def _as_widget(output):
    return getattr(output, "widget", output)


class View:
    """Base class of an interactive view. See the module docstring for a full example.

    A subclass builds its controls and figures, then calls
    ``super().__init__(controls, outputs)``, and implements ``update()``, which reads
    ``self.controls[name].value`` and updates the outputs in place.

    - ``live=True``: every control change calls ``update()`` at once (synchronously: when
      ``view.controls["w"].value = 0.3`` returns, the picture is new).
      ``live=False``: only the Run button (label ``run_label``) or ``run()`` calls ``update()``.
    - ``reset()`` (and the Reset button) restores the initial values with one ``update()``.
    - ``button(label, action)`` (after ``super().__init__``) adds a button, e.g. "Train" for an
      expensive step whose action ends with ``self.update()``.
    - ``with view.hold_updates(): ...`` sets several controls with one ``update()``.
    - ``last_update_ms`` and ``update_count``: duration and number of ``update()`` calls.
    - ``widget``: the layout (controls, buttons, status line, outputs); displaying a View shows it.
      A control's name among the outputs puts that control there instead (next to what it
      changes: a long view then fits a laptop's screen section by section).
    """

    def __init__(self, controls, outputs=(), *, live=True, run_label=None):
        self.controls = dict(controls)
        self.live = live
        self.last_update_ms = None
        self.update_count = 0
        self._initial = {name: w.value for name, w in self.controls.items()}
        self._held = 0
        self._pending = False
        self.status = ipywidgets.HTML()
        self._buttons = ipywidgets.HBox()
        self.reset_button = self.button(tr(de="Zurücksetzen", en="Reset"), self.reset)
        if not live:
            self.run_button = self.button(run_label or tr(de="Ausführen", en="Run"), self.run)
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        placed = {o for o in outputs if isinstance(o, str)}
        self.widget = ipywidgets.VBox(
            [labelled(c) for name, c in self.controls.items() if name not in placed]
            + [self._buttons, self.status]
            + [labelled(self.controls[o]) if isinstance(o, str) else _as_widget(o)
               for o in outputs]
        )
        self._update()

    def update(self):
        """Read the controls and redraw the outputs in place. Subclasses implement this."""
        raise NotImplementedError

    def run(self):
        """Call ``update()`` now (what the Run button does)."""
        self._update()

    def reset(self):
        """Restore every control's initial value, then call ``update()`` once."""
        with self._hold():
            for name, value in self._initial.items():
                self.controls[name].value = value
        self._pending = False
        self._update()

    @contextlib.contextmanager
    def hold_updates(self):
        """Change several controls inside the ``with``; ``update()`` runs once at the end."""
        with self._hold():
            yield
        if self._held == 0 and self._pending and self.live:
            self._pending = False
            self._update()

    def button(self, label, action):
        """Add a button that calls ``action()`` (disabled while it runs); returns the Button."""
        b = ipywidgets.Button(description=label, tooltip=label,
                              layout=ipywidgets.Layout(width="auto"))  # never cut its label

        def clicked(_):
            b.disabled = True
            try:
                self._guarded(action)
            finally:
                b.disabled = False

        b.on_click(clicked)
        self._buttons.children += (b,)
        return b

    @contextlib.contextmanager
    def _hold(self):
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    def _changed(self, change):
        if self._held:
            self._pending = True
        elif self.live:
            self._update()

    def _update(self):
        t0 = time.perf_counter()
        self._guarded(self.update)
        self.last_update_ms = _ms_since(t0)
        self.update_count += 1

    def _guarded(self, action):
        """Run action; show an error in the status line (and raise it) instead of failing silently
        in the browser's log."""
        try:
            action()
        except Exception as error:
            message = html.escape(f"{type(error).__name__}: {error}")
            self.status.value = f"<span style='color:#D55E00' role='alert'>⚠ {message}</span>"
            raise
        if self.status.value:
            self.status.value = ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
