"""The per-question results of a round (analysis/question_results.py) from its stored answers: complete
responses that count in the scores, residents weighted with the same raked weights as the rest of the round's
analysis (the other groups weigh 1)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from analysis import AnalysisError
from analysis.question_results import question_table
from analysis.round_weights import round_weights
from analysis.weighting import DEFAULT_CAP

from ..extensions import db
from ..models import Answer, Response, SurveyRound
from .answers import decode
from .frames import round_frames
from .instruments import instrument_definition

KINDS = ("likert", "single", "multiple", "yesno", "rank")


def _weights(round_: SurveyRound) -> tuple[dict[int, float] | None, str | None]:
    frames = round_frames(round_)
    try:
        weights, _info, _design = round_weights(frames.responses, frames.census_margins, "residents", DEFAULT_CAP)
    except AnalysisError as exc:
        return None, str(exc)
    return (None if weights is None else {int(k): float(v) for k, v in weights.items()}), None


def round_question_results(round_: SurveyRound) -> dict[str, Any]:
    """{"groups": [{group, questions: [{question, table}]}], "weighting": note or None}."""
    k_min = current_app.config["SCRI_K_MIN"]
    weights, weighting = _weights(round_)
    people = db.session.execute(
        select(Response.id, Response.group).where(
            Response.round_id == round_.id, Response.status == "complete", Response.excluded_at.is_(None)
        )
    ).all()
    by_group: dict[str, list[int]] = {}
    for rid, group in people:
        by_group.setdefault(group, []).append(rid)
    out = []
    for g in round_.groups:
        if g.instrument is None:
            continue
        definition = instrument_definition(g.instrument)
        questions = [q for q in definition.questions if q.type in KINDS]
        answers = _answers(by_group.get(g.group, []), {q.code: q for q in questions})
        tables = []
        for q in questions:
            codes = [c.code for c in q.choices] if q.type != "yesno" else ["yes", "no"]
            table = question_table(q.type, codes, answers.get(q.code, {}), by_group.get(g.group, []), weights, k_min)
            tables.append({"question": q, "table": table})
        out.append({"group": g.group, "respondents": len(by_group.get(g.group, [])), "questions": tables})
    return {"groups": out, "weighting": weighting, "k_min": k_min}


def _answers(respondents: list[int], questions: dict) -> dict[str, dict[int, Any]]:
    """question code → {respondent: stored value} for these respondents (read in one query)."""
    found: dict[str, dict[int, Any]] = {}
    if not respondents or not questions:
        return found
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json).where(
            Answer.response_id.in_(respondents), Answer.question_code.in_(list(questions))
        )
    )
    for rid, code, num, text, js in rows:
        value = decode(questions[code], num, text, js)
        if questions[code].type == "likert" and value is not None:
            value = str(value)
        found.setdefault(code, {})[rid] = value
    return found
