"""The question-type registry: how each type reads its form fields into a typed value or an error.

Every parser takes the question and the submitted form (a MultiDict) and returns ``(value, error)``:
``value`` is None when nothing was answered; ``error`` is a translated message or None.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from instruments.model import TIE_FREQUENCIES, UPLOAD_TYPES, Question

from ..i18n import localized

Parser = Callable[[Question, MultiDict], tuple[Any, str | None]]
PARSERS: dict[str, Parser] = {}
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")
_DECIMAL = re.compile(r"^[+-]?(\d{1,15}([.,]\d{0,10})?|[.,]\d{1,10})$")


def parser(kind: str) -> Callable[[Parser], Parser]:
    def register(func: Parser) -> Parser:
        PARSERS[kind] = func
        return func

    return register


def tie_field(question: Question, actor: str) -> str:
    """Form field name of one actor of a ties question."""
    return f"{question.code}__{actor}"


def field_names(question: Question) -> set[str]:
    """Every form field name a question may submit."""
    if question.type in ("ties", "rank"):
        return {tie_field(question, c.code) for c in question.choices}
    if question.type in UPLOAD_TYPES:
        return {question.code, f"{question.code}__remove"}
    if not question.answerable:
        return set()
    return {question.code}


def _one(form: MultiDict, name: str) -> str:
    values = form.getlist(name)
    if len(values) > 1:
        raise ValueError(_("Please give only one answer."))
    return values[0].strip() if values else ""


def _bounds(question: Question) -> str:
    if question.constraint_message:  # the bounds came from the form's constraint: its own words
        return localized(question.constraint_message)
    if question.min is None or question.max is None:
        return _("This answer is not accepted here. Please check it.")
    return _("Please enter a number from %(low)s to %(high)s.", low=_fmt(question.min), high=_fmt(question.max))


def _within(question: Question, value: float) -> bool:
    """Within the question's bounds (an XLSForm number may have neither, or only one)."""
    if question.min is not None and value < question.min:
        return False
    return question.max is None or value <= question.max


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


@parser("likert")
@parser("single")
def parse_choice(question: Question, form: MultiDict):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    if question.choice(raw) is None:
        return None, _("Please choose one of the offered answers.")
    return (int(raw) if question.type == "likert" else raw), None


@parser("multiple")
def parse_multiple(question: Question, form: MultiDict):
    raw = [v.strip() for v in form.getlist(question.code) if v.strip()]
    if not raw:
        return None, None
    codes = [c.code for c in question.choices]
    if any(v not in codes for v in raw) or len(set(raw)) != len(raw):
        return None, _("Please choose only among the offered answers.")
    if question.max_choices and len(raw) > question.max_choices:
        return None, _("Please choose at most %(n)s answers.", n=question.max_choices)
    return [c for c in codes if c in raw], None


@parser("yesno")
def parse_yesno(question: Question, form: MultiDict):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    allowed = {"yes", "no"} | ({"dont_know"} if question.dont_know else set())
    if raw not in allowed:
        return None, _("Please choose one of the offered answers.")
    return raw, None


@parser("integer")
def parse_integer(question: Question, form: MultiDict):
    raw = _one(form, question.code).replace(" ", "").replace("\u00a0", "")
    if raw == "":
        return None, None
    if not _INTEGER.match(raw):
        return None, _("Please enter a whole number.")
    value = int(raw)
    if not _within(question, value):
        return None, _bounds(question)
    return value, None


@parser("decimal")
def parse_decimal(question: Question, form: MultiDict):
    raw = _one(form, question.code).replace(" ", "").replace("\u00a0", "")
    if raw == "":
        return None, None
    if not _DECIMAL.match(raw):
        return None, _("Please enter a number, for example 12.5.")
    value = float(raw.replace(",", "."))
    if not math.isfinite(value) or not _within(question, value):
        return None, _bounds(question)
    return value, None


