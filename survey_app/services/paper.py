"""Paper and interviewer questionnaires: the numbered items of a printed questionnaire, and a paper response
typed in by a coordinator with the same checks as the web questionnaire (stored complete, with its mode and
the number printed on the paper, exactly once per number)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from instruments.domain import LANGUAGES
from instruments.model import Instrument as InstrumentDef
from instruments.model import Question
from instruments.relevance import literals, names

from ..auth import hash_token
from ..extensions import db
from ..i18n import localized
from ..i18n import translate as _
from ..models import Answer, Response, SurveyRound
from ..models._base import utcnow
from ..public.questions import parse_answer
from ..public.services import relevant_answers, visible
from . import audit
from .answers import encode
from .errors import ServiceError
from .instruments import instrument_definition

#: How a response typed in by a coordinator was collected (the web questionnaire is "web").
ENTRY_MODES = ("paper", "interviewer")
MAX_PAPER_NUMBER = 999_999
MAX_COPIES = 50


@dataclass(frozen=True)
class PaperItem:
    """One printed question: its number on the paper and, for a follow-up, when to answer it."""

    number: int
    question: Question
    condition: str | None = None


def paper_sections(instrument: InstrumentDef, lang: str) -> list[tuple[Any, list[PaperItem]]]:
    """The sections with their questions numbered 1..n across the questionnaire, each follow-up saying which
    earlier question decides it."""
    numbers: dict[str, int] = {}
    out = []
    for section in instrument.sections:
        items = []
        for question in section.questions:
            if question.type in ("calculate", "hidden"):
                continue  # worked out when the answers are typed in
            numbers[question.code] = len(numbers) + 1
            items.append(
                PaperItem(numbers[question.code], question, condition_text(instrument, question, numbers, lang))
            )
        out.append((section, items))
    return out


def condition_text(instrument: InstrumentDef, question: Question, numbers: dict[str, int], lang: str) -> str | None:
    """ "Answer only if…" in words a respondent follows on paper, naming the deciding question by its number."""
    if question.relevant_tree is None:
        return None
    asked = sorted(numbers[name] for name in names(question.relevant_tree) if name in numbers)
    if not asked:
        return _("Answer only if it applies to you.")
    pairs = [(name, value) for name, value in literals(question.relevant_tree) if name in numbers]
    if len(asked) == 1 and len(pairs) == 1:
        name, value = pairs[0]
        source = instrument.question(name)
        answer = _answer_label(source, value, lang)
        if answer:
            return _("Answer only if you answered “%(answer)s” to question %(n)s.", answer=answer, n=numbers[name])
    return _("Answer only if it applies to you (see question %(n)s).", n=", ".join(str(n) for n in asked))


def _answer_label(question: Question | None, value: Any, lang: str) -> str:
    if question is None:
        return ""
    if question.type == "yesno":
        return {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}.get(str(value), "")
    choice = question.choice(str(value))
    return localized(choice.label, lang) if choice else ""


def digit_boxes(question: Question) -> int:
    """How many boxes to print for a number: enough for the largest allowed value (and a sign, a decimal)."""
    largest = max(abs(question.min or 0), abs(question.max or 0), 9)
    width = len(str(int(largest)))
    if question.type == "decimal":
        width += 3
    if (question.min or 0) < 0:
        width += 1
    return min(width, 12)


# ---------------------------------------------------------------------------------------------------------------
# Typing a paper response in


class EntryProblems(ServiceError):
    """The typed-in answers do not pass the questionnaire's checks: question code → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Check the answers marked below: nothing was saved."))
        self.errors = errors


def entry_survey(round_: SurveyRound, group: str):
    """The round's group and its questionnaire, if paper answers may be typed in for it now."""
    if round_.status not in ("open", "closed"):
        raise ServiceError(_("Paper answers can be typed in while the round is open or closed, not in a draft."))
    round_group = round_.group(group)
    if round_group is None:
        raise ServiceError(_("This round has no such group."))
    return round_group, instrument_definition(round_group.instrument)


def read_entry(instrument: InstrumentDef, form: MultiDict) -> tuple[dict[str, Any], dict[str, str]]:
    """Every question's answer from one long form, in questionnaire order, with the web questionnaire's
    checks: a question whose condition is not met is not asked, a required one that is asked needs an answer."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in instrument.questions:
        if not visible(question, answers):
            continue
        value, error = parse_answer(question, form)
        if error:
            errors[question.code] = error
        elif value is not None:
            answers[question.code] = value
        elif question.required:
            errors[question.code] = _("This question needs an answer.")
    return answers, errors


def parse_number(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAPER_NUMBER:
        raise ServiceError(_("The questionnaire number must be a whole number from 1 to %(n)s.", n=MAX_PAPER_NUMBER))
    return int(text)


def enter_response(round_: SurveyRound, group: str, form: MultiDict, user) -> Response:
    """Store one paper or interviewer response typed in from `form` (complete, audited), or refuse it whole."""
    round_group, instrument = entry_survey(round_, group)
    mode = form.get("mode", "")
    if mode not in ENTRY_MODES:
        raise ServiceError(_("Choose how the answers were collected: on paper or by an interviewer."))
    language = form.get("language", "")
    if language not in LANGUAGES:
        raise ServiceError(_("Choose the language of the questionnaire that was filled in."))
    number = parse_number(form.get("paper_number"))
    if _number_taken(round_, group, number):
        raise ServiceError(_("Questionnaire No. %(n)s of this group has already been typed in.", n=number))
    answers, errors = read_entry(instrument, form)
    if errors:
        raise EntryProblems(errors)
    now = utcnow()
    response = Response(
        round_id=round_.id,
        group=group,
        instrument_id=round_group.instrument_id,
        language=language,
        status="complete",
        client_submission_id=f"entry-{round_.id}-{group}-{number}",
        resume_token_hash=hash_token(secrets.token_urlsafe(24)),  # nobody resumes a typed-in response
        current_section=len(instrument.sections),
        started_at=now,
        submitted_at=now,
        mode=mode,
        paper_number=number,
    )
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same number typed in at the same moment elsewhere
        raise ServiceError(_("Questionnaire No. %(n)s of this group has already been typed in.", n=number)) from exc
    kept = relevant_answers(instrument, answers)
    if kept:
        db.session.execute(
            insert(Answer),
            [
                {"response_id": response.id, "question_code": code, **encode(instrument.question(code), value)}
                for code, value in kept.items()
            ],
        )
    audit.record(
        "response.enter",
        user=user,
        obj=response,
        city_id=round_.city_id,
        details={"round": round_.slug, "group": group, "mode": mode, "paper_number": number, "answers": len(kept)},
    )
    return response


def _number_taken(round_: SurveyRound, group: str, number: int) -> bool:
    return (
        db.session.scalar(
            select(Response.id).where(
                Response.round_id == round_.id, Response.group == group, Response.paper_number == number
            )
        )
        is not None
    )


def entered_numbers(round_: SurveyRound, group: str) -> list[int]:
    """The questionnaire numbers already typed in for a group, in order."""
    return list(
        db.session.scalars(
            select(Response.paper_number)
            .where(Response.round_id == round_.id, Response.group == group, Response.paper_number.is_not(None))
            .order_by(Response.paper_number)
        )
    )
