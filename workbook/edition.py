"""The student edition: ``make student`` (``python -m workbook.edition [--out build/student]``).

Writes a folder the instructor publishes as the students' repository (Binder) or hands out as a
zip: the student notebooks (``notebooks/de``, ``notebooks/en``, start pages), the packages
``nnkit`` and ``workbook`` without the unit sources (model solutions, model answers, hidden
checks, references) and without the instructor's build tools, the self-check's key
``workbook/key.json`` (scrypt hashes, :mod:`workbook.selfcheck`), ``binder/``, a
``pyproject.toml``, a ``Makefile`` (``make lab``, ``make check``) and a README (de, en);
``make lab`` and Binder switch nbgrader's instructor tools off (scripts/student_tools.py).
The file list follows the packages as they are at build time (:func:`package_files`).
``kernel_edition`` writes only the packages and the key: what the grader binds into its
confined kernels (:mod:`autograder.execute`).
"""

from __future__ import annotations

import copy
import json
import secrets
import shutil
import sys
from pathlib import Path

import numpy as np
import sympy as sp

from workbook.checks import VISIBLE_SEED, registry
from workbook.exercise import Exercise, encode
from workbook.selfcheck import (
    ANCHOR,
    EXPRESSION_ATOL,
    EXPRESSION_RTOL,
    KEY_FILE,
    POINTS,
    SCRYPT,
    grid_text,
    leaves,
    place,
    points_enc,
    seal,
    signature,
    values,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nnkit", "workbook")
INSTRUCTOR_ONLY = {  # package paths that never go into the edition
    "workbook/units": "the unit sources: model solutions, model answers, hidden checks",
    "workbook/edition.py": "this builder (needs the unit sources)",
    "workbook/build.py": "the notebook build (needs the unit sources)",
    "workbook/__main__.py": "python -m workbook build",
}
MARKER = ".nnkit-student-edition"  # an existing folder is replaced only if it holds this file


# ------------------------------------------------------------------ the key
def dump_value(x):
    """A case argument as JSON data (``workbook.selfcheck.load_value`` reads it back)."""
    if isinstance(x, np.ndarray):
        return {"nd": x.ravel().tolist(), "dtype": str(x.dtype), "shape": list(x.shape)}
    if isinstance(x, np.generic):
        return {"np": str(x.dtype), "v": x.item()}
    if isinstance(x, tuple):
        return {"tuple": [dump_value(v) for v in x]}
    if isinstance(x, list):
        return {"list": [dump_value(v) for v in x]}
    if isinstance(x, dict):
        return {"dict": [[k, dump_value(v)] for k, v in x.items()]}
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if callable(x) and isinstance(getattr(x, "formula", None), str):  # a test function f(x)
        return {"formula": x.formula, "name": repr(x)}
    if type(x).__module__.startswith("nnkit."):  # e.g. an activation: its class and fields
        return {"object": f"{type(x).__module__}:{type(x).__qualname__}",
                "fields": {k: dump_value(v) for k, v in vars(x).items()}}
    raise TypeError(f"a case argument of type {type(x).__name__} cannot go into the key")


def _rebind(expr):
    """``expr`` with the variables of its sums and products renamed apart (Dummy), so that
    substituting an index of the student's (``f[k]`` inside ``Sum(..., (k, 1, m))``) cannot
    capture them."""
    def fresh(e):
        return e.xreplace({v: sp.Dummy(v.name, **v.assumptions0) for v in e.variables})

    return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)), fresh)


def _function_json(fn):
    """A function of the symbol table: a sympy ``Lambda`` of one argument, or, when it only
    takes numbers (``z(k)`` for k = 1, 2, 3), its values at the indices 0..9."""
    arg = sp.Dummy("arg")
    try:
        return {"lambda": sp.srepr(sp.Lambda(arg, _rebind(sp.sympify(fn(arg)))))}
    except (TypeError, ValueError, KeyError):
        pass
    found = []
    for i in range(10):
        try:
            found.append([i, sp.srepr(sp.sympify(fn(i)))])
        except (TypeError, ValueError, KeyError, IndexError):
            continue
    return {"indices": found}


