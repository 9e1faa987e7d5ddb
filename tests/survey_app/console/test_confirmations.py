"""Irreversible and public actions ask first: open, close, archive, publish and revoke show a page saying what
will happen and what cannot be undone, and act only on a POST from that page; an archived round can be restored
by an administrator. Every step is audited."""

from __future__ import annotations

import re

from consolehelpers import _audit_actions, _issue, _round_state, csrf_token
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Invitation


def _confirm_form(page: str) -> dict[str, str]:
    """The hidden fields of the confirmation page's form (what pressing its button sends)."""
    form = re.search(r'<form method="post" action="([^"]+)" class="actions-row">(.*?)</form>', page, re.S)
    assert form, "no confirmation form on the page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    return {"action": form.group(1).replace("&amp;", "&"), **fields}


def test_a_round_cannot_be_archived_by_a_slip(app, two_cities, make_round, login):
    make_round(slug="shu-2024", status="closed", city_id=two_cities["a"], year=2024)
    coordinator = login(two_cities["users"]["coordinator"])
    round_page = coordinator.get("/console/rounds/shu-2024?lang=ru").get_data(as_text=True)
    # The round page has links that ask first, not buttons that act.
    assert 'href="/console/rounds/shu-2024/archive"' in round_page
    assert 'action="/console/rounds/shu-2024/archive"' not in round_page
    # A form posted from anywhere but the confirmation page changes nothing and asks.
    token = csrf_token(coordinator, "/console/rounds/shu-2024?lang=ru")
    slipped = coordinator.post("/console/rounds/shu-2024/archive", data={"csrf_token": token})
    assert slipped.status_code == 302 and slipped.headers["Location"].endswith("/console/rounds/shu-2024/archive")
    assert _round_state(app, "shu-2024")["status"] == "closed"
    page = coordinator.get("/console/rounds/shu-2024/archive?lang=ru").get_data(as_text=True)
    assert "Отправить раунд в архив?" in page
    assert "восстановить его может только администратор" in page
    assert "Отмена" in page or "Отменить" in page
    form = _confirm_form(page)
    assert form["confirm"] == "yes"
    done = coordinator.post(form.pop("action"), data=form)
    assert done.status_code == 302
    assert _round_state(app, "shu-2024")["status"] == "archived"
    assert len(_audit_actions(app, "round.archive")) == 1
    # Archived: no way back for a coordinator.
    assert "/console/rounds/shu-2024/restore" not in coordinator.get("/console/rounds/shu-2024").get_data(as_text=True)
    assert coordinator.get("/console/rounds/shu-2024/restore").status_code == 403
    assert coordinator.post("/console/rounds/shu-2024/restore", data={**form, "confirm": "yes"}).status_code == 403
    assert _round_state(app, "shu-2024")["status"] == "archived"


