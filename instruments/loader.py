"""Load and validate instrument definitions; every problem is reported at once.

>>> instrument = load_instrument_file("instruments/definitions/residents.yaml")  # doctest: +SKIP
>>> instrument.group
'residents'
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import checking, relevance
from .checking import Checker, DefinitionError, Problem
from .domain import GROUPS
from .model import (
    COMPUTED_TYPES,
    CONSTRUCTS,
    QUESTION_TYPES,
    SCORED_TYPES,
    Instrument,
    from_definition,
)
from .question_checks import MAX_TEXT, XML_NAME, ExpressionChecks, TypeChecks

HERE = Path(__file__).resolve().parent
DEFINITIONS_DIR = HERE / "definitions"
SCALES_FILE = HERE / "scales.yaml"
MAX_FILE_BYTES = 1024 * 1024
MAX_QUESTIONS = 2000
MAX_CHOICES = 200
MAX_FILE_CHOICES = 2000  # an XLSForm's list may come from a file (communities, schools)
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")
XLSFORM_CHOICE_RE = re.compile(r"^[^\x00-\x1f]{1,100}$")
LANGUAGE_KEY = re.compile(r"^[a-z][a-z0-9_\-]{0,23}$")

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
    "note": set(),
    "calculate": set(),
    "hidden": set(),
    "date": set(),
    "time": set(),
    "datetime": set(),
    "range": {"min", "max", "step"},
    "rank": {"choices"},
    "acknowledge": set(),
    "barcode": set(),
    "geopoint": set(),
    "geotrace": set(),
    "geoshape": set(),
    "image": {"max_pixels"},
    "audio": set(),
    "video": set(),
    "file": set(),
}
#: What only an XLSForm question carries (its expressions are XPath).
XLSFORM_KEYS = {"guidance", "required_if", "required_message", "constraint", "constraint_message", "calculation",
                "choice_filter", "default", "read_only", "appearance"}  # fmt: skip
XLSFORM_SETTINGS = {"form_id", "version", "languages", "default_language", "metadata"}


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


class _Checker(TypeChecks, ExpressionChecks, Checker):
    def __init__(self, source: str, scales: dict):
        super().__init__(source)
        self.scales = scales
        self.xlsform = False
        self.names: set[str] = set()
        self.warnings: list[str] = []

    def texts(self, value: Any, where: str | None, what: str, required: bool = True) -> dict | None:
        if isinstance(value, str):
            self.problem(where, f"{what} must give kk, ru and en texts, not one string")
            return None
        if self.xlsform:
            return self.form_texts(value, where, what, required)
        return super().texts(value, where, what, required=required, max_length=MAX_TEXT)

    def form_texts(self, value: Any, where: str | None, what: str, required: bool) -> dict | None:
        """An XLSForm's texts: any of its languages, at least one (the reader warned of missing ones)."""
        if (
            value is None
            or not isinstance(value, dict)
            or not any(isinstance(v, str) and v.strip() for v in value.values())
        ):
            if required or value is not None:
                self.problem(where, f"{what} is missing")
            return None
        out = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANGUAGE_KEY.match(lang) or not isinstance(text, str):
                self.problem(where, f"{what} has an unreadable language {str(lang)[:24]!r}")
            elif len(text) > MAX_TEXT:
                self.problem(where, f"{what} in {lang!r} is longer than {MAX_TEXT} characters")
            elif text.strip():
                out[lang] = text.strip()
        return out

    def form_settings(self, value: Any) -> dict | None:
        if not isinstance(value, dict) or set(value) - XLSFORM_SETTINGS or not isinstance(value.get("form_id"), str):
            self.problem(None, "xlsform must be a mapping of form_id, version, languages and default_language")
            return None
        return {k: value[k] for k in sorted(value)}

    def code_ok(self, code: Any) -> bool:
        pattern = XML_NAME if self.xlsform else CODE_RE
        return isinstance(code, str) and bool(pattern.match(code))

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
        self.xlsform = "xlsform" in data
        if self.xlsform:
            out["xlsform"] = self.form_settings(data["xlsform"])
            self.names = _question_names(data)
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
        for extra in set(data) - {"code", "group", "version", "title", "intro", "sections", "xlsform"}:
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
            if not self.code_ok(scode):
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
            entry = {"code": scode, "title": title, "questions": normalised}
            if self.xlsform and section.get("repeat") is not None:
                entry["repeat"] = self.repeat(section["repeat"], f"section {scode or index}")
            out["sections"].append(entry)
        if total > MAX_QUESTIONS:
            self.problem(None, f"at most {MAX_QUESTIONS} questions are allowed")
        return out

    def choices(self, value: Any, where: str, with_sector: bool = False) -> list[dict]:
        if not isinstance(value, list) or not value:
            self.problem(where, "choices must be a non-empty list")
            return []
        if len(value) > (MAX_FILE_CHOICES if self.xlsform else MAX_CHOICES):
            self.problem(where, f"at most {MAX_CHOICES} choices are allowed")
        out, codes = [], set()
        for index, choice in enumerate(value, start=1):
            if not isinstance(choice, dict):
                self.problem(where, f"choice {index} must be a mapping with code and label")
                continue
            code = choice.get("code")
            if isinstance(code, int) and not isinstance(code, bool):
                code = str(code)
            if not isinstance(code, str) or not (XLSFORM_CHOICE_RE if self.xlsform else CHOICE_RE).match(code):
                self.problem(where, f"choice {index} has an invalid code {code!r}")
                continue
            if code in codes and self.xlsform:
                self.warnings.append(f"{where}: the choice {code!r} appears twice in its list")
            elif code in codes:
                self.problem(where, f"choice code {code!r} is used twice")
            codes.add(code)
            label = self.texts(choice.get("label"), where, f"label of choice {code!r}")
            item = {"code": code, "label": label}
            if with_sector:
                sector = choice.get("sector")
                if sector not in GROUPS:
                    self.problem(where, f"choice {code!r} needs a sector, one of {', '.join(GROUPS)}")
                item["sector"] = sector
            if self.xlsform and isinstance(choice.get("columns"), dict):
                item["columns"] = {str(k): str(v) for k, v in choice["columns"].items()}
            extra = set(choice) - {"code", "label", "sector"} - ({"columns"} if self.xlsform else set())
            if extra:
                self.problem(where, f"choice {code!r} has unknown keys {sorted(extra)}")
            out.append(item)
        return out

    def question(self, data: Any, where: str, seen: dict[str, dict]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(where, "must be a mapping with code, type and label")
            return None
        code = data.get("code")
        if not self.code_ok(code):
            rule = (
                "letters, digits, _, - and . (at most 64, starting with a letter or _)"
                if self.xlsform
                else "lower-case letters, digits and _ (at most 40, starting with a letter)"
            )
            self.problem(where, f"question code {str(code)[:80]!r} must be {rule}")
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
        if qtype not in COMPUTED_TYPES or data.get("label") is not None:
            q["label"] = self.texts(data.get("label"), where, "label")
        if data.get("help") is not None:
            q["help"] = self.texts(data.get("help"), where, "help")
        for flag in ("required", "reverse"):
            if flag in data and not isinstance(data[flag], bool):
                self.problem(where, f"{flag} must be true or false")
        q["required"] = data.get("required") is True
        allowed = COMMON_KEYS | TYPE_KEYS[qtype] | (XLSFORM_KEYS if self.xlsform else set())
        for extra in sorted(set(data) - allowed):
            self.problem(where, f"unknown key {extra!r} for a {qtype} question")

        self.scoring(data, where, qtype, q)
        self.type_parts(data, where, qtype, q, seen)
        if self.xlsform:
            self.xlsform_parts(data, where, qtype, q, self.names)
        else:
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


def _question_names(data: dict) -> set[str]:
    """Every question code of a definition (an XLSForm expression may name any question of the form)."""
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    return {
        q["code"]
        for s in sections
        if isinstance(s, dict) and isinstance(s.get("questions"), list)
        for q in s["questions"]
        if isinstance(q, dict) and isinstance(q.get("code"), str)
    }


def _checked(data: Any, source: str) -> tuple[dict, list[str]]:
    checker = _Checker(source, load_scales())
    normalised = checker.instrument(data)
    if checker.problems:
        raise InstrumentError(checker.problems)
    return normalised, checker.warnings


def validate_definition(data: Any, source: str) -> dict:
    """Validate a parsed definition and return its normalised form, or raise InstrumentError."""
    return _checked(data, source)[0]


def parse_instrument(data: Any, source: str) -> Instrument:
    """Validate a parsed definition (YAML or XLSForm) and build the Instrument (with the checks' warnings)."""
    normalised, warnings = _checked(data, source)
    instrument = from_definition(normalised)
    return dataclasses.replace(instrument, warnings=tuple(warnings)) if warnings else instrument


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
