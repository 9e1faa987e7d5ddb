"""Exports of a round's responses: one row per response, stable columns, streamed, with a codebook.

Columns: response_id, group, language, status, started_at, submitted_at, then `<group>.<code>` for every
question of the round's instruments in questionnaire order (later versions' new questions appended);
a multiple-choice question becomes one 0/1 column per choice (`<group>.<code>__<choice>`) and a ties
question one column per actor holding the frequency.

Both formats are produced while the responses are read in batches (keyset pages of BATCH rows), so a large
round starts downloading at once and never sits whole in memory. Text that a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe. The XLSX writer is a
small streaming SpreadsheetML writer (inline strings, a bold frozen header row) rather than openpyxl, whose
write-only mode only assembles the zip once every row has been written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from instruments.model import TIE_FREQUENCIES, UPLOAD_TYPES, Question, text_in

from ..extensions import db
from ..models import Answer, Instrument, Response, SurveyRound
from .answers import decode
from .instruments import instrument_definition
from .quality import round_flags

#: mode: web, paper or interviewer; flags: the quality flags, space-separated; excluded: 1 when a coordinator
#: left the response out of the scores; paper_number: the number printed on a paper questionnaire typed in.
BASE_COLUMNS = [
    "response_id",
    "group",
    "language",
    "status",
    "started_at",
    "submitted_at",
    "mode",
    "flags",
    "excluded",
    "paper_number",
]
BATCH = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    group: str
    question: Question
    choice: str | None = None


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _instruments(round_: SurveyRound) -> list[tuple[str, Any]]:
    """(group, definition) for every instrument version the round uses, in a stable order.

    Groups come in the round's order; within a group the versions go from the oldest to the newest, so a
    later version's new questions are appended after the columns of the earlier one.
    """
    versions: dict[str, dict[int, Instrument]] = {}
    order: list[str] = []
    for g in round_.groups:
        order.append(g.group)
        versions.setdefault(g.group, {})[g.instrument_id] = g.instrument
    used = db.session.execute(
        select(Response.group, Response.instrument_id).where(Response.round_id == round_.id).distinct()
    ).all()
    for group, instrument_id in sorted(used, key=lambda r: (r[0], r[1])):
        if group not in versions:
            order.append(group)
        bucket = versions.setdefault(group, {})
        if instrument_id not in bucket:
            bucket[instrument_id] = db.session.get(Instrument, instrument_id)
    pairs = []
    for group in order:
        for row in sorted(versions[group].values(), key=lambda r: (r.version, r.id)):
            pairs.append((group, instrument_definition(row)))
    return pairs


def _exported_questions(definition) -> Iterator[Question]:
    """The questions with a column: every stored one; a repeated page is one column of its entries (JSON)."""
    for section in definition.sections:
        if section.repeat is not None:
            yield Question(code=section.code, type="repeat", label=section.title)
            continue
        yield from (q for q in section.questions if q.stored)


def columns(round_: SurveyRound) -> list[Column]:
    """The answer columns in a stable order."""
    out: list[Column] = []
    seen: set[str] = set()
    for group, definition in _instruments(round_):
        for q in _exported_questions(definition):
            names = (
                [(f"{group}.{q.code}__{c.code}", c.code) for c in q.choices]
                if q.type in ("multiple", "ties")
                else [(f"{group}.{q.code}", None)]
            )
            for name, choice in names:
                if name not in seen:
                    seen.add(name)
                    out.append(Column(name, group, q, choice))
    return out


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.question.type == "multiple":
        return 1 if column.choice in value else 0
    if column.question.type == "ties":
        return value.get(column.choice)
    if column.question.type == "rank":
        return " ".join(value)
    if column.question.type == "repeat":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column.question.type in UPLOAD_TYPES:
        return f"files/{value['file']}" if isinstance(value, dict) and value.get("file") else None
    return value


def rows(round_: SurveyRound, include_partial: bool = False) -> Iterator[list[Any]]:
    """The header, then one list per response, reading the database in batches (never all at once)."""
    cols = columns(round_)
    index = {(c.group, c.question.code): [] for c in cols}
    for c in cols:
        index[(c.group, c.question.code)].append(c)
    position = {c.name: i for i, c in enumerate(cols)}
    yield BASE_COLUMNS + [c.name for c in cols]
    flags = round_flags(round_)
    statuses = ("complete", "partial") if include_partial else ("complete",)
    last_id = 0
    while True:
        batch = db.session.execute(
            select(
                Response.id,
                Response.group,
                Response.language,
                Response.status,
                Response.started_at,
                Response.submitted_at,
                Response.mode,
                Response.excluded_at,
                Response.paper_number,
            )
            .where(Response.round_id == round_.id, Response.status.in_(statuses), Response.id > last_id)
            .order_by(Response.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        ids = [r.id for r in batch]
        answers: dict[int, list] = {}
        for rid, code, num, text, js in db.session.execute(
            select(
                Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json
            ).where(Answer.response_id.in_(ids))
        ):
            answers.setdefault(rid, []).append((code, num, text, js))
        for r in batch:
            line: list[Any] = [None] * len(cols)
            for code, num, text, js in answers.get(r.id, []):
                targets = index.get((r.group, code))
                if not targets:
                    continue
                value = decode(targets[0].question, num, text, js)
                for column in targets:
                    line[position[column.name]] = _cell(column, value)
            marks = [r.mode, " ".join(flags.get(r.id, ())), 1 if r.excluded_at is not None else 0, r.paper_number]
            times = [response_time(r.started_at, round_.anonymous), response_time(r.submitted_at, round_.anonymous)]
            yield [r.id, r.group, r.language, r.status, *times, *marks, *line]
        last_id = ids[-1]


def response_count(round_: SurveyRound, include_partial: bool = False) -> int:
    """How many rows an export of the round holds."""
    statuses = ("complete", "partial") if include_partial else ("complete",)
    return (
        db.session.scalar(
            select(db.func.count(Response.id)).where(Response.round_id == round_.id, Response.status.in_(statuses))
        )
        or 0
    )


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def response_time(value, anonymous: bool) -> str | None:
    """When a response was started or submitted, as exports and the API give it: to the second, or in an
    anonymous round the day only (a time to the microsecond picks out a respondent someone saw answering)."""
    if value is None:
        return None
    return value.date().isoformat() if anonymous else _iso(value.replace(microsecond=0))


def csv_chunks(round_: SurveyRound | int, include_partial: bool = False) -> Iterator[str]:
    """CSV text in chunks (UTF-8 with a BOM so spreadsheets read Kazakh and Russian correctly).

    Give the round's id when the chunks are consumed after the request's session has ended (streaming).
    """
    if isinstance(round_, int):
        round_ = db.session.get(SurveyRound, round_)
    buffer = io.StringIO()
    # Every text field in quotes: a spreadsheet whose list separator is ";" (Kazakh and Russian locales) then
    # keeps "ok;-2+3;+cmd|…" as one cell starting with "o", instead of splitting it into live formulas.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    yield "\ufeff"
    for count, row in enumerate(rows(round_, include_partial), start=1):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


YESNO_LABELS = [("yes", "Иә", "Да", "Yes"), ("no", "Жоқ", "Нет", "No")]
DONT_KNOW_LABEL = ("dont_know", "Білмеймін", "Затрудняюсь ответить", "Don't know")


def tie_labels() -> dict[str, tuple[str, str, str]]:
    """The frequency labels of a ties question (from the shared scales file)."""
    from instruments.loader import load_scales

    labels = {
        item["value"]: tuple(item["label"][lang] for lang in ("kk", "ru", "en"))
        for item in load_scales().get("frequency_ties", [])
    }
    return {value: labels.get(value, (value, value, value)) for value in TIE_FREQUENCIES}


CODEBOOK_HEADER = [
    "column",
    "group",
    "question",
    "type",
    "construct",
    "reverse",
    "label_kk",
    "label_ru",
    "label_en",
    "choice_value",
    "choice_kk",
    "choice_ru",
    "choice_en",
]


def codebook(round_: SurveyRound) -> Iterator[list[Any]]:
    """The header, then one row per value of each column: the column as it is named in the responses sheet,
    group, question, type, construct, labels, and the value with its labels.

    A multiple-choice column (`<group>.<code>__<choice>`) holds 1 or 0 and is labelled by its choice; a
    ties column (`<group>.<code>__<actor>`) is labelled by its actor and lists the frequencies it may hold.
    """
    yield list(CODEBOOK_HEADER)
    labels_of = tie_labels()
    for column in columns(round_):
        q = column.question
        base = [
            column.name,
            column.group,
            q.code,
            q.type,
            q.construct or "",
            bool(q.reverse),
            text_in(q.label, "kk"),
            text_in(q.label, "ru"),
            text_in(q.label, "en"),
        ]
        if column.choice is not None:
            choice = q.choice(column.choice)
            labels = choice.label if choice is not None else {"kk": "", "ru": "", "en": ""}
            if q.type == "ties":
                base[6:9] = [f"{text_in(q.label, lang)}: {text_in(labels, lang)}" for lang in ("kk", "ru", "en")]
                for value in TIE_FREQUENCIES:
                    yield [*base, value, *labels_of[value]]
            else:
                yield [*base, 1, text_in(labels, "kk"), text_in(labels, "ru"), text_in(labels, "en")]
        elif q.type == "yesno":
            for c in YESNO_LABELS + ([DONT_KNOW_LABEL] if q.dont_know else []):
                yield [*base, *c]
        elif q.choices:
            for c in q.choices:
                value = c.value if q.type == "likert" and c.value is not None else c.code
                yield [*base, value, text_in(c.label, "kk"), text_in(c.label, "ru"), text_in(c.label, "en")]
        else:
            bounds = f"{q.min:g}–{q.max:g}" if q.min is not None and q.max is not None else ""
            yield [*base, bounds, "", "", ""]
