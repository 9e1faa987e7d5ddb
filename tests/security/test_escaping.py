"""Markup and formulas typed by respondents, coordinators and admins come back inert: escaped in HTML and PDFs,
neutralised in CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from sechelpers import answer_all, csrf_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

from webclient import parse_forms  # noqa: E402

pytestmark = pytest.mark.security

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _html(response) -> str:
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code < 500
    return body


def _assert_escaped(html: str, *raw: str) -> None:
    for text in raw:
        assert text not in html, f"{text!r} reached the page unescaped"
    assert "<script>alert" not in html and "<img src=x" not in html


def test_free_text_answers_are_inert_in_exports_and_the_api(app, admin_client):
    comments = [SCRIPT + " " + IMG, *FORMULAS]
    for comment in comments:
        final = answer_all(app.test_client(), "shu-2025", comment=comment)
        assert final.status_code in (302, 303)
    csv_response = admin_client.get("/console/rounds/shu-2025/export.csv")
    text = csv_response.get_data(as_text=True).lstrip("\ufeff")
    csv_response.close()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(comments)
    column = next(c for c in rows[0] if c.endswith(".comment"))
    for row in rows:
        for cell in row.values():
            assert not (cell or "").startswith(FORMULA_START), f"formula-like CSV cell {cell!r}"
    exported = {row[column].lstrip("'") for row in rows}
    assert exported == {c.strip() for c in comments}  # nothing lost, nothing else changed

    from openpyxl import load_workbook

    xlsx_response = admin_client.get("/console/rounds/shu-2025/export.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx_response.get_data()))
    xlsx_response.close()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), f"{sheet.title}!{cell.coordinate}: {cell.value!r}"

    api = admin_client.get("/api/v1/rounds/shu-2025/responses")
    assert api.mimetype == "application/json"
    assert {r["answers"].get("comment") for r in api.get_json()["responses"]} == {c.strip() for c in comments}


def test_organisation_names_are_escaped_on_pages_and_in_the_qr_sheet_and_neutralised_in_csv(app, admin_client):
    orgs = f'organisation,sector,email\n"{IMG}","{SCRIPT}",a@example.org\n"=cmd|\' /C calc\'!A0",-x,\n'
    page = admin_client.get("/console/rounds/shu-2025")
    token = csrf_of(_html(page))
    response = admin_client.post(
        "/console/rounds/shu-2025/invitations",
        data={
            "csrf_token": token,
            "group": "business",
            "output": "csv",
            "upload": (io.BytesIO(orgs.encode()), "orgs.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.status_code
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["organisation"] for r in rows] == [IMG, "'=cmd|' /C calc'!A0"]
    assert rows[1]["sector"] == "'-x"

    listing = _html(admin_client.get("/console/rounds/shu-2025/invitations"))
    _assert_escaped(listing, IMG, SCRIPT)
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing

    response = admin_client.post(
        "/console/rounds/shu-2025/invitations",
        data={
            "csrf_token": token,
            "group": "business",
            "output": "pdf",
            "upload": (io.BytesIO(orgs.encode()), "orgs.csv"),
        },
        content_type="multipart/form-data",
    )
    data = response.get_data()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "<img src=x onerror=alert(1)>" in " ".join(text.split())  # shown as text, not taken as markup


def _city_form(admin_client, city_id: int) -> tuple[dict, str]:
    html = _html(admin_client.get("/console/cities"))
    for form in parse_forms(html):
        names = [f.name for f in form.fields]
        if f"c{city_id}-name_en" in names:
            values = {f.name: f.value for f in form.fields if f.name and f.tag == "input"}
            return values, html
    raise AssertionError("no edit form for the city on /console/cities")


def _rename_city(admin_client, city_id: int, **names) -> None:
    values, _page = _city_form(admin_client, city_id)
    for key, value in names.items():
        values[f"c{city_id}-{key}"] = value
    values.setdefault("city_id", str(city_id))
    response = admin_client.post("/console/cities", data=values)
    assert response.status_code in (302, 303), _html(response)[:2000]


def test_hostile_city_names_are_escaped_in_the_console_and_the_questionnaire(app, admin_client, two_cities):
    hostile = {"name_en": f"Shu{SCRIPT}", "name_ru": f"Шу{IMG}", "name_kk": "Шу<b>bold</b>"}
    _rename_city(admin_client, two_cities["shu"], **hostile)
    pages = [
        "/console/?lang=en",
        "/console/rounds/shu-2025?lang=en",
        "/console/cities?lang=en",
        "/console/audit?lang=en",
        "/console/compare?lang=en",
        "/console/rounds/shu-2025/results?lang=en",
    ]
    for url in pages:
        _assert_escaped(_html(admin_client.get(url)), *hostile.values())
    respondent = app.test_client()
    for lang in ("en", "ru", "kk"):
        _assert_escaped(_html(respondent.get(f"/s/shu-2025/residents?lang={lang}")), *hostile.values())
    answer_all(respondent, "shu-2025", lang="en")
    thanks = _html(respondent.get("/s/shu-2025/residents/thanks?lang=en"))
    _assert_escaped(thanks, *hostile.values())
    assert "Shu&lt;script&gt;" in thanks
    monitor = admin_client.get("/console/rounds/shu-2025/monitor.json")
    assert monitor.mimetype == "application/json"


def test_a_hostile_city_name_is_text_in_the_governance_pdf(app, runner, make_user, login):
    """On the demo data (which has results): the name is printed literally in the report and its dashboard."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import City

    with app.app_context():
        shu = db.session.scalar(select(City.id).where(City.slug == "shu"))
    make_user("root@example.org", role="admin")
    client = app.test_client()
    login(client, "root@example.org")
    _rename_city(client, shu, name_en="Shu <b>bold</b> <i>x</i>")
    dashboard = _html(client.get("/console/rounds/shu-2025/results?lang=en"))
    assert "Shu &lt;b&gt;bold&lt;/b&gt;" in dashboard and "<b>bold</b>" not in dashboard
    # Pages with charts, on real results: still nothing the CSP would block, and every header.
    from test_headers import assert_no_inline_code, assert_security_headers

    token = csrf_of(dashboard)
    assert client.post(
        "/console/rounds/shu-2025/publish", data={"csrf_token": token, "published": "1", "confirm": "yes"}
    ).status_code in (302, 303)
    for url in (
        "/console/rounds/shu-2025/results?lang=kk",
        "/console/compare?rounds=shu-2025,ayagoz-2025,shalkar-2025",
        "/results/shu-2025?lang=ru",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(url, response)
        assert_no_inline_code(url, response)
        assert "Shu <b>bold</b>" not in response.get_data(as_text=True)
    response = client.get("/console/rounds/shu-2025/report.pdf?lang=en")
    assert response.status_code == 200
    data = response.get_data()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Shu <b>bold</b> <i>x</i>" in text
