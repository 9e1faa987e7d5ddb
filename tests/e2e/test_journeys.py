"""Whole journeys in a phone browser: a resident in Kazakh (skip logic, closing the tab, resuming) and a
coordinator (sign in, create and open a round, invite, see the answer counted, download a PDF)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

pytestmark = [
    pytest.mark.browser,
    # Playwright's download artifacts are sometimes collected unclosed inside the library, not in our code.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

SMALL = """
code: e2e_{group}
group: {group}
version: 1
title: {{kk: "Қысқа сауалнама", ru: "Короткая анкета", en: "Short questionnaire"}}
intro: {{kk: "Рахмет, бұл екі бөлім ғана.", ru: "Спасибо, здесь всего два раздела.",
         en: "Thank you, just two sections."}}
sections:
  - code: first
    title: {{kk: "Бірінші бөлім", ru: "Первый раздел", en: "First section"}}
    questions:
      - {{code: uses_egov, type: yesno, required: true,
         label: {{kk: "eGov порталын пайдаланасыз ба?", ru: "Пользуетесь ли вы порталом eGov?",
                  en: "Do you use eGov?"}}}}
      - {{code: egov_quality, type: likert, scale: quality, required: true, relevant: "uses_egov == 'yes'",
         construct: digital_governance,
         label: {{kk: "eGov қызметтерінің сапасы", ru: "Качество услуг eGov", en: "Quality of eGov services"}}}}
      - {{code: years, type: integer, min: 0, max: 100, required: true,
         label: {{kk: "Қалада неше жыл тұрасыз?", ru: "Сколько лет вы живёте в городе?", en: "Years in the city"}}}}
  - code: second
    title: {{kk: "Екінші бөлім", ru: "Второй раздел", en: "Second section"}}
    questions:
      - {{code: comment, type: text, max_length: 200,
         label: {{kk: "Ұсынысыңыз", ru: "Ваше предложение", en: "Your suggestion"}}}}
      - {{code: channels, type: multiple, max_choices: 2,
         label: {{kk: "Жаңалықтарды қайдан білесіз?", ru: "Откуда вы узнаёте новости?", en: "Where do you get news?"}},
         choices: [{{code: tv, label: {{kk: "Теледидар", ru: "Телевидение", en: "TV"}}}},
                   {{code: web, label: {{kk: "Интернет", ru: "Интернет", en: "Internet"}}}},
                   {{code: friends, label: {{kk: "Таныстар", ru: "Знакомые", en: "Friends"}}}},
                   {{code: akimat, label: {{kk: "Әкімдік", ru: "Акимат", en: "Akimat"}}}}]}}
