"""Answering without a connection in a phone browser: the network is switched off half-way (Playwright's
offline mode, also for the service worker's own requests), the respondent goes on to the end, the page says
the answers are waiting, and when the network is back they are stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_journeys import _responses, _seed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _offline(context, on: bool) -> None:
    """The network off (or on again) for the pages and for the service worker's requests."""

    def refuse(route):
        route.abort("internetdisconnected")

    if on:
        context.set_offline(True)
        context.route("**/*", refuse)
        context._scri_refuse = refuse
    else:
        context.unroute("**/*", context._scri_refuse)
        context.set_offline(False)


def _complete(app, slug) -> int:
    from survey_app.extensions import db
    from survey_app.models import Response, SurveyRound

    with app.app_context():
        return db.session.scalar(
            select(func.count(Response.id))
            .join(SurveyRound, SurveyRound.id == Response.round_id)
            .where(SurveyRound.slug == slug, Response.status == "complete")
        )


def test_a_questionnaire_finished_offline_is_stored_once_when_the_network_is_back(
    app, make_city, new_phone, shot, console_errors
):
    _seed(app, make_city, "offline-2025", {"residents": "open"})
    context = new_phone("ru-RU")
    page = console_errors(context.new_page())
    page.goto("/s/offline-2025/residents?lang=ru")
    page.evaluate("() => navigator.serviceWorker.ready")  # installed; it serves the pages from the next one on
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Начать").click()
    page.wait_for_url("**/p/1", wait_until="domcontentloaded")
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    page.locator("#q-uses_egov input[value='yes']").check()
    page.locator("#q-egov_quality input[value='5']").check()
    page.locator("#f-years").fill("7")
    page.wait_for_timeout(500)  # the coming pages are kept on the phone while the first is answered

    _offline(context, True)
    page.get_by_role("button", name="Сохранить и продолжить").click()
    page.wait_for_url("**/p/2", wait_until="domcontentloaded")
    assert page.locator("#offline-status").is_visible()
    page.locator("#f-comment").fill("Осветите улицы")
    page.locator("#q-channels input[value='web']").check()
    page.get_by_role("button", name="Сохранить и проверить").click()
    page.wait_for_url("**/review", wait_until="domcontentloaded")
    page.get_by_role("button", name="Отправить ответы").click()
    page.wait_for_url("**/waiting", wait_until="domcontentloaded")
    status = page.locator("#offline-status")
    status.wait_for(state="visible")
    assert "Ещё не отправлено: 3" in status.inner_text()
    shot(page, "waiting-offline-ru")
    assert _complete(app, "offline-2025") == 0  # nothing reached the server while offline

    _offline(context, False)
    page.wait_for_url("**/thanks", wait_until="domcontentloaded", timeout=20_000)
    shot(page, "sent-thanks-ru")
    stored = _responses(app, "offline-2025")
    assert len(stored) == 1
    status_, language, answers = stored[0]
    assert status_ == "complete" and language == "ru"
    assert answers["uses_egov"] == "yes" and answers["years"] == 7 and answers["comment"] == "Осветите улицы"
    assert "channels" in answers
    page.reload()  # sending again changes nothing
    assert _complete(app, "offline-2025") == 1
    assert not [e for e in console_errors.errors if "offline-2025" not in e and "ERR_INTERNET_DISCONNECTED" not in e]
