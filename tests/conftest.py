"""For every test: nnkit's notebook language (workbook.i18n) is one setting for the whole process,
and pytest-xdist runs many tests one after the other in a process. Each test starts in English
(nnkit's default) and leaves English behind, whatever it sets and in whatever order tests run.
So does the instructor's language (autograder.language): a German locale of the machine running
the tests is replaced by C.UTF-8, also for the commands the tests start."""

import os

import pytest

from autograder import language
from workbook.i18n import set_language


@pytest.fixture(autouse=True)
def english(monkeypatch):
    set_language("en")
    language.force(None)
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if language.instructor_language({key: os.environ.get(key, "")}) == "de":
            monkeypatch.setenv(key, "C.UTF-8")
    yield
    set_language("en")
    language.force(None)
