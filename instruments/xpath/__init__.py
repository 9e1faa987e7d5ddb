"""XLSForm expressions (relevant, constraint, calculation, choice_filter): the ODK XPath subset, parsed by our
own parser and evaluated with XPath's meaning here and, from the same JSON tree, in the browser."""

from .evaluate import Env, equals, evaluate, truth
from .functions import ARITY
from .parser import ExpressionError, compared_literals, parse, refs, walk
from .values import answer_string, to_boolean, to_number, to_string

__all__ = [
    "ARITY",
    "Env",
    "ExpressionError",
    "answer_string",
    "check",
    "compared_literals",
    "equals",
    "evaluate",
    "parse",
    "refs",
    "to_boolean",
    "to_number",
    "to_string",
    "truth",
    "walk",
]


def check(text: str, *, columns: bool = False, current: bool = True) -> list:
    """Parse an expression and check its functions and their arguments (ExpressionError says what is wrong);
    `columns`: bare names are choice columns (a choice_filter); `current`: `.` is allowed."""
    tree = parse(text)
    for node in walk(tree):
        if node[0] == "fn":
            name, args = node[1], node[2]
            if name not in ARITY:
                raise ExpressionError(f"the function {name}() is not supported")
            low, high = ARITY[name]
            if not low <= len(args) <= high:
                wanted = str(low) if low == high else f"{low} to {high}"
                raise ExpressionError(f"{name}() takes {wanted} arguments, not {len(args)}")
        elif node[0] == "col" and not columns:
            raise ExpressionError(f"{node[1]!r} is not a question; write ${{{node[1]}}}")
        elif node[0] == "self" and not current:
            raise ExpressionError("'.' (this question's value) is allowed only in a constraint")
    return tree
