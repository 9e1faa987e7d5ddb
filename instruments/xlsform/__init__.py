"""Read an XLSForm workbook (`survey`, `choices`, `settings` sheets) into an instrument definition.

The workbook is turned into the same mapping a YAML definition gives and then checked by
`loader.parse_instrument`, so every rule (missing translations, unknown codes, skip logic on earlier
questions) applies to both formats. Problems name the sheet and row where they can.

Safety: the zip is checked before it is opened (uncompressed size), only the first rows are read,
openpyxl runs in read-only mode and formulas are refused unless the workbook kept their saved values.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..checking import Problem
from ..loader import InstrumentError, parse_instrument
from ..model import Instrument
from .survey import _read
from .workbook import MAX_UNCOMPRESSED, MAX_XLSX_BYTES, check_xlsx_zip

__all__ = ["MAX_UNCOMPRESSED", "MAX_XLSX_BYTES", "load_xlsform_bytes", "load_xlsform_file", "xlsform_definition"]


def load_xlsform_file(path: str | Path) -> Instrument:
    """Load an XLSForm workbook from a file."""
    path = Path(path)
    if not path.is_file():
        raise InstrumentError([Problem(str(path), None, "no such file")])
    if path.stat().st_size > MAX_XLSX_BYTES:
        raise InstrumentError([Problem(path.name, None, f"file is larger than {MAX_XLSX_BYTES // 2**20} MB")])
    return load_xlsform_bytes(path.read_bytes(), path.name)


def load_xlsform_bytes(data: bytes, name: str) -> Instrument:
    """Load an XLSForm workbook from its bytes; InstrumentError lists every problem."""
    definition, problems, rows = xlsform_definition(data, name)
    try:
        instrument = parse_instrument(definition, name)
    except InstrumentError as exc:
        located = []
        for p in exc.problems:
            row = rows.get(p.where or "")
            reason = f"{p.reason} (survey sheet, row {row})" if row else p.reason
            located.append(Problem(p.source, p.where, reason))
        raise InstrumentError(_unique(problems + located)) from None
    if problems:
        raise InstrumentError(problems)
    return instrument


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.where, p.reason)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def xlsform_definition(data: bytes, name: str) -> tuple[dict, list[Problem], dict[str, int]]:
    """The definition mapping, the XLSForm-level problems and {question code: survey row}."""
    import openpyxl

    check_xlsx_zip(data, name)
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise InstrumentError([Problem(name, None, "not a readable .xlsx workbook")]) from None
    try:
        return _read(values_book, formula_book, name)
    finally:
        values_book.close()
        formula_book.close()
