"""The indicator table of the reference-standard rating: values read as % of implementation, every problem
named by its row."""

from __future__ import annotations

import pandas as pd
import pytest
from refstdhelpers import (
    COLUMNS,
    table,
    uniform,
)

from analysis.refstd import RefStdError, parse_value, score_refstd
from instruments.refstd import load_refstd_framework

# ------------------------------------------------------------------------------------------ values


@pytest.fixture(scope="module")
def framework():
    return load_refstd_framework()


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
