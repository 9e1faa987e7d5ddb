"""Paper questionnaires: the printed PDF read back (every question, numbered copies, the QR link), and paper
answers typed in with the web questionnaire's checks, stored once per number with their mode."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest
from consolehelpers import csrf_token
from sqlalchemy import func, select

from instruments.loader import builtin_instruments

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

RESIDENTS = builtin_instruments()["residents"]


def _flat(text: str) -> str:
    """Spaces collapsed and hyphens dropped (pdftotext joins a word hyphenated at the end of a line)."""
    return re.sub(r"\s+", " ", text.replace("-", "")).strip()


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607


@pytest.fixture
def coordinator(two_cities, login):
    return login(two_cities["users"]["coordinator"])


def valid_answers(instrument, **overrides) -> dict[str, str | list[str]]:
    """A form answering every question of the questionnaire with something allowed."""
    form: dict[str, str | list[str]] = {}
    for q in instrument.questions:
        if q.type in ("likert", "single"):
            form[q.code] = q.choices[-1].code
        elif q.type == "multiple":
            form[q.code] = [q.choices[0].code]
        elif q.type == "yesno":
            form[q.code] = "yes"
        elif q.type in ("integer", "decimal"):
            form[q.code] = str(int(q.min or 0) + 1)
        elif q.type == "text":
            form[q.code] = "Жолдарды жөндеу керек"
        elif q.type == "ties":
            form[f"{q.code}__{q.choices[0].code}"] = "monthly"
    form.update(overrides)
    return form


def _enter(client, slug, group="residents", **fields):
    page = f"/console/rounds/{slug}/paper/{group}/enter?lang=en"
    data = {"csrf_token": csrf_token(client, page), "language": "kk", "mode": "paper", **fields}
    return client.post(page, data=data)


def test_the_printed_questionnaire_lists_every_question_with_its_copy_number_and_link(
    app, coordinator, two_cities, tmp_path
):
    response = coordinator.get(f"/console/rounds/{two_cities['round_a']}/paper/residents.pdf?lang=kk&first=41&copies=2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"].startswith("no-store")
    text = _flat(_pdf_text(response.data, tmp_path))
    for number, question in enumerate(RESIDENTS.questions, start=1):
        assert _flat(question.label["kk"]) in text, question.code
        assert f"{number}. " in text
    assert text.count("000041") >= 2 and "000042" in text and "000043" not in text
    assert "http://localhost/s/shu2025/residents" in text.replace(" ", "")  # hyphens dropped by _flat
    assert len(RESIDENTS.questions) > 40


def test_many_copies_are_laid_out_by_a_job_with_a_progress_page_then_served_from_the_cache(
    app, coordinator, two_cities, tmp_path
):
    """With the real queue (``scri worker`` takes the job; here it is run in this process), the download goes to
    a progress page in the page's language; once the job is done the same address gives the file, and asking
    again for the same copies is served from the cache without a new job."""
    from survey_app.extensions import db
    from survey_app.models import Job
    from survey_app.services import jobs

    app.config["SCRI_JOBS"] = "queue"
    app.extensions.pop("scri_huey", None)
    url = f"/console/rounds/{two_cities['round_a']}/paper/residents.pdf?lang=ru&first=7&copies=3"
    try:
        asked = coordinator.get(url)
        assert asked.status_code == 302 and "/jobs/" in asked.headers["Location"]
        job_id = asked.headers["Location"].rsplit("/", 1)[-1]
        waiting = coordinator.get(f"/jobs/{job_id}?lang=ru").get_data(as_text=True)
        assert "Бумажные анкеты готовятся" in waiting and "Страницы раскладываются" not in waiting
        with app.app_context():
            jobs.run(job_id)  # what the worker does
            job = db.session.get(Job, job_id)
            assert job.state == "done" and job.kind == "paper_pdf" and job.result[:5] == b"%PDF-"
        ready = coordinator.get(f"/jobs/{job_id}?lang=ru").get_data(as_text=True)
        assert "Бумажные анкеты готовы" in ready and url.replace("&", "&amp;") in ready
        response = coordinator.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = _flat(_pdf_text(response.data, tmp_path))
        assert "000007" in text and "000009" in text and "000010" not in text
        assert _flat(RESIDENTS.questions[0].label["ru"]) in text
        with app.app_context():
            assert db.session.scalar(select(func.count(Job.id))) == 1
        other = coordinator.get(url.replace("first=7", "first=8"))
        assert other.status_code == 302, "other copies are another job"
    finally:
        app.config["SCRI_JOBS"] = "immediate"
        app.extensions.pop("scri_huey", None)


def test_the_follow_up_condition_names_the_question_that_decides_it(app):
    from survey_app.services.paper import paper_sections

    with app.test_request_context("/?lang=en"):
        items = {i.question.code: i for _s, items in paper_sections(RESIDENTS, "en") for i in items}
    follow = next(i for i in items.values() if i.question.relevant == "uses_egov == 'yes'")
    decider = items["uses_egov"].number
    assert follow.condition == f"Answer only if you answered “Yes” to question {decider}."


def test_a_typed_in_paper_is_stored_complete_with_its_mode_and_number_and_exported(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import Answer, AuditEvent, Response

    slug = two_cities["round_a"]
    answers = valid_answers(RESIDENTS, da_home_internet="no")
    follow_up = next(q.code for q in RESIDENTS.questions if q.relevant == "da_home_internet == 'yes'")
    response = _enter(coordinator, slug, paper_number="12", **answers)
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Response).where(Response.paper_number == 12))
        assert (row.status, row.mode, row.language, row.group) == ("complete", "paper", "kk", "residents")
        codes = set(db.session.scalars(select(Answer.question_code).where(Answer.response_id == row.id)))
        assert "da_home_internet" in codes and follow_up not in codes  # the follow-up did not apply
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.enter"))
        assert event.details["paper_number"] == 12 and event.actor == "coord@shu.kz"
    export = coordinator.get(f"/console/rounds/{slug}/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert [(r["mode"], r["paper_number"]) for r in rows] == [("paper", "12")]


def test_the_same_paper_number_is_typed_in_once(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import Response

    slug = two_cities["round_a"]
    assert _enter(coordinator, slug, paper_number="5", **valid_answers(RESIDENTS)).status_code == 302
    again = _enter(coordinator, slug, paper_number="5", mode="interviewer", **valid_answers(RESIDENTS))
    page = coordinator.get(f"/console/rounds/{slug}/paper/residents/enter?lang=en").get_data(as_text=True)
    assert again.status_code == 200
    assert "Questionnaire No. 5 of this group has already been typed in." in again.get_data(as_text=True) + page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_wrong_answer_is_marked_and_nothing_is_stored(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import Response

    number_q = next(q for q in RESIDENTS.questions if q.type == "integer")
    answers = valid_answers(RESIDENTS, **{number_q.code: str(int(number_q.max) + 1)})
    required = next(q for q in RESIDENTS.questions if q.required and q.type == "likert")
    answers.pop(required.code)
    response = _enter(coordinator, two_cities["round_a"], paper_number="3", **answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and "nothing was saved" in page
    assert f'href="#q-{number_q.code}"' in page and f'href="#q-{required.code}"' in page
    assert 'value="3"' in page  # what was typed stays on the page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"paper_number": "0"}, "whole number from 1 to 999999"),
        ({"paper_number": "12a"}, "whole number from 1 to 999999"),
        ({"paper_number": "1", "mode": "web"}, "on paper or by an interviewer"),
        ({"paper_number": "1", "language": "fr"}, "language of the questionnaire"),
    ],
)
def test_bad_entry_details_are_refused_with_a_message(app, coordinator, two_cities, fields, message):
    from survey_app.extensions import db
    from survey_app.models import Response

    response = _enter(coordinator, two_cities["round_a"], **{**valid_answers(RESIDENTS), **fields})
    follow = coordinator.get(f"/console/rounds/{two_cities['round_a']}/paper/residents/enter?lang=en")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True) + follow.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize(
    "query", ["lang=de", "lang=kk&copies=0", "lang=kk&copies=51", "lang=kk&first=x", "lang=kk&first=999999&copies=2"]
)
def test_bad_print_requests_get_a_message_not_an_error(coordinator, two_cities, query):
    response = coordinator.get(f"/console/rounds/{two_cities['round_a']}/paper/residents.pdf?{query}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/paper")


def test_only_the_city_s_people_may_print_and_only_coordinators_type_in(app, two_cities, login):
    viewer = login(two_cities["users"]["viewer"])
    assert viewer.get(f"/console/rounds/{two_cities['round_a']}/paper?lang=en").status_code == 200
    assert _enter(viewer, two_cities["round_a"], paper_number="1", **valid_answers(RESIDENTS)).status_code == 403
    coordinator = login(two_cities["users"]["coordinator"])
    assert coordinator.get(f"/console/rounds/{two_cities['round_b']}/paper").status_code == 404
    assert coordinator.get(f"/console/rounds/{two_cities['round_b']}/paper/residents.pdf?lang=kk").status_code == 404
