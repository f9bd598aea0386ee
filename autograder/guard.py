"""The grading edition of the reference: it computes nothing for a student's code.

The kernel that grades a submission imports ``nnkit`` and ``workbook`` from the student edition
the grader writes (:func:`autograder.execute.kernel_edition`). In that copy every function and
method of the reference (``REFERENCE`` in :mod:`autograder.screen`: nnkit and workbook.reference)
begins with a guard: called by code outside the edition's own files -- a notebook cell, a
student's function, a thread, a callback of another library -- it raises :data:`EXCEPTION`
(``ReferenceUsed: <function>``) before it computes anything. Called by the course's own code (the
views, the reference itself, the grader's collector), it runs as written. However an answer
reaches the reference (an import, an object an instructor's cell imported,
``inspect.getmodule``, ``pkgutil.resolve_name``, ``sys.modules``, a thread) and whenever it
runs (a value in the answer cell, a function on the grader's cases), it gets no number from it,
and nothing the kernel records or reports can give it one: the verdict is made on the answer
alone. :mod:`autograder.execute` only names the cause when the answer is missing or failed
because of it.

Exempt: what the unit being graded hands out (:func:`handed_out`: the names its instructor's
cells import, e.g. ``experiment``, ``sine_data``, as in :mod:`autograder.screen`, and the
classes of the objects its function exercises pass to the student, e.g. unit 5's activations)
and the special methods Python and other libraries call (``__repr__``, ``__eq__`` ...; ``__init__``
and ``__call__`` are guarded). The guard reads only its own frame and its caller's (an exception
it raises and catches, C attributes, constants), so no module attribute a student could replace
switches it off.

What it does not stop: code whose file name claims to be in the edition (``compile`` with that
name, a code object's ``replace``) and a tracer that steps over the guard (``sys.settrace``,
a frame's ``f_lineno``, pdb's ``jump``) -- the screen finds these when they are written plainly
(tampering; a debugger is listed for review) --, the result of a cached function
(``functools.lru_cache``) the course's code computed before, and the reference's text copied
into an answer (the student edition ships it; no program can tell copied from written).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from autograder.screen import REFERENCE

GUARDED = (*REFERENCE, "workbook.views")  #: the course's code that computes answers
EXCEPTION = "ReferenceUsed"  #: the guard's exception (its name is what the grader looks for)
SPECIAL_GUARDED = ("__init__", "__call__")
_GUARD = '''
try:
    1 / 0
except ZeroDivisionError as _nnkit_here:
    if not _nnkit_here.__traceback__.tb_frame.f_back.f_code.co_filename.startswith({inside!r}):
        raise {exception}({name!r}) from None
'''
_EXCEPTION_CLASS = f'''
class {EXCEPTION}(Exception):
    """A function of the course's reference was called from a notebook cell while grading."""
'''


def _guarded(name):
    return not (name.startswith("__") and name.endswith("__")) or name in SPECIAL_GUARDED


def _guard(node, inside):
    """Put the guard in front of the body of the function ``node`` (after its docstring)."""
    body, start = node.body, int(ast.get_docstring(node, clean=False) is not None)
    guard = ast.parse(_GUARD.format(inside=inside, exception=EXCEPTION, name=node.name)).body
    node.body = body[:start] + guard + (body[start:] or [ast.Pass()])


def guard_source(source, inside, exempt=frozenset(), methods=True):
    """The source of one module with a guard in every module-level function and (``methods``)
    in every method of its module-level classes, except the names in ``exempt`` (whole classes
    among them) and special methods; ``inside``: the path prefixes (a tuple) of the code that
    may call them."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in exempt:
            _guard(node, inside)
        elif isinstance(node, ast.ClassDef) and methods and node.name not in exempt:
            for method in node.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and _guarded(
                        method.name):
                    _guard(method, inside)
    head = int(ast.get_docstring(tree, clean=False) is not None)
    while head < len(tree.body) and getattr(tree.body[head], "module", None) == "__future__":
        head += 1
    tree.body[head:head] = ast.parse(_EXCEPTION_CLASS).body
    return ast.unparse(tree) + "\n"


def guard_edition(edition, exempt):
    """Guard the modules of :data:`GUARDED` in the edition folder ``edition``, in place.
    ``exempt``: ``{(module, name)}`` left as they are (:func:`handed_out`)."""
    edition = Path(edition)
    folders = {package: edition.joinpath(*package.split(".")) for package in GUARDED}
    inside = tuple(f"{folder}{os.sep}" for folder in folders.values())  # as the kernel
    for package, folder in folders.items():                             # imports them
        for path in sorted(folder.rglob("*.py")):
            module = ".".join(path.relative_to(edition).with_suffix("").parts)
            names = {name for mod, name in exempt if mod == module.removesuffix(".__init__")}
            path.write_text(guard_source(path.read_text(), inside, names,
                                         methods=package in REFERENCE))


def handed_out(unit, seed):
    """``{(module, name)}`` that ``unit`` (``"unit4"``) hands out: the ``from module import
    name`` of its instructor's code cells (``experiment``, ``sine_data``: data and tools) and the
    classes (with their bases) of the reference objects its function exercises pass to the
    student's function with the grading ``seed`` (unit 5's activations ``act``)."""
    from autograder.screen import _imports_from, _within, parse
    from workbook.build import source_notebook
    from workbook.checks import unit_modules

    found = set()
    for module in unit_modules():
        if getattr(getattr(module, "UNIT", None), "id", None) != unit:
            continue
        for cell in source_notebook(module, "en").cells:
            if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get(
                    "solution") and (tree := parse(cell.source)) is not None:
                found |= _imports_from(tree)
        objects = [ex.case_list(seed, hidden=True) for ex in module.EXERCISES
                   if ex.kind == "function"]
        for name, attribute in list(found):  # where a name re-exported by a package the
            # units import (``from nnkit import MLP``) is defined
            defined = getattr(sys.modules.get(name), attribute, None)
            if hasattr(defined, "__qualname__") and hasattr(defined, "__module__"):
                found.add((defined.__module__, defined.__qualname__))
        while objects:
            item = objects.pop()
            if isinstance(item, (list, tuple)):
                objects += item
            else:
                found |= {(c.__module__, c.__name__) for c in type(item).__mro__
                          if _within(c.__module__, GUARDED)}
    return found
