"""Reading an .xlsx workbook safely: its size and unpacked size checked first, read-only, bounded rows."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..checking import Checker, Problem
from ..loader import InstrumentError

MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 80


def check_xlsx_zip(data: bytes, name: str) -> None:
    """Refuse a file that is too large, not an xlsx workbook, or unpacks to too much (a zip bomb)."""
    if len(data) > MAX_XLSX_BYTES:
        raise InstrumentError([Problem(name, None, f"file is larger than {MAX_XLSX_BYTES // 2**20} MB")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise InstrumentError([Problem(name, None, "not a readable .xlsx workbook")]) from None
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise InstrumentError(
            [Problem(name, None, f"the workbook unpacks to more than {MAX_UNCOMPRESSED // 2**20} MB; it is refused")]
        )


def sheet_rows(checker: Checker, sheet, formulas, name: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The header (column names) and the non-empty rows as (sheet row number, {column: value})."""
    header: list[str] = []
    out: list[tuple[int, dict[str, Any]]] = []
    formula_rows = _formula_cells(formulas) if formulas is not None else {}
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        cells = [_clean(v) for v in values]
        if number == 1:
            header = [str(c).strip() if c is not None else "" for c in cells]
            continue
        if all(c is None or c == "" for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            checker.problem(f"{name} sheet", f"more than {MAX_ROWS} rows; split the questionnaire")
            break
        for column in formula_rows.get(number, ()):
            if column < len(cells) and cells[column] in (None, ""):
                checker.problem(
                    f"{name} sheet, row {number}",
                    "a formula without a saved value; replace formulas with plain values",
                )
        row = {}
        for index, key in enumerate(header):
            if key and index < len(cells) and cells[index] not in (None, ""):
                row[key] = cells[index]
        out.append((number, row))
    return header, out


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
    return value


def _formula_cells(sheet) -> dict[int, list[int]]:
    """{row number: [column indexes]} of cells holding a formula."""
    found: dict[int, list[int]] = {}
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS * 2), start=1):
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                found.setdefault(number, []).append(index)
    return found
