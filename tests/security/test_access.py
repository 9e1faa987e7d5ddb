"""Guessed and reused tokens, and another city's objects reached by slug or id: refused, never a 500 or a leak."""

from __future__ import annotations

import re
import secrets

import pytest
from sechelpers import answer_all, csrf_of, start_response

pytestmark = pytest.mark.security


def _issue(app, slug="shu-2025", group="business", n=1, organisation="Org"):
    from survey_app.extensions import db
    from survey_app.services import invitations
    from survey_app.services.rounds import get_round

    with app.app_context():
        issued = invitations.issue(get_round(slug), group, [{"organisation": organisation}] * n, "http://localhost/")
        db.session.commit()
        return [i.link.split("?t=", 1)[1] for i in issued]


def _count(app, status=None):
    from sqlalchemy import func, select

    from survey_app.extensions import db
    from survey_app.models import Response

    with app.app_context():
        query = select(func.count()).select_from(Response)
        if status:
            query = query.where(Response.status == status)
        return db.session.scalar(query)


def _text(response) -> str:
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    return body


# ----------------------------------------------------------------------------------------------- invitations


@pytest.mark.parametrize(
    "token", ["", "random", "inv_", "x" * 5000, "' OR '1'='1", "<script>", "%00", "inv_" + "A" * 43]
)
def test_a_guessed_invitation_token_is_refused(app, client, two_cities, token):
    _issue(app)  # a real invitation exists too
    if token == "random":
        token = "inv_" + secrets.token_urlsafe(32)
    response = client.get(f"/s/shu-2025/business?lang=en&t={token}")
    assert response.status_code == (400 if token == "%00" else 403)  # a NUL byte never reaches the database
    assert "Traceback" not in _text(response)
    posted = client.post(
        "/s/shu-2025/business", data={"t": token, "consent": "yes", "submission_id": "s" * 30, "csrf_token": "x"}
    )
    assert posted.status_code in (400, 403)
    assert _count(app) == 0


def test_an_invitation_is_used_once_and_only_for_its_own_round_and_group(app, client, two_cities):
    [token] = _issue(app)
    # Not for another group of the same round, nor for another city's round.
    assert client.get(f"/s/shu-2025/residents?t={token}").status_code == 200  # open group: the token is ignored
    assert client.get(f"/s/ayagoz-2025/business?t={token}").status_code == 403
    first = start_response(client, "shu-2025", "business", token=token)
    assert first.endswith("/p/1")
    # The same link in another browser while the first one answers: refused.
    other = app.test_client()
    refused = other.get(f"/s/shu-2025/business?lang=en&t={token}")
    assert refused.status_code == 403 and "already been used" in _text(refused)
    # A second consent with the same token and a new submission id does not make a second response.
    page = other.get("/s/shu-2025/residents")
    response = other.post(
        "/s/shu-2025/business",
        data={
            "t": token,
            "consent": "yes",
            "submission_id": secrets.token_urlsafe(24),
            "csrf_token": csrf_of(_text(page)),
        },
    )
    assert response.status_code == 403
    assert _count(app) == 1


def test_an_anonymous_round_keeps_no_link_between_an_invitation_and_its_answers(app, client, two_cities):
    from datetime import timedelta

    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Invitation, Response

    [token] = _issue(app)
    with app.app_context():  # invitations go out some time before they are answered
        db.session.scalar(select(Invitation)).created_at -= timedelta(days=2)
        db.session.commit()
    final = answer_all(client, "shu-2025", "business", token=token)
    assert final.headers["Location"].endswith("/thanks")
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        response = db.session.scalar(select(Response))
        assert response.status == "complete" and invitation.used_at is not None
        assert response.invitation_id is None
        assert invitation.started_at == invitation.used_at == invitation.created_at
        # Nothing else may join them either: exact times on both sides are such a join.
        for mark in (invitation.started_at, invitation.used_at):
            for moment in (response.started_at, response.submitted_at):
                assert mark is None or abs(mark - moment) > timedelta(seconds=1)


def test_a_named_round_links_the_invitation_and_records_when_it_was_used(app, client, make_city, every_type_round):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Invitation, Response

    every_type_round("named-2025", city_id=make_city(), anonymous=False)
    [token] = _issue(app, slug="named-2025")
    answer_all(client, "named-2025", "business", token=token)
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        response = db.session.scalar(select(Response))
        assert response.invitation_id == invitation.id
        assert invitation.created_at <= invitation.started_at <= invitation.used_at
        assert invitation.used_at >= response.started_at


def test_a_revoked_invitation_is_refused(app, client, two_cities):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Invitation
    from survey_app.services import invitations

    [token] = _issue(app)
    with app.app_context():
        invitations.revoke(db.session.scalar(select(Invitation)))
    assert client.get(f"/s/shu-2025/business?t={token}").status_code == 403


# ---------------------------------------------------------------------------------------------- resume links


def test_a_guessed_resume_link_is_404_and_a_real_one_works_only_in_its_round(app, client, two_cities):
    start_response(client, "shu-2025")
    cookie = next(c for c in client._cookies.values() if c.key == "scri_resume_residents")
    token = cookie.value
    stranger = app.test_client()
    for guess in (secrets.token_urlsafe(32), "a", "x" * 500, token[:-1] + ("A" if token[-1] != "A" else "B")):
        response = stranger.get(f"/s/shu-2025/residents/resume/{guess}")
        assert response.status_code == 404, guess
    assert stranger.get(f"/s/ayagoz-2025/residents/resume/{token}").status_code == 404
    assert stranger.get(f"/s/shu-2025/business/resume/{token}").status_code in (403, 404)
    assert stranger.get(f"/s/shu-2025/residents/resume/{token}").status_code in (302, 303)


