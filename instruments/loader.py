"""Load and validate instrument definitions; every problem is reported at once.

>>> instrument = load_instrument_file("instruments/definitions/residents.yaml")  # doctest: +SKIP
>>> instrument.group
'residents'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import checking, relevance
from .checking import Checker, DefinitionError, Problem
from .domain import GROUPS
from .model import (
    CONSTRUCTS,
    QUESTION_TYPES,
    SCORED_TYPES,
    Instrument,
    from_definition,
)

HERE = Path(__file__).resolve().parent
DEFINITIONS_DIR = HERE / "definitions"
SCALES_FILE = HERE / "scales.yaml"
MAX_FILE_BYTES = 1024 * 1024
MAX_QUESTIONS = 500
MAX_CHOICES = 200
MAX_TEXT = 2000
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")

COMMON_KEYS = {"code", "type", "label", "help", "required", "relevant", "construct", "reverse"}
TYPE_KEYS = {
    "likert": {"scale", "area"},
    "single": {"choices"},
    "multiple": {"choices", "max_choices"},
    "yesno": {"dont_know"},
    "integer": {"min", "max"},
    "decimal": {"min", "max"},
    "text": {"max_length"},
    "ties": {"choices", "ego", "max_choices"},
}


class InstrumentError(DefinitionError):
    """A questionnaire definition with problems; `problems` lists every one of them."""


def read_yaml(text: str, source: str) -> Any:
    """Parse a definition's YAML text safely (InstrumentError naming the line of a syntax error)."""
    return checking.read_yaml(text, source, MAX_FILE_BYTES, error=InstrumentError)


@lru_cache(maxsize=1)
def load_scales() -> dict[str, list[dict]]:
    """The shared labelled Likert scales of scales.yaml."""
    data = read_yaml(SCALES_FILE.read_text(encoding="utf-8"), SCALES_FILE.name)
    if not isinstance(data, dict):
        raise InstrumentError([Problem(SCALES_FILE.name, None, "must be a mapping of scale names")])
    return data


