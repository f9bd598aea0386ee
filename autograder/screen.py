"""Static screening of a submission's code, in the grader process, before anything runs.

Only the code a student wrote is read: every code cell whose source differs from the cells of
the instructor's source notebook (answer cells, changed or added cells; the unchanged setup,
view and test cells are not). Cells are compared after normalising line endings (``\\r\\n``,
``\\r``) and trailing whitespace, so an editor's way of saving changes nothing. Two findings:

* **tampering** (every autograded exercise of the notebook scores 0): code that reaches into the
  grading machinery or the interpreter instead of answering. What the code *does* is judged,
  never the names a student chooses for her own variables:

  - importing ``workbook`` (the checks and the answer key; the ``from workbook... import ...``
    statements of the instructor's own cells are allowed, so a view re-run with other
    parameters is not tampering), ``importlib``, ``builtins`` or ``gc`` (but not
    ``gc.collect()`` or ``importlib.metadata``: :data:`HARMLESS`). The reference and the
    student helpers below are not tampering; a plain ``import workbook.symbolic`` binds the name
    ``workbook`` (the whole package) and is importing workbook;
  - using ``__import__``, ``exec``, ``eval``, ``compile`` or ``open_code`` (the built-ins, not
    a function the student defined with that name) on code computed at run time;
    ``eval``/``exec`` of text written in the student's cells -- a literal, or a name that only
    ever holds such text, also with ``.replace(...)`` and the like (``eval(dz_dw2, {"x2": 3.0})``:
    a student checking her formula) -- is screened as code instead and listed to review;
  - an attribute of the interpreter or IPython (``sys.modules``, ``setprofile``/``settrace``,
    ``excepthook``, IPython's ``events``/``set_custom_exc``/``showtraceback``/``display_pub``,
    ``__subclasses__``, ``__globals__``, ``__code__``, ``f_globals``, ``f_back``), also as the
    name string of ``getattr``/``setattr`` or a subscript (``globals()["eval"]``), and any
    dunder name of the interpreter (``__builtins__``, ``__import__``); what forging the caller
    that the grading edition's guard checks needs (``co_filename``, also as a keyword of
    ``code.replace``, ``f_code``, ``_getframe``, ``CodeType``) or stepping over it with a
    tracer (``f_lineno``, ``f_locals``, ``f_trace``; see :mod:`autograder.guard`);
  - a string that names the answer MIME type (it could forge an answer record in the check
    cell's output);
* **reference** (that exercise scores 0): the answer cell of an exercise uses the reference, the
  packages in ``REFERENCE`` (nnkit and workbook.reference, the answer key): an import of it, or a
  name imported from it in any student cell. No module of the reference is exempt; the names the
  instructor's own cells import from it (the data and tools a unit hands out, e.g.
  ``sine_data``) are not a finding. The student helpers ``HELPERS`` (the expression parser
  ``workbook.symbolic`` and the language ``workbook.i18n``; they import nothing of the reference)
  may be imported anywhere;
* **to review** (graded as usual, listed for the instructor): a string that names the grading
  seed, the grader's collector, a ``workbook`` module (``"workbook.checks"``,
  ``"workbook.reference:dead_relu"``; ``"I finished the workbook"`` is just text) or an nnkit
  module, not a helper, the lookups ``getmodule``/``resolve_name`` (a module reached through
  an object or a string) and a debugger (``pdb``, ``bdb``, ``breakpoint``: an honest student's
  leftover, or a way to step over the guard). None changes the grade: the reference reached by a
  lookup computes nothing for the answer (:mod:`autograder.guard`), and anything else needs a
  tampering call or is shown to the instructor.

What it cannot see: code that builds these names at run time in ways other than string
concatenation (e.g. ``chr()`` arithmetic) and the reference reached through an object or a
lookup. Neither needs seeing for the reference: its grading edition refuses every call from a
notebook's code, whatever the way (:mod:`autograder.guard`); this screening names the plain
cases early and clearly.
"""

from __future__ import annotations

import ast
import re

