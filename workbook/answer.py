"""The answer protocol: how a student's answer travels from the kernel to the verdict, once.

One answer, one way::

    kernel (untrusted)                     payload (JSON)           grader (trusted)
    collect(kind, name, namespace, cases)  ---------------------->  read_payload (validate)
      the answer, or the student's           one display output       Exercise.normalise
      function called on the cases,          of MIME ANSWER_MIME      Exercise.judge -> Result
      each result encode()d

The self-check (:func:`workbook.checks.check`) runs ``collect`` and ``judge`` in the kernel, on the
visible (or fixed hidden) cases. The grader (:mod:`autograder.execute`) replaces the test cell
``check_id(exercise)`` (:mod:`workbook.source` names the cells) by a call of :func:`send` with
hidden cases drawn from its secret seed (:func:`pack_cases`); :func:`send` collects with the same
``collect`` and displays the record ``{"exercise", "payload"}``;
:mod:`autograder.verdict` reads it back with :func:`records` and judges it outside the kernel.
Nothing in a payload is ever executed.

Payload (JSON)::

    {"kind": "value",      "answer": <enc>}
    {"kind": "function",   "results": [<enc> or {"t": "error", ...}, ...]}   one per case
                           (or "results": <enc> when the answer is not a function)
    {"kind": "expression", "answer": <enc>}   sympy answers travel as {"t": "str", "v": str(expr)}
    {"kind": "choice",     "answer": <enc>}

An encoded value ``<enc>`` is one of ``{"t": "num", "v": x}``,
``{"t": "array", "shape": [...], "v": [...], "seq": "tuple"|"list"|None, "ints": bool}``
(non-finite numbers as "nan", "inf", "-inf"; a tuple answer with ``"comma"``, the decimal comma
in its line ``name = ...`` or "", when the kernel's history has that line),
``{"t": "seq", "items": [...]}``,
``{"t": "dict", "items": [[key, <enc>], ...]}`` (keys as text), ``{"t": "str", "v": s}``,
``{"t": "none"}``, ``{"t": "ellipsis"}``, ``{"t": "missing"}`` (with the ``"habit"`` or the
``"error"`` ``{"type", "msg", "line", "newer"}`` that stopped the answer cell, or ``"ran": true``
when it ran without defining the answer), ``{"t": "callable"}``, ``{"t": "big", "size": n}``,
``{"t": "other", "type": name}``, and in function results ``{"t": "error", "type": .., "msg": ..}``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import decimal
import json
import math
import numbers
import pickle
import re
import sys

import numpy as np

from workbook.source import BEGIN_HIDDEN, END_HIDDEN

ANSWER_MIME = "application/vnd.nnkit.answer+json"
HIDDEN_TESTS = re.compile(rf"[ \t]*{BEGIN_HIDDEN}.*?{END_HIDDEN}[ \t]*\n?", re.DOTALL)
KINDS = ("value", "function", "expression", "choice")
MAX_ELEMENTS = 10_000  # numbers per answer (per call for functions)
MAX_CASES = 200
MAX_DEPTH = 4
MAX_ITEMS = 100  # keys of a dict answer
MAX_TEXT = 2_000
HABITS = {  # kind -> what in the source of an answer cell stops it (typed or copied habits)
    "minus": "[\u2212\u2012\u2013\u2014\ufe63\uff0d]",
    "times": "[×·⋅∗]",
    "script": "[\u2070-\u209f\u00b2\u00b3\u00b9]",
    "latex": r"\$[^$\n]*\$?|\\[A-Za-z]+",
}
_MISSING = object()
_COMMA = re.compile(r"(?<![\w.])-?\d+,\d+(?:[eE][-+]?\d+)?(?![\w.])")  # 0,1  -0,5  1,5e-3
_STRING = re.compile(r"\"[^\"\n]*\"?|'[^'\n]*'?")  # one line's strings (unclosed: to the end)


class PayloadError(ValueError):
    """The payload does not have the shape ``collect`` produces."""


def strip_hidden(source, mark=""):
    """``source`` with every ``### BEGIN HIDDEN TESTS ... ### END HIDDEN TESTS`` region replaced
    by ``mark``."""
    return HIDDEN_TESTS.sub(mark, source)


# ------------------------------------------------------------------ encoding (kernel side)
def _num(x):
    x = float(x)
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else "inf" if x > 0 else "-inf")


def _real(obj):
    """Is ``obj`` a real number of any type: Python and numpy ints, floats and bools of any
    width, ``fractions.Fraction``, ``decimal.Decimal``, sympy numbers (``Integer(12)``,
    ``Rational(1, 2)``, ``sqrt(2)``)? Judged by its value, like a float."""
    if isinstance(obj, (numbers.Real, decimal.Decimal, np.number, np.bool_)):
        return not isinstance(obj, (complex, np.complexfloating))
    return getattr(obj, "is_number", False) is True and getattr(
        obj, "is_extended_real", False) is True  # a sympy number such as sqrt(2)


def encode(obj, depth=0):
    """Plain JSON data for a Python object (numbers, arrays, nested tuples, dicts, text, None)."""
    if obj is None:
        return {"t": "none"}
    if obj is Ellipsis:
        return {"t": "ellipsis"}
    if _real(obj):
        try:
            return {"t": "num", "v": _num(obj)}
        except (OverflowError, ValueError, TypeError):
            return {"t": "other", "type": type(obj).__name__[:50]}
    if isinstance(obj, str):
        return {"t": "str", "v": obj[:MAX_TEXT]}
    if isinstance(obj, dict) and depth < MAX_DEPTH and len(obj) <= MAX_ITEMS:
        return {"t": "dict", "items": [[str(k)[:100], encode(v, depth + 1)]
                                       for k, v in obj.items()]}
    if isinstance(obj, (list, tuple, np.ndarray)):
        size = np.size(obj) if isinstance(obj, np.ndarray) else len(obj)
        if size > MAX_ELEMENTS:
            return {"t": "big", "size": int(size)}
        try:
            arr = np.asarray(obj, dtype=float)
        except (TypeError, ValueError, OverflowError):
            arr = None
        if arr is not None and arr.size <= MAX_ELEMENTS:
            seq = None if isinstance(obj, np.ndarray) else type(obj).__name__
            ints = seq is not None and all(type(x) is int for x in obj)
            return {"t": "array", "shape": list(arr.shape), "v": [_num(x) for x in arr.ravel()],
                    "seq": seq, "ints": ints}
        if arr is not None:
            return {"t": "big", "size": int(arr.size)}
        if isinstance(obj, np.ndarray) or depth >= MAX_DEPTH:
            return {"t": "other", "type": type(obj).__name__[:50]}
        return {"t": "seq", "items": [encode(x, depth + 1) for x in obj]}
    if callable(obj):
        return {"t": "callable"}
    return {"t": "other", "type": type(obj).__name__[:50]}


def decimal_comma(line):
    """The decimal comma in one line of a student's code, e.g. ``"0,1"`` in ``w = 0,1``,
    ``"-0,5"``, ``"1,5e-3"``, ``"0,05"`` (a syntax error); or None. Python reads ``0,1`` as the
    tuple (0, 1). Not a decimal comma: a comma followed by a space (``a = 1, 2``), commas inside
    brackets (``f(1,5)``, ``W[0,1]``, ``(0,1)``: arguments, indices, items), strings, comments.
    The one definition for the warning while editing (:mod:`workbook.setup`), the hint for a
    stopped answer cell (:func:`input_habit`) and for an answer that became a tuple."""
    code = _STRING.sub('""', line).split("#")[0]
    for found in _COMMA.finditer(code):
        before = code[:found.start()]
        if sum(before.count(c) for c in "([{") == sum(before.count(c) for c in ")]}"):
            return found[0]
    return None


def answer_source(history, name):
    """The source of the last cell in ``history`` (IPython's ``In``) that assigns or imports
    ``name`` (``name = ...``, ``def name(``, ``from helpers import name``), or None."""
    name = re.escape(name)
    defines = re.compile(rf"(^|\n)\s*((def\s+)?{name}\b\s*[=(]|(from\s+\S+\s+)?import\s"
                         rf"[^\n]*\b{name}\b)")
    return next((s for s in reversed(list(history or [])[-200:])
                 if isinstance(s, str) and defines.search(s)), None)


def _answer_cell(history, name):
    """The code (comments removed) of :func:`answer_source`, or None."""
    source = answer_source(history, name)
    return None if source is None else "\n".join(line.split("#")[0]
                                                 for line in source.splitlines())


def _value_line(code, name):
    """The value written in the line ``name = ...`` of ``code``, or None."""
    line = re.search(rf"(^|\n)\s*{re.escape(name)}\s*=([^\n]*)", code or "")
    return line[2] if line else None


def input_habit(history, name):
    """``{"kind": .., "char": ..}`` for the input habit that stopped the last cell in
    ``history`` (IPython's ``In``) that assigns ``name``, or None: a unicode minus or
    multiplication sign, a sub-/superscript, LaTeX, or a decimal comma in the assignment."""
    code = _answer_cell(history, name)
    if code is None:
        return None
    for kind, pattern in HABITS.items():
        found = re.search(pattern, code)
        if found:
            return {"kind": kind, "char": found[0][:20]}
    comma = decimal_comma(_value_line(code, name) or "")
    return {"kind": "comma", "char": comma[:20]} if comma else None


_STRING_START = re.compile(r"(?<![\w])([rRbBuUfF]{0,2})('\'\'|\"\"\"|'|\")")
ERRORS = {}  #: stripped source of a cell -> the error its last run stopped with (kernel side)


def _string(source, i, banned):
    """``(end, text)`` of the string literal at ``source[i]`` as Python 3.11 reads it: strings
    inside an f-string's replacement fields use quotes other than ``banned`` (those of the
    f-strings around them; Python 3.12 lifts that rule, PEP 701). Raises ValueError when the
    string does not end or cannot be rewritten."""
    found = _STRING_START.match(source, i)
    prefix, quote = found[1], found[2]
    if quote in banned:  # swap to the other quote
        quote = next((q for q in ("'", '"') if q not in banned and len(quote) == 1), None)
        if quote is None:
            raise ValueError("no quote left")
    out, j, depth = [prefix + quote], found.end(), 0
    fstring = "f" in prefix.lower()
    while j < len(source):
        c = source[j]
        if depth == 0 and source.startswith(found[2], j):
            return j + len(found[2]), "".join(out) + quote
        if depth == 0 and c == "\\":
            out.append(source[j:j + 2])
            j += 2
            continue
        if depth == 0 and c == quote:
            raise ValueError("the other quote occurs in the string")
        if fstring and depth and _STRING_START.match(source, j):
            j, text = _string(source, j, banned | {found[2], quote})
            out.append(text)
            continue
        if fstring and source.startswith(("{{", "}}"), j) and depth == 0:
            out.append(source[j:j + 2])
            j += 2
            continue
        if fstring and c in "{[(" and (depth or c == "{"):
            depth += 1
        elif fstring and depth and c in "}])":
            depth -= 1
        out.append(c)
        j += 1
    raise ValueError("the string does not end")


def _requoted(source):
    """``source`` with the strings nested in f-strings written as Python 3.11 needs them (see
    :func:`_string`), or None when that is not possible."""
    out, i = [], 0
    try:
        while i < len(source):
            if source[i] == "#":
                end = source.find("\n", i)
                end = len(source) if end < 0 else end
                out.append(source[i:end])
                i = end
            elif _STRING_START.match(source, i):
                i, text = _string(source, i, frozenset())
                out.append(text)
            else:
                out.append(source[i])
                i += 1
    except (ValueError, RecursionError):
        return None
    return "".join(out)


def newer_python(source, error):
    """The newer Python ("3.12", "3.14") in which the cell ``source``, which stopped with the
    SyntaxError ``error`` here, is valid as far as its known new syntax goes, or "": f-strings
    that reuse their quotes or hold a backslash inside ``{...}`` (PEP 701), ``type X = ...`` and
    ``def f[T](...)`` (PEP 695), ``except A, B:`` (PEP 758)."""
    line = error.text or ""
    if sys.version_info < (3, 12):
        fixed = _requoted(source)
        if fixed is not None and fixed != source:
            try:
                compile(fixed, "<cell>", "exec")
                return "3.12"
            except SyntaxError as err:
                if (err.msg or "").startswith("f-string expression part cannot include"):
                    return "3.12"
            except (ValueError, RecursionError, MemoryError):
                pass
        if (error.msg or "").startswith("f-string expression part cannot include") or re.match(
                r"\s*(type\s+\w+\s*(\[[^\]]*\])?\s*=|(async\s+)?(def|class)\s+\w+\s*\[)",
                line):
            return "3.12"
    if sys.version_info < (3, 14) and re.match(r"\s*except\s+[\w.]+\s*,", line):
        return "3.14"
    return ""


def remember_error(result):
    """IPython's ``post_run_cell`` hook (:func:`workbook.setup.setup`): keep the error a cell
    stopped with in :data:`ERRORS` (type, message, line of a SyntaxError, the newer Python its
    syntax needs), or forget it when the cell ran through."""
    raw = (getattr(result.info, "raw_cell", None) or "") if result.info else ""
    sources = {raw.strip()}
    with contextlib.suppress(Exception):
        from IPython import get_ipython

        sources.add(get_ipython().transform_cell(raw).strip())
    err = result.error_before_exec or result.error_in_exec
    for source in sources:
        ERRORS.pop(source, None)
        if err is not None and not isinstance(err, KeyboardInterrupt):
            ERRORS[source] = _error_record(err, raw)
    while len(ERRORS) > 200:
        ERRORS.pop(next(iter(ERRORS)))


def _error_record(err, source):
    record = {"type": type(err).__name__[:100], "msg": str(err)[:300], "line": 0, "newer": ""}
    if isinstance(err, SyntaxError):
        record.update(msg=(err.msg or "")[:300], line=int(err.lineno or 0) % 10**6,
                      newer=newer_python(source, err))
    return record


def assigned_comma(history, name):
    """The decimal comma in the line ``name = ...`` of the last cell in ``history`` that
    assigns ``name`` (``"0,1"``), ``""`` when that line has none, None when there is no such
    line (no history: a test, a plain namespace)."""
    value = _value_line(_answer_cell(history, name), name)
    return None if value is None else (decimal_comma(value) or "")[:20]


def missing(history, name, ran=False):
    """The record of the answer ``name`` that is not defined: ``{"t": "missing"}`` with what
    stopped its answer cell (the last cell in ``history`` that assigns or imports it): the input
    habit (``"habit"``) or the error of its last run (``"error"``, :data:`ERRORS`); with
    ``"ran": True`` when that cell ran through, or when no cell defines it although every cell
    ran (``ran``: grading runs them all); without either, the cell was not run yet."""
    habit = input_habit(history, name)
    if habit:
        return {"t": "missing", "habit": habit}
    source = answer_source(history, name)
    error = ERRORS.get(source.strip()) if source is not None else None
    if error:
        return {"t": "missing", "error": dict(error)}
    return {"t": "missing", "ran": True} if source is not None or ran else {"t": "missing"}


def collect(kind, name, namespace, cases=(), ran=False):
    """The payload of the answer ``name`` (an exercise of ``kind``) in ``namespace``.

    A function answer is called on every argument tuple in ``cases`` (a deep copy each; the
    student's error is data, ``{"t": "error"}``). A missing answer records what stopped its cell
    (:func:`missing`; ``ran``: every cell before has run, as in grading).
    """
    key = "results" if kind == "function" else "answer"
    value = namespace.get(name, _MISSING)
    if value is _MISSING:
        return {"kind": kind, key: missing(namespace.get("In"), name, ran)}
    if kind == "function" and callable(value):
        results = []
        for args in cases:
            try:
                result = value(*copy.deepcopy(args))
                results.append(encode(result))
            except Exception as err:  # the student's error is data
                results.append({"t": "error", "type": type(err).__name__[:100],
                                "msg": str(err)[:300]})
        return {"kind": kind, "results": results}
    if kind == "expression" and not isinstance(value, (str, type(None), type(...))):
        value = str(value)  # sympy objects, numbers
    enc = encode(value)
    comma = assigned_comma(namespace.get("In"), name) if enc.get("seq") == "tuple" else None
    return {"kind": kind, key: dict(enc, **({"comma": comma} if comma is not None else {}))}


# ------------------------------------------------------------------ grading: grader <-> kernel
def pack_cases(cases):
    """The argument tuples of a function exercise as text for :func:`send` (pickled; functions
    defined in a unit module, which the kernel cannot import, by value with cloudpickle)."""
    try:
        data = pickle.dumps(cases)
    except (pickle.PicklingError, AttributeError, TypeError):
        import importlib

        import cloudpickle

        from workbook.checks import module_names

        modules = [importlib.import_module(n) for n in module_names()]
        for m in modules:
            cloudpickle.register_pickle_by_value(m)
        try:
            data = cloudpickle.dumps(cases)
        finally:
            for m in modules:
                cloudpickle.unregister_pickle_by_value(m)
    return base64.b64encode(data).decode()


def send(exercise_id, kind, name, cases=""):
    """Grading, in the student's kernel: collect the answer ``name`` from the IPython namespace
    (a function called on the :func:`pack_cases` text ``cases``) and display the record: one
    output of MIME :data:`ANSWER_MIME`."""
    from IPython import get_ipython
    from IPython.display import display

    args = pickle.loads(base64.b64decode(cases)) if cases else ()
    payload = collect(kind, name, get_ipython().user_ns, args, ran=True)
    display({ANSWER_MIME: {"exercise": exercise_id, "payload": payload},
             "text/plain": f"[{exercise_id}]"}, raw=True)


def records(outputs):
    """Every output in ``outputs`` that claims to be an answer record (valid or not), as plain
    data ``{"exercise": str, "payload": ...}``, or None for one that is not even that. The
    payload is not validated here (:func:`read_payload` does)."""
    found = []
    for out in outputs:
        data = out.get("data") or {}
        if ANSWER_MIME not in data:
            continue
        try:  # plain dicts and lists (nbformat hands out NotebookNode subclasses)
            rec = json.loads(json.dumps(data[ANSWER_MIME]))
        except (TypeError, ValueError, RecursionError):
            rec = None
        if not (isinstance(rec, dict) and isinstance(rec.get("exercise"), str)):
            found.append(None)
            continue
        found.append({"exercise": rec["exercise"], "payload": rec.get("payload")})
    return found


# ------------------------------------------------------------------ validation (trusted side)
def _require(cond):
    if not cond:
        raise PayloadError("malformed payload")


def _valid_number(x):
    if type(x) is float:
        return math.isfinite(x)
    if type(x) is int:
        return abs(x) <= 2**63
    return x in ("nan", "inf", "-inf")


def validate(enc, depth=0, budget=None):
    """Check an encoded value strictly; returns it. Raises PayloadError."""
    budget = budget if budget is not None else [MAX_ELEMENTS + MAX_CASES]
    _require(type(enc) is dict and type(enc.get("t")) is str and depth <= MAX_DEPTH)
    t, keys = enc["t"], set(enc)
    budget[0] -= 1
    _require(budget[0] >= 0)
    if t == "missing" and "habit" in enc:
        habit = enc["habit"]
        _require(keys == {"t", "habit"} and type(habit) is dict and set(habit) == {"kind", "char"})
        _require(habit["kind"] in (*HABITS, "comma") and type(habit["char"]) is str
                 and len(habit["char"]) <= 20)
    elif t == "missing" and "error" in enc:
        error = enc["error"]
        _require(keys == {"t", "error"} and type(error) is dict
                 and set(error) == {"type", "msg", "line", "newer"})
        _require(all(type(error[f]) is str and len(error[f]) <= 300
                     for f in ("type", "msg", "newer")))
        _require(type(error["line"]) is int and 0 <= error["line"] < 10**6)
    elif t == "missing" and "ran" in enc:
        _require(keys == {"t", "ran"} and enc["ran"] is True)
    elif t in ("none", "ellipsis", "missing", "callable"):
        _require(keys == {"t"})
    elif t == "num":
        _require(keys == {"t", "v"} and _valid_number(enc["v"]))
    elif t in ("str", "other", "error"):
        fields = {"str": {"v"}, "other": {"type"}, "error": {"type", "msg"}}[t]
        _require(keys == {"t"} | fields)
        _require(all(type(enc[f]) is str and len(enc[f]) <= MAX_TEXT for f in fields))
    elif t == "big":
        _require(keys == {"t", "size"} and type(enc["size"]) is int and 0 <= enc["size"] < 2**63)
    elif t == "array":
        _require(keys - {"comma"} == {"t", "shape", "v", "seq", "ints"})
        _require(type(enc.get("comma", "")) is str and len(enc.get("comma", "")) <= 20)
        shape, values = enc["shape"], enc["v"]
        _require(type(shape) is list and len(shape) <= 8)
        _require(all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape))
        _require(type(values) is list and len(values) == math.prod(shape))
        budget[0] -= len(values)
        _require(budget[0] >= 0 and all(_valid_number(x) for x in values))
        _require(enc["seq"] in (None, "list", "tuple") and type(enc["ints"]) is bool)
    elif t == "seq":
        _require(keys == {"t", "items"} and type(enc["items"]) is list)
        _require(len(enc["items"]) <= MAX_ELEMENTS)
        for item in enc["items"]:
            validate(item, depth + 1, budget)
    elif t == "dict":
        _require(keys == {"t", "items"} and type(enc["items"]) is list)
        _require(len(enc["items"]) <= MAX_ITEMS)
        for item in enc["items"]:
            _require(type(item) is list and len(item) == 2)
            _require(type(item[0]) is str and len(item[0]) <= 100)
            validate(item[1], depth + 1, budget)
    else:
        raise PayloadError(f"unknown type {t[:20]!r}")
    return enc


def read_payload(payload, kind):
    """The validated content of a ``collect`` payload for an exercise of ``kind``: the encoded
    answer, or for a function the list of encoded results (an encoded value when the answer was
    not a function). Raises PayloadError."""
    _require(type(payload) is dict and payload.get("kind") == kind)
    if kind != "function":
        _require(set(payload) == {"kind", "answer"})
        return validate(payload["answer"])
    _require(set(payload) == {"kind", "results"})
    results = payload["results"]
    if type(results) is dict:
        return validate(results)
    _require(type(results) is list and len(results) <= MAX_CASES)
    budget = [MAX_CASES * (MAX_ELEMENTS + 1)]
    return [validate(r, 0, budget) for r in results]
