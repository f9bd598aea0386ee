"""The answer protocol (workbook.answer): names, hidden regions, encode/validate, the collection
function, and one answer sent by the kernel and read back by the grader."""

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from workbook import answer, source
from workbook.answer import PayloadError, collect, encode, read_payload, records, validate
from workbook.exercise import Exercise

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import pilot_unit  # noqa: E402

PILOT = {ex.id: ex for ex in pilot_unit.EXERCISES}


def relu_grad(z):
    return (np.asarray(z) > 0).astype(float)


# ---------------------------------------------------------------- names and hidden regions
def test_check_cell_names():
    assert source.check_id("u1_relu_grad") == "u1_relu_grad_check"
    assert source.exercise_id("u1_relu_grad_check") == "u1_relu_grad"
    assert source.exercise_id("u1_relu_grad") is None
    assert source.exercise_id(None) is None


def test_strip_hidden():
    source = ('check("u1_a")\n### BEGIN HIDDEN TESTS\ncheck("u1_a", hidden=True)\n'
              "### END HIDDEN TESTS\nprint(1)\n")
    assert answer.strip_hidden(source) == 'check("u1_a")\nprint(1)\n'
    assert answer.strip_hidden(source, "# (removed)\n") == 'check("u1_a")\n# (removed)\nprint(1)\n'
    assert answer.strip_hidden("a = 1\n") == "a = 1\n"


# ---------------------------------------------------------------- encode and validate
def test_dict_answers_travel_as_dicts():
    enc = encode({"w1": 0.5, 2: [1.0, 2.0], "name": "x"})
    assert enc == {"t": "dict", "items": [
        ["w1", {"t": "num", "v": 0.5}],
        ["2", {"t": "array", "shape": [2], "v": [1.0, 2.0], "seq": "list", "ints": False}],
        ["name", {"t": "str", "v": "x"}]]}
    assert validate(json.loads(json.dumps(enc))) == enc
    assert encode({k: 0 for k in range(answer.MAX_ITEMS + 1)}) == {"t": "other", "type": "dict"}


@pytest.mark.parametrize("enc", [
    {"t": "dict", "items": {"a": {"t": "num", "v": 1.0}}},
    {"t": "dict", "items": [["a"]]},
    {"t": "dict", "items": [[1, {"t": "num", "v": 1.0}]]},
    {"t": "dict", "items": [["a" * 101, {"t": "num", "v": 1.0}]]},
    {"t": "dict", "items": [["a", {"t": "num", "v": "1"}]]},
    {"t": "dict", "items": [["a", {"t": "none"}]] * (answer.MAX_ITEMS + 1)},
    {"t": "dict", "items": [], "extra": 1},
])
def test_malformed_dicts_are_rejected(enc):
    with pytest.raises(PayloadError):
        validate(enc)


def test_read_payload():
    assert read_payload({"kind": "value", "answer": {"t": "num", "v": 1.0}}, "value") == {
        "t": "num", "v": 1.0}
    results = [{"t": "num", "v": 1.0}, {"t": "error", "type": "ValueError", "msg": "no"}]
    assert read_payload({"kind": "function", "results": results}, "function") == results
    assert read_payload({"kind": "function", "results": {"t": "none"}}, "function") == {"t": "none"}
    for bad, kind in [({"kind": "value", "answer": {"t": "num", "v": 1.0}}, "choice"),
                      ({"kind": "value", "answer": {"t": "num", "v": 1.0}, "x": 1}, "value"),
                      ({"kind": "function", "results": [{"t": "none"}] * 201}, "function"),
                      ({"kind": "function", "results": "rm -rf"}, "function"),
                      ([], "value")]:
        with pytest.raises(PayloadError):
            read_payload(bad, kind)


# ---------------------------------------------------------------- the collection function
def test_collect_a_value_and_an_expression():
    assert collect("value", "w", {"w": 0.25}) == {"kind": "value",
                                                  "answer": {"t": "num", "v": 0.25}}
    import sympy as sp

    x = sp.Symbol("x")
    assert collect("expression", "e", {"e": 3 * x**2}) == {
        "kind": "expression", "answer": {"t": "str", "v": "3*x**2"}}


