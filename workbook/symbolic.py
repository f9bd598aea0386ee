r"""A safe parser for student expressions, ``equivalent`` and the course's sympy functions.

The helper a student may use (the grader allows it in an answer): it holds no answer. The
course's formulas (the 1-3-1 network, sheet 11) are the answer key and live in
:mod:`workbook.reference` (``sine_network``, ``vanishing``). Numbers: :func:`to_function`.

Student answers are parsed by :func:`parse` with Python's ``ast`` and a whitelist -- never with
``eval``/``sympify``/``parse_expr`` (those execute Python). Spellings accepted everywhere:

- ``^`` or ``**`` for powers; ``*`` (or ``·``, ``×``) is required: ``2*x``, not ``2x``; a decimal
  point, not a comma; ``−`` (the minus sign ``workbook.i18n.fmt`` prints) is ``-``;
- ``f'(z)`` means ``f_prime(z)``: ``g'``, ``sigma'``/``σ'``, ``sigmoid'`` (= s(1-s)), ``relu'``
  (= Heaviside); also ``dg(z)``, ``dsigma(z)``, ``Derivative(sigma(s_1), s_1)``/``diff(...)``;
- subscripts ``W[1, j]``, ``x[j]``, ``w[2]``, ``z[3]``; ``Sum(term, (k, 1, n))``, ``Product``;
- functions: exp log ln sqrt tanh sin cos Abs/abs Max/max Min/min sigmoid relu/ReLU
  Heaviside/H KroneckerDelta/delta, and ``pi``.

Each exercise brings its own names (e.g. ``sheet11_symbols`` in :mod:`workbook.reference.vanishing`,
``net131_symbols`` and ``chain_symbols`` in the instructor-only workbook/units/answers.py);
:func:`equivalent` then decides (numerically, seeded) whether it is
right.
"""

from __future__ import annotations

import ast
import difflib
import math
import re

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from workbook.i18n import message

MAX_CHARS, MAX_PARENS, MAX_DEPTH, MAX_EXPONENT, MAX_TERMS = 2000, 30, 200, 100, 100
# what an answer may grow to while it is parsed (every cost of parse() follows from these): nodes
# of the expression tree after a derivative or an expanded Sum/Product, and derivatives per answer
MAX_NODES, MAX_DERIVATIVES, MAX_ARGS = 20_000, 8, 10  # MAX_ARGS: of Max, Min, ... (pairwise work)


class ExpressionError(ValueError):
    """Unparsable or forbidden student text; ``.en``/``.de`` hold both languages."""

    def __init__(self, en: str, de: str, lang: str = "en"):
        self.en, self.de = en, de
        super().__init__(de if lang == "de" else en)


class _Prime(sp.Function):
    """A function whose derivative is the undefined function ``<name>_prime``."""

    def fdiff(self, argindex=1):
        return sp.Function(f"{type(self).__name__}_prime")(self.args[0])


g = type("g", (_Prime,), {})  # the generic activation g of the 1-3-1 network
sigma = type("sigma", (_Prime,), {})  # the arbitrary activation sigma of sheet 11, exercise 2
g_prime, sigma_prime = sp.Function("g_prime"), sp.Function("sigma_prime")


class sigmoid(sp.Function):
    r"""$\operatorname{sigmoid}(z) = 1/(1+e^{-z})$, with $\operatorname{sigmoid}' = s(1-s)$."""

    def fdiff(self, argindex=1):
        return self * (1 - self)


def heaviside(z, h0=0):
    r"""The step $H(z)$ = $\operatorname{ReLU}'(z)$ with the course's convention $H(0) = 0$
    (sympy's ``Heaviside(0)`` is 1/2); ``Heaviside(z, 0)`` is how sympy prints it."""
    return sp.Heaviside(z, h0)


class relu(sp.Function):
    r"""$\operatorname{ReLU}(z) = \max(0, z)$, with $\operatorname{ReLU}'(z) = H(z)$, $H(0) = 0$."""

    def fdiff(self, argindex=1):
        return heaviside(self.args[0])


def _d(f, v):
    return sp.diff(f, v)


def size(expr) -> int:
    """The number of nodes of ``expr``'s tree (shared subtrees counted each time): what
    differentiating, expanding and evaluating it cost."""
    return sum(1 for _ in sp.preorder_traversal(expr))


FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "tanh": sp.tanh,
    "sin": sp.sin, "cos": sp.cos, "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "max": sp.Max,
    "Min": sp.Min, "min": sp.Min, "sigmoid": sigmoid, "relu": relu, "ReLU": relu,
    "sigmoid_prime": lambda z: sigmoid(z) * (1 - sigmoid(z)), "relu_prime": heaviside,
    "ReLU_prime": heaviside, "Heaviside": heaviside, "H": heaviside,
    "KroneckerDelta": sp.KroneckerDelta, "delta": sp.KroneckerDelta, "Sum": sp.Sum,
    "Product": sp.Product, "Derivative": _d, "diff": _d, "pi": sp.pi,
}
_CONCRETE = {sigmoid: lambda z: 1 / (1 + sp.exp(-z)), relu: lambda z: sp.Max(0, z)}


class Family:
    """``Family("w")(2)`` and, in student text, ``w[2]`` give the symbol ``w_2``; with an index
    variable (``w[i]`` inside ``Product(..., (i, 2, 4))``) a placeholder that :func:`parse`
    turns into ``w_2 w_3 w_4`` once the product or sum is expanded."""

    def __init__(self, stem):
        self.stem = stem

    def __call__(self, *idx):
        if all(isinstance(i, (sp.Integer, int)) for i in idx):
            return sp.Symbol(self.stem + "_" + "".join(str(i) for i in idx))
        if not all(getattr(i, "is_integer", False) for i in idx):
            raise TypeError("integer indices only")
        return sp.Function(FAMILY + self.stem)(*idx)


FAMILY = "_family_"  # name prefix of the placeholders for w[i] (index variable i)


def _expand_families(expr):
    """Expand the sums and products over family members (``w[i]``) and name the members."""
    def member(e):
        return isinstance(e, AppliedUndef) and e.func.__name__.startswith(FAMILY)

    if not any(member(a) for a in expr.atoms(AppliedUndef)):
        return expr
    expr = expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)), lambda e: e.doit())
    return expr.replace(member, lambda e: Family(e.func.__name__[len(FAMILY):])(*e.args)
                        if all(a.is_Integer for a in e.args) else e)


# ---------------------------------------------------------------- safe parsing
_MSG = {  # key: (German, English); {piece} is the offending piece of the student's text
    "empty": ("die Antwort ist leer (oder kein Text)", "the answer is empty (or not text)"),
    "long": (f"die Antwort ist zu lang (über {MAX_CHARS} Zeichen)",
             f"the answer is too long (over {MAX_CHARS} characters)"),
    "deep": ("der Ausdruck ist zu tief verschachtelt", "the expression is nested too deeply"),
    "unbalanced": ("unausgeglichene Klammern: {piece}", "unbalanced parenthesis: {piece}"),
    "syntax": ("Syntaxfehler bei '{piece}' (schreiben Sie 2*x, nicht 2x)",
               "syntax error near '{piece}' (write 2*x, not 2x)"),
    "script": ("'{piece}' ist ein hoch- oder tiefgestelltes Zeichen: schreiben Sie x2 oder x[2] "
               "für x₂, x**2 für x²",
               "'{piece}' is a sub- or superscript character: write x2 or x[2] for x₂, "
               "x**2 for x²"),
    "latex": ("'{piece}' ist LaTeX: schreiben Sie die Formel in Python-Schreibweise (3*x**2, "
              "nicht $3 x^{{2}}$)",
              "'{piece}' is LaTeX: write the formula in Python notation (3*x**2, not $3 x^{{2}}$)"),
    "comma": ("ein Dezimalkomma in '{piece}': schreiben Sie 0.5, nicht 0,5",
              "a decimal comma in '{piece}': write 0.5, not 0,5"),
    "unknown": ("unbekannter Name '{piece}'", "unknown name '{piece}'"),
    "mean": (" — meinten Sie '{piece}'?", " — did you mean '{piece}'?"),
    "attribute": ("Attributzugriff '{piece}' ist nicht erlaubt",
                  "attribute access '{piece}' is not allowed"),
    "lambda": ("'lambda' ist nicht erlaubt", "'lambda' is not allowed"),
    "string": ("Text in Anführungszeichen {piece} ist nicht erlaubt",
               "text in quotes {piece} is not allowed"),
    "forbidden": ("'{piece}' ist hier nicht erlaubt", "'{piece}' is not allowed here"),
    "value": ("'{piece}' braucht ein Argument oder einen Index: {piece}(...) oder {piece}[...]",
              "'{piece}' needs an argument or an index: {piece}(...) or {piece}[...]"),
    "big": ("die Zahl oder Potenz '{piece}' ist zu groß",
            "the number or power '{piece}' is too large"),
    "notfunc": ("'{piece}' ist keine Funktion", "'{piece}' is not a function"),
    "args": ("falsche Argumente in '{piece}'", "wrong arguments in '{piece}'"),
    "index": ("ungültiger Index '{piece}'", "invalid subscript '{piece}'"),
    "limits": ("schreiben Sie Sum(Term, (k, 1, n)) mit Zahl oder Symbol als Grenzen, "
               "nicht '{piece}'",
               "write Sum(term, (k, 1, n)) with an integer or a symbol as bounds, not '{piece}'"),
    "derivatives": (f"mehr als {MAX_DERIVATIVES} Ableitungen (diff/Derivative) in einer Antwort",
                    f"more than {MAX_DERIVATIVES} derivatives (diff/Derivative) in one answer"),
    "grows": (f"'{{piece}}' wird zu groß (über {MAX_NODES} Knoten): vereinfachen Sie die Antwort",
              f"'{{piece}}' grows too large (over {MAX_NODES} nodes): simplify the answer"),
}
SCRIPTS = "[\u2070-\u209f\u00b2\u00b3\u00b9]"  # superscript and subscript digits, signs
MINUS = "\u2212\u2012\u2013\u2014\ufe63\uff0d"  # − ‒ – — ﹣ －: the minus as typed or copied
TIMES = "·×⋅∗"
_MULTI = (sp.Max, sp.Min, sp.KroneckerDelta, heaviside, sp.Sum, sp.Product, _d)
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b}


