"""Reading one questionnaire page's POST: its answers, its errors, and the follow-ups it opened."""

from __future__ import annotations

from flask import request

from . import form_logic as logic
from . import services as svc
from .questions import parse_answer


def read_page(current, answers: dict, lenient: bool, instrument=None) -> tuple[dict, dict[str, str]]:
    """The answers with this page's replaced by what was posted, and the errors: none for a missing answer
    when `lenient` (going back or switching language keeps what is there without insisting), nor for a
    follow-up the page did not show (it is asked next, see ``follow_ups``)."""
    merged = {k: v for k, v in answers.items() if k not in {q.code for q in current.questions}}
    shown = shown_questions(current)
    errors: dict[str, str] = {}
    for question in current.questions:
        if not svc.visible(question, merged):
            continue
        if not question.answerable:
            merged.update(logic.worked_out(instrument, [question], merged))
            continue
        value, error = parse_answer(question, request.form)
        if value is not None and not error:
            error = logic.answer_error(question, value, merged, instrument)
        if error and not lenient:
            errors[question.code] = error
        elif value is not None and not error:
            merged[question.code] = value
        elif not lenient and question.code in shown and logic.required(question, merged):
            errors[question.code] = logic.required_message(question)
    return merged, errors


def shown_questions(current) -> set[str]:
    """The questions the browser showed: ``asked`` is the server's first rendering, or the script's when it
    runs; a client that does not say is taken to have shown them all."""
    if "asked" not in request.form:
        return {q.code for q in current.questions}
    return set(request.form["asked"].split())


def follow_ups(current, merged: dict) -> list[str]:
    """Questions of this page that this page's answers opened and that the page did not show."""
    shown = shown_questions(current)
    return [
        q.code for q in current.questions if q.code not in shown and q.code not in merged and svc.visible(q, merged)
    ]


def next_page(instrument, answers: dict, number: int, forward: bool = True) -> int | None:
    """The section after (or before) section `number` that asks at least one question given the answers, so
    that a page whose questions all do not apply is never shown; None past the last (the review) or before
    the first (the consent page)."""
    kept = svc.relevant_answers(instrument, answers)
    sections = instrument.sections
    candidates = range(number + 1, len(sections) + 1) if forward else range(number - 1, 0, -1)
    for candidate in candidates:
        if any(svc.visible(q, kept) for q in sections[candidate - 1].questions):
            return candidate
    return None
