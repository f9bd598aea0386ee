"""``collect``: a Moodle or ILIAS "download all submissions" -> nbgrader's submitted layout.

``collect(source, assignment, roster, out)`` reads a zip or an unpacked folder, maps every file
to a student of the roster and writes ``OUT/<student id>/<assignment>/<notebook>.ipynb``. Every
file of the download is accounted for: collected (``OUT-collected.csv``) or listed with the
reason in ``OUT-unmatched.csv``; so is every roster student of whom no notebook was collected
(source ``roster: <id> (<name>)``), who also has a row without notebook and source in
``OUT-collected.csv``, so that ``export`` lists every roster student. The download itself is only
read. Zip entry names are read in the encoding their archiver used (:func:`zip_names`).

The download formats, as the platforms write them:

* Moodle, assignment "Download all submissions" (mod/assign/locallib.php,
  ``assign::download_submissions``): per participant a folder
  ``<full name>_<participant id>_assignsubmission_file_/<file>`` (Moodle 4.1 and later without
  the last ``_``), or flat files ``<full name>_<participant id>_assignsubmission_file_<file>``
  when "Download submissions in folders" is off. Underscores in the name became spaces, a group
  assignment writes ``<group>-<full name>``, blind marking ``Participant``. The participant id
  belongs to the assignment, not to the user: it is the number in the "Identifier" column of the
  assignment's grading worksheet ("Participant 104233"), the best roster for Moodle.
* ILIAS, exercise "Download all submissions" (Modules/Exercise,
  ``ilExSubmission::getDirectoryNameFromUserData``): per user a folder
  ``<last name>_<first name>_<login>_<user id>`` (made ASCII by ``ilFileUtils::getASCIIFilename``:
  „Ähnlich" is written ``Aehnlich``), under ``<exercise>/<assignment>/Abgaben/`` or directly.

File names are parsed with nbgrader's ``FileNameCollectorPlugin`` (the ``zip_collect`` plugin,
nbgrader/plugins/zipcollect.py) and a named regular expression per platform.

The roster is a CSV file exported from the platform (comma or semicolon separated, UTF-8 with or
without BOM, or Windows-1252): Moodle's grading worksheet or participants/grades export, or
ILIAS's member list. Columns are recognised by their German or English titles (:data:`COLUMNS`).
A student's id in the nbgrader layout is the matriculation number (ID number) if the roster has
one, else the login (username), else the e-mail address; it must follow
:data:`autograder.validate.NAME_RULE`.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder import csvfile
from autograder.language import instructor_language
from autograder.validate import NAME, NAME_RULE
from workbook.i18n import message

PLATFORMS = ("moodle", "ilias")
# Named expressions for nbgrader's FileNameCollectorPlugin (student_id: the platform's number)
PATTERNS = {
    "moodle": r"(?:[^/]*/)*?(?P<first_name>[^/]*)_(?P<student_id>\d+)_assignsubmission_"
              r"(?P<plugin>[a-z]+)(?:_?/|_)(?P<file_id>.+)",
    "ilias": r"(?:[^/]*/)*?(?P<folder>[^/]*_(?P<student_id>\d+))/(?P<file_id>[^/]+)",
}
COLUMNS = {  # roster field -> column titles (compared case-insensitively)
    "name": ("full name", "vollständiger name", "name"),
    "first": ("first name", "vorname", "firstname"),
    "last": ("last name", "surname", "nachname", "lastname"),
    "email": ("email address", "e-mail-adresse", "email", "e-mail"),
    "idnumber": ("id number", "id-nummer", "matrikelnummer", "matriculation number",
                 "matrikel-nr.", "matrikel"),
    "login": ("username", "anmeldename", "benutzername", "login"),
    "participant": ("identifier", "bezeichner", "kennung"),  # Moodle "Participant 104233"
    "usr_id": ("usr_id", "user id", "benutzer-id"),
}
ID_FIELDS = ("idnumber", "login", "email")
COLLECTED = ("student", "assignment", "notebook", "platform", "platform_id", "folder", "source",
             "name", "first", "last", "email", "idnumber", "login")  # OUT-collected.csv
IGNORED = ("__MACOSX/", ".DS_Store", "Thumbs.db")
ILIAS_TIMESTAMP = re.compile(r"^\d{14}_")  # ILIAS prefixes a stored file with its upload time
TEXT = {  # key: (German, English); the reasons in OUT-unmatched.csv and on screen
    "roster": ("Teilnehmerliste: {reason}", "roster: {reason}"),
    "row": ("{path} Zeile {n}", "{path} row {n}"),
    "no_id": ("keine Matrikelnummer, kein Login und keine E-Mail-Adresse",
              "no matriculation number, login or e-mail address"),
    "bad_id": ("Kennung {sid!r} folgt nicht der Regel {rule}",
               "id {sid!r} does not follow the rule {rule}"),
    "system": ("Systemdatei des Packprogramms", "system file of the archiver"),
    "not_notebook": ("kein Notebook (.ipynb)", "not a notebook (.ipynb)"),
    "format": ("der Pfad hat nicht das Download-Format von {platform} ({pattern})",
               "the path is not in {platform}'s download format ({pattern})"),
    "twice": ("der Name {name!r} steht {n}-mal in der Teilnehmerliste (nehmen Sie die "
              "Bewertungstabelle als Liste: ihre Spalte Bezeichner hat die Teilnehmernummern)",
              "the name {name!r} occurs {n} times in the roster (use the grading worksheet as "
              "roster: its Identifier column has the participant numbers)"),
    "no_participant": ("keine Zeile der Liste mit Teilnehmernummer {number} oder dem Namen "
                       "{name!r}", "no roster row with participant number {number} or the name "
                       "{name!r}"),
    "no_user": ("keine Zeile der Liste mit Benutzer-ID {number} oder einem Login in {folder!r}",
                "no roster row with user id {number} or a login in {folder!r}"),
    "several": ("mehrere Notebooks von {sid}; bewertet wird nur {notebook}.ipynb",
                "several notebooks of student {sid}; only {notebook}.ipynb is graded"),
    "several_none": ("mehrere Notebooks von {sid}, keines heißt {notebook}.ipynb: benennen Sie "
                     "das zu bewertende um", "several notebooks of student {sid}, none named "
                     "{notebook}.ipynb: rename the one to grade"),
    "exists": ("{target} gibt es schon mit anderem Inhalt (nicht überschrieben)",
               "{target} exists with other content (not overwritten)"),
    "absent": ("von dieser Person wurde kein Notebook eingesammelt (nichts abgegeben, oder eine "
               "Datei oben ließ sich nicht zuordnen)", "no notebook of this student was collected "
               "(nothing submitted, or a file above that could not be matched)"),
}
_msg = functools.partial(message, TEXT)


def normal(name):
    """A name for comparison: NFC, case-folded, ``_`` as space, single spaces."""
    name = unicodedata.normalize("NFC", name).replace("_", " ")
    return " ".join(name.casefold().split())


@dataclass
class Student:
    id: str
    fields: dict  # roster field -> value
    row: dict  # the roster row as exported


@dataclass
class Roster:
    students: list
    problems: list = field(default_factory=list)  # (row number, reason)

    def by(self, key, value):
        """Students whose ``key`` field equals ``value`` (names compared with :func:`normal`)."""
        want = normal(value) if key == "name" else value.strip()
        return [s for s in self.students if s.fields.get(key)
                and (normal(s.fields[key]) if key == "name" else s.fields[key]) == want]


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_roster(path, lang="en"):
    """The :class:`Roster` of a platform's CSV export (see the module docstring); its problems
    in ``lang``."""
    text = _decode(Path(path).read_bytes())
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    titles = {(t or "").strip().casefold(): t for t in (rows[0].keys() if rows else [])}
    where = {key: next((titles[t] for t in names if t in titles), None)
             for key, names in COLUMNS.items()}
    roster = Roster([])
    for n, row in enumerate(rows, start=2):
        # a field a spreadsheet neutralised ('=1+41) is the name =1+41
        fields = {k: csvfile.original((row.get(col) or "").strip())
                  for k, col in where.items() if col}
        if not fields.get("name") and (fields.get("first") or fields.get("last")):
            fields["name"] = f"{fields.get('first', '')} {fields.get('last', '')}".strip()
        if fields.get("participant"):
            fields["participant"] = "".join(re.findall(r"\d+", fields["participant"]))
        sid = next((fields[k] for k in ID_FIELDS if fields.get(k)), "")
        if not sid:
            roster.problems.append((n, _msg("no_id", lang)))
        elif not NAME.fullmatch(sid):
            roster.problems.append((n, _msg("bad_id", lang, sid=sid, rule=NAME_RULE)))
        else:
            roster.students.append(Student(sid, fields, dict(row)))
    return roster


def lists(out):
    """``(collected.csv, unmatched.csv)``: the lists next to the folder ``out``. collected.csv
    keeps the rows of the other assignments collected into ``out``; unmatched.csv is this run's."""
    out = Path(out)
    return Path(f"{out}-collected.csv"), Path(f"{out}-unmatched.csv")


