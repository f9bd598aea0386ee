"""Exercises: what is asked, the reference answer, the typical mistakes, and the judge.

How an answer gets here is :mod:`workbook.answer` (collect in the kernel, one JSON payload).
``judge`` is pure: it validates the payload strictly (it may come from a hostile kernel), never
executes or evaluates anything in it, and compares it with the nnkit reference.
"""

from __future__ import annotations

import copy
import functools
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbook.answer import HABITS, KINDS, MAX_CASES, PayloadError, collect, encode, read_payload
from workbook.i18n import get_language, message

DEFAULT_SEED = 0


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


# ------------------------------------------------------------------ messages (formal German)
MESSAGES = {  # key: (German, English)
    "correct": ("Richtig.", "Correct."),
    "wrong": ("Noch nicht richtig.", "Not right yet."),
    "wrong_case": ("Ihre Funktion liefert für Eingabe Nr. {k} einen falschen Wert.",
                   "Your function returns a wrong value for input no. {k}."),
    "case_input": ("Eingabe Nr. {k}: {args}.", "Input no. {k}: {args}."),
    "missing": ("„{name}“ ist noch nicht definiert. Führen Sie Ihre Antwortzelle aus.",
                "'{name}' is not defined yet. Run your answer cell."),
    "stopped": ("„{name}“ ist nicht definiert: Ihre Antwortzelle bricht mit einem Fehler ab.",
                "'{name}' is not defined: your answer cell stops with an error."),
    "stopped_by": ("„{name}“ ist nicht definiert: Ihre Antwortzelle bricht mit diesem Fehler ab: "
                   "{error}", "'{name}' is not defined: your answer cell stops with this error: "
                   "{error}"),
    "line": (" (Zeile {line})", " (line {line})"),
    "newer": ("Diese Schreibweise ist erst ab Python {newer} gültig; geprüft wird hier mit "
              "Python {python}, und der Kurs setzt nur Python 3.10 voraus. Schreiben Sie sie "
              "so, dass Python 3.10 sie versteht (in einem f-String z. B. innerhalb von {{…}} "
              "die anderen Anführungszeichen: f\"{{d['w']}}\").",
              "This form is valid only from Python {newer} on; this check runs Python {python}, "
              "and the course asks only for Python 3.10. Write it so that Python 3.10 accepts it "
              "(in an f-string, e.g., the other quotes inside {{…}}: f\"{{d['w']}}\")."),
    "module": ("Bewertet wird nur das Notebook, mit den Paketen des Kurses: Ein eigenes Modul "
               "(eine .py-Datei neben dem Notebook) oder ein weiteres Paket gibt es dort nicht. "
               "Schreiben Sie den Code ins Notebook.", "Only the notebook is graded, with the "
               "course's packages: a module of your own (a .py file next to the notebook) or "
               "another package is not there. Put the code into the notebook."),
    "ran": ("„{name}“ ist nicht definiert: Keine ausgeführte Zelle Ihres Notebooks definiert "
            "„{name}“ (ist der Name so geschrieben wie in der Aufgabe?).",
            "'{name}' is not defined: no cell of your notebook that ran defines '{name}' (is the "
            "name spelt as in the exercise?)."),
    "unanswered": ("Noch keine Antwort: „{name}“ ist noch {value}. Ersetzen Sie es durch Ihre "
                   "Antwort.", "No answer yet: '{name}' is still {value}. Replace it with your "
                   "answer."),
    "not_implemented": ("„{name}“ ist noch nicht implementiert (die Funktion gibt None zurück; "
                        "fehlt ein return?).", "'{name}' is not implemented yet (the function "
                        "returns None; is a return missing?)."),
    "raised": ("„{name}“ löst bei Eingabe Nr. {k} einen Fehler aus: {error}",
               "'{name}' raises an error for input no. {k}: {error}"),
    "not_callable": ("„{name}“ soll eine Funktion sein (def {name}(...): ...).",
                     "'{name}' should be a function (def {name}(...): ...)."),
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
                    "Komma zwei Werte. Schreiben Sie Dezimalzahlen mit Punkt ({fixed} statt "
                    "{char}) und führen Sie die Zelle erneut aus.",
                    "Your answer cell contains a decimal comma ('{char}'); in Python a comma "
                    "separates two values. Write decimal numbers with a point ({fixed}, not "
                    "{char}) and run the cell again."),
    "comma_tuple": ("„{name}“ ist ein Tupel: In Ihrer Zeile trennt das Komma in „{char}“ zwei "
                    "Werte.",
                    "'{name}' is a tuple: in your line the comma in '{char}' separates two "
                    "values."),
    "comma_fix": ("Schreiben Sie Dezimalzahlen mit Punkt: {fixed} statt {char}.",
                  "Write decimal numbers with a point: {fixed}, not {char}."),
    "tuple": ("„{name}“ ist ein Tupel mit {n} Werten, erwartet wird eine Zahl.",
              "'{name}' is a tuple of {n} values; a single number is expected."),
    "tuple_one": ("„{name}“ ist ein Tupel mit einem Wert, erwartet wird eine Zahl. Steht am "
                  "Zeilenende ein Komma? „{name} = 0.5,“ ergibt das Tupel (0.5,).",
                  "'{name}' is a tuple of one value; a single number is expected. Is there a "
                  "comma at the end of the line? '{name} = 0.5,' is the tuple (0.5,)."),
    "decimal_comma": ("In Python trennt das Komma Werte: „w = 0,1“ ergibt das Tupel (0, 1), nicht "
                      "die Zahl 0,1. Schreiben Sie Dezimalzahlen mit Punkt: „w = 0.1“.",
                      "In Python a comma separates values: 'w = 0,1' is the tuple (0, 1), not a "
                      "decimal number. Write decimals with a point: 'w = 0.1'."),
    "shape": ("Falsche Form: erwartet wird {expected}, Ihre Antwort hat die Form {got}.",
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
                    _msg(f"habit_{habit['kind']}", lang, char=habit["char"],
                         fixed=habit["char"].replace(",", ".")))
        error = answer.get("error")
        if error:
            text = f"{error['type']}: {error['msg']}" + (
                _msg("line", lang, line=error["line"]) if error["line"] else "")
            newer = error["newer"] and _msg("newer", lang, newer=error["newer"],
                                            python="{}.{}".format(*sys.version_info[:2]))
            hint = newer or (_msg("module", lang) if error["type"] == "ModuleNotFoundError"
                             else "")
            return _msg("stopped_by", lang, name=name, error=text), hint
        return _msg("ran" if answer.get("ran") else "missing", lang, name=name), ""
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
        comma = answer.get("comma")  # the decimal comma in the student's line, if it is known
        if comma == "":  # the line has none: a tuple written as one, a (0.5,)
            if size == 1:
                n = answer["shape"][0]
                return _msg("tuple_one" if n == 1 else "tuple", lang, name=name, n=n), ""
            return _msg("shape", lang, expected=e_shape, got=tuple(answer["shape"])), ""
        if comma:
            return (_msg("comma_tuple", lang, name=name, char=comma),
                    _msg("comma_fix", lang, char=comma, fixed=comma.replace(",", ".")))
        return _msg("wrong", lang), _msg("decimal_comma", lang)
    if t not in ("num", "array"):
        got = {"str": "str", "seq": "tuple/list", "callable": "function", "dict": "dict"}.get(
            t, answer.get("type"))
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


