"""Read an uploaded CSV or XLSX table safely: size, zip-bomb and row limits, spreadsheet row numbers."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from instruments.refstd import RefStdInputError, read_refstd_table

from ..i18n import translate as _
from .errors import ServiceError

MAX_ROWS = 20_000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".xlsm")


def read_uploaded_table(storage, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """A DataFrame of the first sheet (or the CSV), index = spreadsheet row number; ServiceError otherwise."""
    name = Path(storage.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ServiceError(f"{name}: choose a .csv or .xlsx file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        storage.save(path)
        if path.stat().st_size == 0:
            raise ServiceError(f"{name}: the file is empty")
        if suffix != ".csv":
            check_zip(path, name)
        try:
            frame = read_refstd_table(path, max_rows=max_rows)
        except RefStdInputError as exc:
            raise ServiceError(str(exc).replace("upload" + suffix, name)) from None
    return frame


def with_columns(frame: pd.DataFrame, aliases: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """The table with columns headed in Kazakh, Russian or English renamed to the names the code reads
    (``aliases``: name → other headers meaning it); two columns meaning one thing are refused."""
    lookup = {alias.casefold(): name for name, others in aliases.items() for alias in (name, *others)}
    renamed = {column: lookup.get(str(column).strip().casefold(), column) for column in frame.columns}
    targets = list(renamed.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise ServiceError(_("the file has more than one column for %(names)s", names=", ".join(twice)))
    return frame.rename(columns=renamed)


def check_zip(path: Path, name: str) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_UNCOMPRESSED bytes (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ServiceError(f"{name}: not a readable .xlsx workbook") from None
    if total > MAX_UNCOMPRESSED:
        raise ServiceError(
            f"{name}: the workbook unpacks to more than {MAX_UNCOMPRESSED // 2**20} MB; save it as CSV or split it"
        )