def files_of(source, stack):
    """``[(relative POSIX path (NFC), read())]`` of a zip file (kept open in the ExitStack
    ``stack``) or a folder."""
    source = Path(source)
    if source.is_dir():
        return [(unicodedata.normalize("NFC", p.relative_to(source).as_posix()), p.read_bytes)
                for p in sorted(source.rglob("*")) if p.is_file() and not p.is_symlink()]
    archive = stack.enter_context(zipfile.ZipFile(source))
    infos = [info for info in archive.infolist() if not info.is_dir()]
    return [(unicodedata.normalize("NFC", name), lambda info=info: archive.read(info))
            for name, info in zip(zip_names(infos), infos, strict=True)]


UTF8_FLAG = 0x800  # general purpose bit 11 of a zip entry: the name is UTF-8
OEM_CODE_PAGES = ("cp437", "cp850")  # the zip standard's; Windows' "compressed folder" in Germany


def zip_names(infos):
    """The names of the zip entries ``infos``, decoded as their archiver wrote them.

    A name with the UTF-8 flag is UTF-8 (Python decodes it). Without the flag Python decodes it
    as CP437, the zip standard's code page; but Info-ZIP on Linux and macOS writes UTF-8 without
    the flag, and Windows' "compressed folder" writes the OEM code page of the system (CP850 in
    Germany). So an unflagged name is UTF-8 if its bytes are valid UTF-8 (a CP437 name with
    umlauts practically never is); else CP437 or CP850, whichever reads more of the archive's
    unflagged names as letters (where they differ, CP437 has box-drawing characters and CP850
    accented letters; umlauts, ß and é are the same in both)."""
    raw = {info.filename: info.filename.encode("cp437") for info in infos
           if not info.flag_bits & UTF8_FLAG}
    legacy = set()  # the names that are not UTF-8
    for data in raw.values():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            legacy.add(data)
    page = max(OEM_CODE_PAGES, key=lambda page: sum(  # CP437 when equal
        c.isalpha() for data in legacy for c in data.decode(page)))

    def name(info):
        data = raw.get(info.filename)
        if data is None:
            return info.filename
        return data.decode("utf-8") if data not in legacy else data.decode(page)

    return [name(info) for info in infos]


