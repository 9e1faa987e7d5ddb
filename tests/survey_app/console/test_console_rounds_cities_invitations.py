"""Console features a coordinator or admin checks by hand: adding a city, a round's settings (and its copy),
invitations shown once (with their CSV and PDF), and failed sign-ins in the audit log."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEvent, City, Instrument, Invitation, SurveyRound, User

PASSWORD = "a long password 1"  # the password tests/survey_app/console/conftest.py gives every account
CSRF = re.compile(r'name="((?:[a-z0-9]+-)?csrf_token)"[^>]*value="([^"]+)"')
GROUPS = ("residents", "business", "academia", "civil_society", "government", "international")
LINK = re.compile(r"<code>(https?://[^<]+)</code>")
GENERIC = "The e-mail or password is not right, or the account is locked"


# --- helpers -------------------------------------------------------------------------------------------


def csrf_token(client, path: str = "/console/login?lang=en") -> str:
    """The CSRF token of the first form on a page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(2)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _audit_actions(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.session.expunge_all()
        return rows


def _new_city_data(client, **overrides) -> dict:
    data = {"new-csrf_token": csrf_token(client, "/console/cities?lang=en"), "new-slug": "taraz",
            "new-name_kk": "Тараз", "new-name_ru": "Тараз", "new-name_en": "Taraz", "new-region": "Zhambyl",
            "new-population": "358000"}
    data.update(overrides)
    return data


MARGINS = {"new-m_sex_male": "0.48", "new-m_sex_female": "0.52", "new-m_age_band_18_29": "0.3",
           "new-m_age_band_30_44": "0.3", "new-m_age_band_45_59": "0.2", "new-m_age_band_60_plus": "0.2"}


def _round_state(app, slug: str) -> dict:
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
        return {"title": round_.title, "status": round_.status, "anonymous": round_.anonymous,
                "opens_at": round_.opens_at, "closes_at": round_.closes_at,
                "groups": {g.group: (g.access, g.instrument_id, g.target_n) for g in round_.groups}}


def _approved_instrument(app, group: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Instrument.id).where(Instrument.group == group,
                                                             Instrument.approved.is_(True))
                                 .order_by(Instrument.version.desc()))


def _edit_data(app, client, slug: str, *, frozen: bool = False, **overrides) -> dict:
    """What the settings form would post unchanged (then the overrides)."""
    state = _round_state(app, slug)
    data = {"csrf_token": csrf_token(client, f"/console/rounds/{slug}/edit?lang=en"), "title": state["title"] or "",
            "opens_at": "", "closes_at": ""}
    if state["anonymous"]:
        data["anonymous"] = "y"
    for group in GROUPS:
        current = state["groups"].get(group)
        if frozen:
            if current:
                data[f"target_{group}"] = str(current[2])
            continue
        data[f"target_{group}"] = str(current[2] if current else 20)
        if current:
            data[f"use_{group}"] = "y"
            data[f"access_{group}"] = current[0]
            data[f"instrument_{group}"] = str(current[1])
        else:
            data[f"access_{group}"] = "invitation"
            instrument = _approved_instrument(app, group)
            if instrument:
                data[f"instrument_{group}"] = str(instrument)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _issue(client, slug="shu-2025", count=3, output="screen", group="business"):
    data = {"csrf_token": csrf_token(client, f"/console/rounds/{slug}?lang=en"), "group": group,
            "count": str(count), "output": output}
    return client.post(f"/console/rounds/{slug}/invitations?lang=en", data=data, content_type="multipart/form-data")


def _links(response) -> list[str]:
    return LINK.findall(response.get_data(as_text=True))


def _token(link: str) -> str:
    return link.rsplit("?t=", 1)[1]


# --- 1. adding a city ------------------------------------------------------------------------------------