TAMPER_MODULES = {"workbook", "importlib", "builtins", "gc"}
HARMLESS = {  # what of a TAMPER_MODULES module is no tampering: memory, package versions
    "gc": {"collect", "enable", "disable", "isenabled", "get_count", "get_threshold",
           "set_threshold", "freeze"}, "importlib": {"metadata"}}
TAMPER_CALLS = {"__import__", "exec", "eval", "compile", "open_code"}  # built-ins, called
TAMPER_ATTRIBUTES = {"modules", "setprofile", "settrace", "set_custom_exc", "showtraceback",
                     "_showtraceback", "showsyntaxerror", "display_pub", "excepthook", "events",
                     "__subclasses__", "__globals__", "__code__", "__builtins__", "__import__",
                     "f_globals", "f_back", "_nnkit_collect",
                     "co_filename", "f_code", "_getframe", "CodeType",  # forging a caller,
                     "f_lineno", "f_locals", "f_trace"}  # stepping over the guard (a tracer)
NAME_TAKERS = {"getattr", "setattr", "delattr", "hasattr", "attrgetter", "methodcaller"}
STR_METHODS = {"replace", "strip", "lstrip", "rstrip", "lower", "upper"}
TAMPER_TEXT = ("vnd.nnkit",)
REVIEW_TEXT = ("_nnkit_collect",)
REVIEW_NAMES = {"getmodule", "resolve_name",  # a module reached by an object or a string
                "pdb", "bdb", "Pdb", "breakpoint"}  # a debugger (it can step over the guard)
MODULE_NAME = r"{}(\.\w+)*(:[\w.]*)?"  # "workbook", "workbook.checks", "workbook.reference:x"
REFERENCE = ("nnkit", "workbook.reference")  #: the answer key: using it scores 0
HELPERS = ("workbook.i18n", "workbook.symbolic")  #: student helpers (hold no answer)


def normalise(source):
    """The source with ``\\n`` line endings, without trailing whitespace (per line and at the
    ends): what an editor may change in a cell without changing the code."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _transform(source):
    """IPython syntax (magics, ``!cmd``) to Python."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def _concat(node):
    """The text of a string constant, ``"a" + "b" + ...`` or an f-string's constant parts, or
    None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _concat(node.left), _concat(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def _strings(tree):
    """Every string (with ``"a" + "b"`` folded; an f-string as a whole, not its pieces)."""
    pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
              for v in node.values}
    return [s for node in ast.walk(tree) if id(node) not in pieces
            and (s := _concat(node)) is not None]


def _defined(tree):
    """Names of the code's own functions, classes and parameters (``def eval(...)``)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
    return out


def _own_texts(trees):
    """Name -> the texts of the student's own names that only ever hold text written in her
    cells (``dz_dw2 = "x2"``; every assignment of the name a string constant, or the released
    stub's ``None``)."""
    texts, other = {}, set()
    for tree in trees:
        for node in ast.walk(tree):
            targets = (node.targets if isinstance(node, ast.Assign) else [node.target]
                       if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For,
                                            ast.NamedExpr)) else [])
            for target in targets:
                names = [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
                text = _concat(node.value) if isinstance(node, (ast.Assign, ast.AnnAssign)) and (
                    isinstance(target, ast.Name) and node.value is not None) else None
                if isinstance(getattr(node, "value", None), ast.Constant) and (
                        node.value.value in (None, ...)):
                    continue  # the released stub `dz_dw2 = None`: no code
                if text is None or any(isinstance(n, ast.FormattedValue)
                                       for n in ast.walk(node.value)):
                    other.update(names)
                else:
                    texts.setdefault(target.id, []).append(text)
    return {name: found for name, found in texts.items() if name not in other}


def _text_of(node, texts):
    """The texts ``node`` evaluates to: a string literal (``"a" + "b"``), an own text
    (:func:`_own_texts`) or one with string methods of constant arguments applied
    (``dz_dw2.replace("^", "**")``); None when it is computed otherwise."""
    if (text := _concat(node)) is not None:
        return None if any(isinstance(n, ast.FormattedValue) for n in ast.walk(node)) else [text]
    if isinstance(node, ast.Name):
        return texts.get(node.id)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in STR_METHODS and not node.keywords
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
            and (inner := _text_of(node.func.value, texts)) is not None):
        try:
            return [getattr(t, node.func.attr)(*(a.value for a in node.args)) for t in inner]
        except (TypeError, ValueError):
            return None
    return None


