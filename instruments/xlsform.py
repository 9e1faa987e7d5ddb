"""Read an XLSForm workbook (`survey`, `choices`, `settings` sheets) into an instrument definition.

The workbook is turned into the same mapping a YAML definition gives and then checked by
`loader.parse_instrument`, so every rule (missing translations, unknown codes, skip logic on earlier
questions) applies to both formats. Problems name the sheet and row where they can.

Safety: the zip is checked before it is opened (uncompressed size), only the first rows are read,
openpyxl runs in read-only mode and formulas are refused unless the workbook kept their saved values.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from . import relevance
from .domain import LANGUAGES
from .loader import InstrumentError, Problem, parse_instrument
from .model import Instrument

MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 30 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 80

LANGUAGE_NAMES = {"kazakh": "kk", "russian": "ru", "english": "en", "қазақша": "kk", "русский": "ru"}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "instanceid",
    "start-geopoint",
    "background-audio",
    "uri:deviceid",
    "uri:email",
    "uri:phonenumber",
    "uri:subscriberid",
    "uri:simserial",
    "uri:username",
}
SIMPLE_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
    "yesno": "yesno",
}
LIST_TYPES = {"select_one": "single", "select_multiple": "multiple", "ties": "ties"}
QUESTION_COLUMNS = {"construct", "reverse", "scale", "min", "max", "max_length", "dont_know", "max_choices", "ego"}
TRUE = {"yes", "true", "1", "y", "true()"}
FALSE = {"no", "false", "0", "n", "false()", ""}
_LANG_IN_PARENS = re.compile(r"\(([A-Za-z]{2})\)\s*$")


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, where: str | None, reason: str) -> None:
        self.problems.append(Problem(self.source, where, reason))

    # -- sheets ---------------------------------------------------------------------------------------

    def rows(self, sheet, formulas, name: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
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
                self.problem(f"{name} sheet", f"more than {MAX_ROWS} rows; split the questionnaire")
                break
            for column in formula_rows.get(number, ()):
                if column < len(cells) and cells[column] in (None, ""):
                    self.problem(
                        f"{name} sheet, row {number}",
                        "a formula without a saved value; replace formulas with plain values",
                    )
            row = {}
            for index, key in enumerate(header):
                if key and index < len(cells) and cells[index] not in (None, ""):
                    row[key] = cells[index]
            out.append((number, row))
        return header, out

    # -- texts ----------------------------------------------------------------------------------------

    def language_columns(self, header: list[str], base: str, sheet: str) -> dict[str, str]:
        """{lang: column} for `base::Kazakh (kk)` or `base::kk`; the plain `base` column is kept under ''."""
        found: dict[str, str] = {}
        for column in header:
            if not column:
                continue
            head, sep, tail = column.partition("::")
            if head.strip().lower() != base:
                continue
            if not sep:
                found[""] = column
                continue
            lang = _language(tail)
            if lang is None:
                self.problem(
                    f"{sheet} sheet",
                    f"column {column!r}: unknown language; use Kazakh (kk), Russian (ru) or English (en)",
                )
            else:
                found[lang] = column
        return found

    def texts(self, row: dict, columns: dict[str, str], where: str, what: str) -> dict | None:
        if not columns:
            return None
        texts = {
            lang: str(row[col]).strip()
            for lang, col in columns.items()
            if lang and row.get(col) not in (None, "") and str(row[col]).strip()
        }
        plain = row.get(columns.get("", ""), None) if "" in columns else None
        if plain not in (None, ""):
            for lang in LANGUAGES:
                if lang not in texts:
                    self.problem(
                        where,
                        f"missing translation: {what} in '{lang}' (only a {what} column without a language was given)",
                    )
                    texts[lang] = str(plain).strip()
        return texts or None


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
    return value


def _language(text: str) -> str | None:
    text = text.strip()
    match = _LANG_IN_PARENS.search(text)
    if match and match.group(1).lower() in LANGUAGES:
        return match.group(1).lower()
    lowered = text.lower()
    if lowered in LANGUAGES:
        return lowered
    return LANGUAGE_NAMES.get(lowered)


def _formula_cells(sheet) -> dict[int, list[int]]:
    """{row number: [column indexes]} of cells holding a formula."""
    found: dict[int, list[int]] = {}
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS * 2), start=1):
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                found.setdefault(number, []).append(index)
    return found


def _flag(value: Any) -> bool | None:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def _number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", ".")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return value  # the loader reports "must be a number"


def _code(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


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


def _read(book, formula_book, name: str) -> tuple[dict, list[Problem], dict[str, int]]:
    reader = _Reader(name)
    sheets = {s.strip().lower(): s for s in book.sheetnames}
    missing = [s for s in ("survey", "settings") if s not in sheets]
    if missing:
        found = ", ".join(repr(s) for s in book.sheetnames) or "none"
        raise InstrumentError(
            [
                Problem(
                    name,
                    None,
                    f"the workbook needs sheets named 'survey', 'choices' and "
                    f"'settings'; missing {', '.join(repr(m) for m in missing)} "
                    f"(found {found})",
                )
            ]
        )

    def read(sheet_name: str):
        real = sheets[sheet_name]
        return reader.rows(book[real], formula_book[real], sheet_name)

    survey_header, survey_rows = read("survey")
    settings_header, settings_rows = read("settings")
    choices_header, choices_rows = read("choices") if "choices" in sheets else ([], [])

    definition: dict[str, Any] = {}
    settings = settings_rows[0][1] if settings_rows else {}
    if not settings_rows:
        reader.problem("settings sheet", "row 2 must give form_id, version, group and form_title")
    lower = {k.lower(): k for k in settings}
    form_id = settings.get(lower.get("form_id", ""))
    definition["code"] = str(form_id) if form_id is not None else None
    version = settings.get(lower.get("version", ""))
    if isinstance(version, str) and version.strip().isdigit():
        version = int(version.strip())
    definition["version"] = version
    definition["group"] = settings.get(lower.get("group", ""))
    title_columns = reader.language_columns(settings_header, "form_title", "settings")
    definition["title"] = reader.texts(settings, title_columns, "settings sheet", "form_title")
    intro_columns = reader.language_columns(settings_header, "intro", "settings") or reader.language_columns(
        settings_header, "form_intro", "settings"
    )
    definition["intro"] = reader.texts(settings, intro_columns, "settings sheet", "intro")

    lists = _choice_lists(reader, choices_header, choices_rows)
    label_columns = reader.language_columns(survey_header, "label", "survey")
    hint_columns = reader.language_columns(survey_header, "hint", "survey")
    if "type" not in survey_header or "name" not in survey_header:
        reader.problem("survey sheet", "the first row must name the columns, including 'type' and 'name'")

    sections: list[dict] = []
    loose: dict | None = None
    group: dict | None = None
    rows_of: dict[str, int] = {}
    form_code = definition["code"] if isinstance(definition["code"], str) else "form"
    for number, row in survey_rows:
        where = f"survey sheet, row {number}"
        raw_type = str(row.get("type", "")).strip()
        kind, _, arg = re.sub(r"\s+", " ", raw_type).partition(" ")
        kind = kind.lower()
        qname = row.get("name")
        if kind in ("begin_group", "begin") and (kind == "begin_group" or arg.lower() == "group"):
            if group is not None:
                reader.problem(where, "groups inside groups are not supported; close the group first")
                continue
            group = {"code": qname, "title": reader.texts(row, label_columns, where, "label"), "questions": []}
            if qname:
                rows_of[str(qname)] = number
            sections.append(group)
            loose = None
            continue
        if kind in ("end_group", "end") and (kind == "end_group" or arg.lower() == "group"):
            if group is None:
                reader.problem(where, "end_group without a begin_group")
            group = None
            continue
        if kind in METADATA_TYPES and not arg:
            continue
        if not raw_type:
            reader.problem(where, "the type is empty")
            continue
        if "choice_filter" in {k.lower() for k in row}:
            reader.problem(f"{where} ({qname})", "choice_filter is not supported")
            continue
        if kind in SIMPLE_TYPES and not arg:
            qtype = SIMPLE_TYPES[kind]
        elif kind in LIST_TYPES and arg and " " not in arg:
            qtype = "likert" if kind == "select_one" and row.get("scale") not in (None, "") else LIST_TYPES[kind]
        else:
            reader.problem(
                f"{where} ({qname})" if qname else where,
                f"question type {raw_type!r} is not supported; use select_one LIST, select_multiple "
                "LIST, integer, decimal, text, yesno, ties LIST, begin_group or end_group",
            )
            continue
        question: dict[str, Any] = {"code": qname, "type": qtype}
        if qname:
            rows_of[str(qname)] = number
        question["label"] = reader.texts(row, label_columns, f"{qname or where}", "label")
        hint = reader.texts(row, hint_columns, f"{qname or where}", "hint")
        if hint:
            question["help"] = hint
        flag_where = f"{qname} ({where})"
        for key in ("required", "reverse", "dont_know"):
            if key in row:
                value = _flag(row[key])
                if value is None:
                    reader.problem(flag_where, f"{key} must be yes or no")
                elif key != "dont_know" or qtype == "yesno":
                    question[key] = value
        relevant = row.get("relevant")
        if relevant not in (None, ""):
            question["relevant"] = relevance.from_xlsform(str(relevant))
        for key in ("construct", "ego", "scale"):
            if row.get(key) not in (None, ""):
                if key == "scale" and qtype != "likert":
                    continue
                question[key] = str(row[key])
        for key in ("min", "max", "max_length", "max_choices"):
            if row.get(key) not in (None, ""):
                question[key] = _number(row[key])
        if qtype in ("single", "multiple", "ties"):
            if arg not in lists:
                reader.problem(flag_where, f"list {arg!r} is not on the choices sheet")
                question["choices"] = None
            else:
                question["choices"] = [
                    {k: v for k, v in c.items() if k != "sector" or qtype == "ties"} for c in lists[arg]
                ]
        if group is None:
            if loose is None:
                count = sum(1 for s in sections if s.get("loose"))
                loose = {
                    "code": form_code if not count else f"{form_code}_{count + 1}",
                    "title": definition["title"],
                    "questions": [],
                    "loose": True,
                }
                sections.append(loose)
            loose["questions"].append(question)
        else:
            group["questions"].append(question)
    if group is not None:
        reader.problem("survey sheet", f"group {group.get('code')!r} has no end_group")
    for section in sections:
        section.pop("loose", None)
    definition["sections"] = sections
    return definition, reader.problems, rows_of


def _choice_lists(reader: _Reader, header: list[str], rows: list[tuple[int, dict]]) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = {}
    if not rows:
        return lists
    if "list_name" not in header or "name" not in header:
        reader.problem("choices sheet", "the first row must name the columns list_name, name and label")
        return lists
    label_columns = reader.language_columns(header, "label", "choices")
    for number, row in rows:
        list_name = row.get("list_name")
        if list_name in (None, ""):
            reader.problem(f"choices sheet, row {number}", "list_name is empty")
            continue
        where = f"choices sheet, row {number} ({list_name})"
        choice: dict[str, Any] = {
            "code": _code(row.get("name")),
            "label": reader.texts(row, label_columns, where, "label"),
        }
        if row.get("sector") not in (None, ""):
            choice["sector"] = str(row["sector"])
        lists.setdefault(str(list_name), []).append(choice)
    return lists
