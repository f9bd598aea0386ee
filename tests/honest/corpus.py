"""The honest corpus: correct submissions in the forms real students hand in.

Every :class:`Case` is one student's notebook of one unit: the reference solution with some
answer cells replaced by another correct form (other algebra, other numeric types, loops instead
of vectorised code, lists, in-place updates, helper functions, scratch cells with everyday
names) or saved by another editor (Windows line endings, Colab, VS Code, nbformat 4.4 with and
without cell ids, a cell type switched by the dropdown, outputs kept). Every case must earn every
autograded point of its unit (``FULL``, the course's points), and the same answers must pass the
self-check. The answers were worked out by hand from the exercise texts, not taken from the
code under test. tests/test_honest_corpus.py grades the corpus in one run.

Add a case whenever a correct answer is found that lost points.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile.corpus import _cell, base_notebook  # noqa: E402

FULL = {"unit1": 11, "unit2": 19, "unit3": 16, "unit4": 16, "unit5": 14}  # autograded points
# (unit 3: 8b is worth 2 points, 9b and 9c 1 each; unit 4: 0a 2 points, 0b 1; unit 5: 1g 1 point,
# 1h 2 points)
VIEW_CALL = re.compile(r"^\w*(View|view|figure)\(.*\)\s*$")


@dataclass
class Case:
    name: str  # the student id
    unit: str
    what: str
    cells: dict = field(default_factory=dict)  # answer grade id -> new source
    before: dict = field(default_factory=dict)  # grade id -> a new code cell inserted before it
    mutate: Callable | None = None  # nb dict -> None
    raw: Callable | None = None  # notebook text -> text
    lang: str = "en"
    views: bool = False  # keep every view cell (else the pure view cells are left out)
    review: bool = False  # listed in review.csv (a module named in a string, eval of own text,
    # an unread timestamp.txt)
    files: dict = field(default_factory=dict)  # more files next to the notebook: name -> text
    # CAUSES only: what a submission that cannot earn everything gets, and why
    score: float | None = None  # the score (None: rejected)
    feedback: tuple = ()  # texts its feedback shows
    rejected: str = ""  # the start of the notebook's rejection reason
    others: str = ""  # a text in the reason of every other file's rejection


# ---------------------------------------------------------------------------- editor variants
def _lines(nb):
    for cell in nb["cells"]:
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        yield cell, src


def crlf(nb):
    """An editor that writes Windows line endings into every cell (sources as line lists)."""
    for cell, src in _lines(nb):
        cell["source"] = [line + "\r\n" for line in src.split("\n")]


def trailing_spaces(nb):
    for cell, src in _lines(nb):
        cell["source"] = "\n".join(line + "  " for line in src.split("\n")) + "\n\n"


def nbformat44(ids):
    def mutate(nb):
        nb["nbformat_minor"] = 4
        for cell in nb["cells"]:
            if not ids:
                cell.pop("id", None)
    return mutate


def colab(nb):
    """What Google Colab writes: its own notebook and cell metadata, outputs kept."""
    nb["metadata"].update({"colab": {"provenance": [], "name": "unit.ipynb"},
                           "accelerator": "GPU",
                           "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    for k, cell in enumerate(nb["cells"]):
        cell["metadata"]["id"] = f"colab{k:04d}"
        if cell["cell_type"] == "code":
            cell["metadata"]["colab"] = {"base_uri": "https://localhost:8080/"}
            cell["metadata"]["outputId"] = f"out{k:04d}"
            cell["execution_count"] = k + 1
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["✔ ok\n"]}]


def vscode(nb):
    """What VS Code writes: vscode metadata in the notebook and in every cell."""
    nb["metadata"]["vscode"] = {"interpreter": {"hash": "0" * 64}}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.4"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"]["vscode"] = {"languageId": "python"}


def outputs_kept(nb):
    """The student ran everything before saving: outputs and execution counts stay."""
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = k
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": "✔ Correct.\n"},
                {"output_type": "execute_result", "execution_count": k, "metadata": {},
                 "data": {"text/plain": "0.5"}}]


def switched(grade_id, to="markdown"):
    """A cell switched to markdown (or raw) with the cell-type dropdown."""
    def mutate(nb):
        cell = _cell(nb, grade_id)[1]
        cell["cell_type"] = to
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return mutate


def nb_clean(nb, ids=True):
    """What ``nb-clean clean`` writes by default: no cell metadata, outputs or execution
    counts, notebook metadata kept without ``language_info.version``; ``ids=False``: an older
    editor that also dropped the cell ids (nbformat 4.4)."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"].get("language_info", {}).pop("version", None)
    for cell in nb["cells"]:
        cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if not ids:
            cell.pop("id", None)
    if not ids:
        nb["nbformat_minor"] = 4
    return nb


def cleaned(ids=True):
    def mutate(nb):
        nb.update(nb_clean(nb, ids))
    return mutate


def jupyterlab(nb):
    """What JupyterLab 4 keeps in cells: tags, collapsed headings, locks, execution timing."""
    for k, cell in enumerate(nb["cells"]):
        meta = cell["metadata"]
        meta.update({"tags": ["exercise"] if meta.get("nbgrader") else [],
                     "jp-MarkdownHeadingCollapsed": False, "editable": True, "deletable": False})
        if cell["cell_type"] == "code":
            meta["execution"] = {"iopub.execute_input": "2025-02-05T22:58:00.000000Z",
                                 "shell.execute_reply": "2025-02-05T22:58:00.100000Z"}
            meta["scrolled"] = "auto"
            meta["collapsed"] = k % 2 == 0


