"""Reference-standard rating (paper 002, formulas 1–8) against the check values of methodology §6."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.refstd import RefStdError, parse_value, refstd_csv, refstd_frame, score_refstd
from instruments.refstd import load_refstd_framework

COLUMNS = ["city", "area", "indicator", "value"]
PRIORITY = ["urban_management", "health", "education", "security", "housing_communal", "transport"]
ADDITIONAL = ["social", "ecology", "business_tourism", "construction", "agriculture"]
AREAS = PRIORITY + ADDITIONAL + ["ict"]
CITY_KEYS = [
    "city",
    "areas",
    "s_priority",
    "s_additional",
    "s_ict",
    "c_priority",
    "c_additional",
    "c_ict",
    "total_points",
    "ct_percent",
    "weighted_mean_percent",
    "rank",
]


@pytest.fixture(scope="module")
def framework():
    return load_refstd_framework()


def table(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


def city_rows(city, by_area):
    """Rows for one city from {area: [value, ...]}; indicators are named <area>_<n>."""
    return [
        (city, area, f"{area}_{n}", value)
        for area, values in by_area.items()
        for n, value in enumerate(values, start=1)
    ]


def uniform(city, value, per_area=2):
    return city_rows(city, {area: [value] * per_area for area in AREAS})


def one_city(df, framework):
    cities = score_refstd(df, framework)["cities"]
    assert len(cities) == 1
    return cities[0]


# ------------------------------------------------------------------------------------ check values §6


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
    rows = city_rows(
        "Ayagoz",
        {
            # area means 100, 50, 33.44, 60, 40, 47.28 -> S_pa = 330.72 / 6 = 55.12
            "urban_management": ["yes", "да"],
            "health": ["yes", "no"],
            "education": ["33.44"],
            "security": ["иә", "20", "60"],
            "housing_communal": [40],
            "transport": ["47.28"],
            # 66.65, 0, 55, 50, 50 -> S_add = 221.65 / 5 = 44.33
            "social": ["66.65"],
            "ecology": ["нет", "жоқ"],
            "business_tourism": ["55"],
            "construction": ["yes", "no"],
            "agriculture": ["50"],
            # (100 + 80 + 90) / 3 = 90
            "ict": ["YES", "80", "90"],
        },
    )
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


# ------------------------------------------------------------------------------------------ values


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", " yes ", "да", "Да", "ДА", "иә", "Иә", "ИӘ", "иə", True])
def test_yes_synonyms(framework, word):
    assert parse_value(word, framework) == 100.0


@pytest.mark.parametrize("word", ["no", "No", "NO", "нет", "Нет", "НЕТ", "жоқ", "Жоқ", "ЖОҚ", False])
def test_no_synonyms(framework, word):
    assert parse_value(word, framework) == 0.0


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("0", 0.0),
        ("100", 100.0),
        ("62.5", 62.5),
        ("62,5", 62.5),
        ("75%", 75.0),
        (" 75 % ", 75.0),
        (55, 55.0),
        (33.3, 33.3),
        ("-0", 0.0),
        (".5", 0.5),
    ],
)
def test_numbers(framework, value, number):
    assert parse_value(value, framework) == number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("101", "outside 0–100"),
        ("-1", "outside 0–100"),
        (100.5, "outside 0–100"),
        ("maybe", "is not yes"),
        ("nan", "is not yes"),
        ("inf", "is not yes"),
        ("1e2", "is not yes"),
        ("", "value is empty"),
        (None, "value is empty"),
        (float("nan"), "value is empty"),
        (float("inf"), "not a finite number"),
        ("1,2,3", "is not yes"),
        (pd.Timestamp("2019-01-01"), "is not yes"),
    ],
)
def test_bad_values(framework, value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_value(value, framework)


# ---------------------------------------------------------------------------------- rank and shape


def test_ties_share_a_rank_and_sort_by_name(framework):
    rows = uniform("Shu", "60") + uniform("Ayagoz", "50") + uniform("Shalkar", "41") + uniform("Almaty", "100")
    rows += uniform("Aral", "10")
    cities = score_refstd(table(rows), framework)["cities"]
    assert [(c["city"], c["rank"], c["ct_percent"]) for c in cities] == [
        ("Almaty", 1, 100.0),
        ("Ayagoz", 2, 60.0),
        ("Shalkar", 2, 60.0),
        ("Shu", 2, 60.0),
        ("Aral", 5, 20.0),
    ]
    # the tie is on Ct, not on the unbanded mean
    assert [c["weighted_mean_percent"] for c in cities[1:4]] == [50.0, 41.0, 60.0]


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
    expected = ["city"] + [f"area_{a}" for a in AREAS] + CITY_KEYS[2:]
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


# --------------------------------------------------------------------------------------------- errors


def problems_of(df, framework):
    with pytest.raises(RefStdError) as info:
        score_refstd(df, framework)
    assert "\n" not in str(info.value)  # one line, for the command line
    return info.value


def test_unknown_area_names_the_spreadsheet_row(framework):
    rows = uniform("Shu", "yes")
    rows[5] = ("Shu", "helth", "x", "yes")  # 6th data row -> row 7 under the header
    error = problems_of(table(rows), framework)
    assert error.problems[0] == "row 7: unknown area 'helth' (did you mean 'health'?)"
    assert "header is row 1" in str(error)
    assert "area must be one of: urban_management, health" in str(error)


def test_value_outside_0_100_names_the_row(framework):
    rows = uniform("Shu", "yes")
    rows[0] = ("Shu", "urban_management", "urban_management_1", "120")
    error = problems_of(table(rows), framework)
    assert error.problems == ["row 2: value '120' is outside 0–100"]
    assert str(error).startswith("1 problem (rows numbered as in a spreadsheet, the header is row 1): row 2:")


def test_a_value_that_is_not_yes_no_or_a_number_names_the_row(framework):
    rows = uniform("Shu", "yes")
    rows[2] = ("Shu", rows[2][1], rows[2][2], "partly")
    error = problems_of(table(rows), framework)
    assert error.problems[0].startswith("row 4: value 'partly' is not yes (")


def test_missing_columns(framework):
    df = pd.DataFrame([("Shu", "ict", "1")], columns=["city", "area", "value"])
    error = problems_of(df, framework)
    assert "missing column(s) indicator" in str(error) and "row 1" in str(error)


def test_no_data_rows(framework):
    assert "no data rows" in str(problems_of(pd.DataFrame(columns=COLUMNS), framework))


def test_an_area_without_indicators_names_the_city_and_area(framework):
    rows = [r for r in uniform("Shu", "yes") if r[1] not in ("transport", "agriculture")]
    rows += [r for r in uniform("Ayagoz", "yes") if r[1] != "ict"]
    rows += uniform("Shalkar", "yes")
    error = problems_of(table(rows), framework)
    assert error.problems == [
        "city 'Shu' has no indicator in area(s) transport (priority), agriculture (additional); every area "
        "needs at least one (a group's mean averages all its areas)",
        "city 'Ayagoz' has no indicator in area(s) ict (ict); every area needs at least one (a group's mean "
        "averages all its areas)",
    ]


def test_duplicate_city_and_indicator_names_both_rows(framework):
    rows = uniform("Shu", "yes")
    rows.append(("SHU", "health", "Health_1", "no"))
    error = problems_of(table(rows), framework)
    assert error.problems == [f"row {len(rows) + 1}: indicator 'Health_1' of city 'SHU' is already given in row 4"]


def test_all_row_errors_are_reported_together(framework):
    rows = uniform("Shu", "yes")
    rows[0] = ("", "urban_management", "a", "yes")
    rows[1] = ("Shu", "", "b", "yes")
    rows[2] = ("Shu", "health", "", "yes")
    rows[3] = ("Shu", "health", "d", "")
    rows[4] = ("Shu", "nowhere", "e", "200")
    error = problems_of(table(rows), framework)
    assert error.problems[:6] == [
        "row 2: city is empty",
        "row 3: area is empty",
        "row 4: indicator is empty",
        "row 5: value is empty (write yes, no or a number from 0 to 100, or leave the indicator out)",
        "row 6: unknown area 'nowhere'",
        "row 6: value '200' is outside 0–100",
    ]
    assert str(error).startswith("7 problems (rows numbered as in a spreadsheet, the header is row 1)")


def test_row_numbers_come_from_the_file_when_the_index_is_named_row(framework):
    df = table(uniform("Shu", "yes"))
    df.index = pd.Index(range(10, 10 + len(df)), name="row")
    df.loc[12, "value"] = "lots"
    assert problems_of(df, framework).problems[0].startswith("row 12: value 'lots'")


def test_problems_are_capped(framework):
    rows = [("Shu", "ict", f"i{n}", "999") for n in range(1000)]
    error = problems_of(table(rows), framework)
    assert len(error.problems) == 201
    assert error.problems[-1] == "checking stopped after 200 problems"
    assert "… and 186 more" in str(error)
    assert len(str(error)) < 2000


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
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.lists(city_strategy, min_size=1, max_size=4))
def test_ct_is_a_multiple_of_4_between_20_and_100(cities):
    framework = load_refstd_framework()
    rows = [r for n, by_area in enumerate(cities) for r in city_rows(f"City {n}", by_area)]
    result = score_refstd(table(rows), framework)
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
