"""Invitations by e-mail through a real SMTP server on 127.0.0.1: what arrives, and nothing lost on failure."""

from __future__ import annotations

import email
import io
import re
import socket
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Invitation

CSRF = re.compile(r'name="((?:[a-z0-9]+-)?csrf_token)"[^>]*value="([^"]+)"')
LINK = re.compile(r"<code>(http://[^<]+)</code>")
TABLE = ("organisation,sector,email\n"
         "Good LLP,trade,info@good.kz\n"
         "No Mail JSC,services,\n"
         "<b>Bold</b> & Co,trade,boss@bold.kz\n")


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
        for key, value in {"SCRI_MAIL_HOST": "127.0.0.1", "SCRI_MAIL_PORT": port, "SCRI_MAIL_SENDER": "survey@shu.kz",
                           "SCRI_MAIL_STARTTLS": False, "SCRI_MAIL_SSL": False, "SCRI_MAIL_USER": ""}.items():
            monkeypatch.setitem(app.config, key, value)

    return configure


def _send(client, output: str = "email"):
    token = CSRF.search(client.get("/console/rounds/shu-2025?lang=en").get_data(as_text=True)).group(2)
    data = {"csrf_token": token, "group": "business", "output": output,
            "upload": (io.BytesIO(TABLE.encode()), "list.csv")}
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


@pytest.mark.parametrize(("env", "message"), [
    ({"SCRI_MAIL_HOST": "smtp.example.org"}, "SCRI_MAIL_SENDER"),
    ({"SCRI_MAIL_HOST": "smtp.example.org", "SCRI_MAIL_SENDER": "a@b.kz", "SCRI_MAIL_STARTTLS": "maybe"},
     "SCRI_MAIL_STARTTLS must be true or false"),
    ({"SCRI_MAIL_PORT": "smtp"}, "SCRI_MAIL_PORT must be an integer"),
])
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
