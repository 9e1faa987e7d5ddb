"""XPath 1.0 values as XForms hold them: a question's value is a string (a select_multiple's codes joined by
spaces, an unanswered question the empty string); numbers are IEEE doubles printed as JavaScript prints
them, so the server and the browser give the same text for the same number."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

_EPOCH = date(1970, 1, 1)
FIRST_DAY, LAST_DAY = -719162, 2932896  # 0001-01-01 and 9999-12-31, as day numbers
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
_NUMBER = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)\s*$")


def answer_string(value: Any) -> str:
    """A stored answer as the string XForms would hold (None → '')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_string(float(value))
    if isinstance(value, list | tuple):
        return " ".join(answer_string(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(k) for k in value)
    return str(value)


def number_string(x: float) -> str:
    """ECMAScript's Number::toString (the shortest digits that read back as x)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction.rstrip("0")).lstrip("0") if fraction != "0" else whole.lstrip("0")
    point = len(whole) + int(exponent or 0) if whole != "0" else int(exponent or 0) - _leading_zeros(fraction)
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        mark = "+" if n - 1 >= 0 else "-"
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + mark + str(abs(n - 1))
    return sign + text


def _leading_zeros(fraction: str) -> int:
    return len(fraction) - len(fraction.lstrip("0"))


def to_number(value: Any) -> float:
    """XPath number(): a numeric string, a boolean, a date (days since 1970-01-01) or NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    if _NUMBER.match(text):
        return float(text)
    days = date_number(text)
    return days if days is not None else math.nan


def date_number(text: str) -> float | None:
    """Days since 1970-01-01 of an ISO date or date-time (the time as a fraction of a day), or None."""
    match = _DATE.match(text)
    try:
        if match:
            return float((date(*map(int, match.groups())) - _EPOCH).days)
        match = _DATETIME.match(text)
        if match:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
            moment = datetime(y, mo, d, h, mi, s, tzinfo=UTC)
            return (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400
    except ValueError:
        return None
    return None


def to_string(value: Any) -> str:
    """XPath string()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_string(value)
    return str(value)


def to_boolean(value: Any) -> bool:
    """XPath boolean(): a number is true unless 0 or NaN, a string unless empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def date_string(days: float) -> str:
    """The ISO date of a day number (days since 1970-01-01)."""
    if math.isnan(days) or not FIRST_DAY <= days <= LAST_DAY:
        return ""
    return date.fromordinal(_EPOCH.toordinal() + math.floor(days)).isoformat()
