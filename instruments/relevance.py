"""Skip-logic conditions: a small parser and evaluator of our own (never `eval`).

Grammar::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | atom
    atom       := "(" expr ")" | "answered" "(" NAME ")"
                | NAME OP literal | NAME "in" "(" literal ("," literal)* ")" | NAME "contains" literal
    OP         := "==" | "!=" | "<" | "<=" | ">" | ">="
    literal    := 'text' | "text" | number

The parsed form is plain JSON-able lists, so the browser script evaluates the same tree:
``["or", a, b]``, ``["and", a, b]``, ``["not", a]``, ``["cmp", op, name, value]``,
``["in", name, [values]]``, ``["contains", name, value]``, ``["answered", name]``.

>>> tree = parse("age >= 18 and services contains 'egov'")
>>> evaluate(tree, {"age": 30, "services": ["egov", "post"]})
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from . import xpath

MAX_LENGTH = 1000
MAX_DEPTH = 30

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>)
      | (?P<punct>[(),])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "contains", "answered"}


class ConditionError(ValueError):
    """A condition that cannot be parsed."""


def _tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"condition is longer than {MAX_LENGTH} characters")
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(f"unexpected character {text[pos:].lstrip()[:1]!r} at position {pos + 1}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "name" and value in KEYWORDS:
            kind = "kw"
        tokens.append((kind, value))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            expected = value or kind
            found = token[1] if token else "end of condition"
            raise ConditionError(f"expected {expected!r} but found {found!r}")
        self.pos += 1
        return token[1]

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind and (value is None or token[1] == value)

    def parse(self) -> list:
        if not self.tokens:
            raise ConditionError("condition is empty")
        tree = self.expr()
        if self.peek() is not None:
            raise ConditionError(f"unexpected {self.peek()[1]!r} after a complete condition")
        return tree

    def expr(self) -> list:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError("condition is nested too deeply")
        tree = self.and_expr()
        while self.at("kw", "or"):
            self.pos += 1
            tree = ["or", tree, self.and_expr()]
        self.depth -= 1
        return tree

    def and_expr(self) -> list:
        tree = self.not_expr()
        while self.at("kw", "and"):
            self.pos += 1
            tree = ["and", tree, self.not_expr()]
        return tree

    def not_expr(self) -> list:
        if self.at("kw", "not"):
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ConditionError("condition is nested too deeply")
            inner = self.not_expr()
            self.depth -= 1
            return ["not", inner]
        return self.atom()

    def literal(self) -> str | float | int:
        token = self.peek()
        if token is None:
            raise ConditionError("expected a value but the condition ended")
        kind, value = token
        self.pos += 1
        if kind == "string":
            return value[1:-1]
        if kind == "number":
            return float(value) if "." in value else int(value)
        raise ConditionError(f"expected a quoted value or a number but found {value!r}")

    def atom(self) -> list:
        if self.at("punct", "("):
            self.pos += 1
            tree = self.expr()
            self.take("punct", ")")
            return tree
        if self.at("kw", "answered"):
            self.pos += 1
            self.take("punct", "(")
            name = self.take("name")
            self.take("punct", ")")
            return ["answered", name]
        name = self.take("name")
        if self.at("op"):
            op = self.take("op")
            return ["cmp", op, name, self.literal()]
        if self.at("kw", "in"):
            self.pos += 1
            self.take("punct", "(")
            values = [self.literal()]
            while self.at("punct", ","):
                self.pos += 1
                values.append(self.literal())
            self.take("punct", ")")
            return ["in", name, values]
        if self.at("kw", "contains"):
            self.pos += 1
            return ["contains", name, self.literal()]
        token = self.peek()
        found = token[1] if token else "end of condition"
        raise ConditionError(f"expected a comparison after {name!r} but found {found!r}")


def parse(text: str) -> list:
    """Parse a condition into its JSON-able tree, or raise ConditionError with the reason."""
    if not isinstance(text, str):
        raise ConditionError("condition must be text")
    return _Parser(_tokenize(text)).parse()


def names(tree: list) -> set[str]:
    """The question codes a parsed condition refers to."""
    kind = tree[0]
    if kind == "x":
        return xpath.refs(tree[1])
    if kind in {"or", "and"}:
        return names(tree[1]) | names(tree[2])
    if kind == "not":
        return names(tree[1])
    if kind == "cmp":
        return {tree[2]}
    return {tree[1]}


def literals(tree: list) -> list[tuple[str, Any]]:
    """(question code, compared value) pairs, to check choice codes exist."""
    kind = tree[0]
    if kind == "x":
        return xpath.compared_literals(tree[1])
    if kind in {"or", "and"}:
        return literals(tree[1]) + literals(tree[2])
    if kind == "not":
        return literals(tree[1])
    if kind == "cmp":
        return [(tree[2], tree[3])]
    if kind == "in":
        return [(tree[1], v) for v in tree[2]]
    if kind == "contains":
        return [(tree[1], tree[2])]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool:
    if _is_number(right):
        if isinstance(left, str):
            try:
                left = float(left)
            except ValueError:
                return False
        if not _is_number(left):
            return False
    elif not isinstance(left, str):
        left = str(left) if _is_number(left) else None
        if left is None:
            return False
        if left.endswith(".0"):
            left = left[:-2]
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if not _is_number(right):
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def evaluate(tree: list, answers: Mapping[str, Any]) -> bool:
    """Evaluate a parsed condition; comparisons with an unanswered question are false (in an XLSForm's XPath,
    a ``["x", tree]``, an unanswered question is the empty string, as in ODK)."""
    kind = tree[0]
    if kind == "x":
        return xpath.truth(tree[1], xpath.Env(answers, today=date.today().isoformat()))
    if kind == "or":
        return evaluate(tree[1], answers) or evaluate(tree[2], answers)
    if kind == "and":
        return evaluate(tree[1], answers) and evaluate(tree[2], answers)
    if kind == "not":
        return not evaluate(tree[1], answers)
    if kind == "answered":
        return _present(answers.get(tree[1]))
    value = answers.get(tree[1] if kind != "cmp" else tree[2])
    if not _present(value):
        return False
    if kind == "cmp":
        op, right = tree[1], tree[3]
        if isinstance(value, list | dict):
            return False
        return _compare(op, value, right)
    if kind == "in":
        return not isinstance(value, list | dict) and any(_compare("==", value, v) for v in tree[2])
    if kind == "contains":
        if isinstance(value, dict):
            return str(tree[2]) in value
        if isinstance(value, list):
            return str(tree[2]) in [str(v) for v in value]
        return False
    raise ConditionError(f"unknown node {kind!r}")
