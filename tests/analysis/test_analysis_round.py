"""score_round: the contract shape, JSON-readiness, weighting, network blend, change, ranking, errors."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, rank_cities, score_cities, score_round
from analysis.network import ei_expected
from analysis.round_score import score_round_frames
from analysis.round_weights import round_weights
from analysis.synthetic import synthetic_round
from instruments.frameworks import load_framework

SIZES = {"residents": 124, "business": 24, "academia": 14, "civil_society": 16, "government": 18, "international": 3}
GROUPS = ("residents", "business", "academia", "civil_society", "government", "international")


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture(scope="module")
def frames():
    return synthetic_round(SIZES, readiness=0.55, seed=2)


@pytest.fixture(scope="module")
def result(frames, framework):
    return score_round(framework=framework, round_slug="shu-2025", city="Shu", **frames)


def walk(value, path="result"):
    """Yield (path, leaf) over a nested dict/list."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    else:
        yield path, value


def test_contract_shape(result, framework):
    assert result["round"] == "shu-2025" and result["city"] == "Shu"
    assert set(result["scri"]) >= {"score", "level", "coverage"}
    assert result["scri"]["level"] in ("low", "medium", "high")
    assert list(result["dimensions"]) == [d.code for d in framework.dimensions]
    for dim in result["dimensions"].values():
        assert set(dim) >= {"score", "weight", "coverage"}
        assert dim["weight"] == pytest.approx(1 / 6, abs=1e-4)
    assert list(result["groups"]) == list(GROUPS)
    for group in result["groups"].values():
        assert set(group) >= {"n", "n_effective", "completed", "target"}
    trust = result["constructs"]["trust"]
    assert set(trust["residents"]) >= {"score", "ci95", "n", "alpha"}
    assert trust["international"] == {"suppressed": True, "n": 3}
    assert set(result["subscores"]) == {"stakeholder_engagement", "governance"}
    assert set(result["network"]) >= {"density", "ei_index", "nodes", "edges"}
    assert set(result["sensitivity"]) >= {"score_p05", "score_p95"}


def test_json_ready_without_nan_or_numpy_types(result):
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == result
    for path, leaf in walk(result):
        assert leaf is None or isinstance(leaf, str | bool | int | float), path
        if isinstance(leaf, float):
            assert math.isfinite(leaf), path


def test_every_none_has_a_reason(result):
    """A None score is explained: a ``missing`` entry beside it (or a suppressed cell)."""
    assert result["scri"]["score"] is not None
    for code, indicator in result["indicators"].items():
        if indicator["value"] is None:
            assert indicator["missing"], code
    for construct, cells in result["constructs"].items():
        for group, cell in cells.items():
            for key in ("score", "ci95", "alpha"):
                if key in cell and cell[key] is None:
                    assert key in cell["missing"], (construct, group, key)


def test_scores_within_bounds_and_rounded(result):
    assert 0 <= result["scri"]["score"] <= 100
    assert result["sensitivity"]["score_p05"] <= result["scri"]["score"] <= result["sensitivity"]["score_p95"]
    low, high = result["bootstrap"]["scri_ci95"]
    assert low <= result["scri"]["score"] <= high
    for cells in result["constructs"].values():
        for cell in cells.values():
            if "score" in cell:
                assert 0 <= cell["ci95"][0] <= cell["score"] <= cell["ci95"][1] <= 100
                assert cell["score"] == round(cell["score"], 1)


def test_groups_block_uses_targets_and_counts(result, frames):
    residents = result["groups"]["residents"]
    assert residents["n"] == 124
    assert residents["completed"] == frames["counts"]["residents"]["complete"]
    assert residents["partial"] == frames["counts"]["residents"]["partial"]
    assert residents["target"] == frames["targets"]["residents"]
    assert residents["n_effective"] < 124  # raked to the census margins
    assert result["weighting"]["method"] == "raking" and result["weighting"]["converged"] is True
    assert result["groups"]["business"]["n_effective"] == 24.0  # not raked


