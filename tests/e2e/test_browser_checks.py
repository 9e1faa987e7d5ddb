"""What only a real browser shows: the CSP blocks nothing on any page, the questionnaire works without
JavaScript, a double tap on "submit" makes one response, and a coordinator downloads the city's report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

pytestmark = [
    pytest.mark.browser,
    # Playwright's download artifacts are sometimes collected unclosed inside the library, not in our code.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

PASSWORD = "a long password for e2e"


def _seed_round(app, make_city, slug="checks-2025"):
    """An open round whose residents answer the short two-section questionnaire of test_journeys."""
    from test_journeys import _seed

    _seed(app, make_city, slug, {"residents": "open", "business": "invitation"})


def _complete_count(app) -> int:
    from survey_app.extensions import db
    from survey_app.models import Response

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response).where(Response.status == "complete"))


def _csp_problems(errors: list[str]) -> list[str]:
    return [e for e in errors if "Content Security Policy" in e or "Refused to" in e]


def test_no_page_breaks_the_content_security_policy(app, make_city, new_phone, live_server, console_errors, shot):
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services.users import create_user

    _seed_round(app, make_city)
    with app.app_context():
        create_user("csp@example.org", PASSWORD, "admin")
        db.session.commit()
        assert db.session.scalar(select(City.id)) is not None
    context = new_phone("en-US")
    page = console_errors(context.new_page())
    visited = []

    def visit(url):
        response = page.goto(url)
        assert response.status < 500, f"{url}: {response.status}"
        # Computed styles prove the stylesheet was applied (a CSP block would leave browser defaults).
        assert page.evaluate("getComputedStyle(document.body).margin") != "8px", url
        visited.append(url)

    for url in (
        "/",
        "/s/checks-2025/residents?lang=kk",
        "/s/checks-2025/business?lang=ru",
        "/s/nope/residents",
        "/console/login?lang=en",
    ):
        visit(url)
    page.locator("#email").fill("csp@example.org")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/(\?.*)?$"), wait_until="domcontentloaded")
    for url in (
        "/console/",
        "/console/rounds/new",
        "/console/rounds/checks-2025",
        "/console/instruments",
        "/console/indicators",
        "/console/cities",
        "/console/audit",
        "/console/compare",
        "/console/rounds/checks-2025/invitations",
        "/console/rounds/checks-2025/results",
    ):
        visit(url)
    shot(page, "console-round")
    assert not _csp_problems(console_errors.errors), console_errors.errors
    # The questionnaire script ran (skip logic hides and shows): it was loaded from 'self', not inline.
    page.goto("/s/checks-2025/residents?lang=en")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/p/1", wait_until="domcontentloaded")
    quality = page.locator("#q-egov_quality")
    assert quality.is_hidden()
    page.locator("#q-uses_egov input[value='yes']").check()
    assert quality.is_visible()
    assert not _csp_problems(console_errors.errors), console_errors.errors


def test_the_questionnaire_works_without_javascript(app, make_city, browser, live_server, shot):
    _seed_round(app, make_city)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="ru-RU",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.goto("/s/checks-2025/residents?lang=ru")
        page.locator("input[name=consent]").check()
        page.get_by_role("button", name="Начать").click()
        page.wait_for_url("**/p/1", wait_until="domcontentloaded")
        page.locator("#q-uses_egov input[value='yes']").check()
        page.locator("#f-years").fill("7")
        page.locator("button[value=next]").click()
        # Without the script the follow-up question was hidden; the server now asks for it beside the field.
        page.wait_for_load_state("domcontentloaded")
        quality = page.locator("#q-egov_quality")
        assert quality.is_visible()
        shot(page, "no-js-follow-up-question")
        quality.locator("input[value='3']").check()
        page.locator("button[value=next]").click()
        page.wait_for_url("**/p/2", wait_until="domcontentloaded")
        page.locator("button[value=next]").click()
        page.wait_for_url("**/review", wait_until="domcontentloaded")
        page.get_by_role("button", name="Отправить ответы").click()
        page.wait_for_url("**/thanks", wait_until="domcontentloaded")
        shot(page, "no-js-thanks")
    finally:
        context.close()
    assert _complete_count(app) == 1


def _wait_after_double_tap(page, pattern: str) -> None:
    """Wait for the page a double tap leads to: the second tap's form submission aborts the first's navigation,
    which Playwright reports as ERR_ABORTED while the second one is still on its way."""
    from playwright.sync_api import Error

    try:
        page.wait_for_url(pattern, wait_until="domcontentloaded")
    except Error as exc:
        if "ERR_ABORTED" not in str(exc):
            raise
        page.wait_for_url(pattern, wait_until="domcontentloaded")


def test_a_double_tap_on_submit_makes_one_response(app, make_city, new_phone, live_server):
    _seed_round(app, make_city)
    page = new_phone("en-US").new_page()
    page.goto("/s/checks-2025/residents?lang=en")
    page.locator("input[name=consent]").dblclick()  # a nervous double tap on the consent box...
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Start").dblclick()  # ...and on Start
    _wait_after_double_tap(page, "**/p/1")
    page.locator("#q-uses_egov input[value='no']").check()
    page.locator("#f-years").fill("3")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/p/2", wait_until="domcontentloaded")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/review", wait_until="domcontentloaded")
    page.get_by_role("button", name="Submit my answers").dblclick()
    _wait_after_double_tap(page, "**/thanks")
    # And the browser's back button followed by a resubmission.
    page.go_back()
    page.wait_for_load_state("domcontentloaded")
    if page.get_by_role("button", name="Submit my answers").count():
        page.get_by_role("button", name="Submit my answers").click()
        page.wait_for_url("**/thanks", wait_until="domcontentloaded")
    from survey_app.extensions import db
    from survey_app.models import Response

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert _complete_count(app) == 1


def test_coordinator_downloads_the_city_report_pdf(app, runner, new_phone, live_server, shot, console_errors):
    assert runner.invoke(args=["demo"]).exit_code == 0
    from pypdf import PdfReader

    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services.users import create_user

    with app.app_context():
        shu = db.session.scalar(select(City.id).where(City.slug == "shu"))
        create_user("shu@example.org", PASSWORD, "coordinator", [shu])
        db.session.commit()
    page = console_errors(new_phone("kk-KZ").new_page())
    page.goto("/console/login?lang=kk")
    page.locator("#email").fill("shu@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/(\?.*)?$"), wait_until="domcontentloaded")
    assert page.locator("a[href*='/console/rounds/ayagoz-2025']").count() == 0  # only the own city
    page.locator("a[href$='/console/rounds/shu-2025']").first.click()
    page.wait_for_url("**/console/rounds/shu-2025", wait_until="domcontentloaded")
    shot(page, "round-monitor-kk")
    page.locator("a[href$='/console/rounds/shu-2025/results']").first.click()
    page.wait_for_url("**/results", wait_until="domcontentloaded")
    shot(page, "results-kk")
    assert page.locator("img").count() > 0  # the charts of the demo results
    assert not _csp_problems(console_errors.errors), console_errors.errors
    for lang, name in (("kk", "Шу"),):  # one language: every language is checked in tests/survey_app/reports
        with page.expect_download(timeout=60_000) as download_info:
            page.locator(f"a.download[hreflang={lang}]").click()
        data = Path(download_info.value.path()).read_bytes()
        assert data.startswith(b"%PDF")
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)
        assert name in text, f"{lang}: the city name is not in the PDF"
        assert download_info.value.suggested_filename.endswith(f"-{lang}.pdf")


def test_a_choice_limit_is_kept_in_the_browser(app, make_city, new_phone, live_server):
    _seed_round(app, make_city)
    page = new_phone("en-US").new_page()
    page.goto("/s/checks-2025/residents?lang=en")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/p/1", wait_until="domcontentloaded")
    page.locator("#q-uses_egov input[value='no']").check()
    page.locator("#f-years").fill("3")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/p/2", wait_until="domcontentloaded")
    boxes = page.locator("#q-channels input[type=checkbox]")
    assert page.locator("#q-channels").inner_text().count("Choose up to 2.") == 1  # the hint once
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert boxes.nth(2).is_disabled() and boxes.nth(3).is_disabled()
    boxes.nth(0).uncheck()
    assert boxes.nth(2).is_enabled()
