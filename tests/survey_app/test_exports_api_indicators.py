"""Exports read back as a user would, the JSON API, and indicator import with its row-by-row report."""

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.auth import issue_api_token
from survey_app.extensions import db
from survey_app.models import Answer, City, IndicatorValue, Response, SurveyRound, User
from survey_app.services.users import create_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"


def _user(app, email, role, slugs=()):
    with app.app_context():
        ids = [c.id for c in db.session.scalars(select(City)) if c.slug in slugs]
        user = create_user(email, PASSWORD, role, ids)
        token = issue_api_token(user)
        db.session.commit()
        return token


def _login(client, email):
    page = client.get("/console/login").get_data(as_text=True)
    client.post("/console/login", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD})


def _answer_with_formula(app, slug="shu-2025"):
    """Put a formula-like free-text answer into one complete resident response."""
    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug))
        response = db.session.scalars(
            select(Response).where(
                Response.round_id == round_id, Response.group == "residents", Response.status == "complete"
            )
        ).first()
        db.session.add(Answer(response_id=response.id, question_code="comment", value_text='=HYPERLINK("x")'))
        db.session.commit()
        return response.id


def test_exports_csv_and_xlsx_read_back(demo_app, tmp_path):
    app, runner, client = (
        demo_app,
        demo_app.test_cli_runner(),
        demo_app.test_client(),
    )  # the demo, built once per session
    _user(app, "c@shu.kz", "coordinator", ("shu",))
    _login(client, "c@shu.kz")
    response = client.get("/console/rounds/shu-2025/export.csv")
    assert response.status_code == 200 and response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0]
    assert header[:6] == ["response_id", "group", "language", "status", "started_at", "submitted_at"]
    assert "residents.age_band" in header and "business.partners__city_akimat" in header
    assert any(h.startswith("residents.info_sources__") for h in header)
    with app.app_context():
        complete = db.session.scalar(
            select(db.func.count(Response.id))
            .join(SurveyRound)
            .where(SurveyRound.slug == "shu-2025", Response.status == "complete")
        )
    assert len(rows) - 1 == complete
    assert {r[3] for r in rows[1:]} == {"complete"}
    # The same columns in the same order from the command line, and partial responses on request.
    out = tmp_path / "shu.csv"
    assert runner.invoke(args=["export", "--round", "shu-2025", "--format", "csv", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(f'"{h}"' for h in header)  # quoted
    out_partial = tmp_path / "shu-partial.csv"
    runner.invoke(args=["export", "--round", "shu-2025", "--format", "csv", "-o", str(out_partial), "--partial"])
    assert "partial" in out_partial.read_text(encoding="utf-8-sig")

    book_path = tmp_path / "shu.xlsx"
    made = runner.invoke(args=["export", "--round", "shu-2025", "--format", "xlsx", "-o", str(book_path)])
    assert made.exit_code == 0
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["responses", "codebook"]
    sheet_rows = list(book["responses"].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == header and len(sheet_rows) - 1 == complete
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:4] == ("column", "group", "question", "type")
    sex = [r for r in codebook if r[0] == "residents.sex"]
    assert {r[9] for r in sex} == {"male", "female", "prefer_not_to_say"} and sex[0][7] == "Ваш пол"

    bad = runner.invoke(args=["export", "--round", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and "Unknown round 'nope'." in bad.output
    missing = str(tmp_path / "no" / "x.csv")
    folder = runner.invoke(args=["export", "--round", "shu-2025", "--format", "csv", "-o", missing])
    assert folder.exit_code == 2 and "does not exist" in folder.output


def test_formula_like_text_is_neutralised(app, runner, client):
    from survey_app.services.exports import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("-2") == "'-2"
    assert safe_cell("Шу") == "Шу" and safe_cell(5) == 5


def test_exports_and_api_are_city_scoped(demo_app):
    app, client = demo_app, demo_app.test_client()  # the demo, built once per session
    _user(app, "a@ayagoz.kz", "coordinator", ("ayagoz",))
    token = _user(app, "v@ayagoz.kz", "viewer", ("ayagoz",))
    _login(client, "a@ayagoz.kz")
    assert client.get("/console/rounds/shu-2025/export.csv").status_code == 404
    assert client.get("/console/rounds/ayagoz-2025/export.xlsx").status_code == 200
    auth = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    assert api.get("/api/v1/rounds").status_code == 401
    listed = api.get("/api/v1/rounds", headers=auth).get_json()
    assert [r["slug"] for r in listed] == ["ayagoz-2025"]
    assert api.get("/api/v1/rounds/shu-2025", headers=auth).status_code == 404
    detail = api.get("/api/v1/rounds/ayagoz-2025", headers=auth).get_json()
    assert detail["targets"]["residents"] == 150 and detail["by_group"]["residents"]["complete"] > 100
    page1 = api.get("/api/v1/rounds/ayagoz-2025/responses?per_page=50", headers=auth).get_json()
    assert len(page1["responses"]) == 50 and page1["next_page"] == 2
    first = page1["responses"][0]
    assert set(first) >= {"id", "group", "language", "answers"} and first["answers"]
    page2 = api.get("/api/v1/rounds/ayagoz-2025/responses?per_page=50&page=2", headers=auth).get_json()
    assert {r["id"] for r in page1["responses"]}.isdisjoint({r["id"] for r in page2["responses"]})
    assert api.get("/api/v1/rounds/ayagoz-2025/responses?per_page=5000", headers=auth).status_code == 400
    assert api.get("/api/v1/rounds/ayagoz-2025/responses?page=x", headers=auth).status_code == 400


def test_indicator_import_reports_each_row_and_is_all_or_nothing(app, runner, make_city, tmp_path):
    make_city()
    path = tmp_path / "ind.csv"
    path.write_text(
        "city,indicator,value,year,source\n"
        "Shu,broadband_households_pct,64.5,2025,Stat\n"
        'Шу,pm25_annual_ugm3,"18,5",2025,\n'
        "Atlantis,pm25_annual_ugm3,3,2025,\n"
        "Shu,nope,1,2025,\n"
        "Shu,broadband_households_pct,abc,2024,\n"
        "Shu,broadband_households_pct,120,2023,\n"
        "Shu,open_data_portal,yes,,\n"
        "Shu,broadband_households_pct,60,2025,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["indicators", "import", str(path)])
    assert result.exit_code == 2
    for expected in (
        "row 4: unknown city 'Atlantis'",
        "row 5: unknown indicator 'nope'",
        "row 6: 'abc' is not a number",
        "row 7: 120 is outside the valid range",
        "row 8: the year is missing",
        "row 9: the same city, indicator and year as row 2",
        "nothing was imported",
    ):
        assert expected in result.output
    with app.app_context():
        assert db.session.scalar(select(IndicatorValue.id)) is None
    partial = runner.invoke(args=["indicators", "import", str(path), "--valid-only", "--year", "2025"])
    assert partial.exit_code == 0 and "imported 3 value(s)" in partial.output
    with app.app_context():
        values = {(v.indicator, v.year): v.value for v in db.session.scalars(select(IndicatorValue))}
    assert values == {
        ("broadband_households_pct", 2025): 64.5,
        ("pm25_annual_ugm3", 2025): 18.5,
        ("open_data_portal", 2025): 1.0,
    }
    fixed = tmp_path / "fix.csv"
    fixed.write_text("city,indicator,value,year\nShu,broadband_households_pct,70,2025\n", encoding="utf-8")
    assert runner.invoke(args=["indicators", "import", str(fixed)]).exit_code == 0
    with app.app_context():
        assert (
            db.session.scalar(
                select(IndicatorValue.value).where(IndicatorValue.indicator == "broadband_households_pct")
            )
            == 70.0
        )
    binary = tmp_path / "fake.csv"
    binary.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    refused = runner.invoke(args=["indicators", "import", str(binary)])
    assert refused.exit_code == 2 and "zip file" in refused.output


def test_indicator_upload_in_the_console(app, client, make_city):
    make_city()
    make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    _user(app, "c@shu.kz", "coordinator", ("shu",))
    _login(client, "c@shu.kz")
    token = CSRF.search(client.get("/console/indicators?lang=en").get_data(as_text=True)).group(1)
    body = (
        "city,indicator,value,year\nShu,green_space_m2_per_capita,7.5,2025\nAyagoz,green_space_m2_per_capita,5,2025\n"
    )
    response = client.post(
        "/console/indicators",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "v.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "row 3: you may not change the indicators of Ayagoz" in page and "Nothing was imported" in page
    ok = client.post(
        "/console/indicators",
        data={"csrf_token": token, "valid_only": "y", "file": (io.BytesIO(body.encode()), "v.csv")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200 and "1 value(s) imported" in ok.get_data(as_text=True)
    single = client.post(
        "/console/indicators",
        data={
            "csrf_token": token,
            "single": "1",
            "city": "shu",
            "indicator": "green_space_m2_per_capita",
            "value": "8",
            "year": "2025",
        },
    )
    assert single.status_code == 200
    with app.app_context():
        assert [v.value for v in db.session.scalars(select(IndicatorValue))] == [8.0]
        user = db.session.scalar(select(User).where(User.email == "c@shu.kz"))
        assert user is not None
    hostile = client.post(
        "/console/indicators",
        data={"csrf_token": token, "file": (io.BytesIO(b"\x00\x01binary"), "x.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert hostile.status_code == 200 and "binary file" in hostile.get_data(as_text=True)
