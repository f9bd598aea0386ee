r"""Unit 2: the derivative as the limit of the difference quotient, and its error for finite h.

- forward (one-sided): $D_+ f(x) = \dfrac{f(x+h) - f(x)}{h} = f'(x) + \tfrac{h}{2} f''(x) + O(h^2)$
- centred: $D_0 f(x) = \dfrac{f(x+h) - f(x-h)}{2h} = f'(x) + \tfrac{h^2}{6} f'''(x) + O(h^4)$

For large h the truncation error dominates (slope 1 resp. 2 on a log-log plot); for tiny h the
round-off error $\approx \epsilon_{mach} |f(x)| / h$ dominates (slope −1).

Example::

    from workbook.views.difference_quotient import DifferenceQuotientView
    DifferenceQuotientView()     # f(x) = x³, sliders for h (log scale) and x
"""

import numpy as np
import sympy as sp

from nnkit.gradcheck import numerical_gradient
from workbook.i18n import fmt, tr
from workbook.views import plots
from workbook.views.widgets import FigureView, Readout, View, log_slider, slider

H = np.logspace(-12, 0, 241)  #: the h axis of the plot
FLOOR = 1e-17  #: errors that are exactly 0 are drawn at this height
_X = sp.Symbol("x")
CUBE = sp.lambdify(_X, _X**3)  #: $f(x) = x^3$, the seed's example
EXACT = sp.lambdify(_X, sp.diff(_X**3, _X))  #: its derivative, by sympy (the seed's is wrong)


def quotients(f, x, h=H):
    r"""``(forward, centred)`` difference quotients of ``f`` at ``x`` for every step in ``h``,
    both by nnkit's centred difference (:func:`nnkit.gradcheck.numerical_gradient`): the
    forward quotient $(f(x+h) - f(x))/h$ is the centred one about the midpoint $x + h/2$ with
    the half step $h/2$."""
    def centred(point, step):
        return numerical_gradient(lambda v: f(v[0]), np.array([point], dtype=float), h=step)[0]

    steps = np.atleast_1d(np.asarray(h, dtype=float))
    return (np.array([centred(x + s / 2, s / 2) for s in steps]),
            np.array([centred(x, s) for s in steps]))


def errors(x, h=H):
    """Absolute errors ``(forward, central)`` of both quotients of x³ at x, for every h."""
    forward, central = quotients(CUBE, x, h)
    exact = EXACT(x)
    return np.abs(forward - exact), np.abs(central - exact)


def sci(v, digits=2):
    """A number as ``1,23·10⁻⁴`` (German) / ``1.23·10⁻⁴`` (English); 0 as ``0``."""
    v = float(v)
    if v == 0.0 or not np.isfinite(v):
        return fmt(v, 0) if v == 0.0 else "—"
    exponent = int(np.floor(np.log10(abs(v))))
    mantissa = v / 10.0**exponent
    if round(abs(mantissa), digits) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{fmt(mantissa, digits)}·10{superscript}"


class DifferenceQuotientView(View):
    r"""Log-log plot of the errors of the forward and centred difference quotients of
    $f(x) = x^3$ against h, markers at the slider's h; readouts of both quotients and the
    exact $f'(x)$. Forward-only: updates continuously."""

    def __init__(self, h=1e-2, x=2.0):
        fig, (ax,) = plots.figure(
            (tr(de="Fehler des Differenzenquotienten, f(x) = x³",
                en="Error of the difference quotient, f(x) = x³"),
             tr(de="Schrittweite h", en="step size h"),
             tr(de="|Differenzenquotient − f'(x)|", en="|difference quotient − f'(x)|")),
            width=7.0, height=3.4)
        ones = np.ones_like(H)
        (self.forward_line,) = ax.plot(H, ones, color=plots.BLUE,
                                       label=tr(de="vorwärts D₊ = (f(x+h) − f(x))/h",
                                                en="forward D₊ = (f(x+h) − f(x))/h"))
        (self.central_line,) = ax.plot(H, ones, "--", color=plots.ORANGE,
                                       label=tr(de="zentral D₀ = (f(x+h) − f(x−h))/(2h)",
                                                en="centred D₀ = (f(x+h) − f(x−h))/(2h)"))
        (self.forward_dot,) = ax.plot([1.0], [1.0], "o", ms=8, color=plots.BLUE)
        (self.central_dot,) = ax.plot([1.0], [1.0], "s", ms=8, color=plots.ORANGE)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(H[0], H[-1])
        ax.set_ylim(FLOOR, 1e3)
        ax.legend(loc="lower left", fontsize=8)
        self.plot = FigureView(fig, moving=[self.forward_line, self.central_line,
                                            self.forward_dot, self.central_dot])
        self.readout = Readout()
        controls = {
            "h": log_slider("h", tr(de="Schrittweite des Differenzenquotienten",
                                    en="step size of the difference quotient"), h, -12, 0,
                             step=0.1, readout_format=".1e"),
            "x": slider("x", tr(de="Stelle, an der abgeleitet wird", en="point of the derivative"),
                        x, -3.0, 3.0, step=0.1),
        }
        super().__init__(controls, [self.readout, self.plot])

    def update(self):
        h, x = float(self.controls["h"].value), float(self.controls["x"].value)
        forward_errors, central_errors = errors(x)
        self.forward_line.set_ydata(np.maximum(forward_errors, FLOOR))
        self.central_line.set_ydata(np.maximum(central_errors, FLOOR))
        (d_plus,), (d_zero,) = quotients(CUBE, x, h)
        exact = EXACT(x)
        self.forward_dot.set_data([h], [max(abs(d_plus - exact), FLOOR)])
        self.central_dot.set_data([h], [max(abs(d_zero - exact), FLOOR)])
        self.readout.show({
            "h": sci(h), "f'(x)": fmt(exact, 4),
            tr(de="vorwärts D₊", en="forward D₊"): fmt(d_plus, 6),
            "|D₊ − f'(x)|": sci(abs(d_plus - exact)),
            tr(de="zentral D₀", en="centred D₀"): fmt(d_zero, 6),
            "|D₀ − f'(x)|": sci(abs(d_zero - exact)),
        })
        self.plot.refresh()


__all__ = ["CUBE", "EXACT", "DifferenceQuotientView", "errors", "quotients", "sci"]