def wrong_case(k, args, lang):
    """The message for a wrong value of a function on its ``k``-th case (from 0) with the
    arguments ``args`` (None: a hidden case, not shown): which input, and what it was (as the
    call's arguments, arrays in one line)."""
    message = _msg("wrong_case", lang, k=k + 1)
    if args is None:
        return message
    text = ", ".join(" ".join(np.array2string(
        a, separator=", ", formatter={"float_kind": lambda x: f"{x:.4g}"}).split())
        if isinstance(a, np.ndarray) else repr(a) for a in args)
    shown = text if len(text) <= 200 else text[:199] + "…"
    return f"{message} {_msg('case_input', lang, k=k + 1, args=shown)}"


def not_function(answer, name, lang):
    """The Result for a function exercise whose answer ``name`` is not callable (encoded)."""
    if answer["t"] in ("missing", "none", "ellipsis"):
        return Result(False, *_generic({"t": "none"}, answer, name, lang))
    return Result(False, _msg("not_callable", lang, name=name))


def expression_text(answer, name, lang):
    """The text of the expression answer ``name`` (a number stands for itself), or the Result
    when the answer is no text."""
    if answer["t"] == "num":
        return repr(answer["v"])
    if answer["t"] != "str":
        generic = _generic({"t": "str"}, answer, name, lang)
        got = answer.get("type", answer["t"])
        return Result(False, *(generic or (_msg("type", lang, expected=_msg("text", lang),
                                                got=got), "")))
    return answer["v"]


