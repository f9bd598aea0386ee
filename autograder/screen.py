"""Static screening of a submission's code, in the grader process, before anything runs.

Only the code a student wrote is read: every code cell whose source differs from the cells of
the instructor's source notebook (answer cells, changed or added cells; the unchanged setup,
view and test cells are not). Two findings:

* **tampering** (every autograded exercise of the notebook scores 0): code that reaches into the
  grading machinery or the interpreter instead of answering: ``workbook`` (the checks and the
  answer key; the unchanged view cells are exempt), ``__import__``, ``importlib``, ``exec``,
  ``eval``, ``compile``, ``builtins``, ``sys.modules``, ``sys.setprofile``/``settrace``,
  ``gc``, IPython's ``events``/``set_custom_exc``/``showtraceback``/``display_pub``,
  ``excepthook``, the answer MIME type or the grading seed's name;
* **nnkit reference** (that exercise scores 0): the answer cell of an exercise uses nnkit (an
  ``import nnkit...``, a name imported from nnkit in any student cell, or a string naming
  nnkit), except the helpers ``nnkit.i18n`` and ``nnkit.symbolic``.

What it cannot see: code that builds these names at run time in ways other than string
concatenation (e.g. ``chr()`` arithmetic) -- which needs one of the tampering names above to do
anything -- and nnkit used through an object handed over by an unchanged cell. The dynamic
tripwire in :mod:`autograder.execute` covers the second for function exercises.
"""

from __future__ import annotations

import ast

BUILTIN_NAMES = {"exec", "eval", "compile", "gc", "open_code"}  # only as plain names
TAMPER_NAMES = {"__import__", "importlib", "builtins",
                "__builtins__", "setprofile", "settrace", "set_custom_exc",
                "showtraceback", "_showtraceback", "showsyntaxerror", "display_pub",
                "excepthook", "events", "emit_answer", "grading_seed", "_nnkit_collect",
                "modules", "__subclasses__", "__globals__", "__code__", "f_globals", "f_back"}
TAMPER_TEXT = ("workbook", "vnd.nnkit", "NNKIT_GRADING_SEED", "_nnkit_collect")
NNKIT_HELPERS = ("nnkit.i18n", "nnkit.symbolic")


def _transform(source):
    """IPython syntax (magics, ``!cmd``) to Python."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def _concat(node):
    """The string parts of ``"a" + "b" + ...`` or None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _concat(node.left), _concat(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return None


def _strings(tree):
    """Every string constant, with ``"a" + "b"`` folded."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = _concat(node)
            if parts is not None:
                out.append("".join(parts))
        elif isinstance(node, ast.JoinedStr):
            out.append("".join(v.value for v in node.values
                               if isinstance(v, ast.Constant) and isinstance(v.value, str)))
    return out


def _plain(tree):
    """Plain names and imported module names (not attributes)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.alias):
            out.update(node.name.split("."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.update(node.module.split("."))
    return out


def _attributes(tree):
    """Attribute names and import aliases (with ``_plain``: every name the code mentions)."""
    return {node.attr if isinstance(node, ast.Attribute) else node.asname
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) or isinstance(node, ast.alias) and node.asname}


def _nnkit_imports(tree):
    """(uses nnkit other than the helpers, names bound by such imports)."""
    uses, bound = False, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "nnkit" and not a.name.startswith(NNKIT_HELPERS):
                    uses = True
                    bound.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "nnkit":
            if not (node.module or "").startswith(NNKIT_HELPERS):
                uses = True
                bound.update(a.asname or a.name for a in node.names)
    return uses, bound


def parse(source):
    try:
        return ast.parse(_transform(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def screen(cells, original_sources, answer_cells):
    """``(tamper, nnkit)`` for a notebook.

    ``cells``: [(grade id or None, source)] of the code cells; ``original_sources``: the sources
    of the instructor's code cells (unchanged cells are skipped); ``answer_cells``: grade id of an
    answer cell -> exercise id. ``tamper``: a list of findings (text); ``nnkit``: exercise id ->
    finding."""
    tamper, nnkit, bound = [], {}, set()
    student = []
    for number, (grade_id, source) in enumerate(cells, start=1):
        if source.strip() in original_sources:
            continue
        where = f"cell {number}" + (f" ({grade_id})" if grade_id else "")
        tree = parse(source)
        if tree is None:
            continue  # a syntax error runs as one; nothing in it executes
        uses, names = _nnkit_imports(tree)
        student.append((grade_id, where, tree, uses))
        bound |= names
    for grade_id, where, tree, uses in student:
        plain, strings = _plain(tree), _strings(tree)
        names = plain | _attributes(tree)
        hits = sorted(TAMPER_NAMES & names) + sorted(BUILTIN_NAMES & plain)
        hits += sorted({t for t in TAMPER_TEXT for s in strings + sorted(names) if t in s})
        hits += sorted((TAMPER_NAMES | BUILTIN_NAMES) & {s.strip() for s in strings})  # getattr
        if hits:
            tamper.append(f"{where}: {', '.join(hits[:4])}")
        exercise = answer_cells.get(grade_id)
        if exercise is None:
            continue
        via = sorted(bound & names - {"np", "numpy"})
        if uses or via or any("nnkit" in s for s in strings):
            nnkit[exercise] = f"{where}: " + (", ".join(via[:3]) or "nnkit")
    return tamper, nnkit