"""


def _seed(app, make_city, slug: str, groups: dict[str, str], status: str = "open") -> None:
    """A city and a round whose groups answer the short questionnaire (access per group)."""
    from instruments.loader import load_instrument_text
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds
    from survey_app.services.instruments import store_instrument

    city_id = make_city()
    with app.app_context():
        instruments = {g: store_instrument(load_instrument_text(SMALL.format(group=g), f"{g}.yaml")) for g in groups}
        if status == "none":
            db.session.commit()
            return
        round_ = rounds.create_round(
            db.session.get(City, city_id), slug, list(groups), instruments=instruments, access=groups, year=2025
        )
        rounds.open_round(round_)
        db.session.commit()


def _responses(app, slug):
    from survey_app.extensions import db
    from survey_app.models import Answer, Response, SurveyRound

    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug))
        out = []
        for r in db.session.scalars(select(Response).where(Response.round_id == round_id)):
            answers = {
                a.question_code: a.value_num if a.value_num is not None else a.value_text
                for a in db.session.scalars(select(Answer).where(Answer.response_id == r.id))
            }
            out.append((r.status, r.language, answers))
        return out


def test_resident_answers_in_kazakh_closes_the_tab_and_resumes(app, make_city, new_phone, shot, console_errors):
    _seed(app, make_city, "e2e-2025", {"residents": "open"})
    context = new_phone("kk-KZ")
    page = console_errors(context.new_page())
    page.goto("/s/e2e-2025/residents?lang=kk")
    assert page.locator("h1").inner_text() == "Қысқа сауалнама"
    shot(page, "consent-kk")
    page.get_by_label("Қатысуға келісемін").check()
    page.get_by_role("button", name="Бастау").click()
    page.wait_for_url("**/p/1", wait_until="domcontentloaded")
    assert page.get_by_text("2 бөлімнің 1-бөлімі").is_visible()

    quality = page.locator("#q-egov_quality")
    assert quality.is_hidden()  # asked only of eGov users
    page.get_by_label("Иә").check()
    assert quality.is_visible()
    page.get_by_label("Жоқ").check()
    assert quality.is_hidden()
    # Sending without the required answers shows the messages beside the fields, in Kazakh.
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    assert page.get_by_text("Бұл сұраққа жауап беру керек.").first.is_visible()
    shot(page, "errors-kk")
    page.get_by_label("Иә").check()
    quality.locator("input[value='4']").check()
    page.locator("#f-years").fill("12")
    shot(page, "section-1-filled")
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    page.wait_for_url("**/p/2", wait_until="domcontentloaded")
    resume_link = urlsplit(page.locator(".resume-link code").text_content().strip()).path
    page.close()  # the resident closes the tab midway

    again = console_errors(context.new_page())
    again.goto("/s/e2e-2025/residents?lang=kk")
    again.wait_for_url("**/p/2", wait_until="domcontentloaded")  # back where they stopped
    again.get_by_role("button", name="Артқа").click()
    again.wait_for_url("**/p/1", wait_until="domcontentloaded")
    assert again.locator("#q-egov_quality input[value='4']").is_checked()
    assert again.locator("#f-years").input_value() == "12"
    shot(again, "resumed-kk")
    again.get_by_role("button", name="Сақтау және жалғастыру").click()
    again.wait_for_url("**/p/2", wait_until="domcontentloaded")

    # The resume link works in another browser too.
    elsewhere = new_phone("kk-KZ").new_page()
    assert "/resume/" in resume_link
    elsewhere.goto(resume_link)
    elsewhere.wait_for_url("**/p/2", wait_until="domcontentloaded")
    elsewhere.close()

    again.locator("#f-comment").fill("Көше жарығын жақсартыңыз")
    again.get_by_role("button", name="Сақтау және тексеру").click()
    again.wait_for_url("**/review", wait_until="domcontentloaded")
    shot(again, "review-kk")
    change = again.get_by_role("link", name="Жауаптарды өзгерту").first  # a verb, not "Өзгеріс" (a noun)
    box = change.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    again.get_by_role("button", name="Жауаптарымды жіберу").click()
    again.wait_for_url("**/thanks", wait_until="domcontentloaded")
    assert again.locator("h1").inner_text() == "Рахмет!"
    shot(again, "thanks-kk")
    assert _responses(app, "e2e-2025") == [
        (
            "complete",
            "kk",
            {"uses_egov": "yes", "egov_quality": 4.0, "years": 12.0, "comment": "Көше жарығын жақсартыңыз"},
        )
    ]
    assert not [e for e in console_errors.errors if "Content Security Policy" in e], console_errors.errors


@pytest.mark.parametrize(
    ("lang", "start", "submit"), [("ru", "Начать", "Отправить ответы"), ("en", "Start", "Submit my answers")]
)
def test_resident_answers_in_russian_and_english(app, make_city, new_phone, shot, lang, start, submit):
    _seed(app, make_city, "e2e-2025", {"residents": "open"})
    page = new_phone().new_page()
    page.goto(f"/s/e2e-2025/residents?lang={lang}")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=start).click()
    page.locator("#q-uses_egov input[value='no']").check()
    page.locator("#f-years").fill("3")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/p/2", wait_until="domcontentloaded")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/review", wait_until="domcontentloaded")
    page.get_by_role("button", name=submit).click()
    page.wait_for_url("**/thanks", wait_until="domcontentloaded")
    shot(page, f"thanks-{lang}")
    assert _responses(app, "e2e-2025") == [("complete", lang, {"uses_egov": "no", "years": 3.0})]


def test_coordinator_creates_a_round_invites_and_sees_the_answer(app, make_city, new_phone, shot, tmp_path):
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services.users import create_user

    _seed(app, make_city, "", {"business": "invitation"}, status="none")
    with app.app_context():
        create_user("coordinator@shu.kz", "a long password 1", "coordinator", [db.session.scalar(select(City.id))])
        db.session.commit()

    page = new_phone("en-US").new_page()
    page.goto("/console/?lang=en")
    page.wait_for_url("**/console/login**", wait_until="domcontentloaded")
    page.get_by_label("E-mail").fill("coordinator@shu.kz")
    page.get_by_label("Password").fill("a long password 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/(\?.*)?$"), wait_until="domcontentloaded")
    shot(page, "console-home")
    page.get_by_role("link", name="New round").click()
    page.locator("#slug").fill("shu-e2e")
    page.locator("#year").fill("2026")
    for group in ("residents", "academia", "civil_society", "government", "international"):
        page.locator(f"#use_{group}").uncheck()
    page.locator("#instrument_business").select_option(label="e2e_business v1")
    page.locator("#target_business").fill("5")
    shot(page, "new-round")
    page.get_by_role("button", name="Create round").click()
    page.wait_for_url("**/console/rounds/shu-e2e", wait_until="domcontentloaded")
    page.get_by_role("link", name="Open for answers").click()  # first a page saying what opening does
    page.wait_for_url("**/console/rounds/shu-e2e/open", wait_until="domcontentloaded")
    assert page.get_by_role("heading", name="Open the round for answers?").is_visible()
    shot(page, "confirm-open")
    page.get_by_role("button", name="Open for answers").click()
    page.wait_for_url("**/console/rounds/shu-e2e", wait_until="domcontentloaded")
    assert page.locator(".status-open").first.is_visible()

    page.locator("#count").fill("1")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Create invitations").click()
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    link = rows[0]["link"]
    assert "/s/shu-e2e/business?t=inv_" in link

    respondent = new_phone("ru-RU").new_page()
    respondent.goto(link[link.index("/s/") :] + "&lang=ru")
    respondent.locator("input[name=consent]").check()
    respondent.get_by_role("button", name="Начать").click()
    respondent.locator("#q-uses_egov input[value='yes']").check()
    respondent.locator("#q-egov_quality input[value='5']").check()
    respondent.locator("#f-years").fill("8")
    respondent.locator("button[value=next]").click()
    respondent.locator("button[value=next]").click()
    respondent.get_by_role("button", name="Отправить ответы").click()
    respondent.wait_for_url("**/thanks", wait_until="domcontentloaded")

    page.reload()
    business = page.locator("tr[data-group='business']")
    assert business.locator("td[data-k='completed']").inner_text() == "1"
    assert business.locator("td[data-k='completion_pct']").inner_text() == "20 %"
    shot(page, "monitor-counted")

    page.locator("#output").select_option("pdf")
    page.locator("#count").fill("2")
    with page.expect_download() as pdf_info:
        page.get_by_role("button", name="Create invitations").click()
    data = Path(pdf_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert text.count("/s/shu-e2e/business?t=inv_") == 2
    assert _responses(app, "shu-e2e")[0][0] == "complete"