def test_admin_adds_a_city_with_names_population_margins_and_audit(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **MARGINS))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        city = db.session.scalar(select(City).where(City.slug == "taraz"))
        assert (city.name_kk, city.name_ru, city.name_en) == ("Тараз", "Тараз", "Taraz")
        assert city.region == "Zhambyl" and city.population == 358000
        assert city.census_margins == {"sex": {"male": 0.48, "female": 0.52},
                                       "age_band": {"18_29": 0.3, "30_44": 0.3, "45_59": 0.2, "60_plus": 0.2}}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "city.create"))
        assert event.object_id == city.id and event.details["slug"] == "taraz"
    page = admin.get("/console/cities?lang=en").get_data(as_text=True)
    assert "Taraz is added." in page


def test_a_coordinator_cannot_add_a_city(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    data = _new_city_data(coordinator)
    data["csrf_token"] = data.pop("new-csrf_token")  # a coordinator's page has no new-city form
    response = coordinator.post("/console/cities/new", data=data)
    assert response.status_code == 403
    assert _count(app, City) == 2
    assert _audit_actions(app, "city.create") == []


@pytest.mark.parametrize(("overrides", "message"), [
    ({"new-slug": "shu"}, "A city with this short name already exists."),
    ({"new-name_en": "aksu"}, "A city with this English name already exists."),
    ({"new-name_en": "  Shu "}, "A city with this English name already exists."),
])
def test_a_duplicate_city_is_refused_with_a_message(app, two_cities, login, overrides, message):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, City) == 2
    assert _audit_actions(app, "city.create") == []


def test_a_duplicate_english_name_with_a_non_ascii_letter_is_refused(app, two_cities, make_city, login):
    make_city(slug="oskemen", en="Öskemen", ru="Усть-Каменогорск", kk="Өскемен")
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en",
                          data=_new_city_data(admin, **{"new-slug": "oskemen-2", "new-name_en": "ÖSKEMEN"}))
    assert response.status_code == 422
    assert "A city with this English name already exists." in response.get_data(as_text=True)
    assert _count(app, City) == 3


@pytest.mark.parametrize("slug", ["Taraz", "ta", "1taraz", "taraz-", "ta raz", ""])
def test_a_bad_city_slug_is_refused(app, two_cities, login, slug):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **{"new-slug": slug}))
    assert response.status_code == 422
    assert _count(app, City) == 2


@pytest.mark.parametrize(("margins", "message"), [
    ({**MARGINS, "new-m_sex_female": "0.6"}, "must add up to 1"),
    ({"new-m_age_band_18_29": "0.5"}, "give a share for every category"),
    ({**MARGINS, "new-m_sex_male": "1.5", "new-m_sex_female": "-0.5"}, "A share from 0 to 1."),
])
def test_census_margins_that_do_not_add_up_store_nothing(app, two_cities, login, margins, message):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **margins))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, City, City.slug == "taraz") == 0
    assert _audit_actions(app, "city.create") == []


