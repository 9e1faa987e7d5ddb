"""Respondent-side database changes: start, save a page, complete; tokens, resume links, device marks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, delete, func, insert, literal_column, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from instruments.domain import GROUPS, ROUND_SLUG_RE
from instruments.model import UPLOAD_TYPES, Question
from instruments.model import Instrument as InstrumentDef
from instruments.relevance import evaluate

from ..auth import hash_token
from ..extensions import db
from ..models import Answer, Invitation, Response, RoundGroup, SurveyRound
from ..models._base import utcnow
from ..services import attachments
from ..services.answers import decode, encode
from ..services.instruments import instrument_definition
from ..services.rounds import apply_schedule, scheduled_status
from . import form_logic


class RespondentError(Exception):
    """Why a respondent cannot go on: an HTTP status and a reason code the page explains."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Survey:
    """A round and one of its groups, ready to be answered."""

    round: SurveyRound
    group: RoundGroup
    instrument: InstrumentDef
    #: The response of the resume token given to :func:`load_survey` (None: no such response, or no token).
    response: Response | None = None
    #: That response's stored answers when they came with it (PostgreSQL), else None: see :func:`survey_answers`.
    answers: dict[str, Any] | None = None


def load_survey(slug: str, group: str, resume_token: str | None = None) -> Survey:
    """The open round and group, or RespondentError 404 (unknown, draft) / 410 (closed); with a resume token,
    also the response it belongs to in this round and group."""
    if group not in GROUPS or not ROUND_SLUG_RE.match(slug or ""):  # also keeps NUL bytes away from the database
        raise RespondentError(404, "unknown")
    parameters = {"slug": slug, "group": group, "resume_hash": _resume_hash(resume_token)}
    statement = _survey_statement(db.session.get_bind().dialect.name)
    round_group, response, answer_rows = db.session.execute(statement, parameters).one_or_none() or (None,) * 3
    round_ = round_group.round if round_group is not None else None
    if round_ is None:  # no such group: the round (if any) still says whether it is closed or unknown
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    if round_ is None:
        raise RespondentError(404, "unknown")
    status = scheduled_status(round_)  # a scheduled opening or closing counts at once; storing it is a write
    if status == "draft":
        raise RespondentError(404, "unknown")
    if status in ("closed", "archived"):
        raise RespondentError(410, "closed")
    if round_group is None:
        raise RespondentError(404, "unknown")
    instrument = instrument_definition(round_group.instrument)
    answers = None
    if response is not None and answer_rows is not None:
        rows = json.loads(answer_rows) if isinstance(answer_rows, str) else answer_rows
        answers = {code: decode(instrument.question(code), num, text, js) for code, num, text, js in rows}
    return Survey(round_, round_group, instrument, response, answers)


@cache
def _survey_statement(dialect: str):
    """One statement (built once per database kind): a round's group, its instrument (the definition stays
    deferred), its round, the round's city and the response of a resume token (on PostgreSQL with its answers)."""
    return (
        select(RoundGroup, Response, _answers_column(dialect))
        .join(RoundGroup.round)
        .outerjoin(
            Response,
            and_(
                Response.resume_token_hash == bindparam("resume_hash"),
                Response.round_id == SurveyRound.id,
                Response.group == RoundGroup.group,
            ),
        )
        .where(SurveyRound.slug == bindparam("slug"), RoundGroup.group == bindparam("group"))
        .options(contains_eager(RoundGroup.round).joinedload(SurveyRound.city))
    )


def _answers_column(dialect: str):
    """The response's answers as one JSON array of [code, number, text, json] where the database builds it
    exactly (PostgreSQL prints every float so that it reads back the same), else a constant NULL."""
    if dialect != "postgresql":
        return null()
    rows = func.json_agg(
        func.json_build_array(Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json)
    )
    aggregate = select(func.coalesce(rows, literal_column("'[]'::json"))).where(Answer.response_id == Response.id)
    return aggregate.correlate(Response).scalar_subquery()


def survey_answers(survey: Survey) -> dict[str, Any]:
    """The stored answers of ``survey.response`` (from :func:`load_survey` when they came with it)."""
    if survey.answers is not None:
        return dict(survey.answers)
    return stored_answers(survey.response, survey.instrument)


def _resume_hash(resume_token: str | None) -> str:
    """The stored hash of a resume token ("" for none or an implausible one, which matches no response)."""
    return hash_token(resume_token) if resume_token and len(resume_token) <= 200 else ""


