"""Invitations by e-mail through a real SMTP server on 127.0.0.1: what arrives, and nothing lost on failure."""

from __future__ import annotations

import email
import io
import re
import socket
from email.policy import default as default_policy

import pytest
from consolehelpers import CSRF
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Invitation

LINK = re.compile(r"<code>(http://[^<]+)</code>")
TABLE = (
    "organisation,sector,email\n"
    "Good LLP,trade,info@good.kz\n"
    "No Mail JSC,services,\n"
    "<b>Bold</b> & Co,trade,boss@bold.kz\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_to(app, monkeypatch):
    """Point the app's outgoing mail at a port (plain SMTP on 127.0.0.1)."""

    def configure(port: int):
        for key, value in {
            "SCRI_MAIL_HOST": "127.0.0.1",
            "SCRI_MAIL_PORT": port,
            "SCRI_MAIL_SENDER": "survey@shu.kz",
            "SCRI_MAIL_STARTTLS": False,
            "SCRI_MAIL_SSL": False,
            "SCRI_MAIL_USER": "",
        }.items():
            monkeypatch.setitem(app.config, key, value)

    return configure


def _send(client, output: str = "email"):
    token = CSRF.search(client.get("/console/rounds/shu-2025?lang=en").get_data(as_text=True)).group(2)
    data = {
        "csrf_token": token,
        "group": "business",
        "output": output,
        "upload": (io.BytesIO(TABLE.encode()), "list.csv"),
    }
    return client.post("/console/rounds/shu-2025/invitations?lang=en", data=data, content_type="multipart/form-data")


def test_each_invitation_with_an_address_is_mailed_its_own_link(app, two_cities, login, smtp_server, mail_to):
    port, inbox = smtp_server
    mail_to(port)
    coordinator = login(two_cities["users"]["coordinator"])
    assert "By e-mail to the addresses" in coordinator.get("/console/rounds/shu-2025?lang=en").get_data(as_text=True)
    response = _send(coordinator)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    links = LINK.findall(page)
    assert len(links) == 3
    assert "2 of 3 invitations were sent by e-mail." in page
    assert "sent to info@good.kz" in page and "not sent</strong>: no e-mail address" in page
    assert [rcpt for rcpt, _message in inbox.messages] == [["info@good.kz"], ["boss@bold.kz"]]
    good, bold = (message for _rcpt, message in inbox.messages)
    body = good.get_content()
    assert good["To"] == "info@good.kz" and "survey@shu.kz" in good["From"]
    assert links[0] in body and links[1] not in body and links[2] not in body
    assert links[2] in bold.get_content()
    assert "Good LLP" in body and "<b>Bold</b> & Co" in bold.get_content()  # plain text, as typed
    assert "Шу" in good["Subject"] and "Shu" in good["Subject"]
    assert "Құрметті" in body and "Уважаемые" in body and "Dear colleagues at Good LLP" in body
    assert "anonymous" in body
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 3
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.email"))
        assert event.details == {"group": "business", "sent": 2, "not_sent": 1}
        stored = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
        assert not any(link.split("?t=")[1] in stored for link in links)


def test_an_unreachable_mail_server_loses_no_invitation(app, two_cities, login, mail_to):
    mail_to(_free_port())  # nothing listens there
    coordinator = login(two_cities["users"]["coordinator"])
    response = _send(coordinator)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "0 of 3 invitations were sent by e-mail." in page
    assert page.count("the mail server could not be reached") == 2
    assert len(LINK.findall(page)) == 3 and "Pass on the others yourself" in page
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 3


def test_without_a_mail_server_e_mail_is_not_offered_and_creates_nothing(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    assert "By e-mail" not in coordinator.get("/console/rounds/shu-2025?lang=en").get_data(as_text=True)
    response = _send(coordinator)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Invitation)).all() == []


def test_the_message_is_in_the_three_languages_of_the_round(app, two_cities, login, smtp_server, mail_to):
    port, inbox = smtp_server
    mail_to(port)
    coordinator = login(two_cities["users"]["coordinator"])
    assert _send(coordinator).status_code == 200
    body = inbox.messages[0][1].get_content()
    kk, ru, en = body.split("—" * 24)
    assert "сілтеме" in kk and "ссылка" in ru and "link" in en
    assert "&lang=kk" in kk and "&lang=ru" in ru and "&lang=en" in en
    kk_link = re.search(r"http://\S+&lang=kk", kk).group(0)
    page = app.test_client().get(kk_link.replace("http://localhost", ""))
    assert page.status_code == 200 and "Бастау" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCRI_MAIL_HOST": "smtp.example.org"}, "SCRI_MAIL_SENDER"),
        (
            {"SCRI_MAIL_HOST": "smtp.example.org", "SCRI_MAIL_SENDER": "a@b.kz", "SCRI_MAIL_STARTTLS": "maybe"},
            "SCRI_MAIL_STARTTLS must be true or false",
        ),
        ({"SCRI_MAIL_PORT": "smtp"}, "SCRI_MAIL_PORT must be an integer"),
    ],
)
def test_mail_settings_are_checked_at_start(monkeypatch, tmp_path, env, message):
    from survey_app.config import ConfigError, load

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        load(str(tmp_path))


