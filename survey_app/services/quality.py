"""Response quality: the flags of a round's responses, and leaving a response out of the scores (audited)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from analysis.quality import response_flags

from ..extensions import db
from ..i18n import translate as _
from ..models import Answer, Response, SurveyRound
from ..models._base import utcnow
from . import audit
from .errors import ServiceError
from .frames import round_definitions

MAX_REASON = 500


def _rating_codes(round_: SurveyRound) -> set[str]:
    definitions = [definition for _group, definition in round_definitions(round_).values()]
    return {q.code for definition in definitions for q in definition.questions if q.type == "likert"}


def round_flags(round_: SurveyRound) -> dict[int, tuple[str, ...]]:
    """response id → its flags, for the round's complete responses (flagged or not)."""
    rows = db.session.execute(
        select(
            Response.id,
            Response.group,
            Response.mode,
            Response.device_hash,
            Response.address_tag,
            Response.started_at,
            Response.submitted_at,
        ).where(Response.round_id == round_.id, Response.status == "complete")
    ).all()
    if not rows:
        return {}
    frame = pd.DataFrame(rows, columns=["id", *rows[0]._fields[1:]]).set_index("id")
    for column in ("started_at", "submitted_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    codes = _rating_codes(round_)
    ratings = None
    if codes:
        answers = db.session.execute(
            select(Answer.response_id, Answer.question_code, Answer.value_num)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.round_id == round_.id, Response.status == "complete", Answer.question_code.in_(codes))
        ).all()
        if answers:
            long = pd.DataFrame(answers, columns=["response_id", "code", "value"])
            ratings = long.pivot_table(index="response_id", columns="code", values="value", aggfunc="first")
    return response_flags(frame, ratings)


def flagged_responses(round_: SurveyRound) -> list[dict]:
    """The flagged or excluded responses of a round, newest first, as plain rows for the console."""
    flags = round_flags(round_)
    wanted = [rid for rid, found in flags.items() if found]
    excluded = db.session.scalars(
        select(Response.id).where(Response.round_id == round_.id, Response.excluded_at.is_not(None))
    ).all()
    ids = sorted(set(wanted) | set(excluded), reverse=True)
    rows = db.session.scalars(select(Response).where(Response.id.in_(ids))).all() if ids else []
    by_id = {r.id: r for r in rows}
    return [
        {
            "id": rid,
            "group": by_id[rid].group,
            "mode": by_id[rid].mode,
            "language": by_id[rid].language,
            "submitted_at": by_id[rid].submitted_at,
            "flags": flags.get(rid, ()),
            "excluded": by_id[rid].excluded_at is not None,
            "reason": by_id[rid].exclusion_reason or "",
        }
        for rid in ids
        if rid in by_id
    ]


def _response(round_: SurveyRound, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.round_id != round_.id:
        raise ServiceError(_("There is no such response in this round."))
    return response


def exclude_response(round_: SurveyRound, response_id: int, reason: str, actor) -> Response:
    """Leave a response out of every score of the round; it stays stored and exported, marked."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Say why the response is left out (the reason is kept in the audit log)."))
    if len(reason) > MAX_REASON:
        raise ServiceError(_("The reason may have at most %(n)s characters.", n=MAX_REASON))
    response = _response(round_, response_id)
    if response.status != "complete":
        raise ServiceError(_("Only a complete response counts in the scores, so only it can be left out."))
    response.excluded_at = utcnow()
    response.exclusion_reason = reason
    details = {"reason": reason, "flags": list(round_flags(round_).get(response.id, ()))}
    audit.record("response.exclude", user=actor, obj=response, city_id=round_.city_id, details=details)
    return response


def include_response(round_: SurveyRound, response_id: int, actor) -> Response:
    """Count an excluded response again (the exclusion and its undoing both stay in the audit log)."""
    response = _response(round_, response_id)
    if response.excluded_at is None:
        raise ServiceError(_("This response is not left out."))
    previous = response.exclusion_reason
    response.excluded_at = None
    response.exclusion_reason = None
    audit.record(
        "response.include", user=actor, obj=response, city_id=round_.city_id, details={"was_excluded_for": previous}
    )
    return response
