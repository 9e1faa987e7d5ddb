"""What one questionnaire page save costs the database: counted, so that the work cannot creep back.

A page POST reads the round, its group and the response in one statement (on PostgreSQL with its answers;
on SQLite the answers are a second one), writes the page's new answers in one batched INSERT and the
response's progress in one UPDATE, on one pooled connection: no rate-limit write, no re-insert of earlier
pages, no ping before the checkout, no JSON text 'null' for an answer without a list.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text

from survey_app.extensions import db


class Counter:
    """Statements (first word and table) and pool checkouts seen on the app's engine."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []
        self.checkouts = 0

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(" ".join(statement.split()[:3]))

    def _checkout(self, *args):
        self.checkouts += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine.pool, "checkout", self._checkout)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine.pool, "checkout", self._checkout)

    def count(self, prefix: str) -> int:
        return sum(s.startswith(prefix) for s in self.statements)


@pytest.fixture
def engine(app):
    with app.app_context():
        return db.engine


def _answer_rows(app) -> list[tuple]:
    from survey_app.models import Answer

    with app.app_context():
        return db.session.execute(select(Answer.question_code, Answer.id).order_by(Answer.question_code)).all()


def test_a_page_save_writes_only_that_page_in_one_batch(app, engine, mini_round, respondent):
    mini_round()
    r = respondent()
    r.start()
    r.get("/p/1")
    with Counter(engine) as first:
        saved = r.post("/p/1", {"uses_egov": "yes", "egov_quality": "4", "years": "12", "action": "next"})
    assert saved.status_code == 302
    assert first.count("INSERT INTO answer") == 1, first.statements
    assert first.count("DELETE") == 0 and first.count("INSERT INTO rate_bucket") <= 1
    page_one = dict(_answer_rows(app))
    r.get("/p/2")
    with Counter(engine) as second:
        saved = r.post(
            "/p/2",
            {"district": "centre", "channels": ["site", "tv"], "share": "12.5", "comment": "ok", "action": "next"},
        )
    assert saved.status_code == 302
    # Four statements: the round, its group and the response in one; its answers; one INSERT; one UPDATE.
    assert len(second.statements) <= 4, second.statements
    assert second.count("INSERT INTO answer") == 1 and second.count("DELETE") == 0, second.statements
    assert second.count("INSERT INTO rate_bucket") == 0, "a second page within the push interval writes no count"
    assert second.checkouts == 1
    rows = dict(_answer_rows(app))
    assert {code: rows[code] for code in page_one} == page_one, "page 1's rows were rewritten by page 2's save"
    assert set(rows) == {"uses_egov", "egov_quality", "years", "district", "channels", "share", "comment"}


def test_changing_one_earlier_answer_rewrites_that_answer_only(app, engine, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start()
    r.get("/p/1")
    r.post("/p/1", {"uses_egov": "yes", "egov_quality": "4", "years": "12", "action": "next"})
    before = dict(_answer_rows(app))
    r.get("/p/1")
    with Counter(engine) as change:
        r.post("/p/1", {"uses_egov": "yes", "egov_quality": "2", "years": "12", "action": "next"})
    after = dict(_answer_rows(app))
    assert after["years"] == before["years"] and after["uses_egov"] == before["uses_egov"]
    assert after["egov_quality"] != before["egov_quality"]
    assert change.count("DELETE") == 1 and change.count("INSERT INTO answer") == 1
    assert stored()[0]["answers"]["egov_quality"] == 2
    # Skip logic still drops what is no longer asked: "no" to eGov removes the quality rating.
    r.get("/p/1")
    r.post("/p/1", {"uses_egov": "no", "years": "12", "action": "next"})
    assert "egov_quality" not in stored()[0]["answers"]


def test_no_answer_stores_the_json_text_null(app, mini_round, respondent):
    mini_round()
    r = respondent()
    r.start()
    r.get("/p/1")
    r.post("/p/1", {"uses_egov": "yes", "egov_quality": "4", "years": "12", "action": "next"})
    with app.app_context():
        kinds = db.session.execute(
            text("SELECT question_code, value_json IS NULL FROM answer ORDER BY question_code")
        ).all()
    assert kinds == [("egov_quality", True), ("uses_egov", True), ("years", True)]


def test_the_answers_read_with_the_round_are_the_stored_answers(app, engine, mini_round, respondent):
    """On PostgreSQL a page reads the round, the response and its answers in one statement (the answers as a
    JSON aggregate); what it reads must be exactly what the answer rows hold, types included."""
    from survey_app.public import services as svc

    mini_round()
    r = respondent()
    r.start()
    r.get("/p/1")
    r.post("/p/1", {"uses_egov": "yes", "egov_quality": "4", "years": "12", "action": "next"})
    r.get("/p/2")
    r.post(
        "/p/2",
        {
            "district": "centre",
            "channels": ["site", "tv"],
            "share": "33.37",
            "comment": '«жол» "x" \\ é',
            "action": "next",
        },
    )
    token = r.client.get_cookie("scri_resume_residents", path="/s/mini-2025/residents").value
    with Counter(engine) as reading:
        page = r.get("/p/2")
    assert page.status_code == 200
    with app.app_context():
        survey = svc.load_survey("mini-2025", "residents", token)
        assert survey.response is not None
        expected = svc.stored_answers(survey.response, survey.instrument)
        read = svc.survey_answers(survey)
        postgres = db.engine.dialect.name == "postgresql"
    assert expected == {
        "uses_egov": "yes",
        "egov_quality": 4,
        "years": 12,
        "district": "centre",
        "channels": ["site", "tv"],
        "share": 33.37,
        "comment": '«жол» "x" \\ é',
    }
    assert read == expected and {k: type(v) for k, v in read.items()} == {k: type(v) for k, v in expected.items()}
    assert (survey.answers is not None) == postgres
    assert len(reading.statements) == (1 if postgres else 2), reading.statements