def table_json(table):
    """An expression exercise's symbol table as JSON data: sympy objects as ``srepr``, index
    families by their stem, Python functions (``f[i]``) as a sympy ``Lambda``."""
    from workbook.symbolic import Family

    data = {}
    for name, value in table.items():
        if isinstance(value, Family):
            data[name] = {"family": value.stem}
        elif isinstance(value, (sp.Basic, sp.FunctionClass)):
            data[name] = {"sympy": sp.srepr(value)}
        elif callable(value):
            data[name] = _function_json(value)
        else:
            raise TypeError(f"symbol {name!r}: {type(value).__name__} cannot go into the key")
    return data


def anchor(table, exprs):
    """Every name an answer may use (symbols, indexed entries at the largest index, opaque
    functions; not the integer indices) and a step: evaluated with the answer so the points do
    not depend on it."""
    from sympy.core.function import AppliedUndef

    from workbook.selfcheck import load_table
    from workbook.symbolic import MAX_TERMS, _Prime

    items = [*exprs, *(v for v in table.values() if isinstance(v, sp.Basic))]
    for spec in table_json(table).values():  # the functions' bodies and values
        if "lambda" in spec:
            items.append(load_table({"f": spec})["f"](sp.Dummy("arg")))
        items += [load_table({"f": {"sympy": text}})["f"] for _, text in spec.get("indices", [])]
    symbols, ranks, functions = set(), {}, set()
    for e in items:
        symbols |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)
                    and not isinstance(s, sp.Dummy)}
        ranks.update({a.base: len(a.indices) for a in e.atoms(sp.Indexed)})
        functions |= {a.func for a in e.atoms(sp.Function) if isinstance(a, (AppliedUndef,
                                                                              _Prime))}
    for value in table.values():
        if isinstance(value, sp.Symbol) and not isinstance(value, sp.Dummy):
            symbols.add(value)
        elif isinstance(value, sp.IndexedBase):
            ranks.setdefault(value, 1)
        elif isinstance(value, sp.FunctionClass) and (
                issubclass(value, _Prime) or type(value).__name__ == "UndefinedFunction"):
            functions.add(value)
    functions |= {sp.Function(f"{f.__name__}_prime") for f in functions if issubclass(f, _Prime)}
    symbols -= {base.label for base in ranks}  # W is an array, not a number
    symbols = {s for s in symbols if not s.is_integer}  # indices: the answer's own (as in
    # workbook.symbolic.equivalent; an anchored index would replace the variable of a sum)
    x = sp.Symbol(ANCHOR)
    return sp.Tuple(*sorted(symbols, key=str),
                    *(b[(2 * MAX_TERMS,) * r] for b, r in sorted(ranks.items(), key=str)),
                    *(f(x) for f in sorted(functions, key=str)), sp.Heaviside(x))


def target(secret, exercise_id, name, results, tolerance, cost, hint=None, per_case=False):
    """The key's entry for the reference (``name`` "") or one mistake: per case the result's
    structure and the shift of each number, and one scrypt hash of all cases' grid points; with
    ``per_case`` (a function's reference) one per case too. The reference's numbers keep their
    place in their grid cell (:func:`workbook.selfcheck.place`: every answer within the
    tolerance has their grid point); a mistake's the plain grid (shift 0): their places would
    tell, with a relation a hint names ("twice ..."), where the reference lies; an answer that is
    the mistake up to rounding noise has its grid point all the same."""
    def shift(leaf):
        at = 0 if isinstance(leaf, str) else place(leaf, *tolerance)
        return at if name == "" or at is None else 0

    cases, texts = [], []
    for k, enc in enumerate(results):
        sig = signature(enc)
        case = {"sig": sig, "shift": [shift(leaf) for leaf in leaves(sig, enc)]}
        texts.append(grid_text(case, enc, *tolerance))
        if per_case:
            case["hash"] = seal(secret, exercise_id, f"{name}/{k}", texts[-1], **cost)
        cases.append(case)
    entry = {"name": name, "cases": cases,
             "hash": seal(secret, exercise_id, name, "\x1e".join(texts), **cost)}
    if hint is not None:
        entry["hint"] = {"de": hint.get("de") or hint.get("en", ""), "en": hint.get("en", "")}
    return entry


