"""A quick poll answered on a phone in headless Chromium, in Kazakh, from its link (as the QR poster gives it),
and counted: in the poll's results and on the opinion side of the city's round of the same year."""

from __future__ import annotations

import pytest
from sqlalchemy import select

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_a_quick_poll_answered_on_a_phone_counts_on_the_opinion_side(app, make_city, make_round, new_phone, shot):
    from survey_app.extensions import db
    from survey_app.models import City, SurveyRound
    from survey_app.models._base import utcnow
    from survey_app.services import polls

    city_id = make_city()
    year = utcnow().year
    make_round(slug="shu-e2e-round", city_id=city_id, year=year)
    with app.app_context():
        polls.create_poll(db.session.get(City, city_id), "shu-con-e2e", ["health", "education"], [])
        db.session.commit()

    page = new_phone("kk-KZ").new_page()
    page.goto("/s/shu-con-e2e/residents?lang=kk")
    assert "Қаланың цифрлық қызметтері туралы жылдам сауалнама" in page.locator("h1").inner_text()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Бастау").click()
    page.wait_for_url("**/p/1", wait_until="domcontentloaded")
    page.locator("#q-ar_health input[value='5']").check()
    page.locator("#q-ar_education input[value='2']").check()
    shot(page, "poll-kk")
    page.get_by_role("button", name="Сақтау және тексеру").click()
    page.wait_for_url("**/review", wait_until="domcontentloaded")
    page.get_by_role("button", name="Жауаптарымды жіберу").click()
    page.wait_for_url("**/thanks", wait_until="domcontentloaded")
    shot(page, "poll-thanks-kk")

    with app.app_context():
        poll = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-con-e2e"))
        results = polls.poll_results(poll, 1)
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-e2e-round"))
        ratings = sorted(r[2:] for r in polls.poll_area_ratings(round_))
    assert results["responses"] == 1
    assert [q["all"]["share"] for q in results["questions"]] == [100.0, 0.0]
    assert ratings == [("education", 2.0), ("health", 5.0)]
