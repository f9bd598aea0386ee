"""Activation functions g(z) and their derivatives g'(z), one small class each.

Every class has ``fn(z)`` (the value, elementwise), ``grad(z)`` (dg/dz at z) and
``backward(da, z, a)`` (dz = da * g'(z), what backprop needs). At a kink the derivative is the
left one: ReLU'(0) = 0 and LeakyReLU'(0) = slope (as in micrograd, cs231n, TF Playground,
numpy-ml).
"""
import numpy as np


class Activation:
    name = "activation"

    def __call__(self, z):
        return self.fn(z)

    def backward(self, da, z, a):
        """dz = da * g'(z) (chain rule, elementwise), given z and the output a = g(z) that
        backprop keeps (sigmoid and tanh take g' from a, the others from z). da: shaped like z."""
        return da * self.grad(z)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """g(z) = z,  g'(z) = 1."""

    name = "identity"

    def fn(self, z):
        return np.asarray(z, dtype=float)

    def grad(self, z):
        return np.ones_like(z, dtype=float)

    def backward(self, da, z, a):
        return da  # g'(z) = 1: the gradient passes through unchanged (no copy)


class ReLU(Activation):
    """g(z) = max(0, z),  g'(z) = 1 if z > 0 else 0 (so g'(0) = 0)."""

    name = "relu"

    def fn(self, z):
        return np.maximum(z, 0.0)

    def grad(self, z):
        return (np.asarray(z) > 0).astype(float)

    def backward(self, da, z, a):
        return da * (z > 0)  # g' as a mask (1 where z > 0, else 0): no float copy of it


class LeakyReLU(Activation):
    """g(z) = max(slope z, z) for 0 < slope < 1,  g'(z) = 1 if z > 0 else slope."""

    name = "leaky_relu"

    def __init__(self, slope=0.1):
        self.slope = slope

    def fn(self, z):
        return np.where(np.asarray(z) > 0, z, self.slope * np.asarray(z, dtype=float))

    def grad(self, z):
        return np.where(np.asarray(z) > 0, 1.0, self.slope)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


class Sigmoid(Activation):
    """g(z) = 1 / (1 + e^-z),  g'(z) = s (1 - s) with s = g(z)."""

    name = "sigmoid"

    def fn(self, z):
        s = np.tanh(0.5 * np.asarray(z, dtype=float))  # 1/(1+e^-z) = (1 + tanh(z/2))/2: no overflow
        s += 1.0  # in place: one array instead of three
        s *= 0.5
        return s

    def grad(self, z):
        s = self.fn(z)
        return s * (1.0 - s)

    def backward(self, da, z, a):
        dz = 1.0 - a
        dz *= a  # g' = a (1 - a)
        dz *= da  # in place: one new array instead of three
        return dz


class Tanh(Activation):
    """g(z) = tanh z,  g'(z) = 1 - tanh(z)^2."""

    name = "tanh"

    def fn(self, z):
        return np.tanh(z)

    def grad(self, z):
        return 1.0 - np.tanh(z) ** 2

    def backward(self, da, z, a):
        dz = 1.0 - a**2  # g' = 1 - a²
        dz *= da
        return dz


ACTIVATIONS = {c.name: c for c in (Identity, ReLU, LeakyReLU, Sigmoid, Tanh)}


def get_activation(name_or_obj):
    """The activation called ``name`` ("identity", "relu", "leaky_relu", "sigmoid", "tanh"),
    or the object itself if it is an :class:`Activation` (subclass it for your own)."""
    if isinstance(name_or_obj, Activation):
        return name_or_obj
    try:
        return ACTIVATIONS[name_or_obj]()
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name_or_obj!r}; "
                         f"choose one of {sorted(ACTIVATIONS)}") from None
