"""Exports of a round's responses: one row per response, stable columns, streamed, with a codebook.

Columns: response_id, group, language, status, started_at, submitted_at, then `<group>.<code>` for every
question of the round's instruments in questionnaire order (later versions' new questions appended);
a multiple-choice question becomes one 0/1 column per choice (`<group>.<code>__<choice>`) and a ties
question one column per actor holding the frequency.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from instruments.model import Question

from ..extensions import db
from ..models import Answer, Instrument, Response, SurveyRound
from .answers import decode
from .instruments import instrument_definition

BASE_COLUMNS = ["response_id", "group", "language", "status", "started_at", "submitted_at"]
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
    """(group, definition) for the round's instruments and any other version its responses used."""
    pairs = [(g.group, instrument_definition(g.instrument)) for g in round_.groups]
    used = db.session.execute(select(Response.group, Response.instrument_id)
                              .where(Response.round_id == round_.id).distinct()).all()
    known = {g.instrument_id for g in round_.groups}
    for group, instrument_id in sorted(used, key=lambda r: r[1]):
        if instrument_id not in known:
            pairs.append((group, instrument_definition(db.session.get(Instrument, instrument_id))))
            known.add(instrument_id)
    return pairs


def columns(round_: SurveyRound) -> list[Column]:
    """The answer columns in a stable order."""
    out: list[Column] = []
    seen: set[str] = set()
    for group, definition in _instruments(round_):
        for q in definition.questions:
            names = ([(f"{group}.{q.code}__{c.code}", c.code) for c in q.choices]
                     if q.type in ("multiple", "ties") else [(f"{group}.{q.code}", None)])
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
    return value


def rows(round_: SurveyRound, include_partial: bool = False) -> Iterator[list[Any]]:
    """The header, then one list per response, reading the database in batches (never all at once)."""
    cols = columns(round_)
    index = {(c.group, c.question.code): [] for c in cols}
    for c in cols:
        index[(c.group, c.question.code)].append(c)
    position = {c.name: i for i, c in enumerate(cols)}
    yield BASE_COLUMNS + [c.name for c in cols]
    statuses = ("complete", "partial") if include_partial else ("complete",)
    last_id = 0
    while True:
        batch = db.session.execute(
            select(Response.id, Response.group, Response.language, Response.status, Response.started_at,
                   Response.submitted_at)
            .where(Response.round_id == round_.id, Response.status.in_(statuses), Response.id > last_id)
            .order_by(Response.id).limit(BATCH)).all()
        if not batch:
            return
        ids = [r.id for r in batch]
        answers: dict[int, list] = {}
        for rid, code, num, text, js in db.session.execute(
                select(Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text,
                       Answer.value_json).where(Answer.response_id.in_(ids))):
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
            yield [r.id, r.group, r.language, r.status, _iso(r.started_at), _iso(r.submitted_at), *line]
        last_id = ids[-1]


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def csv_chunks(round_: SurveyRound | int, include_partial: bool = False) -> Iterator[str]:
    """CSV text in chunks (UTF-8 with a BOM so spreadsheets read Kazakh and Russian correctly).

    Give the round's id when the chunks are consumed after the request's session has ended (streaming).
    """
    if isinstance(round_, int):
        round_ = db.session.get(SurveyRound, round_)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for count, row in enumerate(rows(round_, include_partial), start=1):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def codebook(round_: SurveyRound) -> Iterator[list[Any]]:
    """One row per question (and per choice): column, group, type, construct, labels, choice value and labels."""
    yield ["column", "group", "question", "type", "construct", "reverse", "label_kk", "label_ru", "label_en",
           "choice_value", "choice_kk", "choice_ru", "choice_en"]
    done = set()
    for column in columns(round_):
        q = column.question
        key = (column.group, q.code)
        if key in done:
            continue
        done.add(key)
        base = [f"{column.group}.{q.code}", column.group, q.code, q.type, q.construct or "", bool(q.reverse),
                q.label["kk"], q.label["ru"], q.label["en"]]
        if q.type == "yesno":
            choices = [("yes", "Иә", "Да", "Yes"), ("no", "Жоқ", "Нет", "No")]
            if q.dont_know:
                choices.append(("dont_know", "Білмеймін", "Затрудняюсь ответить", "Don't know"))
            for c in choices:
                yield [*base, *c]
        elif q.choices:
            for c in q.choices:
                yield [*base, c.code, c.label["kk"], c.label["ru"], c.label["en"]]
        else:
            bounds = f"{q.min:g}–{q.max:g}" if q.min is not None and q.max is not None else ""
            yield [*base, bounds, "", "", ""]


def xlsx_file(round_: SurveyRound, include_partial: bool = False):
    """A temporary file holding the workbook (sheets `responses` and `codebook`), written in streaming mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    for row in rows(round_, include_partial):
        sheet.append([safe_cell(v) for v in row])
    book = workbook.create_sheet("codebook")
    for row in codebook(round_):
        book.append([safe_cell(v) for v in row])
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned to the caller)
    workbook.save(handle)
    handle.seek(0)
    return handle


def file_chunks(handle, size: int = 64 * 1024) -> Iterator[bytes]:
    """Read a file in chunks and close it at the end."""
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()
