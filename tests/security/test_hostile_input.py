"""Hostile input answers 4xx with the app's page, never a 500: NUL bytes (which PostgreSQL refuses in text)
in forms, queries and paths, and a CR/LF in the address to go to after signing in."""

from __future__ import annotations

import re

import pytest
from sechelpers import PASSWORD, csrf_of

LEAKS = ("Traceback", "psycopg", "sqlalchemy", "NUL")


def _clean(response):
    text = response.get_data(as_text=True)
    assert not any(leak in text for leak in LEAKS), text[:300]
    return text


def test_a_nul_byte_in_the_sign_in_form_is_a_bad_request(app, client, make_user):
    make_user("admin@example.org", "admin")
    page = client.get("/console/login?lang=en")
    data = {"email": "ad\x00min@example.org", "password": PASSWORD, "csrf_token": csrf_of(_clean(page))}
    response = client.post("/console/login", data=data)
    assert response.status_code == 400
    assert "The request could not be understood" in _clean(response)


def test_a_nul_byte_in_the_consent_form_stores_nothing(app, client, every_type_round):
    from sqlalchemy import func, select

    from survey_app.extensions import db
    from survey_app.models import Response

    every_type_round()
    page = client.get("/s/sec-2025/residents?lang=en")
    data = {"csrf_token": csrf_of(_clean(page)), "submission_id": "s" * 30 + "\x00", "consent": "yes"}
    assert client.post("/s/sec-2025/residents", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/console/audit?action=login%00", 400),
        ("/console/rounds/sec-2025%00", 404),
        ("/console/rounds/sec%00-2025/export.csv", 404),
        ("/s/sec-2025%00/residents", 404),
        ("/api/v1/rounds/sec-2025%00", 404),
    ],
)
def test_a_nul_byte_in_a_query_or_a_path_never_reaches_the_database(admin_client, two_cities, path, status):
    response = admin_client.get(path)
    assert response.status_code == status, path
    _clean(response)


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/console/%0aX-Injected:%201", "/console/\t"])
def test_a_line_break_in_the_next_address_is_ignored_after_a_good_sign_in(app, client, make_user, target):
    make_user("admin@example.org", "admin")
    page = client.get(f"/console/login?lang=en&next={target}")
    data = {
        "email": "admin@example.org",
        "password": PASSWORD,
        "csrf_token": csrf_of(page.get_data(as_text=True)),
    }
    response = client.post(f"/console/login?next={target}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    assert "Set-Cookie: x" not in str(response.headers) and not re.search(r"X-Injected", str(response.headers))
