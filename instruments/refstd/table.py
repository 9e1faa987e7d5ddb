"""The indicator file a city hands in (CSV or XLSX) → a DataFrame indexed by spreadsheet row number."""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

MAX_TABLE_ROWS = 100_000
MAX_TABLE_PROBLEMS = 50
TABLE_SUFFIXES_XLSX = {".xlsx", ".xlsm"}
MAX_FILE_BYTES = 1024 * 1024


class RefStdInputError(ValueError):
    """An indicator file that cannot be read; ``problems`` lists the reasons (with spreadsheet rows)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:10]
        more = len(self.problems) - len(shown)
        message = "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")
        super().__init__(message)


def read_refstd_table(path: str | Path, *, max_rows: int = MAX_TABLE_ROWS) -> pd.DataFrame:
    """Read an indicator file (CSV in UTF-8 or Windows Cyrillic, or XLSX) into a DataFrame of text and number cells.

    Column names are stripped and lower-cased; the index, named ``row``, is the row number a spreadsheet
    shows (the header is row 1), so later errors can point at the row to fix. Empty rows are skipped.
    A comma-, semicolon- or tab-separated file is accepted; cells are kept as read (no type guessing).

    Raises
    ------
    RefStdInputError
        No such file, a binary or non-UTF-8 file named .csv, an unreadable workbook, more than
        ``max_rows`` data rows, a row with more cells than the header...
    """
    path = Path(path)
    if path.is_dir():
        raise RefStdInputError([f"{path}: is a folder, not a file"])
    if not path.is_file():
        raise RefStdInputError([f"{path}: no such file"])
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RefStdInputError(
            [f"{path.name}: the old Excel .xls format is not supported; save the sheet as .xlsx or as CSV UTF-8"]
        )
    rows = _xlsx_rows(path) if suffix in TABLE_SUFFIXES_XLSX else _csv_rows(path)
    try:
        return _table(rows, path.name, max_rows)
    finally:
        rows.close()  # releases the file (or workbook) at once when reading stops early


def _sniff_binary(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(8192)
    name = path.name
    if head.startswith(b"PK\x03\x04"):
        raise RefStdInputError(
            [
                f"{name}: this is a zip file (probably an Excel .xlsx workbook) with a "
                f"{path.suffix or 'text'} name; rename it to .xlsx or save it as CSV UTF-8"
            ]
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RefStdInputError(
            [f"{name}: this is an old Excel .xls workbook, not CSV text; save it as .xlsx or as CSV UTF-8"]
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RefStdInputError([f"{name}: the text is UTF-16; save it as CSV UTF-8"])
    if b"\x00" in head:
        raise RefStdInputError([f"{name}: this is a binary file, not CSV text; save the sheet as CSV UTF-8 or .xlsx"])


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


#: Letters cp1251 has where KZ-1048 (the Kazakh Windows code page) has Kazakh ones: seeing them means KZ-1048.
_SERBIAN_IN_CP1251 = set("ЂЃЉЊЌЋЏђѓљњќћџ")
_WORD = re.compile(r"[^\W\d_]+")


def _decoded(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else the Windows code page a Russian- or Kazakh-locale
    Excel saves CSV in (cp1251, or KZ-1048 for Kazakh letters), when the text reads as Cyrillic words."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1251", "kz1048"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1251" and _SERBIAN_IN_CP1251 & set(text):
            continue
        words = [w for w in _WORD.findall(text) if not w.isascii()]
        if words and all(all(not ch.isascii() for ch in w) for w in words):  # no Latin-Cyrillic mixtures
            return text
    raise RefStdInputError(
        [
            f"{path.name}: the file is neither UTF-8 nor Windows Cyrillic (1251) text; save it as 'CSV UTF-8' "
            "(a binary file renamed .csv cannot be read)"
        ]
    )


def _csv_rows(path: Path) -> Generator[tuple[int, list[Any]], None, None]:
    _sniff_binary(path)
    name = path.name
    text = _decoded(path)
    try:
        first = text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
        for index, record in enumerate(reader, start=1):
            yield index, list(record)
    except csv.Error as exc:
        raise RefStdInputError([f"{name}: not a readable CSV file ({exc})"]) from None


def _xlsx_rows(path: Path) -> Generator[tuple[int, list[Any]], None, None]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles and extensions are not the user's
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RefStdInputError([f"{name}: not a readable .xlsx workbook ({reason})"]) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise RefStdInputError([f"{name}: the workbook has no sheet"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for index, record in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield index, list(record)
    finally:
        workbook.close()


def _blank(cell: Any) -> bool:
    return (
        cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))
    )


def _table(rows: Iterable[tuple[int, list[Any]]], name: str, max_rows: int) -> pd.DataFrame:
    header: list[str] | None = None
    header_row = 0
    records: list[list[Any]] = []
    numbers: list[int] = []
    problems: list[str] = []
    for row, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header, header_row = [("" if _blank(c) else str(c)).strip().casefold() for c in cells], row
            named = [h for h in header if h]
            duplicated = sorted({h for h in named if named.count(h) > 1})
            if duplicated:
                raise RefStdInputError(
                    [f"{name}: row {row} (the header) names a column twice: {', '.join(duplicated)}"]
                )
            continue
        if len(records) >= max_rows:
            raise RefStdInputError([f"{name}: more than {max_rows:,} data rows; split the file"])
        stray = [i for i, c in enumerate(cells) if not _blank(c) and (i >= len(header) or not header[i])]
        if stray and len(problems) < MAX_TABLE_PROBLEMS:
            problems.append(
                f"row {row}: {len(cells)} cells but the header (row {header_row}) names "
                f"{sum(1 for h in header if h)} columns; a value outside the named columns "
                "(a decimal comma in a comma-separated file? write 55.5 or quote the value)"
            )
        padded = list(cells[: len(header)]) + [None] * (len(header) - len(cells))
        records.append([c.strip() if isinstance(c, str) else c for c in padded])
        numbers.append(row)
    if header is None:
        raise RefStdInputError([f"{name}: the file is empty (no header row)"])
    if problems:
        raise RefStdInputError([f"{name}: {p}" for p in problems])
    keep = [i for i, h in enumerate(header) if h]
    frame = pd.DataFrame(
        [[r[i] for i in keep] for r in records],
        columns=[header[i] for i in keep],
        index=pd.Index(numbers, name="row", dtype="int64"),
        dtype=object,
    )
    return frame
