"""Size limits (413) and rate limits (429) on the public submit and on the console sign-in."""

from __future__ import annotations

import io
import re
import time

import pytest
from sechelpers import PASSWORD, csrf_of, start_response

from survey_app.services.ratelimit import WINDOW_SECONDS

pytestmark = pytest.mark.security


@pytest.fixture
def limits(app):
    """Set rate limits for one test and put the suite's generous ones back afterwards. The limits count in
    wall-clock minutes, so a test that is close to the end of one waits for the next: its requests then all
    fall in one window, as a limit's test means them to."""
    names = ("SCRI_SUBMIT_RATE_LIMIT", "SCRI_START_RATE_LIMIT", "SCRI_ADDRESS_RATE_LIMIT", "SCRI_LOGIN_RATE_LIMIT")
    saved = {k: app.config[k] for k in names}
    into = time.time() % WINDOW_SECONDS
    if into > WINDOW_SECONDS - 20:
        time.sleep(WINDOW_SECONDS - into + 0.5)

    def set_limits(**values):
        app.config.update(values)

    yield set_limits
    app.config.update(saved)


def test_an_oversize_questionnaire_page_is_413_not_500(app, client, every_type_round):
    every_type_round()
    first = start_response(client)
    page = client.get(first)
    big = "x" * (app.config["SCRI_MAX_FORM_BYTES"] + 1)
    response = client.post(first, data={"csrf_token": csrf_of(page.get_data(as_text=True)), "comment": big})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "larger than this page accepts" in body


def test_an_oversize_consent_post_is_refused(app, client, every_type_round):
    every_type_round()
    page = client.get("/s/sec-2025/residents")
    token = csrf_of(page.get_data(as_text=True))
    response = client.post(
        "/s/sec-2025/residents", data={"csrf_token": token, "junk": "y" * (app.config["SCRI_MAX_FORM_BYTES"] + 10)}
    )
    assert response.status_code == 413
    # Without a CSRF field the CSRF check runs first (400); a body beyond the form-memory limit is 413 anyway.
    response = client.post("/s/sec-2025/residents", data={"junk": "y" * (app.config["SCRI_MAX_FORM_BYTES"] + 10)})
    assert response.status_code in (400, 413)
    response = client.post("/s/sec-2025/residents", data={"junk": "y" * 2_000_000})
    assert response.status_code == 413


def test_an_upload_over_the_global_limit_is_413(app, client, two_cities, login, monkeypatch):
    # A lower limit than the default 10 MB keeps the test client's body in memory (no temporary file).
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 300_000)
    login(client, "admin@example.org")
    page = client.get("/console/instruments")
    blob = io.BytesIO(b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1024))
    response = client.post(
        "/console/instruments/upload",
        data={"csrf_token": csrf_of(page.get_data(as_text=True)), "upload": (blob, "big.yaml")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 413
    assert "Traceback" not in body


def test_a_body_that_lies_about_its_length_is_refused(client, every_type_round):
    every_type_round()
    response = client.post(
        "/s/sec-2025/residents",
        data=b"consent=yes",
        headers={"Content-Length": str(10**9), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (400, 413)


def test_public_submits_are_limited_per_respondent_not_per_address(app, client, every_type_round, limits):
    every_type_round()
    first = start_response(client)
    limits(SCRI_SUBMIT_RATE_LIMIT=3)
    page = client.get(first)
    token = csrf_of(page.get_data(as_text=True))
    codes = [
        client.post(first, data={"csrf_token": token, "uses": "no", "action": "next"}).status_code for _ in range(10)
    ]
    assert 429 in codes, codes
    assert all(code < 500 for code in codes), codes
    refused = client.post(first, data={"csrf_token": token, "uses": "no", "action": "next"})
    assert refused.status_code == 429
    assert "Please wait a minute" in refused.get_data(as_text=True)
    # A neighbour behind the same address (another phone, its own cookies) is not affected.
    neighbour = app.test_client()
    second = start_response(neighbour)
    assert neighbour.get(second).status_code == 200


def test_an_address_ceiling_stops_a_flood_from_fresh_devices(app, every_type_round, limits):
    every_type_round()
    limits(SCRI_ADDRESS_RATE_LIMIT=5)
    codes = []
    for _ in range(8):  # a script that starts each time with fresh cookies, from one address
        fresh = app.test_client()
        page = fresh.get("/s/sec-2025/residents?lang=en").get_data(as_text=True)
        sub = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
        data = {"csrf_token": csrf_of(page), "submission_id": sub, "consent": "yes"}
        codes.append(fresh.post("/s/sec-2025/residents", data=data).status_code)
    assert codes[:5] == [302] * 5 and codes[5:] == [429] * 3, codes
    # Another address is not affected.
    other = app.test_client()
    assert start_response(other, remote_addr="10.1.2.3")


def test_a_client_dropping_its_device_cookie_is_throttled(app, client, every_type_round, limits):
    every_type_round()
    limits(SCRI_START_RATE_LIMIT=4)
    codes = []
    for _ in range(7):
        client.delete_cookie("scri_device", path="/s/")
        page = client.get("/s/sec-2025/residents?lang=en").get_data(as_text=True)
        client.delete_cookie("scri_device", path="/s/")
        sub = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
        data = {"csrf_token": csrf_of(page), "submission_id": sub, "consent": "yes"}
        codes.append(client.post("/s/sec-2025/residents", data=data).status_code)
        client.delete_cookie("scri_resume_residents", path="/s/sec-2025/residents")
    assert codes == [302] * 4 + [429] * 3, codes
    # A phone that keeps its cookie starts as usual.
    assert start_response(app.test_client())


def test_console_sign_in_is_rate_limited(client, make_user, make_city, limits):
    make_user("coordinator@example.org", cities=[make_city()])
    limits(SCRI_LOGIN_RATE_LIMIT=4)
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    codes = [
        client.post(
            "/console/login",
            data={"email": f"guess{i}@example.org", "password": "wrong password!", "csrf_token": token},
        ).status_code
        for i in range(10)
    ]
    assert 429 in codes and all(code < 500 for code in codes), codes
    # Even the right password is refused while the address is over the limit.
    right = client.post(
        "/console/login", data={"email": "coordinator@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429


def test_the_rate_limit_store_keeps_no_address(app, client, every_type_round, limits):
    every_type_round()
    start_response(client)
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import RateBucket

    with app.app_context():
        keys = db.session.scalars(select(RateBucket.key)).all()
    assert keys
    assert not any("127.0.0.1" in key for key in keys)
    # Not a plain hash either: one of the 2^32 IPv4 addresses is found by hashing them all.
    import hashlib

    plain = hashlib.sha256(b"submit|127.0.0.1").hexdigest()[:64]
    assert not any(key.endswith(plain) for key in keys)


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(app, admin_client):
    import zipfile

    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))  # 80 MB of zeros, ~80 KB zipped
    data = blob.getvalue()
    assert len(data) < 1024 * 1024
    token = csrf_of(admin_client.get("/console/instruments").get_data(as_text=True))
    invitations = {"group": "business", "output": "csv"}
    for url, field, extra in (
        ("/console/instruments/upload", "upload", {}),
        ("/console/indicators", "file", {}),
        ("/console/rounds/shu-2025/invitations", "upload", invitations),
    ):
        response = admin_client.post(
            url,
            data={"csrf_token": token, field: (io.BytesIO(data), "bomb.xlsx"), **extra},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 422), (url, response.status_code)
        assert "Traceback" not in body
        assert "unpack" in body or "zip" in body.lower(), url
