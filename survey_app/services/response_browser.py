"""Reading a round's responses one by one: a paged list, one response's answers as its respondent gave them,
the free-text answers of one question, and deleting a response on its respondent's request (audited). In an
anonymous round none of it is shown for a group with fewer than k_min complete responses, so no answer can be
tied to the few people who gave it."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from instruments.model import UPLOAD_TYPES

from ..extensions import db
from ..i18n import localized
from ..i18n import translate as _
from ..models import Answer, Instrument, Response, SurveyRound
from . import attachments, audit
from .answers import decode
from .errors import ServiceError
from .instruments import instrument_definition
from .quality import round_flags

PER_PAGE = 50
MAX_REASON = 500


def hidden_groups(round_: SurveyRound) -> set[str]:
    """The groups of an anonymous round with fewer than k_min complete responses (their answers are not shown)."""
    if not round_.anonymous:
        return set()
    k_min = current_app.config["SCRI_K_MIN"]
    counts = dict(
        db.session.execute(
            select(Response.group, func.count())
            .where(Response.round_id == round_.id, Response.status == "complete")
            .group_by(Response.group)
        ).all()
    )
    return {g.group for g in round_.groups if counts.get(g.group, 0) < k_min}


def page_of_responses(round_: SurveyRound, group: str, status: str, page: int) -> dict[str, Any]:
    """One page of the round's responses, newest first, with their flags; and the groups withheld."""
    withheld = hidden_groups(round_)
    query = select(Response).where(Response.round_id == round_.id)
    if withheld:
        query = query.where(Response.group.not_in(withheld))
    if group:
        query = query.where(Response.group == group)
    if status in ("complete", "partial"):
        query = query.where(Response.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(max(1, page), pages)
    rows = db.session.scalars(query.order_by(Response.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    flags = round_flags(round_)
    return {"rows": rows, "flags": flags, "page": page, "pages": pages, "total": total, "withheld": sorted(withheld)}


def _response(round_: SurveyRound, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.round_id != round_.id or response.group in hidden_groups(round_):
        raise LookupError(response_id)
    return response


def response_view(round_: SurveyRound, response_id: int) -> dict[str, Any]:
    """One response: its pages with each asked question's answer as the respondent would read it back."""
    from ..public.questions import answer_text

    response = _response(round_, response_id)
    definition = instrument_definition(db.session.get(Instrument, response.instrument_id))
    answers = {
        code: decode(definition.question(code), num, text, js)
        for code, num, text, js in db.session.execute(
            select(Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json).where(
                Answer.response_id == response.id
            )
        )
    }
    pages = []
    for section in definition.sections:
        rows = []
        entries = answers.get(section.code) if section.repeat is not None else [answers]
        for number, entry in enumerate(entries or [], start=1):
            for q in section.questions:
                if q.stored and q.code in entry:
                    value = entry[q.code]
                    rows.append({"label": q.label, "entry": number if section.repeat is not None else None,
                                 "text": answer_text(q, value, localized), "question": q.code,
                                 "file": value if q.type in UPLOAD_TYPES else None})  # fmt: skip
        pages.append({"title": section.title, "rows": rows})
    return {"response": response, "pages": pages, "flags": round_flags(round_).get(response.id, ())}


def attachment_of(round_: SurveyRound, response_id: int, code: str):
    """(path, MIME type) of a file a respondent attached, or LookupError."""
    response = _response(round_, response_id)
    value = db.session.scalar(
        select(Answer.value_json).where(Answer.response_id == response.id, Answer.question_code == code)
    )
    path = attachments.path_of(value)
    if path is None:
        raise LookupError(code)
    return path, value.get("type", "application/octet-stream")


def text_answers(round_: SurveyRound, group: str, code: str) -> list[str]:
    """The free-text answers to one question of a group, of complete responses not left out."""
    if group in hidden_groups(round_):
        return []
    return list(
        db.session.scalars(
            select(Answer.value_text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.round_id == round_.id, Response.group == group, Response.status == "complete")
            .where(Response.excluded_at.is_(None), Answer.question_code == code, Answer.value_text.is_not(None))
            .order_by(Answer.id)
        )
    )


def delete_response(round_: SurveyRound, response_id: int, reason: str, actor) -> None:
    """Delete a response, its answers and its files, on its respondent's request; the audit keeps the
    reason, never the answers."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Say why the response is deleted (for example: the respondent asked for it)."))
    if len(reason) > MAX_REASON:
        raise ServiceError(_("The reason is at most %(n)s characters.", n=MAX_REASON))
    try:
        response = _response(round_, response_id)
    except LookupError:
        raise ServiceError(_("There is no such response in this round.")) from None
    audit.record("response.delete", user=actor, obj=round_, details={"response": response.id, "group": response.group,
                                                                      "reason": reason})  # fmt: skip
    db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    db.session.delete(response)
    db.session.flush()  # its files go once this is committed (the console's route removes them)
