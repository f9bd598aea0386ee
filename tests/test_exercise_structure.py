"""Every registered exercise (workbook.checks.registry(): all unit sources) has the same structure:
its answer and test cells, hints in both languages, typical mistakes that fail with their hint, and
blank answers that fail. The unit files (tests/test_unitN_exercises.py) test the values and maths.
"""

import re

import pytest
from fixtures.answers import judge, wrong_namespace

from workbook import checks
from workbook.glossary import violations
from workbook.source import BEGIN, BEGIN_HIDDEN, END, END_HIDDEN, LANGS, flatten

EXERCISES = checks.registry()
CELLS = {ex.id: flatten(m.CELLS) for m in checks.unit_modules() for ex in m.EXERCISES}
MISTAKES = [(ex.id, m.name) for ex in EXERCISES.values() for m in ex.mistakes]
SOLUTION = re.compile(f"{BEGIN}.*?{END}", re.DOTALL)


def cells_of(exercise_id):
    """The answer cell and the cell after it (the test cell)."""
    cells = CELLS[exercise_id]
    answers = [k for k, c in enumerate(cells) if (c.nbgrader or {}).get("grade_id") == exercise_id]
    assert len(answers) == 1, f"{exercise_id}: {len(answers)} answer cells"
    return cells[answers[0]], cells[answers[0] + 1] if answers[0] + 1 < len(cells) else None


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_answer_cell_carries_the_exercise_id_and_names_the_answer(exercise_id):
    ex = EXERCISES[exercise_id]
    answer, _ = cells_of(exercise_id)
    assert answer.cell_type == "code"
    assert answer.nbgrader["solution"] and not answer.nbgrader["grade"]
    assert not answer.nbgrader["locked"]
    src = answer.text("en")
    assert answer.text("de") == src
    assert src.count(BEGIN) == src.count(END) >= 1
    student = SOLUTION.sub("", src)  # what the released notebook keeps
    assert re.search(rf"\b{re.escape(ex.answer)}\b", student), (
        f"{exercise_id}: the student's cell does not name {ex.answer!r}")


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_test_cell_follows_with_the_check_and_points(exercise_id):
    _, test = cells_of(exercise_id)
    assert test is not None and test.cell_type == "code"
    meta = test.nbgrader
    assert meta["grade_id"] == f"{exercise_id}_check"
    assert meta["grade"] and meta["locked"] and not meta["solution"]
    assert isinstance(meta["points"], int) and meta["points"] > 0
    for lang in LANGS:
        assert test.text(lang) == (f'check("{exercise_id}")\n{BEGIN_HIDDEN}\n'
                                   f'check("{exercise_id}", hidden=True)\n{END_HIDDEN}')


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_hints_and_options_are_in_both_languages(exercise_id):
    ex = EXERCISES[exercise_id]
    assert ex.mistakes, f"{exercise_id} has no typical mistake"
    names = [m.name for m in ex.mistakes]
    assert len(names) == len(set(names))
    texts = [m.hint for m in ex.mistakes] + list((ex.options or {}).values())
    for text in texts:
        assert set(text) == set(LANGS)
        assert all(text[lang].strip() for lang in LANGS)
        assert text["de"] != text["en"], f"{exercise_id}: {text['en']!r} is not translated"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_german_hints_and_options_use_the_glossary(exercise_id):
    ex = EXERCISES[exercise_id]
    texts = [m.hint["de"] for m in ex.mistakes] + [o["de"] for o in (ex.options or {}).values()]
    assert not [(text[:40], v) for text in texts for v in violations(text)]  # and "Sie"


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES.values() if e.kind == "choice"])
def test_choice_mistakes_are_other_options(exercise_id):
    ex = EXERCISES[exercise_id]
    assert all(m.wrong in ex.options and m.wrong != ex.expected for m in ex.mistakes)


@pytest.mark.parametrize("exercise_id, name", MISTAKES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_mistake_fails_with_its_hint(exercise_id, name, lang):
    ex = EXERCISES[exercise_id]
    mistake = next(m for m in ex.mistakes if m.name == name)
    result = judge(ex, wrong_namespace(ex, mistake), hidden=True, lang=lang)
    assert not result.passed
    assert result.hint == mistake.hint[lang]
    assert result.mistake == mistake.name  # what the misconception report counts


@pytest.mark.parametrize("exercise_id", EXERCISES)
@pytest.mark.parametrize("blank", ["missing", None, ..., "", "   "])
def test_blank_answers_fail(exercise_id, blank):
    ex = EXERCISES[exercise_id]
    ns = {} if blank == "missing" else {ex.answer: blank}
    assert not judge(ex, ns).passed


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES.values() if e.kind == "function"])
def test_a_stub_function_is_not_implemented_yet(exercise_id):
    ex = EXERCISES[exercise_id]
    result = judge(ex, {ex.answer: lambda *args: None})
    assert not result.passed and "not implemented" in result.message