def test_collect_a_missing_answer_with_its_habit():
    assert collect("value", "w", {}) == {"kind": "value", "answer": {"t": "missing"}}
    payload = collect("function", "f", {"In": ["", "def f(x):\n    return x × 2"]})
    assert payload == {"kind": "function",
                       "results": {"t": "missing", "habit": {"kind": "times", "char": "×"}}}


# one line of a student's code -> the decimal comma in it (the one definition, workbook.answer)
DECIMAL_COMMAS = [
    ("w = 0,1", "0,1"), ("w = -0,5", "-0,5"), ("x = 1,5e-3", "1,5e-3"), ("lr = 0,05", "0,05"),
    ("w = 0,1 # Kommentar", "0,1"), ("z = 0,1 * 20", "0,1"), ("z = 2 * -0,1", "-0,1"),
    ("a = 1,2", "1,2"),  # a tuple written without a space: most likely meant 1.2
    ("f(1,5)", None), ("y = f(1,5)", None), ("W[0,1] = 3", None), ("y = W[0,1]", None),
    ("a = (1, 2)", None), ("a = 1, 2", None), ("t = (0,1)", None), ("v = [0,1]", None),
    ('s = "0,1"', None), ("s = '0,1 m'", None), ("w = 0.1  # nicht 0,1", None),
    ("w = 0.1", None), ("n = x1,x2", None), ("w = 0,1.5", None),
]


@pytest.mark.parametrize("line, comma", DECIMAL_COMMAS)
def test_decimal_comma_in_a_students_line(line, comma):
    assert answer.decimal_comma(line) == comma


@pytest.mark.parametrize("line, comma", DECIMAL_COMMAS)
def test_a_stopped_cell_names_the_decimal_comma_of_its_assignment(line, comma):
    name = line.split("=")[0].strip() if "=" in line and "[" not in line.split("=")[0] else "f"
    habit = answer.input_habit(["", line + "\nundefined_name"], name)
    assert habit == ({"kind": "comma", "char": comma} if comma else None), line


def test_a_tuple_answer_carries_the_decimal_comma_of_its_line():
    history = ["", "w = 0,1  # Gewicht", "a = (1, 2)"]
    assert collect("value", "w", {"In": history, "w": (0, 1)})["answer"]["comma"] == "0,1"
    assert collect("value", "a", {"In": history, "a": (1, 2)})["answer"]["comma"] == ""
    assert "comma" not in collect("value", "w", {"w": (0, 1)})["answer"]  # no history
    assert "comma" not in collect("value", "w", {"In": history, "w": 0.1})["answer"]
    enc = encode((0, 1))
    for comma in ("0,1", ""):
        assert validate(dict(enc, comma=comma))["comma"] == comma
    for comma in (1, None, "0," * 11):
        with pytest.raises(PayloadError):
            validate(dict(enc, comma=comma))


def test_collect_calls_a_function_on_copies_of_the_cases():
    seen = []

    def student(z):
        seen.append(z.copy())
        z[:] = 0  # changes its argument: the next case must not see it
        if seen[-1][0] < 0:
            raise ValueError("negative")
        return z

    case = np.array([1.0, 2.0])
    payload = collect("function", "f", {"f": student}, [(case,), (case,)])
    assert [s.tolist() for s in seen] == [[1.0, 2.0], [1.0, 2.0]]
    assert case.tolist() == [1.0, 2.0]
    assert payload["results"][0]["v"] == [0.0, 0.0]
    payload = collect("function", "f", {"f": student}, [(np.array([-1.0]),)])
    assert payload["results"] == [{"t": "error", "type": "ValueError", "msg": "negative"}]


def test_collect_a_function_answer_that_is_not_a_function():
    assert collect("function", "f", {"f": 3}, [(1,)]) == {"kind": "function",
                                                         "results": {"t": "num", "v": 3.0}}


