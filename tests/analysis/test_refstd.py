"""Reference-standard rating (paper 002, formulas 1–8) against the check values of methodology §6."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from refstdhelpers import (
    ADDITIONAL,
    AREAS,
    CITY_76_PERCENT,
    CITY_KEYS,
    PRIORITY,
    city_rows,
    one_city,
    table,
    uniform,
)

from analysis.refstd import RefStdError, parse_value, refstd_csv, refstd_frame, score_refstd
from instruments.refstd import load_refstd_framework

# ------------------------------------------------------------------------------------ check values §6


@pytest.fixture(scope="module")
def framework():
    return load_refstd_framework()


def test_every_indicator_yes_is_100_percent(framework):
    city = one_city(table(uniform("Shu", "Yes")), framework)
    assert city["areas"] == {area: 100.0 for area in AREAS}
    assert (city["s_priority"], city["s_additional"], city["s_ict"]) == (100.0, 100.0, 100.0)
    assert (city["c_priority"], city["c_additional"], city["c_ict"]) == (10, 5, 10)
    assert city["total_points"] == 25
    assert city["ct_percent"] == 100.0
    assert city["weighted_mean_percent"] == 100.0
    assert city["rank"] == 1


def test_every_indicator_no_is_20_percent(framework):
    city = one_city(table(uniform("Shu", "No")), framework)
    assert (city["s_priority"], city["s_additional"], city["s_ict"]) == (0.0, 0.0, 0.0)
    assert (city["c_priority"], city["c_additional"], city["c_ict"]) == (2, 1, 2)  # 0 % still earns 1 point
    assert city["total_points"] == 5
    assert city["ct_percent"] == 20.0
    assert city["weighted_mean_percent"] == 0.0


def test_priority_55_12_additional_44_33_ict_90_is_76_percent(framework):
    rows = city_rows("Ayagoz", CITY_76_PERCENT)
    city = one_city(table(rows), framework)
    assert city["areas"]["education"] == 33.44
    assert city["areas"]["security"] == 60.0
    assert (city["s_priority"], city["s_additional"], city["s_ict"]) == (55.12, 44.33, 90.0)
    assert (city["c_priority"], city["c_additional"], city["c_ict"]) == (6, 3, 10)
    assert city["total_points"] == 19
    assert city["ct_percent"] == 76.0
    assert city["weighted_mean_percent"] == 66.91  # (2·55.12 + 44.33 + 2·90) / 5 = 66.914


def test_the_contract_example(framework):
    """contract.md: S 61.0 / 30.2 / 75.0 -> points 8 + 2 + 8 = 18 -> 72 %, weighted mean 60.44."""
    rows = city_rows("Almaty", {**{a: ["61"] for a in PRIORITY}, **{a: ["30.2"] for a in ADDITIONAL}, "ict": ["75"]})
    city = one_city(table(rows), framework)
    assert (city["s_priority"], city["s_additional"], city["s_ict"]) == (61.0, 30.2, 75.0)
    assert (city["c_priority"], city["c_additional"], city["c_ict"], city["total_points"]) == (8, 2, 8, 18)
    assert (city["ct_percent"], city["weighted_mean_percent"], city["rank"]) == (72.0, 60.44, 1)


def test_a_mean_just_above_an_edge_steps_up(framework):
    rows = city_rows(
        "Shu",
        {
            **{a: ["20"] for a in PRIORITY[1:]},
            "urban_management": ["20.02"],
            **{a: ["no"] for a in ADDITIONAL},
            "ict": ["no"],
        },
    )
    city = one_city(table(rows), framework)
    assert city["s_priority"] == 20.0  # 20.00333… shown rounded
    assert city["c_priority"] == 4  # but S > 20 earns 2 points (× K2)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("0", 1),
        ("20", 1),
        ("20.01", 2),
        ("40", 2),
        ("60", 3),
        ("80", 4),
        ("80.01", 5),
        ("100", 5),
    ],
)
def test_band_edges_through_the_rating(framework, value, points):
    city = one_city(table(uniform("Shu", value, per_area=3)), framework)
    assert (city["c_priority"], city["c_additional"], city["c_ict"]) == (2 * points, points, 2 * points)
    assert city["ct_percent"] == points * 5 * 4.0  # 5·points of 25


def test_floating_point_noise_at_an_edge_does_not_step_up(framework):
    # six priority means whose exact mean is 20 but whose float mean is not exactly 20
    rows = city_rows(
        "Shu",
        {
            "urban_management": ["10.1"],
            "health": ["29.9"],
            "education": ["20.2"],
            "security": ["19.8"],
            "housing_communal": ["20.3"],
            "transport": ["19.7"],
            **{area: ["0.1", "0.2", "59.7"] for area in ADDITIONAL},
            "ict": ["0.1", "0.2", "59.7"],
        },
    )
    city = one_city(table(rows), framework)
    assert city["s_priority"] == 20.0 and city["c_priority"] == 2
    assert city["s_additional"] == 20.0 and city["c_additional"] == 1
    assert city["s_ict"] == 20.0 and city["c_ict"] == 2


def test_paper_ratings_61_and_35_are_not_ct_values(framework):
    """The paper's 61 % and 35 % are not multiples of 4 %; the weighted mean is there to compare."""
    for value in ("0", "33", "61", "77.7", "100"):
        city = one_city(table(uniform("X", value)), framework)
        assert city["ct_percent"] % 4 == 0
        assert city["weighted_mean_percent"] == float(value)


