"""Read-only JSON: rounds, one round, its responses (paged, answers decoded).

Every endpoint answers a signed-in session or `Authorization: Bearer <token>`; without either 401, and a
round of a city the account may not see 404 (the same answer as an unknown round). The analysis of a round,
`GET /api/v1/rounds/<slug>/scores`, lives in scores.py.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..models import Answer, Instrument, Response, SurveyRound
from ..services.answers import decode
from ..services.exports import response_time
from ..services.instruments import instrument_definition
from ..services.permissions import get_round_for, visible_rounds
from ..services.rounds import response_counts, rounds_summary
from . import bp

MAX_PER_PAGE = 500
STATUSES = {"complete": ("complete",), "partial": ("partial",), "all": ("complete", "partial")}


@bp.after_request
def no_store(response):
    """Answers carry respondents' data: never kept by a shared cache."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _require_login() -> None:
    if not current_user.is_authenticated:
        abort_with(401)


def _round(slug: str) -> SurveyRound:
    _require_login()
    return get_round_for(current_user, slug)


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


@bp.get("/rounds")
def rounds():
    _require_login()
    return jsonify(rounds_summary(visible_rounds(current_user)))


@bp.get("/rounds/<slug>")
def round_detail(slug: str):
    round_ = _round(slug)
    [summary] = rounds_summary([round_])
    counts = response_counts([round_.id]).get(round_.id, {})
    summary.update(
        {
            "title": round_.title,
            "anonymous": round_.anonymous,
            "opens_at": _iso(round_.opens_at),
            "closes_at": _iso(round_.closes_at),
            "opened_at": _iso(round_.opened_at),
            "closed_at": _iso(round_.closed_at),
            "targets": {g.group: g.target_n for g in round_.groups},
            "by_group": {
                g.group: {
                    "complete": counts.get(g.group, {}).get("complete", 0),
                    "partial": counts.get(g.group, {}).get("partial", 0),
                    "target": g.target_n,
                    "access": g.access,
                    "instrument": {"code": g.instrument.code, "version": g.instrument.version},
                }
                for g in round_.groups
            },
        }
    )
    return jsonify(summary)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        abort_with(400, "Bad request", f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@bp.get("/rounds/<slug>/responses")
def responses(slug: str):
    """Responses with their answers by question code, `per_page` (≤ 500) at a time, oldest first.

    `status=complete` (default), `partial` or `all`.
    """
    round_ = _round(slug)
    page = _int_arg("page", 1, 1, 10_000_000)
    per_page = _int_arg("per_page", 100, 1, MAX_PER_PAGE)
    wanted = request.args.get("status", "complete")
    if wanted not in STATUSES:
        abort_with(400, "Bad request", "status must be complete, partial or all")
    rows = db.session.scalars(
        select(Response)
        .where(Response.round_id == round_.id, Response.status.in_(STATUSES[wanted]))
        .order_by(Response.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    definitions, instruments = {}, {}
    for r in rows:
        if r.instrument_id not in definitions:
            row = db.session.get(Instrument, r.instrument_id)
            instruments[r.instrument_id] = {"code": row.code, "version": row.version}
            definitions[r.instrument_id] = instrument_definition(row)
    by_id = {r.id: r for r in rows}
    answers: dict[int, dict] = {}
    if rows:
        for rid, code, num, text, js in db.session.execute(
            select(
                Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json
            ).where(Answer.response_id.in_(list(by_id)))
        ):
            question = definitions[by_id[rid].instrument_id].question(code)
            answers.setdefault(rid, {})[code] = decode(question, num, text, js)
    items = [
        {
            "id": r.id,
            "group": r.group,
            "language": r.language,
            "status": r.status,
            "instrument": instruments[r.instrument_id],
            "started_at": response_time(r.started_at, round_.anonymous),
            "submitted_at": response_time(r.submitted_at, round_.anonymous),
            "answers": answers.get(r.id, {}),
        }
        for r in rows
    ]
    return jsonify(
        {
            "round": round_.slug,
            "status": wanted,
            "page": page,
            "per_page": per_page,
            "responses": items,
            "next_page": page + 1 if more else None,
        }
    )
