"""A shared phone's responses are kept and flagged; a coordinator leaves one out of the scores and back."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, City, Response, SurveyRound

PASSWORD = "a long password 1"


def _answer(r):
    r.start("?lang=en")
    r.get("/p/1")
    r.post("/p/1", {"action": "next", "uses_egov": "yes", "egov_quality": "4", "years": "12"})
    r.get("/p/2")
    r.post("/p/2", {"action": "next", "district": "centre"})
    r.get("/review")
    r.post("/review")
    r.get("/thanks")
    r.post("/another")


def _coordinator(app):
    from survey_app.services.users import create_user

    with app.app_context():
        city = db.session.scalar(select(City))
        create_user("coord@shu.kz", PASSWORD, "coordinator", [city.id])
        db.session.commit()
    client = app.test_client()
    page = client.get("/console/login?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/console/login", data={"csrf_token": token, "email": "coord@shu.kz", "password": PASSWORD})
    return client


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_burst_from_one_phone_is_flagged_and_one_response_left_out(app, mini_round, respondent):
    mini_round()
    r = respondent()
    for _ in range(5):  # five people in a row on one phone, within minutes
        _answer(r)
    coordinator = _coordinator(app)
    page = coordinator.get("/console/rounds/mini-2025?lang=en").get_data(as_text=True)
    assert "Responses to look at" in page
    assert page.count("several responses from one device") == 5
    assert "one of many responses from one device or address within minutes" in page
    with app.app_context():
        ids = db.session.scalars(select(Response.id).order_by(Response.id)).all()
    # A reason is required; nothing changes without one.
    refused = coordinator.post(
        f"/console/rounds/mini-2025/responses/{ids[0]}/exclude?lang=en",
        data={"csrf_token": _csrf(page), "reason": "  "},
        follow_redirects=True,
    )
    assert "Say why the response is left out" in refused.get_data(as_text=True)
    done = coordinator.post(
        f"/console/rounds/mini-2025/responses/{ids[0]}/exclude?lang=en",
        data={"csrf_token": _csrf(page), "reason": "a test answer by the interviewer"},
        follow_redirects=True,
    )
    assert f"Response {ids[0]} is left out of the scores" in done.get_data(as_text=True)
    assert "Left out: a test answer by the interviewer" in done.get_data(as_text=True)
    with app.app_context():
        from survey_app.services.frames import round_frames

        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "mini-2025"))
        frames = round_frames(round_)
        assert sorted(frames.answers.index) == ids[1:]  # left out of the analysis...
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.exclude"))
        assert event.details["reason"] == "a test answer by the interviewer"
        assert "shared_device" in event.details["flags"] and event.actor == "coord@shu.kz"
    # ...but still exported, marked.
    export = coordinator.get("/console/rounds/mini-2025/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {int(row["response_id"]): row for row in csv.DictReader(io.StringIO(export))}
    assert set(rows) == set(ids)
    assert rows[ids[0]]["excluded"] == "1" and rows[ids[1]]["excluded"] == "0"
    assert rows[ids[1]]["flags"] == "shared_device burst" and rows[ids[1]]["mode"] == "web"
    # And counted again.
    page = done.get_data(as_text=True)
    back = coordinator.post(
        f"/console/rounds/mini-2025/responses/{ids[0]}/include?lang=en",
        data={"csrf_token": _csrf(page)},
        follow_redirects=True,
    )
    assert f"Response {ids[0]} counts in the scores again" in back.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Response, ids[0]).excluded_at is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.include")) is not None


def test_a_viewer_cannot_leave_a_response_out(app, mini_round, respondent):
    mini_round()
    _answer(respondent())
    from survey_app.services.users import create_user

    with app.app_context():
        city = db.session.scalar(select(City))
        create_user("viewer@shu.kz", PASSWORD, "viewer", [city.id])
        db.session.commit()
        rid = db.session.scalar(select(Response.id))
    client = app.test_client()
    page = client.get("/console/login?lang=en").get_data(as_text=True)
    client.post("/console/login", data={"csrf_token": _csrf(page), "email": "viewer@shu.kz", "password": PASSWORD})
    page = client.get("/console/rounds/mini-2025?lang=en").get_data(as_text=True)
    response = client.post(
        f"/console/rounds/mini-2025/responses/{rid}/exclude", data={"csrf_token": _csrf(page), "reason": "x"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Response, rid).excluded_at is None