def test_html_in_a_city_name_is_stored_as_text_and_shown_escaped(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    name = "<script>alert(1)</script>"
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **{"new-name_en": name}))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(City.name_en).where(City.slug == "taraz")) == name
    page = admin.get("/console/cities?lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- 2. round settings -----------------------------------------------------------------------------------


def test_a_draft_rounds_settings_can_all_change(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    academia = _approved_instrument(app, "academia")
    assert academia
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(app, coordinator, "shu-2026", title="Shu 2026 survey", opens_at="2030-05-01T09:00",
                      closes_at="2030-06-01T18:00", target_residents="300", use_business=None,
                      use_academia="y", access_academia="invitation", instrument_academia=str(academia),
                      target_academia="15", anonymous=None, access_residents="invitation")
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    state = _round_state(app, "shu-2026")
    assert state["title"] == "Shu 2026 survey" and state["status"] == "draft"
    assert state["opens_at"] == datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
    assert state["closes_at"] == datetime(2030, 6, 1, 18, 0, tzinfo=UTC)
    assert state["anonymous"] is False
    assert set(state["groups"]) == {"residents", "academia"}
    assert state["groups"]["residents"][0] == "invitation" and state["groups"]["residents"][2] == 300
    assert state["groups"]["academia"] == ("invitation", academia, 15)
    event = _audit_actions(app, "round.update")[-1]
    assert {"title", "opens_at", "closes_at", "anonymous", "groups.business", "groups.academia",
            "target.residents", "access.residents"} <= set(event.details["changed"])
    page = coordinator.get("/console/rounds/shu-2026?lang=en").get_data(as_text=True)
    assert "settings are saved." in page


def test_closing_before_opening_is_refused_and_nothing_changes(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    data = _edit_data(app, coordinator, "shu-2026", title="Changed", opens_at="2030-06-01T09:00",
                      closes_at="2030-05-01T09:00", target_residents="999")
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data)
    assert response.status_code == 422
    assert "The closing date must be after the opening date." in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before
    assert _audit_actions(app, "round.update") == []


@pytest.mark.parametrize("overrides", [{"target_residents": "-1"}, {"target_business": ""},
                                       {"opens_at": "next tuesday"}, {"title": "x" * 201}])
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
    data = _edit_data(app, coordinator, "shu-2025", frozen=True, title="Renamed",
                      closes_at="2031-01-01T00:00", target_business="44",
                      # a tampered form: try to change the fixed settings as well
                      anonymous=None, use_academia="y", instrument_academia=str(academia),
                      use_residents=None, access_business="open", target_academia="9")
    response = coordinator.post("/console/rounds/shu-2025/edit?lang=en", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = _round_state(app, "shu-2025")
    assert after["title"] == "Renamed"
    assert after["closes_at"] == datetime(2031, 1, 1, tzinfo=UTC)
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
    assert coordinator.post("/console/rounds/shu-2024/archive", data={"csrf_token": token}).status_code == 302
    before = _round_state(app, "shu-2024")
    assert before["status"] == "archived"
    assert coordinator.get("/console/rounds/shu-2024/edit?lang=en").status_code == 409
    response = coordinator.post("/console/rounds/shu-2024/edit?lang=en",
                                data={"csrf_token": token, "title": "Changed", "target_residents": "1",
                                      "target_business": "1"})
    assert response.status_code == 409
    assert _round_state(app, "shu-2024") == before


def _edit_is_refused(app, client, slug: str, token_page: str, status: int) -> None:
    """GET and POST of a round's settings answer `status` and the round stays as it was."""
    before = _round_state(app, slug)
    assert client.get(f"/console/rounds/{slug}/edit").status_code == status
    token = csrf_token(client, token_page)
    response = client.post(f"/console/rounds/{slug}/edit",
                           data={"csrf_token": token, "title": "Changed", "target_residents": "1",
                                 "target_business": "1"})
    assert response.status_code == status
    assert _round_state(app, slug) == before


def test_other_cities_and_viewers_cannot_edit_a_round(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    _edit_is_refused(app, coordinator, "aksu-2025", "/console/rounds/shu-2025/edit?lang=en", 404)
    viewer = login(two_cities["users"]["viewer"])
    _edit_is_refused(app, viewer, "shu-2025", "/console/rounds/shu-2025?lang=en", 403)


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


# --- 3. invitations shown once ---------------------------------------------------------------------------


def test_invitations_on_screen_list_n_working_links_not_cached(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, count=4)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    links = _links(response)
    assert len(links) == 4 and len(set(links)) == 4
    assert "These links are shown only now." in response.get_data(as_text=True)
    public = app.test_client()
    for link in links:
        parts = urlsplit(link)
        assert parts.path == "/s/shu-2025/business"
        assert public.get(f"{parts.path}?{parts.query}").status_code == 200
    assert public.get("/s/shu-2025/business?t=inv_not-a-real-token").status_code == 403


def test_only_sha256_hashes_of_the_tokens_are_stored(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    tokens = [_token(link) for link in _links(_issue(coordinator, count=3))]
    with app.app_context():
        rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert len(rows) == 3
        assert {r.token_hash for r in rows} == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
        for row in rows:
            stored = " ".join(str(getattr(row, c.key)) for c in Invitation.__table__.columns)
            assert not any(t in stored or t[4:] in stored for t in tokens)
        events = db.session.scalars(select(AuditEvent)).all()
        assert not any(t in str(e.details) for e in events for t in tokens)
        issued = [e for e in events if e.action == "invitations.issue"]
        assert len(issued) == 1 and issued[0].details == {"group": "business", "count": 3}


def test_the_links_download_again_as_csv_and_pdf(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    links = _links(_issue(coordinator, count=3))
    data = {"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025?lang=en"),
            "t": [_token(link) for link in links]}
    response = coordinator.post("/console/rounds/shu-2025/invitations/links.csv", data=data)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["link"] for r in rows] == links
    assert {r["group"] for r in rows} == {"business"}
    pdf = coordinator.post("/console/rounds/shu-2025/invitations/links.pdf", data=data)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert _count(app, Invitation) == 3  # downloading again creates nothing


@pytest.mark.parametrize("output", ["csv", "pdf"])
def test_invitations_can_be_issued_straight_to_a_file(app, two_cities, login, output):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, count=2, output=output)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert f'invitations-shu-2025-business.{output}"' in response.headers["Content-Disposition"]
    if output == "pdf":
        assert response.data.startswith(b"%PDF")
    else:
        assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))) == 2
    assert _count(app, Invitation) == 2


