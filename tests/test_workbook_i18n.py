"""workbook.i18n: language switch, tr, and numbers with a decimal comma in German."""

import subprocess
import sys

import numpy as np
import pytest

from workbook.i18n import fmt, get_language, set_language, tr


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
