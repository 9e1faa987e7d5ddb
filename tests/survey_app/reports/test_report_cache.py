"""Results and PDFs kept by the data they come from: unchanged data is served from the cache, and any new
answer, exclusion or indicator gives a new fingerprint (on the demo, changes flushed and rolled back)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Answer, IndicatorValue, Response, SurveyRound
from survey_app.services import results as services
from survey_app.services.result_cache import round_fingerprint


def _round(slug):
    return db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))


@pytest.mark.parametrize("change", ["answer", "exclusion", "indicator", "census"])
def test_every_kind_of_change_gives_a_new_fingerprint(demo_app, change):
    with demo_app.app_context():
        round_ = _round("shu-2025")
        before = round_fingerprint(round_, 5)
        assert round_fingerprint(round_, 5) == before, "the same data, the same fingerprint"
        assert round_fingerprint(round_, 10) != before, "k_min shapes the result"
        try:
            response = db.session.scalars(
                select(Response).where(Response.round_id == round_.id, Response.status == "complete")
            ).first()
            if change == "answer":
                answer = db.session.scalars(
                    select(Answer).where(Answer.response_id == response.id, Answer.value_num.is_not(None))
                ).first()
                answer.value_num = 6 - answer.value_num if answer.value_num != 3 else 4
            elif change == "exclusion":
                from survey_app.models._base import utcnow

                response.excluded_at = utcnow()
            elif change == "indicator":
                value = db.session.scalars(
                    select(IndicatorValue).where(IndicatorValue.city_id == round_.city_id)
                ).first()
                value.value = value.value + 1
            else:
                round_.city.census_margins = {"sex": {"male": 0.5, "female": 0.5}}
            db.session.flush()
            assert round_fingerprint(round_, 5) != before, change
        finally:
            db.session.rollback()
        assert round_fingerprint(_round("shu-2025"), 5) == before


def test_a_cached_result_is_a_copy_that_callers_may_change(demo_app):
    with demo_app.app_context():
        first = services.round_result(_round("ayagoz-2025"))
        first["scri"]["score"] = -1
        again = services.round_result(_round("ayagoz-2025"))
    assert again["scri"]["score"] != -1


def test_an_unchanged_round_serves_its_pdf_without_drawing_it_again(demo_app, demo_admin_client, monkeypatch):
    from survey_app.reports import pdf

    drawn = []
    real = pdf.city_report_pdf

    def spy(*args, **kwargs):
        drawn.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "city_report_pdf", spy)
    client = demo_admin_client
    first = client.get("/console/rounds/shalkar-2025/report.pdf?lang=ru")
    second = client.get("/console/rounds/shalkar-2025/report.pdf?lang=ru")
    other_language = client.get("/console/rounds/shalkar-2025/report.pdf?lang=kk")
    assert first.status_code == second.status_code == other_language.status_code == 200
    assert first.data[:5] == b"%PDF-" and second.data == first.data
    assert other_language.data != first.data
    assert drawn == ["ru", "kk"], "the second Russian download came from the cache"
    assert second.headers["Cache-Control"] == "private, no-store"
