"""Unit sources -> instructor source notebooks (de, en) -> student notebooks (nbgrader).

    python -m workbook build            # rebuild notebooks/de and notebooks/en
    python -m workbook build --check    # fail if the committed notebooks differ from a fresh build

For every unit module and language: an nbgrader course directory gets the SOURCE notebook (with
solutions and hidden tests) at ``<course>/source/<unit>_<lang>/<filename>.ipynb``; nbgrader's own
``generate_assignment`` makes the student version in ``<course>/release/``; that is copied to
``notebooks/<lang>/<filename>.ipynb``. The start pages ``notebooks/<lang>/0_start.ipynb`` list
the units.
"""

from __future__ import annotations

import filecmp
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from workbook.checks import unit_modules
from workbook.i18n import message
from workbook.source import LANGS, exercise_id, flatten

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUBS = {  # ClearSolutions: code stub (must not raise) and text stub, per language
    "de": ("# IHR CODE HIER\npass", "IHRE ANTWORT HIER"),
    "en": ("# YOUR CODE HERE\npass", "YOUR ANSWER HERE"),
}
# The tag of every check cell: JupyterLab runs it with stop_on_error false, so Run All and
# "restart and run all" go on past its ✘ (WrongAnswer); nbclient (make check, nbgrader validate)
# records its error and goes on. The error stays in the cell's output: validate and make check
# count it as not passed; the grader judges the answer itself.
RUN_ON = "raises-exception"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CONFIG = '''"""nbgrader configuration of the nnkit workbook course (written by workbook.build)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "nnkit"
# The release stubs depend on the language; workbook.build.stub_config(lang) sets them per
# assignment. These defaults are the English ones.
c.ClearSolutions.code_stub = {{"python": {code!r}}}
c.ClearSolutions.text_stub = {text!r}
c.ExecutePreprocessor.timeout = 120
'''


def setup_source(lang):
    """The first cell of every notebook: the only code cell that differs between languages."""
    return f'from workbook.setup import *\nsetup("{lang}")'


def source_notebook(module, lang):
    """The instructor's notebook (solutions, hidden tests) of one unit module in one language."""
    unit = module.UNIT
    setup = new_code_cell(setup_source(lang), id="setup")
    setup.metadata["nbgrader"] = {"grade": False, "grade_id": "setup", "locked": True,
                                  "schema_version": 3, "solution": False}
    cells = [setup]
    for i, cell in enumerate(flatten(module.CELLS)):
        make = new_code_cell if cell.cell_type == "code" else new_markdown_cell
        grade_id = cell.nbgrader["grade_id"] if cell.nbgrader else None
        nb_cell = make(cell.text(lang), id=grade_id or f"cell-{i:03d}")
        if cell.nbgrader:
            nb_cell.metadata["nbgrader"] = dict(cell.nbgrader)
        if exercise_id(grade_id):  # a check cell: Run All goes on past its ✘ (RUN_ON)
            nb_cell.metadata["tags"] = [RUN_ON]
        cells.append(nb_cell)
    ids = [c.id for c in cells]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{unit.id}: grade ids are not unique")
    nb = new_notebook(cells=cells)
    nb.metadata.update(kernelspec=KERNELSPEC, language_info={"name": "python"},
                       nnkit={"unit": unit.id, "lang": lang, "seeds": list(unit.seeds)})
    return nb


def make_course(course_dir, modules=None):
    """An nbgrader course directory with nbgrader_config.py and every source notebook.

    Returns ``[(module, lang, assignment_id), ...]``."""
    course = Path(course_dir)
    course.mkdir(parents=True, exist_ok=True)
    code, text = STUBS["en"]
    (course / "nbgrader_config.py").write_text(CONFIG.format(code=code, text=text))
    made = []
    for module in unit_modules() if modules is None else modules:
        for lang in LANGS:
            assignment = module.UNIT.assignment(lang)
            path = course / "source" / assignment / f"{module.UNIT.filename[lang]}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(source_notebook(module, lang), path)
            made.append((module, lang, assignment))
    return made


