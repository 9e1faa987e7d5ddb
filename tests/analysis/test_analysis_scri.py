"""SCRI normalisation, aggregation, coverage, levels, ranks and Monte Carlo sensitivity (methodology §5)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import (
    AnalysisError,
    aggregate,
    compute_index,
    framework_spec,
    level_of,
    normalise,
    rank_scores,
)
from analysis.scri import indicator_values
from instruments.frameworks import load_framework

LEVELS = [{"code": "low", "from": 0}, {"code": "medium", "from": 40}, {"code": "high", "from": 60}]


def small_spec(**extra):
    return framework_spec(
        {
            "levels": LEVELS,
            "dimensions": [{"code": "env", "weight": 1}, {"code": "eco", "weight": 2}],
            "indicators": [
                {
                    "code": "pm25",
                    "dimension": "env",
                    "source": "infrastructure",
                    "best": 5,
                    "worst": 35,
                    "weight": 1,
                    "min": 0,
                    "max": 1000,
                },
                {
                    "code": "green",
                    "dimension": "env",
                    "source": "infrastructure",
                    "best": 16,
                    "worst": 3,
                    "weight": 1,
                    "min": 0,
                    "max": 1000,
                },
                {
                    "code": "wage",
                    "dimension": "eco",
                    "source": "infrastructure",
                    "best": 500,
                    "worst": 150,
                    "weight": 1,
                    "min": 0,
                    "max": 10000,
                },
                {
                    "code": "sme",
                    "dimension": "eco",
                    "source": "infrastructure",
                    "best": 100,
                    "worst": 20,
                    "weight": 1,
                    "min": 0,
                    "max": 1000,
                },
                {
                    "code": "unemp",
                    "dimension": "eco",
                    "source": "infrastructure",
                    "best": 3,
                    "worst": 10,
                    "weight": 1,
                    "min": 0,
                    "max": 100,
                },
            ],
            **extra,
        }
    )


def test_pm25_check_value():
    assert round(normalise(18, best=5, worst=35), 2) == 56.67
    assert round(load_framework().indicator("pm25_annual_ugm3").normalise(18), 2) == 56.67


def test_normalisation_truncates_and_follows_direction():
    assert normalise(2, best=5, worst=35) == 100.0
    assert normalise(50, best=5, worst=35) == 0.0
    assert normalise(75, best=100, worst=50) == 50.0
    with pytest.raises(AnalysisError, match="differ"):
        normalise(1, best=3, worst=3)


def test_levels_at_the_edges():
    levels = framework_spec(load_framework()).levels
    assert levels == (("low", 0.0), ("medium", 40.0), ("high", 60.0))  # from the framework file
    assert [level_of(s, levels) for s in (0, 39.9, 40, 43, 59.9, 60, 100)] == [
        "low",
        "low",
        "medium",
        "medium",
        "medium",
        "high",
        "high",
    ]
    assert level_of(None, levels) is None


def test_weighted_arithmetic_mean_reweights_over_present_indicators():
    assert aggregate([50.0, 70.0, 90.0], [1, 1, 2]) == (75.0, 1.0)
    score, coverage = aggregate([50.0, np.nan, 90.0], [1, 1, 2])
    assert score == pytest.approx(230 / 3) and coverage == 0.75


def test_coverage_threshold_of_two_thirds():
    # 2 of 3 equal weights present: exactly 2/3, kept
    score, coverage = aggregate([40.0, 60.0, np.nan], [1, 1, 1])
    assert score == 50.0 and coverage == pytest.approx(2 / 3)
    # below 2/3: missing
    score, coverage = aggregate([40.0, np.nan, np.nan], [1, 1, 1])
    assert math.isnan(score) and coverage == pytest.approx(1 / 3)


def test_geometric_option_penalises_imbalance():
    arithmetic = aggregate([20.0, 80.0], [1, 1])[0]
    geometric = aggregate([20.0, 80.0], [1, 1], method="geometric")[0]
    assert geometric < arithmetic
    assert aggregate([60.0, 60.0], [1, 1], method="geometric")[0] == pytest.approx(60.0)
    assert aggregate([0.0, 0.0], [1, 1], method="geometric")[0] == pytest.approx(0.0)


def test_compute_index_with_a_missing_dimension_when_missing_data_are_reweighted():
    spec = small_spec()
    out = compute_index(
        spec, {"pm25": 18, "green": None, "wage": 325, "sme": 60, "unemp": 6.5}, missing_rule="reweight"
    )
    env = out["dimensions"]["env"]
    assert env["score"] is None and env["coverage"] == 0.5
    eco = out["dimensions"]["eco"]
    assert eco["score"] == pytest.approx(50.0)
    assert out["score"] == pytest.approx(50.0)  # env missing, eco carries 2/3 of the weight: kept
    assert out["dimension_share"] == pytest.approx(2 / 3)
    assert out["coverage"] == pytest.approx(2 / 3)
    assert eco["weight"] == pytest.approx(2 / 3)


def test_under_the_default_a_missing_value_counts_at_its_worst_goalpost():
    values = {"pm25": 18, "green": None, "wage": 325, "sme": 60, "unemp": 6.5}
    out = compute_index(small_spec(), values)
    env = out["dimensions"]["env"]
    assert env["score"] == pytest.approx(56.666667 / 2) and env["insufficient"] and env["reweighted_score"] is None
    assert out["score"] == pytest.approx((56.666667 / 2 + 2 * 50.0) / 3)
    assert out["reweighted_score"] == pytest.approx(50.0) and out["provisional"]
    assert out["missing_indicators"] == ["green"] and out["counted"]["green"] == 0.0


def test_index_missing_when_too_few_dimensions_under_reweighting():
    out = compute_index(small_spec(), {"pm25": 18, "green": 10}, missing_rule="reweight")
    assert out["score"] is None
    assert out["dimensions"]["eco"]["coverage"] == 0.0
    worst = compute_index(small_spec(), {"pm25": 18, "green": 10})
    assert worst["score"] == pytest.approx(worst["dimensions"]["env"]["score"] / 3) and worst["provisional"]


def test_index_coverage_counts_indicator_weight():
    out = compute_index(small_spec(), {"pm25": 18, "green": 9.5, "wage": 325, "sme": 60, "unemp": None})
    assert out["coverage"] == pytest.approx((1 * 1 + 2 * 2 / 3) / 3)


def test_rank_ties_share_the_best_rank():
    assert rank_scores({"a": 50, "b": 60, "c": 50, "d": None}) == {"a": 2, "b": 1, "c": 2, "d": None}


def test_indicator_values_checks_ranges_and_ignores_foreign_codes():
    spec = framework_spec(load_framework())
    frame = pd.DataFrame(
        {
            "indicator": ["broadband_households_pct", "refstd_thing", "broadband_households_pct"],
            "value": [40, 99, 55],
            "year": [2023, 2024, 2024],
        }
    )
    values = indicator_values(spec, frame)
    assert values.at["broadband_households_pct", "value"] == 55  # the latest year
    assert values.at["broadband_households_pct", "year"] == 2024
    assert values.at["mobile_4g_coverage_pct", "missing"] == "no value imported for this city"
    bad = pd.DataFrame({"indicator": ["broadband_households_pct"], "value": [140], "year": [2024]})
    with pytest.raises(AnalysisError, match=r"'broadband_households_pct': value 140 is outside its valid range 0–100"):
        indicator_values(spec, bad)
    bad = pd.DataFrame({"indicator": ["open_data_portal"], "value": [0.5], "year": [2024]})
    with pytest.raises(AnalysisError, match=r"1 \(yes\) or 0 \(no\)"):
        indicator_values(spec, bad)
    bad = pd.DataFrame({"indicator": ["trust"], "value": [50], "year": [2024]})
    with pytest.raises(AnalysisError, match="computed, not imported"):
        indicator_values(spec, bad)


def test_framework_spec_needs_a_loaded_framework():
    """The framework is checked by its loader; the analysis only refuses what is not a framework at all."""
    with pytest.raises(AnalysisError, match="loaded framework"):
        framework_spec(["not", "a", "framework"])
    with pytest.raises(AnalysisError, match="levels"):
        framework_spec({"dimensions": [{"code": "a"}], "indicators": [{"code": "x"}]})
