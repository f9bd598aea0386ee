"""The instructor's language: every console message of the instructor commands, the report and
the misconception list are German or English.

German when the locale is (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set starts
with ``de``), English otherwise; ``python -m autograder --language de|en`` forces one. Every module
keeps its messages in a table ``{key: (German, English)}`` read with
:func:`workbook.i18n.message`."""

from __future__ import annotations

import os

LANGUAGES = ("de", "en")
_forced = None  # the language of --language, if given


def force(lang):
    """Use ``lang`` (``"de"``, ``"en"``; None: the locale's again) for the rest of the run."""
    global _forced
    if lang not in (*LANGUAGES, None):
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    _forced = lang


def instructor_language(environ=os.environ):
    """The forced language, else ``"de"`` when the locale is German, else ``"en"``."""
    if _forced:
        return _forced
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(key):
            return "de" if environ[key].lower().startswith("de") else "en"
    return "en"


NOUNS = {  # noun: ((German singular, plural), (English singular, plural))
    "notebook": (("Notebook", "Notebooks"), ("notebook", "notebooks")),
    "submission": (("Abgabe", "Abgaben"), ("submission", "submissions")),
    "file": (("Datei", "Dateien"), ("file", "files")),
    "rejected file": (("abgelehnte Datei", "abgelehnte Dateien"),
                      ("rejected file", "rejected files")),
    "worker": (("Bewertungsprozess", "Bewertungsprozessen"), ("worker", "workers")),
    "assignment": (("Aufgabenblatt", "Aufgabenblätter"), ("assignment", "assignments")),
    "student": (("Studierende(r)", "Studierende"), ("student", "students")),
    "unit": (("Einheit", "Einheiten"), ("unit", "units")),
}


def counted(n, noun, lang=None):
    """``n`` and the noun in the number it needs: ``counted(1, "worker")`` -> "1 worker",
    ``counted(0, "worker")`` -> "0 workers"; German with ``lang="de"``."""
    de, en = NOUNS[noun]
    one, many = de if (lang or instructor_language()) == "de" else en
    return f"{n} {one if n == 1 else many}"


def number(x, digits=1, lang=None):
    """``x`` with ``digits`` decimals, with a decimal comma in German: 12.25 -> "12,2"."""
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if (lang or instructor_language()) == "de" else text
