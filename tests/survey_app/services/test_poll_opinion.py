"""A quick poll's area ratings count on the opinion side of the city's round of the same year: the round's
score has the poll's raters beside its own respondents."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select


def test_a_polls_ratings_are_counted_in_the_rounds_opinion_side(app):
    from survey_app.demo import load_demo
    from survey_app.extensions import db
    from survey_app.models import Answer, Response, SurveyRound
    from survey_app.services import polls
    from survey_app.services.answers import encode
    from survey_app.services.instruments import instrument_definition
    from survey_app.services.scoring import round_result

    with app.app_context():
        load_demo()
        db.session.commit()
        shu = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-2025"))
        before = round_result(shu, with_previous=False)["opinion"]["areas"]["agriculture"]
        poll = polls.create_poll(shu.city, "shu-con-2025", ["agriculture"], [])
        definition = instrument_definition(poll.groups[0].instrument)
        base = db.session.scalar(select(func.count()).select_from(Response))
        for i in range(12):  # 12 visitors of the public service centre, all rating agriculture 5
            when = datetime(shu.year, 6, 1 + i, 10, tzinfo=UTC)
            response = Response(
                round_id=poll.id,
                group="residents",
                instrument_id=poll.groups[0].instrument_id,
                language="kk",
                status="complete",
                client_submission_id=f"poll-{base + i}",
                resume_token_hash=f"{base + i:064d}",
                started_at=when,
                submitted_at=when,
            )
            response.answers.append(
                Answer(question_code="ar_agriculture", **encode(definition.question("ar_agriculture"), 5))
            )
            db.session.add(response)
        db.session.commit()
        after = round_result(shu, with_previous=False)["opinion"]["areas"]["agriculture"]
    assert after["n"] == before["n"] + 12
    assert after["o"] > before["o"]
