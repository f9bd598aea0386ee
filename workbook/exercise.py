"""Exercises: read a student's answer in the kernel (``collect``), judge it anywhere (``judge``).

``collect`` runs in the student's kernel and turns the answer into plain JSON data (the payload).
``judge`` is pure: it validates the payload strictly (it may come from a hostile kernel), never
executes or evaluates anything in it, and compares it with the nnkit reference.

Payload (JSON)::

    {"kind": "value",      "answer": <enc>}
    {"kind": "function",   "results": [<enc> or {"t": "error", ...}, ...]}   one per case
    {"kind": "expression", "answer": <enc>}   sympy answers travel as {"t": "str", "v": str(expr)}
    {"kind": "choice",     "answer": <enc>}

An encoded value ``<enc>`` is one of ``{"t": "num", "v": x}``,
``{"t": "array", "shape": [...], "v": [...], "seq": "tuple"|"list"|None, "ints": bool}``
(non-finite numbers as "nan", "inf", "-inf"), ``{"t": "seq", "items": [...]}``,
``{"t": "str", "v": s}``, ``{"t": "none"}``, ``{"t": "ellipsis"}``, ``{"t": "missing"}``,
``{"t": "callable"}``, ``{"t": "big", "size": n}``, ``{"t": "other", "type": name}``, and in
function results ``{"t": "error", "type": .., "msg": ..}``.
"""

from __future__ import annotations

import copy
import decimal
import functools
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbook.i18n import get_language, message

MAX_ELEMENTS = 10_000  # numbers per answer (per call for functions)
MAX_CASES = 200
MAX_DEPTH = 4
MAX_TEXT = 2_000
DEFAULT_SEED = 0
KINDS = ("value", "function", "expression", "choice")
_MISSING = object()


def hint(*, de, en):
    """A hint in both languages, ``{"de": de, "en": en}``: ``hint(de="Achten Sie auf ...",
    en="Watch ...")``. Raises ValueError unless both are non-empty text."""
    if not all(isinstance(t, str) and t.strip() for t in (de, en)):
        raise ValueError(f"a hint needs a German and an English text: {de!r}, {en!r}")
    return {"de": de, "en": en}


@dataclass(frozen=True)
class Mistake:
    """A typical mistake: ``wrong`` produces the answer a student with that mistake gives;
    ``hint`` (from :func:`hint`) is shown when an answer matches it.

    value/expression: ``() -> answer``; function: a callable like the reference; choice: the key.
    """

    name: str
    wrong: Any
    hint: dict


@dataclass(frozen=True)
class Result:
    """The verdict on one answer. ``mistake``: the name of the typical mistake the wrong answer
    matched, ``""`` for a wrong answer that matched none, None when the answer is right or could
    not be compared (missing, wrong shape or type, unreadable)."""

    passed: bool
    message: str
    hint: str = ""
    mistake: str | None = None

    def __str__(self):
        return ("✔ " if self.passed else "✘ ") + " ".join(filter(None, [self.message, self.hint]))


class PayloadError(ValueError):
    """The payload does not have the shape ``collect`` produces."""


