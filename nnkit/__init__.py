"""nnkit: the small numeric core of the nnkit workbook (numpy only).

Language, plots, widgets, diagrams and the expression parser live with the workbook
(workbook.i18n, workbook.views, workbook.symbolic).
"""
from .activations import (
    ACTIVATIONS,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Tanh,
    get_activation,
)
from .gradcheck import kink_crossed, numerical_gradient, rel_error
from .layers import (
    activation_backward,
    activation_forward,
    affine_backward,
    affine_forward,
    maxout_backward,
    maxout_forward,
)
from .losses import LOSSES, get_loss, l1, mse, sse
from .network import MLP, Layer, Network
from .trace import Edge, Node, Trace
from .train import History, gd_step, train

__all__ = [
    "ACTIVATIONS", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh", "get_activation",
    "kink_crossed", "numerical_gradient", "rel_error",
    "activation_backward", "activation_forward", "affine_backward", "affine_forward",
    "maxout_backward", "maxout_forward",
    "LOSSES", "get_loss", "l1", "mse", "sse",
    "MLP", "Layer", "Network", "Edge", "Node", "Trace", "History", "gd_step", "train",
]
