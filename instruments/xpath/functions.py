"""The XPath and ODK functions real XLSForms use, with ODK's meaning. `ARITY` is what the loader checks a
form against; a function not listed here is refused by name when the form is uploaded."""

from __future__ import annotations

import math
import re
from typing import Any

from .values import answer_string, date_number, date_string, number_string, to_boolean, to_number, to_string

MAX_REGEX = 200
ARITY: dict[str, tuple[int, int]] = {
    "true": (0, 0), "false": (0, 0), "not": (1, 1), "boolean": (1, 1), "boolean-from-string": (1, 1),
    "number": (1, 1), "string": (1, 1), "int": (1, 1), "round": (1, 2), "floor": (1, 1), "ceiling": (1, 1),
    "abs": (1, 1), "pow": (2, 2), "sqrt": (1, 1), "exp": (1, 1), "log": (1, 1), "log10": (1, 1),
    "pi": (0, 0), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1), "asin": (1, 1), "acos": (1, 1), "atan": (1, 1),
    "atan2": (2, 2), "min": (1, 99), "max": (1, 99), "sum": (1, 1), "count": (1, 1),
    "selected": (2, 2), "count-selected": (1, 1), "selected-at": (2, 2), "jr:choice-name": (2, 2),
    "string-length": (1, 1), "concat": (1, 99), "join": (2, 99), "contains": (2, 2), "starts-with": (2, 2),
    "ends-with": (2, 2), "substr": (2, 3), "substring-before": (2, 2), "substring-after": (2, 2),
    "translate": (3, 3), "normalize-space": (1, 1), "regex": (2, 2), "if": (3, 3), "coalesce": (2, 2),
    "today": (0, 0), "now": (0, 0), "date": (1, 1), "decimal-date-time": (1, 1), "format-date": (2, 2),
    "once": (1, 1), "position": (0, 1),
}  # fmt: skip
_FORMAT = re.compile(r"%[YymndeHhMSaAbB%]")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def call(name: str, args: list, env, evaluate) -> Any:
    """The value of one function call (arguments evaluated lazily where XPath does: if, coalesce)."""
    if name == "if":
        return evaluate(args[1] if to_boolean(evaluate(args[0], env)) else args[2], env)
    if name == "coalesce":
        first = to_string(evaluate(args[0], env))
        return first if first != "" else to_string(evaluate(args[1], env))
    if name == "jr:choice-name":
        return _choice_name(args, env, evaluate)
    values = [evaluate(a, env) for a in args]
    if name in _PLAIN:
        return _PLAIN[name](*values)
    if name == "today":
        return env.today
    if name == "now":
        return env.now
    raise ValueError(f"unknown function {name!r}")


def _choice_name(args: list, env, evaluate) -> str:
    """The label, in the page's language, of choice `args[0]` of the question named by `args[1]`."""
    code = to_string(evaluate(args[0], env))
    target = args[1]
    name = target[1] if target[0] == "ref" else to_string(evaluate(target, env)).strip()
    if name.startswith("${") and name.endswith("}"):
        name = name[2:-1].strip()
    return env.labels.get(name, {}).get(code, "")


def _round(x: Any, digits: Any = 0.0) -> float:
    """ODK round(): half away from zero, to `digits` decimal places."""
    x, places = to_number(x), to_number(digits)
    if math.isnan(x) or math.isinf(x) or math.isnan(places):
        return x
    scale = 10.0 ** int(places)
    return math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x)


def _int(x: Any) -> float:
    x = to_number(x)
    return x if math.isnan(x) or math.isinf(x) else float(math.trunc(x))


def _safe(func):
    """A math function with JavaScript's answers where Python raises: NaN for a domain error, Infinity for
    an overflow."""

    def wrapped(*args):
        try:
            return func(*args)
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf

    return wrapped


def _pow(x: Any, y: Any) -> float:
    base, power = to_number(x), to_number(y)
    if base == 0 and power < 0:
        return math.inf
    return float(math.pow(base, power))


def _log(x: Any, log=math.log) -> float:
    n = to_number(x)
    return -math.inf if n == 0 else _safe(log)(n)


def _substr(s: Any, start: Any, end: Any = None) -> str:
    """ODK substr(): 0-based start, end exclusive."""
    text = to_string(s)
    a = to_number(start)
    b = len(text) if end is None else to_number(end)
    if math.isnan(a) or math.isnan(b):
        return ""
    return text[max(0, int(a)) : max(0, int(min(b, len(text))))]


def _regex(s: Any, pattern: Any) -> bool:
    pattern = to_string(pattern)
    if len(pattern) > MAX_REGEX:
        return False
    try:
        return re.search(pattern, to_string(s)) is not None
    except re.error:
        return False


