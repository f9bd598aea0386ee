"""The notebook language: German or English.

Every text a student sees goes through ``tr``; every number a student sees goes through ``fmt``
(German uses a decimal comma).

Example::

    from workbook.i18n import set_language, tr, fmt
    set_language("de")
    tr(de="Gewicht", en="weight")   # -> "Gewicht"
    fmt(-1.9)                        # -> "−1,90"
"""

LANGUAGES = ("de", "en")

_language = "en"


def set_language(language):
    """Set the language of all texts and numbers: ``"de"`` or ``"en"``."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'de' or 'en', not {language!r}")
    _language = language


def get_language():
    """The current language: ``"de"`` or ``"en"`` (default ``"en"``)."""
    return _language


def tr(*, de, en):
    """The text in the current language: ``tr(de="Gewicht", en="weight")``."""
    return de if _language == "de" else en


def message(table, key, lang=None, **kw):
    """The text ``table[key]`` in ``lang`` (default: the current language), formatted with ``kw``.

    Every message table is ``{key: (German, English)}``::

        TEXT = {"shape": ("Falsche Form: {got}.", "Wrong shape: {got}.")}
        message(TEXT, "shape", "de", got=(2, 3))   # -> "Falsche Form: (2, 3)."

    A module binds its table once: ``_msg = functools.partial(message, TEXT)``.

    Raises KeyError for an unknown key.
    """
    de, en = table[key]
    return (de if (lang or _language) == "de" else en).format(**kw)


def fmt(x, digits=2):
    """A number as displayed text: a fixed number of digits, a real minus sign "−",
    and a decimal comma in German.

    >>> fmt(-1.9)          # English
    '−1.90'
    """
    text = f"{float(x):.{digits}f}"
    if text.lstrip("-").strip("0.") == "":  # -0.00 is shown as 0.00
        text = text.lstrip("-")
    text = text.replace("-", "\u2212")
    if _language == "de":
        text = text.replace(".", ",")
    return text