def _literal_code(tree, texts=None):
    """``[(call, [parsed texts])]`` of the ``eval``/``exec`` calls whose code is text written
    in the student's cells (a literal, or an own name that only holds text): that text is
    screened like the cell (text that is no Python does nothing: eval raises)."""
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("eval", "exec") and 1 <= len(node.args) <= 3
                and {k.arg for k in node.keywords} <= {"globals", "locals"}
                and (found := _text_of(node.args[0], texts or {})) is not None):
            out.append((node, [sub for text in found if (sub := parse(text)) is not None]))
    return out


def _within(module, packages):
    """Is ``module`` one of ``packages`` or inside one (``"nnkit.layers"`` in ``("nnkit",)``)?"""
    return any(module == p or module.startswith(p + ".") for p in packages)


def _imported(node):
    """``[(module, bound name)]`` of an import statement: what the code gets by it. ``import a.b``
    binds ``a`` (the whole package), ``import a.b as c`` gets ``a.b``, ``from a import b`` gets
    ``a.b`` (a module or a name in ``a``)."""
    if isinstance(node, ast.Import):
        return [(a.name, a.asname) if a.asname else (a.name.split(".")[0], a.name.split(".")[0])
                for a in node.names]
    return [(f"{node.module or ''}.{a.name}", a.asname or a.name) for a in node.names]


def _imports_from(tree):
    """``{(module, name)}`` of the ``from module import name`` statements of the code."""
    return {(node.module or "", a.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) for a in node.names}


def _harmless(module, name, tree):
    """Does the code ``tree`` (every student cell) use the import of ``module`` (bound to
    ``name``) only for what :data:`HARMLESS` lists (``gc.collect()``,
    ``importlib.metadata.version("numpy")``)?"""
    parts = module.split(".")
    allowed = HARMLESS.get(parts[0], set())
    if len(parts) > 1:
        return parts[1] in allowed
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
    used = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == name and n.attr in allowed]
    return bool(allowed) and 0 < len(names) == len(used)


def _tampering(tree, bound, allowed=frozenset(), texts=None, whole=None):
    """The tampering findings of one parsed cell (sorted names); ``allowed``: the
    ``(module, name)`` imports of the instructor's cells (the views a student may re-run with
    other parameters); ``texts``: the student's own texts (:func:`_own_texts`); ``whole``: every
    student cell (where an import is used; default: this cell)."""
    literal = _literal_code(tree, texts)
    hits, literal_funcs = set(), {id(call.func) for call, _ in literal}
    for _, subs in literal:
        for sub in subs:
            hits |= _tampering(sub, bound, allowed, whole=whole)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _imports_from(node) <= allowed:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            hits.update(m.split(".")[0] for m, name in _imported(node) if m.split(".")[0] in
                        TAMPER_MODULES and not _within(m, REFERENCE + HELPERS)
                        and not _harmless(m, name, whole or tree))
            if isinstance(node, ast.ImportFrom):
                hits.update(a.name for a in node.names if a.name in TAMPER_ATTRIBUTES)
        elif isinstance(node, ast.keyword) and node.arg in TAMPER_ATTRIBUTES:
            hits.add(node.arg)  # code.replace(co_filename=...)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in NAME_TAKERS):
            hits.update(s for a in node.args[1:2] if (s := _concat(a)) in TAMPER_ATTRIBUTES
                        | TAMPER_CALLS)
        elif isinstance(node, ast.Attribute) and node.attr in TAMPER_ATTRIBUTES:
            hits.add(node.attr)
        elif isinstance(node, ast.Name) and (node.id in TAMPER_ATTRIBUTES and (
                node.id.startswith("__") or node.id == "_nnkit_collect") or node.id in
                TAMPER_CALLS and isinstance(node.ctx, ast.Load) and node.id not in bound
                and id(node) not in literal_funcs):
            hits.add(node.id)
        elif isinstance(node, ast.Subscript) and (s := _concat(node.slice)) in (
                TAMPER_ATTRIBUTES | TAMPER_CALLS):
            hits.add(s)
    for s in _strings(tree):
        hits.update(t for t in TAMPER_TEXT if t in s)
    return hits


