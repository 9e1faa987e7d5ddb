"""Reading an .xlsx workbook safely. Before openpyxl sees it: its size, its unpacked size and every XML part
checked for a DTD (the way entity bombs and external entities come in). While reading: read-only mode, at
most MAX_ROWS rows and MAX_COLUMNS columns, a run of EMPTY_RUN empty rows ends a sheet whatever size it
declares, and a cell longer than MAX_CELL is refused by its row and column (its text quoted at most
QUOTE characters)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..checking import Checker, Problem
from ..loader import InstrumentError
from .headers import column, letter

MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 120
MAX_CELL = 10_000
EMPTY_RUN = 200
QUOTE = 80
MAX_LONG_CELLS_NAMED = 5
_DTD_WINDOW = 16_384


@dataclass
class Sheet:
    """One sheet: its columns [(index, base name, language or None, header as written)] and its non-empty
    rows [(row number, {column index: value})]."""

    name: str
    columns: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    rows: list[tuple[int, dict[int, Any]]] = field(default_factory=list)
    long_cells: int = 0
    past_last_column: bool = False

    def has(self, base: str) -> bool:
        return any(c[1] == base for c in self.columns)

    def index(self, base: str) -> int | None:
        """The column index of a column without a language (the first one named `base`)."""
        return next((c[0] for c in self.columns if c[1] == base and c[2] is None), None)

    def value(self, row: dict[int, Any], base: str) -> Any:
        index = self.index(base)
        return row.get(index) if index is not None else None

    def where(self, number: int, base: str | None = None) -> str:
        """`survey sheet, row 12, column D` (the column of `base` when given and present)."""
        index = self.index(base) if base else None
        cell = f", column {letter(index)}" if index is not None else ""
        return f"{self.name} sheet, row {number}{cell}"


def quote(value: Any) -> str:
    """A cell's text for a message: at most QUOTE characters, in quotes."""
    text = str(value)
    return repr(text if len(text) <= QUOTE else text[: QUOTE - 1] + "…")


def check_xlsx_zip(data: bytes, name: str) -> None:
    """Refuse a file that is too large, not an xlsx workbook, unpacks to too much (a zip bomb, whatever sizes
    its directory claims) or carries a DTD."""
    if len(data) > MAX_XLSX_BYTES:
        raise InstrumentError([Problem(name, None, f"file is larger than {MAX_XLSX_BYTES // 2**20} MB")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
                raise _too_big(name)
            budget = MAX_UNCOMPRESSED
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    budget -= _check_part(archive, info, name, budget)
    except InstrumentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError):
        raise InstrumentError([Problem(name, None, "not a readable .xlsx workbook")]) from None


def _too_big(name: str) -> InstrumentError:
    return InstrumentError(
        [Problem(name, None, f"the workbook unpacks to more than {MAX_UNCOMPRESSED // 2**20} MB; it is refused")]
    )


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Unpack one XML part in chunks (the real size, not the claimed one); refuse a DTD near its start."""
    size = 0
    head = b""
    with archive.open(info) as stream:
        while chunk := stream.read(65_536):
            size += len(chunk)
            if size > budget:
                raise _too_big(name)
            if len(head) < _DTD_WINDOW:
                head += chunk[: _DTD_WINDOW - len(head)]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise InstrumentError(
            [Problem(name, None, f"the part {info.filename[:60]} declares a DTD or entities; it is refused")]
        )
    return size


def read_sheet(checker: Checker, sheet, formulas, name: str) -> Sheet:
    """The header and non-empty rows of one sheet (problems recorded on `checker`)."""
    out = Sheet(name)
    formula_cells = _formula_cells(formulas) if formulas is not None else {}
    empty = 0
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the declared size is not trusted: read what is there, to a run of empty rows
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
        if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] not in (None, "") and not out.past_last_column:
            out.past_last_column = True
            checker.warn(f"{name} sheet", f"columns after the {MAX_COLUMNS}th ({letter(MAX_COLUMNS)}) are not read")
        values = values[:MAX_COLUMNS]
        if number == 1:
            out.columns = _columns(values)
            continue
        cells = {i: v for i, v in enumerate(values) if v is not None and v != ""}
        if not cells:
            empty += 1
            if empty >= EMPTY_RUN:
                break
            continue
        empty = 0
        if len(out.rows) >= MAX_ROWS:
            checker.problem(f"{name} sheet", f"more than {MAX_ROWS} rows; split the questionnaire")
            break
        row = _row(checker, out, number, cells, formula_cells.get(number, ()))
        if row:
            out.rows.append((number, row))
    if out.long_cells > MAX_LONG_CELLS_NAMED:
        checker.problem(f"{name} sheet", f"{out.long_cells} cells hold more than {MAX_CELL} characters in all")
    return out


def _columns(values) -> list[tuple[int, str, str | None, str]]:
    columns = []
    for index, raw in enumerate(values):
        if raw is None or str(raw).strip() == "" or len(str(raw)) > 200:
            continue
        base, lang = column(str(raw))
        columns.append((index, base, lang, str(raw).strip()))
    return columns


def _row(checker: Checker, sheet: Sheet, number: int, cells: dict, formula_columns) -> dict[int, Any]:
    known = {c[0] for c in sheet.columns}
    row: dict[int, Any] = {}
    for index, value in cells.items():
        if index not in known:
            continue
        if isinstance(value, str) and len(value) > MAX_CELL:
            sheet.long_cells += 1
            if sheet.long_cells <= MAX_LONG_CELLS_NAMED:
                checker.problem(
                    f"{sheet.name} sheet, row {number}, column {letter(index)}",
                    f"the cell holds {len(value)} characters (at most {MAX_CELL}): {quote(value)}",
                )
            continue
        row[index] = _clean(value)
    for index in formula_columns:
        if index in known and row.get(index) in (None, ""):
            checker.problem(
                f"{sheet.name} sheet, row {number}, column {letter(index)}",
                "a formula without a saved value; replace formulas with plain values",
            )
    return {i: v for i, v in row.items() if v not in (None, "")}


def _clean(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
    return value


def _formula_cells(sheet) -> dict[int, list[int]]:
    """{row number: [column indexes]} of cells holding a formula (the same bounds as the values)."""
    found: dict[int, list[int]] = {}
    empty = 0
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS * 2), start=1):
        blank = True
        for index, cell in enumerate(row):
            kind = getattr(cell, "data_type", None)
            if getattr(cell, "value", None) not in (None, ""):
                blank = False
            if kind == "f":
                found.setdefault(number, []).append(index)
        empty = empty + 1 if blank else 0
        if empty >= EMPTY_RUN:
            break
    return found
