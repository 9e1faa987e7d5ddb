"""Adding the translations an uploaded questionnaire lacks, before it is approved: every text a respondent
reads (title, introduction, page titles, labels, hints, messages, choice labels) that has no text in a language,
shown beside the form's own text, and the definition stored again with what the coordinator wrote."""

from __future__ import annotations

import copy
from typing import Any

from instruments.domain import LANGUAGES
from instruments.loader import InstrumentError, parse_instrument
from instruments.model import content_hash

from ..models import Instrument
from .errors import ServiceError

QUESTION_TEXTS = ("label", "help", "guidance", "constraint_message", "required_message")
MAX_TEXT = 2000


def text_places(definition: dict) -> list[tuple[str, dict]]:
    """(key, texts) of every translatable text, in questionnaire order; the key names its place."""
    places: list[tuple[str, dict]] = [("title", definition["title"]), ("intro", definition["intro"])]
    for i, section in enumerate(definition["sections"]):
        places.append((f"sections.{i}.title", section["title"]))
        for j, q in enumerate(section["questions"]):
            for key in QUESTION_TEXTS:
                if isinstance(q.get(key), dict):
                    places.append((f"sections.{i}.questions.{j}.{key}", q[key]))
            if q.get("type") == "likert":
                continue  # the shared scales are in every language already
            for k, choice in enumerate(q.get("choices") or ()):
                places.append((f"sections.{i}.questions.{j}.choices.{k}.label", choice["label"]))
    return places


def missing(definition: dict, lang: str) -> list[dict[str, Any]]:
    """The texts without a `lang` text: key, the text in the form's default language, where it is."""
    default = (definition.get("xlsform") or {}).get("default_language")
    out = []
    for key, texts in text_places(definition):
        if texts.get(lang):
            continue
        source = texts.get(default) or next(iter(texts.values()), "")
        out.append({"key": key, "source": source, "where": _where(definition, key)})
    return out


def _where(definition: dict, key: str) -> str:
    parts = key.split(".")
    if parts[0] != "sections":
        return parts[0]
    section = definition["sections"][int(parts[1])]
    if len(parts) == 3:
        return f"{section['code']}: title"
    q = section["questions"][int(parts[3])]
    if parts[4] == "choices":
        return f"{q['code']}: choice {q['choices'][int(parts[5])]['code']}"
    return f"{q['code']}: {parts[4].replace('_', ' ')}"


def add_translations(row: Instrument, lang: str, values: dict[str, str]) -> int:
    """Store `values` ({key: text}) as the `lang` texts of an uploaded questionnaire awaiting approval; the
    number stored. ServiceError for an approved one, a language we do not know or a text too long."""
    if row.approved or row.source != "upload":
        raise ServiceError("only an uploaded questionnaire awaiting approval can be translated here")
    if lang not in LANGUAGES:
        raise ServiceError(f"translations are added in {', '.join(LANGUAGES)}")
    definition = copy.deepcopy(row.definition)
    places = dict(text_places(definition))
    stored = 0
    for key, text in values.items():
        text = (text or "").strip()
        if key not in places or not text:
            continue
        if len(text) > MAX_TEXT:
            raise ServiceError(f"a text is longer than {MAX_TEXT} characters")
        places[key][lang] = text
        stored += 1
    if not stored:
        return 0
    form = definition.get("xlsform")
    if form is not None and lang not in form["languages"]:
        form["languages"] = [*form["languages"], lang]
    for section in definition["sections"]:
        for q in section["questions"]:
            if q.get("type") == "likert":
                q.pop("choices", None)  # derived from the shared scale when checked again
    try:
        checked = parse_instrument(definition, f"{row.code}.xlsx")
    except InstrumentError as exc:
        raise ServiceError(f"the translated questionnaire does not check: {exc.problems[0].reason}") from None
    row.definition = checked.definition
    row.content_hash = content_hash(checked.definition)
    return stored