def _to_review(tree):
    """Strings of one parsed cell that name grading internals or a module of the answer key."""
    found = {name for name in _mentioned(tree) | _module_names(tree) if name in REVIEW_NAMES}
    for s in _strings(tree):
        found.update(t for t in REVIEW_TEXT if t in s)
        for package in ("workbook", "nnkit"):
            if re.fullmatch(MODULE_NAME.format(package), s.strip()) and not _within(
                    s.strip().split(":")[0], HELPERS):
                found.add(repr(s.strip()))
    return found


def _reference_imports(tree, allowed=frozenset()):
    """(the reference package imported or None, names bound by such imports); ``allowed``: the
    ``(module, name)`` imports of the instructor's cells (the data and tools a unit hands out)."""
    uses, bound = None, set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or (
                isinstance(node, ast.ImportFrom) and _imports_from(node) <= allowed):
            continue
        for module, name in _imported(node):
            if _within(module, REFERENCE):
                uses = uses or next(p for p in REFERENCE if _within(module, (p,)))
                bound.add(name)
    return uses, bound


def _module_names(tree):
    """The top-level names of the modules the code imports (``import pdb`` -> ``pdb``)."""
    return {m.split(".")[0] for node in ast.walk(tree) if isinstance(node, (ast.Import,
            ast.ImportFrom)) for m, _ in _imported(node)}


def _mentioned(tree):
    """Every name the code mentions: plain names and attribute names."""
    return {node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(tree)
            if isinstance(node, (ast.Name, ast.Attribute))}


def parse(source):
    try:
        return ast.parse(_transform(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def screen(cells, original_sources, answer_cells):
    """``(tamper, reference, review)`` for a notebook.

    ``cells``: [(grade id or None, source)] of the code cells; ``original_sources``: the sources
    of the instructor's code cells (unchanged cells are skipped, compared after
    :func:`normalise`); ``answer_cells``: grade id of an answer cell -> exercise id. ``tamper``:
    a list of findings (text); ``reference``: exercise id -> finding; ``review``: findings (text)
    that do not change the grade."""
    originals = {normalise(s) for s in original_sources}
    allowed = set().union(*(_imports_from(t) for s in originals if (t := parse(s)) is not None))
    tamper, reference, review, reference_names, student = [], {}, [], set(), []
    for number, (grade_id, source) in enumerate(cells, start=1):
        if normalise(source) in originals:
            continue
        where = f"cell {number}" + (f" ({grade_id})" if grade_id else "")
        tree = parse(source)
        if tree is None:
            continue  # a syntax error runs as one; nothing in it executes
        uses, names = _reference_imports(tree, allowed)
        student.append((grade_id, where, tree, uses))
        reference_names |= names
    bound = set().union(*(_defined(tree) for _, _, tree, _ in student))
    texts = _own_texts([tree for _, _, tree, _ in student])
    whole = ast.Module(body=[n for _, _, tree, _ in student for n in tree.body], type_ignores=[])
    for grade_id, where, tree, uses in student:
        hits = sorted(_tampering(tree, bound, allowed, texts, whole))
        if hits:
            tamper.append(f"{where}: {', '.join(hits[:4])}")
        shown = sorted(_to_review(tree) | {
            f"{call.func.id} of own text {ast.unparse(call.args[0])[:60]}"
            for call, _ in _literal_code(tree, texts) if _concat(call.args[0]) is None})
        if shown:
            review.append(f"{where}: {', '.join(shown[:4])}")
        exercise = answer_cells.get(grade_id)
        if exercise is None:
            continue
        via = sorted(reference_names & _mentioned(tree) - {"np", "numpy"})
        if uses or via:
            reference[exercise] = f"{where}: " + (", ".join(via[:3]) or uses)
    return tamper, reference, review
