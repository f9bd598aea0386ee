"""``release``: the student notebooks of every unit (workbook.build; no solutions, no hidden
tests) and the start pages, into OUT/<lang>/."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.course import load_modules
from workbook.i18n import LANGUAGES

FORBIDDEN = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "hidden=True")


def release(out, lang="all", units=None, log=print, handin=None):
    """Build into ``out`` from the unit sources (never from ``notebooks/``); returns the written
    notebook paths. Refuses to write a notebook that still contains a solution or hidden-test
    marker. ``handin``: the start pages' way of handing in (``workbook.build.start_page``). The
    student edition's notebooks are made here too (``workbook.edition.build``)."""
    from workbook.build import build

    modules = load_modules(units, log=log)
    langs = LANGUAGES if lang == "all" else (lang,)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "nb", modules, course_dir=Path(tmp) / "course", handin=handin)
        for code in langs:
            for path in sorted((Path(tmp) / "nb" / code).glob("*.ipynb")):
                text = path.read_text()
                leaks = [m for m in FORBIDDEN if m in text]
                if leaks:
                    raise RuntimeError(f"{path.name}: the release contains {leaks}")
                target = Path(out) / code / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                written.append(target)
    return written
