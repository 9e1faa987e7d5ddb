"""Quick polls: started from the console from areas and questions of one's own, refused whole on bad input,
results by month with small cells withheld, a trilingual QR poster, and area ratings that feed the opinion
side of the city's rating."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from consolehelpers import csrf_token
from sqlalchemy import func, select

OWN = {"q1_type": "yesno", "q1_kk": "Сізге көмектесті ме?", "q1_ru": "Вам помогли?", "q1_en": "Were you helped?"}


def _start(client, city_id, **fields):
    data = {"csrf_token": csrf_token(client, "/console/polls?lang=en"), "city": str(city_id), **fields}
    return client.post("/console/polls?lang=en", data=data)


def _counts(app):
    from survey_app.extensions import db
    from survey_app.models import Instrument, SurveyRound

    with app.app_context():
        polls = db.session.scalar(select(func.count()).select_from(SurveyRound).where(SurveyRound.kind == "poll"))
        instruments = db.session.scalar(
            select(func.count()).select_from(Instrument).where(Instrument.code.like("poll_%"))
        )
        return polls, instruments


@pytest.fixture
def coordinator(two_cities, login):
    return login(two_cities["users"]["coordinator"])


def test_a_poll_is_started_from_areas_and_a_question_of_ones_own(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import AuditEvent, SurveyRound
    from survey_app.services.instruments import instrument_definition

    response = _start(coordinator, two_cities["a"], slug="shu-con-2026", areas=["health", "education"], **OWN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/polls/shu-con-2026")
    with app.app_context():
        poll = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-con-2026"))
        assert (poll.kind, poll.status, [g.group for g in poll.groups]) == ("poll", "open", ["residents"])
        assert poll.groups[0].access == "open"
        definition = instrument_definition(poll.groups[0].instrument)
        assert len(definition.sections) == 1
        assert [(q.code, q.area) for q in definition.questions] == [
            ("ar_health", "health"),
            ("ar_education", "education"),
            ("q1", None),
        ]
        assert definition.questions[0].relevant is None  # everyone is asked
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "poll.create"))
    listing = coordinator.get("/console/polls?lang=en").get_data(as_text=True)
    assert "shu-con-2026" in listing
    assert "shu-con-2026" not in coordinator.get("/console/?lang=en").get_data(as_text=True)  # not a round
    public = coordinator.get("/s/shu-con-2026/residents?lang=ru")
    assert public.status_code == 200 and "Быстрый опрос" in public.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "A poll needs at least one question"),
        ({"q1_type": "text", "q1_kk": "а", "q1_ru": "б", "q1_en": "c"}, "the type &#39;text&#39; cannot be scored"),
        ({"areas": ["parks"]}, "Area &#39;parks&#39; is not an area of the reference standard"),
        ({"areas": ["health", "education", "transport", "security", "social"], **OWN}, "at most 5 questions; it has 6"),
        ({"q1_type": "yesno", "q1_kk": "а", "q1_en": "c"}, "Question 1 needs its text in ru"),
        ({"areas": ["health"], "slug": "Bad Slug"}, "The short name must be"),
    ],
)
def test_a_poll_that_cannot_be_asked_is_refused_whole(app, coordinator, two_cities, fields, message):
    data = {"slug": "bad-2026", **fields}
    response = _start(coordinator, two_cities["a"], **data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_a_viewer_cannot_start_a_poll_and_nobody_sees_another_citys(app, two_cities, login):
    viewer = login(two_cities["users"]["viewer"])
    assert "Start a quick poll" not in viewer.get("/console/polls?lang=en").get_data(as_text=True)
    assert _start(viewer, two_cities["a"], slug="v-2026", areas=["health"]).status_code == 403
    assert _counts(app) == (0, 0)
    coordinator = login(two_cities["users"]["coordinator"])
    assert _start(coordinator, two_cities["b"], slug="b-2026", areas=["health"]).status_code == 403  # not theirs
    assert _counts(app) == (0, 0)
    assert coordinator.get("/console/polls/shu-2025").headers["Location"].endswith("/console/rounds/shu-2025")


def _answer(app, slug, month: int, answers: dict):
    """A complete poll response submitted in `month` of 2026."""
    from survey_app.extensions import db
    from survey_app.models import Answer, Response, SurveyRound
    from survey_app.services.answers import encode
    from survey_app.services.instruments import instrument_definition

    with app.app_context():
        poll = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
        definition = instrument_definition(poll.groups[0].instrument)
        n = db.session.scalar(select(func.count()).select_from(Response))
        when = datetime(2026, month, 10, 12, tzinfo=UTC)
        response = Response(
            round_id=poll.id,
            group="residents",
            instrument_id=poll.groups[0].instrument_id,
            language="ru",
            status="complete",
            client_submission_id=f"poll-test-{n}",
            resume_token_hash=f"{n:064d}",
            started_at=when,
            submitted_at=when,
        )
        for code, value in answers.items():
            response.answers.append(Answer(question_code=code, **encode(definition.question(code), value)))
        db.session.add(response)
        db.session.commit()


def test_results_by_month_withhold_small_cells(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import SurveyRound
    from survey_app.services.polls import poll_results

    _start(coordinator, two_cities["a"], slug="shu-con-2026", areas=["health"], **OWN)
    for i in range(6):  # March: 6 answers, 4 of them good
        _answer(app, "shu-con-2026", 3, {"ar_health": 5 if i < 4 else 2, "q1": "yes"})
    for _i in range(2):  # April: 2 answers only
        _answer(app, "shu-con-2026", 4, {"ar_health": 4})
    with app.app_context():
        poll = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-con-2026"))
        results = poll_results(poll, 5)
    assert results["months"] == [{"month": "2026-03", "responses": 6}, {"month": "2026-04", "responses": 2}]
    health, own = results["questions"]
    assert health["all"] == {"n": 8, "share": 75.0, "withheld": False}
    assert health["by_month"]["2026-03"] == {"n": 6, "share": 66.7, "withheld": False}
    assert health["by_month"]["2026-04"] == {"n": 2, "share": None, "withheld": True}
    assert own["all"]["share"] == 100.0 and own["by_month"]["2026-04"]["n"] == 0
    page = coordinator.get("/console/polls/shu-con-2026?lang=en").get_data(as_text=True)
    assert "2026-03" in page and "66.7 %" in page and "withheld" in page


def test_poll_ratings_count_on_the_opinion_side_of_the_citys_round(app, coordinator, two_cities):
    from survey_app.extensions import db
    from survey_app.models import SurveyRound
    from survey_app.services.polls import poll_area_ratings

    _start(coordinator, two_cities["a"], slug="shu-con-2026", areas=["health", "transport"])
    _answer(app, "shu-con-2026", 3, {"ar_health": 5, "ar_transport": 2})
    _answer(app, "shu-con-2026", 5, {"ar_health": 3})
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-2025"))
        assert poll_area_ratings(round_) == []  # the poll's answers are of 2026, the round is of 2025
        round_.year = 2026
        ratings = sorted(r[2:] for r in poll_area_ratings(round_))
        db.session.rollback()
    assert ratings == [("health", 3.0), ("health", 5.0), ("transport", 2.0)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_poster_carries_the_link_and_the_three_languages(app, coordinator, two_cities, tmp_path):
    _start(coordinator, two_cities["a"], slug="shu-con-2026", areas=["health"])
    response = coordinator.get("/console/polls/shu-con-2026/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.data)
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)  # noqa: S603, S607
    assert "http://localhost/s/shu-con-2026/residents" in text
    for words in ("Қалаңыздың цифрлық қызметтерін", "Оцените цифровые услуги", "Rate your city"):
        assert words in text
