"""Parsers of the field types XLSForms bring: dates and times, a range, a ranking, an acknowledgement, a
barcode typed on a phone, and places (a point, a line, an area) typed as coordinates or filled in by the
browser's location with the respondent's consent. Registered in `questions.PARSERS`."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from instruments.model import Question

from .questions import _one, clean_text, parse_decimal, parser

MAX_POINTS = 500
_POINT_SPLIT = re.compile(r"[\s,;]+")


def rank_field(question: Question, choice: str) -> str:
    """Form field name of one choice's position in a ranking."""
    return f"{question.code}__{choice}"


@parser("date")
def parse_date(question: Question, form: MultiDict):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    try:
        return date.fromisoformat(raw).isoformat(), None
    except ValueError:
        return None, _("Please enter a date, for example 2025-05-31.")


@parser("time")
def parse_time(question: Question, form: MultiDict):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    try:
        return time.fromisoformat(raw).replace(microsecond=0).isoformat(timespec="minutes"), None
    except ValueError:
        return None, _("Please enter a time, for example 14:30.")


@parser("datetime")
def parse_datetime(question: Question, form: MultiDict):
    raw = _one(form, question.code).replace(" ", "T")
    if raw == "":
        return None, None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None, _("Please enter a date and time, for example 2025-05-31 14:30.")
    return moment.replace(tzinfo=None, microsecond=0).isoformat(timespec="minutes"), None


@parser("range")
def parse_range(question: Question, form: MultiDict):
    value, error = parse_decimal(question, form)  # a number within the range's start and end
    if value is None or error:
        return value, error
    step = question.step or 1
    if abs((value - question.min) / step - round((value - question.min) / step)) > 1e-9:
        return None, _("Please choose a value in steps of %(step)s.", step=f"{step:g}")
    return (int(value) if value.is_integer() else value), None


@parser("rank")
def parse_rank(question: Question, form: MultiDict):
    positions: dict[int, str] = {}
    for choice in question.choices:
        raw = _one(form, rank_field(question, choice.code))
        if raw == "":
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(question.choices):
            return None, _("Please give each answer a place from the list.")
        if int(raw) in positions:
            return None, _("Please give each place to one answer only.")
        positions[int(raw)] = choice.code
    if not positions:
        return None, None
    if sorted(positions) != list(range(1, len(positions) + 1)):
        return None, _("Please number the answers from 1 without gaps.")
    return [positions[n] for n in sorted(positions)], None


@parser("acknowledge")
def parse_acknowledge(question: Question, form: MultiDict):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    if raw != "OK":
        return None, _("Please tick the box or leave it empty.")
    return "OK", None


@parser("barcode")
def parse_barcode(question: Question, form: MultiDict):
    raw = clean_text(_one(form, question.code)).replace("\n", " ")
    if raw == "":
        return None, None
    if len(raw) > 255:
        return None, _("Please shorten your answer to %(n)s characters (now %(m)s).", n=255, m=len(raw))
    return raw, None


def _points(text: str) -> list[tuple[float, ...]] | None:
    """Points written one per line (or separated by ';'), each `latitude longitude [altitude accuracy]`."""
    points = []
    for line in re.split(r"[;\n]+", text.strip()):
        if not line.strip():
            continue
        parts = [p for p in _POINT_SPLIT.split(line.strip()) if p]
        if not 2 <= len(parts) <= 4:
            return None
        try:
            numbers = tuple(float(p) for p in parts)
        except ValueError:
            return None
        if not all(math.isfinite(n) for n in numbers) or not -90 <= numbers[0] <= 90 or not -180 <= numbers[1] <= 180:
            return None
        points.append(numbers + (0.0,) * (4 - len(numbers)))
    return points


def _odk(points: list[tuple[float, ...]]) -> str:
    """Points as ODK writes them: `lat lon altitude accuracy`, joined by `;`."""
    return ";".join(" ".join(f"{n:g}" for n in point) for point in points)


def _place(question: Question, form: MultiDict, least: int, kind_error: str):
    raw = _one(form, question.code)
    if raw == "":
        return None, None
    points = _points(raw)
    if points is None or len(points) > MAX_POINTS:
        return None, _("Please write latitude and longitude as numbers, for example 43.60 73.76.")
    if len(points) < least:
        return None, kind_error
    return _odk(points if least == 1 else points), None


@parser("geopoint")
def parse_geopoint(question: Question, form: MultiDict):
    value, error = _place(question, form, 1, "")
    if value is not None and ";" in value:
        return None, _("Please give one place only.")
    return value, error


@parser("geotrace")
def parse_geotrace(question: Question, form: MultiDict):
    return _place(question, form, 2, _("A line needs at least two points, one per line."))


@parser("geoshape")
def parse_geoshape(question: Question, form: MultiDict):
    return _place(question, form, 3, _("An area needs at least three points, one per line."))
