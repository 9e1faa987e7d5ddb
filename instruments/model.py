"""The in-memory shape of a validated instrument (built from its normalised definition dict)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

QUESTION_TYPES = (
    "likert", "single", "multiple", "yesno", "integer", "decimal", "text", "ties",
    "note", "calculate", "hidden", "date", "time", "datetime", "range", "rank", "acknowledge", "barcode",
    "geopoint", "geotrace", "geoshape", "image", "audio", "video", "file",
)  # fmt: skip
#: Types answered by attaching a file (kept outside the database, beside the response).
UPLOAD_TYPES = ("image", "audio", "video", "file")
#: Types with no answer of the respondent's: a note is read, a calculate or hidden value is worked out.
NOTE_TYPES = ("note",)
COMPUTED_TYPES = ("calculate", "hidden")
CHOICE_TYPES = ("likert", "single", "multiple", "ties", "rank")
SCORED_TYPES = ("likert", "yesno")
TIE_FREQUENCIES = ("rarely", "monthly", "weekly")
ENGAGEMENT_CONSTRUCTS = ("public_engagement", "trust", "intersectoral_coordination", "mobilisation")
GOVERNANCE_CONSTRUCTS = ("admin_capacity", "funding_consistency", "legal_clarity", "digital_governance")
PERCEPTION_CONSTRUCTS = ("digital_access", "ppp_readiness", "environment_quality")
CONSTRUCTS = ENGAGEMENT_CONSTRUCTS + GOVERNANCE_CONSTRUCTS + PERCEPTION_CONSTRUCTS

Texts = dict[str, str]


def text_in(texts: Texts | None, lang: str) -> str:
    """A text in `lang`, else in Russian, English or the first language it has (what a respondent was shown)."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get("ru") or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    code: str
    label: Texts
    value: int | None = None  # likert scale points
    sector: str | None = None  # ties actors
    columns: dict[str, str] | None = None  # choices-sheet columns a choice_filter reads


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
    # XLSForm: expressions in XPath (their parsed trees beside them), texts in the form's languages
    guidance: Texts | None = None
    required_if: str | None = None
    required_tree: list | None = None
    required_message: Texts | None = None
    constraint: str | None = None
    constraint_tree: list | None = None
    constraint_message: Texts | None = None
    calculation: str | None = None
    calculation_tree: list | None = None
    choice_filter: str | None = None
    filter_tree: list | None = None
    default: str | None = None
    read_only: bool = False
    appearance: str | None = None
    step: float | None = None
    max_pixels: int | None = None  # an image: the longest side it is stored at

    @property
    def answerable(self) -> bool:
        """Whether the respondent gives this question an answer (not a note, not a worked-out value)."""
        return self.type not in NOTE_TYPES and self.type not in COMPUTED_TYPES and not self.read_only

    @property
    def stored(self) -> bool:
        """Whether the question has a value to store and export (everything but a note)."""
        return self.type not in NOTE_TYPES

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
    repeat: dict | None = None  # a repeated page: {count?, titles?, max?} (XLSForm begin_repeat)
    count_tree: list | None = None

    @property
    def most(self) -> int:
        """The most times a repeated page is answered."""
        return int((self.repeat or {}).get("max", 50))


@dataclass(frozen=True)
class Instrument:
    code: str
    group: str
    version: int
    title: Texts
    intro: Texts
    sections: tuple[Section, ...]
    definition: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    warnings: tuple[str, ...] = field(repr=False, compare=False, default=())

    @property
    def xlsform(self) -> dict[str, Any] | None:
        """The XLSForm settings of an uploaded form (form id, version, languages); None for our own format."""
        return self.definition.get("xlsform")

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The page languages the questionnaire is offered in: those of ours it is written in (all three when it
        has none of them; its texts then show in the language it has)."""
        from .domain import LANGUAGES

        mine = tuple(lang for lang in LANGUAGES if lang in self.languages)
        return mine or LANGUAGES

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the questionnaire's texts are written in."""
        form = self.xlsform
        return tuple(form.get("languages") or ()) if form else ("kk", "ru", "en")

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
    return Choice(
        code=data["code"],
        label=data["label"],
        value=data.get("value"),
        sector=data.get("sector"),
        columns=data.get("columns"),
    )


def _trees(q: dict, xpath_mode: bool) -> dict[str, Any]:
    """The parsed trees of a question's conditions and expressions."""
    from . import xpath
    from .relevance import parse

    out: dict[str, Any] = {}
    if q.get("relevant"):
        out["relevant_tree"] = ["x", xpath.parse(q["relevant"])] if xpath_mode else parse(q["relevant"])
    for key, tree in (("required_if", "required_tree"), ("constraint", "constraint_tree"),
                      ("calculation", "calculation_tree"), ("choice_filter", "filter_tree")):  # fmt: skip
        if q.get(key):
            out[tree] = xpath.parse(q[key])
    return out


#: Question fields taken from the definition's key of the same name: flags (False when absent), and the rest
#: (None when absent).
_FLAGS = ("required", "reverse", "dont_know", "read_only")
_AS_WRITTEN = (
    "help", "relevant", "construct", "min", "max", "max_length", "max_choices", "ego", "scale", "area", "guidance",
    "required_if", "required_message", "constraint", "constraint_message", "calculation", "choice_filter",
    "default", "appearance", "step", "max_pixels",
)  # fmt: skip


def from_definition(definition: dict) -> Instrument:
    """Build the Instrument view of a normalised (already validated) definition dict."""
    xpath_mode = "xlsform" in definition
    sections = []
    for s in definition["sections"]:
        questions = []
        for q in s["questions"]:
            questions.append(
                Question(
                    code=q["code"],
                    type=q["type"],
                    label=q.get("label") or {},
                    choices=tuple(_choice(c) for c in q.get("choices", ())),
                    **{key: q.get(key, False) for key in _FLAGS},
                    **{key: q.get(key) for key in _AS_WRITTEN},
                    **_trees(q, xpath_mode),
                )
            )
        repeat = s.get("repeat")
        count_tree = None
        if repeat is not None and repeat.get("count"):
            from . import xpath

            count_tree = xpath.parse(repeat["count"])
        sections.append(
            Section(code=s["code"], title=s["title"], questions=tuple(questions), repeat=repeat, count_tree=count_tree)
        )
    return Instrument(
        code=definition["code"],
        group=definition["group"],
        version=definition["version"],
        title=definition["title"],
        intro=definition["intro"],
        sections=tuple(sections),
        definition=definition,
    )