def test_subscores_follow_the_pooled_constructs_and_the_network_blend(result, frames, framework):
    pooled = {c: v["score"] for c, v in result["pooled"].items()}
    details = result["subscore_details"]
    gov = [pooled[c] for c in ("admin_capacity", "funding_consistency", "legal_clarity", "digital_governance")]
    assert result["subscores"]["governance"] == pytest.approx(np.mean(gov), abs=0.06)
    blend = details["stakeholder_engagement"]["network_blend"]
    assert "network_blend" not in details["governance"]
    assert blend["share"] == 0.5
    ic = details["stakeholder_engagement"]["constructs"]["intersectoral_coordination"]
    assert ic == pytest.approx(0.5 * pooled["intersectoral_coordination"] + 0.5 * blend["network_score"], abs=0.06)
    # the network part is the mean of the E-I score (against random mixing) and the sector reach (§4)
    network = result["network"]
    assert blend["network_score"] == pytest.approx((network["ei_score"] + network["sector_reach"]) / 2, abs=0.1)
    expected = ei_expected(list(frames["actors"]["sector"]))
    assert network["ei_score"] < 100 and network["ei_expected"] == pytest.approx(expected, abs=5e-4)
    # the stakeholder-engagement dimension weights give the same blend as the sub-score
    assert result["dimensions"]["stakeholder_engagement"]["score"] == pytest.approx(
        result["subscores"]["stakeholder_engagement"], abs=0.11
    )
    assert details["governance"]["ci95"][0] <= result["subscores"]["governance"] <= details["governance"]["ci95"][1]


def test_without_ties_the_network_is_missing_not_zero(frames, framework):
    result = score_round(framework=framework, **{**frames, "ties": frames["ties"].iloc[:0]}, n_boot=0, n_draws=50)
    assert result["network"]["density"] is None
    assert result["network"]["missing"]["density"] == "no ties reported in this round"
    assert result["indicators"]["network_ei_score"]["missing"] == "no ties reported in this round"
    assert result["indicators"]["network_sector_reach"]["missing"] == "no ties reported in this round"
    ic = result["subscore_details"]["stakeholder_engagement"]["constructs"]["intersectoral_coordination"]
    assert ic == result["pooled"]["intersectoral_coordination"]["score"]
    no_question = score_round(framework=framework, **{**frames, "ties": None, "actors": None}, n_boot=0, n_draws=50)
    assert no_question["network"]["missing"]["density"] == "the round has no ties question"


def test_missing_city_data_counts_at_its_worst_and_marks_the_index_provisional(frames, framework):
    few = frames["indicators"][frames["indicators"]["indicator"].isin(["pm25_annual_ugm3"])]
    full = score_round(framework=framework, **frames, n_boot=0, n_draws=50)
    result = score_round(framework=framework, **{**frames, "indicators": few}, n_boot=0, n_draws=50)
    digital = result["dimensions"]["digital_infrastructure"]
    # its four infrastructure values count at 0; the survey indicator alone (1/5 of the weight) is too little
    assert digital["score"] == pytest.approx(full["pooled"]["digital_access"]["score"] / 5, abs=0.06)
    assert digital["reweighted_score"] is None and digital["insufficient_data"]
    assert result["dimensions"]["governance"]["score"] is not None  # survey constructs carry it
    scri = result["scri"]
    assert scri["missing_rule"] == "worst" and scri["provisional"]
    assert scri["score"] < full["scri"]["score"] and scri["coverage"] < full["scri"]["coverage"]
    assert "broadband_households_pct" in scri["missing_indicators"]
    assert "pm25_annual_ugm3" not in scri["missing_indicators"]
    assert result["indicators"]["broadband_households_pct"]["counted_as"] == 0.0
    assert "digital_infrastructure" in scri["insufficient_dimensions"]


