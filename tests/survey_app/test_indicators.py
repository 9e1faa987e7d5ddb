"""Indicator import: every kind of error named with its spreadsheet row, all or nothing, upsert; CLI and console."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from instruments.refstd import read_refstd_table
from survey_app.extensions import db
from survey_app.models import AuditEvent, City, IndicatorValue
from survey_app.services.indicators import catalogue, validate_rows
from survey_app.services.users import create_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"
BAD_FILE = (
    "city,indicator,value,year,source\n"
    "Shu,broadband_households_pct,64.5,2025,Stat\n"  # 2 valid
    'шу,pm25_annual_ugm3,"18,5",2025,\n'  # 3 valid: Cyrillic name, decimal comma
    "Atlantis,pm25_annual_ugm3,3,2025,\n"  # 4 unknown city
    "Shu,nope,1,2025,\n"  # 5 unknown indicator
    "Shu,broadband_households_pct,abc,2024,\n"  # 6 not a number
    "Shu,broadband_households_pct,120,2023,\n"  # 7 out of range
    "Shu,open_data_portal,yes,,\n"  # 8 no year (valid with a default year)
    "Shu,broadband_households_pct,60,2025,\n"  # 9 duplicate of row 2
    "Shu,rs:urban_management:city_gis,да,2025,\n"  # 10 valid: reference standard, yes word
    "Shu,rs:urban_management:situation_centre,101,2025,\n"  # 11 not a yes/no code
    "Shu,rs:education:school_broadband,101,2025,\n"  # 12 a percentage out of 0-100
)
EXPECTED = [
    "row 4: unknown city 'Atlantis'",
    "row 5: unknown indicator 'nope'",
    "row 6: 'abc' is not a number",
    "row 7: 120 is outside the valid range",
    "row 8: the year is missing",
    "row 9: the same city, indicator and year as row 2",
    "row 11: 101 is not 1 (yes) or 0 (no)",
    "row 12: 101 is outside the valid range",
]


def _values(app) -> dict:
    with app.app_context():
        return {(v.indicator, v.year): v.value for v in db.session.scalars(select(IndicatorValue))}


def _user(app, email, role, slugs):
    with app.app_context():
        ids = [c.id for c in db.session.scalars(select(City)) if c.slug in slugs]
        create_user(email, PASSWORD, role, ids)
        db.session.commit()


def _login(client, email) -> str:
    page = client.get("/console/login").get_data(as_text=True)
    client.post("/console/login", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD})
    return CSRF.search(client.get("/console/indicators?lang=en").get_data(as_text=True)).group(1)


@pytest.fixture
def bad_file(tmp_path, make_city):
    make_city()
    path = tmp_path / "indicators.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    return path


def test_catalogue_has_scri_and_reference_standard_indicators(app_ctx):
    known = catalogue()
    assert known["broadband_households_pct"]["kind"] == "scri" and known["broadband_households_pct"]["max"] == 100
    assert known["pm25_annual_ugm3"]["unit"] == "µg/m³"
    gis = known["rs:urban_management:city_gis"]
    assert gis["kind"] == "refstd" and (gis["min"], gis["max"]) == (0, 100) and gis["label"]["en"]


def test_each_error_kind_is_named_with_its_row(app_ctx, bad_file):
    valid, problems = validate_rows(read_refstd_table(bad_file), None)
    for expected in EXPECTED:
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    assert len(problems) == len(EXPECTED)
    assert [(r["row"], r["indicator"], r["value"]) for r in valid] == [
        (2, "broadband_households_pct", 64.5),
        (3, "pm25_annual_ugm3", 18.5),
        (10, "rs:urban_management:city_gis", 100.0),
    ]
    with_default, problems = validate_rows(read_refstd_table(bad_file), 2024)
    assert not any(p.startswith("row 8") for p in problems)
    assert next(r for r in with_default if r["row"] == 8)["value"] == 1.0 and len(with_default) == 4


def test_cities_the_user_may_not_change_are_refused(app_ctx, make_city, tmp_path):
    make_city()
    make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    shu = db.session.scalar(select(City).where(City.slug == "shu"))
    user = create_user("c@shu.kz", PASSWORD, "coordinator", [shu.id])
    path = tmp_path / "two.csv"
    path.write_text(
        "city,indicator,value,year\nSHU,waste_recycled_pct,10,2025\nayagoz,waste_recycled_pct,5,2025\n",
        encoding="utf-8",
    )
    valid, problems = validate_rows(read_refstd_table(path), None, user)
    assert [r["row"] for r in valid] == [2] and problems == ["row 3: you may not change the indicators of Ayagoz"]


def test_cli_import_is_all_or_nothing(app, runner, bad_file):
    result = runner.invoke(args=["indicators", "import", str(bad_file)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), expected
    assert "nothing was imported" in lines[-1] and result.stdout == ""
    assert _values(app) == {}


def test_cli_valid_only_and_upsert(app, runner, bad_file, tmp_path):
    result = runner.invoke(args=["indicators", "import", str(bad_file), "--valid-only", "--year", "2025"])
    assert result.exit_code == 0 and "imported 4 value(s), skipped 7 row(s)" in result.stdout
    assert _values(app) == {
        ("broadband_households_pct", 2025): 64.5,
        ("pm25_annual_ugm3", 2025): 18.5,
        ("open_data_portal", 2025): 1.0,
        ("rs:urban_management:city_gis", 2025): 100.0,
    }
    fix = tmp_path / "fix.xlsx"
    book = Workbook()
    book.active.append(["City", "Indicator", "Value", "Year", "Source"])
    book.active.append(["Shu", "broadband_households_pct", 70, 2025, "Kazakhtelecom"])
    book.active.append(["Shu", "broadband_households_pct", 55, 2024, ""])
    book.save(fix)
    assert runner.invoke(args=["indicators", "import", str(fix)]).exit_code == 0
    values = _values(app)
    assert values[("broadband_households_pct", 2025)] == 70.0 and values[("broadband_households_pct", 2024)] == 55.0
    with app.app_context():
        assert db.session.scalar(select(db.func.count(IndicatorValue.id))) == 5  # updated in place, not added
        assert (
            db.session.scalar(
                select(IndicatorValue.source).where(
                    IndicatorValue.year == 2025, IndicatorValue.indicator == "broadband_households_pct"
                )
            )
            == "Kazakhtelecom"
        )
        assert db.session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "indicators.import")) == "cli"


def test_cli_refuses_unreadable_files(app, runner, tmp_path, make_city):
    make_city()
    fake = tmp_path / "fake.csv"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    cases = [(fake, "zip file"), (tmp_path / "missing.csv", "no such file")]
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02binary")
    cases.append((binary, "binary file"))
    columns = tmp_path / "columns.csv"
    columns.write_text("town,indicator,value\nShu,waste_recycled_pct,1\n", encoding="utf-8")
    cases.append((columns, "missing: city"))
    for path, message in cases:
        result = runner.invoke(args=["indicators", "import", str(path), "--year", "2025"])
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
    assert runner.invoke(args=["indicators", "import", str(columns), "--year", "1800"]).exit_code == 2
    assert _values(app) == {}


def test_console_upload_report_and_valid_only(app, client, make_city):
    make_city()
    make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    _user(app, "c@shu.kz", "coordinator", ("shu",))
    token = _login(client, "c@shu.kz")
    body = (
        b"city,indicator,value,year\nShu,green_space_m2_per_capita,7.5,2025\n"
        b"Ayagoz,green_space_m2_per_capita,5,2025\nShu,green_space_m2_per_capita,-1,2024\n"
    )

    def upload(**extra):
        return client.post(
            "/console/indicators?lang=en",
            content_type="multipart/form-data",
            data={"csrf_token": token, "file": (io.BytesIO(body), "values.csv"), **extra},
        )

    refused = upload()
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nothing was imported" in page
    assert "row 3: you may not change the indicators of Ayagoz" in page and "row 4: -1 is outside" in page
    assert _values(app) == {}
    ok = upload(valid_only="y")
    assert ok.status_code == 200 and "1 value(s) imported" in ok.get_data(as_text=True)
    assert _values(app) == {("green_space_m2_per_capita", 2025): 7.5}
    listing = client.get("/console/indicators?lang=en").get_data(as_text=True)
    assert "green_space_m2_per_capita" in listing and "7.5" in listing

    hostile = client.post(
        "/console/indicators?lang=en",
        content_type="multipart/form-data",
        follow_redirects=True,
        data={"csrf_token": token, "file": (io.BytesIO(b"PK\x03\x04" + b"\x00" * 50), "x.csv")},
    )
    assert hostile.status_code == 200 and "zip file" in hostile.get_data(as_text=True)
    no_token = client.post(
        "/console/indicators",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(body), "values.csv"), "valid_only": "y"},
    )
    assert no_token.status_code == 400


def test_console_single_value_correction(app, client, make_city):
    make_city()
    _user(app, "c@shu.kz", "coordinator", ("shu",))
    token = _login(client, "c@shu.kz")
    form = {"csrf_token": token, "single": "1", "city": "shu", "indicator": "waste_recycled_pct", "year": "2025"}
    assert client.post("/console/indicators", data={**form, "value": "12,5"}).status_code == 200
    assert client.post("/console/indicators", data={**form, "value": "14"}).status_code == 200
    assert _values(app) == {("waste_recycled_pct", 2025): 14.0}
    wrong = client.post("/console/indicators?lang=en", data={**form, "value": "140"})
    assert wrong.status_code == 422 and "140 is outside the valid range" in wrong.get_data(as_text=True)
    assert _values(app) == {("waste_recycled_pct", 2025): 14.0}


def test_viewers_see_the_values_but_cannot_change_them(app, client, make_city):
    make_city()
    _user(app, "v@shu.kz", "viewer", ("shu",))
    token = _login(client, "v@shu.kz")
    page = client.get("/console/indicators?lang=en")
    assert page.status_code == 200 and 'type="file"' not in page.get_data(as_text=True)
    refused = client.post(
        "/console/indicators",
        data={
            "csrf_token": token,
            "single": "1",
            "city": "shu",
            "indicator": "waste_recycled_pct",
            "value": "1",
            "year": "2025",
        },
    )
    assert refused.status_code == 403 and _values(app) == {}


def test_reference_standard_yes_no_codes_become_100_and_lone_0_1_percentages_are_refused(
    app, runner, tmp_path, make_city
):
    make_city()
    codes = tmp_path / "codes.csv"
    codes.write_text(
        "city,indicator,value,year\n"
        "Shu,rs:urban_management:city_gis,1,2025\n"  # a yes/no fact coded 1: yes, 100 %
        "Shu,rs:urban_management:situation_centre,0,2025\n"
        "Shu,rs:education:school_broadband,1,2025\n"  # the only percentage, and it is 1
        "Shu,rs:transport:bus_stop_displays,0,2025\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["indicators", "import", str(codes)])
    assert result.exit_code == 2 and "every percentage in the file is 0 or 1" in result.stderr
    assert _values(app) == {}
    result = runner.invoke(args=["indicators", "import", str(codes), "--valid-only"])
    assert result.exit_code == 0
    assert _values(app) == {
        ("rs:urban_management:city_gis", 2025): 100.0,
        ("rs:urban_management:situation_centre", 2025): 0.0,
    }


def test_a_csv_saved_by_russian_or_kazakh_excel_imports(app, client, make_city):
    """cp1251 or UTF-8, ';' between cells, a decimal comma, headers in Russian or Kazakh."""
    make_city()
    _user(app, "c@shu.kz", "coordinator", ("shu",))
    token = _login(client, "c@shu.kz")

    def upload(body: bytes, lang="ru"):
        return client.post(
            f"/console/indicators?lang={lang}",
            content_type="multipart/form-data",
            follow_redirects=True,
            data={"csrf_token": token, "file": (io.BytesIO(body), "показатели.csv")},
        )

    russian = "Город;Показатель;Значение;Год;Источник\r\nШу;green_space_m2_per_capita;7,5;2025;Акимат\r\n"
    assert upload(russian.encode("cp1251")).status_code == 200
    kazakh = "Қала;Көрсеткіш;Мән;Жыл\nШу;green_space_m2_per_capita;8,25;2024\n"
    assert upload(kazakh.encode("utf-8"), lang="kk").status_code == 200
    assert _values(app) == {("green_space_m2_per_capita", 2025): 7.5, ("green_space_m2_per_capita", 2024): 8.25}
    twice = upload("Город;City;Показатель;Значение\nШу;Шу;green_space_m2_per_capita;1\n".encode("cp1251"))
    assert "в файле несколько столбцов для city" in twice.get_data(as_text=True)
    latin = upload("city,indicator,value\nZürich,green_space_m2_per_capita,5\n".encode("latin-1"))
    assert "Windows Cyrillic" in latin.get_data(as_text=True)
    assert _values(app) == {("green_space_m2_per_capita", 2025): 7.5, ("green_space_m2_per_capita", 2024): 8.25}