def exercise_key(ex, secret, cost=SCRYPT):
    """The key's entry of one exercise (see :mod:`workbook.selfcheck`)."""
    entry = {"answer": ex.answer, "kind": ex.kind, "rtol": ex.rtol, "atol": ex.atol}
    tolerance = (ex.rtol, ex.atol)
    if ex.kind in ("value", "function"):
        cases = ex.case_list(VISIBLE_SEED, hidden=False) if ex.kind == "function" else [()]
        if ex.kind == "function":
            entry["cases"] = [[dump_value(a) for a in case] for case in cases]
        if getattr(ex, "dict_keys", None):
            entry["dict_keys"] = list(ex.dict_keys)
        elif type(ex).collect is not Exercise.collect:
            raise ValueError(f"{ex.id}: its own collect() has no counterpart in the edition")

        def results(fn):
            return [encode(fn(*copy.deepcopy(c))) for c in cases]
    elif ex.kind == "expression":
        from workbook.symbolic import _expr, _table_for

        reference = ex.expected()
        table = ex.symbols() if ex.symbols else _table_for(_expr(reference, None, "en"))
        exprs = {m.name: _expr(m.wrong(), table, "en") for m in ex.mistakes}
        exprs[""] = _expr(reference, table, "en")
        points = anchor(table, exprs.values())
        entry.update(symbols=table_json(table), anchor=sp.srepr(points), points=POINTS)
        tolerance = (EXPRESSION_RTOL, EXPRESSION_ATOL)

        def results(name):
            return [points_enc(values(exprs[name], points))]
    else:
        entry["options"] = [str(k) for k in ex.options]

        def results(key):
            return [{"t": "str", "v": str(key)}]
    if ex.kind == "expression":
        reference, wrong = results(""), [results(m.name) for m in ex.mistakes]
        if sum(v != "nan" for v in reference[0]["v"][::2]) < 3:
            raise ValueError(f"{ex.id}: fewer than 3 points where the reference is finite")
    else:
        reference, wrong = results(ex.expected), [results(m.wrong) for m in ex.mistakes]
    entry["targets"] = [target(secret, ex.id, "", reference, tolerance, cost,
                               per_case=ex.kind == "function")] + [
        target(secret, ex.id, m.name, w, tolerance, cost, m.hint)
        for m, w in zip(ex.mistakes, wrong, strict=True)]
    return entry


def make_key(exercises=None, secret=None, cost=SCRYPT):
    """The whole key: ``{"version", "secret", "scrypt": cost, "exercises": {id: entry}}``
    (``cost``: scrypt's ``n``, ``r``, ``p``; the tests' editions take a cheap one)."""
    secret = secret or secrets.token_hex(32)
    exercises = registry() if exercises is None else exercises
    return {"version": 2, "secret": secret, "scrypt": dict(cost),
            "exercises": {i: exercise_key(ex, secret, cost) for i, ex in exercises.items()}}


# ------------------------------------------------------------------ the folder
def package_files():
    """The packages' files that go into the edition (relative paths): every file of ``nnkit``
    and ``workbook`` as they are now, except :data:`INSTRUCTOR_ONLY` and caches."""
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if (path.is_file() and "__pycache__" not in rel and not rel.endswith(".pyc")
                    and not any(rel == x or rel.startswith(x + "/") for x in INSTRUCTOR_ONLY)
                    and rel != KEY_FILE.relative_to(ROOT).as_posix()):
                files.append(rel)
    return files


def _prepare(out):
    out = Path(out)
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise FileExistsError(f"{out} exists and is not a student edition: not replaced")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("written by `make student` (python -m workbook.edition)\n")
    return out