def test_geometric_option_and_previous_round(frames, framework, result):
    geo = score_round(
        framework=framework, method="geometric", previous=result, round_slug="shu-2026", city="Shu", **frames
    )
    assert geo["scri"]["method"] == "geometric"
    assert geo["scri"]["score"] <= result["scri"]["score"]
    assert geo["scri"]["score"] == result["sensitivity"]["geometric_score"]
    change = geo["change"]
    assert change["previous_round"] == "shu-2025"
    assert change["scri"] == pytest.approx(geo["scri"]["score"] - result["scri"]["score"], abs=0.051)
    assert set(change["dimensions"]) == set(result["dimensions"])
    assert change["subscores"] == {k: 0.0 for k in result["subscores"]}


def test_seeded_results_are_reproducible(frames, framework, result):
    again = score_round(framework=framework, round_slug="shu-2025", city="Shu", **frames)
    assert again == result


def test_framework_as_plain_dict_gives_the_same_result(frames, framework, result):
    plain = score_round(framework=framework.to_plain(), round_slug="shu-2025", city="Shu", **frames)
    assert plain == result


def test_score_round_frames_reads_attributes(frames, framework):
    class Frames:
        round = "shu-2025"
        city = "Shu"

    bundle = Frames()
    for key, value in frames.items():
        setattr(bundle, key, value)
    out = score_round_frames(bundle, framework, n_boot=0, n_draws=20)
    assert out["round"] == "shu-2025" and out["groups"]["residents"]["n"] == 124


def test_rank_cities_and_score_cities(framework):
    rounds = []
    cities = (("shu-2025", "Shu", 0.60, 1), ("ayagoz-2025", "Ayagoz", 0.45, 2), ("shalkar-2025", "Shalkar", 0.30, 3))
    for slug, city, readiness, seed in cities:
        rounds.append({**synthetic_round(SIZES, readiness=readiness, seed=seed), "round_slug": slug, "city": city})
    out = score_cities(rounds, framework, n_boot=0, n_draws=300)
    ranking = out["ranking"]
    assert [c["city"] for c in ranking["cities"]] == ["Shu", "Ayagoz", "Shalkar"]
    assert [c["rank"] for c in ranking["cities"]] == [1, 2, 3]
    for city in ranking["cities"]:
        assert city["p05"] <= city["score"] <= city["p95"]
        assert 0 <= city["rank_stability"] <= 1
        assert city["rank_min"] <= city["rank"] <= city["rank_max"]
        assert sum(city["rank_probabilities"].values()) == pytest.approx(1.0, abs=0.002)
        assert city["rank_probabilities"].get(str(city["rank"])) == city["rank_stability"]
    assert [r["rank"] for r in out["rounds"]] == [1, 2, 3]
    assert ranking["respondents_resampled"] and ranking["draws"] == 300
    again = rank_cities(out["rounds"], framework, n_draws=300)  # from the JSON alone: respondents as they are
    assert [c["rank"] for c in again["cities"]] == [1, 2, 3] and not again["respondents_resampled"]
    json.dumps(out, allow_nan=False)


def test_rank_cities_refuses_duplicates_and_foreign_objects(result, framework):
    with pytest.raises(AnalysisError, match="same round given twice"):
        rank_cities([result, copy.deepcopy(result)], framework)
    with pytest.raises(AnalysisError, match="not a score_round result"):
        rank_cities([{"city": "x"}], framework)
    with pytest.raises(AnalysisError, match="at least one"):
        rank_cities([], framework)


# ------------------------------------------------------------------------------------------------ errors


def test_no_responses(frames, framework):
    with pytest.raises(AnalysisError, match="no complete responses"):
        score_round(frames["responses"].iloc[:0], frames["answers"].iloc[:0], frames["items"], framework)


def test_item_with_a_construct_the_framework_does_not_know(frames, framework):
    items = frames["items"].copy()
    items.iloc[0, items.columns.get_loc("construct")] = "happiness"
    with pytest.raises(AnalysisError, match=r"feeds construct 'happiness', which the framework does not score"):
        score_round(frames["responses"], frames["answers"], items, framework)