def test_tokens_of_another_round_are_refused_without_an_error(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    tokens = [_token(link) for link in _links(_issue(admin, count=2))]
    token = csrf_token(admin, "/console/rounds/aksu-2025?lang=en")
    for fmt in ("csv", "pdf"):
        other = admin.post(f"/console/rounds/aksu-2025/invitations/links.{fmt}", data={"csrf_token": token,
                                                                                       "t": tokens})
        assert other.status_code == 400
    mixed = admin.post("/console/rounds/shu-2025/invitations/links.csv",
                       data={"csrf_token": token, "t": [*tokens, "inv_made-up"]})
    assert mixed.status_code == 400
    assert "%PDF" not in mixed.get_data(as_text=True) and tokens[0] not in mixed.get_data(as_text=True)
    empty = admin.post("/console/rounds/shu-2025/invitations/links.csv", data={"csrf_token": token})
    assert empty.status_code == 400
    too_long = admin.post("/console/rounds/shu-2025/invitations/links.csv",
                          data={"csrf_token": token, "t": "x" * 5000})
    assert too_long.status_code == 400


def test_an_upload_with_bad_rows_creates_nothing_and_names_the_rows(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    table = ("organisation,sector,email\n"
             "Good LLP,trade,info@good.kz\n"
             ",trade,\n"
             "Bad mail LLP,services,not an e-mail\n")
    data = {"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025?lang=en"), "group": "business",
            "count": "", "output": "screen", "upload": (io.BytesIO(table.encode()), "list.csv")}
    response = coordinator.post("/console/rounds/shu-2025/invitations?lang=en", data=data,
                                content_type="multipart/form-data")
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was created" in page
    assert "row 3: the organisation is empty" in page
    assert "row 4: " in page and "is not an e-mail address" in page
    assert _count(app, Invitation) == 0
    assert _audit_actions(app, "invitations.issue") == []


def test_an_upload_of_good_rows_lists_the_organisations(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    table = "organisation,sector,email\nGood LLP,trade,info@good.kz\n<b>Bold</b> JSC,=cmd,\n"
    data = {"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025?lang=en"), "group": "business",
            "output": "screen", "upload": (io.BytesIO(table.encode()), "list.csv")}
    response = coordinator.post("/console/rounds/shu-2025/invitations?lang=en", data=data,
                                content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(_links(response)) == 2 and "Good LLP" in page
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt; JSC" in page
    with app.app_context():
        rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert [(r.organisation, r.sector, r.email) for r in rows] == [("Good LLP", "trade", "info@good.kz"),
                                                                       ("<b>Bold</b> JSC", "=cmd", None)]
    tokens = [_token(link) for link in _links(response)]
    download = coordinator.post("/console/rounds/shu-2025/invitations/links.csv",
                                data={"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025"),
                                      "t": tokens})
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1]["sector"] == "'=cmd"  # a formula-like cell is neutralised