def new_submission_id() -> str:
    """A fresh id the first page echoes, so a repeated first POST makes one response."""
    return secrets.token_urlsafe(24)


def check_invitation(survey: Survey, token: str | None) -> Invitation | None:
    """For invitation-only groups: the unused invitation behind a token, or RespondentError 403."""
    if survey.group.access != "invitation":
        return None
    if not token or len(token) > 200:
        raise RespondentError(403, "token_missing")
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.token_hash == hash_token(token),
            Invitation.round_id == survey.round.id,
            Invitation.group == survey.group.group,
        )
    )
    if invitation is None or invitation.revoked_at is not None:
        raise RespondentError(403, "token_unknown")
    if invitation.used_at is not None or invitation.started_at is not None:
        raise RespondentError(403, "token_used")
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a token belongs to, whatever its state."""
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def device_responses(survey: Survey, device_key: str | None) -> int:
    """How many complete responses this device already gave in this open-link group (several people may
    share a phone: each may answer, and the analyst sees the responses flagged)."""
    if survey.group.access != "open" or not device_key:
        return 0
    return (
        db.session.scalar(
            select(func.count(Response.id)).where(
                Response.round_id == survey.round.id,
                Response.group == survey.group.group,
                Response.device_hash == hash_token(device_key),
                Response.status == "complete",
            )
        )
        or 0
    )


def address_tag(address: str) -> str:
    """A 24-bit keyed tag of the client address: equal for one address, shared by ~256 IPv4 addresses each, so
    a burst from one address shows while the address itself cannot be read back."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"address|{address}".encode(), hashlib.sha256).hexdigest()[:6]


def invitation_mark(survey: Survey, invitation: Invitation):
    """When an invitation was started or used; in an anonymous round only that it was (its issue time).

    Exact times on both an invitation and a response would join them again, which anonymity forbids.
    """
    return invitation.created_at if survey.round.anonymous else utcnow()


def resume_token(submission_id: str) -> str:
    """The resume token of a response: an HMAC of its submission id, so a repeated first page gets the same one."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"resume|{submission_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Origin:
    """Where a new response comes from: its device cookie and client address (both stored only hashed)."""

    device_key: str | None = None
    address: str | None = None
    mode: str = "web"


def start_response(
    survey: Survey,
    submission_id: str,
    language: str,
    token: str | None,
    issued_here: bool = False,
    origin: Origin | None = None,
) -> tuple[Response, str]:
    """Create the response (or return the one this submission id already made) and its resume token.

    An existing response's token goes only to the browser that was given its submission id (``issued_here``):
    another browser posting the same id is refused (RespondentError 403 "elsewhere").
    """
    existing = db.session.scalar(select(Response).where(Response.client_submission_id == submission_id))
    resume = resume_token(submission_id)
    if existing is not None:
        if existing.round_id != survey.round.id or existing.group != survey.group.group:
            raise RespondentError(400, "mismatch")
        if not issued_here:
            raise RespondentError(403, "elsewhere")
        return existing, resume
    apply_schedule(survey.round)  # stored with the first answer of a round that opened on schedule
    invitation = check_invitation(survey, token)
    response = Response(
        round_id=survey.round.id,
        group=survey.group.group,
        instrument_id=survey.group.instrument_id,
        language=language,
        status="partial",
        client_submission_id=submission_id,
        resume_token_hash=hash_token(resume),
        current_section=0,
    )
    origin = origin or Origin()
    response.mode = origin.mode
    if origin.device_key:
        response.device_hash = hash_token(origin.device_key)
    if origin.address:
        response.address_tag = address_tag(origin.address)
    if invitation is not None:
        _claim(survey, invitation)
        if not survey.round.anonymous:
            response.invitation_id = invitation.id
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:  # the same first page sent twice at once
        db.session.rollback()
        return start_response(survey, submission_id, language, None, issued_here, origin)
    return response, resume


def _claim(survey: Survey, invitation: Invitation) -> None:
    """Mark the invitation started in one conditional UPDATE, so of several browsers posting the consent at
    once exactly one gets it (the others find it started: RespondentError 403, nothing stored)."""
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.started_at.is_(None),
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(started_at=invitation_mark(survey, invitation))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise RespondentError(403, "token_used")


def find_response(survey: Survey, resume_token: str | None) -> Response | None:
    """The response a resume token belongs to, in this round and group."""
    digest = _resume_hash(resume_token)
    if not digest:
        return None
    return db.session.scalar(
        select(Response).where(
            Response.resume_token_hash == digest,
            Response.round_id == survey.round.id,
            Response.group == survey.group.group,
        )
    )


def stored_answers(response: Response, instrument: InstrumentDef) -> dict[str, Any]:
    """question code → typed value of a response's saved answers."""
    rows = db.session.execute(
        select(Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json).where(
            Answer.response_id == response.id
        )
    ).all()
    return {code: decode(instrument.question(code), num, text, js) for code, num, text, js in rows}