def stub_config(course_dir, lang):
    """A traitlets Config for nbgrader in ``course_dir`` with the release stubs of ``lang``."""
    from traitlets.config import Config

    code, text = STUBS[lang]
    c = Config()
    c.CourseDirectory.root = str(Path(course_dir).resolve())
    c.CourseDirectory.course_id = "nnkit"
    c.ClearSolutions.code_stub = {"python": code}
    c.ClearSolutions.text_stub = text
    return c


def generate(course_dir, assignment, lang):
    """nbgrader's generate_assignment for one assignment (student version in release/)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config = stub_config(course_dir, lang)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment {assignment} failed:\n{result.get('log', '')}"
                           f"\n{result.get('error', '')}")
    return Path(course_dir) / "release" / assignment


def start_page(modules, lang, handin=None):
    """The start page ``0_start.ipynb`` of one language (a plain notebook, not graded); it says
    how to hand in: ``handin`` one of :data:`HANDIN` (the student edition's choice), None for
    every way (the lecturer's workbook, ``make release``)."""
    rows = "\n".join(
        f"{m.UNIT.number}. [{m.UNIT.title[lang]}]({m.UNIT.filename[lang]}.ipynb): "
        f"{m.UNIT.summary[lang]}" for m in modules)
    ways = HANDIN if handin is None else [handin]
    text = START[lang].format(units=rows or "–",
                              handin="\n".join(message(HANDIN, way, lang) for way in ways))
    cells = [new_markdown_cell(part.strip(), id=f"start-{i}")
             for i, part in enumerate(text.split("\n---\n"))]
    nb = new_notebook(cells=cells)
    nb.metadata.update(kernelspec=KERNELSPEC, language_info={"name": "python"},
                       nnkit={"unit": "start", "lang": lang})
    return nb


HANDIN = {  # how students hand in a unit, per way (make student handin=...): one bullet each
    "platform": ("* Auf der Lernplattform: Speichern Sie das Notebook und laden Sie die "
                 "`.ipynb`-Datei\n  bei der Aufgabe der Einheit auf der Lernplattform Ihres "
                 "Kurses hoch (z. B. Moodle oder ILIAS).\n  Auf Binder laden Sie die Datei "
                 "vorher herunter (Rechtsklick im Dateibrowser → *Herunterladen*).",
                 "* On the learning platform: save the notebook and upload the `.ipynb` file "
                 "to the unit's\n  assignment on your course's learning platform (e.g. Moodle "
                 "or ILIAS).\n  On Binder, download the file first (right-click in the file "
                 "browser → *Download*)."),
    "hub": ("* Auf dem Hub des Kurses: Öffnen Sie in JupyterLab die Aufgabenliste (Menü "
            "*Nbgrader →\n  Assignment List*) und klicken Sie bei der Einheit auf *Submit*.",
            "* On the course's hub: open the assignment list in JupyterLab (menu *Nbgrader →\n"
            "  Assignment List*) and click *Submit* next to the unit."),
}
START = {
    "de": """# Das nnkit-Arbeitsbuch: Wie neuronale Netze lernen

Willkommen! In diesen Notebooks bewegen Sie Schieberegler für Gewichte und Eingaben, verfolgen, wie
sich Diagramme und Netzdarstellungen ändern, und lösen Aufgaben, die Sie vor der Abgabe selbst
prüfen können.
Jedes Notebook beginnt mit einer Zelle `setup("de")`: Führen Sie sie zuerst aus.

## Die Einheiten

{units}
---
## Selbst prüfen

* Schreiben Sie Ihre Lösung in die Zelle mit `# IHR CODE HIER` (bzw. `IHRE ANTWORT HIER` bei
  Textantworten) und führen Sie sie aus.
* Führen Sie danach die Prüfzelle darunter aus (`check("...")`). Sie meldet **✔ Richtig.** oder
  **✘** mit einem Hinweis auf einen typischen Fehler – ohne die Lösung zu verraten.
* Bei der Bewertung werden zusätzlich verborgene Tests mit neuen Zufallseingaben ausgeführt.
  Ein ✔ bei der sichtbaren Prüfung ist ein gutes Zeichen, aber keine Garantie.
* Dezimalzahlen schreiben Sie in Python mit Punkt: `w = 0.1`. `w = 0,1` ist ein Tupel. Die Texte
  und Grafiken verwenden dagegen das Dezimalkomma (0,1).
---
## Abgeben

{handin}
* Führen Sie vorher *Kernel → Kernel neu starten und alle Zellen ausführen…* (englische
  Oberfläche: *Kernel → Restart Kernel and Run All Cells*) aus, damit alle Zellen in der
  richtigen Reihenfolge laufen.
---
## Sprache der Oberfläche

Die Notebooks sind auf Deutsch. Die Menüs von JupyterLab stellen Sie unter
*Settings → Language → Deutsch (Deutschland)* auf Deutsch um (zurück mit
*Einstellungen → Sprache → English*). Die englischen Notebooks liegen in `../en/`.
""",
    "en": """# The nnkit workbook: how neural networks learn

Welcome! In these notebooks you move sliders for weights and inputs, watch plots and network
diagrams change and solve exercises that you can check yourself before you hand them in.
Every notebook starts with a cell `setup("en")`: run it first.

## The units

{units}
---
## Checking your answers

* Write your solution into the cell with `# YOUR CODE HERE` (or `YOUR ANSWER HERE` for written
  answers) and run it.
* Then run the check cell below it (`check("...")`). It says **✔ Correct.** or **✘** with a hint
  about a typical mistake – without revealing the answer.
* Grading also runs hidden tests with fresh random inputs. A ✔ in the visible check is a good
  sign, not a guarantee.
* Python writes decimals with a point: `w = 0.1`. `w = 0,1` is a tuple.
---
## Handing in

{handin}
* Run *Kernel → Restart Kernel and Run All Cells* first, so that all cells run in order.
---
## Interface language

The notebooks are in English. To switch JupyterLab's menus to German, choose
*Settings → Language → Deutsch (Deutschland)*. The German notebooks are in `../de/`.
""",
}


def build(out=NOTEBOOKS, modules=None, course_dir=None, handin=None):
    """Build the student notebooks of every unit and the start pages into ``out/<lang>/``
    (``handin``: see :func:`start_page`)."""
    modules = unit_modules() if modules is None else modules
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(course_dir or tmp)
        for module, lang, assignment in make_course(course, modules):
            release = generate(course, assignment, lang)
            target = Path(out) / lang / f"{module.UNIT.filename[lang]}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nb = nbformat.read(release / target.name, as_version=4)
            nbformat.write(nb, target)
    for lang in LANGS:
        nbformat.write(start_page(modules, lang, handin), Path(out) / lang / "0_start.ipynb")


def differences(expected_dir, actual_dir):
    """Notebook paths (relative) that differ between two notebooks/ trees."""
    files = {p.relative_to(d) for d in (expected_dir, actual_dir) for lang in LANGS
             for p in (Path(d) / lang).glob("*.ipynb")}
    return sorted(str(f) for f in files
                  if not ((Path(expected_dir) / f).exists() and (Path(actual_dir) / f).exists()
                          and filecmp.cmp(Path(expected_dir) / f, Path(actual_dir) / f,
                                          shallow=False)))


def check(out=NOTEBOOKS):
    """Fresh build in a temporary directory, compared with ``out``; returns the differences."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        return differences(Path(tmp), Path(out))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["build"] or not set(argv[1:]) <= {"--check"}:
        print("usage: python -m workbook build [--check]", file=sys.stderr)
        return 2
    if "--check" in argv:
        stale = check()
        for path in stale:
            print(f"out of date: notebooks/{path}", file=sys.stderr)
        if stale:
            print("run `python -m workbook build` (make notebooks)", file=sys.stderr)
        return 1 if stale else 0
    build()
    print(f"built {NOTEBOOKS}")
    return 0
