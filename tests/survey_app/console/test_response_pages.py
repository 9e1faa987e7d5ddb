"""A round's responses read one by one, their free texts, and a response deleted on its respondent's request."""

from __future__ import annotations

from consolehelpers import complete_residents, csrf_token
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Answer, AuditEvent, Response


def _responses(app, slug: str, count: int):
    """`count` complete responses of the residents of a round, each with a free-text answer."""
    ids, question = complete_residents(app, slug, "text", [f"Fix the roads {n}" for n in range(count)])
    return ids, question.code


def test_responses_are_listed_read_and_their_free_texts_shown(app, two_cities, login):
    ids, code = _responses(app, "shu-2025", 6)
    client = login(two_cities["users"]["coordinator"])
    listing = client.get("/console/rounds/shu-2025/responses?lang=en").get_data(as_text=True)
    assert all(f">{i}</a>" in listing for i in ids)
    one = client.get(f"/console/rounds/shu-2025/responses/{ids[0]}?lang=en").get_data(as_text=True)
    assert "Fix the roads 0" in one and "Delete on the respondent" in one, one[one.find("<main") :][:1500]
    texts = client.get(f"/console/rounds/shu-2025/responses/texts/residents/{code}?lang=en").get_data(as_text=True)
    assert all(f"Fix the roads {n}" in texts for n in range(6))
    other = login(two_cities["users"]["viewer"])
    assert other.get(f"/console/rounds/shu-2025/responses/{ids[0]}").status_code in (403, 404)
    assert client.get(f"/console/rounds/aksu-2025/responses/{ids[0]}").status_code == 404


def test_a_small_group_of_an_anonymous_round_is_not_shown(app, two_cities, login):
    ids, code = _responses(app, "shu-2025", 2)
    client = login(two_cities["users"]["coordinator"])
    listing = client.get("/console/rounds/shu-2025/responses?lang=en").get_data(as_text=True)
    assert "fewer than 5 complete responses" in listing and f">{ids[0]}</a>" not in listing
    assert client.get(f"/console/rounds/shu-2025/responses/{ids[0]}").status_code == 404
    texts = client.get(f"/console/rounds/shu-2025/responses/texts/residents/{code}?lang=en").get_data(as_text=True)
    assert "Fix the roads" not in texts


def test_a_response_is_deleted_on_request_with_a_reason_kept_and_no_answer(app, two_cities, login):
    ids, _code = _responses(app, "shu-2025", 6)
    client = login(two_cities["users"]["coordinator"])
    url = f"/console/rounds/shu-2025/responses/{ids[0]}/delete"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Delete this response?" in page and "cannot be undone" in page and 'name="reason"' in page
    token = csrf_token(client, url + "?lang=en")
    refused = client.post(url, data={"csrf_token": token, "confirm": "yes", "reason": " "})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(Response, ids[0]) is not None
    done = client.post(url, data={"csrf_token": token, "confirm": "yes", "reason": "The respondent asked by phone"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Response, ids[0]) is None
        assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == ids[0])) == 0
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.delete"))
        assert event.details["reason"] == "The respondent asked by phone" and "Fix the roads" not in str(event.details)
