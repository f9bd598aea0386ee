"""bench.common: targets are checked the right way round, interleaving alternates the order,
and the results table and JSON carry what the report needs. Nothing timed."""

import json

from bench.common import check, figure, interleave, paired_ratio, table


def test_check_targets():
    assert check(20.0, "<= 20") is True
    assert check(20.1, "<= 20") is False
    assert check(2.5, ">= 2.5") is True
    assert check(0.99, "< 1") is True and check(1.0, "< 1") is False
    assert check(None, "<= 20") is None and check(3.0, None) is None
    assert check(float("nan"), "<= 20") is None


def test_interleave_alternates_the_order():
    calls = []
    times = interleave({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                       rounds=4, calls=2)
    assert calls == ["a", "a", "b", "b", "b", "b", "a", "a"] * 2
    assert {k: len(v) for k, v in times.items()} == {"a": 4, "b": 4}
    assert all(t >= 0 for v in times.values() for t in v)


def test_paired_ratio_is_the_median_of_the_rounds_ratios():
    # round 2 ran in a busy phase that slowed both sides tenfold: the rounds' ratios are
    # 0.5, 0.5, 3, where the ratio of the medians (3 / 2) would mix rounds of different load
    times = {"a": [1.0, 10.0, 3.0], "b": [2.0, 20.0, 1.0]}
    assert paired_ratio(times, "a", "b") == 0.5
    assert paired_ratio(times, "b", "a") == 2.0


def test_figure_record_and_table():
    f = figure("x vs y", 3.0, "x", ">= 2.5", baseline={"name": "y", "value": 30.0, "unit": "ms"})
    g = figure("not measured", None, "ms", "<= 100", note="missing")
    d = json.loads(json.dumps([f.as_dict(), g.as_dict()]))
    assert d[0]["met"] is True and d[0]["baseline"]["name"] == "y" and d[0]["target"] == ">= 2.5"
    assert d[1]["value"] is None and d[1]["met"] is None and d[1]["note"] == "missing"
    for key in ("name", "value", "unit", "target", "met"):
        assert key in d[0] and key in d[1]
    text = table([f, g])
    assert "x vs y" in text and "yes" in text and "y = 30.0 ms" in text
