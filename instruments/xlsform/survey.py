"""The rows of an XLSForm's survey, choices and settings sheets → an instrument definition mapping."""

from __future__ import annotations

import re
from typing import Any

from .. import relevance
from ..checking import Problem
from ..loader import InstrumentError
from .texts import XlsformChecker
from .workbook import sheet_rows

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


def _read(book, formula_book, name: str) -> tuple[dict, list[Problem], dict[str, int]]:
    reader = XlsformChecker(name)
    (survey_header, survey_rows), (settings_header, settings_rows), (choices_header, choices_rows) = _sheets(
        reader, book, formula_book, name
    )
    definition = _settings(reader, settings_header, settings_rows)
    lists = _choice_lists(reader, choices_header, choices_rows)
    columns = (
        reader.language_columns(survey_header, "label", "survey"),
        reader.language_columns(survey_header, "hint", "survey"),
    )
    if "type" not in survey_header or "name" not in survey_header:
        reader.problem("survey sheet", "the first row must name the columns, including 'type' and 'name'")
    definition["sections"], rows_of = _sections(reader, survey_rows, definition, lists, columns)
    return definition, reader.problems, rows_of


def _sheets(reader: XlsformChecker, book, formula_book, name: str):
    """(header, rows) of the survey, settings and choices sheets (choices may be absent)."""
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
        return sheet_rows(reader, book[real], formula_book[real], sheet_name)

    return read("survey"), read("settings"), read("choices") if "choices" in sheets else ([], [])


def _sections(reader: XlsformChecker, survey_rows, definition: dict, lists, columns) -> tuple[list[dict], dict]:
    """The survey rows as sections (a group each; questions outside groups in sections of the form's own)."""
    label_columns, hint_columns = columns
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
        qtype = _question_type(kind, arg, row)
        if qtype is None:
            reader.problem(
                f"{where} ({qname})" if qname else where,
                f"question type {raw_type!r} is not supported; use select_one LIST, select_multiple "
                "LIST, integer, decimal, text, yesno, ties LIST, begin_group or end_group",
            )
            continue
        if qname:
            rows_of[str(qname)] = number
        question = _question(reader, row, qname, qtype, arg, where, lists, label_columns, hint_columns)
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
    return sections, rows_of


def _settings(reader: XlsformChecker, header: list[str], rows: list[tuple[int, dict]]) -> dict[str, Any]:
    """Code, version, group, title and intro from the settings sheet's first row."""
    settings_rows, settings_header = rows, header
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

    return definition


def _question_type(kind: str, arg: str, row: dict) -> str | None:
    """Our question type for an XLSForm type (`select_one` with a `scale` is Likert); None: unsupported."""
    if kind in SIMPLE_TYPES and not arg:
        return SIMPLE_TYPES[kind]
    if kind in LIST_TYPES and arg and " " not in arg:
        return "likert" if kind == "select_one" and row.get("scale") not in (None, "") else LIST_TYPES[kind]
    return None


def _question(
    reader: XlsformChecker, row: dict, qname, qtype: str, arg: str, where: str, lists, label_columns, hint_columns
) -> dict[str, Any]:
    """One survey row as a question of the definition."""
    question: dict[str, Any] = {"code": qname, "type": qtype}
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
            question["choices"] = [{k: v for k, v in c.items() if k != "sector" or qtype == "ties"} for c in lists[arg]]
    return question


def _choice_lists(reader: XlsformChecker, header: list[str], rows: list[tuple[int, dict]]) -> dict[str, list[dict]]:
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
