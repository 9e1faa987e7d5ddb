"""The report context: plain data, texts in the report's language, never NaN, withheld cells never shown."""

import json
import math
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.synthetic import synthetic_round
from instruments.frameworks import parse_framework
from survey_app.reports.context import city_context, comparison_context
from survey_app.reports.formats import Formats, Levels
from survey_app.reports.values import num
from survey_app.services.frames import RoundFrames
from survey_app.services.scoring import compare_results, score_frames

DAY = date(2025, 11, 14)
ROOT = Path(__file__).resolve().parents[3]
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


def test_levels_come_from_the_framework_file(app_ctx):
    levels = Levels("en")
    assert [levels.of(v) for v in (39.99, 40, 59.99, 60, None)] == ["low", "medium", "medium", "high", None]
    assert (levels.weak_below, levels.strong_from) == (40.0, 60.0)
    assert levels.name("medium") == "medium" and Levels("kk").name("high") == "жоғары"
    text = (ROOT / "instruments" / "data" / "scri.yaml").read_text(encoding="utf-8")
    moved = parse_framework(text.replace("from: 40", "from: 45").replace("from: 60", "from: 70"))
    levels = Levels("en", moved)
    assert [levels.of(v) for v in (44.9, 45, 69.9, 70)] == ["low", "medium", "medium", "high"]
    assert (levels.weak_below, levels.strong_from) == (45.0, 70.0)


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
    shu = results.city_result("shu-2025")
    delta = shu["change"]["scri"]
    assert delta > 0 and shu["previous"]["year"] == 2024
    later = city_context(shu, "en", generated=DAY, with_charts=False)
    assert any(f"rose by {Formats('en').number(delta)} points" in p for p in later["summary"])
    ru = city_context(shu, "ru", generated=DAY, with_charts=False)
    assert any(f"вырос на {Formats('ru').number(delta)} балла" in p for p in ru["summary"])


def test_a_dimension_with_too_little_data_is_marked_and_counts_its_gaps_at_worst(app_ctx, results):
    result = results.city_result("ayagoz-2025")
    context = city_context(result, "en", generated=DAY, with_charts=False)
    row = next(r for r in context["dimensions"]["rows"] if r["code"] == "environmental_sustainability")
    assert row["insufficient"] and not row["missing"] and "insufficient data" in row["note"]
    assert row["score"] == Formats("en").number(result["dimensions"]["environmental_sustainability"]["score"])
    assert any("(insufficient data): Environmental sustainability" in p for p in context["summary"])
    assert any("count at their worst goalpost" in p for p in context["summary"])
    reweighted = Formats("en").number(result["scri"]["reweighted_score"])
    assert any(f"the index would be {reweighted}" in p for p in context["summary"])
    assert any(p.startswith("The index is provisional") for p in context["summary"])
    assert context["scri"]["provisional"] and context["scri"]["reweighted"] == reweighted


def test_withheld_cell_never_carries_its_value(app_ctx, results):
    result = results.city_result("shalkar-2025")
    # Even if a suppressed cell wrongly carried a score, it must not reach the report.
    result["constructs"]["trust"]["international"]["score"] = 12.34
    context = city_context(result, "en", generated=DAY, with_charts=False)
    text = json.dumps(context, ensure_ascii=False)
    assert "12.34" not in text and "12.3" not in text
    cell = next(c for c in context["engagement"]["rows"][1]["cells"] if c["group"] == "international")
    assert cell["withheld"] and cell["score"] == "withheld" and cell["reason"] == "fewer than 5 respondents"
    # The group-balanced mean the report shows leaves the withheld group out.
    assert "international" in result["pooled"]["trust"]["excluded"]
    trust = next(r for r in context["engagement"]["rows"] if r["code"] == "trust")
    assert trust["overall"] == Formats("en").number(result["pooled"]["trust"]["score"])
    # Its exact n is not printed in the annex either.
    group = next(g for g in context["annex"]["groups"] if g["label"] == "International partners")
    assert group["n"] == "< 5"


def test_a_round_without_ties_or_indicators_says_so(app_ctx):
    made = synthetic_round({"residents": 30, "business": 6}, readiness=0.4, seed=3)
    frames = RoundFrames(
        round="x-2025",
        city="X",
        year=2025,
        responses=made["responses"],
        answers=made["answers"],
        items=made["items"],
        ties=made["ties"].iloc[0:0],
        actors=made["actors"].iloc[0:0],
        indicators=made["indicators"].iloc[0:0],
        targets=made["targets"],
        counts=made["counts"],
    )
    result = score_frames(frames, city_names={"en": "X"}, status="open", k_min=5, n_boot=0, n_draws=50)
    for lang in ("kk", "ru", "en"):
        context = city_context(result, lang, generated=DAY)
        _plain(context)
        assert context["scri"]["available"] and context["scri"]["provisional"]
        assert not NAN.search(json.dumps(context))
    context = city_context(result, "en", generated=DAY)
    rows = {row["code"]: row for row in context["dimensions"]["rows"]}
    # no city data: each of its values counts at the worst goalpost, the dimension says it has too little data
    assert rows["economic_potential"]["insufficient"] and "two thirds" in rows["economic_potential"]["note"]
    assert rows["economic_potential"]["score"] == "0.0"
    assert not context["refstd"]["available"] and not context["network"]["available"]
    assert any("have no value" in p for p in context["summary"])


