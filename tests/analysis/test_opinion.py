"""The public-opinion side of the reference-standard rating against the check values of methodology §6.1."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from refstdhelpers import CITY_76_PERCENT, city_rows, one_city, table

from analysis import AnalysisError
from analysis.opinion import area_opinion, opinion_side
from instruments.refstd import load_refstd_framework


@pytest.fixture(scope="module")
def framework():
    return load_refstd_framework()


@pytest.fixture(scope="module")
def administrative_76(framework):
    """The city of §6's third check value: priority 55.12 (3 points), additional 44.33 (3), ICT 90 (5) → 76 %."""
    rows = city_rows("Ayagoz", CITY_76_PERCENT)
    city = one_city(table(rows), framework)
    assert city["ct_percent"] == 76.0
    return city


def ratings_with_share(areas, share_good: float, raters: int = 20) -> pd.DataFrame:
    """`raters` ratings per area, the first `share_good` of them 4 or 5, the rest 1 to 3."""
    good = round(share_good * raters)
    rows = [(i, area, (5 if i % 2 else 4) if i < good else 1 + i % 3) for area in areas for i in range(raters)]
    return pd.DataFrame(rows, columns=["response_id", "area", "rating"])


def test_every_area_at_60_percent_gives_an_opinion_rating_of_60_and_a_combined_68(framework, administrative_76):
    side = opinion_side(ratings_with_share(framework.area_codes, 0.6), administrative_76, framework, k_min=5)
    assert {a: e["o"] for a, e in side["areas"].items()} == {a: 60.0 for a in framework.area_codes}
    assert (side["o_priority"], side["o_additional"], side["o_ict"]) == (60.0, 60.0, 60.0)
    assert (side["c_priority"], side["c_additional"], side["c_ict"]) == (6, 3, 6)  # 3 points everywhere
    assert side["total_points"] == 15
    assert side["ct_opinion_percent"] == 60.0  # 15 / 25
    assert side["ct_combined_percent"] == 68.0  # 0.5 · 76 + 0.5 · 60
    assert side["weight"] == 0.5 and side["missing"] is None


def test_the_gap_is_s_minus_o_and_the_largest_comes_first(framework, administrative_76):
    side = opinion_side(ratings_with_share(framework.area_codes, 0.6), administrative_76, framework, k_min=5)
    areas = side["areas"]
    assert areas["urban_management"]["s"] == 100.0 and areas["urban_management"]["gap"] == 40.0
    assert areas["education"]["gap"] == pytest.approx(33.44 - 60.0)
    gaps = [areas[c]["gap"] for c in side["gaps"]]
    assert gaps == sorted(gaps, reverse=True) and side["gaps"][0] == "urban_management"


def test_i_do_not_use_them_is_missing_not_low(framework):
    ratings = ratings_with_share(["health"], 0.5, raters=10)
    unrated = pd.DataFrame({"response_id": range(100, 140), "area": "health", "rating": float("nan")})
    entry = area_opinion(pd.concat([ratings, unrated]), None, framework.area_codes, k_min=5)["health"]
    assert (entry["o"], entry["n"]) == (50.0, 10)


def test_an_area_below_k_min_raters_is_withheld_and_missing_on_the_opinion_side(framework, administrative_76):
    ratings = ratings_with_share(framework.area_codes, 0.6)
    ratings = ratings[~((ratings["area"] == "agriculture") & (ratings["response_id"] >= 4))]  # 4 raters left
    side = opinion_side(ratings, administrative_76, framework, k_min=5)
    assert side["areas"]["agriculture"] == {"suppressed": True, "n": 4}
    assert "agriculture" not in side["gaps"] and side["rated_areas"] == 11
    assert side["o_additional"] == 60.0  # the mean of the four rated additional areas
    assert side["ct_opinion_percent"] == 60.0


def test_below_two_thirds_of_the_areas_rated_there_is_no_opinion_rating(framework, administrative_76):
    seven = framework.area_codes[:7]  # 7 of 12 < 2/3; 8 of 12 is enough
    side = opinion_side(ratings_with_share(seven, 0.6), administrative_76, framework, k_min=5)
    assert side["ct_opinion_percent"] is None and side["ct_combined_percent"] is None
    assert side["missing"].startswith("only 7 of 12 areas")
    eight = [*framework.area_codes[:6], "social", "ict"]
    assert opinion_side(ratings_with_share(eight, 0.6), administrative_76, framework, k_min=5)["ct_opinion_percent"]


def test_a_group_without_a_rated_area_leaves_the_opinion_rating_out(framework, administrative_76):
    without_ict = [c for c in framework.area_codes if c != "ict"]
    side = opinion_side(ratings_with_share(without_ict, 0.6), administrative_76, framework, k_min=5)
    assert side["ct_opinion_percent"] is None and "ict" in side["missing"]


def test_weighted_share_and_its_wilson_interval_at_the_effective_n(framework):
    # 6 good of 10 unweighted: Wilson 95 % interval [31.27, 83.18] (Wilson 1927; e.g. Newcombe 1998, method 3).
    plain = area_opinion(ratings_with_share(["health"], 0.6, raters=10), None, framework.area_codes, 5)["health"]
    assert plain["o"] == 60.0 and plain["ci95"] == [31.27, 83.18] and plain["n_effective"] == 10.0
    # The good raters weigh 2, the others 1: share 12/16 = 75 %, Kish n = 16² / (6·4 + 4·1) = 9.14.
    weights = pd.Series({i: 2.0 if i < 6 else 1.0 for i in range(10)})
    weighted = area_opinion(ratings_with_share(["health"], 0.6, raters=10), weights, framework.area_codes, 5)
    entry = weighted["health"]
    assert entry["o"] == 75.0 and entry["n_effective"] == round(256 / 28, 2)
    z, n, p = 1.959963984540054, 256 / 28, 0.75
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert entry["ci95"] == [round(100 * (centre - half), 2), round(100 * (centre + half), 2)]


def test_without_an_administrative_rating_the_opinion_side_stands_alone(framework):
    side = opinion_side(ratings_with_share(framework.area_codes, 0.6), None, framework, k_min=5)
    assert side["ct_opinion_percent"] == 60.0 and side["ct_combined_percent"] is None
    assert "no administrative rating" in side["missing"] and side["gaps"] == []


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"response_id": [1], "area": ["parks"], "rating": [4]}), "does not have: parks"),
        (pd.DataFrame({"response_id": [1], "area": ["health"], "rating": [7]}), "not a number from 1 to 5"),
        (pd.DataFrame({"response_id": [1], "rating": [4]}), "'area' column"),
    ],
)
def test_bad_ratings_are_refused_with_a_clear_message(framework, frame, message):
    with pytest.raises(AnalysisError, match=message):
        opinion_side(frame, None, framework, k_min=1)
