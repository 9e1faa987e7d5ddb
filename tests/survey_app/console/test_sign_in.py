"""Failed sign-ins to the console: audited, indistinguishable, and slowed by a back-off no stranger can use
to shut the owner out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from consolehelpers import GENERIC, PASSWORD, _audit_actions, csrf_token
from sqlalchemy import select, update

from survey_app.extensions import db
from survey_app.models import LoginThrottle, User


def _failed_login(app, email: str, password: str, address: str = "127.0.0.1"):
    client = app.test_client()
    token = csrf_token(client)
    return client.post(
        "/console/login?lang=en",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_login_failures_are_audited_and_look_the_same(app, make_city, make_user):
    city = make_city()
    make_user("coord@shu.kz", "coordinator", [city])
    make_user("other@shu.kz", "coordinator", [city])
    with app.app_context():
        db.session.execute(update(User).where(User.email == "other@shu.kz").values(active=False))
        db.session.commit()
    pages = {}
    for case, email, password in (
        ("unknown", "nobody@shu.kz", PASSWORD),
        ("wrong", "coord@shu.kz", "a wrong password 2"),
        ("inactive", "other@shu.kz", PASSWORD),
    ):
        response = _failed_login(app, email, password)
        assert response.status_code == 401, case
        text = response.get_data(as_text=True)
        assert GENERIC in text, case
        pages[case] = re.sub(r'value="[^"]*"', "", text)
    assert pages["unknown"] == pages["wrong"] == pages["inactive"]
    events = _audit_actions(app, "login.failure")
    assert len(events) == 3
    reasons = sorted(e.details["reason"] for e in events)
    assert reasons == ["inactive account", "unknown account", "wrong password"]
    actors = {e.details["reason"]: e.actor for e in events}
    assert actors["unknown account"] == "(unknown account)"  # never what was typed (perhaps a password)
    assert all("nobody" not in (e.actor or "") and "nobody" not in str(e.details) for e in events)
    assert actors["inactive account"] == "other@shu.kz" and actors["wrong password"] == "coord@shu.kz"
    assert _audit_actions(app, "login.success") == []


def _end_waits(app):
    """Let the clock run past every wait (the rows keep their failure counts)."""
    with app.app_context():
        past = datetime.now(UTC) - timedelta(seconds=1)
        db.session.execute(update(LoginThrottle).where(LoginThrottle.wait_until.is_not(None)).values(wait_until=past))
        db.session.commit()


def test_wrong_passwords_slow_that_source_down_but_never_lock_the_owner_out(app, make_city, make_user):
    make_user("coord@shu.kz", "coordinator", [make_city()])
    for _attempt in range(2):
        page = _failed_login(app, "coord@shu.kz", "a wrong password 2", "203.0.113.9")
        assert "wait" not in page.get_data(as_text=True)
    third = _failed_login(app, "coord@shu.kz", "a wrong password 2", "203.0.113.9")
    assert "please wait 5 seconds" in third.get_data(as_text=True)
    # While the wait runs even the right password is not checked from that source...
    held = _failed_login(app, "coord@shu.kz", PASSWORD, "203.0.113.9")
    assert held.status_code == 401 and "please wait" in held.get_data(as_text=True)
    assert _audit_actions(app, "login.failure")[-1].details["reason"] == "back-off"
    # ...but the owner signing in from the office is not held up by a stranger's guesses.
    office = _failed_login(app, "coord@shu.kz", PASSWORD, "198.51.100.20")
    assert office.status_code == 302
    # The next failure from the guessing source doubles its wait.
    _end_waits(app)
    fourth = _failed_login(app, "coord@shu.kz", "a wrong password 2", "203.0.113.9")
    assert "please wait 10 seconds" in fourth.get_data(as_text=True)


def test_a_guess_spread_over_many_addresses_is_slowed_for_the_account(app, make_city, make_user):
    make_user("coord@shu.kz", "coordinator", [make_city()])
    for n in range(10):
        _failed_login(app, "coord@shu.kz", "a wrong password 2", f"203.0.113.{n + 1}")
    page = _failed_login(app, "coord@shu.kz", PASSWORD, "198.51.100.20")
    assert page.status_code == 401 and "please wait" in page.get_data(as_text=True)
    with app.app_context():
        account = [row for row in db.session.scalars(select(LoginThrottle)) if row.key.startswith("a:")]
    assert len(account) == 1 and account[0].failures == 10
    assert account[0].wait_until - datetime.now(UTC) <= timedelta(seconds=60)  # capped: a delay, not a lock


def test_a_new_password_ends_the_back_off(app, make_city, make_user):
    make_user("coord@shu.kz", "coordinator", [make_city()])
    for _attempt in range(4):
        _failed_login(app, "coord@shu.kz", "a wrong password 2", "203.0.113.9")
    result = app.test_cli_runner().invoke(
        args=["users", "password", "--email", "coord@shu.kz", "--password-stdin"], input="a brand new password 9\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(LoginThrottle)).all() == []
    assert _failed_login(app, "coord@shu.kz", "a brand new password 9", "203.0.113.9").status_code == 302
