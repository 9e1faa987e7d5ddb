"""The read-only JSON API: shapes, paging, decoded answers, 401 without a login or token, 404 for other cities."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from survey_app.auth import issue_api_token
from survey_app.extensions import db
from survey_app.models import Answer, City, Response, SurveyRound
from survey_app.services.answers import encode
from survey_app.services.instruments import instrument_definition
from survey_app.services.users import create_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"


def _response(slug: str, group: str, answers: dict, status: str = "complete") -> int:
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    row = next(g for g in round_.groups if g.group == group).instrument
    definition = instrument_definition(row)
    response = Response(
        round_id=round_.id,
        group=group,
        instrument_id=row.id,
        language="ru",
        status=status,
        client_submission_id=uuid.uuid4().hex,
        resume_token_hash=uuid.uuid4().hex,
    )
    db.session.add(response)
    db.session.flush()
    for code, value in answers.items():
        db.session.add(Answer(response_id=response.id, question_code=code, **encode(definition.question(code), value)))
    db.session.commit()
    return response.id


@pytest.fixture
def rounds(app, make_round, make_city):
    """shu-2025 (3 complete residents, 1 business, 1 partial) and ayagoz-2025 (1 complete)."""
    make_round(targets={"residents": 150, "business": 20})
    ayagoz = make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    make_round(slug="ayagoz-2025", city_id=ayagoz)
    with app.app_context():
        ids = [
            _response(
                "shu-2025",
                "residents",
                {"age_band": "18_29", "pe_consulted": 3 + i, "info_sources": ["messengers"], "pe_meeting": "no"},
            )
            for i in range(3)
        ]
        ids.append(_response("shu-2025", "business", {"partners": {"sme": "weekly"}, "cashless_share": 40.5}))
        _response("shu-2025", "residents", {"age_band": "30_44"}, status="partial")
        _response("ayagoz-2025", "residents", {"age_band": "60_plus"})
    return ids


def _token(app, email, role, slugs):
    with app.app_context():
        ids = [c.id for c in db.session.scalars(select(City)) if c.slug in slugs]
        user = create_user(email, PASSWORD, role, ids)
        token = issue_api_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}


def test_without_login_or_token_every_endpoint_answers_401_json(client, rounds):
    for path in (
        "/api/v1/rounds",
        "/api/v1/rounds/shu-2025",
        "/api/v1/rounds/shu-2025/responses",
        "/api/v1/rounds/nope/responses",
    ):
        response = client.get(path)
        assert response.status_code == 401 and response.is_json and response.get_json()["status"] == 401
    bad = client.get("/api/v1/rounds", headers={"Authorization": "Bearer scri_not-a-real-token"})
    assert bad.status_code == 401


def test_rounds_list_and_detail(app, client, rounds):
    auth = _token(app, "v@shu.kz", "viewer", ("shu",))
    listed = client.get("/api/v1/rounds", headers=auth).get_json()
    assert listed == [
        {
            "slug": "shu-2025",
            "city": "Shu",
            "year": 2025,
            "status": "open",
            "kind": "round",
            "groups": ["residents", "business"],
            "responses": {"complete": 4, "partial": 1},
        }
    ]
    detail = client.get("/api/v1/rounds/shu-2025", headers=auth).get_json()
    assert detail["slug"] == "shu-2025" and detail["targets"] == {"residents": 150, "business": 20}
    assert detail["by_group"]["residents"]["complete"] == 3 and detail["by_group"]["residents"]["partial"] == 1
    assert detail["by_group"]["business"] == {
        "complete": 1,
        "partial": 0,
        "target": 20,
        "access": "invitation",
        "instrument": {"code": "business", "version": 2},
    }
    admin = _token(app, "admin@scri.kz", "admin", ())
    assert [r["slug"] for r in client.get("/api/v1/rounds", headers=admin).get_json()] == ["ayagoz-2025", "shu-2025"]


def test_responses_are_paged_with_decoded_answers(app, client, rounds):
    auth = _token(app, "c@shu.kz", "coordinator", ("shu",))
    first = client.get("/api/v1/rounds/shu-2025/responses?per_page=3", headers=auth).get_json()
    assert first["page"] == 1 and first["per_page"] == 3 and first["next_page"] == 2
    assert [r["id"] for r in first["responses"]] == rounds[:3]
    one = first["responses"][0]
    assert one["group"] == "residents" and one["language"] == "ru"
    assert one["answers"] == {
        "age_band": "18_29",
        "pe_consulted": 3,
        "info_sources": ["messengers"],
        "pe_meeting": "no",
    }
    last = client.get("/api/v1/rounds/shu-2025/responses?per_page=3&page=2", headers=auth).get_json()
    assert [r["id"] for r in last["responses"]] == rounds[3:] and last["next_page"] is None
    assert last["responses"][0]["answers"] == {"partners": {"sme": "weekly"}, "cashless_share": 40.5}
    default = client.get("/api/v1/rounds/shu-2025/responses", headers=auth).get_json()
    assert default["per_page"] == 100 and len(default["responses"]) == 4  # the partial one is not served
    beyond = client.get("/api/v1/rounds/shu-2025/responses?page=9", headers=auth).get_json()
    assert beyond["responses"] == [] and beyond["next_page"] is None


def test_bad_page_parameters_answer_400_json(app, client, rounds):
    auth = _token(app, "c@shu.kz", "coordinator", ("shu",))
    for query in ("per_page=501", "per_page=0", "page=0", "page=x", "per_page=-1", "page=1.5"):
        response = client.get(f"/api/v1/rounds/shu-2025/responses?{query}", headers=auth)
        assert response.status_code == 400 and response.get_json()["status"] == 400, query
    assert client.get("/api/v1/rounds/shu-2025/responses?per_page=500", headers=auth).status_code == 200


def test_other_cities_rounds_are_404(app, client, rounds):
    auth = _token(app, "a@ayagoz.kz", "coordinator", ("ayagoz",))
    assert [r["slug"] for r in client.get("/api/v1/rounds", headers=auth).get_json()] == ["ayagoz-2025"]
    for path in ("/api/v1/rounds/shu-2025", "/api/v1/rounds/shu-2025/responses", "/api/v1/rounds/nope"):
        response = client.get(path, headers=auth)
        assert response.status_code == 404 and response.is_json
    assert client.get("/api/v1/rounds/ayagoz-2025/responses", headers=auth).get_json()["responses"][0]["answers"] == {
        "age_band": "60_plus"
    }


def test_a_logged_in_console_session_may_read_the_api(app, client, rounds):
    _token(app, "c@shu.kz", "coordinator", ("shu",))
    page = client.get("/console/login").get_data(as_text=True)
    client.post(
        "/console/login", data={"csrf_token": CSRF.search(page).group(1), "email": "c@shu.kz", "password": PASSWORD}
    )
    assert [r["slug"] for r in client.get("/api/v1/rounds").get_json()] == ["shu-2025"]
    assert client.get("/api/v1/rounds/shu-2025/responses?per_page=1").get_json()["next_page"] == 2