def detect(paths):
    """``"moodle"`` or ``"ilias"``: the platform whose format most file paths match."""
    counts = {p: sum(bool(re.fullmatch(PATTERNS[p], path)) for path in paths) for p in PLATFORMS}
    return max(PLATFORMS, key=lambda p: counts[p])  # Moodle first when equal


def _match(platform, parsed, roster, lang):
    """``(student, reason)`` for the parsed path of one file (the reason in ``lang``)."""
    number = parsed["student_id"]
    if platform == "moodle":
        found = roster.by("participant", number)
        if found:
            return found[0], ""
        name = parsed["first_name"]
        found = roster.by("name", name)
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _msg("twice", lang, name=name, n=len(found))
        return None, _msg("no_participant", lang, number=number, name=name)
    found = roster.by("usr_id", number)
    if found:
        return found[0], ""
    folder = parsed["folder"]
    found = [s for s in roster.students if s.fields.get("login")
             and folder.endswith(f"_{s.fields['login']}_{number}")]
    if len(found) == 1:
        return found[0], ""
    return None, _msg("no_user", lang, number=number, folder=folder)


@dataclass
class Collected:
    rows: list  # dicts: student, assignment, notebook, platform, platform_id, folder, source
    unmatched: list  # dicts: source, reason


def collect(source, assignment, roster_path, out, notebook, platform=None):
    """Collect the download ``source`` for ``assignment`` (whose notebook is ``notebook``.ipynb);
    writes OUT/<student>/<assignment>/<notebook>.ipynb, OUT-collected.csv, OUT-unmatched.csv."""
    with contextlib.ExitStack() as stack:
        return _collect(files_of(source, stack), assignment, roster_path, out, notebook,
                        platform)