def test_exercise_collect_is_the_collection_function():
    ex = PILOT["u0_relu_grad"]
    direct = collect("function", "relu_grad", {"relu_grad": relu_grad},
                     ex.case_list(5, hidden=True))
    assert ex.collect({"relu_grad": relu_grad}, seed=5, hidden=True) == direct
    assert ex.judge(direct, seed=5, hidden=True).passed


# ---------------------------------------------------------------- kernel -> grader
@pytest.fixture
def kernel(monkeypatch):
    """A stand-in for the IPython kernel: its namespace and what it displayed."""
    shown, namespace = [], {}
    monkeypatch.setattr("IPython.get_ipython", lambda: SimpleNamespace(user_ns=namespace))
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    return namespace, shown


def test_one_answer_from_the_kernel_to_the_verdict(kernel):
    namespace, shown = kernel
    namespace["relu_grad"] = relu_grad
    ex = PILOT["u0_relu_grad"]
    cases = answer.pack_cases(ex.case_list(99, hidden=True))
    answer.send("u0_relu_grad", "function", "relu_grad", cases)
    (out,) = shown
    assert out["text/plain"] == "[u0_relu_grad]"
    (record,) = records([{"output_type": "display_data", "data": json.loads(json.dumps(out))}])
    assert record == {"exercise": "u0_relu_grad", "payload": record["payload"]}
    assert ex.judge(record["payload"], seed=99, hidden=True).passed
    assert not ex.judge(record["payload"], seed=98, hidden=True).passed  # other cases


def test_cases_with_functions_travel_by_value():
    cases = [(lambda x: 2 * x, 3)]
    import base64
    import pickle

    (fn, x), = pickle.loads(base64.b64decode(answer.pack_cases(cases)))
    assert fn(x) == 6


def test_records_are_read_strictly():
    good = {"exercise": "u0_step", "payload": {"kind": "value", "answer": {"t": "num", "v": 1}},
            "more": ["grad", 3]}
    outputs = [{"output_type": "stream", "text": "✔"},
               {"output_type": "display_data", "data": {answer.ANSWER_MIME: good}},
               {"output_type": "display_data", "data": {answer.ANSWER_MIME: "junk"}},
               {"output_type": "display_data", "data": {answer.ANSWER_MIME: {"exercise": 1}}}]
    assert records(outputs) == [{"exercise": "u0_step", "payload": good["payload"]}, None, None]


# ---------------------------------------------------------------- the normalising hook
class Pair(Exercise):
    """Answers {"a": x, "b": y}; judged as the tuple (x, y)."""

    def normalise(self, enc, lang):
        if enc["t"] != "dict":
            return enc
        values = dict(enc["items"])
        if set(values) != {"a", "b"}:
            msg = "Schlüssel" if lang == "de" else "keys"
            return {"t": "error", "type": "KeyError", "msg": msg}
        return {"t": "array", "shape": [2], "v": [values["a"]["v"], values["b"]["v"]],
                "seq": "tuple", "ints": False}


def test_an_exercise_normalises_its_answers_on_the_trusted_side():
    ex = Pair(id="u0_pair", answer="pair", kind="function", expected=lambda x: (x, 2 * x),
              cases=lambda rng, hidden: [(1.0,), (2.0,)])
    assert ex.judge(ex.collect({"pair": lambda x: {"a": x, "b": 2 * x}})).passed
    assert ex.judge(ex.collect({"pair": lambda x: (x, 2 * x)})).passed
    wrong = ex.judge(ex.collect({"pair": lambda x: {"a": x, "b": x}}))
    assert not wrong.passed and "no. 1" in wrong.message
    keys = ex.judge(ex.collect({"pair": lambda x: {"a": x}}), lang="de")
    assert not keys.passed and "KeyError: Schlüssel" in keys.message


def test_a_dict_is_no_answer_to_a_plain_exercise():
    ex = PILOT["u0_step"]
    result = ex.judge(ex.collect({"w_new": {"w": 0.3}}), lang="en")
    assert not result.passed and "of type dict" in result.message