class _Checker(Checker):
    def __init__(self, source: str, scales: dict):
        super().__init__(source)
        self.scales = scales

    def texts(self, value: Any, where: str | None, what: str, required: bool = True) -> dict | None:
        if isinstance(value, str):
            self.problem(where, f"{what} must give kk, ru and en texts, not one string")
            return None
        return super().texts(value, where, what, required=required, max_length=MAX_TEXT)

    def number(self, value: Any, where: str, what: str) -> float | int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"{what} must be a number")
            return None
        return value

    def instrument(self, data: Any) -> dict | None:
        if not isinstance(data, dict):
            self.problem(None, "the file must be a mapping with code, group, version, title and sections")
            return None
        out: dict[str, Any] = {}
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.problem(None, "code must be lower-case letters, digits and _ (at most 40)")
        out["code"] = code
        group = data.get("group")
        if group not in GROUPS:
            self.problem(None, f"group must be one of {', '.join(GROUPS)}")
        out["group"] = group
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(None, "version must be a whole number of at least 1")
        out["version"] = version
        out["title"] = self.texts(data.get("title"), None, "title")
        out["intro"] = self.texts(data.get("intro"), None, "intro")
        for extra in set(data) - {"code", "group", "version", "title", "intro", "sections"}:
            self.problem(None, f"unknown key {extra!r}")
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.problem(None, "sections must be a non-empty list")
            return out
        seen: dict[str, dict] = {}
        out["sections"] = []
        total = 0
        section_codes: set[str] = set()
        for index, section in enumerate(sections, start=1):
            where = f"section {index}"
            if not isinstance(section, dict):
                self.problem(where, "must be a mapping with code, title and questions")
                continue
            scode = section.get("code")
            if not isinstance(scode, str) or not CODE_RE.match(scode):
                self.problem(where, "section code must be lower-case letters, digits and _")
            elif scode in section_codes:
                self.problem(where, f"section code {scode!r} is used twice")
            section_codes.add(scode)
            title = self.texts(section.get("title"), f"section {scode or index}", "section title")
            questions = section.get("questions")
            if not isinstance(questions, list) or not questions:
                self.problem(f"section {scode or index}", "questions must be a non-empty list")
                questions = []
            normalised = []
            for qindex, question in enumerate(questions, start=1):
                total += 1
                q = self.question(question, f"section {scode or index}, question {qindex}", seen)
                if q is not None:
                    normalised.append(q)
            out["sections"].append({"code": scode, "title": title, "questions": normalised})
        if total > MAX_QUESTIONS:
            self.problem(None, f"at most {MAX_QUESTIONS} questions are allowed")
        return out

    def choices(self, value: Any, where: str, with_sector: bool = False) -> list[dict]:
        if not isinstance(value, list) or not value:
            self.problem(where, "choices must be a non-empty list")
            return []
        if len(value) > MAX_CHOICES:
            self.problem(where, f"at most {MAX_CHOICES} choices are allowed")
        out, codes = [], set()
        for index, choice in enumerate(value, start=1):
            if not isinstance(choice, dict):
                self.problem(where, f"choice {index} must be a mapping with code and label")
                continue
            code = choice.get("code")
            if isinstance(code, int) and not isinstance(code, bool):
                code = str(code)
            if not isinstance(code, str) or not CHOICE_RE.match(code):
                self.problem(where, f"choice {index} has an invalid code {code!r}")
                continue
            if code in codes:
                self.problem(where, f"choice code {code!r} is used twice")
            codes.add(code)
            label = self.texts(choice.get("label"), where, f"label of choice {code!r}")
            item = {"code": code, "label": label}
            if with_sector:
                sector = choice.get("sector")
                if sector not in GROUPS:
                    self.problem(where, f"choice {code!r} needs a sector, one of {', '.join(GROUPS)}")
                item["sector"] = sector
            extra = set(choice) - {"code", "label", "sector"}
            if extra:
                self.problem(where, f"choice {code!r} has unknown keys {sorted(extra)}")
            out.append(item)
        return out

    def question(self, data: Any, where: str, seen: dict[str, dict]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(where, "must be a mapping with code, type and label")
            return None
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.problem(
                where,
                f"question code {code!r} must be lower-case letters, digits and _ (at most 40, starting with a letter)",
            )
            return None
        where = code
        if code in seen:
            self.problem(where, "question code is used twice")
        qtype = data.get("type")
        if qtype not in QUESTION_TYPES:
            self.problem(where, f"unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}")
            seen[code] = {"code": code, "type": None}
            return None
        q: dict[str, Any] = {"code": code, "type": qtype}
        q["label"] = self.texts(data.get("label"), where, "label")
        if data.get("help") is not None:
            q["help"] = self.texts(data.get("help"), where, "help")
        for flag in ("required", "reverse"):
            if flag in data and not isinstance(data[flag], bool):
                self.problem(where, f"{flag} must be true or false")
        q["required"] = data.get("required") is True
        allowed = COMMON_KEYS | TYPE_KEYS[qtype]
        for extra in sorted(set(data) - allowed):
            self.problem(where, f"unknown key {extra!r} for a {qtype} question")

        self.scoring(data, where, qtype, q)
        self.type_parts(data, where, qtype, q, seen)
        relevant = data.get("relevant")
        if relevant is not None and relevant != "":
            self.condition(relevant, where, seen)
            q["relevant"] = relevant.strip() if isinstance(relevant, str) else relevant
        seen[code] = q
        return q

    def scoring(self, data: dict, where: str, qtype: str, q: dict) -> None:
        """The construct an item feeds and whether it is reverse-worded."""
        construct = data.get("construct")
        if construct is not None:
            if construct not in CONSTRUCTS:
                self.problem(where, f"unknown construct {construct!r}")
            elif qtype not in SCORED_TYPES:
                self.problem(where, "only likert and yesno questions can feed a construct")
            q["construct"] = construct
        if data.get("reverse") is True:
            if construct is None:
                self.problem(where, "reverse applies only to an item that feeds a construct")
            q["reverse"] = True

    def type_parts(self, data: dict, where: str, qtype: str, q: dict, seen: dict[str, dict]) -> None:
        """What a question of its type needs: a scale, choices, bounds, a length, an ego question."""
        if qtype == "likert":
            scale = data.get("scale")
            if scale not in self.scales or scale == "frequency_ties":
                names = ", ".join(k for k in self.scales if k != "frequency_ties")
                self.problem(where, f"unknown scale {scale!r}; use one of {names}")
            else:
                q["scale"] = scale
                q["choices"] = [
                    {"code": str(p["value"]), "value": p["value"], "label": p["label"]} for p in self.scales[scale]
                ]
        elif qtype in {"single", "multiple"}:
            q["choices"] = self.choices(data.get("choices"), where)
        elif qtype == "ties":
            q["choices"] = self.choices(data.get("choices"), where, with_sector=True)
        if qtype in {"multiple", "ties"} and data.get("max_choices") is not None:
            mc = data["max_choices"]
            if isinstance(mc, bool) or not isinstance(mc, int) or mc < 1:
                self.problem(where, "max_choices must be a whole number of at least 1")
            else:
                q["max_choices"] = mc
        if qtype == "likert" and data.get("area") is not None:
            self.area(data["area"], where, q)
        if qtype == "yesno":
            if "dont_know" in data and not isinstance(data["dont_know"], bool):
                self.problem(where, "dont_know must be true or false")
            q["dont_know"] = data.get("dont_know") is True
        if qtype in {"integer", "decimal"}:
            low = self.number(data.get("min"), where, "min")
            high = self.number(data.get("max"), where, "max")
            if low is not None and high is not None:
                if low >= high:
                    self.problem(where, "min must be less than max")
                if qtype == "integer" and (low != int(low) or high != int(high)):
                    self.problem(where, "an integer question needs whole-number bounds")
                q["min"], q["max"] = low, high
        if qtype == "text":
            limit = data.get("max_length", 500)
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TEXT:
                self.problem(where, f"max_length must be a whole number from 1 to {MAX_TEXT}")
            else:
                q["max_length"] = limit
        if qtype == "ties" and data.get("ego") is not None:
            self.ego(data, where, q, seen)

    def area(self, value: Any, where: str, q: dict) -> None:
        """The area of public life (reference standard, methodology §6.1) whose digital services the item rates."""
        from .refstd import load_refstd_framework

        codes = load_refstd_framework().area_codes
        if value not in codes:
            self.problem(
                where, f"area {value!r} is not an area of the reference standard; use one of {', '.join(codes)}"
            )
        elif q.get("construct"):
            self.problem(where, "an area rating feeds the opinion side of the rating, not a construct")
        else:
            q["area"] = value

    def ego(self, data: dict, where: str, q: dict, seen: dict[str, dict]) -> None:
        """The earlier single-choice question whose answer is the respondent's own organisation."""
        ego = data["ego"]
        target = seen.get(ego)
        if target is None:
            self.problem(where, f"ego refers to {ego!r}, which is not an earlier question")
        elif target.get("type") != "single":
            self.problem(where, f"ego {ego!r} must be a single-choice question")
        else:
            actors = {c["code"] for c in q.get("choices", [])}
            unknown = {c["code"] for c in target.get("choices", [])} - actors
            if unknown:
                self.problem(where, f"ego {ego!r} offers choices that are not actors: {', '.join(sorted(unknown))}")
        q["ego"] = ego

    def condition(self, text: Any, where: str, seen: dict[str, dict]) -> None:
        try:
            tree = relevance.parse(text)
        except relevance.ConditionError as exc:
            self.problem(where, f"relevant: {exc}")
            return
        for name in sorted(relevance.names(tree)):
            if name not in seen:
                self.problem(where, f"relevant refers to {name!r}, which is not an earlier question")
        for name, value in relevance.literals(tree):
            target = seen.get(name)
            if not target or target.get("type") not in {"single", "multiple", "yesno", "ties"}:
                continue
            if target["type"] == "yesno":
                codes = {"yes", "no", "dont_know"}
            else:
                codes = {c["code"] for c in target.get("choices", [])}
            if str(value) not in codes:
                self.problem(where, f"relevant compares {name!r} with {value!r}, which it does not offer")


def validate_definition(data: Any, source: str) -> dict:
    """Validate a parsed definition and return its normalised form, or raise InstrumentError."""
    checker = _Checker(source, load_scales())
    normalised = checker.instrument(data)
    if checker.problems:
        raise InstrumentError(checker.problems)
    return normalised


def parse_instrument(data: Any, source: str) -> Instrument:
    """Validate a parsed definition (YAML or XLSForm) and build the Instrument."""
    return from_definition(validate_definition(data, source))


def load_instrument_text(text: str, source: str) -> Instrument:
    """Load an instrument from YAML text."""
    return parse_instrument(read_yaml(text, source), source)


def load_instrument_file(path: str | Path) -> Instrument:
    """Load a YAML definition file (for XLSForm use `instruments.xlsform`)."""
    text = checking.read_text_file(path, MAX_FILE_BYTES, error=InstrumentError)
    return load_instrument_text(text, Path(path).name)


@lru_cache(maxsize=1)
def builtin_instruments() -> dict[str, Instrument]:
    """The built-in instruments, keyed by stakeholder group."""
    result = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        instrument = load_instrument_file(path)
        result[instrument.group] = instrument
    return result
