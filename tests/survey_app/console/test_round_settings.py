"""A round's settings in the console: what a draft may change, what an opened round keeps, copies."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from consolehelpers import (
    _approved_instrument,
    _audit_actions,
    _count,
    _edit_data,
    _round_state,
    csrf_token,
)

from survey_app.models import SurveyRound


def test_a_draft_rounds_settings_can_all_change(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    academia = _approved_instrument(app, "academia")
    assert academia
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(
        app,
        coordinator,
        "shu-2026",
        title="Shu 2026 survey",
        opens_at="2030-05-01T09:00",
        closes_at="2030-06-01T18:00",
        target_residents="300",
        use_business=None,
        use_academia="y",
        access_academia="invitation",
        instrument_academia=str(academia),
        target_academia="15",
        anonymous=None,
        access_residents="invitation",
    )
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    state = _round_state(app, "shu-2026")
    assert state["title"] == "Shu 2026 survey" and state["status"] == "draft"
    # Typed in Shu's time (Asia/Almaty, UTC+5), stored in UTC.
    assert state["opens_at"] == datetime(2030, 5, 1, 4, 0, tzinfo=UTC)
    assert state["closes_at"] == datetime(2030, 6, 1, 13, 0, tzinfo=UTC)
    assert state["anonymous"] is False
    assert set(state["groups"]) == {"residents", "academia"}
    assert state["groups"]["residents"][0] == "invitation" and state["groups"]["residents"][2] == 300
    assert state["groups"]["academia"] == ("invitation", academia, 15)
    event = _audit_actions(app, "round.update")[-1]
    assert {
        "title",
        "opens_at",
        "closes_at",
        "anonymous",
        "groups.business",
        "groups.academia",
        "target.residents",
        "access.residents",
    } <= set(event.details["changed"])
    page = coordinator.get("/console/rounds/shu-2026?lang=en").get_data(as_text=True)
    assert "settings are saved." in page


def test_closing_before_opening_is_refused_and_nothing_changes(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(
        app,
        coordinator,
        "shu-2026",
        title="Changed",
        opens_at="2030-06-01T09:00",
        closes_at="2030-05-01T09:00",
        target_residents="999",
    )
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 422
    assert "The closing date must be after the opening date." in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before
    assert _audit_actions(app, "round.update") == []


@pytest.mark.parametrize(
    "overrides",
    [{"target_residents": "-1"}, {"target_business": ""}, {"opens_at": "next tuesday"}, {"title": "x" * 201}],
)
def test_invalid_settings_are_refused_and_nothing_changes(app, two_cities, make_round, login, overrides):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(app, coordinator, "shu-2026", **{"title": "Changed", **overrides})
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 422
    assert 'class="q-error"' in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before


def test_saving_unchanged_settings_records_nothing(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    coordinator = login(two_cities["users"]["coordinator"])
    dates = {"opens_at": "2030-05-01T09:00", "closes_at": "2030-06-01T18:00"}
    first = coordinator.post("/console/rounds/shu-2026/edit", data=_edit_data(app, coordinator, "shu-2026", **dates))
    assert first.status_code == 302
    assert len(_audit_actions(app, "round.update")) == 1
    page = coordinator.get("/console/rounds/shu-2026/edit?lang=en").get_data(as_text=True)
    assert 'value="2030-05-01T09:00"' in page and 'value="2030-06-01T18:00"' in page
    again = coordinator.post("/console/rounds/shu-2026/edit", data=_edit_data(app, coordinator, "shu-2026", **dates))
    assert again.status_code == 302
    assert len(_audit_actions(app, "round.update")) == 1


def test_choosing_no_group_is_refused(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(app, coordinator, "shu-2026", use_residents=None, use_business=None)
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 422
    assert "Choose at least one stakeholder group." in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before


def test_an_opened_round_keeps_its_questions_but_title_dates_targets_change(app, two_cities, login):
    before = _round_state(app, "shu-2025")
    assert before["status"] == "open"
    coordinator = login(two_cities["users"]["coordinator"])
    page = coordinator.get("/console/rounds/shu-2025/edit?lang=en").get_data(as_text=True)
    assert "This round has been opened, so its groups, questionnaires, access and anonymity are fixed" in page
    academia = _approved_instrument(app, "academia")
    data = _edit_data(
        app,
        coordinator,
        "shu-2025",
        frozen=True,
        title="Renamed",
        closes_at="2031-01-01T00:00",
        target_business="44",
        # a tampered form: try to change the fixed settings as well
        anonymous=None,
        use_academia="y",
        instrument_academia=str(academia),
        use_residents=None,
        access_business="open",
        target_academia="9",
    )
    response = coordinator.post("/console/rounds/shu-2025/edit?lang=en", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = _round_state(app, "shu-2025")
    assert after["title"] == "Renamed"
    assert after["closes_at"] == datetime(2030, 12, 31, 19, 0, tzinfo=UTC)  # midnight in Shu (UTC+5)
    assert after["groups"]["business"] == (before["groups"]["business"][0], before["groups"]["business"][1], 44)
    assert after["groups"]["residents"] == before["groups"]["residents"]
    assert set(after["groups"]) == set(before["groups"])
    assert after["anonymous"] == before["anonymous"] and after["status"] == "open"
    page = coordinator.get("/console/rounds/shu-2025/edit?lang=en").get_data(as_text=True)
    assert "This round has been opened" in page


def test_a_closed_round_stays_frozen(app, two_cities, make_round, login):
    make_round(slug="shu-2024", status="closed", city_id=two_cities["a"], year=2024)
    before = _round_state(app, "shu-2024")
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(app, coordinator, "shu-2024", frozen=True, use_business=None, access_residents="invitation")
    assert coordinator.post("/console/rounds/shu-2024/edit", data=data).status_code == 302
    assert _round_state(app, "shu-2024")["groups"] == before["groups"]


def test_an_archived_round_cannot_be_edited(app, two_cities, make_round, login):
    make_round(slug="shu-2024", status="closed", city_id=two_cities["a"], year=2024)
    coordinator = login(two_cities["users"]["coordinator"])
    token = csrf_token(coordinator, "/console/rounds/shu-2024?lang=en")
    assert (
        coordinator.post("/console/rounds/shu-2024/archive", data={"csrf_token": token, "confirm": "yes"}).status_code
        == 302
    )
    before = _round_state(app, "shu-2024")
    assert before["status"] == "archived"
    assert coordinator.get("/console/rounds/shu-2024/edit?lang=en").status_code == 409
    response = coordinator.post(
        "/console/rounds/shu-2024/edit?lang=en",
        data={"csrf_token": token, "title": "Changed", "target_residents": "1", "target_business": "1"},
    )
    assert response.status_code == 409
    assert _round_state(app, "shu-2024") == before


def _edit_is_refused(app, client, slug: str, token_page: str, status: int) -> None:
    """GET and POST of a round's settings answer `status` and the round stays as it was."""
    before = _round_state(app, slug)
    assert client.get(f"/console/rounds/{slug}/edit").status_code == status
    token = csrf_token(client, token_page)
    response = client.post(
        f"/console/rounds/{slug}/edit",
        data={"csrf_token": token, "title": "Changed", "target_residents": "1", "target_business": "1"},
    )
    assert response.status_code == status
    assert _round_state(app, slug) == before


