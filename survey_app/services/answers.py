"""How typed answers are stored in Answer rows and read back (one place for every reader and writer).

| type | stored in | Python value |
| --- | --- | --- |
| likert | value_num | int 1..k |
| integer | value_num | int |
| decimal | value_num | float |
| single | value_text | choice code |
| yesno | value_text | 'yes' / 'no' / 'dont_know' |
| text | value_text | str |
| multiple | value_json | list of choice codes, in the instrument's order |
| ties | value_json | {actor_code: 'rarely' / 'monthly' / 'weekly'} |
| range | value_num | int or float |
| date, time, datetime | value_text | ISO 8601: 2025-05-31, 14:30, 2025-05-31T14:30 |
| geopoint, geotrace, geoshape | value_text | ODK's `lat lon altitude accuracy`, points joined by `;` |
| acknowledge, barcode, calculate, hidden | value_text | 'OK', the code typed, the worked-out value |
| rank | value_json | list of choice codes, first place first |
| image, audio, video, file | value_json | {file, type, size, sha256}: the file under SCRI_UPLOAD_DIR |
"""

from __future__ import annotations

from typing import Any

from instruments.model import Question

TEXT_TYPES = ("single", "yesno", "text", "date", "time", "datetime", "geopoint", "geotrace", "geoshape",
              "acknowledge", "barcode", "calculate", "hidden")  # fmt: skip


def encode(question: Question, value: Any) -> dict[str, Any]:
    """Column values for an Answer row holding `value` (already validated)."""
    columns: dict[str, Any] = {"value_num": None, "value_text": None, "value_json": None}
    if question.type in ("likert", "integer"):
        columns["value_num"] = int(value)
    elif question.type == "decimal":
        columns["value_num"] = float(value)
    elif question.type == "range":
        columns["value_num"] = value
    elif question.type in TEXT_TYPES:
        columns["value_text"] = str(value)
    elif question.type in ("multiple", "ties", "rank", "image", "audio", "video", "file"):
        columns["value_json"] = value
    else:
        raise ValueError(f"unknown question type {question.type!r}")
    return columns


def decode(question: Question | None, value_num, value_text, value_json) -> Any:
    """The Python value of a stored answer (None when nothing usable is stored)."""
    if question is None:
        return value_json if value_json is not None else (value_text if value_text is not None else value_num)
    if question.type in ("likert", "integer"):
        return int(value_num) if value_num is not None else None
    if question.type == "decimal":
        return float(value_num) if value_num is not None else None
    if question.type == "range":
        return None if value_num is None else (int(value_num) if float(value_num).is_integer() else float(value_num))
    if question.type in TEXT_TYPES:
        return value_text
    return value_json


def score_value(question: Question, value: Any) -> float | None:
    """The raw number the analysis scores: likert 1..k, yes 1, no 0; 'don't know' and blanks are None."""
    if value is None:
        return None
    if question.type == "likert":
        return float(value)
    if question.type == "yesno":
        return {"yes": 1.0, "no": 0.0}.get(value)
    return None
