"""``timestamp.txt`` as platforms and people write it -> one time in UTC for nbgrader.

nbgrader reads ``timestamp.txt`` with dateutil and stops the whole submission on a text it
cannot parse (``get_existing_timestamp``), and it reads a time-zone name it does not know
(``CET``) as UTC. So the grader reads the file first (:func:`read`) and hands nbgrader an ISO
time with its offset. Understood, in German and English:

* ISO 8601 and nbgrader's own format: ``2025-02-05T23:59:00+01:00``, ``2025-02-05 23:59:00.5 UTC``;
* ``date`` (any locale, also ``-R`` and ``-I``): ``Wed Feb  5 23:59:00 CET 2025``,
  ``Mi 5. Feb 23:59:00 CET 2025``, ``Wed, 05 Feb 2025 23:59:00 +0100``;
* Moodle's dates: ``Mittwoch, 5. Februar 2025, 23:59``, ``Wednesday, 5 February 2025, 11:59 PM``;
* ILIAS's dates: ``05. Feb 2025, 23:59``, ``05.02.2025 23:59``, ``2025-02-05 23:59``, ``Uhr``;
* the zones UTC/GMT/Z, CET/MEZ, CEST/MESZ, WET/WEST, EET/EEST and numeric offsets.

The rule for a time without a zone: it is local time of the machine that grades (its ``TZ``; Moodle
and ILIAS show local times). A text that is not a time, lacks the year, the date or the time ("5.
Feb, 23:59"), names a relative day ("Heute, 23:59"), or has a date like ``05/02/2025`` that reads
as 5 February and as 2 May, is not guessed: the submission is graded without a submission time
(nbgrader counts it as on time) and the reason goes to the instructor (review.csv, the run's
summary).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import dateutil.parser
import dateutil.tz

GERMAN = {  # German words of dates -> English (whole words; longest first)
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday",
    "donnerstag": "thursday", "freitag": "friday", "samstag": "saturday",
    "sonnabend": "saturday", "sonntag": "sunday", "mo": "mon", "di": "tue", "mi": "wed",
    "do": "thu", "fr": "fri", "sa": "sat", "so": "sun", "januar": "january",
    "jänner": "january", "februar": "february", "märz": "march", "maerz": "march",
    "mär": "mar", "mai": "may", "juni": "june", "juli": "july", "oktober": "october",
    "okt": "oct", "dezember": "december", "dez": "dec", "uhr": "", "um": "",
}
ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 1, "CET": 1, "MEZ": 1,
         "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3}
RELATIVE = re.compile(r"\b(heute|gestern|morgen|today|yesterday|tomorrow)\b", re.I)
SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")  # US or British order
DEFAULTS = (datetime(2000, 1, 1, 0, 0), datetime(2001, 2, 2, 1, 1))
DOTTED = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b")  # German order: 05.02.2025


def _english(text):
    words = re.compile(r"(?<![\w])(" + "|".join(sorted(GERMAN, key=len, reverse=True))
                       + r")\.?(?![\w])", re.I)
    return words.sub(lambda m: GERMAN[m[1].lower()], text)


def read(text, local=None):
    """``(iso, note)``: the time in ``text`` as ISO 8601 in UTC (``2025-02-05T22:59:00+00:00``)
    and "", or None and why it is not read (see the module docstring). ``local``: the zone of a
    time without one (default: this machine's)."""
    text = " ".join(text.split())
    if not text:
        return None, "timestamp.txt is empty"
    shown = text[:60]
    if RELATIVE.search(text):
        return None, f"timestamp.txt names a relative day ({shown!r}), not a date"
    slashed = SLASHED.search(text)
    if slashed and int(slashed[1]) <= 12 and int(slashed[2]) <= 12 and slashed[1] != slashed[2]:
        return None, (f"timestamp.txt is ambiguous ({shown!r}: day/month or month/day)")
    tzinfos = {name: timezone(timedelta(hours=h)) for name, h in ZONES.items()}
    try:  # twice, with other defaults: a part that is not written (the year) is not guessed
        when, other = (dateutil.parser.parse(
            _english(text).replace(",", " "), tzinfos=tzinfos, default=default,
            dayfirst=bool(DOTTED.search(text))) for default in DEFAULTS)
    except (ValueError, OverflowError) as err:
        return None, f"timestamp.txt is not a time nbgrader can use ({shown!r}: {err})"[:200]
    if when.replace(second=0, microsecond=0) != other.replace(second=0, microsecond=0):
        return None, f"timestamp.txt lacks the year, the date or the time ({shown!r})"
    if when.tzinfo is None:
        when = when.replace(tzinfo=local or dateutil.tz.tzlocal())
    return when.astimezone(timezone.utc).isoformat(), ""


UNREAD = ("graded without a submission time (nbgrader counts it as on time); check the time "
          "by hand")  #: what happens to a submission whose timestamp.txt is not read
