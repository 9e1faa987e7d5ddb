"""Questionnaires in the console: upload (YAML or XLSForm), problems listed with nothing stored, preview, approve."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Instrument
from survey_app.services.instruments import latest_instrument

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "instruments"))
from consolehelpers import CSRF
from test_xlsform import SURVEY, workbook  # noqa: E402


def _token(client, path="/console/instruments"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(2)


def _upload(client, data: bytes, name: str):
    token = _token(client)
    return client.post(
        "/console/instruments/upload?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token, "upload": (io.BytesIO(data), name)},
    )


def test_upload_preview_and_approve_an_xlsform(app, two_cities, login):
    client = login(two_cities["users"]["coordinator"])
    response = _upload(client, workbook(), "residents.xlsx")
    assert response.status_code == 302 and "/preview" in response.location
    for lang, text in (("kk", "Әкімдікке сенемін"), ("ru", "Я доверяю акимату"), ("en", "I trust the akimat")):
        page = client.get(response.location.split("?")[0] + f"?lang={lang}").get_data(as_text=True)
        assert text in page and "<fieldset disabled" in page
        assert 'name="trust_akimat"' in page and 'name="age"' in page
    with app.app_context():
        row = db.session.scalar(select(Instrument).where(Instrument.code == "residents_x"))
        assert (row.source, row.approved) == ("upload", False)
        row_id = row.id
    listing = client.get("/console/instruments?lang=en").get_data(as_text=True)
    assert "residents_x" in listing and "awaiting approval" in listing
    token = _token(client)
    assert client.post(f"/console/instruments/{row_id}/approve", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        row = db.session.get(Instrument, row_id)
        assert row.approved
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"instrument.upload", "instrument.approve"} <= actions
        assert latest_instrument("residents") is not None


def test_problems_are_listed_and_nothing_is_stored(app, two_cities, login):
    client = login(two_cities["users"]["admin"])
    survey = [list(r) for r in SURVEY]
    survey[4][2] = ""
    survey[2][0] = "select_one nowhere"
    with app.app_context():
        before = db.session.scalar(select(db.func.count(Instrument.id)))
    response = _upload(client, workbook(survey=survey), "bad.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "bad.xlsx was not stored" in page
    assert "row 3, column A" in page and "is not on the choices sheet" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Instrument.id))) == before


def test_a_form_without_kazakh_is_stored_with_its_notes_shown_on_the_preview(app, two_cities, login):
    client = login(two_cities["users"]["coordinator"])
    survey = [list(r) for r in SURVEY]
    survey[4][2] = ""
    token = _token(client)
    response = client.post(
        "/console/instruments/upload?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token, "group": "business", "upload": (io.BytesIO(workbook(survey=survey)), "f.xlsx")},
    )
    assert response.status_code == 302
    page = client.get(response.location.split("?")[0] + "?lang=kk").get_data(as_text=True)
    assert "Notes from reading the file" in page or "файлды" in page.lower()
    assert "1 texts have no Қазақша (kk) text" in page
    assert "I trust the akimat" not in page and "Я доверяю акимату" in page  # shown in Russian, not blank
    with app.app_context():
        row = db.session.scalar(select(Instrument).where(Instrument.code == "residents_x"))
        assert row.group == "business"


def test_yaml_upload_and_a_viewer_may_not_upload(app, two_cities, login):
    text = Path("instruments/definitions/business.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^code: \w+", "code: business_local", text, count=1, flags=re.M)
    viewer = login(two_cities["users"]["viewer"])
    token = _token(viewer)
    denied = viewer.post(
        "/console/instruments/upload",
        content_type="multipart/form-data",
        data={"csrf_token": token, "upload": (io.BytesIO(text.encode()), "b.yaml")},
    )
    assert denied.status_code == 403
    admin = login(two_cities["users"]["admin"])
    response = _upload(admin, text.encode(), "business.yaml")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _upload(admin, b"code: [", "broken.yaml").status_code == 422
    assert "choose a .yaml or .xlsx file" in _upload(admin, b"x", "a.txt").get_data(as_text=True)


def test_a_questionnaire_downloads_as_an_xlsform_that_imports_back_the_same(app, two_cities, login):
    from instruments.xlsform import load_xlsform_bytes

    client = login(two_cities["users"]["viewer"])
    with app.app_context():
        row = latest_instrument("residents")
        row_id, digest = row.id, row.content_hash
    page = client.get(f"/console/instruments/{row_id}/preview?lang=en").get_data(as_text=True)
    assert f"/console/instruments/{row_id}/xlsform.xlsx" in page
    download = client.get(f"/console/instruments/{row_id}/xlsform.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert load_xlsform_bytes(download.get_data(), "r.xlsx").content_hash == digest
    assert client.get("/console/instruments/999999/xlsform.xlsx").status_code == 404


def test_missing_kazakh_texts_are_added_before_approval_and_audited(app, two_cities, login):
    client = login(two_cities["users"]["coordinator"])
    survey = [list(r) for r in SURVEY]
    survey[4][2] = ""  # trust_akimat has no Kazakh label
    token = _token(client)
    response = client.post(
        "/console/instruments/upload?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token, "group": "residents", "upload": (io.BytesIO(workbook(survey=survey)), "f.xlsx")},
    )
    row_id = int(re.search(r"/instruments/(\d+)/preview", response.location).group(1))
    preview = client.get(f"/console/instruments/{row_id}/preview?lang=en").get_data(as_text=True)
    assert "1 texts have no Қазақша (kk) text" in preview and f"/instruments/{row_id}/translate/kk" in preview
    page = client.get(f"/console/instruments/{row_id}/translate/kk?lang=en").get_data(as_text=True)
    assert "trust_akimat: label" in page and "Я доверяю акимату" in page  # shown in the form's own language
    key = re.search(r'name="t:([^"]+)"', page).group(1)
    assert client.post(f"/console/instruments/{row_id}/translate/kk", data={f"t:{key}": "x"}).status_code == 400
    with app.app_context():
        before = db.session.get(Instrument, row_id).content_hash
    token = _token(client, f"/console/instruments/{row_id}/translate/kk")
    saved = client.post(
        f"/console/instruments/{row_id}/translate/kk", data={"csrf_token": token, f"t:{key}": "Әкімдікке сенемін"}
    )
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.get(Instrument, row_id)
        label = row.definition["sections"][1]["questions"][0]["label"]
        assert label["kk"] == "Әкімдікке сенемін" and row.content_hash != before
        assert "instrument.translate" in set(db.session.scalars(select(AuditEvent.action)))
    kazakh = client.get(f"/console/instruments/{row_id}/preview?lang=kk").get_data(as_text=True)
    assert "Әкімдікке сенемін" in kazakh and "have no Қазақша" not in kazakh
    viewer = login(two_cities["users"]["viewer"])
    assert viewer.get(f"/console/instruments/{row_id}/translate/kk").status_code == 403
    assert client.get(f"/console/instruments/{row_id}/translate/fr").status_code == 404


def test_an_upload_belongs_to_its_uploaders_city_until_an_admin_shares_it(app, two_cities, login, make_user):
    other = login(make_user("coord@aksu.kz", "coordinator", [two_cities["b"]]))
    shu = login(two_cities["users"]["coordinator"])
    token = _token(shu)
    response = shu.post(
        "/console/instruments/upload?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token, "group": "residents", "upload": (io.BytesIO(workbook()), "f.xlsx")},
    )
    row_id = int(re.search(r"/instruments/(\d+)/preview", response.location).group(1))
    with app.app_context():
        row = db.session.get(Instrument, row_id)
        assert row.city_ids == [two_cities["a"]]
        row.approved = True
        db.session.commit()
    assert "residents_x" in shu.get("/console/instruments?lang=en").get_data(as_text=True)
    assert "residents_x" in shu.get("/console/rounds/new?lang=en").get_data(as_text=True)
    assert "residents_x" not in other.get("/console/instruments?lang=en").get_data(as_text=True)
    assert other.get(f"/console/instruments/{row_id}/preview").status_code == 404
    assert "residents_x" not in other.get("/console/rounds/new?lang=en").get_data(as_text=True)
    assert shu.post(f"/console/instruments/{row_id}/share", data={"csrf_token": _token(shu)}).status_code == 403
    admin = login(two_cities["users"]["admin"])
    assert admin.post(f"/console/instruments/{row_id}/share", data={"csrf_token": _token(admin)}).status_code == 302
    assert "residents_x" in other.get("/console/rounds/new?lang=en").get_data(as_text=True)
    with app.app_context():
        assert "instrument.share" in set(db.session.scalars(select(AuditEvent.action)))
