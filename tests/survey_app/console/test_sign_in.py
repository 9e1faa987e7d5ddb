"""Failed sign-ins to the console: audited, indistinguishable, and locking the account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from consolehelpers import GENERIC, PASSWORD, _audit_actions, csrf_token
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import User


def _failed_login(app, email: str, password: str):
    client = app.test_client()
    token = csrf_token(client)
    return client.post("/console/login?lang=en", data={"csrf_token": token, "email": email, "password": password})


def test_login_failures_are_audited_and_look_the_same(app, make_city, make_user):
    city = make_city()
    make_user("coord@shu.kz", "coordinator", [city])
    make_user("locked@shu.kz", "coordinator", [city])
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "locked@shu.kz"))
        user.locked_until = datetime.now(UTC) + timedelta(minutes=10)
        db.session.commit()
    pages = {}
    for case, email, password in (
        ("unknown", "nobody@shu.kz", PASSWORD),
        ("wrong", "coord@shu.kz", "a wrong password 2"),
        ("locked", "locked@shu.kz", PASSWORD),
    ):
        response = _failed_login(app, email, password)
        assert response.status_code == 401, case
        text = response.get_data(as_text=True)
        assert GENERIC in text, case
        pages[case] = re.sub(r'value="[^"]*"', "", text)
    assert pages["unknown"] == pages["wrong"] == pages["locked"]
    events = _audit_actions(app, "login.failure")
    assert len(events) == 3
    reasons = sorted(e.details["reason"] for e in events)
    assert reasons == ["locked", "unknown account", "wrong password"]
    assert "nobody@shu.kz" in {e.actor for e in events}
    assert _audit_actions(app, "login.success") == []


def test_repeated_wrong_passwords_lock_the_account(app, make_city, make_user):
    make_user("coord@shu.kz", "coordinator", [make_city()])
    for _attempt in range(5):
        assert _failed_login(app, "coord@shu.kz", "a wrong password 2").status_code == 401
    locked = _failed_login(app, "coord@shu.kz", PASSWORD)  # the right password, but locked now
    assert locked.status_code == 401 and GENERIC in locked.get_data(as_text=True)
    events = _audit_actions(app, "login.failure")
    assert len(events) == 6 and events[-1].details["reason"] == "locked"
    assert events[4].details.get("locked_minutes") == 15
