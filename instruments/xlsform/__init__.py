"""Read an XLSForm workbook (`survey`, and optionally `choices` and `settings`) into an instrument definition,
as the XLSForm spec and pyxform read it.

The workbook becomes the same mapping a YAML definition gives, with an `xlsform` entry (form id, version,
languages) that marks its expressions as XPath; `loader.parse_instrument` then checks it, so every rule
applies to both formats. Problems name the sheet, row and column; warnings say what is read differently or
left out, and travel with the instrument (`Instrument.warnings`).

Safety: the zip is checked before it is opened (sizes as unpacked, no DTD), openpyxl runs read-only, every
sheet is read inside the guard with bounded rows, columns and cells, and formulas are refused unless the
workbook kept their saved values.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from pathlib import Path

from ..checking import Problem
from ..loader import InstrumentError, parse_instrument
from ..model import Instrument
from .survey import XlsformChecker, read_form
from .workbook import MAX_UNCOMPRESSED, MAX_XLSX_BYTES, check_xlsx_zip, read_sheet

__all__ = ["MAX_UNCOMPRESSED", "MAX_XLSX_BYTES", "load_xlsform_bytes", "load_xlsform_file", "xlsform_definition"]


def load_xlsform_file(path: str | Path, group: str | None = None, attachments: dict | None = None) -> Instrument:
    """Load an XLSForm workbook from a file (`group`: the stakeholder group, when the form does not say;
    `attachments`: {file name: bytes} of the files its select_one_from_file questions read)."""
    path = Path(path)
    if not path.is_file():
        raise InstrumentError([Problem(str(path), None, "no such file")])
    if path.stat().st_size > MAX_XLSX_BYTES:
        raise InstrumentError([Problem(path.name, None, f"file is larger than {MAX_XLSX_BYTES // 2**20} MB")])
    return load_xlsform_bytes(path.read_bytes(), path.name, group, attachments)


def load_xlsform_bytes(data: bytes, name: str, group: str | None = None, attachments: dict | None = None) -> Instrument:
    """Load an XLSForm workbook from its bytes; InstrumentError lists every problem."""
    definition, problems, rows, warnings = xlsform_definition(data, name, group, attachments)
    try:
        instrument = parse_instrument(definition, name)
    except InstrumentError as exc:
        located = []
        for p in exc.problems:
            if problems and p.reason == "sections must be a non-empty list":
                continue  # the questions were refused: their problems say why
            row = rows.get(p.where or "")
            reason = f"{p.reason} (survey sheet, row {row})" if row else p.reason
            located.append(Problem(p.source, p.where, reason))
        raise InstrumentError(_unique(problems + located)) from None
    if problems:
        raise InstrumentError(problems)
    return dataclasses.replace(instrument, warnings=tuple(warnings) + instrument.warnings)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.where, p.reason)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def xlsform_definition(data: bytes, name: str, group: str | None = None, attachments: dict | None = None):
    """(definition, problems, {question code: survey row}, warnings) of a workbook's bytes."""
    import openpyxl

    check_xlsx_zip(data, name)
    reader = XlsformChecker(name)
    with warnings.catch_warnings():  # openpyxl warns of spreadsheet extensions it drops; nothing of the form's
        warnings.simplefilter("ignore", UserWarning)
        return _read_book(openpyxl, reader, data, name, group, attachments or {})


def _read_book(openpyxl, reader: XlsformChecker, data: bytes, name: str, group: str | None, attachments: dict):
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise InstrumentError([Problem(name, None, "not a readable .xlsx workbook")]) from None
    try:
        sheets = _sheets(reader, values_book, formula_book, name)
        definition, rows = read_form(reader, sheets, name, group, attachments)
    finally:
        values_book.close()
        formula_book.close()
    return definition, reader.summarised(), rows, reader.warnings


def _sheets(reader: XlsformChecker, book, formula_book, name: str) -> dict:
    """The survey, choices and settings sheets (only survey is required), each read inside the guard."""
    by_name = {s.strip().lower(): s for s in book.sheetnames}
    if "survey" not in by_name and len(book.sheetnames) == 1:
        by_name["survey"] = book.sheetnames[0]
        reader.warn(None, f"the only sheet, {book.sheetnames[0][:40]!r}, is read as the survey sheet")
    if "survey" not in by_name:
        found = ", ".join(repr(s[:40]) for s in book.sheetnames[:10]) or "none"
        raise InstrumentError([Problem(name, None, f"the workbook needs a sheet named 'survey' (found {found})")])
    sheets = {}
    for sheet_name in ("survey", "choices", "settings", "external_choices"):
        real = by_name.get(sheet_name)
        if real is None:
            continue
        try:
            sheets[sheet_name] = read_sheet(reader, book[real], formula_book[real], sheet_name)
        except InstrumentError:
            raise
        except Exception:  # noqa: BLE001 (a damaged sheet's XML fails in many ways, lazily, while read)
            raise InstrumentError(
                [Problem(name, f"{sheet_name} sheet", "the sheet cannot be read; the file is damaged")]
            ) from None
    for other in ("entities", "osm"):
        if other in by_name:
            reader.warn(f"{other} sheet", "is not used by SCRI")
    return sheets
