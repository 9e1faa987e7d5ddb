"""Statistics helpers against reference values (t table, Wilson, Cronbach's α, Kish)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import (
    AnalysisError,
    cronbach_alpha,
    effective_n,
    kish_deff,
    t_interval,
    t_quantile,
    weighted_mean_se,
    wilson_interval,
)
from analysis.group_scores import cell_stats
from analysis.stats import NO_VARIATION, t_cdf

# Two-sided 95 % Student t quantiles from printed tables (to 4 decimals).
T_TABLE = {
    1: 12.7062,
    2: 4.3027,
    3: 3.1824,
    4: 2.7764,
    5: 2.5706,
    10: 2.2281,
    20: 2.0860,
    30: 2.0423,
    60: 2.0003,
    120: 1.9799,
}


@pytest.mark.parametrize(("df", "expected"), sorted(T_TABLE.items()))
def test_t_quantile_matches_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_t_quantile_other_levels_and_fractional_df():
    assert t_quantile(0.995, 10) == pytest.approx(3.1693, abs=1e-4)
    assert t_quantile(0.95, 7) == pytest.approx(1.8946, abs=1e-4)
    assert t_quantile(0.025, 10) == pytest.approx(-2.2281, abs=1e-4)
    # fractional df lies between its integer neighbours and inverts the distribution function
    q = t_quantile(0.975, 7.3)
    assert t_quantile(0.975, 8) < q < t_quantile(0.975, 7)
    assert t_cdf(q, 7.3) == pytest.approx(0.975, abs=1e-10)
    assert t_quantile(0.975, 1e9) == pytest.approx(1.959964, abs=1e-6)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_t_quantile_refuses_impossible_probabilities(bad):
    with pytest.raises(AnalysisError, match="probability"):
        t_quantile(bad, 10)


def test_wilson_check_values():
    low, high = wilson_interval(0.5, 120)
    assert (round(low, 5), round(high, 5)) == (0.41194, 0.58806)


def test_wilson_stays_inside_0_1_at_the_edges():
    low, high = wilson_interval(0.0, 10)
    assert low == 0.0 and 0 < high < 0.35
    low, high = wilson_interval(1.0, 10)
    assert high == 1.0 and 0.65 < low < 1


def test_cronbach_alpha_check_value():
    data = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4]})
    assert round(cronbach_alpha(data), 5) == 0.95376


def test_cronbach_alpha_uses_complete_cases_only():
    data = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 1], "q2": [2, 2, 3, 5, 5, np.nan], "q3": [1, 3, 3, 4, 4, 5]})
    assert round(cronbach_alpha(data), 5) == 0.95376


@pytest.mark.parametrize(
    "data",
    [
        pd.DataFrame({"q1": [1, 2, 3]}),  # one item
        pd.DataFrame({"q1": [1, np.nan, 3], "q2": [np.nan, 2, 3]}),  # one complete case
        pd.DataFrame({"q1": [3, 3, 3], "q2": [2, 2, 2]}),  # no variance
    ],
)
def test_cronbach_alpha_undefined_is_none(data):
    assert cronbach_alpha(data) is None


def test_kish_design_effect_check_value():
    weights = [10, 15, 10, 15, 20, 30]
    assert round(kish_deff(weights), 2) == 1.17
    assert round(effective_n(weights), 2) == 5.13
    assert kish_deff([2, 2, 2]) == pytest.approx(1.0)


def _weighted_interval(values, weights=None):
    """The interval the group scores compute (cell_stats, then t_interval), for one column of values."""
    x = np.asarray(values, dtype=float)[:, None]
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    stats = cell_stats(x, w, np.zeros(len(x), dtype=np.int64), 1)
    mean = float(stats["mean"][0, 0])
    n = int(stats["n"][0, 0])
    interval, _ = t_interval(mean, n, float(stats["sw"][0, 0]), float(stats["ssw2"][0, 0]))
    return mean, interval, int(stats["n"][0, 0])


def test_the_t_interval_is_the_textbook_interval_with_equal_weights():
    values = np.array([40.0, 55.0, 60.0, 70.0, 75.0])
    mean, interval, n = _weighted_interval(values)
    half = t_quantile(0.975, 4) * values.std(ddof=1) / math.sqrt(5)
    assert mean == pytest.approx(values.mean()) and n == 5
    assert interval == pytest.approx((values.mean() - half, values.mean() + half))


def test_the_t_interval_is_scale_free_in_the_weights_and_ignores_missing():
    values = [40.0, np.nan, 60.0, 80.0]
    a = _weighted_interval(values, [1, 5, 2, 3])
    b = _weighted_interval(values, [10, 7, 20, 30])
    assert a[0] == pytest.approx(b[0]) and a[1] == pytest.approx(b[1]) and a[2] == 3


def test_the_t_interval_without_spread_or_cases():
    assert t_interval(50.0, 1, 1.0, 0.0) == (None, "fewer than 2 respondents")
    assert t_interval(float("nan"), 0, 0.0, 0.0) == (None, "no respondents")
    assert t_interval(99.0, 4, 4.0, 400.0)[0][1] == 100.0  # clipped to the scale


# R survey 4.4, the check of methodology §2:
#   d <- data.frame(y = c(10, 20, 30, 40, 50, 60), w = c(1, 1, 1, 5, 5, 5))
#   m <- svymean(~y, svydesign(ids = ~1, weights = ~w, data = d))
#   coef(m); SE(m); confint(m, df = degf(des))        # 45, 5.757443, 30.2000 59.8000
R_LINEARISED = {"mean": 45.0, "se": 5.757443, "ci95": (30.2000, 59.8000)}


def test_weighted_means_get_linearisation_standard_errors_r_check_value():
    mean, se = weighted_mean_se([10, 20, 30, 40, 50, 60], [1, 1, 1, 5, 5, 5])
    assert mean == pytest.approx(R_LINEARISED["mean"]) and se == pytest.approx(R_LINEARISED["se"], abs=1e-6)
    _, interval, _ = _weighted_interval([10, 20, 30, 40, 50, 60], [1, 1, 1, 5, 5, 5])
    assert interval == pytest.approx(R_LINEARISED["ci95"], abs=1e-4)


def test_the_kish_shortcut_is_not_used_where_weights_follow_the_answers():
    # Weights that rise with the answer: the Kish effective-n interval is far wider than the design-based one.
    values, weights = [0, 0, 0, 0, 100, 100], [1, 1, 1, 1, 20, 20]
    _, se = weighted_mean_se(values, weights)
    n_eff = effective_n(weights)
    mean = np.average(values, weights=weights)
    kish_se = math.sqrt(np.average((np.array(values) - mean) ** 2, weights=weights) / (n_eff - 1))
    assert kish_se > 1.5 * se


def test_no_interval_of_zero_width_when_everyone_answers_alike():
    mean, interval, n = _weighted_interval([75.0] * 5)
    assert mean == 75.0 and n == 5 and interval is None
    assert t_interval(75.0, 5, 5.0, 0.0) == (None, NO_VARIATION)