def test_a_completed_device_cannot_answer_the_open_link_again(app, client, two_cities):
    answer_all(client, "shu-2025")
    assert _count(app, "complete") == 1
    # Same device, resume cookie dropped (a private window keeps the device cookie only if it is the same one).
    client.delete_cookie("scri_resume_residents", path="/s/shu-2025/residents")
    page = client.get("/s/shu-2025/residents?lang=en")
    assert "already answered" in _text(page) or "already been received" in _text(page)
    assert _count(app) == 1


# -------------------------------------------------------------------------------------- another city's objects

OTHER_CITY_GETS = [
    "/console/rounds/ayagoz-2025",
    "/console/rounds/ayagoz-2025/monitor.json",
    "/console/rounds/ayagoz-2025/export.csv",
    "/console/rounds/ayagoz-2025/export.xlsx",
    "/console/rounds/ayagoz-2025/invitations",
    "/console/rounds/ayagoz-2025/results",
    "/console/rounds/ayagoz-2025/report.pdf",
    "/console/compare?rounds=shu-2025,ayagoz-2025",
    "/console/compare.pdf?rounds=shu-2025,ayagoz-2025",
    "/results/ayagoz-2025",
    "/results/ayagoz-2025/report.pdf",
]
OTHER_CITY_POSTS = [
    "/console/rounds/ayagoz-2025/close",
    "/console/rounds/ayagoz-2025/open",
    "/console/rounds/ayagoz-2025/archive",
    "/console/rounds/ayagoz-2025/clone",
    "/console/rounds/ayagoz-2025/invitations",
    "/console/rounds/ayagoz-2025/publish",
]


def test_a_coordinator_cannot_see_or_change_another_citys_round(app, client, two_cities, login):
    answer_all(app.test_client(), "ayagoz-2025", comment="secret of Ayagoz")
    _issue(app, "ayagoz-2025", organisation="Ayagoz Secret Org")
    login(client, "coordinator@shu.kz")
    for url in OTHER_CITY_GETS:
        response = client.get(url)
        body = _text(response)
        response.close()
        assert response.status_code in (400, 404), f"GET {url}: {response.status_code}"
        assert "secret of Ayagoz" not in body and "Ayagoz Secret Org" not in body, url
    token = csrf_of(_text(client.get("/console/")))
    for url in OTHER_CITY_POSTS:
        response = client.post(
            url,
            data={
                "csrf_token": token,
                "group": "business",
                "count": "1",
                "output": "csv",
                "published": "1",
                "confirm": "yes",
            },
        )
        assert response.status_code == 404, f"POST {url}: {response.status_code}"
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Invitation, SurveyRound

    with app.app_context():
        ayagoz = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "ayagoz-2025"))
        assert ayagoz.status == "open" and not ayagoz.results_published
        assert db.session.scalar(select(SurveyRound).where(SurveyRound.slug.like("ayagoz-2025-%"))) is None
        invitation_id = db.session.scalar(select(Invitation.id).where(Invitation.round_id == ayagoz.id))
    # Revoking another city's invitation by id, through one's own round or theirs.
    for url in (
        f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke",
        f"/console/rounds/ayagoz-2025/invitations/{invitation_id}/revoke",
    ):
        assert client.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 404, url
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is None
    # The home page and the API list only the coordinator's own rounds.
    assert "ayagoz-2025" not in _text(client.get("/console/"))
    assert [r["slug"] for r in client.get("/api/v1/rounds").get_json()] == ["shu-2025"]
    assert client.get("/api/v1/rounds/ayagoz-2025").status_code == 404
    assert client.get("/api/v1/rounds/ayagoz-2025/responses").status_code == 404
    assert client.get("/api/v1/rounds/ayagoz-2025/scores").status_code == 404


def test_an_api_token_sees_only_its_citys_rounds(app, client, two_cities):
    from sqlalchemy import select

    from survey_app.auth import issue_api_token
    from survey_app.extensions import db
    from survey_app.models import User

    answer_all(app.test_client(), "ayagoz-2025", comment="secret of Ayagoz")
    with app.app_context():
        token = issue_api_token(db.session.scalar(select(User).where(User.email == "coordinator@shu.kz")))
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/rounds/ayagoz-2025/responses", headers=headers).status_code == 404
    assert client.get("/api/v1/rounds/shu-2025/responses", headers=headers).status_code == 200
    for bad in ("", token[:-2], "scri_" + secrets.token_urlsafe(32), "x" * 400, token + " extra"):
        response = client.get("/api/v1/rounds/shu-2025", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad
    # A bearer token does not open the HTML console (API only).
    assert client.get("/console/", headers=headers).status_code in (302, 303, 401)


def test_console_ids_in_urls_cannot_be_walked(app, client, two_cities, login):
    login(client, "coordinator@shu.kz")
    for path in (
        "/console/instruments/999999/preview",
        "/console/instruments/0/preview",
        "/console/rounds/shu-2025/invitations/999999/revoke",
    ):
        method = client.post if path.endswith("revoke") else client.get
        data = {"csrf_token": csrf_of(_text(client.get("/console/")))} if method == client.post else None
        assert method(path, data=data).status_code == 404, path
    assert re.search(r"ayagoz", _text(client.get("/console/cities")), re.IGNORECASE) is None