def test_invitations_are_refused_for_an_open_group_and_for_a_viewer(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, group="residents")
    assert response.status_code == 302
    assert _count(app, Invitation) == 0
    viewer = login(two_cities["users"]["viewer"])
    data = {"csrf_token": csrf_token(viewer, "/console/rounds/shu-2025?lang=en"), "group": "business",
            "count": "2", "output": "screen"}
    assert viewer.post("/console/rounds/shu-2025/invitations", data=data).status_code == 403
    assert _count(app, Invitation) == 0


def test_a_revoked_invitation_link_refuses_answers(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    first, second = _links(_issue(coordinator, count=2))
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id).where(
            Invitation.token_hash == hashlib.sha256(_token(first).encode()).hexdigest()))
    token = csrf_token(coordinator, "/console/rounds/shu-2025/invitations?lang=en")
    response = coordinator.post(f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke?lang=en",
                                data={"csrf_token": token})
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Invitation #{invitation_id} is revoked" in page
    public = app.test_client()
    for link in (first, second):
        parts = urlsplit(link)
        expected = 403 if link == first else 200
        assert public.get(f"{parts.path}?{parts.query}").status_code == expected
    # the consent page of the good link gives the form's CSRF token; the revoked token is refused on submit
    parts = urlsplit(second)
    public_token = csrf_token(public, f"{parts.path}?{parts.query}")
    start = public.post(f"{parts.path}?lang=en", data={"csrf_token": public_token, "t": _token(first),
                                                         "consent": "yes", "submission_id": "s" * 32})
    assert start.status_code == 403
    good = public.post(f"{parts.path}?lang=en", data={"csrf_token": public_token, "t": _token(second),
                                                        "consent": "yes", "submission_id": "g" * 32})
    assert good.status_code == 302  # the same request with a live invitation is accepted
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is not None
        assert db.session.get(Invitation, invitation_id).started_at is None
    assert len(_audit_actions(app, "invitation.revoke")) == 1
    again = coordinator.post(f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke?lang=en",
                             data={"csrf_token": token})
    assert "was already answered or revoked" in coordinator.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_audit_actions(app, "invitation.revoke")) == 1


# --- 4. failed sign-ins ----------------------------------------------------------------------------------


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
    for case, email, password in (("unknown", "nobody@shu.kz", PASSWORD),
                                  ("wrong", "coord@shu.kz", "a wrong password 2"),
                                  ("locked", "locked@shu.kz", PASSWORD)):
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


@pytest.mark.parametrize("overrides", [{"use_business": None}, {"access_business": "open"}])
def test_a_group_with_live_invitations_is_neither_dropped_nor_opened(app, two_cities, make_round, login,
                                                                     overrides):
    from survey_app.models import Invitation
    from survey_app.services import invitations
    from survey_app.services.rounds import get_round

    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    with app.app_context():
        invitations.issue(get_round("shu-2026"), "business", [{"organisation": "Org"}], "http://localhost/")
        db.session.commit()
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en",
                                data=_edit_data(app, coordinator, "shu-2026", title="Changed", **overrides))
    assert response.status_code == 422
    assert "Invitations have been issued to Business" in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before
    with app.app_context():  # once they are revoked, the group can go
        for invitation in db.session.scalars(select(Invitation)):
            invitations.revoke(invitation)
        db.session.commit()
    response = coordinator.post("/console/rounds/shu-2026/edit?lang=en",
                                data=_edit_data(app, coordinator, "shu-2026", title="Changed", **overrides))
    assert response.status_code == 302