def clean_text(text: str) -> str:
    """Normalise a free-text answer: NFC, no control characters except line breaks, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


@parser("text")
def parse_text(question: Question, form: MultiDict):
    raw = clean_text(_one(form, question.code))
    if raw == "":
        return None, None
    limit = question.max_length or 500
    if len(raw) > limit:
        return None, _("Please shorten your answer to %(n)s characters (now %(m)s).", n=limit, m=len(raw))
    return raw, None


@parser("ties")
def parse_ties(question: Question, form: MultiDict):
    chosen = {}
    for choice in question.choices:
        raw = _one(form, tie_field(question, choice.code))
        if raw == "":
            continue
        if raw not in TIE_FREQUENCIES:
            return None, _("Please choose how often for each organisation from the list.")
        chosen[choice.code] = raw
    if not chosen:
        return None, None
    if question.max_choices and len(chosen) > question.max_choices:
        return None, _("Please choose at most %(n)s organisations.", n=question.max_choices)
    return chosen, None


def parse_answer(question: Question, form: MultiDict) -> tuple[Any, str | None]:
    """The typed value of one question from a form, or a message saying what is wrong."""
    try:
        return PARSERS[question.type](question, form)
    except ValueError as exc:
        return None, str(exc)


def form_value(question: Question, value: Any) -> dict[str, Any]:
    """What to pre-fill in the form for a stored value: field name → list of strings."""
    if value is None:
        return {}
    if question.type in UPLOAD_TYPES:
        return {}  # a file chooser cannot be filled in; the page says what is stored
    if question.type == "ties":
        return {tie_field(question, actor): [freq] for actor, freq in value.items()}
    if question.type == "rank":
        return {tie_field(question, code): [str(n)] for n, code in enumerate(value, start=1)}
    if question.type == "multiple":
        return {question.code: list(value)}
    if question.type in ("decimal", "range"):
        return {question.code: [_fmt(value)]}
    if question.type in ("geotrace", "geoshape"):
        return {question.code: [str(value).replace(";", "\n")]}
    return {question.code: [str(value)]}


def tie_frequency_labels() -> dict[str, str]:
    """How often, in the respondent's language (the same words the ties question offers)."""
    return {"rarely": _("Once or twice a year"), "monthly": _("About monthly"), "weekly": _("Weekly or more often")}


def answer_text(question: Question, value: Any, localized: Callable[[Any], str]) -> str:
    """A stored answer as the respondent would read it back on the review page."""
    if value is None:
        return ""
    if question.type in ("likert", "single"):
        choice = question.choice(str(value))
        return localized(choice.label) if choice else str(value)
    if question.type == "multiple":
        return "; ".join(localized(c.label) for c in question.choices if c.code in value)
    if question.type == "yesno":
        return {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}.get(value, str(value))
    if question.type == "ties":
        often = tie_frequency_labels()
        return "; ".join(
            f"{localized(c.label)}: {often.get(value[c.code], '')}" for c in question.choices if c.code in value
        )
    if question.type in ("decimal", "range"):
        return _fmt(value)
    if question.type == "rank":
        labels = {c.code: localized(c.label) for c in question.choices}
        return "; ".join(f"{n}. {labels.get(code, code)}" for n, code in enumerate(value, start=1))
    if question.type == "acknowledge":
        return _("Yes")
    if question.type in UPLOAD_TYPES and isinstance(value, dict):
        return _("File attached (%(size)s KB)", size=max(1, round(value.get("size", 0) / 1024)))
    return str(value)


@parser("note")
@parser("calculate")
@parser("hidden")
@parser("image")
@parser("audio")
@parser("video")
@parser("file")
def parse_nothing(question: Question, form: MultiDict):
    """A note has no answer; a calculate or hidden value is worked out, never posted; a file comes with
    the request's files (page_answers reads it)."""
    return None, None


from . import question_types  # noqa: E402,F401  (registers the XLSForm field types)
