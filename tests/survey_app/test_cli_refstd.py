"""`scri refstd score FILE --format json|csv` (contract: reference-standard rating of paper 002)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from survey_app.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "refstd_2019_sample.csv"
AREAS = [
    "urban_management",
    "health",
    "education",
    "security",
    "housing_communal",
    "transport",
    "social",
    "ecology",
    "business_tourism",
    "construction",
    "agriculture",
    "ict",
]


@pytest.fixture
def refstd(runner):
    """Run `scri refstd score ARGS...`; returns the click result."""

    def run(*args):
        return runner.invoke(main, ["refstd", "score", *map(str, args)])

    return run


@pytest.fixture
def indicator_file(tmp_path):
    """Factory: a CSV of one city with `value` in every area, changed by `extra` rows; returns its path."""

    def make(rows=None, city="Shu", value="yes", name="input.csv"):
        lines = ["city,area,indicator,value"]
        lines += [f"{city},{area},{area}_1,{value}" for area in AREAS]
        lines += rows or []
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return make


def assert_user_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_json_rating_of_the_example_file(refstd):
    result = refstd(SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    cities = data["cities"]
    assert [(c["city"], c["rank"], c["ct_percent"]) for c in cities] == [
        ("Altynqala", 1, 92.0),
        ("Zhasylkol", 2, 56.0),  # tied on Ct, ordered by the unbanded weighted mean
        ("Tasbulaq", 2, 56.0),
    ]
    first = cities[0]
    assert list(first) == [
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
        "tied",
        "to_next_band",
    ]
    assert list(first["areas"]) == AREAS
    assert (first["c_priority"], first["c_additional"], first["c_ict"], first["total_points"]) == (10, 3, 10, 23)


def test_json_is_the_default_format(refstd):
    result = refstd(SAMPLE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["cities"][0]["city"] == "Altynqala"


def test_csv_rating_one_row_per_city(refstd):
    result = refstd(SAMPLE, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["city"] for r in rows] == ["Altynqala", "Zhasylkol", "Tasbulaq"]  # tied on Ct: by the weighted mean
    assert [f"area_{a}" for a in AREAS] == [k for k in rows[0] if k.startswith("area_")]
    assert rows[0]["ct_percent"] == "92.0" and rows[0]["rank"] == "1"


def test_all_yes_and_all_no(refstd, indicator_file):
    assert json.loads(refstd(indicator_file(value="Иә")).stdout)["cities"][0]["ct_percent"] == 100.0
    assert json.loads(refstd(indicator_file(value="нет")).stdout)["cities"][0]["ct_percent"] == 20.0


def test_xlsx_input(refstd, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["city", "area", "indicator", "value"])
    for area in AREAS:
        sheet.append(["Ayagoz", area, f"{area}_1", 90])
    path = tmp_path / "rating.xlsx"
    workbook.save(path)
    result = refstd(path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["cities"][0]["total_points"] == 25


def test_unknown_area_is_one_line_naming_the_row(refstd, indicator_file):
    result = refstd(indicator_file(["Shu,helth,e_appointment,yes"]))
    assert_user_error(result, "input.csv", "row 14", "unknown area 'helth'", "header is row 1")


def test_value_outside_0_100_names_the_row(refstd, indicator_file):
    assert_user_error(refstd(indicator_file(["Shu,ict,wifi,120"])), "row 14", "outside 0–100")


def test_empty_area_group_names_city_and_area(refstd, indicator_file, tmp_path):
    path = indicator_file()
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if ",transport," not in line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_user_error(refstd(path, "--format", "csv"), "city 'Shu'", "transport (priority)")


def test_missing_column_missing_file_and_binary_file(refstd, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("city,area,value\nShu,ict,yes\n", encoding="utf-8")
    assert_user_error(refstd(path), "missing column(s) indicator")
    assert_user_error(refstd(tmp_path / "nope.csv"), "no such file")
    fake = tmp_path / "fake.csv"
    fake.write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)))
    assert_user_error(refstd(fake), "rename it to .xlsx")


def test_another_framework_file(refstd, indicator_file, tmp_path):
    text = (ROOT / "instruments" / "data" / "kz_reference_standard.yaml").read_text(encoding="utf-8")
    framework = tmp_path / "strict.yaml"
    framework.write_text(text.replace("K2: 2", "K2: 3").replace("max_score: 25", "max_score: 35"), encoding="utf-8")
    result = refstd(indicator_file(value="no"), "--framework", framework)
    assert result.exit_code == 0, result.stderr
    city = json.loads(result.stdout)["cities"][0]
    assert (city["c_priority"], city["c_additional"], city["c_ict"], city["total_points"]) == (3, 1, 3, 7)
    assert city["ct_percent"] == 20.0


def test_a_broken_framework_is_one_line(refstd, indicator_file, tmp_path):
    framework = tmp_path / "broken.yaml"
    text = (ROOT / "instruments" / "data" / "kz_reference_standard.yaml").read_text(encoding="utf-8")
    framework.write_text(
        text.replace("max_score: 25", "max_score: 30").replace("group: ict", "group: itc"), encoding="utf-8"
    )
    assert_user_error(
        refstd(indicator_file(), "--framework", framework), "broken.yaml: area ict: group 'itc'", "max_score"
    )


def test_help(runner):
    result = runner.invoke(main, ["refstd", "score", "--help"])
    assert result.exit_code == 0
    assert "--format [json|csv]" in result.output


def test_a_round_is_rated_on_both_sides_with_the_combined_rating(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["refstd", "score", "--round", "shu-2025"])
    assert result.exit_code == 0, result.output
    city = json.loads(result.output)["cities"][0]
    opinion = city["opinion"]
    assert city["city"] == "Shu" and city["ct_percent"] % 4 == 0
    assert opinion["ct_opinion_percent"] % 4 == 0 and opinion["missing"] is None
    assert city["ct_combined_percent"] == pytest.approx(0.5 * city["ct_percent"] + 0.5 * opinion["ct_opinion_percent"])
    # Paper 002's pattern: the akimat reports education and urban management high, business and tourism low,
    # and residents rate most areas below what the akimat reports.
    admin = city["areas"]
    assert min(admin["education"], admin["urban_management"]) > max(admin["business_tourism"], 50)
    below = [code for code, entry in opinion["areas"].items() if entry.get("gap", 0) > 0]
    assert len(below) >= 8
    assert opinion["gaps"][0] in below and opinion["areas"][opinion["gaps"][0]]["gap"] > 20

    as_csv = demo_app.test_cli_runner().invoke(args=["refstd", "score", "--round", "shu-2025", "--format", "csv"])
    row = next(csv.DictReader(io.StringIO(as_csv.output)))
    assert float(row["ct_opinion_percent"]) == opinion["ct_opinion_percent"]
    assert float(row["gap_education"]) == opinion["areas"]["education"]["gap"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either FILE or --round SLUG"),
        (["--round", "nowhere-2025"], "Unknown round 'nowhere-2025'"),
        (["--round", "shu-2025", "--framework", "x.yaml"], "--framework applies to a FILE"),
    ],
)
def test_bad_round_arguments_get_one_line(demo_app, args, message):
    result = demo_app.test_cli_runner().invoke(args=["refstd", "score", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
