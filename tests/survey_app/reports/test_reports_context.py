"""The report context: plain data, texts in the report's language, never NaN, withheld cells never shown."""

import json
import math
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app.reports.context import Formats, city_context, comparison_context, level_of
from survey_app.reports.values import construct_mean, num

DAY = date(2025, 11, 14)
NAN = re.compile(r"\b(nan|inf|none)\b", re.IGNORECASE)


def _plain(value, path="context"):
    """Every value is a str, int, float (finite), bool, None, list or dict of those."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), path
            _plain(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _plain(v, f"{path}[{i}]")
    elif isinstance(value, float):
        assert math.isfinite(value), path
    else:
        assert value is None or isinstance(value, str | int | bool), f"{path}: {type(value).__name__}"


@pytest.mark.parametrize("lang, expected", [("ru", "43,1"), ("kk", "43,1"), ("en", "43.1")])
def test_numbers_follow_the_language(lang, expected):
    assert Formats(lang).number(43.1) == expected


def test_formats_never_show_nan(app_ctx):
    f = Formats("en")
    for bad in (None, float("nan"), float("inf"), "abc", True):
        assert f.number(bad) == "no data"
        assert f.share(bad) == "no data"
    assert f.signed(2.34) == "+2.3" and f.signed(-0.5) == "−0.5" and f.signed(0) == "±0.0"
    assert f.interval(1, None) == ""
    assert num("12.5") == 12.5 and num(float("nan")) is None


def test_levels_at_the_edges():
    assert [level_of(v) for v in (39.99, 40, 59.99, 60, None)] == ["low", "medium", "medium", "high", None]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_context_is_plain_data_in_the_language(app_ctx, results, lang):
    for result in results.all_results():
        context = city_context(result, lang, generated=DAY, with_charts=False)
        _plain(context)
        text = json.dumps(context, ensure_ascii=False)
        assert not NAN.search(text)
        assert context["lang"] == lang
    titles = {s["id"]: s["title"] for s in context["sections"]}
    expected = {"kk": "Ұсынымдар", "ru": "Рекомендации", "en": "Recommendations"}[lang]
    assert titles["recommendations"] == expected


def test_summary_says_first_round_or_change(app_ctx, results):
    first = city_context(results.city_result("ayagoz-2025"), "en", generated=DAY, with_charts=False)
    assert any("first assessment round" in p for p in first["summary"])
    later = city_context(results.city_result("shu-2025"), "en", generated=DAY, with_charts=False)
    assert any("rose by 2.3 points" in p for p in later["summary"])
    ru = city_context(results.city_result("shu-2025"), "ru", generated=DAY, with_charts=False)
    assert any("вырос на 2,3 балла" in p for p in ru["summary"])


def test_missing_dimension_is_named_not_zero(app_ctx, results):
    context = city_context(results.city_result("ayagoz-2025"), "en", generated=DAY, with_charts=False)
    row = next(r for r in context["dimensions"]["rows"] if r["code"] == "environmental_sustainability")
    assert row["missing"] and row["score"] == "no data" and "two thirds" in row["note"]
    assert any("not enough data to score 1 dimension" in p for p in context["summary"])


def test_withheld_cell_never_carries_its_value(app_ctx, results):
    result = results.city_result("shalkar-2025")
    # Even if a suppressed cell wrongly carried a score, it must not reach the report.
    result["constructs"]["trust"]["international"]["score"] = 12.34
    context = city_context(result, "en", generated=DAY, with_charts=False)
    text = json.dumps(context, ensure_ascii=False)
    assert "12.34" not in text and "12.3" not in text
    cell = next(c for c in context["engagement"]["rows"][1]["cells"] if c["group"] == "international")
    assert cell["withheld"] and cell["score"] == "withheld" and cell["reason"] == "fewer than 5 respondents"
    # The group-balanced mean leaves the withheld group out.
    shown = [v["score"] for g, v in result["constructs"]["trust"].items() if g != "international"]
    assert construct_mean(result, "trust") == pytest.approx(sum(shown) / len(shown))
    # Its exact n is not printed in the annex either.
    group = next(g for g in context["annex"]["groups"] if g["label"] == "International partners")
    assert group["n"] == "< 5"


def test_empty_or_broken_results_do_not_crash(app_ctx):
    for broken in ({}, {"scri": None, "dimensions": None, "constructs": "x", "network": [], "refstd": 5},
                   {"scri": {"score": float("nan")}, "dimensions": {"governance": {"score": float("nan")}}}):
        for lang in ("kk", "ru", "en"):
            context = city_context(broken, lang, generated=DAY)
            _plain(context)
            assert not context["scri"]["available"]
            assert not NAN.search(json.dumps(context))
    context = city_context({}, "en", generated=DAY)
    assert all(row["note"] == "not assessed in this round" for row in context["dimensions"]["rows"])
    assert not context["refstd"]["available"] and not context["network"]["available"]


def test_real_analysis_shape_is_understood(app_ctx, results):
    result = results.analysis_result("shalkar-2025")
    context = city_context(result, "en", generated=DAY, with_charts=False)
    _plain(context)
    assert context["scri"]["score"] == Formats("en").number(result["scri"]["score"])
    rows = context["dimensions"]["rows"]
    assert all(row["indicators"] for row in rows if not row["missing"])
    assert context["annex"]["alpha_matrix"]["rows"]
    assert any(w["label"].startswith("Design effect") for w in context["annex"]["weights"])
    engagement = context["engagement"]["rows"][0]
    assert engagement["overall"] == Formats("en").number(result["pooled"]["public_engagement"]["score"])


def test_comparison_ranks_and_stability(app_ctx, results):
    res = results.all_results()
    context = comparison_context(res, results.comparison(res), "en", generated=DAY, with_charts=False)
    _plain(context)
    assert [c["name"] for c in context["ranked"]] == ["Shu", "Ayagoz", "Shalkar"]
    assert context["ranked"][0]["stability"] == "97%"
    assert any("Public-private partnership" in p for p in context["summary"])
    # Without the Monte Carlo, ranks still come from the scores.
    context = comparison_context(res, None, "ru", generated=DAY, with_charts=False)
    assert [c["rank"] for c in context["ranked"]] == ["1", "2", "3"]
    assert context["ranked"][0]["stability"] == "нет данных"


_values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 200),
                    st.text(max_size=5), st.booleans())
_cells = st.one_of(_values, st.fixed_dictionaries({}, optional={
    "score": _values, "ci95": st.one_of(_values, st.lists(_values, max_size=3)), "n": _values,
    "suppressed": st.booleans(), "alpha": _values}))
_results = st.fixed_dictionaries({}, optional={
    "scri": st.one_of(_values, st.fixed_dictionaries({}, optional={"score": _values, "level": st.text(max_size=8),
                                                                     "coverage": _values})),
    "dimensions": st.one_of(_values, st.dictionaries(st.sampled_from(["governance", "economic_potential", "x"]),
                                                     st.one_of(_values, st.fixed_dictionaries({}, optional={
                                                         "score": _values, "coverage": _values, "weight": _values,
                                                         "label": st.one_of(_values, st.fixed_dictionaries(
                                                             {"en": st.text(max_size=10)}))})), max_size=3)),
    "constructs": st.dictionaries(st.sampled_from(["trust", "legal_clarity"]),
                                  st.dictionaries(st.sampled_from(["residents", "academia", "nobody"]), _cells,
                                                  max_size=3), max_size=2),
    "network": st.one_of(_values, st.fixed_dictionaries({}, optional={"density": _values,
                                                                       "isolated_sectors": st.lists(_values,
                                                                                                    max_size=2)})),
    "refstd": st.one_of(_values, st.fixed_dictionaries({}, optional={"ct_percent": _values, "areas": st.dictionaries(
        st.sampled_from(["health", "ict", "moon"]), _values, max_size=2)})),
    "previous": st.one_of(_values, st.fixed_dictionaries({}, optional={"round": _values, "scri": st.fixed_dictionaries(
        {}, optional={"score": _values})})),
    "sensitivity": st.one_of(_values, st.fixed_dictionaries({}, optional={"score_p05": _values, "score_p95": _values})),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(result=_results, lang=st.sampled_from(["kk", "ru", "en"]))
def test_any_partial_result_gives_plain_text_without_nan(app_ctx, result, lang):
    context = city_context(result, lang, generated=DAY, with_charts=False)
    _plain(context)
    assert not NAN.search(json.dumps(context, ensure_ascii=False))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(results=st.lists(_results, max_size=3), lang=st.sampled_from(["kk", "ru", "en"]))
def test_any_partial_results_compare_without_nan(app_ctx, results, lang):
    for i, result in enumerate(results):
        result["round"] = f"r{i}"
    context = comparison_context(results, {"ranking": {"cities": [{"round": "r0", "rank": 1, "rank_stability": 0.5}]}},
                                 lang, generated=DAY, with_charts=False)
    _plain(context)
    assert not NAN.search(json.dumps(context, ensure_ascii=False))