def _format_date(value: Any, fmt: Any) -> str:
    days = date_number(to_string(value)) if not isinstance(value, float) else value
    if days is None or math.isnan(days) or math.isinf(days):
        return ""
    day = date_string(days)
    if not day:
        return ""
    y, m, d = (int(p) for p in day.split("-"))
    seconds = math.floor((days - math.floor(days)) * 86400 + 0.5)
    hour, minute, second = seconds // 3600, seconds // 60 % 60, seconds % 60
    weekday = (int(math.floor(days)) + 3) % 7
    parts = {
        "%Y": f"{y:04d}", "%y": f"{y % 100:02d}", "%m": f"{m:02d}", "%n": str(m), "%d": f"{d:02d}",
        "%e": str(d), "%H": f"{hour:02d}", "%h": str(hour), "%M": f"{minute:02d}", "%S": f"{second:02d}",
        "%a": _DAYS[weekday], "%b": _MONTHS[m - 1], "%%": "%",
    }  # fmt: skip
    return _FORMAT.sub(lambda mt: parts.get(mt.group(0), mt.group(0)), to_string(fmt))


def _numbers(values: tuple) -> list[float]:
    """The numbers of min/max/sum arguments; a string holds one or more, separated by spaces."""
    out: list[float] = []
    for value in values:
        if isinstance(value, str):
            out.extend(to_number(part) for part in value.split() or [""])
        else:
            out.append(to_number(value))
    return out


def _extreme(pick):
    def extreme(*values):
        numbers = _numbers(values)
        return math.nan if not numbers or any(math.isnan(n) for n in numbers) else pick(numbers)

    return extreme


def _selected_at(s: Any, index: Any) -> str:
    parts = to_string(s).split()
    i = to_number(index)
    return parts[int(i)] if not math.isnan(i) and 0 <= int(i) < len(parts) else ""


_PLAIN = {
    "true": lambda: True,
    "false": lambda: False,
    "not": lambda x: not to_boolean(x),
    "boolean": to_boolean,
    "boolean-from-string": lambda x: to_string(x).strip() in ("true", "1"),
    "number": to_number,
    "string": to_string,
    "int": _int,
    "round": _round,
    "floor": lambda x: float(math.floor(n)) if math.isfinite(n := to_number(x)) else n,
    "ceiling": lambda x: float(math.ceil(n)) if math.isfinite(n := to_number(x)) else n,
    "abs": lambda x: abs(to_number(x)),
    "pow": _safe(_pow),
    "sqrt": _safe(lambda x: math.sqrt(to_number(x))),
    "exp": _safe(lambda x: math.exp(to_number(x))),
    "log": _log,
    "log10": lambda x: _log(x, math.log10),
    "pi": lambda: math.pi,
    "sin": _safe(lambda x: math.sin(to_number(x))),
    "cos": _safe(lambda x: math.cos(to_number(x))),
    "tan": _safe(lambda x: math.tan(to_number(x))),
    "asin": _safe(lambda x: math.asin(to_number(x))),
    "acos": _safe(lambda x: math.acos(to_number(x))),
    "atan": _safe(lambda x: math.atan(to_number(x))),
    "atan2": _safe(lambda y, x: math.atan2(to_number(y), to_number(x))),
    "min": _extreme(min),
    "max": _extreme(max),
    "sum": lambda x: sum(_numbers((x,)), 0.0) if to_string(x).strip() else 0.0,
    "count": lambda x: 0.0 if to_string(x) == "" else 1.0,
    "selected": lambda s, v: to_string(v).strip() in to_string(s).split(),
    "count-selected": lambda s: float(len(to_string(s).split())),
    "selected-at": _selected_at,
    "string-length": lambda s: float(len(to_string(s))),
    "concat": lambda *xs: "".join(to_string(x) for x in xs),
    "join": lambda sep, *xs: to_string(sep).join(p for x in xs for p in ([to_string(x)] if to_string(x) else [])),
    "contains": lambda a, b: to_string(b) in to_string(a),
    "starts-with": lambda a, b: to_string(a).startswith(to_string(b)),
    "ends-with": lambda a, b: to_string(a).endswith(to_string(b)),
    "substr": _substr,
    "substring-before": lambda a, b: to_string(a).partition(to_string(b))[0] if to_string(b) in to_string(a) else "",
    "substring-after": lambda a, b: to_string(a).partition(to_string(b))[2] if to_string(b) in to_string(a) else "",
    "translate": lambda s, a, b: "".join(
        (to_string(b)[to_string(a).index(c)] if to_string(a).index(c) < len(to_string(b)) else "")
        if c in to_string(a)
        else c
        for c in to_string(s)
    ),
    "normalize-space": lambda s: " ".join(to_string(s).split()),
    "regex": _regex,
    "date": lambda x: date_string(n) if not math.isnan(n := to_number(x)) else "",
    "decimal-date-time": lambda x: to_number(x),
    "format-date": _format_date,
    "once": lambda x: x,
    "position": lambda *x: 1.0,
}
__all__ = ["ARITY", "answer_string", "call", "number_string"]
