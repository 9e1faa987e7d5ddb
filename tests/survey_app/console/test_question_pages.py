"""Every choice question's answers per group: shares on the web page and in the PDF annex, small groups withheld."""

from __future__ import annotations

import io

from consolehelpers import complete_residents
from pypdf import PdfReader
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import SurveyRound


def _residents(app, slug: str, answers: list):
    """One complete residents' response per answer to the first single-choice question of their questionnaire."""
    return complete_residents(app, slug, "single", answers, prefix="q")[1]


def test_question_shares_are_shown_per_group_and_in_the_pdf(app, two_cities, login):
    with app.app_context():
        from survey_app.services.instruments import instrument_definition

        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-2025"))
        first = next(
            q for q in instrument_definition(round_.group("residents").instrument).questions if q.type == "single"
        )
        a, b = first.choices[0].code, first.choices[1].code
    question = _residents(app, "shu-2025", [a, a, a, b, b, b, b, b, None])
    client = login(two_cities["users"]["viewer"])
    page = client.get("/console/rounds/shu-2025/questions?lang=en").get_data(as_text=True)
    label_a = question.choices[0].label["en"]
    assert "Answers question by question" in page and label_a in page
    assert "37.5" in page and "62.5" in page  # 3 and 5 of the 8 who answered
    assert "8 answered · 0 did not know · 1 gave no answer" in page
    pdf = client.get("/console/rounds/shu-2025/questions.pdf?lang=ru")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert question.choices[0].label["ru"] in text and "37.5" in text


def test_a_question_with_fewer_answers_than_k_min_is_withheld(app, two_cities, login):
    _residents(app, "shu-2025", ["x", None])
    client = login(two_cities["users"]["viewer"])
    page = client.get("/console/rounds/shu-2025/questions?lang=en").get_data(as_text=True)
    assert "Not shown: fewer than 5 answers" in page
    assert ">37.5<" not in page and '<td class="num">1</td>' not in page  # no count of the small group