def _lang(lang):
    if lang is None:
        try:
            from workbook.i18n import get_language

            return get_language()
        except Exception:
            return "en"
    return lang


class _Parser:
    def __init__(self, text, table, lang):
        self.text, self.table, self.lang, self.terms, self.derivatives = text, table, lang, 1, 0

    def fail(self, key, node=None, extra=("", "")):
        piece = node if isinstance(node, str) else self.piece(node) if node else ""
        de, en = (message(_MSG, key, lang, piece=piece) + x
                  for lang, x in zip(("de", "en"), extra, strict=True))
        raise ExpressionError(en, de, self.lang)

    def piece(self, node):
        return ast.get_source_segment(self.text, node) or type(node).__name__

    def check(self, tree):
        """Reject forbidden constructs and decimal commas anywhere (breadth first)."""
        ok = set()  # tuples that are subscripts or Sum limits
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                ok.add(id(node.slice))
            fn = self.table.get(node.func.id) if isinstance(node, ast.Call) and isinstance(
                node.func, ast.Name) else None
            if fn in (sp.Sum, sp.Product):
                ok.update(id(a) for a in node.args)
            if (isinstance(node, ast.Tuple) and id(node) not in ok or isinstance(node, ast.Call)
                    and len(node.args) > 1 and fn not in _MULTI) and re.search(
                    r"\d,\d", self.piece(node)):
                self.fail("comma", node)
            if isinstance(node, ast.Attribute):
                self.fail("attribute", "." + node.attr)
            if isinstance(node, ast.Lambda):
                self.fail("lambda")
            if isinstance(node, ast.Constant) and type(node.value) not in (int, float):
                self.fail("string", node)
            if isinstance(node, ast.Constant) and abs(node.value) > 1e15:
                self.fail("big", node)

    def name(self, node):
        if node.id not in self.table:
            shown = node.id[:-6] + "'" if node.id.endswith("_prime") else node.id
            close = difflib.get_close_matches(node.id, list(self.table), n=1)
            self.fail("unknown", shown, tuple(message(_MSG, "mean", lang, piece=close[0])
                                              for lang in ("de", "en")) if close else ("", ""))
        return self.table[node.id]

    def conv(self, node, depth=0):
        if depth > MAX_DEPTH:
            self.fail("deep")
        c = lambda n: self.conv(n, depth + 1)  # noqa: E731
        if isinstance(node, ast.Constant):
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        if isinstance(node, ast.Name):
            value = self.name(node)
            if not isinstance(value, sp.Expr) or isinstance(value, sp.IndexedBase):
                self.fail("value", node)  # a function or a family used as a value
            return value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -c(node.operand) if isinstance(node.op, ast.USub) else c(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a, b = c(node.left), c(node.right)
            if isinstance(node.op, ast.Pow) and self.too_big(a, b):
                self.fail("big", node)
            return _BINOPS[type(node.op)](a, b)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self.call(node, c)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            base = self.name(node.value)
            idx = [c(i) for i in (node.slice.elts if isinstance(node.slice, ast.Tuple)
                                  else [node.slice])]
            if isinstance(base, sp.IndexedBase):
                if not all(i.is_integer for i in idx):
                    self.fail("index", node)
                return base[tuple(idx)]
            return self.apply(base, idx, node)
        self.fail("forbidden", node)

    @staticmethod
    def too_big(base, e):
        """Exponents over 100, and exact powers with more than 4096 bits (no 9**9**9)."""
        if any(a.is_Number and abs(a) > MAX_EXPONENT for a in sp.preorder_traversal(e)):
            return True
        return bool(base.is_Rational and e.is_Number and abs(e) * math.log2(
            max(2, abs(base.p), base.q)) > 4096)

    def apply(self, fn, args, node):
        if not callable(fn) or isinstance(fn, sp.Basic):
            self.fail("notfunc", node.func if isinstance(node, ast.Call) else node.value)
        if len(args) > MAX_ARGS:
            self.fail("args", (node.func if isinstance(node, ast.Call) else node.value).id + "(…)")
        try:
            out = fn(*args)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            out = None
        if not isinstance(out, sp.Expr):
            self.fail("args" if isinstance(node, ast.Call) else "index", node)
        return out

    def call(self, node, c):
        fn = self.name(node.func)
        if fn is _d:  # evaluated now: bounded in number and in the size of what it makes
            self.derivatives += 1
            if self.derivatives > MAX_DERIVATIVES:
                self.fail("derivatives")
            args = [c(a) for a in node.args]
            if args:  # the product rule copies a product once per factor: refused before
                self.small(args[0], node, factor=max(
                    (len(a.args) for a in sp.preorder_traversal(args[0]) if a.is_Mul), default=1))
            return self.small(self.apply(fn, args, node), node)
        if fn not in (sp.Sum, sp.Product):
            return self.apply(fn, [c(a) for a in node.args], node)
        lims = node.args[1:]
        if not lims or not all(isinstance(t, ast.Tuple) and len(t.elts) == 3 for t in lims):
            self.fail("limits", node)
        lims = [tuple(c(e) for e in t.elts) for t in lims]
        for var, lo, hi in lims:  # bounds: integers or symbols, at most MAX_TERMS**2 terms
            self.terms *= int(abs(hi - lo)) + 1 if (hi - lo).is_Number else 3
            if not (var.is_Symbol and all(b.is_Integer or b.is_Symbol for b in (lo, hi))) or (
                    self.terms > MAX_TERMS**2):
                self.fail("limits", node)
        term = c(node.args[0])
        if any(not (hi - lo).is_Integer for _, lo, hi in lims):
            return fn(term, *lims)  # symbolic bounds: expanded for small integers when judged
        if math.prod(int(hi - lo) + 1 for _, lo, hi in lims) * size(term) > MAX_NODES:
            self.fail("grows", node.func.id + "(…)")
        for var, lo, hi in reversed(lims):  # written out (no closed form sought: doit() can hang)
            term = (sp.Add if fn is sp.Sum else sp.Mul)(
                *(term.xreplace({var: sp.Integer(k)}) for k in range(int(lo), int(hi) + 1)))
        return term

    def small(self, expr, node, factor=1):
        """``expr``, if ``factor`` times its nodes are at most :data:`MAX_NODES`."""
        if factor * size(expr) > MAX_NODES:
            self.fail("grows", node.func.id + "(…)")
        return expr


def parse(text: str, symbols: dict | None = None, lang: str | None = None) -> sp.Expr:
    """Turn a student's string into a sympy expression, safely (``ast`` whitelist, no eval).

    ``symbols`` maps names to sympy objects (Symbol, expression, IndexedBase, function, or a
    callable for ``name[i]``); :data:`FUNCTIONS` are always available. ``^`` means power and
    ``name'`` means ``name_prime``. Raises :class:`ExpressionError` (message in ``lang``; default
    the ``workbook.i18n`` language) for anything else: unknown names, attributes, strings, lambdas,
    text over 2000 characters, parentheses nested over 30 deep, exponents over 100.
    """
    p = _Parser(text, {**FUNCTIONS, **(symbols or {})}, _lang(lang))
    if not isinstance(text, str) or not text.strip():
        p.fail("empty")
    if len(text) > MAX_CHARS:
        p.fail("long")
    depth = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        if depth > MAX_PARENS:
            p.fail("deep")
    for o, cl in ("()", "[]"):
        if text.count(o) != text.count(cl):
            p.fail("unbalanced", f"{text.count(o)} '{o}', {text.count(cl)} '{cl}'")
    script = re.search(SCRIPTS, text)
    if script:
        p.fail("script", script[0])
    latex = re.search(r"\$|\\[A-Za-z]+|\\[{}]", text)
    if latex:
        p.fail("latex", latex[0])
    for old, new in (("^", "**"), *((m, "-") for m in MINUS), *((t, "*") for t in TIMES)):
        text = text.replace(old, new)
    p.text = re.sub(r"([^\W\d]\w*)'\s*\(", r"\1_prime(", text).strip()
    try:
        tree, at = ast.parse(p.text, mode="eval"), None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        at = (getattr(err, "offset", None) or 1) - 1
    if at is not None:
        p.fail("syntax", p.text[max(0, at - 3) : at + 3])
    p.check(tree)
    try:
        return _expand_families(p.conv(tree.body))
    except ExpressionError:
        raise
    except (TypeError, ValueError, ArithmeticError, RecursionError, AttributeError):
        p.fail("forbidden", p.text)


# ---------------------------------------------------------------- equivalence
def _concrete(expr):
    for f, h in _CONCRETE.items():
        expr = expr.replace(f, h)
    return expr


def to_function(args, expr, **funcs):
    """``lambdify`` with sigmoid/ReLU made concrete; ``funcs`` implement e.g. ``g``, ``g_prime``."""
    return sp.lambdify(args, _concrete(sp.sympify(expr)), modules=[funcs, "numpy"])


def _opaque(expr):
    """The functions without a formula: ``g``, ``sigma``, their ``_prime`` s, undefined ones."""
    return {a.func for a in expr.atoms(sp.Function) if isinstance(a, (AppliedUndef, _Prime))}


def _compile(pair, ints):
    """``pair`` with integer symbols set to ``ints``, as a numpy function of random inputs.

    Opaque functions call ``coef[name]`` (redrawn per point): $c_0\tanh(c_1 t + c_2) + c_3 t$.
    """
    e = _concrete(pair.xreplace(ints).doit())
    coef, shapes = {}, {}  # shapes: IndexedBase label -> shape of the array that replaces it
    for a in e.atoms(sp.Indexed):
        if not all(i.is_Integer and 0 <= i <= 2 * MAX_TERMS for i in a.indices):
            raise ValueError("symbolic or negative index")
        old = shapes.setdefault(a.base.label, (0,) * len(a.indices))
        shapes[a.base.label] = tuple(max(o, i + 1) for o, i in zip(old, a.indices, strict=True))
    funcs = {str(f): (lambda *a, n=str(f): coef[n][0] * np.tanh(coef[n][1] * sum(a) + coef[n][2])
                      + coef[n][3] * sum(a)) for f in _opaque(e)}
    args = sorted((s for s in e.free_symbols if s.is_Symbol and s not in shapes), key=str)
    args += sorted(shapes, key=str)  # sorted: the same points in every process
    fn = sp.lambdify(args, list(e), modules=[funcs, "numpy"])
    return fn, [(shapes.get(a, ()), bool(a.is_nonnegative)) for a in args], coef, sorted(funcs)


KINKED = (sp.Max, sp.Min, sp.Heaviside, sp.Abs, sp.sign, sp.Piecewise, relu)
SCALES = (0.1, 1.0, 3.0, 10.0)  # magnitudes of the points when the pair has kinks or steps


def _points(pair, trials, seed=20240611):
    """Values ``(student, reference)`` at ``trials`` random points (``None`` where not finite).

    Points have magnitudes in [0.3, 1.7]; when the pair has kinks or steps (Max, Min, Heaviside,
    Abs, ReLU) the points are scaled by 0.1, 1, 3 and 10 in turn (all values of a point alike, so
    sums of products are small at some points and large at others): ``Max(x, 2)`` and ``2`` differ
    somewhere, and so do ``H(f - 2)`` and ``H(f)``."""
    rng, cache = np.random.default_rng(seed), {}
    wide = pair.has(*KINKED)
    ints = sorted((s for s in pair.free_symbols if s.is_integer), key=str)
    for trial in range(trials):
        key = tuple(int(v) for v in rng.integers(1, 4, size=len(ints)))
        try:
            if key not in cache:
                cache[key] = _compile(pair, dict(zip(ints, key, strict=True)))
            fn, shapes, coef, names = cache[key]
            coef.update({n: rng.uniform(0.5, 1.5, 4) * rng.choice((-1, 1), 4) for n in names})
            scale = SCALES[trial % len(SCALES)] if wide else 1.0  # one scale per point
            vals = [scale * rng.uniform(0.3, 1.7, sh) * rng.choice((1,) if pos else (-1, 1), sh)
                    for sh, pos in shapes]
            with np.errstate(all="ignore"):
                out = np.array(fn(*vals), dtype=complex)
            yield out if np.all(np.isfinite(out)) else None
        except MemoryError:  # a bound of the caller (the grader's verdict), not a value
            raise
        except Exception:
            yield None


def _table_for(expr):
    table = {str(s): s for s in expr.free_symbols if not isinstance(s, sp.Indexed)}
    table.update({str(a.base): a.base for a in expr.atoms(sp.Indexed)})
    return dict(table, **{str(f): f for f in _opaque(expr)})


def _expr(e, symbols, lang):
    """A reference as a sympy object (text goes through :func:`parse`, never ``sympify``)."""
    return parse(e, symbols, lang) if isinstance(e, str) else sp.sympify(e)


def equivalent(student, reference, symbols=None, lang=None, trials=8) -> bool:
    """Is ``student`` (sympy object or text for :func:`parse`) equal to ``reference``?

    Decided numerically first (deterministic seed): integer symbols (indices i, j, m) get values
    in 1..3, sums are expanded, answers with kinks or steps are tried at 48 points of wider
    range, opaque functions (g, sigma, g', sigma') become random smooth
    functions (independent of each other, so g and g' are never confused), the rest random
    reals. A clear difference at a point proves inequality; agreement at >= 3 points counts as
    equal. If no point is conclusive, ``simplify(student - reference) == 0`` decides. Never
    raises for well-formed input; text that cannot be parsed raises :class:`ExpressionError`.
    """
    reference = _expr(reference, symbols, lang)
    if isinstance(student, str):
        student = parse(student, symbols if symbols is not None else _table_for(reference), lang)
    if student == reference:
        return True
    pair, agree = sp.Tuple(student, reference), 0
    if pair.has(*KINKED):
        trials = max(trials, 48)
    for v in _points(pair, trials):
        if v is not None and abs(v[0] - v[1]) > 1e-8 * (1 + abs(v[0]) + abs(v[1])):
            return False
        agree += v is not None
    if agree >= 3:
        return True
    try:
        d = _concrete(sp.sympify(student - reference))
        big = any(abs(q.exp) > 10 for q in d.atoms(sp.Pow) if q.exp.is_Number)
        if big or sp.count_ops(d) > 300:
            return False  # too big to simplify in reasonable time
        return sp.simplify(d.doit()) == 0
    except MemoryError:
        raise
    except Exception:
        return False


def is_negation(student, reference, symbols=None, lang=None) -> bool:
    """A sign error: ``student == -reference`` (and ``reference != 0``)."""
    reference = _expr(reference, symbols, lang)
    table = symbols or _table_for(reference)
    return not equivalent(student, reference, table, lang) and equivalent(
        student, -reference, table, lang)


def which(student, candidates: dict, symbols=None, lang=None):
    """The key of the first candidate (e.g. a known wrong form) ``student`` equals, else None."""
    return next((k for k, c in candidates.items() if equivalent(student, c, symbols, lang)), None)
