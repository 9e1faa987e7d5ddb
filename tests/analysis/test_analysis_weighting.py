"""Raking to census margins, trimming and Kish's design effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, rake, trim_weights

SEX = list("mmmmff")
AGE = list("yoyoyo")


def sample():
    return pd.DataFrame({"sex": SEX, "age": AGE}, index=[11, 12, 13, 14, 15, 16])


def test_check_value_counts():
    result = rake(sample(), {"sex": {"m": 50, "f": 50}, "age": {"y": 40, "o": 60}})
    assert result.weights.round(9).tolist() == [10, 15, 10, 15, 20, 30]
    assert result.weights.index.tolist() == [11, 12, 13, 14, 15, 16]
    assert round(result.deff, 2) == 1.17
    assert round(result.n_effective, 2) == 5.13
    assert result.converged and result.trimmed == 0


def test_check_value_shares_with_a_population_total():
    result = rake(sample(), {"sex": {"m": 0.5, "f": 0.5}, "age": {"y": 0.4, "o": 0.6}}, total=100)
    assert result.weights.round(9).tolist() == [10, 15, 10, 15, 20, 30]


def test_shares_without_total_give_mean_weight_one():
    result = rake(sample(), {"sex": {"m": 0.5, "f": 0.5}, "age": {"y": 0.4, "o": 0.6}})
    assert result.weights.sum() == pytest.approx(6)
    assert (result.weights / result.weights.sum()).round(9).tolist() == pytest.approx([0.1, 0.15, 0.1, 0.15, 0.2, 0.3])


def test_margins_are_met_on_a_larger_sample():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["m", "f"], 500, p=[0.3, 0.7]),
            "age": rng.choice(["a", "b", "c", "d"], 500, p=[0.1, 0.2, 0.3, 0.4]),
        }
    )
    margins = {"sex": {"m": 0.48, "f": 0.52}, "age": {"a": 0.27, "b": 0.30, "c": 0.24, "d": 0.19}}
    result = rake(frame, margins)
    w = result.weights
    for variable, shares in margins.items():
        got = w.groupby(frame[variable].to_numpy()).sum() / w.sum()
        for category, share in shares.items():
            assert got[category] == pytest.approx(share, abs=1e-5)
    assert result.converged
    assert result.deff > 1


def test_trimming_caps_weights_and_rerakes():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {"sex": rng.choice(["m", "f"], 300, p=[0.9, 0.1]), "age": rng.choice(["y", "o"], 300, p=[0.5, 0.5])}
    )
    margins = {"sex": {"m": 0.5, "f": 0.5}, "age": {"y": 0.5, "o": 0.5}}
    untrimmed = rake(frame, margins, cap=None)
    assert untrimmed.max_weight_ratio > 3
    trimmed = rake(frame, margins, cap=3.0)
    assert trimmed.max_weight_ratio <= 3.0 + 1e-6 or not trimmed.converged
    assert trimmed.trimmed > 0


def test_infeasible_cap_reports_not_converged_and_keeps_the_margins():
    frame = pd.DataFrame({"sex": ["m"] * 19 + ["f"]})
    result = rake(frame, {"sex": {"m": 0.5, "f": 0.5}}, cap=2.0)
    assert not result.converged
    assert result.weights.iloc[-1] / result.weights.sum() == pytest.approx(0.5)
    assert result.summary()["converged"] is False


def test_trim_weights_single_pass():
    assert trim_weights(np.array([1.0, 1.0, 1.0, 13.0]), cap=2.0).tolist() == [1.0, 1.0, 1.0, 8.0]


def test_category_absent_from_margins_names_the_respondent():
    frame = sample()
    frame.loc[13, "sex"] = "x"
    with pytest.raises(AnalysisError, match=r"'sex'.*respondent\(s\) 13.*'x'.*absent from the margins"):
        rake(frame, {"sex": {"m": 0.5, "f": 0.5}})


def test_margin_category_without_respondents_is_an_error():
    with pytest.raises(AnalysisError, match=r"no respondent in category\(ies\) 'other'"):
        rake(sample(), {"sex": {"m": 0.4, "f": 0.4, "other": 0.2}})


def test_margin_category_with_zero_share_and_no_respondents_is_fine():
    result = rake(sample(), {"sex": {"m": 0.5, "f": 0.5, "other": 0}})
    assert result.converged


def test_unknown_variable():
    with pytest.raises(AnalysisError, match="'region' has no column"):
        rake(sample(), {"region": {"n": 1}})


# R survey::rake (survey 4.4) with a "not stated" level of sex whose population total is its own sample share:
#   d <- data.frame(sex = c(rep("m", 5), rep("f", 3), "na", "na"),
#                   age = c("y", "o", "y", "y", "y", "o", "y", "o", "o", "o"))
#   des <- svydesign(ids = ~1, data = d, weights = ~rep(1, 10))
#   r <- rake(des, list(~sex, ~age), list(data.frame(sex = c("m", "f", "na"), Freq = c(400, 400, 200)),
#                                          data.frame(age = c("y", "o"), Freq = c(400, 600))))
#   round(weights(r), 4)
R_NOT_STATED_WEIGHTS = [73.8796, 104.4815, 73.8796, 73.8796, 73.8796, 147.7592, 104.4815, 147.7592, 100, 100]


def test_not_stated_cell_keeps_its_sample_share_r_check_value():
    frame = pd.DataFrame({"sex": list("mmmmmfff") + [None, None], "age": list("yoyyyoyooo")})
    result = rake(frame, {"sex": {"m": 0.5, "f": 0.5}, "age": {"y": 0.4, "o": 0.6}}, total=1000)
    assert result.weights.tolist() == pytest.approx(R_NOT_STATED_WEIGHTS, abs=1e-4)
    assert round(result.deff, 4) == 1.0733
    stated = frame["sex"].notna()
    male = result.weights[frame["sex"] == "m"].sum() / result.weights[stated].sum()
    assert male == pytest.approx(0.5) and result.max_margin_error < 1e-8


def test_a_cap_that_some_weighting_meets_is_reached():
    # Margins made from a weighting within a tight cap: a bounded calibration must find one inside the cap.
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["m", "f"], 200, p=[0.85, 0.15]),
            "age": rng.choice(["y", "m", "o"], 200, p=[0.7, 0.25, 0.05]),
        }
    )
    female, old = (frame["sex"] == "f").to_numpy(), (frame["age"] == "o").to_numpy()
    truth = np.where(female & old, 1.0, np.where(female, 3.0, 0.6) * np.where(old, 4.0, 1.0))  # not a product
    truth = truth / truth.mean()
    margins = {v: (pd.Series(truth).groupby(frame[v]).sum() / truth.sum()).to_dict() for v in ("sex", "age")}
    cap = 1.02 * float(truth.max())  # barely above the weighting that meets the margins
    result = rake(frame, margins, cap=cap)
    assert result.converged and result.max_weight_ratio <= cap + 1e-6 and result.max_margin_error < 1e-8
    assert rake(frame, margins, cap=None).max_weight_ratio > cap  # the bound does bind


def test_counts_that_disagree_between_variables():
    with pytest.raises(AnalysisError, match="same population"):
        rake(sample(), {"sex": {"m": 50, "f": 50}, "age": {"y": 400, "o": 600}})


def test_negative_start_weights_are_refused():
    with pytest.raises(AnalysisError, match=r"non-negative.*14"):
        rake(sample(), {"sex": {"m": 0.5, "f": 0.5}}, weights=np.array([1, 1, 1, -1, 1, 1.0]))


def test_start_weights_are_respected():
    # design weights already correct for sex: raking leaves them alone
    start = np.array([1, 1, 1, 1, 2, 2.0])
    result = rake(sample()[["sex"]], {"sex": {"m": 0.5, "f": 0.5}}, weights=start, total=8)
    assert result.weights.tolist() == pytest.approx(start.tolist())


def test_replicate_raking_by_strata_equals_raking_every_respondent():
    """The bootstrap re-rakes strata (respondents sharing every margin's cell and the start weight); the weights
    must be those of raking each drawn respondent on their own, cap included."""
    from analysis.raking_design import raking_design

    rng = np.random.default_rng(7)
    n = 400
    table = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male", None], size=n, p=[0.6, 0.35, 0.05]),
            "age_band": rng.choice(["18-29", "30-44", "45-59", "60+"], size=n, p=[0.4, 0.3, 0.2, 0.1]),
        }
    )
    margins = {
        "sex": {"female": 0.52, "male": 0.48},
        "age_band": {"18-29": 0.25, "30-44": 0.3, "45-59": 0.25, "60+": 0.2},
    }
    start = rng.choice([1.0, 2.0], size=n)
    design = raking_design(table, margins, start, cap=3.0)
    counts = np.stack([np.bincount(rng.integers(0, n, size=n), minlength=n) for _ in range(6)]).astype(float)

    by_strata = design.weights(counts)
    each = design._rake(counts, design.start, design.cells)  # the raking of every respondent on their own

    assert len(design._strata[1]) <= 3 * 4 * 2 < n
    drawn = counts > 0
    np.testing.assert_allclose(by_strata[drawn], each[drawn], rtol=1e-9)
    assert (by_strata[drawn] * counts[drawn]).sum() == pytest.approx(counts.sum(), rel=1e-9)