def test_an_admin_restores_an_archived_round(app, two_cities, make_round, login):
    make_round(slug="shu-2024", status="closed", city_id=two_cities["a"], year=2024)
    admin = login(two_cities["users"]["admin"])
    form = _confirm_form(admin.get("/console/rounds/shu-2024/archive?lang=en").get_data(as_text=True))
    admin.post(form.pop("action"), data=form)
    assert _round_state(app, "shu-2024")["status"] == "archived"
    round_page = admin.get("/console/rounds/shu-2024?lang=kk").get_data(as_text=True)
    assert 'href="/console/rounds/shu-2024/restore"' in round_page and "Қалпына келтіру" in round_page
    page = admin.get("/console/rounds/shu-2024/restore?lang=kk").get_data(as_text=True)
    assert "Мұрағаттағы кезеңді қалпына келтіресіз бе?" in page
    form = _confirm_form(page)
    assert admin.post(form.pop("action"), data=form).status_code == 302
    assert _round_state(app, "shu-2024")["status"] == "closed"
    assert [e.user_id for e in _audit_actions(app, "round.restore")] == [_user_id(app, "admin@scri.kz")]
    # Nothing to restore now: the page says so instead of asking.
    again = admin.get("/console/rounds/shu-2024/restore?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "This cannot be done to the round now: it is closed." in again


def _user_id(app, email):
    from survey_app.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_opening_says_the_questions_freeze_and_closing_says_answers_stop(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    coordinator = login(two_cities["users"]["coordinator"])
    opened_before = len(_audit_actions(app, "round.open"))
    page = coordinator.get("/console/rounds/shu-2026/open?lang=en").get_data(as_text=True)
    assert "Open the round for answers?" in page and "it never becomes a draft again" in page
    form = _confirm_form(page)
    coordinator.post(form.pop("action"), data=form)
    assert _round_state(app, "shu-2026")["status"] == "open"
    page = coordinator.get("/console/rounds/shu-2026/close?lang=en").get_data(as_text=True)
    assert "Close the round?" in page and "The answers received so far are kept." in page
    form = _confirm_form(page)
    coordinator.post(form.pop("action"), data=form)
    assert _round_state(app, "shu-2026")["status"] == "closed"
    page = coordinator.get("/console/rounds/shu-2026/open?lang=en").get_data(as_text=True)
    assert "Reopen the round?" in page
    assert len(_audit_actions(app, "round.open")) == opened_before + 1
    assert len(_audit_actions(app, "round.close")) == 1


def test_a_confirmation_without_its_token_or_for_another_city_changes_nothing(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    no_token = coordinator.post("/console/rounds/shu-2025/close?lang=ru", data={"confirm": "yes"})
    assert no_token.status_code == 400
    assert "Срок действия формы истёк" in no_token.get_data(as_text=True)
    assert _round_state(app, "shu-2025")["status"] == "open"
    token = csrf_token(coordinator, "/console/rounds/shu-2025?lang=en")
    assert coordinator.get("/console/rounds/aksu-2025/close").status_code == 404
    other = coordinator.post("/console/rounds/aksu-2025/close", data={"csrf_token": token, "confirm": "yes"})
    assert other.status_code == 404
    assert _round_state(app, "aksu-2025")["status"] == "open"
    assert _audit_actions(app, "round.close") == []


def test_revoking_an_invitation_asks_first(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    _issue(coordinator, count=1)
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    listing = coordinator.get("/console/rounds/shu-2025/invitations?lang=en").get_data(as_text=True)
    assert f'href="/console/rounds/shu-2025/invitations/{invitation_id}/revoke"' in listing
    token = csrf_token(coordinator, "/console/rounds/shu-2025?lang=en")
    url = f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke"
    assert coordinator.post(url, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is None
    page = coordinator.get(url + "?lang=ru").get_data(as_text=True)
    assert "Отозвать это приглашение?" in page and f"приглашение № {invitation_id}" in page
    form = _confirm_form(page)
    coordinator.post(form.pop("action"), data=form)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is not None
    assert len(_audit_actions(app, "invitation.revoke")) == 1


def test_publishing_the_results_says_who_will_see_what(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    token = csrf_token(coordinator, "/console/rounds/shu-2025?lang=en")
    slipped = coordinator.post("/console/rounds/shu-2025/publish", data={"csrf_token": token, "published": "1"})
    assert slipped.status_code == 302 and slipped.headers["Location"].endswith("/console/rounds/shu-2025/publish")
    assert not _round_state(app, "shu-2025").get("results_published")
    page = coordinator.get("/console/rounds/shu-2025/publish?lang=kk").get_data(as_text=True)
    assert "Нәтижелерді жариялайсыз ба?" in page and "жеке жауаптар ешқашан жарияланбайды" in page
    form = _confirm_form(page)
    assert form["published"] == "1"
    assert coordinator.post(form.pop("action"), data=form).status_code == 302
    with app.app_context():
        from survey_app.models import SurveyRound

        assert db.session.scalar(select(SurveyRound.results_published).where(SurveyRound.slug == "shu-2025"))
    # Published already: the address leads to the results, withdrawing needs no confirmation.
    assert coordinator.get("/console/rounds/shu-2025/publish").headers["Location"].endswith("/results")
    withdrawn = coordinator.post("/console/rounds/shu-2025/publish", data={"csrf_token": token, "published": "0"})
    assert withdrawn.status_code == 302
    with app.app_context():
        assert not db.session.scalar(select(SurveyRound.results_published).where(SurveyRound.slug == "shu-2025"))