def recreated(*grade_ids):
    """Answer cells deleted by accident and written again in a new cell at their place (no
    nbgrader metadata, a new cell id)."""
    def mutate(nb):
        for k, grade_id in enumerate(grade_ids):
            cell = _cell(nb, grade_id)[1]
            cell["metadata"], cell["id"] = {}, f"0a1b2c3d{k:04d}"
    return mutate


def merge_conflict(text):
    """A notebook after ``git merge`` with a conflict in one answer cell (markers inside the
    JSON)."""
    at = text.index('"z_cs1 = ')
    line = text[at:].split("\n", 1)[0]
    return (text[:at] + "\n<<<<<<< HEAD\n" + line + "\n=======\n" + line.replace("z_cs1 = ",
            "z_cs1 = 0 * ") + "\n>>>>>>> other\n" + text[at + len(line):])


def written_twice(text):
    """The notebook written twice into one file (a sync tool or an editor that appended)."""
    return text + "\n" + text


def both(*mutations):
    def mutate(nb):
        for m in mutations:
            m(nb)
    return mutate


# ---------------------------------------------------------------------------- unit 1
U1 = "unit1"
RELU_WHERE = '''import numpy as np


def relu_grad(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
'''
RELU_LOOP = '''import numpy as np


def relu_grad(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        if z[i] > 0:
            out[i] = 1
    return out
'''
RELU_HEAVISIDE = '''import numpy as np

def relu_grad(z):
    return np.heaviside(z, 0)  # ReLU'(0) = 0
print(f"relu_grad(2) = {relu_grad(2.0)}, checked against nnkit's lecture")
'''
DY_BOOL = '''def dy_dw2(w1, w2, x1, x2):
    return x2 * (w1 * x1 + w2 * x2 > 0)
'''
DY_HELPER = '''def relu_prime(z):
    return 1.0 if z > 0 else 0.0


def dy_dw2(w1, w2, x1, x2):
    z = w1 * x1 + w2 * x2
    dy_dz = relu_prime(z)
    dz_dw2 = x2
    return dy_dz * dz_dw2
'''
U1_NUMPY = {
    "u1_z_cs1": "import numpy as np\nz_cs1 = np.dot([0.1, -0.1], [1, 20])",
    "u1_dy_dw2_cs1": "dy_dw2_cs1 = np.int64(0)",
    "u1_z_cs2": "z_cs2 = np.float32(0.1 * 20 - 0.1 * 10)",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = np.int32(10)",
    "u1_w2_next_cs2": "w2_next_cs2 = np.float64(-0.2)",
}
U1_FRACTIONS = {
    "u1_z_cs1": ("from fractions import Fraction\n"
                 "z_cs1 = Fraction(1, 10) * 1 + Fraction(-1, 10) * 20"),
    "u1_dy_dw2_cs1": "dy_dw2_cs1 = 0",
    "u1_z_cs2": "z_cs2 = Fraction(1, 10) * 20 - Fraction(1, 10) * 10",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = Fraction(10)",
    "u1_w2_next_cs2": "w2_next_cs2 = Fraction(-1, 10) - Fraction(1, 100) * 10",
}
U1_SYMPY = {
    "u1_dz_dw2": ('import sympy as sp\nw1, w2, x1, x2 = sp.symbols("w1 w2 x1 x2")\n'
                  "dz_dw2 = sp.diff(w1 * x1 + w2 * x2, w2)"),
    "u1_z_cs1": "z_cs1 = sp.Rational(-19, 10)",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = sp.Integer(10)",
    "u1_w2_next_cs2": "w2_next_cs2 = sp.Rational(-1, 10) - sp.Rational(1, 100) * 10",
}
U1_OWN_FUNCTION = {
    "u1_dy_dw2_cs1": "dy_dw2_cs1 = dy_dw2(0.1, -0.1, 1, 20)",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = dy_dw2(0.1, -0.1, 20, 10)",
    "u1_w2_next_cs2": "w2 = -0.1\nw2 -= 0.01 * dy_dw2_cs2  # one step, in place\nw2_next_cs2 = w2",
}
U1_COMMAS = {  # commas that are no decimal commas: arguments, list items, a string, a comment
    "u1_z_cs1": "z_cs1 = np.dot([0.1,-0.1], [1,20])  # w = (0,1; -0,1) wie im Skript",
    "u1_dy_dw2_cs1": "dy_dw2_cs1 = dy_dw2(0.1,-0.1,1,20)",
    "u1_z_cs2": 'z_cs2 = float("0,1".replace(",", ".")) * 20 - 0.1 * 10',
}
U1_SPELLING = {
    "u1_dz_dw2": 'dz_dw2 = " 1*x2 "',
    "u1_dead_choice": 'w2_fate = "Unchanged "',
    "u1_z_cs1": "z_cs1 = -1.9",
    "u1_z_cs2": "z_cs2 = 1",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = 10",
}
SCRATCH = {  # extra cells with everyday names (one of them a word of the old screening list)
    "u1_relu_grad": 'events = ["forward", "backward"]\nmodules = ["numpy"]\nprint(events, modules)',
    "u1_z_cs1": 'print("I finished the workbook")\nsteps = 3\nhistory = []',
    "u1_dead_choice": "import math\nresult = math.exp(0)\ncompile_log = 'ok'\nprint(result)",
}

