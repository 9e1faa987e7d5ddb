"""The in-memory shape of a validated instrument (built from its normalised definition dict)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

QUESTION_TYPES = ("likert", "single", "multiple", "yesno", "integer", "decimal", "text", "ties")
SCORED_TYPES = ("likert", "yesno")
TIE_FREQUENCIES = ("rarely", "monthly", "weekly")
ENGAGEMENT_CONSTRUCTS = ("public_engagement", "trust", "intersectoral_coordination", "mobilisation")
GOVERNANCE_CONSTRUCTS = ("admin_capacity", "funding_consistency", "legal_clarity", "digital_governance")
PERCEPTION_CONSTRUCTS = ("digital_access", "ppp_readiness", "environment_quality")
CONSTRUCTS = ENGAGEMENT_CONSTRUCTS + GOVERNANCE_CONSTRUCTS + PERCEPTION_CONSTRUCTS

Texts = dict[str, str]


@dataclass(frozen=True)
class Choice:
    code: str
    label: Texts
    value: int | None = None  # likert scale points
    sector: str | None = None  # ties actors


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    label: Texts
    help: Texts | None = None
    required: bool = False
    relevant: str | None = None
    relevant_tree: list | None = None
    construct: str | None = None
    reverse: bool = False
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    dont_know: bool = False
    max_choices: int | None = None
    ego: str | None = None
    scale: str | None = None
    area: str | None = None  # a reference-standard area whose digital services a likert item rates (§6.1)

    @property
    def scale_points(self) -> int:
        """Number of points of a scored item (2 for yes/no)."""
        return len(self.choices) if self.type == "likert" else 2

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: Texts
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    group: str
    version: int
    title: Texts
    intro: Texts
    sections: tuple[Section, ...]
    definition: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question in questionnaire order (computed once: an instrument never changes)."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def _by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    def question(self, code: str) -> Question | None:
        return self._by_code.get(code)

    @property
    def content_hash(self) -> str:
        return content_hash(self.definition)


def content_hash(definition: dict) -> str:
    """sha256 of the canonical JSON of a normalised definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _choice(data: dict) -> Choice:
    return Choice(code=data["code"], label=data["label"], value=data.get("value"), sector=data.get("sector"))


def from_definition(definition: dict) -> Instrument:
    """Build the Instrument view of a normalised (already validated) definition dict."""
    from .relevance import parse

    sections = []
    for s in definition["sections"]:
        questions = []
        for q in s["questions"]:
            questions.append(
                Question(
                    code=q["code"],
                    type=q["type"],
                    label=q["label"],
                    help=q.get("help"),
                    required=q.get("required", False),
                    relevant=q.get("relevant"),
                    relevant_tree=parse(q["relevant"]) if q.get("relevant") else None,
                    construct=q.get("construct"),
                    reverse=q.get("reverse", False),
                    choices=tuple(_choice(c) for c in q.get("choices", ())),
                    min=q.get("min"),
                    max=q.get("max"),
                    max_length=q.get("max_length"),
                    dont_know=q.get("dont_know", False),
                    max_choices=q.get("max_choices"),
                    ego=q.get("ego"),
                    scale=q.get("scale"),
                    area=q.get("area"),
                )
            )
        sections.append(Section(code=s["code"], title=s["title"], questions=tuple(questions)))
    return Instrument(
        code=definition["code"],
        group=definition["group"],
        version=definition["version"],
        title=definition["title"],
        intro=definition["intro"],
        sections=tuple(sections),
        definition=definition,
    )
