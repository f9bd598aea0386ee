"""workbook.i18n: language switch, tr, and numbers with a decimal comma in German."""

import subprocess
import sys

import numpy as np
import pytest

from workbook.i18n import fmt, get_language, message, set_language, tr


def test_default_language_is_english_in_a_fresh_process():
    out = subprocess.run(
        [sys.executable, "-c", "from workbook.i18n import get_language, tr; "
         "print(get_language(), tr(de='Gewicht', en='weight'))"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.split() == ["en", "weight"]


def test_tr_follows_the_language():
    set_language("de")
    assert get_language() == "de"
    assert tr(de="Gewicht", en="weight") == "Gewicht"
    set_language("en")
    assert tr(de="Gewicht", en="weight") == "weight"


@pytest.mark.parametrize("bad", ["fr", "DE", "german", "", None, 1])
def test_unknown_language_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="'de' or 'en'"):
        set_language(bad)
    assert get_language() == "en"  # unchanged


def test_tr_needs_both_languages_by_name():
    with pytest.raises(TypeError):
        tr(de="nur Deutsch")
    with pytest.raises(TypeError):
        tr("Gewicht", "weight")


def test_fmt_english_uses_a_point_and_a_real_minus():
    assert fmt(-1.9) == "\u22121.90"
    assert fmt(0.12345, 3) == "0.123"
    assert fmt(2.5, 0) == "2"  # Python rounds half to even
    assert fmt(1234.5, 1) == "1234.5"


def test_fmt_german_uses_a_decimal_comma():
    set_language("de")
    assert fmt(-1.9) == "\u22121,90"
    assert fmt(0.5, 1) == "0,5"
    assert "." not in fmt(1234.5678, 2)


def test_fmt_never_shows_minus_zero():
    assert fmt(-0.001) == "0.00"
    assert fmt(-0.4, 0) == "0"
    assert fmt(-0.006) == "\u22120.01"


def test_fmt_accepts_numpy_scalars():
    assert fmt(np.float32(0.25)) == "0.25"
    assert fmt(np.array(-3.0)) == "\u22123.00"


def test_message_reads_the_table_in_the_language():
    table = {"shape": ("Falsche Form: {got}.", "Wrong shape: {got}.")}
    assert message(table, "shape", "de", got=(2, 3)) == "Falsche Form: (2, 3)."
    assert message(table, "shape", "en", got=(2, 3)) == "Wrong shape: (2, 3)."
    set_language("de")
    assert message(table, "shape", got=1) == "Falsche Form: 1."
    set_language("en")
    with pytest.raises(KeyError):
        message(table, "form", "de")


def _tables():
    from autograder import execute, misconceptions, verdict
    from workbook import exercise, symbolic

    return {"exercise.MESSAGES": exercise.MESSAGES, "symbolic._MSG": symbolic._MSG,
            "execute.TEXT": execute.TEXT, "verdict.TEXT": verdict.TEXT,
            "verdict.KERNEL_ERRORS": verdict.KERNEL_ERRORS,
            "misconceptions.TEXT": misconceptions.TEXT}


@pytest.mark.parametrize("name", list(_tables()))
def test_every_message_table_is_key_to_german_and_english(name):
    import string

    for key, texts in _tables()[name].items():
        assert isinstance(texts, tuple) and len(texts) == 2, key
        de, en = texts
        assert de.strip() and en.strip() and de != en, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in texts]
        assert fields[0] == fields[1], key  # the same placeholders in both languages