# ---------------------------------------------------------------------------- unit 2
U2 = "unit2"
U2_ALGEBRA = {
    "u2_sigmoid_grad": "def sigmoid_grad(z):\n    return sigmoid(z) * sigmoid(-z)",
    "u2_leaky_relu": ("def leaky_relu(z):\n    z = np.asarray(z, dtype=float)\n"
                      "    return np.where(z > 0, z, 0.1 * z)"),
    "u2_leaky_relu_grad": "def leaky_relu_grad(z):\n    return 0.1 + 0.9 * (np.asarray(z) > 0)",
    "u2_maxout": ("def maxout(x, w1, b1, w2, b2):\n"
                  "    return np.maximum(np.dot(w1, x) + b1, np.dot(w2, x) + b2)"),
    "u2_maxout_grad_w": ("def maxout_grad_w(x, w1, b1, w2, b2):\n"
                         "    first = w1 @ x + b1 >= w2 @ x + b2\n"
                         "    return [x * first, x * (not first)]"),
    "u2_nonlinear": 'two_linear_layers = "Affine"',
    "u2_layer_forward": ("def layer_forward(W, a_prev, b):\n"
                         "    return 1 / (1 + np.exp(-(np.dot(W, a_prev) + b)))"),
    "u2_cost": ("def cost(outputs, targets):\n"
                "    return np.mean(np.sum((outputs - targets) ** 2, axis=1))"),
    "u2_derivative_x3": 'derivative_x3 = "3*x^2"',
    "u2_derivative_at_2": "derivative_at_2 = 12",
    "u2_lr_max": "lr_max = 1",
}
U2_LOOPS = {
    "u2_sigmoid_grad": ("def sigmoid_grad(z):\n"
                        "    s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
                        "    return s - s**2"),
    "u2_leaky_relu": ("def leaky_relu(z):\n    z = np.array(z, dtype=float)\n"
                      "    for i in np.ndindex(z.shape):\n        if z[i] <= 0:\n"
                      "            z[i] = 0.1 * z[i]\n    return z"),
    "u2_leaky_relu_grad": ("def leaky_relu_grad(z):\n    z = np.asarray(z, dtype=float)\n"
                           "    g = np.ones_like(z)\n    g[z <= 0] = 0.1\n    return g"),
    "u2_maxout": ("def maxout(x, w1, b1, w2, b2):\n"
                  "    a = sum(w1[i] * x[i] for i in range(len(x))) + b1\n"
                  "    b = sum(w2[i] * x[i] for i in range(len(x))) + b2\n"
                  "    return a if a >= b else b"),
    "u2_layer_forward": ("def layer_forward(W, a_prev, b):\n    out = []\n"
                         "    for i in range(len(W)):\n"
                         "        z = sum(W[i][j] * a_prev[j] for j in range(len(a_prev))) + b[i]\n"
                         "        out.append(sigmoid(z))\n    return np.array(out)"),
    "u2_cost": ("def cost(outputs, targets):\n    total = 0.0\n"
                "    for o, g in zip(outputs, targets):\n        total += np.sum((o - g) ** 2)\n"
                "    return total / len(outputs)"),
    "u2_forward_difference": "forward_difference = lambda f, x, h: (f(x + h) - f(x)) / h",
    "u2_central_difference": ("def central_difference(f, x, h):\n"
                              "    right, left = f(x + h), f(x - h)\n"
                              "    return (right - left) / h / 2"),
    "u2_gd_step": ("def gd_step(w, grad, lr):\n    w = np.array(w, dtype=float)\n"
                   "    w -= lr * np.asarray(grad)\n    return w"),
    "u2_output_neuron_grads": ("def output_neuron_grads(a_prev, w, b, G):\n"
                               "    z = np.dot(w, a_prev) + b\n"
                               "    relu_prime = float(z > 0)\n"
                               "    delta = 2 * (max(z, 0) - G) * relu_prime\n"
                               "    return [delta * np.asarray(a_prev), delta]"),
}
U2_SYMPY = {
    "u2_derivative_x3": ('import sympy as sp\nx = sp.Symbol("x")\n'
                         "derivative_x3 = sp.diff(x**3, x)"),
    "u2_derivative_at_2": "derivative_at_2 = derivative_x3.subs(x, 2)",
    "u2_lr_max": "lr_max = sp.Integer(1)",
}
U2_MORE = {
    "u2_derivative_x3": 'derivative_x3 = "3 * x * x"',
    "u2_derivative_at_2": "derivative_at_2 = np.float32(3 * 2**2)",
    "u2_lr_max": "from fractions import Fraction\nlr_max = Fraction(2, 2)",
    "u2_nonlinear": 'two_linear_layers = " affine"',
}

