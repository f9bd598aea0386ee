"""The grading edition's reference computes nothing for a notebook's code (autograder/guard.py),
whatever the lookup or thread, and nothing a student's code changes in its modules switches
that off; the data the units hand out and the views still work."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from autograder.guard import EXCEPTION, guard_edition, guard_source, handed_out

# run in the edition's folder with only the edition on the path, as the kernel imports it
EVASIONS = r'''
import inspect, json, pkgutil, sys, threading

from workbook.reference.dead_relu import experiment
from workbook.views.dead_relu import BackpropView, ExperimentView, StepView

W = (0.5, 0.5, 0.5, 0.5)
result = {"experiment": int(experiment(lr=0.3, steps=100).wrong.shape[0])}
for view in (BackpropView, ExperimentView, StepView):
    view()
result["views"] = "built"


def attempt(name, f):
    try:
        result[name] = repr(f())
    except Exception as err:
        result[name] = f"{type(err).__name__}: {err}"


dead_relu = inspect.getmodule(experiment)
attempt("getmodule", lambda: dead_relu.trace_values(1.0, -3.0, W).grads)
attempt("resolve_name", lambda: pkgutil.resolve_name("workbook.reference:dead_relu").gd_weights(
    W, 1.0, -3.0, 1.0))
attempt("sys.modules", lambda: sys.modules["nnkit.activations"].ReLU().grad(1.0))
attempt("nnkit", lambda: pkgutil.resolve_name("nnkit:get_activation")("relu"))
attempt("view function", lambda: pkgutil.resolve_name(
    "workbook.views.difference_quotient:quotients")(lambda x: x * x, 1.0, 0.1))
attempt("through the collector", lambda: pkgutil.resolve_name("workbook.answer:collect")(
    "function", "f", {"f": dead_relu.trace_values}, [(1.0, -3.0, W)])["results"][0]["t"])
out = []
thread = threading.Thread(target=lambda: attempt("thread", lambda: dead_relu.trace_values(
    1.0, -3.0, W).grads))
thread.start()
thread.join()
# what a kernel can change in the reference's modules changes nothing
dead_relu.ReferenceUsed = lambda name: None
dead_relu.ZeroDivisionError = ArithmeticError
attempt("patched module", lambda: dead_relu.trace_values(1.0, -3.0, W).grads)
print(json.dumps(result))
'''


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    from workbook.edition import kernel_edition

    folder = tmp_path_factory.mktemp("grading-edition")
    path = kernel_edition(folder / "edition", key=False)
    guard_edition(path, handed_out("unit4", 0))
    return path


def test_the_reference_refuses_every_way_a_notebook_reaches_it(edition):
    """Issue 23's evasions (unit 4: a module reached through the object an instructor's cell
    imported, pkgutil's "module:name" form, a thread) and their kin get no number."""
    run = subprocess.run([sys.executable, "-c", EVASIONS], cwd=edition, capture_output=True,
                         text=True, timeout=300, env={"PYTHONPATH": str(edition),
                                                      "MPLBACKEND": "Agg", "PATH": "/usr/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.splitlines()[-1])
    assert result.pop("experiment") == 1000 and result.pop("views") == "built"
    assert result.pop("through the collector") == "'error'"
    refused = {name: value for name, value in result.items()
               if value.startswith(f"{EXCEPTION}: ") or value.startswith("TypeError")}
    assert refused == result, result
    assert result["getmodule"] == f"{EXCEPTION}: trace_values"


def test_a_unit_hands_out_its_instructors_imports_and_the_objects_of_its_cases():
    assert ("workbook.reference.dead_relu", "experiment") in handed_out("unit4", 0)
    assert not any(module.startswith("nnkit") for module, _ in handed_out("unit4", 0))
    unit5 = handed_out("unit5", 7)  # the activations its chain exercises pass as ``act``
    assert {("nnkit.activations", "Activation"), ("nnkit.activations", "ReLU")} <= unit5
    assert ("nnkit.activations", "get_activation") not in unit5


def test_the_guard_leaves_the_course_its_own_calls_and_the_handed_out_names(tmp_path):
    source = textwrap.dedent('''
        """A reference module."""
        from __future__ import annotations


        def data():
            return answer(2)


        def answer(x):
            """The answer."""
            return 2 * x


        class Net:
            def __init__(self):
                self.w = 3

            def __repr__(self):
                return "Net()"

            def forward(self, x):
                return self.w * x
    ''')
    package = tmp_path / "ref"
    package.mkdir()
    guarded = guard_source(source, (f"{package}/",), exempt={"data"})
    assert guarded.index("from __future__") < guarded.index(f"class {EXCEPTION}")
    (package / "mod.py").write_text(guarded)
    code = ("import ref.mod as m\n"
            "print(m.data(), m.answer.__doc__, repr(object.__new__(m.Net)))\n"
            "for f in (lambda: m.answer(1), m.Net, lambda: m.Net.forward(None, 1)):\n"
            "    try:\n        f()\n    except m.ReferenceUsed as err:\n        print(err)\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.stdout.split("\n")[:4] == ["4 The answer. Net()", "answer", "__init__", "forward"]
