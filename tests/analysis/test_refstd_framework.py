"""The reference-standard framework file (paper 002) and the reader of indicator files."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.refstd import score_refstd
from analysis.refstd_table import parse_value
from instruments.refstd import (
    DEFAULT_FRAMEWORK_FILE,
    RefStdFrameworkError,
    RefStdInputError,
    load_refstd_framework,
    parse_refstd_framework,
    read_refstd_table,
)
from instruments.refstd.table import MAX_TABLE_ROWS

PRIORITY = ["urban_management", "health", "education", "security", "housing_communal", "transport"]
ADDITIONAL = ["social", "ecology", "business_tourism", "construction", "agriculture"]
KAZAKH_LETTERS = set("әғқңөұүһі")
CYRILLIC_OR_NEUTRAL = re.compile(r"^[\u0400-\u04ff\s\d«»“”\"'()\-–—,.:;/]*$")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def framework():
    return load_refstd_framework()


@pytest.fixture
def raw():
    return yaml.safe_load(DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8"))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def write(tmp_path, data, name="kz_test.yaml"):
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------- the 2019 framework


def test_twelve_areas_in_three_groups(framework):
    assert framework.area_codes == tuple(PRIORITY + ADDITIONAL + ["ict"])
    assert [a.code for a in framework.areas_of("priority")] == PRIORITY
    assert [a.code for a in framework.areas_of("additional")] == ADDITIONAL
    assert [a.code for a in framework.areas_of("ict")] == ["ict"]
    assert [g.code for g in framework.groups] == ["priority", "additional", "ict"]


def test_parameters_are_those_of_paper_002(framework):
    assert framework.coefficients == {"K1": 1, "K2": 2}
    assert {g.code: (g.factor, g.coefficient) for g in framework.groups} == {
        "priority": ("K2", 2),
        "additional": ("K1", 1),
        "ict": ("K2", 2),
    }
    assert [(b.up_to, b.points) for b in framework.bands] == [(20, 1), (40, 2), (60, 3), (80, 4), (100, 5)]
    assert framework.max_score == 25
    assert (framework.value_min, framework.value_max) == (0, 100)
    assert (framework.yes_value, framework.no_value) == (100, 0)
    assert framework.yes_words == {"yes", "да", "иә"}
    assert framework.no_words == {"no", "нет", "жоқ"}


@pytest.mark.parametrize(
    ("mean", "points"),
    [
        (0, 1),
        (20, 1),
        (20.01, 2),
        (40, 2),
        (40.01, 3),
        (60, 3),
        (60.5, 4),
        (80, 4),
        (80.01, 5),
        (100, 5),
        (20 + 1e-12, 1),  # floating-point noise at an edge is not a step up
    ],
)
def test_band_edges(framework, mean, points):
    assert framework.points(mean) == points


def test_every_label_has_three_languages_and_kazakh_is_cyrillic(framework):
    labelled = list(framework.groups) + list(framework.areas)
    labelled += [i for a in framework.areas for i in a.indicators]
    for item in labelled:
        assert set(item.label) == {"kk", "ru", "en"}, item.code
        assert all(text.strip() for text in item.label.values()), item.code
    for item in list(framework.groups) + list(framework.areas):
        assert CYRILLIC_OR_NEUTRAL.match(item.label["kk"]), item.label["kk"]
        assert CYRILLIC_OR_NEUTRAL.match(item.label["ru"]), item.label["ru"]
    kazakh = "".join(i.label["kk"] for a in framework.areas for i in a.indicators)
    assert KAZAKH_LETTERS <= set(kazakh.lower()) | {"һ"}  # һ is rare in these terms
    assert framework.area("health").label == {"kk": "Денсаулық сақтау", "ru": "Здравоохранение", "en": "Health care"}


def test_each_area_lists_three_to_eight_example_indicators(framework):
    codes = [i.code for a in framework.areas for i in a.indicators]
    assert len(codes) == len(set(codes))
    for area in framework.areas:
        assert 3 <= len(area.indicators) <= 8, area.code
    education = {i.code for i in framework.area("education").indicators}
    assert {"school_e_journal", "kindergarten_online_queue"} <= education
    assert "online_doctor_appointment" in {i.code for i in framework.area("health").indicators}
    assert {"public_wifi", "city_data_centre"} <= {i.code for i in framework.area("ict").indicators}


def test_default_framework_is_loaded_once(framework):
    assert load_refstd_framework() is framework
    assert load_refstd_framework(DEFAULT_FRAMEWORK_FILE) == framework


# ------------------------------------------------------------------------------------------ validation


def test_every_problem_at_once_naming_file_and_area(tmp_path, raw):
    areas = {a["code"]: a for a in raw["areas"]}
    areas["health"]["group"] = "priorty"
    del areas["ecology"]["label"]["kk"]
    areas["transport"]["indicators"][0]["code"] = "Bad Code"
    with pytest.raises(RefStdFrameworkError) as info:
        load_refstd_framework(write(tmp_path, raw))
    text = str(info.value)
    assert "kz_test.yaml: area health: group 'priorty' is not one of the groups" in text
    assert "kz_test.yaml: area ecology: missing translation: label in 'kk'" in text
    assert "kz_test.yaml: area transport: indicator 1 has an invalid code 'Bad Code'" in text
    assert len(info.value.problems) == 3
    assert {p.where for p in info.value.problems} == {"area health", "area ecology", "area transport"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(max_score=30), "max_score: is 30 but the groups can score at most 25"),
        (lambda d: d["bands"].reverse(), "band 2: up_to 80 must be above the previous band's 100"),
        (lambda d: d["bands"].pop(), "bands: the last band ends at 80, below the largest value 100"),
        (lambda d: d["groups"][0].update(coefficient="K3"), "group priority: coefficient 'K3' is not one of"),
        (lambda d: d["areas"].append(copy.deepcopy(d["areas"][0])), "area urban_management: area code is used twice"),
        (lambda d: d["areas"].pop(), "group ict: has no area"),
        (lambda d: d["values"].update(no_words=["no", "yes"]), "values: words used for both yes and no: yes"),
        (lambda d: d["values"].update(max=0), "values: min must be less than max"),
        (lambda d: d.update(colour="blue"), "unknown key 'colour'"),
        (lambda d: d["coefficients"].update(K2=0), "coefficients: factor K2 must be greater than 0"),
        (lambda d: d.update(opinion={"weight": 1.5}), "opinion.weight: must be a number from 0 to 1, not 1.5"),
        (lambda d: d.update(opinion={"weight": "half"}), "opinion.weight: must be a number from 0 to 1, not 'half'"),
        (lambda d: d.update(opinion={"min_coverage": -0.1}), "opinion.min_coverage: must be a number from 0 to 1"),
        (lambda d: d.update(opinion={"wieght": 0.5}), "opinion: unknown key 'wieght'"),
    ],
)
def test_a_broken_framework_is_refused_with_its_reason(tmp_path, raw, change, message):
    change(raw)
    with pytest.raises(RefStdFrameworkError) as info:
        load_refstd_framework(write(tmp_path, raw))
    assert message in str(info.value)


def test_unquoted_yes_and_no_keys_are_caught(tmp_path):
    text = DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8")
    text = text.replace("yes_words:", "yes:").replace("no_words:", "no:")
    path = tmp_path / "yaml11.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RefStdFrameworkError, match="yes_words must be a non-empty list"):
        load_refstd_framework(path)


def test_missing_or_malformed_files(tmp_path):
    with pytest.raises(RefStdFrameworkError, match="no such file"):
        load_refstd_framework(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("areas: [unclosed\n", encoding="utf-8")
    with pytest.raises(RefStdFrameworkError, match=r"bad.yaml: not valid YAML \(line"):
        load_refstd_framework(bad)
    with pytest.raises(RefStdFrameworkError, match="must be a mapping"):
        parse_refstd_framework(["not", "a", "mapping"], "list.yaml")


def test_a_new_methodology_is_a_new_file_not_new_code(tmp_path):
    """Two groups, four bands, factors 1 and 3: the same code rates by the new file."""
    label = {"kk": "Сала", "ru": "Сфера", "en": "Area"}
    data = {
        "code": "new_method",
        "version": 1,
        "title": label,
        "coefficients": {"A": 1, "B": 3},
        "groups": [
            {"code": "core", "coefficient": "B", "label": label},
            {"code": "extra", "coefficient": "A", "label": label},
        ],
        "bands": [
            {"up_to": 25, "points": 1},
            {"up_to": 50, "points": 2},
            {"up_to": 75, "points": 3},
            {"up_to": 100, "points": 4},
        ],
        "max_score": 16,
        "values": {"min": 0, "max": 100, "yes_value": 100, "no_value": 0, "yes_words": ["yes"], "no_words": ["no"]},
        "areas": [
            {"code": "one", "group": "core", "label": label},
            {"code": "two", "group": "core", "label": label},
            {"code": "three", "group": "extra", "label": label},
        ],
    }
    framework = load_refstd_framework(write(tmp_path, data, "new.yaml"))
    df = pd.DataFrame(
        [("X", "one", "i1", "yes"), ("X", "two", "i2", "20"), ("X", "three", "i3", "no")],
        columns=["city", "area", "indicator", "value"],
    )
    city = score_refstd(df, framework)["cities"][0]
    assert city["areas"] == {"one": 100.0, "two": 20.0, "three": 0.0}
    assert (city["s_core"], city["c_core"], city["s_extra"], city["c_extra"]) == (60.0, 9, 0.0, 1)
    assert city["total_points"] == 10
    assert city["ct_percent"] == 62.5
    assert city["weighted_mean_percent"] == 45.0  # (3·60 + 1·0) / 4


# --------------------------------------------------------------------------------------- input reader


def test_reads_csv_with_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "City, Area ,indicator,value,source\n"
        "Шу,health,e_appointment,иә,akimat\n"
        "\n"
        'Шу,education,"e diary, schools",62.5,akimat\n',
        encoding="utf-8",
    )
    df = read_refstd_table(path)
    assert list(df.columns) == ["city", "area", "indicator", "value", "source"]
    assert df.index.name == "row"
    assert list(df.index) == [2, 4]
    assert df.loc[4, "indicator"] == "e diary, schools"
    assert df.loc[2, "value"] == "иә"


def test_reads_utf8_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("city;area;indicator;value\r\nАягөз;ict;public_wifi;62,5\r\n".encode("utf-8-sig"))
    df = read_refstd_table(path)
    assert list(df.columns) == ["city", "area", "indicator", "value"]
    assert df.loc[2].tolist() == ["Аягөз", "ict", "public_wifi", "62,5"]


def test_reads_xlsx_with_cell_types(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["city", "area", "indicator", "value"])
    sheet.append(["Shalkar", "ict", "public_wifi", True])
    sheet.append([None, None, None, None])
    sheet.append(["Shalkar", "ict", "data_centre", 45.5])
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    df = read_refstd_table(path)
    assert list(df.index) == [2, 4]
    assert df.loc[2, "value"] is True
    assert df.loc[4, "value"] == 45.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "rename it to .xlsx"),
        (b"\x00\x01\x02binary\x00", "binary file, not CSV text"),
        ("city,area\nZürich,café\n".encode("latin-1"), "neither UTF-8 nor Windows Cyrillic"),
        (b"\xff\xfe" + "city,area".encode("utf-16-le"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Excel .xls"),
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
    ],
)
def test_refuses_what_is_not_csv_text(tmp_path, content, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(RefStdInputError, match=re.escape(message)):
        read_refstd_table(path)


def test_refuses_a_broken_workbook_and_a_missing_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(RefStdInputError, match="not a readable .xlsx workbook"):
        read_refstd_table(path)
    with pytest.raises(RefStdInputError, match="no such file"):
        read_refstd_table(tmp_path / "missing.csv")
    with pytest.raises(RefStdInputError, match="is a folder, not a file"):
        read_refstd_table(tmp_path)


def test_a_decimal_comma_that_splits_a_row_names_the_row(tmp_path):
    path = tmp_path / "comma.csv"
    path.write_text("city,area,indicator,value\nШу,ict,wifi,55\nШу,ict,dc,55,5\n", encoding="utf-8")
    with pytest.raises(RefStdInputError) as info:
        read_refstd_table(path)
    assert "row 3:" in str(info.value) and "decimal comma" in str(info.value)


def test_rows_are_capped(tmp_path):
    assert MAX_TABLE_ROWS == 100_000
    path = tmp_path / "big.csv"
    path.write_text("city,area,indicator,value\n" + "".join(f"A,ict,i{i},1\n" for i in range(6)), encoding="utf-8")
    assert len(read_refstd_table(path, max_rows=6)) == 6
    with pytest.raises(RefStdInputError, match="more than 5 data rows"):
        read_refstd_table(path, max_rows=5)


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("city,area,indicator,value,Value\nA,ict,i,1,2\n", encoding="utf-8")
    with pytest.raises(RefStdInputError, match="names a column twice: value"):
        read_refstd_table(path)


def test_the_example_file_reads_and_rates(framework):
    df = read_refstd_table(ROOT / "examples" / "refstd_2019_sample.csv")
    result = score_refstd(df, framework)
    assert [c["city"] for c in result["cities"]] == [
        "Altynqala",
        "Zhasylkol",
        "Tasbulaq",
    ]  # tied on Ct: by the weighted mean
    assert [c["rank"] for c in result["cities"]] == [1, 2, 2]
    for city in result["cities"]:
        assert set(city["areas"]) == set(framework.area_codes)


def test_an_indicator_without_its_method_is_named(tmp_path):
    text = Path(DEFAULT_FRAMEWORK_FILE).read_text(encoding="utf-8").replace("        method: yes/no\n", "", 1)
    text = text.replace("method: percent", "method: share", 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(RefStdFrameworkError) as info:
        load_refstd_framework(broken)
    message = str(info.value)
    assert "broken.yaml" in message and "indicator 'city_gis': method is missing (write yes/no or percent)" in message
    assert "method 'share' is not yes/no or percent" in message


def test_values_are_read_by_each_indicators_method():
    fw = load_refstd_framework()
    assert parse_value("1", fw, "yes/no") == 100.0 and parse_value(0, fw, "yes/no") == 0.0
    assert parse_value("Иә", fw, "yes/no") == 100.0
    with pytest.raises(ValueError, match="is not yes, no, 1 or 0"):
        parse_value("62", fw, "yes/no")
    with pytest.raises(ValueError, match="is a yes/no word, but this indicator is a percentage"):
        parse_value("yes", fw, "percent")
    assert parse_value("1", fw, "percent") == 1.0 and parse_value("1", fw) == 1.0


def test_the_opinion_weight_comes_from_the_framework_file(tmp_path, raw, framework):
    assert (framework.opinion_weight, framework.opinion_min_coverage) == (0.5, 0.6667)
    raw["opinion"] = {"weight": 0.7}
    changed = load_refstd_framework(write(tmp_path, raw))
    assert changed.opinion_weight == 0.7 and changed.opinion_min_coverage == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.parametrize("encoding", ["cp1251", "kz1048", "utf-8-sig"])
def test_reads_what_russian_and_kazakh_locale_excel_saves(tmp_path, encoding):
    """Excel in a Russian or Kazakh locale saves "CSV (разделитель — точка с запятой)" in the Windows code page
    (1251, or KZ-1048 with the Kazakh letters), with ';' between cells and a decimal comma."""
    text = "город;область;индикатор;значение\r\nШу;ict;wifi;55,5\r\n"
    if encoding == "kz1048":
        text = text.replace("Шу", "Шалқар")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode(encoding))
    df = read_refstd_table(path)
    assert list(df.columns) == ["город", "область", "индикатор", "значение"]
    assert df.loc[2, "город"] == ("Шалқар" if encoding == "kz1048" else "Шу")
    assert df.loc[2, "значение"] == "55,5"