# ---------------------------------------------------------------------------- unit 3
U3 = "unit3"
U3_LISTS = {
    "u3_z": 'z_x2 = [w[f"w1_{k}0"] + w[f"w1_{k}1"] * 2 for k in (1, 2, 3)]',
    "u3_a": ("def g(z):\n    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))\n\n\n"
             "a_x2 = [g(z) for z in z_x2]"),
    "u3_yhat": 'yhat_x2 = w["w2_10"] + sum(w[f"w2_1{k}"] * a_x2[k - 1] for k in (1, 2, 3))',
    "u3_cost": "J_given = 0.5 * np.mean((y_data - predict_131(x_data, w)) ** 2)",
}
U3_FORMULAS = {
    "u3_chain": 'd_ln = "6*x/(3*x^2)"',
    "u3_layer2": 'dJ_dw2_12 = "-(y - yhat) * sigmoid(z2)"',
    "u3_layer1": 'dJ_dw1_21 = "-(y - yhat) * w2_12 * g(z2)*(1-g(z2)) * x"',
    "u3_needed": 'needed_x = "C"',
}
U3_FORMULAS2 = {
    "u3_chain": 'd_ln = "2/x"',
    "u3_layer2": 'dJ_dw2_12 = "(yhat - y) * g(z[2])"',
    "u3_layer1": 'dJ_dw1_21 = "(yhat - y)*w2_12*dg(w1_20 + w1_21*x)*x"',
}
U3_SYMPY = {
    "u3_chain": 'import sympy as sp\nx = sp.Symbol("x")\nd_ln = sp.diff(sp.log(3 * x**2), x)',
    "u3_layer2": 'dJ_dw2_12 = "-(y - yhat)/(1 + exp(-z2))"',
    "u3_layer1": 'dJ_dw1_21 = "-(y - yhat) * w2_12 * sigmoid\'(z2) * x"',
}
U3_CHECK = {  # 8b as a numpy array of booleans; 9b with a helper and a loop over copies; 9c by hand
    "u3_ingredients": ("import numpy as np\n\n"
                       "ingredients = np.array([[True, True, True, True],\n"
                       "                        [False, True, False, False],\n"
                       "                        [False, False, True, True],\n"
                       "                        [False, False, True, True],\n"
                       "                        [False, False, False, True]])"),
    "u3_numerical_gradients": ("def cost_131(x, y, w):\n"
                               "    return 0.5 * np.mean((y - predict_131(x, w)) ** 2)\n\n\n"
                               "def numerical_gradients(x, y, w, h):\n    out = {}\n"
                               "    for name, value in w.items():\n"
                               "        up = {**w, name: value + h}\n"
                               "        down = {**w, name: value - h}\n"
                               "        out[name] = (cost_131(x, y, up) - cost_131(x, y, down)) "
                               "/ (2 * h)\n"
                               "    return out"),
    "u3_rel_error": ("def rel_error(a, b):\n    worst = 0.0\n"
                     "    for ai, bi in zip(np.ravel(a), np.ravel(b)):\n"
                     "        worst = max(worst, abs(ai - bi) / max(1e-8, abs(ai) + abs(bi)))\n"
                     "    return worst"),
}
U3_LOOPS = {
    "u3_predict": ('def predict_131(x, w):\n    x = np.asarray(x, dtype=float)\n'
                   '    out = np.full(x.shape, w["w2_10"])\n'
                   '    for k in (1, 2, 3):\n'
                   '        z = w[f"w1_{k}0"] + w[f"w1_{k}1"] * x\n'
                   '        out += w[f"w2_1{k}"] / (1 + np.exp(-z))\n'
                   '    return out'),
    "u3_gradients": ('def gradients(x, y, w):\n    n = len(x)\n'
                     '    grads = {name: 0.0 for name in w}\n'
                     '    for xi, yi in zip(x, y):\n'
                     '        e = yi - predict_131(np.array([xi]), w)[0]\n'
                     '        grads["w2_10"] += -e / n\n'
                     '        for k in (1, 2, 3):\n'
                     '            a = g(w[f"w1_{k}0"] + w[f"w1_{k}1"] * xi)\n'
                     '            grads[f"w2_1{k}"] += -e * a / n\n'
                     '            grads[f"w1_{k}0"] += -w[f"w2_1{k}"] * e * a * (1 - a) / n\n'
                     '            grads[f"w1_{k}1"] += -w[f"w2_1{k}"] * e * a * (1 - a) * xi / n\n'
                     '    return grads'),
    "u3_step": ('def train_step(x, y, w, alpha):\n    new = dict(w)\n'
                '    grads = gradients(x, y, w)\n    for name in new:\n'
                '        new[name] -= alpha * grads[name]\n    return new'),
}

# ---------------------------------------------------------------------------- unit 4
U4 = "unit4"
U4_FORMS = {
    # q = -1.3 + 3.1 = 1.8, m = max(0.7, -2.1) = 0.7; dL/df = -2: x, y get -2 m, z gets -2 q
    "u4_graph_grads": "graph_grads = np.array([-1.4, -1.4, -3.6, 0])",
    "u4_max_gate": 'max_gate = "xy_zero"',
    "u4_dyhat": "import numpy as np\n\ndef dL_dyhat(yhat, y):\n    return float(np.sign(yhat - y))",
    "u4_dh0": 'dL_dh0 = "d2*w3 + d2*w2*H(w1*h0)*w1"',
    "u4_step_forward": "forward_values = np.array([0.5, 0.5, 0.25, 0.25, 0.375])",
    "u4_step_loss": "L_before = 3.375",
    "u4_step_grads": "grads = (0.75, 0.25, 0.25, 0.5)",
    "u4_step_weights": "w_new = np.array([0.5] * 4)\nw_new -= 1.0 * np.array(grads)",
    "u4_after_step": 'after_step = "Dead"',
    "u4_after_loss": "L_after = 3",
}
U4_FRACTIONS = {
    "u4_graph_grads": ("x, y, z, w = -1.3, 3.1, 0.7, -2.1\nq, m = x + y, max(z, w)\n"
                       "upstream = -2\ndq, dm = upstream * m, upstream * q\n"
                       "graph_grads = (dq, dq, dm if z > w else 0, dm if w > z else 0)"),
    "u4_max_gate": "max_gate = 'xy_zero '",
    "u4_dyhat": "def dL_dyhat(yhat, y):\n    return int(yhat > y) - int(yhat < y)",
    "u4_dh0": 'dL_dh0 = "d2*(w3 + w1*w2*Heaviside(z1))"',
    "u4_step_forward": ("from fractions import Fraction as F\n"
                        "forward_values = [F(1, 2), F(1, 2), F(1, 4), F(1, 4), F(3, 8)]"),
    "u4_step_loss": "L_before = F(27, 8)",
    "u4_step_grads": "grads = [F(3, 4), F(1, 4), F(1, 4), F(1, 2)]",
    "u4_step_weights": "w_new = [F(-1, 4), F(1, 4), F(1, 4), 0]",
    "u4_after_loss": "L_after = np.int64(3)",
    "u4_killed": ('result = experiment(lr=0.3, steps=100)\nkilled = 0\n'
                  'for start, end in zip(result.start["w0"], result.end["w0"]):\n'
                  '    if start > 0 and end <= 0:\n        killed += 1\n'
                  'killed_fraction = killed / len(result.start["w0"])'),
}
U4_PATHS = {
    "u4_dh0": 'dL_dh0 = "d2*w3 + d1*w1"',
    "u4_backward": ('def backward(x, y, w):\n    w0, w1, w2, w3 = w\n'
                    '    relu = lambda z: max(z, 0.0)\n    step = lambda z: float(z > 0)\n'
                    '    h0 = relu(w0 * x)\n    h1 = relu(w1 * h0)\n'
                    '    d2 = dL_dyhat(w2 * h1 + w3 * h0, y)\n'
                    '    d1 = d2 * w2 * step(w1 * h0)\n'
                    '    d0 = (d2 * w3 + d1 * w1) * step(w0 * x)\n'
                    '    return [d0 * x, d1 * h0, d2 * h1, d2 * h0]'),
}
U4_PATHS2 = {
    "u4_dh0": 'dL_dh0 = "d2*w3 + dh1*relu\'(z1)*w1"',
}

