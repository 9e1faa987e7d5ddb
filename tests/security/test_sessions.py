"""Sessions end on the server, not only in the browser: a copy of the session cookie (stolen, or kept from
before) stops working when its account signs out, when the password changes, when the account is deactivated,
and after the maximum age, whatever the activity."""

from __future__ import annotations

import time

import pytest
from sechelpers import csrf_of
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import User


@pytest.fixture
def signed_in(app, client, two_cities, login):
    """The coordinator signed in, and a second client holding a copy of the session cookie."""
    login(client, "coordinator@shu.kz")
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    assert thief.get("/console/").status_code == 200, "the copied cookie works while the session lives"
    return client, thief


def _signed_out(client) -> bool:
    response = client.get("/console/")
    return response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_a_stolen_session_dies_at_logout(signed_in):
    client, thief = signed_in
    token = csrf_of(client.get("/console/").get_data(as_text=True))
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert _signed_out(client) and _signed_out(thief)


def test_a_new_password_ends_every_session(app, signed_in):
    from survey_app.services.users import set_password

    client, thief = signed_in
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "coordinator@shu.kz"))
        set_password(user, "another correct horse battery staple 43")
        db.session.commit()
    assert _signed_out(client) and _signed_out(thief)


def test_a_deactivated_account_is_signed_out(app, signed_in):
    client, thief = signed_in
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "coordinator@shu.kz")).active = False
        db.session.commit()
    assert _signed_out(client) and _signed_out(thief)


def test_a_session_ends_after_its_maximum_age(app, signed_in):
    client, thief = signed_in
    hours = app.config["SCRI_SESSION_MAX_HOURS"]
    assert hours == 12
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - hours * 3600 + 60  # a minute left
    assert client.get("/console/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - hours * 3600 - 1
    assert _signed_out(client)


def test_signing_in_again_after_logout_works(app, client, signed_in, login):
    client, _thief = signed_in
    token = csrf_of(client.get("/console/").get_data(as_text=True))
    client.post("/console/logout", data={"csrf_token": token})
    login(client, "coordinator@shu.kz")
    assert client.get("/console/").status_code == 200