def test_value_outside_1_k(frames, framework):
    answers = frames["answers"].copy()
    column = next(c for c in answers.columns if frames["items"].at[c, "kind"] == "likert")
    answers.iloc[3, answers.columns.get_loc(column)] = 6
    with pytest.raises(AnalysisError, match=rf"item '{column}': response\(s\) 4 have value\(s\) '6'"):
        score_round(frames["responses"], answers, frames["items"], framework)


def test_negative_weight(frames, framework):
    responses = frames["responses"].assign(weight=1.0)
    responses.loc[5, "weight"] = -1.0
    with pytest.raises(AnalysisError, match=r"response\(s\) 6 have a missing, negative"):
        score_round(responses, frames["answers"], frames["items"], framework)


def test_out_of_range_indicator(frames, framework):
    indicators = frames["indicators"].copy()
    indicators.loc[indicators["indicator"] == "pm25_annual_ugm3", "value"] = -3
    with pytest.raises(AnalysisError, match="'pm25_annual_ugm3': value -3 is outside"):
        score_round(framework=framework, **{**frames, "indicators": indicators})


def test_raking_problems_are_named_when_strict(frames, framework):
    margins = {"sex": {"male": 0.5, "female": 0.5}, "age_band": {"18_29": 0.5, "30_plus": 0.5}}
    with pytest.raises(
        AnalysisError, match=r"weighting residents: categories absent from the margins: age_band '45_59'"
    ):
        score_round(framework=framework, strict_weighting=True, **{**frames, "census_margins": margins})
    with pytest.raises(AnalysisError, match="census margins name 'region'"):
        score_round(framework=framework, **{**frames, "census_margins": {"region": {"n": 1}}})


def test_categories_outside_the_margins_are_raked_as_not_stated(frames, framework):
    responses = frames["responses"].copy()
    responses.loc[[0, 1, 2], "sex"] = "prefer_not_to_say"
    out = score_round(framework=framework, n_boot=0, n_draws=20, **{**frames, "responses": responses})
    weighting = out["weighting"]
    assert weighting["method"] == "raking" and weighting["raked"] == 124 and weighting["not_stated"] == 3
    assert weighting["unraked"] == 0
    assert "sex 'prefer_not_to_say' (3)" in weighting["missing"]["categories"]


def test_margins_that_cannot_be_met_leave_the_group_unweighted(frames, framework):
    margins = {"sex": {"male": 0.5, "female": 0.4, "other": 0.1}}
    out = score_round(framework=framework, n_boot=0, n_draws=20, **{**frames, "census_margins": margins})
    assert out["weighting"]["method"] == "none"
    assert "no respondent in category(ies) 'other'" in out["weighting"]["missing"]["raking"]
    assert out["groups"]["residents"]["n_effective"] == 124.0
    with pytest.raises(AnalysisError, match="no respondent in category"):
        score_round(framework=framework, strict_weighting=True, **{**frames, "census_margins": margins})


def test_residents_without_demographics_stay_in_the_age_raking(frames, framework):
    responses = frames["responses"].copy()
    residents = responses.index[responses["group"] == "residents"]
    responses.loc[residents[:40], "sex"] = None
    out = score_round(framework=framework, **{**frames, "responses": responses}, n_boot=0, n_draws=20)
    assert out["weighting"]["raked"] == 124 and out["weighting"]["not_stated"] == 40
    margins = frames["census_margins"]["age_band"]
    weights, _, _ = round_weights(responses, frames["census_margins"], "residents", 5.0)
    weights, ages = weights[residents], responses.loc[residents, "age_band"]
    for band, share in margins.items():
        assert weights[ages == band].sum() / weights.sum() == pytest.approx(share / sum(margins.values()), abs=1e-6)


def test_unknown_actor_in_ties(frames, framework):
    ties = frames["ties"].copy()
    ties.loc[0, "alter"] = "mystery_org"
    with pytest.raises(AnalysisError, match="'mystery_org'.*not an actor"):
        score_round(framework=framework, **{**frames, "ties": ties})