# ---------------------------------------------------------------------------- unit 5
U5 = "unit5"
U5_FORMS = {
    "u5_1a": 'answer_1a = "W[1,j]"',
    "u5_1b": 'answer_1b = "KroneckerDelta(1, i)*x[j]"',
    "u5_1c": 'answer_1c = "KroneckerDelta(i, 1)"',
    "u5_1d": 'answer_1d = "Heaviside(f[1]) * W[1, j]"',
    "u5_1e": 'answer_1e = "W[1, j]*sigmoid(f[1]) - W[1, j]*sigmoid(f[1])**2"',
    "u5_1f": 'answer_1f = "Sum(a[k] * H(f[k]) * W[k, j], (k, 1, m))"',
    "u5_2a_formula": ('answer_2a = "x * Product(sigma\'(s[i]), (i, 1, 4)) * '
                      'Product(w[i], (i, 2, 4))"'),
    "u5_2c": 'answer_2c = "sigma(o1 + b4 + w4*o3)"',
    "u5_2d_formula": ('answer_2d = "x*sigma\'(s1)*sigma\'(s4) + '
                      'x*sigma\'(s1)*sigma\'(s4)*w4*w3*w2*sigma\'(s3)*sigma\'(s2)"'),
}
U5_FORMS2 = {
    "u5_1d": 'answer_1d = "W[1, j] * relu\'(f[1])"',
    "u5_1e": 'answer_1e = "exp(-f[1])/(1 + exp(-f[1]))**2 * W[1, j]"',
    "u5_2a_formula": ('answer_2a = "x*w[2]*w[3]*w[4]*dsigma(s_1)*dsigma(s_2)*dsigma(s_3)*'
                      'dsigma(s_4)"'),
    "u5_2c": 'answer_2c = "sigma(w[4]*o[3] + b[4] + o[1])"',
    "u5_2d_formula": ('answer_2d = "x*sigma\'(s1)*sigma\'(s4)*(1 + w4*Product(w[i]*sigma\'(s[i]), '
                      '(i, 2, 3)))"'),
}
U5_SHAPES = {  # 1g as tuples in a tuple and as numpy shapes; 1h with einsum and a loop
    "u5_1g": "shapes = ((5, 3), (3, 2))",
    "u5_1h": ("def layer_backward(X, W, delta):\n"
              "    dX = np.einsum('nm,dm->nd', delta, W)\n"
              "    dW = np.zeros_like(W)\n"
              "    for x_row, d_row in zip(X, delta):  # one outer product per example\n"
              "        dW += np.outer(x_row, d_row)\n"
              "    db = np.sum(delta, axis=0)\n"
              "    return dX, dW, db"),
}
U5_SHAPES2 = {
    "u5_1g": "import numpy as np\nshapes = [np.zeros((5, 3)).shape, np.zeros((3, 2)).shape]",
    "u5_1h": ("def layer_backward(X, W, delta):\n"
              "    return np.dot(delta, W.T), np.dot(X.T, delta), delta.sum(0)"),
}
U5_LOOPS = {
    "u5_2a_function": ('def do_dw1(x, w, b, act):\n    o, s = x, []\n'
                       '    for wi, bi in zip(w, b):\n        s.append(wi * o + bi)\n'
                       '        o = act.fn(s[-1])\n'
                       '    result = x * act.grad(s[0])\n'
                       '    for i in range(1, len(w)):\n'
                       '        result *= w[i] * act.grad(s[i])\n    return float(result)'),
    "u5_2d_function": ('def do_dw1_skip(x, w, b, act):\n    N = len(w)\n    o, s = x, []\n'
                       '    for i in range(N):\n'
                       '        s.append(w[i] * o + b[i] + (o1 if i == N - 1 else 0))\n'
                       '        o = act.fn(s[i])\n        if i == 0:\n            o1 = o\n'
                       '    d = [act.grad(si) for si in s]\n    path = w[N - 1]\n'
                       '    for i in range(1, N - 1):\n        path = path * w[i] * d[i]\n'
                       '    return x * d[0] * d[N - 1] * (1 + path)'),
}


def _all(unit, mapping, **kw):
    return dict(unit=unit, cells=mapping, **kw)


