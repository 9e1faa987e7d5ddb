"""Evaluating a parsed XLSForm expression with XPath 1.0's meaning, as ODK Collect and Enketo do.

An unanswered question is the empty string, so ``${a} != 'yes'`` holds when `a` is unanswered and
``${t} = ''`` holds for an empty text. ``=`` compares as numbers when either side is a number, as booleans
when either is a boolean, else as strings; ``<`` and the other orderings compare numbers (a date counts as
its days since 1970-01-01, as in ODK). The browser's `xpath.js` is the same evaluator, line for line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import functions
from .values import answer_string, to_boolean, to_number, to_string


@dataclass
class Env:
    """What an expression can see: the answers, the value being checked (`.`), a choice's columns (in a
    choice_filter), choice labels (for jr:choice-name) and today's date."""

    answers: Mapping[str, Any]
    current: Any = None
    columns: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    today: str = ""
    now: str = ""


def evaluate(tree: list, env: Env) -> Any:
    """The value of an expression: a float, a str or a bool."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "str":
        return tree[1]
    if kind == "ref":
        return answer_string(env.answers.get(tree[1]))
    if kind == "self":
        return answer_string(env.current)
    if kind == "col":
        return answer_string(env.columns.get(tree[1]))
    if kind == "neg":
        return -to_number(evaluate(tree[1], env))
    if kind == "op":
        return _operator(tree[1], tree[2], tree[3], env)
    if kind == "fn":
        return functions.call(tree[1], tree[2], env, evaluate)
    raise ValueError(f"unknown node {kind!r}")


def truth(tree: list, env: Env) -> bool:
    """Whether a condition (relevant, constraint, choice_filter) holds."""
    return to_boolean(evaluate(tree, env))


def _operator(op: str, left: list, right: list, env: Env) -> Any:
    if op == "or":
        return truth(left, env) or truth(right, env)
    if op == "and":
        return truth(left, env) and truth(right, env)
    a, b = evaluate(left, env), evaluate(right, env)
    if op in ("=", "!="):
        return equals(a, b) == (op == "=")
    if op in ("<", "<=", ">", ">="):
        x, y = to_number(a), to_number(b)
        return _ORDER[op](x, y)
    return _arithmetic(op, to_number(a), to_number(b))


def equals(a: Any, b: Any) -> bool:
    """XPath `=` between two values."""
    if isinstance(a, bool) or isinstance(b, bool):
        return to_boolean(a) == to_boolean(b)
    if isinstance(a, float) or isinstance(b, float):
        return to_number(a) == to_number(b)
    return to_string(a) == to_string(b)


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def _arithmetic(op: str, x: float, y: float) -> float:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x) * math.copysign(1, y)
        return x / y
    if op == "mod":
        if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
            return math.nan
        return math.fmod(x, y)
    raise ValueError(f"unknown operator {op!r}")