def failed_calls(results, name, lang):
    """The Result when the function ``name`` is not implemented yet or raised on a case (the
    first such case, with the hint of an input habit in the error message), else None."""
    if results and all(r["t"] == "none" for r in results) or any(
            r["t"] == "error" and r["type"] == "NotImplementedError" for r in results):
        return Result(False, _msg("not_implemented", lang, name=name))
    for k, r in enumerate(results, start=1):
        if r["t"] == "error":
            error = f"{r['type']}: {r['msg']}"
            habit = next(((kind, m[0]) for kind, pattern in HABITS.items()
                          if (m := re.search(pattern, r["msg"]))), None)
            return Result(False, _msg("raised", lang, name=name, k=k, error=error),
                          _msg(f"habit_{habit[0]}", lang, char=habit[1]) if habit else "")
    return None


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

    def case_list(self, seed=None, hidden=False):
        """The argument tuples for a function exercise (deterministic for a seed)."""
        rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
        cases = [tuple(c) for c in self.cases(rng, hidden)]
        if len(cases) > MAX_CASES:
            raise ValueError(f"{self.id}: more than {MAX_CASES} cases")
        return cases

    def collect(self, namespace, seed=None, hidden=False):
        """The student's answer from ``namespace`` as a payload (:func:`workbook.answer.collect`;
        a function is called on ``case_list(seed, hidden)``)."""
        cases = self.case_list(seed, hidden) if self.kind == "function" else ()
        return collect(self.kind, self.answer, namespace, cases)

    # -------------------------------------------------------------- trusted side (pure)
    def normalise(self, enc, lang):
        """The encoded answer (or one result of a function) in the form ``judge`` compares with
        the reference: unchanged here. An exercise whose answers need normalising overrides it
        (unit 3: a dict of ten weights -> the tuple in a fixed order; an error record for a
        dict without them). Gets validated data only and must return a valid encoded value."""
        return enc

    def judge(self, payload, seed=None, hidden=False, lang=None):
        """Result(passed, message, hint) for a ``collect`` payload. Never raises for bad data."""
        lang = lang or get_language()
        try:
            answer = read_payload(payload, self.kind)
        except PayloadError:
            return Result(False, _msg("invalid", lang))
        if self.kind != "function":
            return getattr(self, f"_judge_{self.kind}")(self.normalise(answer, lang), lang)
        if type(answer) is dict:
            return not_function(answer, self.answer, lang)
        results = [self.normalise(r, lang) for r in answer]
        return self._judge_function(results, seed, hidden, lang)

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

    def _judge_function(self, results, seed, hidden, lang):
        cases = self.case_list(seed, hidden)
        if len(results) != len(cases):
            return Result(False, _msg("invalid", lang))
        failed = failed_calls(results, self.answer, lang)
        if failed:
            return failed
        expected = [encode(self.expected(*copy.deepcopy(c))) for c in cases]
        bad = [k for k, (e, r) in enumerate(zip(expected, results, strict=True))
               if not _close(e, r, self.rtol, self.atol)]
        if not bad:
            return Result(True, _msg("correct", lang))
        k = bad[0]
        message = wrong_case(k, None if hidden else cases[k], lang)
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

        text = expression_text(answer, self.answer, lang)
        if isinstance(text, Result):
            return text
        symbols = self.symbols() if self.symbols else None
        try:
            student = parse(text, symbols, lang)
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