CASES = [
    # -- unit 1: other forms of every answer
    Case("u1_relu_where", U1, "np.where, bool multiplication", cells={
        "u1_relu_grad": RELU_WHERE, "u1_dy_dw2": DY_BOOL}),
    Case("u1_relu_loop", U1, "loops, a helper function", cells={
        "u1_relu_grad": RELU_LOOP, "u1_dy_dw2": DY_HELPER}),
    Case("u1_heaviside_fstring", U1, "np.heaviside; an f-string mentioning nnkit", cells={
        "u1_relu_grad": RELU_HEAVISIDE}),
    Case("u1_numpy_types", U1, "numpy ints and floats of other widths", cells=U1_NUMPY),
    Case("u1_fractions", U1, "fractions.Fraction", cells=U1_FRACTIONS),
    Case("u1_sympy", U1, "sympy numbers and a sympy derivative", cells=U1_SYMPY),
    Case("u1_own_function", U1, "values from the own function, an in-place step",
         cells=U1_OWN_FUNCTION),
    Case("u1_spelling", U1, "spaces, capitals, ints", cells=U1_SPELLING),
    Case("u1_scratch", U1, "scratch cells with everyday names", before=SCRATCH),
    Case("u1_scratch_de", U1, "scratch cells, German", before=SCRATCH, lang="de"),
    Case("u1_module_note", U1, "a note naming the self-check's module (graded, shown to the "
         "instructor)", before={"u1_relu_grad": 'where = "workbook.checks"  # the self-check\n'
                                                 'print("The checks live in", where)'},
         review=True),
    Case("u1_fractions_de", U1, "fractions, German", cells=U1_FRACTIONS, lang="de"),
    Case("u1_commas_de", U1, "commas in calls, lists, a string and a comment, German",
         cells=U1_COMMAS, lang="de"),
    # -- unit 1: editors and formats
    Case("u1_crlf", U1, "Windows line endings in every cell", mutate=crlf),
    Case("u1_crlf_de", U1, "Windows line endings, German", mutate=crlf, lang="de"),
    Case("u1_crlf_scratch", U1, "Windows line endings and scratch cells", before=SCRATCH,
         mutate=crlf),
    Case("u1_trailing_spaces", U1, "trailing spaces and blank lines", mutate=trailing_spaces),
    Case("u1_nbformat44", U1, "nbformat 4.4 without cell ids", mutate=nbformat44(False)),
    Case("u1_nbformat44_ids", U1, "nbformat 4.4 with cell ids", mutate=nbformat44(True)),
    Case("u1_colab", U1, "saved by Colab", mutate=colab),
    Case("u1_vscode", U1, "saved by VS Code", mutate=vscode),
    Case("u1_outputs_kept", U1, "outputs and execution counts kept", mutate=outputs_kept),
    Case("u1_answer_markdown", U1, "an answer cell switched to markdown",
         mutate=switched("u1_z_cs1")),
    Case("u1_check_markdown", U1, "a check cell switched to markdown",
         mutate=switched("u1_relu_grad_check")),
    Case("u1_answer_raw", U1, "an answer cell switched to raw",
         mutate=switched("u1_dz_dw2", "raw")),
    Case("u1_views", U1, "with the interactive views", views=True),
    Case("u1_crlf_views", U1, "Windows line endings with the views", views=True, mutate=crlf),
    # -- unit 2
    Case("u2_algebra", U2, "other algebra, numpy functions", cells=U2_ALGEBRA),
    Case("u2_loops", U2, "loops, lambdas, in-place updates, lists", cells=U2_LOOPS),
    Case("u2_sympy", U2, "sympy derivative and its value at 2", cells=U2_SYMPY),
    Case("u2_more", U2, "other spellings and numeric types", cells=U2_MORE),
    Case("u2_algebra_de", U2, "other algebra, German", cells=U2_ALGEBRA, lang="de"),
    Case("u2_crlf", U2, "Windows line endings", mutate=crlf),
    Case("u2_colab", U2, "Colab with loops", cells=U2_LOOPS, mutate=colab),
    Case("u2_scratch", U2, "scratch cells", before={"u2_cost": SCRATCH["u1_relu_grad"],
                                                    "u2_gd_step": SCRATCH["u1_z_cs1"]}),
    # -- unit 3
    Case("u3_lists", U3, "lists, tanh form of the sigmoid, mean", cells=U3_LISTS),
    Case("u3_formulas", U3, "g(1-g), sigmoid(z2), 6x/(3x^2)", cells=U3_FORMULAS),
    Case("u3_formulas2", U3, "(yhat - y) g(z[2]), dg, 2/x", cells=U3_FORMULAS2),
    Case("u3_sympy", U3, "a sympy derivative, the sigmoid written out", cells=U3_SYMPY),
    Case("u3_loops", U3, "loops over the data points, in-place dict update", cells=U3_LOOPS),
    Case("u3_formulas_de", U3, "formulas, German", cells=U3_FORMULAS, lang="de"),
    Case("u3_crlf", U3, "Windows line endings", mutate=crlf),
    Case("u3_vscode", U3, "VS Code with lists", cells=U3_LISTS, mutate=vscode),
    Case("u3_markdown", U3, "an answer cell switched to markdown", cells=U3_FORMULAS2,
         mutate=switched("u3_layer1")),
    Case("u3_check", U3, "booleans for 8b, a cost helper and loops for the gradient check",
         cells=U3_CHECK),
    Case("u3_check_de", U3, "the gradient check by loops, German, Windows line endings",
         cells=U3_CHECK, lang="de", mutate=crlf),
    # -- unit 4
    Case("u4_forms", U4, "np.sign, H(w1*h0), arrays, in-place step", cells=U4_FORMS),
    Case("u4_fractions", U4, "Fractions, bool arithmetic, a counting loop", cells=U4_FRACTIONS),
    Case("u4_paths", U4, "d1 for the path through z1, a compact backward", cells=U4_PATHS),
    Case("u4_paths2", U4, "dh1 relu'(z1)", cells=U4_PATHS2),
    Case("u4_forms_de", U4, "other forms, German", cells=U4_FORMS, lang="de"),
    Case("u4_crlf", U4, "Windows line endings", mutate=crlf),
    Case("u4_nbformat44", U4, "nbformat 4.4 without ids, outputs kept",
         mutate=both(nbformat44(False), outputs_kept)),
    # -- unit 5
    Case("u5_forms", U5, "KroneckerDelta, Heaviside, sigma', Product over i", cells=U5_FORMS),
    Case("u5_forms2", U5, "relu', exp form, w[i], Product in the skip path", cells=U5_FORMS2),
    Case("u5_loops", U5, "loops instead of vectorised code", cells=U5_LOOPS),
    Case("u5_forms_de", U5, "other forms, German", cells=U5_FORMS, lang="de"),
    Case("u5_crlf", U5, "Windows line endings", mutate=crlf),
    Case("u5_colab", U5, "Colab", cells=U5_LOOPS, mutate=colab),
    Case("u5_shapes", U5, "a tuple of tuples, einsum and outer products", cells=U5_SHAPES),
    Case("u5_shapes2", U5, "numpy shapes, np.dot, German", cells=U5_SHAPES2, lang="de"),
    Case("u5_view_params", U5, "a view re-run with other parameters", views=True,
         raw=lambda text: text.replace("VanishingView(depth=5", "VanishingView(depth=8")),
    Case("u5_helpers", U5, "the student helpers: the expression parser and the language",
         cells={"u5_1a": 'import sympy\nfrom workbook.i18n import fmt\n'
                         'from workbook.symbolic import parse\n\nanswer_1a = "W[1, j]"\n'
                         'print(parse(answer_1a, {"W": sympy.IndexedBase("W"), '
                         '"j": sympy.Symbol("j", integer=True)}), fmt(0.5))'}),
    Case("u5_check_markdown", U5, "a check cell switched to markdown",
         mutate=switched("u5_1c_check")),
    # -- more combinations
    Case("u1_sympy_de", U1, "sympy, German, Windows line endings", cells=U1_SYMPY, lang="de",
         mutate=crlf),
    Case("u2_sympy_de", U2, "sympy derivative and its value, German", cells=U2_SYMPY, lang="de"),
    Case("u3_loops_de", U3, "loops, German, outputs kept", cells=U3_LOOPS, lang="de",
         mutate=outputs_kept),
    Case("u4_paths_de", U4, "paths, German, Colab", cells=U4_PATHS, lang="de", mutate=colab),
    Case("u5_forms2_de", U5, "other forms, German, VS Code", cells=U5_FORMS2, lang="de",
         mutate=vscode),
    Case("u2_markdown_scratch", U2, "an answer cell switched to markdown, scratch cells",
         mutate=switched("u2_lr_max"), before={"u2_lr_max": SCRATCH["u1_dead_choice"]}),
    Case("u4_raw_nbformat44_ids", U4, "an answer cell switched to raw, nbformat 4.4 with ids",
         mutate=both(switched("u4_after_step", "raw"), nbformat44(True))),
    # -- issue 25: what students really hand in
    Case("u1_eval_own_formula", U1, "eval of the own formula to check it (nbgrader PR#1324, "
         "otter-grader#838): graded, listed for the instructor", review=True,
         before={"u1_dz_dw2_check": 'print(eval(dz_dw2, {"x2": 3.0}))',
                 "u1_z_cs1": 'f = "w1*x1 + w2*x2"\n'
                             'print(eval(f.replace(" ", ""), {"w1": 0.1, "w2": -0.1, '
                             '"x1": 1, "x2": 20}))'}),
    Case("u1_eval_own_formula_de", U1, "eval of the own formula, German", lang="de",
         review=True, before={"u1_dz_dw2_check": 'print(eval(dz_dw2, {"x2": 3.0}))'}),
    Case("u1_nb_clean", U1, "cleaned by nb-clean (cell metadata stripped, ids kept)",
         mutate=cleaned(True)),
    Case("u1_nb_clean_no_ids", U1, "cleaned by nb-clean, no cell ids, scratch cells",
         before=SCRATCH, mutate=cleaned(False)),
    Case("u2_nb_clean_de", U2, "cleaned by nb-clean, German", lang="de", mutate=cleaned(True)),
    Case("u1_answer_recreated", U1, "answer cells deleted and written again in new cells",
         mutate=recreated("u1_z_cs1", "u1_dead_explain")),
    Case("u3_answer_recreated_de", U3, "an answer cell written again, German", lang="de",
         mutate=recreated("u3_chain")),
    Case("u1_moodle_timestamp", U1, "timestamp.txt as Moodle shows it (German)",
         files={"timestamp.txt": "Mittwoch, 5. Februar 2025, 23:59"}),
    Case("u1_date_timestamp_de", U1, "timestamp.txt by `date` in a German locale, a time zone",
         lang="de", files={"timestamp.txt": "Mi 5. Feb 23:59:00 CET 2025\n"}),
    Case("u1_ilias_timestamp", U1, "timestamp.txt as ILIAS shows it",
         files={"timestamp.txt": "05. Feb 2025, 23:59"}),
    Case("u1_unread_timestamp", U1, "an unreadable timestamp.txt: graded, listed", review=True,
         files={"timestamp.txt": "Heute, 23:59"}),
    Case("u1_module_unused", U1, "a helper module next to the notebook that it does not use",
         files={"helpers.py": "def square(x):\n    return x * x\n"}),
    Case("u1_memory_versions", U1, "gc.collect() and the numpy version printed",
         before={"u1_relu_grad": 'import gc\nimport importlib.metadata\n\ngc.collect()\n'
                                 'print(importlib.metadata.version("numpy"))'}),
    Case("u1_jupyterlab", U1, "JupyterLab 4's cell metadata (tags, timing, locks)",
         mutate=jupyterlab),
    Case("u1_utf8_bom", U1, "saved with a UTF-8 byte order mark (Windows editors)",
         raw=lambda text: "\ufeff" + text),
    Case("u1_python310", U1, "Python 3.10 syntax: match, parenthesised context managers",
         cells={"u1_relu_grad": "import numpy as np\n\n\ndef relu_grad(z):\n"
                                "    match np.ndim(z):\n        case 0:\n"
                                "            return 1.0 if z > 0 else 0.0\n        case _:\n"
                                "            return (np.asarray(z) > 0) * 1.0",
                "u1_z_cs1": "import contextlib\nwith (contextlib.nullcontext() as a,\n"
                            "      contextlib.nullcontext() as b):\n"
                            "    z_cs1 = 0.1 * 1 + (-0.1) * 20"}),
]

