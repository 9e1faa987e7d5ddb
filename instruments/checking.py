"""The one way a definition file is checked: questionnaires, XLSForms, the SCRI and reference-standard
frameworks and the recommendation rules all report problems through :class:`Checker`.

Every problem names the file, the place inside it (a question, an indicator, a rule, a sheet row) and the
reason, and prints as ``file: place: reason``; a loader collects every problem of a file before it refuses
it, so a coordinator fixes them all in one go.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .domain import LANGUAGES

__all__ = ["Checker", "DefinitionError", "Problem", "read_text_file", "read_yaml"]

_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One problem of a definition file: the file, where inside it (None: the file as a whole), the reason."""

    source: str
    where: str | None
    reason: str

    def __str__(self) -> str:
        place = f"{self.source}: {self.where}" if self.where else self.source
        return f"{place}: {self.reason}"


class DefinitionError(ValueError):
    """A definition file with problems; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Checker:
    """Collects the problems of one file; the loaders subclass it with the checks of their parts."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, where: str | None, reason: str) -> None:
        self.problems.append(Problem(self.source, where, reason))

    def texts(
        self,
        value: Any,
        where: str | None,
        what: str = "label",
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> dict[str, str] | None:
        """A {kk, ru, en} mapping of non-empty texts (stripped); each missing language is one problem."""
        if value is None and not required:
            return None
        if value is None:
            self.problem(where, f"{what} is missing: give it in kk, ru and en")
            return None
        if not isinstance(value, Mapping):
            self.problem(where, f"{what} must give kk, ru and en texts, not {type(value).__name__} {value!r:.40}")
            return None
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(where, f"missing translation: {what} in '{lang}'")
            elif max_length is not None and len(text) > max_length:
                self.problem(where, f"{what} in '{lang}' is longer than {max_length} characters")
            else:
                out[lang] = text.strip()
        for extra in sorted(set(map(str, value)) - set(LANGUAGES)):
            self.problem(where, f"{what} has an unknown language {extra!r} (use kk, ru, en)")
        return out

    def number(self, value: Any, where: str | None, what: str, *, positive: bool = False) -> float | None:
        """A finite number (a bool is not one); with `positive`, greater than 0."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem(where, f"{what} must be a number, not {value!r:.40}")
            return None
        if positive and value <= 0:
            self.problem(where, f"{what} must be greater than 0, not {value:g}")
            return None
        return value

    def unknown_keys(self, data: Mapping, allowed: Iterable[str], where: str | None) -> None:
        for extra in sorted(set(map(str, data)) - set(allowed)):
            self.problem(where, f"unknown key {extra!r}")

    def raise_problems(self, error: type[DefinitionError] = DefinitionError) -> None:
        """Raise `error` with every problem found, if there is any."""
        if self.problems:
            raise error(self.problems)


# --------------------------------------------------------------------------------------------- reading files


def _has_alias(data: Any) -> bool:
    """Whether one container appears twice (an anchor and alias, the way YAML bombs grow)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                return True
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return False


def read_yaml(text: str, source: str, max_bytes: int, error: type[DefinitionError] = DefinitionError) -> Any:
    """Parse YAML text with the safe loader; `error` (the loader's own DefinitionError) for a file too large,
    a syntax error (with its line) or aliases (``*name``)."""
    if len(text.encode("utf-8")) > max_bytes:
        raise error([Problem(source, None, f"file is larger than {max_bytes // 1024} KB")])
    try:
        data = yaml.load(text, Loader=_FastSafeLoader)  # noqa: S506 (the safe loader, in C when available)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error([Problem(source, None, f"not valid YAML{where}: {reason}")]) from None
    if _has_alias(data):
        raise error([Problem(source, None, "aliases (*name) are not allowed in definition files")])
    return data


def read_text_file(path: str | Path, max_bytes: int, error: type[DefinitionError] = DefinitionError) -> str:
    """A definition file's UTF-8 text; `error` when it is missing, too large, unreadable or not text."""
    path = Path(path)
    if not path.is_file():
        raise error([Problem(str(path), None, "no such file")])
    if path.stat().st_size > max_bytes:
        raise error([Problem(path.name, None, f"file is larger than {max_bytes // 1024} KB")])
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error([Problem(path.name, None, "not a UTF-8 text file")]) from None
    except OSError as exc:
        raise error([Problem(path.name, None, f"cannot be read ({exc.strerror or type(exc).__name__})")]) from None
