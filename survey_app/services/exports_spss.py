"""A round's responses as an SPSS data file (.sav) with variable and value labels in one language.

The same rows and columns as the CSV and XLSX exports (`services.exports.rows`), typed as SPSS expects:
choice questions become numbers with value labels (a single choice numbered in questionnaire order, yes/no
as 1/0 with 9 for "don't know", a likert item by its scale value), a multiple-choice column 1/0, a ties
column its frequency as 1–3, numbers stay numbers and free text stays text. Variable names are the export's
column names made valid for SPSS (letters, digits and `_ . @ # $`, at most 64 bytes, unique ignoring case);
the question wording is the variable label. SPSS files cannot be streamed, so the data are built in memory
and written to a temporary file first.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

import pandas as pd

from instruments.domain import LANGUAGES
from instruments.model import TIE_FREQUENCIES, text_in

from ..models import SurveyRound
from .exports import BASE_COLUMNS, Column, columns, rows, tie_labels

YESNO_CODES = {"yes": 1, "no": 0, "dont_know": 9}
YESNO_LABELS = {
    "kk": ("Иә", "Жоқ", "Білмеймін"),
    "ru": ("Да", "Нет", "Затрудняюсь ответить"),
    "en": ("Yes", "No", "Don't know"),
}
CHOSEN_LABELS = {"kk": ("Таңдалмады", "Таңдалды"), "ru": ("Не выбрано", "Выбрано"), "en": ("Not chosen", "Chosen")}
BASE_LABELS = {
    "kk": (
        "Жауап нөмірі",
        "Мүдделі тараптар тобы",
        "Жауап тілі",
        "Күйі",
        "Басталған уақыты (UTC)",
        "Жіберілген уақыты (UTC)",
        "Жауап беру тәсілі (web, paper, interviewer)",
        "Сапа белгілері",
        "Талдаудан шығарылған (1 = иә)",
        "Қағаз сауалнаманың нөмірі",
    ),
    "ru": (
        "Номер ответа",
        "Группа заинтересованных сторон",
        "Язык ответа",
        "Статус",
        "Начало (UTC)",
        "Отправлен (UTC)",
        "Способ ответа (web, paper, interviewer)",
        "Отметки о качестве",
        "Исключён из анализа (1 = да)",
        "Номер бумажной анкеты",
    ),
    "en": (
        "Response number",
        "Stakeholder group",
        "Language of the answers",
        "Status",
        "Started (UTC)",
        "Submitted (UTC)",
        "Mode (web, paper, interviewer)",
        "Quality flags",
        "Left out of the analysis (1 = yes)",
        "Number of the paper questionnaire",
    ),
}
MAX_NAME_BYTES = 64
_INVALID = re.compile(r"[^0-9A-Za-z_.@#$]")


def spss_names(names: list[str]) -> list[str]:
    """Valid, unique SPSS variable names for the export's column names (kept as they are where possible)."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        clean = _INVALID.sub("_", name).rstrip(".") or "v"
        if not clean[0].isalpha():
            clean = "v_" + clean
        clean = clean[:MAX_NAME_BYTES]
        candidate, number = clean, 1
        while candidate.lower() in taken:
            number += 1
            suffix = f"_{number}"
            candidate = clean[: MAX_NAME_BYTES - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _coding(column: Column, lang: str) -> tuple[dict[Any, int] | None, dict[int, str] | None]:
    """(answer value → SPSS number, SPSS number → label) of a column, or (None, None) for numbers and text."""
    q = column.question
    if column.choice is not None and q.type == "multiple":
        return {0: 0, 1: 1}, dict(enumerate(CHOSEN_LABELS[lang]))
    if column.choice is not None and q.type == "ties":
        labels = tie_labels()
        index = LANGUAGES.index(lang)
        return (
            {value: n for n, value in enumerate(TIE_FREQUENCIES, start=1)},
            {n: labels[value][index] for n, value in enumerate(TIE_FREQUENCIES, start=1)},
        )
    if q.type == "yesno":
        return YESNO_CODES, {
            YESNO_CODES[c]: label
            for c, label in zip(YESNO_CODES, YESNO_LABELS[lang], strict=True)
            if c != "dont_know" or q.dont_know
        }
    if q.type == "likert":
        values = {
            c.value if c.value is not None else n: text_in(c.label, lang) for n, c in enumerate(q.choices, start=1)
        }
        return {v: v for v in values}, values
    if q.type == "single":
        return (
            {c.code: n for n, c in enumerate(q.choices, start=1)},
            {n: text_in(c.label, lang) for n, c in enumerate(q.choices, start=1)},
        )
    return None, None


def _variable_label(column: Column, lang: str) -> str:
    label = text_in(column.question.label, lang)
    if column.choice is not None:
        choice = column.question.choice(column.choice)
        label = f"{label}: {text_in(choice.label, lang) if choice is not None else column.choice}"
    return label


CHUNK = 5000


def frame(round_: SurveyRound, include_partial: bool = False, lang: str = "en") -> tuple[pd.DataFrame, dict[str, Any]]:
    """The responses as a typed DataFrame with SPSS names, and the labels and measures for `write_sav`.

    Rows are typed in chunks as they are read, so only the typed columns are ever held whole.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}")
    cols = columns(round_)
    names = spss_names(BASE_COLUMNS + [c.name for c in cols])
    codings = [_coding(c, lang) for c in cols]
    data = rows(round_, include_partial)
    next(data)  # the header: the same columns as `cols`

    def typed(records: list[list[Any]]) -> pd.DataFrame:
        df = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
        df[names[0]] = pd.to_numeric(df[names[0]]).astype("float64")
        for name in names[1:4]:
            df[name] = df[name].astype("string").fillna("")
        for name in names[4:6]:
            df[name] = pd.to_datetime(df[name], utc=True, format="ISO8601").dt.tz_localize(None)
        for name in names[6:8]:
            df[name] = df[name].astype("string").fillna("")
        df[names[8]] = pd.to_numeric(df[names[8]]).astype("float64")
        df[names[9]] = pd.to_numeric(df[names[9]]).astype("float64")
        for name, column, (codes, _labels) in zip(names[len(BASE_COLUMNS) :], cols, codings, strict=True):
            if codes is not None:
                df[name] = pd.to_numeric(df[name].map(codes), errors="coerce").astype("float64")
            elif column.question.type in ("integer", "decimal"):
                df[name] = pd.to_numeric(df[name], errors="coerce").astype("float64")
            else:
                df[name] = df[name].astype("string").fillna("")
        return df

    chunks, records = [], []
    for record in data:
        records.append(record)
        if len(records) == CHUNK:
            chunks.append(typed(records))
            records = []
    if records or not chunks:
        chunks.append(typed(records))
    df = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    value_labels: dict[str, dict[int, str]] = {}
    measures: dict[str, str] = {
        names[0]: "scale",
        names[1]: "nominal",
        names[2]: "nominal",
        names[3]: "nominal",
        names[4]: "scale",
        names[5]: "scale",
        names[6]: "nominal",
        names[7]: "nominal",
        names[8]: "nominal",
        names[9]: "nominal",
    }
    for name, column, (codes, labels) in zip(names[len(BASE_COLUMNS) :], cols, codings, strict=True):
        if codes is not None:
            value_labels[name] = labels
            measures[name] = "ordinal" if column.question.type in ("likert", "ties") else "nominal"
        else:
            measures[name] = "scale" if column.question.type in ("integer", "decimal") else "nominal"
    column_labels = list(BASE_LABELS[lang]) + [_variable_label(c, lang) for c in cols]
    return df, {"column_labels": column_labels, "variable_value_labels": value_labels, "variable_measure": measures}


def sav_bytes(round_: SurveyRound, include_partial: bool = False, lang: str = "en") -> bytes:
    """The .sav file of a round's responses."""
    import pyreadstat

    df, meta = frame(round_, include_partial, lang)
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(df, path, file_label=f"SCRI {round_.slug}"[:64], **meta)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)
