"""An uploaded XLSForm answered in a real phone browser: cascading choices and `or_other` follow-ups react on
the page itself (the browser's XPath evaluator), the page is usable at 390 px, and what is stored is what the
respondent chose."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "survey_app" / "public"))

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "instruments"))

from test_xlsform_fields import HOUSEHOLD, SURVEY, YN, _book, _rank_row  # noqa: E402
from xlsformbooks import book, seed_round  # noqa: E402

pytestmark = pytest.mark.browser


def test_cascading_choices_and_follow_ups_react_in_the_browser(app, make_city, new_phone, shot, console_errors):
    seed_round(app, make_city, "life-e2e", _book(_rank_row(SURVEY)), "city_life.xlsx")
    page = console_errors(new_phone("en-GB").new_page())
    page.goto("/s/life-e2e/residents?lang=en")
    page.get_by_label("I agree").check() if page.get_by_label("I agree").count() else page.locator(
        "input[name=consent]"
    ).check()
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/p/1")
    shu = page.locator("label.choice", has_text="Shu")
    ayagoz = page.locator("label.choice", has_text="Ayagoz")
    page.locator("label.choice", has_text="Abai").click()
    assert ayagoz.is_visible() and not shu.is_visible()  # the towns of Abai region only
    page.locator("label.choice", has_text="Zhambyl").click()
    assert shu.is_visible() and not ayagoz.is_visible()
    other = page.locator("#q-transport_other")
    assert other.is_hidden()
    page.locator("label.choice", has_text="Other").first.click()
    assert other.is_visible()  # or_other's follow-up, shown by the page's own XPath
    page.fill("#f-transport_other", "Horse")
    page.fill("#f-age", "25")
    page.locator("label.choice", has_text="Taraz").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    shot(page, "xlsform-page-390")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/p/2")
    assert page.get_by_text("Your school").is_visible()
    shot(page, "xlsform-group-page")
    assert not console_errors.errors, console_errors.errors
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Answer

    with app.app_context():
        answers = {a.question_code: a.value_text or a.value_num for a in db.session.scalars(select(Answer))}
    assert answers["town"] == "taraz" and answers["transport"] == "other" and answers["transport_other"] == "Horse"


def test_a_repeat_entry_shows_its_follow_up_from_its_own_answers(app, make_city, new_phone, shot, console_errors):
    seed_round(app, make_city, "home-e2e", book({"survey": HOUSEHOLD, "choices": YN}), "household.xlsx")
    page = console_errors(new_phone("en-GB").new_page())
    page.goto("/s/home-e2e/residents?lang=en")
    page.locator("input[name=consent]").check()
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/p/1")
    page.fill("#f-children", "2")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/p/2")
    first, second = page.locator("#q-r1\\.school"), page.locator("#q-r2\\.school")
    page.fill("#f-r1\\.child_age", "4")
    page.fill("#f-r2\\.child_age", "9")
    assert first.is_hidden() and second.is_visible()  # each entry's follow-up from its own child's age
    page.fill("#f-r1\\.child_age", "7")
    assert first.is_visible()
    shot(page, "repeat-entries-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not console_errors.errors, console_errors.errors
