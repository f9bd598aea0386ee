"""Messages a student reads as plain text (✘ lines, hints, the decimal-comma warning) say "input"
where they show an input and hold no literal markdown (`code`, **bold**)."""

import importlib
import re

import numpy as np
import pytest

from workbook import exercise, setup, symbolic
from workbook.checks import find, module_names

MARKDOWN = re.compile(r"`|\*\*[^\W\d]")  # a backtick, **bold** (not x**2)


def tables():
    """Every message table {key: (de, en)} of the modules whose texts are printed."""
    for module in (exercise, symbolic, setup, importlib.import_module("workbook.selfcheck"),
                   importlib.import_module("autograder.verdict"),
                   importlib.import_module("autograder.execute")):
        for name, value in vars(module).items():
            if isinstance(value, dict) and value and all(
                    isinstance(v, tuple) and len(v) == 2 and all(isinstance(t, str) for t in v)
                    for v in value.values()):
                yield f"{module.__name__}.{name}", value


def hints():
    for name in module_names():
        unit = importlib.import_module(name if "." in name else f"workbook.units.{name}")
        for ex in unit.EXERCISES:
            for mistake in ex.mistakes:
                yield f"{ex.id} {mistake.name}", mistake.hint


def test_no_markdown_in_plain_text_messages():
    found = [(where, key) for where, table in tables() for key, texts in table.items()
             if any(MARKDOWN.search(t) for t in texts)]
    found += [(where, lang) for where, texts in hints() for lang, t in texts.items()
              if MARKDOWN.search(t)]
    assert found == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_decimal_comma_warning_has_no_markdown(capsys, lang):
    from workbook.i18n import set_language

    set_language(lang)
    setup.warn_decimal_commas("z = 0,1 * 20\nw = 0,05")
    printed = capsys.readouterr().out
    assert printed.count("0,1") and not MARKDOWN.search(printed), printed


START = {"de": "Ihre Funktion liefert für Eingabe Nr. 1 einen falschen Wert.",
         "en": "Your function returns a wrong value for input no. 1."}
SHOWN = {"de": " Eingabe Nr. 1: ", "en": " Input no. 1: "}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_wrong_function_shows_its_input_as_the_input(lang):
    """'liefert für Eingabe Nr. 1 einen falschen Wert ([-2. , -0.5, ...])' read as if the array
    were the wrong value; it is the input."""
    ex = find("u1_relu_grad")
    payload = ex.collect({ex.answer: lambda z: np.full_like(np.asarray(z, float), 7.0)})
    message = ex.judge(payload, lang=lang).message
    assert message.startswith(START[lang] + SHOWN[lang]), message
    assert not re.search(r"\d\. ,", message), message  # numpy's padded "2. ," in a line
    hidden = ex.judge(ex.collect({ex.answer: lambda z: z * 0 + 7.0}, hidden=True), hidden=True,
                      lang=lang).message
    assert hidden == START[lang]  # a hidden input is not shown
