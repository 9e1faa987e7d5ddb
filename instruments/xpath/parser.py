"""The ODK XPath subset of XLSForm expressions, parsed by our own recursive-descent parser (never `eval`).

Precedence, loosest first, as in XPath 1.0: ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>`` ``>=``; ``+``
``-``; ``*`` ``div`` ``mod``; unary ``-``; then a literal, a number, ``${name}``, ``.`` (the value being
checked), a function call, a bare name (a column of the choices sheet, in a ``choice_filter``) or a
parenthesised expression.

The tree is plain JSON, so the browser evaluates the very tree the server parsed:
A path (``/data/group/q``, ``../q``, as older forms write) names its last step, like ``${q}``.

``["num", 1.5]``, ``["str", "x"]``, ``["ref", "q"]``, ``["self"]``, ``["col", "name"]``, ``["neg", a]``,
``["op", "and", a, b]``, ``["fn", "selected", [a, b]]``.
"""

from __future__ import annotations

import re

MAX_LENGTH = 4000
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<ref>\$\{\s*[A-Za-z_][\w.\-]*\s*\})
      | (?P<path>(?:\.\./|\./|/)+[A-Za-z_][\w.\-]*(?:/[A-Za-z_][\w.\-]*)*|[A-Za-z_][\w.\-]*(?:/[A-Za-z_][\w.\-]*)+)
      | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\||\(|\)|,)
      | (?P<name>[A-Za-z_][\w.\-]*(?:::?[A-Za-z_][\w.\-]*)?)
      | (?P<dot>\.\.|\.)
    )""",
    re.VERBOSE,
)
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
BINARY = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))
WORD_OPERATORS = {"or", "and", "div", "mod"}


class ExpressionError(ValueError):
    """An expression that cannot be parsed; the message says where and why."""


def tokenize(text: str) -> list[tuple[str, str]]:
    """The tokens of an expression; curly quotes (as spreadsheets type them) count as straight ones."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    text = text.translate(_CURLY).rstrip()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            rest = text[pos:].lstrip()
            raise ExpressionError(f"unexpected character {rest[:1]!r} at position {len(text) - len(rest) + 1}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "name" and value in WORD_OPERATORS and _operator_expected(tokens):
            kind = "op"
        tokens.append((kind, value))
        pos = match.end()
    return tokens


def _operator_expected(tokens: list[tuple[str, str]]) -> bool:
    """XPath's rule: `and`, `or`, `div`, `mod` are operators after an operand (else they are names)."""
    if not tokens:
        return False
    kind, value = tokens[-1]
    return kind in ("number", "string", "ref", "path", "dot", "name") or value == ")"


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at_op(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "op" and token[1] in values

    def expect(self, value: str) -> None:
        if not self.at_op(value):
            token = self.peek()
            raise ExpressionError(f"expected {value!r} but found {token[1] if token else 'the end'!r}")
        self.pos += 1

    def parse(self) -> list:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        tree = self.binary(0)
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r} after a complete expression")
        return tree

    def binary(self, level: int) -> list:
        if level == len(BINARY):
            return self.unary()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("the expression is nested too deeply")
        tree = self.binary(level + 1)
        while self.at_op(*BINARY[level]):
            op = self.tokens[self.pos][1]
            self.pos += 1
            tree = ["op", op, tree, self.binary(level + 1)]
        self.depth -= 1
        return tree

    def unary(self) -> list:
        if self.at_op("-"):
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("the expression is nested too deeply")
            inner = self.unary()
            self.depth -= 1
            return ["neg", inner]
        return self.primary()

    def primary(self) -> list:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends where a value was expected")
        kind, value = token
        self.pos += 1
        if kind == "number":
            return ["num", float(value)]
        if kind == "string":
            return ["str", value[1:-1]]
        if kind == "ref":
            return ["ref", value[2:-1].strip()]
        if kind == "path":
            return ["ref", value.rstrip("/").rsplit("/", 1)[-1]]
        if kind == "dot":
            if value == "..":
                raise ExpressionError("'..' (the parent) is not supported; use ${name}")
            return ["self"]
        if kind == "name":
            if self.at_op("("):
                return self.call(value)
            return ["col", value]
        if value == "(":
            tree = self.binary(0)
            self.expect(")")
            return tree
        raise ExpressionError(f"expected a value but found {value!r}")

    def call(self, name: str) -> list:
        self.expect("(")
        args: list = []
        if not self.at_op(")"):
            args.append(self.binary(0))
            while self.at_op(","):
                self.pos += 1
                args.append(self.binary(0))
        self.expect(")")
        return ["fn", name, args]


def parse(text: str) -> list:
    """Parse an XLSForm expression into its JSON tree, or raise ExpressionError with the reason."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    return _Parser(tokenize(text)).parse()


def walk(tree: list):
    """Every node of a tree, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if node[0] == "op":
            stack.extend((node[3], node[2]))
        elif node[0] == "neg":
            stack.append(node[1])
        elif node[0] == "fn":
            stack.extend(reversed(node[2]))


def refs(tree: list) -> set[str]:
    """The question names (``${name}``) an expression reads."""
    return {node[1] for node in walk(tree) if node[0] == "ref"}


def compared_literals(tree: list) -> list[tuple[str, str]]:
    """(name, text) of ``${name} = 'text'`` and ``selected(${name}, 'text')``, to check the choice exists."""
    found = []
    for node in walk(tree):
        if node[0] == "op" and node[1] in ("=", "!="):
            pair = (node[2], node[3]) if node[2][0] == "ref" else (node[3], node[2])
            if pair[0][0] == "ref" and pair[1][0] == "str":
                found.append((pair[0][1], pair[1][1]))
        elif node[0] == "fn" and node[1] == "selected" and len(node[2]) == 2:
            target, value = node[2]
            if target[0] == "ref" and value[0] == "str":
                found.append((target[1], value[1]))
    return found