def kernel_edition(out, exercises=None, key=True, cost=SCRYPT):
    """Only the packages and (with ``key``) the key (scrypt ``cost``): the part a kernel
    imports; returns ``out``. Files are readable by every user (the grader's kernels run as
    others)."""
    out = _prepare(out)
    for rel in package_files():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, out / rel)
    if key:
        key_file = out / KEY_FILE.relative_to(ROOT)
        key_file.write_text(json.dumps(make_key(exercises, cost=cost), ensure_ascii=False),
                            encoding="utf-8")
    for path in [out, *out.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return out


def build(out=ROOT / "build" / "student", exercises=None, handin="platform", cost=SCRYPT):
    """The student edition in ``out`` (replaced if it is an earlier edition); returns ``out``.
    Its notebooks are built from the unit sources as ``make release`` builds them, never copied
    from ``notebooks/`` (the lecturer's working copy); ``handin`` (one of
    ``workbook.build.HANDIN``) is how students hand in: the start pages say it, and with
    "platform" the edition has no assignment list (scripts/student_tools.py). ``cost``: the
    key's scrypt cost (``workbook.selfcheck.SCRYPT``; the tests take a cheap one)."""
    from autograder.release import release
    from workbook.build import HANDIN

    if handin not in HANDIN:
        raise ValueError(f"handin must be one of {sorted(HANDIN)}, not {handin!r}")
    out = kernel_edition(out, exercises, cost=cost)
    release(out / "notebooks", "all", handin=handin,
            log=lambda text: print(text, file=sys.stderr))
    (out / "scripts").mkdir()
    for name in ("lab.py", "lab_settings.py", "student_tools.py"):
        shutil.copyfile(ROOT / "scripts" / name, out / "scripts" / name)
    (out / "binder").mkdir()
    for name in ("requirements.txt", "runtime.txt"):
        shutil.copyfile(ROOT / "binder" / name, out / "binder" / name)
    postbuild = out / "binder" / "postBuild"
    postbuild.write_text(POSTBUILD.format(handin=handin))
    postbuild.chmod(0o755)
    (out / "pyproject.toml").write_text(pyproject())
    (out / "Makefile").write_text(MAKEFILE.format(handin=handin))
    (out / "README.md").write_text(README)
    return out


def pyproject():
    """The edition's pyproject.toml: the workbook's run-time and lab dependencies (from the
    installed project's metadata, i.e. this repository's pyproject.toml)."""
    from importlib import metadata

    meta = metadata.metadata("nnkit-workbook")
    requires = metadata.requires("nnkit-workbook") or []
    deps = "".join(f'    "{r}",\n' for r in requires if "extra ==" not in r)
    lab = "".join(f'    "{r.split(";")[0].strip()}",\n' for r in requires
                  if r.replace("'", '"').endswith('extra == "lab"'))
    return PYPROJECT.format(version=meta["Version"], python=meta["Requires-Python"],
                            deps=deps, lab=lab)


PYPROJECT = '''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "nnkit-workbook-student"
version = "{version}"
description = "The nnkit workbook, student edition: how neural networks learn (German and English)"
readme = "README.md"
requires-python = "{python}"
dependencies = [
{deps}]

[project.optional-dependencies]
lab = [
{lab}]

[tool.setuptools.packages.find]
include = ["nnkit*", "workbook*"]

[tool.setuptools.package-data]
workbook = ["key.json"]
'''
POSTBUILD = '''#!/usr/bin/env bash
# repo2docker runs this once after installing binder/requirements.txt (without root).
set -euo pipefail
pip install --no-cache-dir --no-deps -e .
python scripts/lab_settings.py --lang en
python scripts/student_tools.py --handin {handin}  # no instructor tools for students
'''
MAKEFILE = '''# The nnkit workbook, student edition.
#   make lab      set everything up and open the workbook in JupyterLab (make lab lang=en)
#   make check    run every notebook of one language and list each self-check (lang=de|en);
#                 exit status 0 only when every self-check gives ✔ and no other cell fails
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888

.PHONY: lab check

$(VENV)/.lab: pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --upgrade pip
\t$(BIN)/pip install --quiet -e '.[lab]'
\t$(BIN)/python scripts/student_tools.py --handin {handin}
\ttouch $@

lab: $(VENV)/.lab
\t@exec $(BIN)/python scripts/lab.py --lang $(or $(lang),auto) --port $(PORT)

check: $(VENV)/.lab
\t$(BIN)/python -m workbook.selfcheck notebooks/$(or $(lang),de)
'''
README = """# Das nnkit-Arbeitsbuch (Ausgabe für Studierende) · The nnkit workbook (student edition)

## Deutsch

Interaktive Notebooks dazu, wie neuronale Netze lernen: Vorwärtsdurchlauf, Backpropagation,
ReLU-Gradient und tote Neuronen, verschwindende Gradienten, Skip-Verbindungen.

Sie brauchen Python (ab 3.10) und `make`. Zwei Befehle:

* `make lab` richtet beim ersten Mal alles ein und öffnet die Startseite in JupyterLab
  (`make lab lang=en` für die englischen Notebooks).
* `make check` führt alle deutschen Notebooks von oben nach unten aus und listet für jede
  Aufgabe das Ergebnis der Selbstprüfung (✔ oder ✘ mit Hinweis); `make check lang=en` die
  englischen. Die letzte Zeile fasst zusammen; `make check` endet nur dann erfolgreich
  (Rückgabewert 0), wenn jede Selbstprüfung ✔ zeigt und keine andere Zelle mit einem Fehler
  abbricht, sonst mit einer Fehlermeldung von `make`. Im Notebook prüfen Sie eine Aufgabe mit der
  Zelle `check("...")` unter Ihrer Antwort.

Was die Selbstprüfung schützt: Die Musterlösungen liegen nicht bei. Die Prüfung vergleicht Ihre
Antwort mit Prüfsummen (`workbook/key.json`: scrypt-Hashes der auf die Toleranz gerundeten
Ergebnisse); wer die Datei liest, findet darin keinen Zahlenwert und keine Formel zum Abschreiben,
und jede geratene Antwort kostet eine Prüfsumme (etwa 0,1 s Rechenzeit, 32 MiB Speicher): Eine
Zahl mit allen Stellen auf diese Weise zu suchen, dauert Stunden bis Tage. Was keine
Selbstprüfung verhindern kann: so lange Werte auszuprobieren, bis ✔ erscheint – von Hand oder mit
einem Programm, das die Prüfung aufruft; runde Werte wie 0 oder 1 sind schnell gefunden, und bei
einer Auswahlaufgabe genügen höchstens so viele Versuche, wie sie Optionen hat. Bewertet wird
später mit verborgenen Tests und neuen Zufallseingaben; ✔ ist ein gutes Zeichen, keine Garantie.
Die Selbstprüfung ist kaum großzügiger als die Bewertung (um höchstens 1 % der Toleranz): Rechnen
Sie mit allen Stellen, nicht mit gerundeten Zwischenwerten.

## English

Interactive notebooks on how neural networks learn: forward pass, backpropagation, the ReLU
gradient and dead neurons, vanishing gradients, skip connections.

You need Python (3.10 or newer) and `make`. Two commands:

* `make lab` sets everything up the first time and opens the start page in JupyterLab
  (`make lab lang=en` for the English notebooks).
* `make check lang=en` runs every English notebook from top to bottom and lists the result of
  each self-check (✔, or ✘ with a hint); `make check` the German ones. The last line sums up;
  `make check` succeeds (exit status 0) only when every self-check shows ✔ and no other cell
  stops with an error, otherwise `make` reports an error. In a notebook, you check an exercise
  with the cell `check("...")` below your answer.

What the self-check protects: the model solutions are not included. The check compares your
answer with hashes (`workbook/key.json`: scrypt hashes of the results rounded to the tolerance);
reading that file gives no number and no formula to copy, and every guessed answer costs one hash
(about 0.1 s of CPU, 32 MiB of memory): searching for a number with all its digits that way takes
hours to days. What no self-check can prevent: trying values until ✔ appears – by hand or with a
program that calls the check; round values such as 0 or 1 are found quickly, and a
multiple-choice exercise takes at most as many tries as it has options. Grading later runs
hidden tests with fresh random inputs; a ✔ is a good sign, not a guarantee. The self-check is
hardly more lenient than grading (by at most 1 % of the tolerance): compute with all digits, not
with rounded intermediate values.
"""


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m workbook.edition",
                                     description="write the student edition")
    parser.add_argument("--out", default=str(ROOT / "build" / "student"))
    from workbook.build import HANDIN

    parser.add_argument("--handin", choices=sorted(HANDIN), default="platform",
                        help="how students hand in: upload the .ipynb to the learning platform "
                        "(no assignment list), or nbgrader's assignment list on a hub")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out = build(Path(args.out), handin=args.handin)
    print(f"student edition written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