# ---------------------------------------------------------------------------------- rank and shape


def test_ties_share_a_rank_and_are_ordered_by_the_weighted_mean(framework):
    rows = uniform("Shu", "60") + uniform("Ayagoz", "50") + uniform("Shalkar", "41") + uniform("Almaty", "100")
    rows += uniform("Aral", "10")
    cities = score_refstd(table(rows), framework)["cities"]
    assert [(c["city"], c["rank"], c["ct_percent"]) for c in cities] == [
        ("Almaty", 1, 100.0),
        ("Shu", 2, 60.0),
        ("Ayagoz", 2, 60.0),
        ("Shalkar", 2, 60.0),
        ("Aral", 5, 20.0),
    ]
    # the tie is on Ct; inside it the unbanded mean orders the cities, and each says it is tied
    assert [c["weighted_mean_percent"] for c in cities[1:4]] == [60.0, 50.0, 41.0]
    assert [c["tied"] for c in cities] == [False, True, True, True, False]


def test_points_missing_to_the_next_band(framework):
    rows = uniform("Edge", "59.9") + uniform("Top", "90") + uniform("Border", "60")
    cities = {c["city"]: c for c in score_refstd(table(rows), framework)["cities"]}
    assert cities["Edge"]["to_next_band"] == {"priority": 0.1, "additional": 0.1, "ict": 0.1}
    assert cities["Top"]["to_next_band"] == {"priority": None, "additional": None, "ict": None}
    assert cities["Border"]["to_next_band"]["priority"] == 0.0  # at the edge: any increase earns the point


def test_min_ranking_1_1_1_4(framework):
    rows = uniform("B", "yes") + uniform("C", "yes") + uniform("A", "yes") + uniform("D", "no")
    cities = score_refstd(table(rows), framework)["cities"]
    assert [(c["city"], c["rank"]) for c in cities] == [("A", 1), ("B", 1), ("C", 1), ("D", 4)]


def test_output_is_the_contract_shape_without_nan(framework):
    result = score_refstd(table(uniform("Shu", "70") + uniform("Ayagoz", "30")), framework)
    assert list(result) == ["cities"]
    for city in result["cities"]:
        assert list(city) == CITY_KEYS
        assert list(city["areas"]) == AREAS
        assert all(isinstance(city[k], int) for k in ("c_priority", "c_additional", "c_ict", "total_points", "rank"))
        assert all(
            type(city[k]) is float
            for k in ("s_priority", "s_additional", "s_ict", "ct_percent", "weighted_mean_percent")
        )
    json.dumps(result, allow_nan=False)  # raises on NaN or infinity


def test_means_are_rounded_to_two_decimals_half_up(framework):
    rows = uniform("Shu", "yes")
    rows = [r for r in rows if r[1] != "education"] + city_rows("Shu", {"education": ["91.125"]})
    rows = [r for r in rows if r[1] != "health"] + city_rows("Shu", {"health": ["yes", "no", "no"]})
    city = one_city(table(rows), framework)
    assert city["areas"]["education"] == 91.13
    assert city["areas"]["health"] == 33.33


