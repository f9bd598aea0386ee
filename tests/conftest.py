"""For every test: nnkit's notebook language (workbook.i18n) is one setting for the whole process,
and pytest-xdist runs many tests one after the other in a process. Each test starts in English
(nnkit's default) and leaves English behind, whatever it sets and in whatever order tests run."""

import pytest

from workbook.i18n import set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")