def test_real_analysis_shape_is_understood(app_ctx, results):
    result = results.city_result("shalkar-2025")
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
    compared = results.comparison()
    context = comparison_context(compared, "en", generated=DAY, with_charts=False)
    _plain(context)
    assert [c["name"] for c in context["ranked"]] == ["Shu", "Ayagoz", "Shalkar"]
    shu = next(c for c in compared["ranking"]["cities"] if c["city"] == "Shu")
    assert context["ranked"][0]["stability"] == Formats("en").share(shu["rank_stability"])
    assert context["ranked"][0]["range"] == Formats("en").interval(shu["p05"], shu["p95"])
    assert any(p.startswith("Ayagoz: ") and "worst goalpost" in p for p in context["summary"])
    assert any(p.startswith("Shu: The level is") and "What moves the index most" in p for p in context["summary"])
    assert context["mc"] == {"n": "1,000", "noise": "25%"}


_sizes = st.fixed_dictionaries(
    {"residents": st.integers(6, 60)},
    optional={"business": st.integers(1, 12), "academia": st.integers(1, 8), "international": st.integers(1, 8)},
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=_sizes,
    readiness=st.floats(0.05, 0.95),
    keep=st.floats(0.0, 1.0),
    seed=st.integers(0, 10_000),
    lang=st.sampled_from(["kk", "ru", "en"]),
)
def test_any_real_result_gives_plain_text_without_nan(app_ctx, sizes, readiness, keep, seed, lang):
    """Real results of any size (small groups withheld, indicators missing at random) read as plain text."""
    made = synthetic_round(sizes, readiness=readiness, seed=seed)
    indicators = made["indicators"].sample(frac=keep, random_state=seed)
    frames = RoundFrames(
        round="r-2025",
        city="R",
        year=2025,
        responses=made["responses"],
        answers=made["answers"],
        items=made["items"],
        ties=made["ties"],
        actors=made["actors"],
        indicators=indicators,
        targets=made["targets"],
        counts=made["counts"],
        census_margins=made["census_margins"],
    )
    result = score_frames(frames, city_names={"en": "R"}, status="open", k_min=5, n_boot=20, n_draws=50)
    context = city_context(result, lang, generated=DAY, with_charts=False)
    _plain(context)
    assert not NAN.search(json.dumps(context, ensure_ascii=False))
    other = score_frames(frames, city_names={"en": "Q"}, status="open", k_min=5, n_boot=0, n_draws=50)
    other["round"] = "q-2025"
    context = comparison_context(compare_results([result, other]), lang, generated=DAY, with_charts=False)
    _plain(context)
    assert not NAN.search(json.dumps(context, ensure_ascii=False))


def test_every_unreliable_alpha_carries_its_caution(app_ctx, results):
    result = results.city_result("shu-2025")
    context = city_context(result, "en", generated=DAY, with_charts=False)
    flagged = {
        (code, group)
        for code, cells in result["constructs"].items()
        for group, cell in cells.items()
        if cell.get("alpha_flag")
    }
    assert flagged
    annex_flags = [c["flag"] for row in context["annex"]["alpha_matrix"]["rows"] for c in row["cells"] if c.get("flag")]
    assert len(annex_flags) == len(flagged)
    cells = [c for row in context["engagement"]["rows"] + context["governance"]["rows"] for c in row["cells"]]
    assert any(c.get("caution", "").startswith("low reliability (α ") for c in cells)


def test_the_opinion_side_shows_both_sides_and_names_the_largest_gaps(app_ctx, results):
    shu = city_context(results.city_result("shu-2025"), "en", generated=DAY)
    opinion = shu["opinion"]
    assert opinion["available"] and opinion["chart"].startswith("data:image/svg+xml")
    gaps = [float(row["gap"]) for row in opinion["rows"] if row["gap"]]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0
    assert opinion["findings"][0].startswith(opinion["rows"][0]["label"] + ": the akimat reports")
    assert opinion["ct_combined"].endswith("%")
    fired = {r["id"]: r["text"] for r in shu["recommendations"]}
    if gaps[0] > 20:
        assert opinion["rows"][0]["label"].lower() in fired["opinion_gap"] and "{areas}" not in fired["opinion_gap"]
    kk = city_context(results.city_result("shu-2025"), "kk", generated=DAY)["opinion"]
    assert kk["rows"][0]["label"] != opinion["rows"][0]["label"]  # area names in Kazakh


def test_a_city_without_opinion_data_shows_the_administrative_side_alone_and_says_so(app_ctx, results):
    shalkar = city_context(results.city_result("shalkar-2025"), "ru", generated=DAY)
    assert shalkar["opinion"]["available"] is False
    assert "Жители и предприниматели не оценивали" in shalkar["opinion"]["reason"]
    ayagoz = city_context(results.city_result("ayagoz-2025"), "en", generated=DAY)["opinion"]
    assert (
        ayagoz["available"] and ayagoz["ct_combined"] == "no data" and "no administrative rating" in ayagoz["missing"]
    )