def test_bad_options(frames, framework):
    with pytest.raises(AnalysisError, match="aggregation method"):
        score_round(framework=framework, method="median", **frames)
    with pytest.raises(AnalysisError, match="bootstrap"):
        score_round(framework=framework, n_boot=-1, **frames)
    with pytest.raises(AnalysisError, match="unknown group"):
        score_round(framework=framework, **{**frames, "targets": {"students": 3}})


def test_tiny_round_without_indicators(framework):
    responses = pd.DataFrame({"response_id": [1, 2], "group": ["government", "government"]})
    items = pd.DataFrame(
        {"construct": ["admin_capacity"], "kind": ["yesno"], "k": [2], "reverse": [False]}, index=["government.cap"]
    )
    answers = pd.DataFrame({"government.cap": [1, np.nan]}, index=[1, 2])
    out = score_round(responses, answers, items, framework)
    assert out["constructs"]["admin_capacity"]["government"] == {"suppressed": True, "n": 1}
    # no city data at all: every infrastructure dimension counts at 0, so the index is 0 and provisional
    assert out["scri"]["score"] == 0.0 and out["scri"]["provisional"]
    assert out["subscores"] == {"stakeholder_engagement": None, "governance": None}
    assert out["subscore_details"]["governance"]["missing"]
    json.dumps(out, allow_nan=False)


def test_round_without_scored_items_still_scores_the_network(framework):
    responses = pd.DataFrame({"response_id": range(1, 7), "group": ["business"] * 6})
    items = pd.DataFrame(columns=["construct", "kind", "k", "reverse"])
    actors = pd.DataFrame({"code": ["a", "b", "c"], "sector": ["business", "government", "academia"]})
    ties = pd.DataFrame(
        {"response_id": [1, 2], "ego": ["a", "a"], "alter": ["b", "c"], "frequency": ["weekly", "rarely"]}
    )
    out = score_round(responses, pd.DataFrame(index=range(1, 7)), items, framework, ties=ties, actors=actors)
    assert out["constructs"] == {}
    assert out["pooled"]["trust"]["missing"] == "the construct is not asked in this round"
    assert out["network"]["density"] == 0.667 and out["network"]["ei_index"] == 1.0
    assert out["network"]["ei_expected"] == 1.0 and out["network"]["ei_score"] == 100.0
    assert out["bootstrap"]["missing"]["subscores.governance"] == "the sub-score is missing"
    json.dumps(out, allow_nan=False)


@pytest.mark.parametrize("dtype", ["object", "Int64", "float64"])
def test_answer_dtypes_and_text_response_ids(framework, dtype):
    ids = [f"r{i}" for i in range(1, 7)]
    responses = pd.DataFrame({"response_id": ids, "group": ["business"] * 6})
    items = pd.DataFrame(
        {"construct": ["trust"], "kind": ["likert"], "k": [5], "reverse": [False]}, index=["business.t"]
    )
    answers = pd.DataFrame({"business.t": [1, None, 3, 4, 5, 2]}, index=ids).astype(dtype)
    out = score_round(responses, answers, items, framework, n_boot=10, n_draws=10)
    assert out["constructs"]["trust"]["business"]["score"] == 50.0
    assert out["constructs"]["trust"]["business"]["n"] == 5


def test_a_group_that_answers_alike_has_no_interval_and_says_why(framework):
    responses = pd.DataFrame({"response_id": range(1, 6), "group": ["business"] * 5})
    items = pd.DataFrame(
        {"construct": ["trust", "trust"], "kind": ["likert", "likert"], "k": [5, 5], "reverse": [False, False]},
        index=["business.t1", "business.t2"],
    )
    answers = pd.DataFrame({"business.t1": [4] * 5, "business.t2": [4] * 5}, index=range(1, 6))
    out = score_round(responses, answers, items, framework, n_boot=0, n_draws=20)
    cell = out["constructs"]["trust"]["business"]
    assert cell["score"] == 75.0 and cell["ci95"] is None
    assert cell["missing"]["ci95"].startswith("not estimable (no variation)")
    assert out["items"]["business.t1"]["business"]["missing"]["ci95"].startswith("not estimable (no variation)")