def test_copying_a_round_makes_a_draft_with_a_new_slug(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    token = csrf_token(coordinator, "/console/rounds/shu-2025?lang=en")
    response = coordinator.post("/console/rounds/shu-2025/clone", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/console/rounds/shu-2026/edit"
    original, copy = _round_state(app, "shu-2025"), _round_state(app, "shu-2026")
    assert copy["status"] == "draft" and original["status"] == "open"
    assert copy["groups"] == original["groups"]
    # a second copy gets yet another slug
    second = coordinator.post("/console/rounds/shu-2025/clone", data={"csrf_token": token})
    assert urlsplit(second.headers["Location"]).path == "/console/rounds/shu-2026-2/edit"
    assert _count(app, SurveyRound, SurveyRound.city_id == two_cities["a"]) == 3
    # the copy is not frozen: its questions can still change
    page = coordinator.get("/console/rounds/shu-2026/edit?lang=en").get_data(as_text=True)
    assert "This round has been opened" not in page and 'name="use_academia"' in page
    viewer = login(two_cities["users"]["viewer"])
    token = csrf_token(viewer, "/console/rounds/shu-2025?lang=en")
    assert viewer.post("/console/rounds/shu-2025/clone", data={"csrf_token": token}).status_code == 403
    assert _count(app, SurveyRound, SurveyRound.city_id == two_cities["a"]) == 3


def test_other_cities_and_viewers_cannot_edit_a_round(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    _edit_is_refused(app, coordinator, "aksu-2025", "/console/rounds/shu-2025/edit?lang=en", 404)
    viewer = login(two_cities["users"]["viewer"])
    _edit_is_refused(app, viewer, "shu-2025", "/console/rounds/shu-2025?lang=en", 403)