# ------------------------------------------------------------------ messages (formal German)
MESSAGES = {  # key: (German, English)
    "correct": ("Richtig.", "Correct."),
    "wrong": ("Noch nicht richtig.", "Not right yet."),
    "wrong_case": ("Ihre Funktion liefert für Eingabe Nr. {k} einen falschen Wert{args}.",
                   "Your function returns a wrong value for input no. {k}{args}."),
    "missing": ("`{name}` ist noch nicht definiert. Führen Sie Ihre Antwortzelle aus.",
                "`{name}` is not defined yet. Run your answer cell."),
    "stopped": ("`{name}` ist nicht definiert: Ihre Antwortzelle bricht mit einem Fehler ab.",
                "`{name}` is not defined: your answer cell stops with an error."),
    "unanswered": ("Noch keine Antwort: `{name}` ist noch `{value}`. Ersetzen Sie es durch Ihre "
                   "Antwort.", "No answer yet: `{name}` is still `{value}`. Replace it with your "
                   "answer."),
    "not_implemented": ("`{name}` ist noch nicht implementiert (die Funktion gibt None zurück; "
                        "fehlt ein `return`?).", "`{name}` is not implemented yet (the function "
                        "returns None; is a `return` missing?)."),
    "raised": ("`{name}` löst bei Eingabe Nr. {k} einen Fehler aus: {error}",
               "`{name}` raises an error for input no. {k}: {error}"),
    "not_callable": ("`{name}` soll eine Funktion sein (def {name}(...): ...).",
                     "`{name}` should be a function (def {name}(...): ...)."),
    "habit_minus": ("Ihre Antwortzelle enthält das Zeichen „{char}“ (ein Minus- oder "
                    "Gedankenstrich aus einem Text), das Python nicht kennt; die Zelle bricht "
                    "mit einem SyntaxError ab. Tippen Sie das Minus mit der Taste „-“.",
                    "Your answer cell contains the character '{char}' (a minus sign or dash "
                    "copied from a text), which Python does not know; the cell stops with a "
                    "SyntaxError. Type the minus with the '-' key."),
    "habit_times": ("Ihre Antwortzelle enthält das Zeichen „{char}“; Python liest es nicht als "
                    "Multiplikation (ein Fehler oder ein unbekannter Name). Multiplizieren Sie "
                    "mit „*“.", "Your answer cell contains the character '{char}'; Python does "
                    "not read it as a multiplication (an error or an unknown name). Multiply "
                    "with '*'."),
    "habit_script": ("Ihre Antwortzelle enthält das hoch- oder tiefgestellte Zeichen „{char}“; die "
                     "Zelle bricht mit einem SyntaxError ab. Schreiben Sie x**2 statt x², w2 "
                     "statt w₂.", "Your answer cell contains the sub- or superscript character "
                     "'{char}'; the cell stops with a SyntaxError. Write x**2 for x², w2 for w₂."),
    "habit_latex": ("Ihre Antwortzelle enthält LaTeX („{char}“); die Zelle bricht mit einem "
                    "SyntaxError ab. Schreiben Sie Python: 3*x**2 statt $3 x^{{2}}$.",
                    "Your answer cell contains LaTeX ('{char}'); the cell stops with a "
                    "SyntaxError. Write Python: 3*x**2, not $3 x^{{2}}$."),
    "habit_comma": ("Ihre Antwortzelle enthält ein Dezimalkomma („{char}“); in Python trennt das "
                    "Komma Werte, die Zelle bricht mit einem Fehler ab oder ergibt ein Tupel. "
                    "Schreiben Sie Dezimalzahlen mit Punkt: 0.1 statt 0,1.",
                    "Your answer cell contains a decimal comma ('{char}'); in Python a comma "
                    "separates values, so the cell stops with an error or makes a tuple. Write "
                    "decimals with a point: 0.1, not 0,1."),
    "decimal_comma": ("In Python trennt das Komma Werte: `w = 0,1` ergibt das Tupel (0, 1), nicht "
                      "die Zahl 0,1. Schreiben Sie Dezimalzahlen mit Punkt: `w = 0.1`.",
                      "In Python a comma separates values: `w = 0,1` is the tuple (0, 1), not a "
                      "decimal number. Write decimals with a point: `w = 0.1`."),
    "shape": ("Falsche Form: erwartet {expected}, erhalten {got}.",
              "Wrong shape: expected {expected}, got {got}."),
    "nan": ("Ihre Antwort enthält NaN oder unendliche Werte. Teilen Sie irgendwo durch 0 oder "
            "rechnen Sie mit einem noch undefinierten Wert?", "Your answer contains NaN or "
            "infinite values. Do you divide by 0 somewhere or use a value that is not defined?"),
    "type": ("Erwartet wird {expected}, Ihre Antwort ist vom Typ {got}.",
             "Expected {expected}; your answer is of type {got}."),
    "number": ("eine Zahl oder ein Array", "a number or an array"),
    "text": ("ein Ausdruck (Text oder sympy)", "an expression (text or sympy)"),
    "choose": ("Wählen Sie eine der Optionen {keys} (nicht {got}).",
               "Choose one of the options {keys} (not {got})."),
    "big": ("Ihre Antwort ist zu groß ({size} Einträge).",
            "Your answer is too large ({size} entries)."),
    "invalid": ("Die Antwort konnte nicht gelesen werden.", "The answer could not be read."),
}