def test_mail_settings_default_to_starttls_on_the_submission_port(monkeypatch, tmp_path):
    from survey_app.config import load

    monkeypatch.setenv("SCRI_MAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("SCRI_MAIL_SENDER", "survey@example.org")
    config = load(str(tmp_path))
    assert (config["SCRI_MAIL_PORT"], config["SCRI_MAIL_STARTTLS"], config["SCRI_MAIL_SSL"]) == (587, True, False)


def _issue_three(app) -> list[str]:
    """Three business invitations of shu-2025 (two with an address, the second already opened); their tokens."""
    from survey_app.models._base import utcnow
    from survey_app.services import invitations
    from survey_app.services.rounds import get_round

    with app.app_context():
        issued = invitations.issue(
            get_round("shu-2025"),
            "business",
            [
                {"organisation": "Unopened LLP", "email": "a@unopened.kz"},
                {"organisation": "Opened LLP", "email": "b@opened.kz"},
                {"organisation": "No mail LLP"},
            ],
            "http://localhost/",
        )
        opened = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()[1]
        opened.started_at = utcnow()
        db.session.commit()
        return [item.link.split("?t=", 1)[1] for item in issued]


def _remind(client, group: str = "business"):
    page = client.get("/console/rounds/shu-2025/invitations?lang=en").get_data(as_text=True)
    token = CSRF.search(page).group(2)
    return client.post(
        "/console/rounds/shu-2025/invitations/remind?lang=en", data={"csrf_token": token, "group": group}
    )


def test_a_reminder_brings_a_fresh_link_only_to_unopened_invitations(app, two_cities, login, smtp_server, mail_to):
    port, inbox = smtp_server
    mail_to(port)
    tokens = _issue_three(app)
    coordinator = login(two_cities["users"]["coordinator"])
    page = coordinator.get("/console/rounds/shu-2025/invitations?lang=en").get_data(as_text=True)
    assert "Remind Business: 1 unopened" in page
    response = _remind(coordinator)
    assert response.status_code == 302
    after = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 of 1 reminders were sent." in after and "Last reminder: " in after and "1 sent." in after
    assert [rcpt for rcpt, _message in inbox.messages] == [["a@unopened.kz"]]
    message = inbox.messages[0][1]
    assert message["Subject"].startswith("Еске салу") and "Reminder: Survey of Shu" in message["Subject"]
    new_link = re.search(r"http://localhost/s/shu-2025/business\?t=(\S+)&lang=en", message.get_content())
    respondent = app.test_client()
    assert respondent.get(f"/s/shu-2025/business?t={tokens[0]}").status_code == 403  # the earlier link
    assert respondent.get(f"/s/shu-2025/business?t={new_link.group(1)}").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.remind"))
        assert event.details == {"group": "business", "sent": 1, "not_sent": 0}
        assert new_link.group(1) not in str(event.details)


def test_a_failed_reminder_keeps_the_earlier_link(app, two_cities, login, mail_to):
    mail_to(_free_port())
    tokens = _issue_three(app)
    coordinator = login(two_cities["users"]["coordinator"])
    response = _remind(coordinator)
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 of 1 reminders were sent." in page and "keep their earlier links" in page
    assert app.test_client().get(f"/s/shu-2025/business?t={tokens[0]}").status_code == 200


def test_reminders_need_e_mail_an_open_round_and_the_right_to_change(app, two_cities, login, mail_to, smtp_server):
    from survey_app.services.rounds import close_round, get_round

    _issue_three(app)
    coordinator = login(two_cities["users"]["coordinator"])
    assert "Reminders" not in coordinator.get("/console/rounds/shu-2025/invitations?lang=en").get_data(as_text=True)
    assert _remind(coordinator).status_code == 400  # no mail server configured
    mail_to(smtp_server[0])
    viewer = login(two_cities["users"]["viewer"])
    assert "Reminders" not in viewer.get("/console/rounds/shu-2025/invitations?lang=en").get_data(as_text=True)
    assert _remind(viewer).status_code == 403
    assert _remind(coordinator, group="nobody").status_code == 400
    with app.app_context():
        close_round(get_round("shu-2025"))
        db.session.commit()
    response = _remind(coordinator)
    assert "Reminders are sent while the round is open." in coordinator.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert smtp_server[1].messages == []
