"""What an XLSForm question adds to a page: constraints, conditional requirements, choice filters,
defaults and worked-out values (calculate, hidden, read-only), all with XPath's meaning (instruments/xpath),
the same trees the browser evaluates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import g
from flask_babel import gettext as _

from instruments import xpath
from instruments.model import Instrument, Question

from ..i18n import current_language, localized


def env(instrument: Instrument | None, answers: dict[str, Any], current: Any = None, columns=None) -> xpath.Env:
    """What an expression sees: the answers, `.`, a choice's columns, choice labels in the page's language."""
    labels = _choice_labels(instrument) if instrument is not None else {}
    now = datetime.now(UTC)
    return xpath.Env(
        answers, current=current, columns=columns or {}, labels=labels, today=date.today().isoformat(),
        now=now.replace(microsecond=0).isoformat(),
    )  # fmt: skip


def _choice_labels(instrument: Instrument) -> dict[str, dict[str, str]]:
    """{question: {choice: label}} in the page's language, for jr:choice-name: built once per request."""
    key = (id(instrument), current_language())  # the parsed instrument is one object per process
    cached = g.get("_scri_choice_labels")
    if cached is None or cached[0] != key:
        labels = {q.code: {c.code: localized(c.label) for c in q.choices} for q in instrument.questions if q.choices}
        g._scri_choice_labels = cached = (key, labels)
    return cached[1]


def required(question: Question, answers: dict[str, Any]) -> bool:
    """Whether the question must be answered, given the answers so far (`required` may be an expression)."""
    if question.required:
        return True
    return question.required_tree is not None and xpath.truth(question.required_tree, env(None, answers))


def required_message(question: Question) -> str:
    return localized(question.required_message) if question.required_message else _("This question needs an answer.")


def answer_error(question: Question, value: Any, answers: dict[str, Any], instrument: Instrument | None) -> str | None:
    """The message for an answer its constraint or choice filter refuses (None: the answer stands)."""
    if question.filter_tree is not None and question.type in ("single", "multiple", "rank"):
        allowed = {c.code for c in offered_choices(question, answers)}
        chosen = value if isinstance(value, list) else [value]
        if any(code not in allowed for code in chosen):
            return _("Please choose one of the offered answers.")
    if question.constraint_tree is not None:
        if not xpath.truth(question.constraint_tree, env(instrument, answers, current=value)):
            if question.constraint_message:
                return localized(question.constraint_message)
            return _("This answer is not accepted here. Please check it.")
    return None


def offered_choices(question: Question, answers: dict[str, Any]) -> list:
    """The choices a choice_filter lets through, given the answers so far (all of them without a filter)."""
    if question.filter_tree is None:
        return list(question.choices)
    return [
        c for c in question.choices if xpath.truth(question.filter_tree, env(None, answers, columns=c.columns or {}))
    ]


def worked_out(instrument: Instrument, questions, answers: dict[str, Any]) -> dict[str, Any]:
    """The values of the calculate, hidden and read-only questions among `questions`, in order (a later
    calculation sees an earlier one); a value that comes out empty is left out."""
    values: dict[str, Any] = {}
    seen = dict(answers)
    for question in questions:
        if question.answerable:
            continue
        value = None
        if question.calculation_tree is not None:
            value = xpath.to_string(
                xpath.evaluate(question.calculation_tree, env(instrument, seen, seen.get(question.code)))
            )
        elif question.default not in (None, ""):
            value = default_value(question, seen, instrument)
        if value not in (None, "", "NaN"):
            values[question.code] = value
            seen[question.code] = value
    return values


_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*\}")


def with_answers(text: str, answers: dict[str, Any], instrument: Instrument | None) -> str:
    """A label with each `${name}` replaced by that answer as the respondent reads it (empty when unanswered),
    as ODK shows a label's references."""
    from .questions import answer_text

    def value(match: re.Match) -> str:
        code = match.group(1)
        question = instrument.question(code) if instrument is not None else None
        answer = answers.get(code)
        if question is None:
            return xpath.answer_string(answer)
        return answer_text(question, answer, localized)

    return _REFERENCE.sub(value, text)


def default_value(question: Question, answers: dict[str, Any], instrument: Instrument | None = None) -> str | None:
    """A question's `default`: a literal, or an expression when it reads like one (`today()`, `${a}`)."""
    text = question.default
    if text in (None, ""):
        return None
    if "(" in text or "${" in text:
        try:
            return xpath.to_string(xpath.evaluate(xpath.parse(text), env(instrument, answers)))
        except (xpath.ExpressionError, ValueError):
            return text
    return text