def test_csv_form_has_one_row_per_city_and_area_columns(framework):
    result = score_refstd(table(uniform("Shu", "70") + uniform("=cmd", "30")), framework)
    frame = refstd_frame(result)
    bands = [f"to_next_band_{g}" for g in ("priority", "additional", "ict")]
    expected = ["city"] + [f"area_{a}" for a in AREAS] + CITY_KEYS[2:-1] + bands
    assert list(frame.columns) == expected
    text = refstd_csv(result)
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == expected
    assert back["city"].tolist() == ["Shu", "'=cmd"]  # a name a spreadsheet would run as a formula
    assert back.loc[0, "ct_percent"] == 80.0 and back.loc[0, "area_ict"] == 70.0
    assert "\r" not in text


def test_extra_columns_and_header_case_are_accepted(framework):
    df = pd.DataFrame(uniform("Shu", "yes"), columns=[" City", "AREA", "Indicator", "value "])
    df["year"] = 2019
    df["AREA"] = df["AREA"].str.upper()
    assert one_city(df, framework)["ct_percent"] == 100.0


def test_city_names_are_matched_without_regard_to_case_and_spacing(framework):
    rows = uniform("Ust-Kamenogorsk", "yes")
    rows[3] = ("  ust-kamenogorsk ", *rows[3][1:])
    city = one_city(table(rows), framework)
    assert city["city"] == "Ust-Kamenogorsk"


def test_analysis_module_needs_no_flask_or_orm():
    code = (
        "import sys, analysis.refstd; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


# -------------------------------------------------------------------------------------- properties

YES_NO = ["yes", "no", "Yes", "NO", "да", "нет", "иә", "жоқ"]
value_strategy = st.one_of(
    st.sampled_from(YES_NO),
    st.integers(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=100, places=2).map(str),
)
city_strategy = st.fixed_dictionaries({area: st.lists(value_strategy, min_size=1, max_size=4) for area in AREAS})
PROPERTY_SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.lists(city_strategy, min_size=1, max_size=4))
def test_ct_is_a_multiple_of_4_between_20_and_100(cities):
    framework = load_refstd_framework()
    rows = [r for n, by_area in enumerate(cities) for r in city_rows(f"City {n}", by_area)]
    try:
        result = score_refstd(table(rows), framework)
    except RefStdError as exc:  # percentages that are all 0 or 1 are refused on purpose (methodology §6.6)
        assert "every percentage in the file is 0 or 1" in str(exc)  # noqa: PT017
        reject()
    json.dumps(result, allow_nan=False)
    assert len(result["cities"]) == len(cities)
    for city in result["cities"]:
        assert 20 <= city["ct_percent"] <= 100
        assert city["ct_percent"] % 4 == 0
        assert 0 <= city["weighted_mean_percent"] <= 100
        assert all(0 <= mean <= 100 for mean in city["areas"].values())
        assert city["total_points"] == city["c_priority"] + city["c_additional"] + city["c_ict"]
    ranks = [c["rank"] for c in result["cities"]]
    assert ranks == sorted(ranks) and ranks[0] == 1


@PROPERTY_SETTINGS
@given(city_strategy, st.data())
def test_improving_a_value_never_lowers_ct(by_area, data):
    framework = load_refstd_framework()
    rows = city_rows("Shu", by_area)
    before = one_city(table(rows), framework)
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    current = parse_value(rows[index][3], framework)
    better = data.draw(st.floats(min_value=current, max_value=100, allow_nan=False))
    rows[index] = (*rows[index][:3], better)
    after = one_city(table(rows), framework)
    assert after["ct_percent"] >= before["ct_percent"]
    assert after["weighted_mean_percent"] >= before["weighted_mean_percent"]
    assert after["total_points"] >= before["total_points"]


@PROPERTY_SETTINGS
@given(st.lists(city_strategy, min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_row_order_is_irrelevant(cities, random):
    framework = load_refstd_framework()
    rows = [r for n, by_area in enumerate(cities) for r in city_rows(f"City {n}", by_area)]
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert score_refstd(table(shuffled), framework) == score_refstd(table(rows), framework)
