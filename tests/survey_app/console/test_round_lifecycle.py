"""The coordinator's round workflow in the console: sign in, create, open, invite, monitor, close."""

import csv
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from survey_app.auth import hash_token
from survey_app.extensions import db
from survey_app.models import AuditEvent, City, Invitation, SurveyRound
from survey_app.services.users import create_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"


def _account(app, email, role, city_slugs=()):
    with app.app_context():
        ids = [c.id for c in db.session.scalars(select(City)) if c.slug in city_slugs]
        create_user(email, PASSWORD, role, ids)
        db.session.commit()


def _login(client, email, password=PASSWORD):
    page = client.get("/console/login?lang=en").get_data(as_text=True)
    return client.post(
        "/console/login", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": password}
    )


def _token(client, path):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.location


def test_wrong_password_does_not_say_whether_the_account_exists(app, client, make_city):
    make_city()
    _account(app, "c@shu.kz", "coordinator", ("shu",))
    unknown = _login(client, "nobody@shu.kz", "whatever it is")
    wrong = _login(client, "c@shu.kz", "wrong password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_data(as_text=True).count("not right") == wrong.get_data(as_text=True).count("not right") == 1


def test_account_is_locked_after_five_failures(app, client, make_city):
    make_city()
    _account(app, "c@shu.kz", "coordinator", ("shu",))
    for _ in range(5):
        _login(client, "c@shu.kz", "wrong password")
    assert _login(client, "c@shu.kz").status_code == 401  # right password, but locked for a while


def test_coordinator_creates_opens_invites_and_closes_a_round(app, client, make_city):
    make_city()
    _account(app, "c@shu.kz", "coordinator", ("shu",))
    assert _login(client, "c@shu.kz").status_code == 302
    token = _token(client, "/console/rounds/new?lang=en")
    with app.app_context():
        city_id = db.session.scalar(select(City.id))
    form = {
        "csrf_token": token,
        "city_id": city_id,
        "slug": "shu-2026",
        "title": "Shu 2026",
        "year": 2026,
        "anonymous": "y",
    }
    for group, use, access, target in [("residents", True, "open", 150), ("business", True, "invitation", 25)]:
        form.update({f"use_{group}": "y" if use else "", f"access_{group}": access, f"target_{group}": target})
    for group in ("academia", "civil_society", "government", "international"):
        form.update({f"access_{group}": "invitation", f"target_{group}": 10})
    created = client.post("/console/rounds/new", data=form)
    assert created.status_code == 302 and created.location.endswith("/console/rounds/shu-2026")
    tampered = dict(form, slug="shu-2027", instrument_residents=999999)
    assert client.post("/console/rounds/new", data=tampered).status_code == 422
    page = client.get("/console/rounds/shu-2026?lang=en").get_data(as_text=True)
    assert "draft" in page and "/s/shu-2026/residents" in page
    token = CSRF.search(page).group(1)
    assert client.post("/console/rounds/shu-2026/open", data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-2026"))
        assert round_.status == "open"
        assert {g.group: (g.access, g.target_n) for g in round_.groups} == {
            "residents": ("open", 150),
            "business": ("invitation", 25),
        }

    csv_response = client.post(
        "/console/rounds/shu-2026/invitations",
        data={"csrf_token": token, "group": "business", "count": 3, "output": "csv"},
    )
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    links = [row["link"] for row in rows]
    assert len(links) == 3 and all("/s/shu-2026/business?t=inv_" in link for link in links)
    with app.app_context():
        hashes = set(db.session.scalars(select(Invitation.token_hash)))
    tokens = [link.split("t=")[1] for link in links]
    assert hashes == {hash_token(t) for t in tokens}  # only hashes are stored
    assert not any(t in hashes for t in tokens)

    pdf = client.post(
        "/console/rounds/shu-2026/invitations",
        data={"csrf_token": token, "group": "business", "count": 2, "output": "pdf"},
    )
    assert pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", "")
    assert text.count("/s/shu-2026/business?t=inv_") == 2

    # An invitation link works once for a respondent.
    respondent = app.test_client()
    assert respondent.get(links[0].replace("http://localhost", "") + "&lang=en").status_code == 200

    monitor = client.get("/console/rounds/shu-2026/monitor.json").get_json()
    assert {g["group"]: g["target"] for g in monitor["groups"]} == {"residents": 150, "business": 25}
    assert (
        client.post("/console/rounds/shu-2026/close", data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    )
    with app.app_context():
        assert db.session.scalar(select(SurveyRound.status).where(SurveyRound.slug == "shu-2026")) == "closed"
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"round.create", "round.open", "invitations.issue", "round.close", "login.success"} <= actions


def test_invalid_round_form_is_shown_again_with_messages(app, client, make_city):
    make_city()
    _account(app, "c@shu.kz", "coordinator", ("shu",))
    _login(client, "c@shu.kz")
    token = _token(client, "/console/rounds/new?lang=en")
    with app.app_context():
        city_id = db.session.scalar(select(City.id))
    response = client.post(
        "/console/rounds/new", data={"csrf_token": token, "city_id": city_id, "slug": "Bad Slug!", "year": 1900}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Use lower-case Latin letters" in body and 'aria-invalid="true"' in body
    with app.app_context():
        assert db.session.scalar(select(SurveyRound.id)) is None


def test_another_citys_round_is_not_found_and_viewers_cannot_change(app, client, make_city, make_round):
    shu = make_city()
    make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    make_round(slug="shu-2025", city_id=shu)
    _account(app, "a@ayagoz.kz", "coordinator", ("ayagoz",))
    _account(app, "v@shu.kz", "viewer", ("shu",))
    _login(client, "a@ayagoz.kz")
    assert client.get("/console/rounds/shu-2025").status_code == 404
    assert client.get("/console/rounds/shu-2025/monitor.json").status_code == 404
    viewer = app.test_client()
    _login(viewer, "v@shu.kz")
    page = viewer.get("/console/rounds/shu-2025?lang=en").get_data(as_text=True)
    assert "Close" not in page
    token = CSRF.search(page).group(1)
    assert (
        viewer.post("/console/rounds/shu-2025/close", data={"csrf_token": token, "confirm": "yes"}).status_code == 403
    )
