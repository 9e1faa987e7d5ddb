"""The settings sheet (every cell optional) and the choices sheet of an XLSForm."""

from __future__ import annotations

import re
from typing import Any

from ..checking import Checker
from .texts import FormTexts
from .workbook import Sheet, quote

MAX_VERSION = 2**31 - 1
#: Columns of the choices sheet that are ours: the sector of an actor in a `ties` list.
OUR_CHOICE_COLUMNS = {"sector"}


def settings_row(sheet: Sheet | None) -> tuple[dict[str, Any], dict]:
    """({column: value} of the settings sheet's first row, that row for translated cells)."""
    if sheet is None or not sheet.rows:
        return {}, {}
    row = sheet.rows[0][1]
    return {base: row[i] for i, base, lang, _raw in sheet.columns if lang is None and i in row}, row


def form_code(form_id: Any, file_name: str) -> str:
    """Our instrument code from form_id (or the file name): lower-case letters, digits and _, at most 40."""
    text = str(form_id).strip() if form_id not in (None, "") else re.sub(r"\.[A-Za-z]+$", "", file_name)
    code = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not code or not code[0].isalpha():
        code = f"form_{code}".rstrip("_")
    return code[:40].rstrip("_")


def version_number(version: Any) -> int:
    """The whole-number version of an XLSForm version (`2024010101`, `2024-01-15`, `1.2`): its digits, or 1."""
    digits = re.sub(r"\D", "", str(version)) if version not in (None, "") else ""
    number = int(digits[:10]) if digits else 1
    return number if 1 <= number <= MAX_VERSION else int(digits[:9] or 1) or 1


def choice_lists(checker: Checker, sheet: Sheet | None, texts: FormTexts, wanted_columns: set[str]) -> dict:
    """{list name: [choice]} of the choices sheet; `wanted_columns` are the columns choice_filters read."""
    lists: dict[str, list[dict]] = {}
    if sheet is None or not sheet.rows:
        return lists
    if not sheet.has("list_name") or not sheet.has("name"):
        checker.problem("choices sheet", "the first row must name the columns list_name, name and label")
        return lists
    by_header = {w.lower(): w for w in wanted_columns}
    extra = [
        (i, base if lang is None and base in wanted_columns else by_header[raw.lower()])
        for i, base, lang, raw in sheet.columns
        if (lang is None and base in wanted_columns) or raw.lower() in by_header
    ]
    for number, row in sheet.rows:
        list_name = sheet.value(row, "list_name")
        name = sheet.value(row, "name")
        if list_name in (None, "") and name in (None, ""):
            continue
        where = sheet.where(number, "name")
        if list_name in (None, ""):
            checker.problem(sheet.where(number, "list_name"), "list_name is empty")
            continue
        if name in (None, ""):
            checker.problem(where, f"the choice of list {quote(list_name)} has no name")
            continue
        choice: dict[str, Any] = {"code": str(name).strip()}
        choice["label"] = texts.texts(sheet, row, "label", f"choice {choice['code']} of {list_name}") or {
            texts.default: choice["code"]
        }
        if sheet.value(row, "sector") not in (None, ""):
            choice["sector"] = str(sheet.value(row, "sector"))
        columns = {base: str(row[i]) for i, base in extra if i in row}
        if columns:
            choice["columns"] = columns
        lists.setdefault(str(list_name).strip(), []).append(choice)
    return lists
