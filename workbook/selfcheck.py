"""The self-check of the student edition: answers judged against a key of scrypt hashes.

The student edition (``make student``, :mod:`workbook.edition`) has no unit sources, so no
reference and no model solution. :func:`workbook.checks.find` then falls back to :func:`find`
here: a :class:`KeyedExercise` with the part of ``workbook.exercise.Exercise`` the self-check
uses (``id``, ``answer``, ``kind``, ``collect(namespace, seed, hidden)``,
``judge(payload, seed, hidden, lang) -> Result``), judged against ``workbook/key.json``.

The key (written by :func:`workbook.edition.exercise_key`) holds, per exercise, what the
student sees anyway (the answer's name, its kind, the shapes of the results, the visible cases
of a function, the names an expression may use, the options of a choice, every hint) and, in
place of the numbers, memory-hard hashes (``hashlib.scrypt``, cost :data:`SCRYPT`) of the
numbers rounded on a grid as wide as the tolerance (:func:`grid`): of the reference's results on
the visible cases, of each typical mistake's results, and, for an expression, of its values at
fixed points (:func:`values`). Each number of the reference keeps in clear only where it lies
inside its grid cell (its ``shift``, :func:`place`), so that every answer within the exercise's
tolerance (``rtol``, ``atol``) falls on its grid point, and none beyond 1.01 times it (a secure
sketch); a mistake's numbers lie on the plain grid (shift 0), which an answer that is the mistake
up to rounding noise hits as well (their places, with a relation a hint names, would tell where
the reference lies). One hash covers all numbers of a target: the cost is paid once per target
and check (a right answer: one hash; a wrong one: one per typical mistake besides, and a
function's reference per case until the first wrong one, which the message names), not per
number.

What one can learn from the key: no number, only whether a guessed answer is right -- the same
as the self-check tells, at the price of one scrypt per guess: walking the grid towards a value
answer (about 10**6 grid points for a number near 1 at rtol 1e-5) takes that many hashes.
Trying values until ✔ is not prevented (and a value with few digits is found with few tries),
nor trying formulas: a guessed function or expression can be tested against the reference's
places (``shift``) without a hash.
The key's random secret (the scrypt salt, with the exercise and target) keeps equal answers of two
exercises or two editions apart; it is no secret.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import json
import math
from pathlib import Path

import numpy as np

from workbook.answer import PayloadError, _require, validate
from workbook.exercise import (
    Exercise,
    Result,
    _generic,
    _msg,
    expression_text,
    failed_calls,
    not_function,
    wrong_case,
)

KEY_FILE = Path(__file__).with_name("key.json")
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # per hash: 32 MiB (128 r n bytes) and ~0.1 s of one core
MARGIN = 1.01  # an answer may be off by 1 % of the tolerance more than the grader allows
EXPRESSION_RTOL, EXPRESSION_ATOL = 2e-8, 1e-8  # workbook.symbolic.equivalent: 1e-8 (1 + |a| + |b|)
POINTS = 12  # fixed points per expression (scales 0.1, 1, 3, 10 in turn)
ANCHOR = "_anchor"  # a symbol of the anchor (every point evaluates a step, so scales vary)


# ------------------------------------------------------------------ numbers -> grid points
def _u(x, rtol, atol):
    """``sign(x) log(1 + |x| / scale)`` with ``scale = atol / rtol``, in grid steps: on this
    scale a number's tolerance ``atol + rtol |x|`` (numpy.isclose) is one width everywhere,
    ``-log(1 - rtol)`` on the side towards 0 and less on the other."""
    width = 2 * MARGIN * -math.log1p(-rtol)
    return math.copysign(math.log1p(abs(x) * rtol / atol), x) / width


def place(x, rtol, atol):
    """Where the number ``x`` (a reference's) lies in its grid cell: the key's ``shift``, in
    [-0.5, 0.5] (6 digits); None for NaN (not compared), 0 for infinities."""
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return 0
    u = _u(x, rtol, atol)
    return round(u - round(u), 6)


def grid(x, rtol, atol, shift):
    """The grid point of the number ``x`` on the grid shifted by ``shift``: with the shift of a
    reference ``r`` (:func:`place`), ``x`` has the grid point of ``r`` when it is within
    ``rtol``, ``atol`` of ``r`` (numpy.isclose), and not when it is off by more than
    :data:`MARGIN` times that. ``"nan"``, ``"inf"``, ``"-inf"`` for those."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return str(round(_u(x, rtol, atol) - shift))


@functools.lru_cache(maxsize=256)
def seal(secret, exercise_id, label, text, n, r, p):
    """The scrypt hash (cost ``n``, ``r``, ``p``) of ``text`` (grid points, :func:`grid_text`)
    for one target (``label``: "" or a mistake's name, "/k" added for case k alone). Remembered
    per process: a check run again costs nothing, a new guess one scrypt."""
    salt = "\x1f".join([secret, exercise_id, label]).encode()
    return hashlib.scrypt(text.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + 2**20,
                          dklen=16).hex()


# ------------------------------------------------------------------ encoded results
def signature(enc):
    """What the key keeps in clear of an encoded result: its structure and shapes."""
    if enc["t"] in ("num", "array"):
        return {"t": "num"} if enc["t"] == "num" else {"t": "array", "shape": enc["shape"]}
    if enc["t"] == "seq":
        return {"t": "seq", "items": [signature(e) for e in enc["items"]]}
    return {"t": "exact"}


def leaves(sig, enc):
    """The numbers of ``enc`` in the order of ``sig`` (other values as JSON text), or None when
    the structure differs (as ``workbook.exercise._close`` compares)."""
    if sig["t"] in ("num", "array"):
        if enc["t"] not in ("num", "array"):
            return None
        values = [enc["v"]] if enc["t"] == "num" else enc["v"]
        shape = sig.get("shape", [])
        if (enc.get("shape", []) != shape) and not (math.prod(shape) == len(values) == 1):
            return None
        return [float(v) for v in values]
    if sig["t"] == "seq":
        if enc["t"] != "seq" or len(enc["items"]) != len(sig["items"]):
            return None
        found = [leaves(s, e) for s, e in zip(sig["items"], enc["items"], strict=True)]
        return None if any(f is None for f in found) else [x for f in found for x in f]
    return [json.dumps(enc, sort_keys=True)]


def grid_text(case, enc, rtol, atol):
    """The grid points of the encoded result ``enc`` as one text, on the grid of the key's
    ``case`` (``{"sig", "shift"}``); other values (strings, ...) as their JSON text; numbers
    whose shift is None are left out. None when the structure differs."""
    found = leaves(case["sig"], enc)
    if found is None:
        return None
    return "\x1f".join(f"{i}={leaf if isinstance(leaf, str) else grid(leaf, rtol, atol, shift)}"
                       for i, (leaf, shift) in enumerate(zip(found, case["shift"], strict=True))
                       if shift is not None)


# ------------------------------------------------------------------ expressions at fixed points
def values(expr, anchor, points=POINTS):
    """The values of the sympy ``expr`` at ``points`` fixed points (complex, None where not
    finite): workbook.symbolic's random points for ``(expr, *anchor)``; the anchor holds every name
    an answer may use, so the points do not depend on the answer."""
    import sympy as sp

    from workbook.symbolic import _points

    return [None if v is None else complex(v[0])
            for v in _points(sp.Tuple(expr, *anchor), points)]


def points_enc(at):
    """The values of :func:`values` as an encoded array (real, imaginary part; NaN if None)."""
    return {"t": "array", "shape": [2 * len(at)], "seq": None, "ints": False,
            "v": [x for v in at for x in ((v.real, v.imag) if v is not None else ("nan", "nan"))]}


def load_table(data):
    """The symbol table of an expression exercise from the key (see ``edition.table_json``)."""
    import sympy as sp

    from workbook import symbolic

    names = {**vars(sp), **vars(symbolic)}
    table = {}
    for name, spec in data.items():
        if "family" in spec:
            table[name] = symbolic.Family(spec["family"])
        elif "indices" in spec:
            found = {i: eval(text, names) for i, text in spec["indices"]}  # noqa: S307
            table[name] = lambda arg, found=found: _index(found, arg)
        elif "lambda" in spec:
            fn = eval(spec["lambda"], names)  # noqa: S307 - sympy's srepr from the key file
            table[name] = lambda *args, fn=fn: fn(*args)
        else:
            table[name] = eval(spec["sympy"], names)  # noqa: S307 - sympy's srepr
    return table


def _index(found, arg):
    """The value of a table function that only takes an index (``z(2)``)."""
    try:
        return found[int(arg)]
    except (KeyError, TypeError) as err:
        raise ValueError(f"no value for {arg}") from err


# ------------------------------------------------------------------ the key
@functools.cache
def key(path=KEY_FILE):
    """The edition's key (``workbook/key.json``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def find(exercise_id, path=KEY_FILE):
    """The exercise ``exercise_id`` of the key (KeyError when there is none)."""
    data = key(path)
    if exercise_id not in data["exercises"]:
        raise KeyError(f"no exercise {exercise_id!r} in the key {path}")
    return KeyedExercise(exercise_id, data["exercises"][exercise_id], data["secret"],
                         data["scrypt"])


def load_value(x):
    """A case argument from the key (numpy arrays, tuples, dicts ... as ``edition.dump_value``)."""
    if isinstance(x, dict):
        if "nd" in x:
            return np.array(x["nd"], dtype=x["dtype"]).reshape(x["shape"])
        if "np" in x:
            return np.dtype(x["np"]).type(x["v"])
        if "tuple" in x:
            return tuple(load_value(v) for v in x["tuple"])
        if "list" in x:
            return [load_value(v) for v in x["list"]]
        if "formula" in x:
            return Formula(x["name"], x["formula"])
        if "object" in x:
            module, name = x["object"].split(":")
            if not module.startswith("nnkit."):
                raise ValueError(f"no object of {module} in a case")
            obj = object.__new__(getattr(importlib.import_module(module), name))
            obj.__dict__.update({k: load_value(v) for k, v in x["fields"].items()})
            return obj
        return {k: load_value(v) for k, v in x["dict"]}
    return x


class Formula:
    """A test function f(x) of a case, given by its formula in x."""

    def __init__(self, name, formula):
        import sympy as sp

        self.name = name
        self.fn = sp.lambdify(sp.Symbol("x"), sp.sympify(formula), "numpy")

    def __call__(self, x):
        return self.fn(x)

    def __repr__(self):
        return self.name


class _DictResult:
    """Calls the student's function and turns the dict it returns into a tuple in the order
    ``keys`` (as the grader does for these exercises)."""

    def __init__(self, fn, name, keys):
        self.fn, self.name, self.keys = fn, name, keys

    def __call__(self, *args):
        from workbook.i18n import tr

        result = self.fn(*args)
        if not isinstance(result, dict):
            return result
        missing = [k for k in self.keys if k not in result]
        if missing:
            raise KeyError(tr(de=f"{self.name} soll ein dict mit den Schlüsseln {self.keys} "
                                 f"zurückgeben; es fehlt: {missing}",
                              en=f"{self.name} should return a dict with the keys {self.keys}; "
                                 f"missing: {missing}"))
        return tuple(float(np.asarray(result[k], dtype=float)) for k in self.keys)


class KeyedExercise:
    """An exercise of the student edition: reads answers like ``Exercise``, judges them
    against the scrypt hashes of the key file."""

    def __init__(self, exercise_id, entry, secret, cost):
        self.id, self.entry, self.secret, self.cost = exercise_id, entry, secret, cost
        self.answer, self.kind = entry["answer"], entry["kind"]
        self.rtol, self.atol = entry["rtol"], entry["atol"]
        self.cases = [tuple(load_value(a) for a in c) for c in entry.get("cases", [[]])]
        options = {k: k for k in entry.get("options", [])} or None
        self.reader = Exercise(exercise_id, self.answer, self.kind,
                               expected=next(iter(options)) if options else None,
                               cases=lambda rng, hidden: copy.deepcopy(self.cases),
                               options=options)

    # -------------------------------------------------------------- student kernel
    def collect(self, namespace, seed=None, hidden=False):
        """The answer in ``namespace`` as a payload (visible cases only: the key has no other)."""
        fn = namespace.get(self.answer)
        if self.entry.get("dict_keys") and callable(fn):
            namespace = {**namespace,
                         self.answer: _DictResult(fn, self.answer, self.entry["dict_keys"])}
        return self.reader.collect(namespace)

    # -------------------------------------------------------------- judging
    def judge(self, payload, seed=None, hidden=False, lang=None):
        """Result(passed, message, hint, mistake) for a ``collect`` payload; never raises."""
        from workbook.i18n import get_language

        lang = lang or get_language()
        try:
            _require(type(payload) is dict and payload.get("kind") == self.kind)
            if self.kind == "function":
                _require(set(payload) == {"kind", "results"})
                results = payload["results"]
                if type(results) is dict:
                    return not_function(validate(results), self.answer, lang)
                _require(type(results) is list)
                budget = [len(self.cases) * 20_001]
                return self._function([validate(r, 0, budget) for r in results], lang)
            _require(set(payload) == {"kind", "answer"})
            answer = validate(payload["answer"])
            return getattr(self, f"_{self.kind}")(answer, lang)
        except PayloadError:
            return Result(False, _msg("invalid", lang))

    def _sealed(self, target, results, tolerance=None, case=None):
        """Do the encoded ``results`` (one per case) hash to the target's hash (every case, or
        with ``case`` only that one, of the target's per-case hashes)? Numbers the target has
        no shift for (not finite there) are not compared."""
        rtol, atol = tolerance or (self.rtol, self.atol)
        cases = target["cases"] if case is None else [target["cases"][case]]
        texts = [grid_text(c, enc, rtol, atol) for c, enc in zip(cases, results, strict=True)]
        if None in texts:
            return False
        label, stored = ((target["name"], target["hash"]) if case is None
                         else (f"{target['name']}/{case}", cases[0]["hash"]))
        return seal(self.secret, self.id, label, "\x1e".join(texts), **self.cost) == stored

    def _wrong(self, lang, target=None, message=None):
        hint = target["hint"]["de" if lang == "de" else "en"] if target else ""
        return Result(False, message or _msg("wrong", lang), hint,
                      target["name"] if target else "")

    def _value(self, answer, lang):
        reference, *mistakes = self.entry["targets"]
        if self._sealed(reference, [answer]):
            return Result(True, _msg("correct", lang))
        generic = _generic(reference["cases"][0]["sig"], answer, self.answer, lang)
        if generic:
            return Result(False, *generic)
        return self._wrong(lang, next((m for m in mistakes if self._sealed(m, [answer])), None))

    def _function(self, results, lang):
        if len(results) != len(self.cases):
            return Result(False, _msg("invalid", lang))
        failed = failed_calls(results, self.answer, lang)
        if failed:
            return failed
        reference, *mistakes = self.entry["targets"]
        if self._sealed(reference, results):
            return Result(True, _msg("correct", lang))
        k = next(k for k, r in enumerate(results) if not self._sealed(reference, [r], case=k))
        message = wrong_case(k, self.cases[k], lang)
        generic = _generic(reference["cases"][k]["sig"], results[k], self.answer, lang)
        if generic and results[k]["t"] not in ("none", "ellipsis"):
            return Result(False, message, " ".join(filter(None, generic)))
        mistake = next((m for m in mistakes if self._sealed(m, results)), None)
        return self._wrong(lang, mistake, message)

    def _expression(self, answer, lang):
        from workbook.symbolic import ExpressionError, parse

        text = expression_text(answer, self.answer, lang)
        if isinstance(text, Result):
            return text
        try:
            student = parse(text, load_table(self.entry["symbols"]), lang)
        except ExpressionError as err:
            return Result(False, _msg("wrong", lang), err.de if lang == "de" else err.en)
        found = points_enc(values(student, _anchor(self.entry["anchor"]), self.entry["points"]))
        reference, *mistakes = self.entry["targets"]
        tolerance = (EXPRESSION_RTOL, EXPRESSION_ATOL)
        if self._sealed(reference, [found], tolerance):
            return Result(True, _msg("correct", lang))
        return self._wrong(lang, next((m for m in mistakes
                                       if self._sealed(m, [found], tolerance)), None))

    def _choice(self, answer, lang):
        options = self.entry["options"]
        keys = ", ".join(options)
        if answer["t"] != "str":
            generic = _generic({"t": "str"}, answer, self.answer, lang)
            got = answer.get("type", answer["t"])
            return Result(False, *(generic or (_msg("choose", lang, keys=keys, got=got), "")))
        key_ = {k.casefold(): k for k in options}.get(answer["v"].strip().casefold())
        if key_ is None:
            return Result(False, _msg("choose", lang, keys=keys, got=repr(answer["v"][:20])))
        reference, *mistakes = self.entry["targets"]
        chosen = {"t": "str", "v": key_}
        if self._sealed(reference, [chosen]):
            return Result(True, _msg("correct", lang))
        return self._wrong(lang, next((m for m in mistakes if self._sealed(m, [chosen])), None))


@functools.cache
def _anchor(text):
    import sympy as sp

    from workbook import symbolic

    return eval(text, {**vars(sp), **vars(symbolic)})  # noqa: S307 - sympy's srepr


# ------------------------------------------------------------------ make check
def run(folder, timeout=600):
    """Run every unit notebook in ``folder`` top to bottom (a fresh kernel each), print the line
    of every self-check and, at the end, a summary in the notebooks' language: ``make check`` in
    the student edition. Returns ``(failed, errors)``: the self-checks without ✔ (✘, or no line
    at all) and the cells outside the check cells that stopped with an error."""
    import subprocess

    import nbformat
    from nbclient import NotebookClient

    from workbook.i18n import message

    failed, errors, lang = 0, 0, "en"
    for path in sorted(Path(folder).glob("[1-9]*.ipynb")):
        print(f"== {path.name}", flush=True)  # before the minute a notebook may take
        nb = nbformat.read(path, as_version=4)
        lang = nb.metadata.get("nnkit", {}).get("lang", lang)
        # The kernel's own stderr is not the notebook's (that comes back as cell output): it
        # only held ipykernel's "running over TCP without encryption" warning per notebook.
        NotebookClient(nb, timeout=timeout, allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute(
                           stderr=subprocess.DEVNULL)
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if not grade_id.endswith("_check"):
                error = next((o for o in cell.get("outputs", [])
                              if o.get("output_type") == "error"), None)
                if error:
                    errors += 1
                    print(message(SUMMARY, "cell", lang, number=number,
                                  error=f"{error['ename']}: {error['evalue']}"[:300]))
                continue
            text = "\n".join(check_lines(cell.get("outputs", [])))
            lines = [line for line in text.splitlines() if line[:1] in ("✔", "✘")]
            failed += sum(line.startswith("✘") for line in lines) or not lines
            print(f"{grade_id[:-len('_check')]}: {' '.join(lines) or '✘'}")
    print(message(SUMMARY, "failed" if failed or errors else "passed", lang, failed=failed,
                  errors=errors))
    return failed, errors


def check_lines(outputs):
    """The text of a check cell's outputs: what it printed (✔) and the line of a
    :class:`workbook.checks.WrongAnswer` it raised (✘)."""
    for out in outputs:
        if out.get("output_type") == "stream":
            yield out.get("text", "")
        elif out.get("output_type") == "error" and out.get("ename") == "WrongAnswer":
            yield from out.get("traceback", [])


SUMMARY = {  # make check's last line, in the notebooks' language (workbook.i18n.message)
    "cell": ("Zelle {number}: ✘ {error}", "cell {number}: ✘ {error}"),
    "failed": ("Nicht bestanden: {failed} Selbstprüfung(en) ohne ✔, {errors} Zelle(n) mit "
               "Fehler außerhalb der Prüfzellen.",
               "Not passed: {failed} self-check(s) without ✔, {errors} cell(s) with an error "
               "outside the check cells."),
    "passed": ("Alle Selbstprüfungen bestanden (✔).", "Every self-check passed (✔)."),
}


def main(argv=None):
    """``python -m workbook.selfcheck [folder]``: exit status 0 when every self-check passed
    and no other cell failed, 1 otherwise."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    failed, errors = run(args[0] if args else "notebooks/de")
    return 1 if failed or errors else 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
