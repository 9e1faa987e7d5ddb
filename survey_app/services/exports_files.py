"""A round's responses with the files respondents attached: one zip holding responses.csv (whose file
columns give each file's path inside the zip) and files/<round>/<response>/<question>.<ext>."""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO

from sqlalchemy import select

from instruments.model import UPLOAD_TYPES

from ..extensions import db
from ..models import Answer, Response, SurveyRound
from . import attachments
from .exports import csv_chunks
from .instruments import instrument_definition


def upload_codes(round_: SurveyRound) -> set[str]:
    """The question codes of the round's file questions (every group's questionnaire)."""
    codes: set[str] = set()
    for group in round_.groups:
        if group.instrument is not None:
            codes |= {q.code for q in instrument_definition(group.instrument).questions if q.type in UPLOAD_TYPES}
    return codes


def stored_files(round_: SurveyRound, statuses=("complete",)) -> list[dict]:
    """The stored-file answers of the round's responses of these statuses."""
    codes = upload_codes(round_)
    if not codes:
        return []
    values = db.session.scalars(
        select(Answer.value_json)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_.id, Response.status.in_(statuses), Answer.question_code.in_(codes))
    )
    return [v for v in values if isinstance(v, dict) and v.get("file")]


def files_zip(round_: SurveyRound, include_partial: bool = False) -> IO[bytes]:
    """A temporary file holding the zip (on disk, not in memory: photos add up), positioned at its start."""
    statuses = ("complete", "partial") if include_partial else ("complete",)
    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("responses.csv", "".join(csv_chunks(round_, include_partial)).encode("utf-8"))
        for value in stored_files(round_, statuses):
            path = attachments.path_of(value)
            if path is not None:
                archive.write(path, f"files/{value['file']}", compress_type=zipfile.ZIP_STORED)
    out.seek(0)
    return out