PEP701 = 'w = {"w1": 0.1, "w2": -0.1}\nz_cs1 = float(f"{w["w1"] * 1 + w["w2"] * 20}")'
CAUSES = [  # submissions that cannot earn everything: graded with the real cause, or rejected
    Case("u1_python312_fstring", U1, "a PEP 701 f-string (Python 3.12): the message says so",
         cells={"u1_z_cs1": PEP701}, score=10,
         feedback=("SyntaxError: f-string: unmatched '[' (line 2)",
                   "valid only from Python 3.12 on")),
    Case("u1_python312_fstring_de", U1, "a PEP 701 f-string, German", lang="de",
         cells={"u1_z_cs1": PEP701}, score=10,
         feedback=("(Zeile 2)", "erst ab Python 3.12 gültig")),
    Case("u1_own_module", U1, "relu_grad imported from the student's own my_utils.py",
         cells={"u1_relu_grad": "from my_utils import relu_grad"}, score=9,
         files={"my_utils.py": "def relu_grad(z):\n    return (z > 0) * 1.0\n"},
         feedback=("your answer cell stops with this error: ModuleNotFoundError: No module "
                   "named 'my_utils'", "a module of your own"),
         others="the notebook imports my_utils"),
    Case("u1_own_module_de", U1, "the own module, German", lang="de",
         cells={"u1_relu_grad": "from my_utils import relu_grad"}, score=9,
         files={"my_utils.py": "def relu_grad(z):\n    return (z > 0) * 1.0\n"},
         feedback=("Ihre Antwortzelle bricht mit diesem Fehler ab: ModuleNotFoundError",
                   "Ein eigenes Modul"), others="the notebook imports my_utils"),
    Case("u1_merge_conflict", U1, "git merge conflict markers in the notebook",
         raw=merge_conflict, rejected="merge conflict (git's marker <<<<<<< at line "),
    Case("u1_empty", U1, "an empty file", raw=lambda text: "", rejected="empty file (0 bytes)"),
    Case("u1_html_export", U1, "the notebook exported as HTML, named .ipynb",
         raw=lambda text: '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                          '<title>1_relu_chain_rule</title></head><body class="jp-Notebook">'
                          '</body></html>',
         rejected="HTML page, not a notebook: a notebook exported as HTML"),
    Case("u1_written_twice", U1, "two notebooks in one file", raw=written_twice,
         rejected="two notebooks in one file (the second starts at line "),
    Case("u1_nb_clean_ambiguous", U1, "nb-clean, no ids, a first try kept above an answer",
         mutate=both(cleaned(False), lambda nb: nb["cells"].insert(
             next(i for i, c in enumerate(nb["cells"]) if c["source"].startswith("z_cs1 =")),
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": "z_cs1 = 0  # first try"})),
         rejected="nbgrader cell metadata removed (nb-clean's default removes all cell "
                  "metadata) and the cells could not be matched to the released notebook: no "
                  "single cell for u1_z_cs1."),
]


# ---------------------------------------------------------------------------- building
def _only_view(source):
    """Does the cell only import views and show one (nothing later cells use)?"""
    for line in source.splitlines():
        names = re.fullmatch(r"from \S+ import (.*)", line.strip())
        if names and all(VIEW_CALL.match(n.strip() + "()") for n in names[1].split(",")):
            continue
        if line.strip() and not VIEW_CALL.match(line):
            return False
    return True


def notebook(unit, lang, views, cells=None, before=None, mutate=None, raw=None):
    """The notebook dict of the reference solution with ``cells`` replaced and ``before``
    inserted (new code cells), then ``mutate``; views left out unless ``views``."""
    from nbformat.v4 import new_code_cell

    nb = base_notebook("reference", unit, lang, views=True)
    if not views:  # the pure view cells are left out: faster
        nb["cells"] = [c for c in nb["cells"] if c["cell_type"] != "code"
                       or c.get("metadata", {}).get("nbgrader") or not _only_view(c["source"])]
    for grade_id, src in (cells or {}).items():
        _cell(nb, grade_id)[1]["source"] = src
    for grade_id, src in (before or {}).items():
        i, _ = _cell(nb, grade_id)
        nb["cells"].insert(i, json.loads(json.dumps(new_code_cell(src))))
    if mutate:
        mutate(nb)
    return nb


def notebook_text(case):
    nb = notebook(case.unit, case.lang, case.views, case.cells, case.before, case.mutate)
    text = json.dumps(nb, indent=1, ensure_ascii=False)
    return case.raw(text) if case.raw else text


def filename(unit, lang):
    import importlib

    return importlib.import_module(f"workbook.units.{unit}").UNIT.filename[lang]


def build(root, cases):
    """Write every case to ROOT/<case>/<unit>_<lang>/<notebook>.ipynb."""
    for case in cases:
        folder = Path(root) / case.name / f"{case.unit}_{case.lang}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{filename(case.unit, case.lang)}.ipynb").write_text(
            notebook_text(case), encoding="utf-8")
        for name, text in case.files.items():
            (folder / name).write_text(text, encoding="utf-8")