_msg = functools.partial(message, MESSAGES)


# ------------------------------------------------------------------ input habits
HABITS = {  # kind -> what in the source of an answer cell stops it (typed or copied habits)
    "minus": "[\u2212\u2012\u2013\u2014\ufe63\uff0d]",
    "times": "[×·⋅∗]",
    "script": "[\u2070-\u209f\u00b2\u00b3\u00b9]",
    "latex": r"\$[^$\n]*\$?|\\[A-Za-z]+",
}


def input_habit(history, name):
    """``{"kind": .., "char": ..}`` for the input habit that stopped the last cell in
    ``history`` (IPython's ``In``) that assigns ``name``, or None: a unicode minus or
    multiplication sign, a sub-/superscript, LaTeX, or a decimal comma in the assignment."""
    assigns = re.compile(rf"(^|\n)\s*(def\s+)?{re.escape(name)}\b\s*[=(]")
    source = next((s for s in reversed(list(history or [])[-200:])
                   if isinstance(s, str) and assigns.search(s)), None)
    if source is None:
        return None
    code = "\n".join(line.split("#")[0] for line in source.splitlines())  # no comments
    for kind, pattern in HABITS.items():
        found = re.search(pattern, code)
        if found:
            return {"kind": kind, "char": found[0][:20]}
    line = re.search(rf"(^|\n)\s*{re.escape(name)}\s*=([^\n]*)", code)
    comma = re.search(r"(?<![\w.])-?\d+,\d+", line[2]) if line else None
    return {"kind": "comma", "char": comma[0][:20]} if comma else None


# ------------------------------------------------------------------ encoding (student kernel)
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
    """Plain JSON data for a Python object (numbers, arrays, nested tuples, text, None, ...)."""
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
        _require(keys == {"t", "shape", "v", "seq", "ints"})
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
    else:
        raise PayloadError(f"unknown type {t[:20]!r}")
    return enc


def _array(enc):
    values = [float(x) for x in enc["v"]]
    return np.array(values, dtype=float).reshape(enc["shape"])


# ------------------------------------------------------------------ comparison
def _close(expected, answer, rtol, atol):
    """Does the encoded ``answer`` equal the encoded ``expected``? (both validated)"""
    if expected["t"] in ("num", "array"):
        if answer["t"] not in ("num", "array"):
            return False
        e = np.asarray(expected["v"] if expected["t"] == "num" else _array(expected), dtype=float)
        a = np.asarray(_array(answer) if answer["t"] == "array" else float(answer["v"]))
        if e.shape != a.shape and not (e.size == a.size == 1):
            return False
        return bool(np.allclose(a.reshape(e.shape), e, rtol=rtol, atol=atol, equal_nan=False))
    if expected["t"] == "seq":
        return (answer["t"] == "seq" and len(answer["items"]) == len(expected["items"])
                and all(_close(e, a, rtol, atol)
                        for e, a in zip(expected["items"], answer["items"], strict=True)))
    return expected == answer


def _shape(enc):
    return () if enc["t"] == "num" else tuple(enc["shape"]) if enc["t"] == "array" else None


def _generic(expected, answer, name, lang):
    """Message and hint for the mistakes every numeric answer can have, or None."""
    t = answer["t"]
    if t == "missing":
        habit = answer.get("habit")
        if habit:
            return (_msg("stopped", lang, name=name),
                    _msg(f"habit_{habit['kind']}", lang, char=habit["char"]))
        return _msg("missing", lang, name=name), ""
    if t in ("none", "ellipsis"):
        return _msg("unanswered", lang, name=name, value="None" if t == "none" else "..."), ""
    if t == "big":
        return _msg("big", lang, size=answer["size"]), ""
    if expected["t"] not in ("num", "array"):
        return None
    e_shape = _shape(expected)
    size = math.prod(e_shape)
    pairs = t == "array" and answer["seq"] == "tuple" and answer["ints"]
    if pairs and answer["shape"] == [2 * size] or size == 1 and t == "array" and (
            answer["seq"] == "tuple"):  # z = 0,1 * 20: a tuple, not a number
        return _msg("wrong", lang), _msg("decimal_comma", lang)
    if t not in ("num", "array"):
        got = {"str": "str", "seq": "tuple/list", "callable": "function"}.get(t, answer.get("type"))
        return _msg("type", lang, expected=_msg("number", lang), got=got), ""
    a_shape = _shape(answer)
    if a_shape != e_shape and not (math.prod(a_shape) == size == 1):
        return _msg("shape", lang, expected=e_shape, got=a_shape), ""
    values = [answer["v"]] if t == "num" else answer["v"]
    if any(isinstance(x, str) for x in values):
        return _msg("nan", lang), ""
    return None