def _collect(files, assignment, roster_path, out, notebook, platform):
    from nbgrader.plugins import FileNameCollectorPlugin

    lang = instructor_language()
    roster = read_roster(roster_path, lang)
    platform = platform or detect([p for p, _ in files])
    parser = FileNameCollectorPlugin(named_regexp=PATTERNS[platform], valid_ext=[".ipynb"])
    parser.log = logging.getLogger("autograder.collect")
    result = Collected([], [{"source": _msg("row", lang, path=roster_path, n=n),
                             "reason": _msg("roster", lang, reason=reason)}
                            for n, reason in roster.problems])
    candidates = {}  # student id -> [(path, parsed, read)]
    for path, read in files:
        name = PurePosixPath(path).name
        if any(path.startswith(i) or name == i for i in IGNORED):
            result.unmatched.append({"source": path, "reason": _msg("system", lang)})
        elif not name.lower().endswith(".ipynb"):
            result.unmatched.append({"source": path, "reason": _msg("not_notebook", lang)})
        elif (parsed := parser.collect(path)) is None:
            result.unmatched.append({"source": path, "reason": _msg(
                "format", lang, platform=platform, pattern=PATTERNS[platform])})
        else:
            student, reason = _match(platform, parsed, roster, lang)
            if student is None:
                result.unmatched.append({"source": path, "reason": reason})
            else:
                candidates.setdefault(student.id, []).append((path, parsed, read, student))
    out = Path(out)
    for sid, found in sorted(candidates.items()):
        chosen = _choose(found, notebook)
        for path, *_ in found:
            if chosen is None or path != chosen[0]:
                reason = _msg("several" if chosen else "several_none", lang, sid=sid,
                              notebook=notebook)
                result.unmatched.append({"source": path, "reason": reason})
        if chosen is None:
            continue
        path, parsed, read, student = chosen
        target = out / sid / assignment / f"{notebook}.ipynb"
        data = read()
        if target.exists() and target.read_bytes() != data:
            result.unmatched.append({"source": path, "reason": _msg("exists", lang,
                                                                    target=target)})
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        folder = parsed.get("folder") or (f"{parsed['first_name']}_{parsed['student_id']}"
                                          f"_assignsubmission_{parsed['plugin']}")
        result.rows.append({"student": sid, "assignment": assignment, "notebook": notebook,
                            "platform": platform, "platform_id": parsed["student_id"],
                            "folder": folder, "source": path,
                            **{k: student.fields.get(k, "") for k in COLLECTED[7:]}})
    collected = {r["student"] for r in result.rows}
    absent = [s for s in roster.students if s.id not in collected]
    result.unmatched += [{"source": f"roster: {s.id} ({s.fields.get('name', '')})",
                          "reason": _msg("absent", lang)}
                         for s in absent]
    number = "participant" if platform == "moodle" else "usr_id"  # the platform's, if known
    no_notebook = [{"student": s.id, "assignment": assignment, "notebook": "",
                    "platform": platform, "platform_id": s.fields.get(number, ""), "folder": "",
                    "source": "", **{k: s.fields.get(k, "") for k in COLLECTED[7:]}}
                   for s in absent]
    collected_csv, unmatched_csv = lists(out)
    earlier = []  # rows of other assignments collected into the same OUT before
    if collected_csv.exists():
        earlier = [r for r in csvfile.read(collected_csv) if r.get("assignment") != assignment]
    out.parent.mkdir(parents=True, exist_ok=True)
    csvfile.write(collected_csv, COLLECTED, earlier + result.rows + no_notebook)
    csvfile.write(unmatched_csv, ["source", "reason"], result.unmatched)
    return result


def _choose(found, notebook):
    """The one notebook to grade of a student's files, or None."""
    if len(found) == 1:
        return found[0]
    named = [f for f in found if ILIAS_TIMESTAMP.sub("", PurePosixPath(f[0]).name)
             == f"{notebook}.ipynb"]
    return named[0] if len(named) == 1 else None
