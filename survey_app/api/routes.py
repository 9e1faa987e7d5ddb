"""Read-only JSON: rounds, one round, its responses (paged). Scores are in scores.py."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..models import Answer, Instrument, Response
from ..services.answers import decode
from ..services.instruments import instrument_definition
from ..services.permissions import visible_rounds
from ..services.rounds import response_counts, rounds_summary
from . import bp
from .scores import _visible_round

MAX_PER_PAGE = 500


def _require_login() -> None:
    if not current_user.is_authenticated:
        abort_with(401)


@bp.get("/rounds")
def rounds():
    _require_login()
    return jsonify(rounds_summary(visible_rounds(current_user)))


@bp.get("/rounds/<slug>")
def round_detail(slug: str):
    round_ = _visible_round(slug)
    [summary] = rounds_summary([round_])
    counts = response_counts([round_.id]).get(round_.id, {})
    summary["targets"] = {g.group: g.target_n for g in round_.groups}
    summary["by_group"] = {g.group: {"complete": counts.get(g.group, {}).get("complete", 0),
                                     "partial": counts.get(g.group, {}).get("partial", 0),
                                     "target": g.target_n, "access": g.access,
                                     "instrument": {"code": g.instrument.code, "version": g.instrument.version}}
                           for g in round_.groups}
    return jsonify(summary)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        abort_with(400, "Bad request", f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@bp.get("/rounds/<slug>/responses")
def responses(slug: str):
    """Complete responses with their answers by question code, `per_page` (≤ 500) at a time."""
    round_ = _visible_round(slug)
    page = _int_arg("page", 1, 1, 10_000_000)
    per_page = _int_arg("per_page", 100, 1, MAX_PER_PAGE)
    rows = db.session.scalars(
        select(Response).where(Response.round_id == round_.id, Response.status == "complete")
        .order_by(Response.id).offset((page - 1) * per_page).limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    answers: dict[int, dict] = {}
    definitions = {}
    for r in rows:
        if r.instrument_id not in definitions:
            definitions[r.instrument_id] = instrument_definition(db.session.get(Instrument, r.instrument_id))
    by_id = {r.id: r for r in rows}
    if rows:
        for rid, code, num, text, js in db.session.execute(
                select(Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text,
                       Answer.value_json).where(Answer.response_id.in_(list(by_id)))):
            definition = definitions.get(by_id[rid].instrument_id)
            question = definition.question(code) if definition else None
            answers.setdefault(rid, {})[code] = decode(question, num, text, js)
    items = [{"id": r.id, "group": r.group, "language": r.language,
              "started_at": r.started_at.isoformat() if r.started_at else None,
              "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
              "answers": answers.get(r.id, {})} for r in rows]
    return jsonify({"round": round_.slug, "page": page, "per_page": per_page, "responses": items,
                    "next_page": page + 1 if more else None})
