"""docs/seed-coverage.md maps every sub-question of every seed to grade ids of the units.

The map cannot drift silently: every grade id it names must exist in the unit sources, every grade
id of every unit must be named at least once, and each row's unit column must match its ids."""

import re
from pathlib import Path

import pytest

from workbook.checks import unit_modules
from workbook.source import flatten

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "seed-coverage.md"
SEEDS = {"000", "001", "002", "003", "004"}
COLUMNS = ["Seed", "Stelle", "Teilfrage", "Einheit", "Grade-IDs", "Prüfung"]
ID = re.compile(r"`(u\d+_[a-z0-9_]+)`")
KIND_WORD = {"value": "Wert", "function": "Funktion", "expression": "Ausdruck",
             "choice": "Auswahl"}


def _cells(line):
    """The cells of a Markdown table row (``\\|`` is a literal bar, not a separator)."""
    parts = re.split(r"(?<!\\)\|", line.strip())
    return [p.strip() for p in parts[1:-1]]


def parse_table(text):
    """The rows of the table under "## Zuordnung": dicts with seed, unit (set of ints), ids
    (list of grade ids) and check (the "Prüfung" text)."""
    section = text.split("## Zuordnung", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    header = _cells(lines[0])
    if [h.split(" ")[0] for h in header] != COLUMNS:
        raise ValueError(f"unexpected table header: {header}")
    rows = []
    for line in lines[2:]:
        seed, _, _, unit, ids, check = _cells(line)
        rows.append({"seed": seed, "unit": {int(u) for u in re.findall(r"\d+", unit)},
                     "ids": ID.findall(ids), "check": check, "line": line})
    return rows


def unit_grade_ids():
    """Unit number -> every nbgrader grade id of that unit's cells."""
    return {m.UNIT.number: {c.nbgrader["grade_id"] for c in flatten(m.CELLS) if c.nbgrader}
            for m in unit_modules()}


def unknown_ids(rows, known):
    """Grade ids named in ``rows`` that no unit has."""
    every = set().union(*known.values())
    return {i for row in rows for i in row["ids"] if i not in every}


def unmapped_ids(rows, known):
    """Grade ids of the units that no row names."""
    named = {i for row in rows for i in row["ids"]}
    return set().union(*known.values()) - named


def wrong_units(rows, known):
    """Rows whose unit column does not name exactly the units of their (known) grade ids."""
    unit_of = {i: n for n, ids in known.items() for i in ids}
    return [row["line"] for row in rows
            if row["ids"] and {unit_of[i] for i in row["ids"] if i in unit_of} != row["unit"]]


def wrong_checks(rows):
    """Rows whose "Prüfung" column does not name the kind of every exercise in them."""
    kinds = {ex.id: ex.kind for m in unit_modules() for ex in m.EXERCISES}
    manual = {c.nbgrader["grade_id"] for m in unit_modules() for c in flatten(m.CELLS)
              if c.nbgrader and c.cell_type == "markdown" and c.nbgrader["solution"]}
    bad = []
    for row in rows:
        words = {KIND_WORD[kinds[i]] for i in row["ids"] if i in kinds}
        words |= {"manuell" for i in row["ids"] if i in manual}
        if not all(w in row["check"] for w in words):
            bad.append(row["line"])
    return bad


@pytest.fixture(scope="module")
def rows():
    return parse_table(DOC.read_text())


@pytest.fixture(scope="module")
def known():
    return unit_grade_ids()


def test_every_named_grade_id_exists(rows, known):
    assert unknown_ids(rows, known) == set()


def test_every_grade_id_of_every_unit_is_mapped(rows, known):
    assert unmapped_ids(rows, known) == set()


def test_unit_column_matches_the_grade_ids(rows, known):
    assert wrong_units(rows, known) == []


def test_check_column_names_the_kind(rows):
    assert wrong_checks(rows) == []


def test_every_seed_has_rows_and_only_known_seeds(rows):
    assert {row["seed"] for row in rows} == SEEDS
    assert all(row["ids"] or row["check"] for row in rows)


# ---------------------------------------------------------------- the checks can fail
TABLE = """# x

## Zuordnung

| Seed | Stelle | Teilfrage | Einheit | Grade-IDs | Prüfung |
|---|---|---|---|---|---|
| 000 | Z. 1, a) | $\\|z\\|$ | 1 | `u1_relu_grad`, `u1_bogus_id` | Funktion |
| 000 | Z. 2, b) | b | 2 | `u1_dz_dw2` | Ausdruck |
| 000 | Z. 3, d) | d | 1 | `u1_dead_choice` | manuell |

## Danach

| 001 | Z. 9 | not part of the map | 4 | `u4_nothing` | Wert |
"""


def test_parser_reads_rows_and_escaped_bars():
    parsed = parse_table(TABLE)
    assert [r["ids"] for r in parsed] == [["u1_relu_grad", "u1_bogus_id"], ["u1_dz_dw2"],
                                         ["u1_dead_choice"]]
    assert parsed[0]["unit"] == {1} and parsed[0]["check"] == "Funktion"


def test_bogus_and_missing_ids_are_found(known):
    parsed = parse_table(TABLE)
    assert unknown_ids(parsed, known) == {"u1_bogus_id"}
    missing = unmapped_ids(parsed, known)
    assert "u1_dy_dw2" in missing and "u5_2f" in missing and "u1_relu_grad" not in missing


def test_wrong_unit_and_wrong_kind_are_found(known):
    parsed = parse_table(TABLE)
    assert wrong_units(parsed, known) == [parsed[1]["line"]]
    assert wrong_checks(parsed) == [parsed[2]["line"]]  # a choice, not "manuell"


def test_a_wrong_header_is_rejected():
    with pytest.raises(ValueError):
        parse_table(TABLE.replace("| Einheit |", "| Unit |"))