def visible(question: Question, answers: dict[str, Any]) -> bool:
    """Whether a question is asked, given the answers so far."""
    return question.relevant_tree is None or evaluate(question.relevant_tree, answers)


def relevant_answers(instrument: InstrumentDef, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers in questionnaire order with those to questions that are no longer asked dropped."""
    kept: dict[str, Any] = {}
    for section in instrument.sections:
        if section.repeat is not None:  # its entries are one answer under the page's code
            if isinstance(answers.get(section.code), list):
                kept[section.code] = answers[section.code]
            continue
        for question in section.questions:
            if question.code in answers and visible(question, kept):
                kept[question.code] = answers[question.code]
    return kept


def save_answers(
    response: Response,
    instrument: InstrumentDef,
    answers: dict[str, Any],
    section: int,
    stored: dict[str, Any] | None = None,
) -> None:
    """Make the stored answers `answers` (after skip logic) in one transaction, writing only what changed.

    `stored` is what the response holds now (read again when not given): answers that are gone or changed are
    deleted in one statement, new and changed ones inserted in one batched INSERT, so a page save costs the
    page's answers, not the whole questionnaire so far.
    """
    kept = relevant_answers(instrument, answers)
    if stored is None:
        stored = stored_answers(response, instrument)
    stale = [code for code, value in stored.items() if code not in kept or kept[code] != value]
    fresh = [code for code, value in kept.items() if code not in stored or stored[code] != value]
    if stale:
        db.session.execute(
            delete(Answer).where(Answer.response_id == response.id, Answer.question_code.in_(stale)),
            execution_options={"synchronize_session": False},
        )
    if fresh:
        rows = [
            {"response_id": response.id, "question_code": code, **_columns(instrument, code, kept[code])}
            for code in fresh
        ]
        db.session.execute(insert(Answer.__table__), rows)  # one batch (a pipeline on PostgreSQL)
    response.current_section = max(response.current_section, section)
    response.updated_at = utcnow()
    db.session.commit()
    for code in stale:  # a file whose answer is gone (removed, or its question no longer asked)
        question = instrument.question(code)
        if question is not None and question.type in UPLOAD_TYPES and code not in kept:
            attachments.remove(stored[code])


def _columns(instrument: InstrumentDef, code: str, value: Any) -> dict[str, Any]:
    """An answer's columns; a repeated page's entries are a JSON list under the page's code."""
    question = instrument.question(code)
    if question is None:
        return {"value_num": None, "value_text": None, "value_json": value}
    return encode(question, value)


def missing_required(instrument: InstrumentDef, answers: dict[str, Any]) -> int | None:
    """Index of the first section with a required, asked and unanswered question (None: all done)."""
    shown: dict[str, Any] = {}
    for index, section in enumerate(instrument.sections):
        if section.repeat is not None:
            continue  # each entry's required questions are checked on its page
        for question in section.questions:
            if not visible(question, shown):
                continue
            if question.code in answers:
                shown[question.code] = answers[question.code]
            elif question.answerable and form_logic.required(question, shown):
                return index
    return None


def complete_response(survey: Survey, response: Response, invitation_id: int | None) -> None:
    """Mark the response complete (idempotent: a repeated submit changes nothing)."""
    if response.status == "complete":
        return
    updated = db.session.execute(
        Response.__table__.update()
        .where(Response.id == response.id, Response.status == "partial")
        .values(status="complete", submitted_at=utcnow(), current_section=len(survey.instrument.sections))
    )
    if updated.rowcount and invitation_id:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is not None and invitation.round_id == survey.round.id:
            invitation.used_at = invitation_mark(survey, invitation)
    db.session.commit()
    db.session.refresh(response)