def _hint_text(mistake, lang):
    return mistake.hint.get(lang) or mistake.hint.get("en", "")


def _short(args):
    text = ", ".join(np.array2string(np.asarray(a), precision=4, separator=", ")
                     if isinstance(a, np.ndarray) else repr(a) for a in args)
    return f" ({text[:200]})"


# ------------------------------------------------------------------ the exercise
@dataclass
class Exercise:
    id: str
    answer: str
    kind: str
    expected: Any
    cases: Any = None
    symbols: Any = None
    options: dict | None = None
    rtol: float = 1e-5  # float32 and six significant digits typed by hand are precise enough
    atol: float = 1e-9
    mistakes: tuple = field(default_factory=tuple)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"{self.id}: a function exercise needs cases(rng, hidden)")
        if self.kind == "choice" and (not self.options or self.expected not in self.options):
            raise ValueError(f"{self.id}: expected must be one of the option keys")
        self.mistakes = tuple(self.mistakes)

    # -------------------------------------------------------------- student kernel
    def case_list(self, seed=None, hidden=False):
        """The argument tuples for a function exercise (deterministic for a seed)."""
        rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
        cases = [tuple(c) for c in self.cases(rng, hidden)]
        if len(cases) > MAX_CASES:
            raise ValueError(f"{self.id}: more than {MAX_CASES} cases")
        return cases

    def collect(self, namespace, seed=None, hidden=False):
        """The student's answer from ``namespace`` as a JSON-serialisable payload."""
        value = namespace.get(self.answer, _MISSING)
        if value is _MISSING:
            missing = {"t": "missing"}
            habit = input_habit(namespace.get("In"), self.answer)
            if habit:
                missing["habit"] = habit
            return {"kind": self.kind, "results" if self.kind == "function" else "answer": missing}
        if self.kind == "function":
            return {"kind": "function", "results": self._call(value, seed, hidden)}
        if self.kind == "expression" and not isinstance(value, (str, type(None), type(...))):
            value = str(value)  # sympy objects, numbers
        return {"kind": self.kind, "answer": encode(value)}

    def _call(self, fn, seed, hidden):
        if not callable(fn):
            return encode(fn)
        results = []
        for args in self.case_list(seed, hidden):
            try:
                results.append(encode(fn(*copy.deepcopy(args))))
            except Exception as err:  # the student's error is data
                results.append({"t": "error", "type": type(err).__name__[:100],
                                "msg": str(err)[:300]})
        return results

    # -------------------------------------------------------------- anywhere (pure)
    def judge(self, payload, seed=None, hidden=False, lang=None):
        """Result(passed, message, hint) for a ``collect`` payload. Never raises for bad data."""
        lang = lang or get_language()
        try:
            _require(type(payload) is dict and payload.get("kind") == self.kind)
            if self.kind == "function":
                _require(set(payload) == {"kind", "results"})
                results = payload["results"]
                if type(results) is dict:
                    validate(results)
                    return self._judge_not_function(results, lang)
                _require(type(results) is list and len(results) <= MAX_CASES)
                budget = [MAX_CASES * (MAX_ELEMENTS + 1)]
                for r in results:
                    validate(r, 0, budget)
                return self._judge_function(results, seed, hidden, lang)
            _require(set(payload) == {"kind", "answer"})
            answer = validate(payload["answer"])
            return getattr(self, f"_judge_{self.kind}")(answer, lang)
        except PayloadError:
            return Result(False, _msg("invalid", lang))

    def _wrong(self, lang, mistake=None):
        """A wrong answer, with the hint of the typical ``mistake`` it matched (if any)."""
        return Result(False, _msg("wrong", lang), _hint_text(mistake, lang) if mistake else "",
                      mistake.name if mistake else "")

    def _judge_value(self, answer, lang):
        expected = encode(self.expected())
        if _close(expected, answer, self.rtol, self.atol):
            return Result(True, _msg("correct", lang))
        generic = _generic(expected, answer, self.answer, lang)
        if generic:
            return Result(False, *generic)
        for m in self.mistakes:
            if _close(encode(m.wrong()), answer, self.rtol, self.atol):
                return self._wrong(lang, m)
        return self._wrong(lang)

    def _judge_not_function(self, answer, lang):
        if answer["t"] in ("missing", "none", "ellipsis"):
            return Result(False, *_generic({"t": "none"}, answer, self.answer, lang))
        return Result(False, _msg("not_callable", lang, name=self.answer))

    def _judge_function(self, results, seed, hidden, lang):
        cases = self.case_list(seed, hidden)
        if len(results) != len(cases):
            return Result(False, _msg("invalid", lang))
        if results and all(r["t"] == "none" for r in results) or any(
                r["t"] == "error" and r["type"] == "NotImplementedError" for r in results):
            return Result(False, _msg("not_implemented", lang, name=self.answer))
        for k, r in enumerate(results, start=1):
            if r["t"] == "error":
                error = f"{r['type']}: {r['msg']}"
                habit = next(((kind, m[0]) for kind, pattern in HABITS.items()
                              if (m := re.search(pattern, r["msg"]))), None)
                return Result(False, _msg("raised", lang, name=self.answer, k=k, error=error),
                              _msg(f"habit_{habit[0]}", lang, char=habit[1]) if habit else "")
        expected = [encode(self.expected(*copy.deepcopy(c))) for c in cases]
        bad = [k for k, (e, r) in enumerate(zip(expected, results, strict=True))
               if not _close(e, r, self.rtol, self.atol)]
        if not bad:
            return Result(True, _msg("correct", lang))
        k = bad[0]
        message = _msg("wrong_case", lang, k=k + 1, args="" if hidden else _short(cases[k]))
        generic = _generic(expected[k], results[k], self.answer, lang)
        if generic and results[k]["t"] not in ("none", "ellipsis"):
            return Result(False, message, " ".join(filter(None, generic)))
        for m in self.mistakes:
            wrong = [encode(m.wrong(*copy.deepcopy(c))) for c in cases]
            if all(_close(w, r, self.rtol, self.atol) for w, r in zip(wrong, results, strict=True)):
                return Result(False, message, _hint_text(m, lang), m.name)
        return Result(False, message, mistake="")

    def _judge_expression(self, answer, lang):
        from workbook.symbolic import ExpressionError, equivalent, parse

        if answer["t"] == "num":
            answer = {"t": "str", "v": repr(answer["v"])}
        if answer["t"] != "str":
            generic = _generic({"t": "str"}, answer, self.answer, lang)
            got = answer.get("type", answer["t"])
            return Result(False, *(generic or (_msg("type", lang, expected=_msg("text", lang),
                                                    got=got), "")))
        symbols = self.symbols() if self.symbols else None
        try:
            student = parse(answer["v"], symbols, lang)
        except ExpressionError as err:
            return Result(False, _msg("wrong", lang), err.de if lang == "de" else err.en)
        if equivalent(student, self.expected(), symbols, lang):
            return Result(True, _msg("correct", lang))
        for m in self.mistakes:
            if equivalent(student, m.wrong(), symbols, lang):
                return self._wrong(lang, m)
        return self._wrong(lang)

    def _judge_choice(self, answer, lang):
        keys = ", ".join(map(str, self.options))
        if answer["t"] != "str":
            generic = _generic({"t": "str"}, answer, self.answer, lang)
            got = answer.get("type", answer["t"])
            return Result(False, *(generic or (_msg("choose", lang, keys=keys, got=got), "")))
        key = {str(k).casefold(): k for k in self.options}.get(answer["v"].strip().casefold())
        if key is None:
            return Result(False, _msg("choose", lang, keys=keys, got=repr(answer["v"][:20])))
        if key == self.expected:
            return Result(True, _msg("correct", lang))
        for m in self.mistakes:
            if m.wrong == key:
                return self._wrong(lang, m)
        return self._wrong(lang)
