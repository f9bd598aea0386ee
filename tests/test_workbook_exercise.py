"""Exercise.collect/judge, check() and the decimal-comma warning."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from workbook import checks
from workbook.answer import MAX_ELEMENTS
from workbook.checks import registry
from workbook.exercise import Exercise, Mistake, Result, encode, hint
from workbook.setup import decimal_commas

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import pilot_unit  # noqa: E402

PILOT = {ex.id: ex for ex in pilot_unit.EXERCISES}


def judge(exercise_id, value, hidden=False, lang="en", seed=3):
    ex = PILOT[exercise_id]
    payload = ex.collect({ex.answer: value}, seed=seed, hidden=hidden)
    json.dumps(payload, allow_nan=False)  # the payload is plain JSON
    return ex.judge(payload, seed=seed, hidden=hidden, lang=lang)


def right_answer(ex):
    """What a student who got it right would define (sympy objects as such)."""
    return ex.expected if ex.kind in ("function", "choice") else ex.expected()


def mistaken_answer(ex, mistake):
    return mistake.wrong if ex.kind in ("function", "choice") else mistake.wrong()


def relu_grad(z):
    return (np.asarray(z) > 0).astype(float)


# ---------------------------------------------------------------- the pilot: each kind
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("exercise_id, value", [
    ("u0_step", 0.3), ("u0_step", np.float32(0.3)), ("u0_step", np.array(0.3)),
    ("u0_relu_grad", relu_grad),
    ("u0_sigmoid_grad", "exp(-z)/(1+exp(-z))^2"),
    ("u0_sigmoid_grad", sp.exp(-sp.Symbol("z")) / (1 + sp.exp(-sp.Symbol("z"))) ** 2),
    ("u0_dead", "b"), ("u0_dead", " B "),
])
def test_right_answers_pass(exercise_id, value, hidden, lang):
    result = judge(exercise_id, value, hidden, lang)
    assert result.passed and result.message == {"de": "Richtig.", "en": "Correct."}[lang]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_mistakes_fail_with_their_hint(lang):
    for ex in PILOT.values():
        for m in ex.mistakes:
            result = judge(ex.id, mistaken_answer(ex, m), hidden=True, lang=lang)
            assert not result.passed and result.hint == m.hint[lang], (ex.id, m.name)
            assert result.mistake == m.name, (ex.id, m.name)  # the misconception report


@pytest.mark.parametrize("exercise_id, value, mistake", [
    ("u0_step", 0.123, ""), ("u0_relu_grad", lambda z: z * 7.0, ""),
    ("u0_sigmoid_grad", "z**3", ""), ("u0_sigmoid_grad", "exp(-z", None),
    ("u0_step", None, None), ("u0_step", (1.0, 2.0), None), ("u0_dead", "c", None),
    ("u0_relu_grad", lambda z: np.zeros(3), None), ("u0_relu_grad", relu_grad, None),
])
def test_a_wrong_answer_names_no_mistake_and_an_unreadable_one_is_no_wrong_answer(
        exercise_id, value, mistake):
    """``mistake``: "" for a wrong answer that matched no typical mistake, None for a right,
    missing or not comparable one (these are no misconceptions)."""
    assert judge(exercise_id, value, hidden=True).mistake == mistake


def test_relu_at_zero_is_caught_only_by_the_hidden_edge_cases():
    wrong = PILOT["u0_relu_grad"].mistakes[0].wrong
    assert judge("u0_relu_grad", wrong).passed  # random visible inputs never hit 0
    assert judge("u0_relu_grad", wrong, hidden=True).hint.startswith("What is the derivative")


def test_a_wrong_function_names_the_failing_input_only_when_visible():
    visible, hidden = judge("u0_relu_grad", lambda z: z), judge("u0_relu_grad", lambda z: z, True)
    assert "input no. 1. Input no. 1: " in visible.message
    assert hidden.message == "Your function returns a wrong value for input no. 1."


@pytest.mark.parametrize("value", [(0, 3), (0, 30)])
def test_decimal_comma_tuple(value):
    result = judge("u0_step", value, lang="de")
    assert not result.passed and "„w = 0,1“" in result.hint and "0.1" in result.hint


def test_decimal_comma_in_an_array_answer():
    ex = Exercise("a", "v", "value", expected=lambda: np.array([0.1, 0.2]))
    result = ex.judge(ex.collect({"v": (0, 1, 0, 2)}))
    assert not result.passed and "tuple" in result.hint


@pytest.mark.parametrize("exercise_id, value, words", [
    ("u0_step", None, "No answer yet"), ("u0_step", ..., "No answer yet"),
    ("u0_step", float("nan"), "NaN"), ("u0_step", float("inf"), "NaN"),
    ("u0_step", [0.3, 0.3], "Wrong shape"), ("u0_step", "0.3", "Expected a number"),
    ("u0_step", np.zeros(MAX_ELEMENTS + 1), "too large"),
    ("u0_relu_grad", lambda z: None, "not implemented"),
    ("u0_relu_grad", None, "No answer yet"),
    ("u0_relu_grad", 0.5, "should be a function"),
    ("u0_relu_grad", lambda z: 1 / 0, "ZeroDivisionError"),
    ("u0_relu_grad", lambda z: np.zeros(3), "Wrong shape"),
    ("u0_relu_grad", lambda z: z / 0.0 * 0.0, "NaN"),
    ("u0_sigmoid_grad", None, "No answer yet"), ("u0_sigmoid_grad", "exp(-z", "'('"),
    ("u0_dead", "c", "Choose one of the options a, b"), ("u0_dead", 1, "Choose one"),
])
def test_generic_mistakes(exercise_id, value, words):
    result = judge(exercise_id, value)
    assert not result.passed and words in f"{result.message} {result.hint}"


def test_not_implemented_error_and_missing_answer():
    def stub(z):
        raise NotImplementedError()

    assert "not implemented" in judge("u0_relu_grad", stub).message
    ex = PILOT["u0_step"]
    assert "not defined yet" in ex.judge(ex.collect({}), lang="en").message


def test_the_student_function_cannot_change_the_cases():
    def mutating(z):
        z[...] = 1.0
        return relu_grad(z)

    assert not judge("u0_relu_grad", mutating).passed
    assert judge("u0_relu_grad", relu_grad).passed


@pytest.mark.parametrize("de, en", [("", "Watch the sign."), ("Vorzeichen prüfen.", " "),
                                    ("Vorzeichen prüfen.", None)])
def test_a_hint_needs_both_languages(de, en):
    with pytest.raises(ValueError):
        hint(de=de, en=en)


def test_hints_never_reveal_the_expected_value():
    for value in (0.7, (0, 3), None, [1.0, 2.0], "x"):
        result = judge("u0_step", value, lang="de")
        assert "0.3" not in str(result) and "0,3" not in str(result)


def test_result_prints_as_a_verdict():
    assert str(Result(True, "Correct.")) == "✔ Correct."
    assert str(Result(False, "Not right yet.", "Hint.")) == "✘ Not right yet. Hint."


def test_function_results_can_be_tuples_with_none():
    ex = Exercise("t", "f", "function", expected=lambda x: (x, 2 * x, None),
                  cases=lambda rng, hidden: [(rng.normal(size=3),)])
    assert ex.judge(ex.collect({"f": lambda x: [x, 2 * x, None]})).passed
    assert not ex.judge(ex.collect({"f": lambda x: (x, x, None)})).passed


# ---------------------------------------------------------------- hostile payloads
GOOD = {"kind": "value", "answer": {"t": "num", "v": 0.3}}
HOSTILE = [
    None, [], "0.3", 0.3, {"kind": "value"}, {"kind": "function", "answer": GOOD["answer"]},
    {**GOOD, "extra": 1}, {"kind": "value", "answer": 0.3},
    {"kind": "value", "answer": {"t": "num", "v": "__import__('os').system('touch pwn')"}},
    {"kind": "value", "answer": {"t": "num", "v": "0.3"}},
    {"kind": "value", "answer": {"t": "num", "v": True}},
    {"kind": "value", "answer": {"t": "num", "v": 10**400}},
    {"kind": "value", "answer": {"t": "num", "v": float("nan")}},
    {"kind": "value", "answer": {"t": "num", "v": 0.3, "x": 1}},
    {"kind": "value", "answer": {"t": "eval", "v": "0.3"}},
    {"kind": "value", "answer": {"t": "array", "shape": [10**9], "v": [0.3], "seq": None,
                                 "ints": False}},
    {"kind": "value", "answer": {"t": "array", "shape": [2], "v": [0.3], "seq": None,
                                 "ints": False}},
    {"kind": "value", "answer": {"t": "array", "shape": [], "v": [[0.3]], "seq": None,
                                 "ints": False}},
    {"kind": "value", "answer": {"t": "array", "shape": [MAX_ELEMENTS * 10],
                                 "v": [0.0] * MAX_ELEMENTS * 10, "seq": None, "ints": False}},
    {"kind": "value", "answer": {"t": "array", "shape": [-1], "v": [], "seq": None,
                                 "ints": False}},
    {"kind": "value", "answer": {"t": "str", "v": "x" * 10**6}},
    {"kind": "value", "answer": {"t": "big", "size": "many"}},
]


def _nested(depth):
    enc = {"t": "none"}
    for _ in range(depth):
        enc = {"t": "seq", "items": [enc, enc]}
    return enc


HOSTILE += [{"kind": "value", "answer": _nested(50)},
            {"kind": "value", "answer": {"t": "seq", "items": [{"t": "none"}] * 10**6}}]


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_payloads_fail_without_raising(payload, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a payload that ran would leave a file here
    result = PILOT["u0_step"].judge(payload, lang="de")
    assert isinstance(result, Result) and not result.passed and not list(tmp_path.iterdir())


@pytest.mark.parametrize("results", [
    "all right", [None], [{"t": "num", "v": 1.0}] * 10**4,
    [{"t": "error", "type": 5, "msg": ""}, {"t": "num", "v": 0}],
    [{"t": "array", "shape": [5], "v": ["1"] * 5, "seq": None, "ints": False}] * 2,
    [{"t": "callable"}, {"t": "callable"}], {"t": "callable"}, {"t": "num", "v": 1},
])
def test_hostile_function_payloads(results):
    payload = {"kind": "function", "results": results}
    result = PILOT["u0_relu_grad"].judge(payload, seed=3)
    assert isinstance(result, Result) and not result.passed


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch pwn')", "open('pwn', 'w')",
    "z.__class__.__mro__", "(lambda: 1)()", "9**9**9**9", "(" * 500 + "z" + ")" * 500,
])
def test_expression_payloads_are_never_executed(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = {"kind": "expression", "answer": {"t": "str", "v": text}}
    result = PILOT["u0_sigmoid_grad"].judge(payload, lang="en")
    assert not result.passed and not list(tmp_path.iterdir())


def test_encode_is_bounded_and_json():
    assert encode(np.zeros(MAX_ELEMENTS + 1)) == {"t": "big", "size": MAX_ELEMENTS + 1}
    assert encode([np.zeros(2), None])["t"] == "seq"
    assert encode(object())["t"] == "other"
    assert encode((0, 1)) == {"t": "array", "shape": [2], "v": [0.0, 1.0], "seq": "tuple",
                              "ints": True}
    assert encode(float("-inf"))["v"] == "-inf"


def test_exercise_definitions_are_validated():
    with pytest.raises(ValueError):
        Exercise("x", "x", "number", expected=lambda: 1)
    with pytest.raises(ValueError):
        Exercise("x", "f", "function", expected=abs)
    with pytest.raises(ValueError):
        Exercise("x", "c", "choice", expected="z", options={"a": {}})
    assert Mistake("m", lambda: 1, {"de": "", "en": ""}).name == "m"


# ---------------------------------------------------------------- check() and the record
def test_check_prints_and_raises(monkeypatch, capsys):
    monkeypatch.setenv(checks.EXTRA_VARIABLE, "pilot_unit")
    namespace = {"check": checks.check, "w_new": 0.3}
    exec('check("u0_step")', namespace)
    assert capsys.readouterr().out.startswith("✔")
    namespace["w_new"] = 0.7
    with pytest.raises(checks.WrongAnswer, match="sign") as raised:
        exec('check("u0_step", hidden=True)', namespace)
    assert capsys.readouterr().out == ""  # the ✘ line is the exception's, shown once
    assert raised.value._render_traceback_() == [str(raised.value)]
    assert str(raised.value).startswith("✘ ") and isinstance(raised.value, AssertionError)


def test_unknown_exercise():
    with pytest.raises(KeyError):
        checks.find("u9_nothing")


# ---------------------------------------------------------------- decimal commas in cells
@pytest.mark.parametrize("cell, found", [
    ("w = 0,1", [("w", "0,1")]), ("x = -0,5\ny = 2", [("x", "-0,5")]),
    ("lr = 0,05", [("lr", "0,05")]), ("w = 1,5  # Gewicht", [("w", "1,5")]),
    ("w = 0.1", []), ("shape = 2, 3", []), ("a, b = 0,1", []), ("t = (0,1)", []),
    ("f(0,1)", []), ("%matplotlib inline", []), ("x = 1,5e-3", [("x", "1,5e-3")]),
    ("w = 0,1 # Kommentar", [("w", "0,1")]), ("z = 0,1 * 20", [("z", "0,1 * 20")]),
    ('s = "0,1"', []), ("a = (1, 2)", []), ("y = f(1,5)", []), ("if w == 0,1:\n    pass", []),
    ("def f():\n    w = 0,1\n", [("w", "0,1")]),
])
def test_decimal_comma_warning(cell, found):
    assert decimal_commas(cell) == found


@pytest.mark.parametrize("cell, lang, words", [
    ("z = 0,1 * 20  # Gewicht\nw = 0.1", "de",
     ["In „z = 0,1 * 20“ ist das Komma in „0,1“ für Python kein Dezimalkomma, es trennt zwei "
      "Werte: „z“ wird ein Tupel", "„z = 0.1 * 20“"]),
    ("z = 0,1 * 20  # Gewicht\nw = 0.1", "en",
     ["in 'z = 0,1 * 20', Python does not read the comma in '0,1' as a decimal comma; it "
      "separates two values, so 'z' becomes a tuple", "'z = 0.1 * 20'"]),
    # 0,05 is no tuple: Python stops at the 05 (leading zero)
    ("w = 0,05", "de", ["keine gültige Zahl: Die Zelle bricht mit einem SyntaxError ab",
                        "„w = 0.05“"]),
    ("w = 0,05", "en", ["not a valid number, so the cell stops with a SyntaxError",
                        "'w = 0.05'"])])
def test_decimal_comma_warning_text(cell, lang, words, capsys):
    from workbook.i18n import get_language, set_language
    from workbook.setup import warn_decimal_commas

    before = get_language()
    set_language(lang)
    try:
        warn_decimal_commas(cell)
    finally:
        set_language(before)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and all(w in printed for w in words), printed
    assert ("Tupel" in printed or "tuple" in printed) == ("0,1" in cell), printed


# ---------------------------------------------------------------- every unit's exercises
UNIT_EXERCISES = registry()


@pytest.mark.parametrize("exercise_id", sorted(UNIT_EXERCISES))
def test_unit_exercise_reference_passes_and_mistakes_get_their_hints(exercise_id):
    ex = UNIT_EXERCISES[exercise_id]
    for hidden in (False, True):
        payload = ex.collect({ex.answer: right_answer(ex)}, seed=5, hidden=hidden)
        json.dumps(payload, allow_nan=False)
        assert ex.judge(payload, seed=5, hidden=hidden, lang="de").passed, hidden
    for lang in ("de", "en"):
        assert ex.judge(ex.collect({}), lang=lang).message.startswith(("„", "'"))  # not defined yet
    for m in ex.mistakes:
        payload = ex.collect({ex.answer: mistaken_answer(ex, m)}, seed=5, hidden=True)
        for lang in ("de", "en"):
            result = ex.judge(payload, seed=5, hidden=True, lang=lang)
            assert not result.passed and result.hint == m.hint[lang], m.name


# ---------------------------------------------------------------- numbers of any type, habits
def test_numbers_of_any_type_are_judged_by_value():
    from fractions import Fraction

    ex = registry()["u2_derivative_at_2"]  # 12
    x = sp.Symbol("x")
    for value in (12, 12.0, np.int8(12), np.int64(12), np.float16(12), np.float32(12),
                  sp.Integer(12), (3 * x**2).subs(x, 2), sp.Float(12), Fraction(24, 2),
                  __import__("decimal").Decimal("12.0"), np.array(12.0)):
        assert ex.judge(ex.collect({ex.answer: value}), lang="en").passed, type(value)
    assert not ex.judge(ex.collect({ex.answer: sp.Rational(4, 3)}), lang="en").passed
    assert registry()["u1_z_cs1"].judge(registry()["u1_z_cs1"].collect(
        {"z_cs1": np.float32(-1.9)}), lang="en").passed


@pytest.mark.parametrize("source, words", [
    ("z_cs1 = 0.1 * 1 + −0.1 * 20", ("−", "minus")),
    ("z_cs1 = 0,1 * 1 + (-0,1) * 20", ("decimal comma", "0,1")),
    ("z_cs1 = 0.1 × 1 - 0.1 × 20", ("×", "Multiply")),
    ("z_cs1 = 0.1*x₁ + w₂*x₂", ("sub- or superscript",)),
    ("z_cs1 = $0.1 \\cdot 1$", ("LaTeX",))])
def test_an_answer_cell_stopped_by_a_habit_names_it(source, words):
    ex = registry()["u1_z_cs1"]
    namespace = {"In": ["", "import numpy as np", source]}
    assert not ex.judge(ex.collect(namespace), lang="de").passed
    result = ex.judge(ex.collect(namespace), lang="en")
    assert all(w in str(result) for w in words), str(result)
    assert "Run your answer cell" not in str(result)


@pytest.mark.parametrize("line, value, de, en", [
    ("z_cs2 = 1,0", (1, 0), "trennt das Komma in „1,0“ zwei Werte. Schreiben Sie "
     "Dezimalzahlen mit Punkt: 1.0 statt 1,0.", "the comma in '1,0' separates two values. "
     "Write decimal numbers with a point: 1.0, not 1,0."),
    ("z_cs2 = 1,0 # Ergebnis", (1, 0), "„1,0“", "'1,0'"),
    ("z_cs2 = 1,5e-3", (1, 0.005), "1.5e-3 statt 1,5e-3", "1.5e-3, not 1,5e-3"),
    ("z_cs2 = -0,5", (0, 5), "-0.5 statt -0,5", "-0.5, not -0,5"),
    ("z_cs2 = (1, 0)", (1, 0), "„z_cs2“ ist ein Tupel mit 2 Werten, erwartet wird eine Zahl.",
     "'z_cs2' is a tuple of 2 values; a single number is expected."),
    ("z_cs2 = 0.5,", (0.5,), "Steht am Zeilenende ein Komma?",
     "Is there a comma at the end of the line?")])
def test_a_tuple_for_a_number_is_explained_by_its_line(line, value, de, en):
    """The kernel's history has the answer's line: the hint names its decimal comma, or none."""
    ex = registry()["u1_z_cs2"]
    payload = ex.collect({"In": ["", line], "z_cs2": value})
    json.dumps(payload, allow_nan=False)
    for lang, words in (("de", de), ("en", en)):
        result = ex.judge(payload, lang=lang)
        assert not result.passed and words in str(result), str(result)
    if "Tupel mit" in de:
        assert "Dezimal" not in str(ex.judge(payload, lang="de"))


def test_a_tuple_for_a_number_gets_the_decimal_comma_hint():
    ex = registry()["u1_z_cs2"]
    result = ex.judge(ex.collect({"z_cs2": (0, 2.0, 0, 1.0)}), lang="de")
    assert "Dezimalzahlen mit Punkt" in str(result)
