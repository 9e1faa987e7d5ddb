"""An XLSForm's sheets → an instrument definition mapping, read as pyxform reads them: settings optional,
groups nested (each group a page; a group's `relevant` applies to every question inside it), metadata
left out with a warning, `or_other` turned into an "Other" choice and a text question."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .. import xpath
from ..checking import Checker
from ..domain import GROUPS
from . import rows
from .attachments import AttachmentError, choices_from_file
from .export import NATIVE_FORMAT
from .headers import column
from .settings import choice_lists, form_code, settings_row, version_number
from .texts import FormTexts
from .workbook import Sheet, quote

OTHER_LABEL = {"kk": "Басқа", "ru": "Другое", "en": "Other"}
SPECIFY_LABEL = {"kk": "Нақтылаңыз", "ru": "Уточните", "en": "Specify other"}
#: Survey columns SCRI reads; any other column is named in a warning.
MAX_PROBLEMS = 40
CHOICE_COLUMNS = {"list_name", "name", "label", "sector"}  # and the columns choice filters read (kept)
SETTINGS_COLUMNS = {"form_id", "version", "form_title", "scri_title", "default_language", "group", "intro",
                    "scri_format", "allow_choice_duplicates"}  # fmt: skip
READ_COLUMNS = {
    "type", "name", "label", "hint", "guidance_hint", "required", "required_message", "relevant", "constraint",
    "constraint_message", "calculation", "choice_filter", "appearance", "default", "read_only", "parameters",
    "repeat_count", *rows.OUR_COLUMNS,
}  # fmt: skip


class XlsformChecker(Checker):
    """The problems of one workbook, and its warnings (what is read differently or left out)."""

    def __init__(self, source: str):
        super().__init__(source)
        self.warnings: list[str] = []
        self.untold = 0

    def problem(self, where: str | None, reason: str) -> None:
        """Record a problem; past MAX_PROBLEMS they are counted, and `summarised` says how many more."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.untold += 1
            return
        super().problem(where, reason)

    def summarised(self) -> list:
        if self.untold:
            super().problem(None, f"and {self.untold} more problems of the same kinds; fix these and upload again")
            self.untold = 0
        return self.problems

    def warn(self, where: str | None, text: str) -> None:
        self.warnings.append(f"{where}: {text}" if where else text)


def read_form(
    reader: XlsformChecker, sheets: dict[str, Sheet], name: str, group: str | None, attachments: dict | None = None
) -> tuple[dict, dict]:
    """(definition, {question code: survey row}) of a workbook's sheets."""
    survey, choices, settings_sheet = sheets["survey"], sheets.get("choices"), sheets.get("settings")
    settings, settings_cells = settings_row(settings_sheet)
    texts = FormTexts([s for s in (survey, choices, settings_sheet) if s], settings.get("default_language"))
    if not survey.has("type") or not survey.has("name"):
        reader.problem("survey sheet", "the first row must name the columns, including 'type' and 'name'")
    definition: dict[str, Any] = {
        "code": form_code(settings.get("form_id"), name),
        "group": _group(reader, group, settings.get("group")),
        "version": version_number(settings.get("version")),
    }
    title = None
    if settings_sheet:  # the title in every language (SCRI's column: pyxform reads form_title as one text)
        title = texts.texts(settings_sheet, settings_cells, "scri_title", "form_title") or texts.texts(
            settings_sheet, settings_cells, "form_title", "form_title"
        )
    definition["title"] = title or {texts.default: str(settings.get("form_title") or definition["code"])}
    intro = texts.texts(settings_sheet, settings_cells, "intro", "intro") if settings_sheet else None
    definition["intro"] = intro or dict(definition["title"])
    lists = choice_lists(reader, choices, texts, _filter_columns(survey))
    external = choice_lists(reader, sheets.get("external_choices"), texts, _filter_columns(survey))
    lists.update({f"external:{name}": items for name, items in external.items()})
    walker = _Sections(reader, survey, texts, lists, definition)
    walker.attachments = {Path(k).name.lower(): v for k, v in (attachments or {}).items()}
    definition["sections"], rows_of = walker.read()
    if not definition["sections"] and not reader.problems:
        reader.problem("survey sheet", "the survey sheet has no questions")
    if str(settings.get("scri_format") or "") == NATIVE_FORMAT:  # exported from a SCRI questionnaire
        return native_definition(definition), rows_of
    _our_types(definition)
    form: dict[str, Any] = {"form_id": str(settings.get("form_id") or definition["code"])}
    if settings.get("version") not in (None, ""):
        form["version"] = str(settings["version"])
    form["languages"] = texts.languages
    form["default_language"] = texts.default
    if walker.kept_metadata:
        form["metadata"] = walker.kept_metadata
    definition["xlsform"] = form
    filters = CHOICE_COLUMNS | {column(name)[0] for name in _filter_columns(survey)}
    for sheet, known in ((survey, READ_COLUMNS), (choices, filters), (settings_sheet, SETTINGS_COLUMNS)):
        unread = sorted({c[3] for c in sheet.columns if c[1] not in known}) if sheet is not None else []
        if unread:
            reader.warn(
                f"{sheet.name} sheet",
                "columns SCRI does not use are left out: " + ", ".join(quote(c) for c in unread[:12]),
            )
    reader.warnings.extend(texts.warnings())
    return definition, rows_of


#: What only an uploaded XLSForm carries, left out when a SCRI questionnaire comes back in its own format.
XLSFORM_ONLY = ("constraint", "constraint_message", "required_if", "required_message", "calculation", "appearance",
                "default", "read_only", "choice_filter", "guidance")  # fmt: skip


def _our_types(definition: dict) -> None:
    """`scri_type` (yesno, ties: types only SCRI has) over the standard type the workbook gives ODK."""
    for section in definition["sections"]:
        for q in section["questions"]:
            kind = q.pop("scri_type", None)
            q.pop("scri_relevant", None)
            if kind == "yesno":
                q["type"] = "yesno"
                q.pop("choices", None)
            elif kind == "ties":
                q["type"] = "ties"


def native_definition(definition: dict) -> dict:
    """A workbook exported from a questionnaire of our own format, read back into that format: conditions
    from `scri_relevant`, the XPath and constraints derived for ODK left out."""
    _types = {q["code"]: q.pop("scri_type", None) for s in definition["sections"] for q in s["questions"]}
    for section in definition["sections"]:
        for q in section["questions"]:
            relevant = q.pop("scri_relevant", None)
            q.pop("relevant", None)
            if relevant:
                q["relevant"] = relevant
            for key in XLSFORM_ONLY:
                q.pop(key, None)
            kind = _types.get(q["code"])
            if kind == "yesno":
                q["type"] = "yesno"
                q.pop("choices", None)
            elif kind == "ties":
                q["type"] = "ties"
            if q["type"] not in ("single", "multiple", "ties"):
                q.pop("choices", None)
    return definition


def _group(reader: XlsformChecker, chosen: str | None, written: Any) -> str | None:
    group = chosen or (str(written).strip() if written not in (None, "") else None)
    if group is None:
        reader.problem(None, f"choose the stakeholder group the questionnaire is for: {', '.join(GROUPS)}")
    return group


def _filter_columns(survey: Sheet) -> set[str]:
    """The choices-sheet columns that choice_filter expressions read."""
    found: set[str] = set()
    for _number, row in survey.rows:
        text = survey.value(row, "choice_filter")
        if text in (None, ""):
            continue
        try:
            found |= {node[1] for node in xpath.walk(xpath.parse(str(text))) if node[0] == "col"}
        except xpath.ExpressionError:
            continue  # reported with its row when the question is checked
    return found


class _Sections:
    """Walks the survey rows with a stack of open groups; every group boundary starts a new page."""

    def __init__(self, reader: XlsformChecker, survey: Sheet, texts: FormTexts, lists: dict, definition: dict):
        self.reader, self.survey, self.texts, self.lists = reader, survey, texts, lists
        self.form_title = definition["title"]
        self.form_code = definition["code"]
        self.stack: list[dict] = []  # open groups: {code, title, relevant, repeat, number}
        self.sections: list[dict] = []
        self.current: dict | None = None
        self.rows_of: dict[str, int] = {}
        self.metadata: list[str] = []
        self.kept_metadata: list[list[str]] = []  # [type, name]: written back when the form is exported

    def read(self) -> tuple[list[dict], dict[str, int]]:
        for number, row in self.survey.rows:
            self.row(number, row)
        for group in reversed(self.stack):
            self.reader.problem(
                self.survey.where(group["number"], "type"), f"group {quote(group['code'])} has no end_group"
            )
        if self.metadata:
            self.reader.warn(
                "survey sheet",
                "device and session metadata are not collected (SCRI keeps only its own start and submit times): "
                + ", ".join(self.metadata[:10]),
            )
        return [s for s in self.sections if s["questions"]], self.rows_of

    def row(self, number: int, row: dict) -> None:
        raw = self.survey.value(row, "type")
        if raw in (None, ""):
            if any(k != self.survey.index("type") for k in row):
                self.reader.problem(self.survey.where(number, "type"), "the type is empty")
            return
        kind, arg, or_other = rows.split_type(str(raw))
        if kind in ("begin_group", "begin_repeat", "begin_loop"):
            return self.begin(number, row, kind)
        if kind in ("end_group", "end_repeat"):
            return self.end(number)
        if kind in rows.METADATA and not arg:
            self.metadata.append(f"{kind} (row {number})")
            self.kept_metadata.append([kind, str(self.survey.value(row, "name") or kind)])
            return
        qtype = self.type_of(number, row, kind, arg, raw)
        if qtype is None:
            return
        if self.survey.value(row, "name") in (None, ""):
            if qtype != "note":
                self.reader.problem(self.survey.where(number, "name"), f"the {quote(raw)} question has no name")
                return
            row = {**row, self.survey.index("name"): f"note_{number}"}
        question = rows.question(self.reader, self.survey, number, row, qtype, self.texts)
        if kind.endswith("_from_file"):
            return self.from_file(number, row, question, arg)
        self.place(number, question, f"external:{arg}" if kind.endswith("_external") else arg, or_other)

    def type_of(self, number: int, row: dict, kind: str, arg: str, raw: Any) -> str | None:
        where = self.survey.where(number, "type")
        if kind in rows.LATER:
            self.reader.problem(where, f"{quote(raw)}: questions that ask for {rows.LATER[kind]} are not supported yet")
            return None
        if kind in rows.LIST_TYPES and arg:
            if kind == "select_one" and self.survey.value(row, "scale") not in (None, ""):
                return "likert"
            return rows.LIST_TYPES[kind]
        if kind in rows.TYPES and not arg:
            return rows.TYPES[kind]
        self.reader.problem(where, f"the question type {quote(raw)} is not an XLSForm type SCRI knows")
        return None

    def begin(self, number: int, row: dict, kind: str) -> None:
        code = str(self.survey.value(row, "name") or "").strip() or f"group_{number}"
        title = self.texts.texts(self.survey, row, "label", f"label of group {code}")
        relevant = self.survey.value(row, "relevant")
        group = {
            "code": code,
            "title": title,
            "relevant": str(relevant).strip() if relevant else None,
            "number": number,
        }
        if kind in ("begin_repeat", "begin_loop"):
            if any(g.get("repeat") is not None for g in self.stack):
                self.reader.problem(self.survey.where(number, "type"), "a repeat inside a repeat is not supported")
            group["repeat"] = self.repeat(number, row, kind)
        self.stack.append(group)
        if kind in ("begin_repeat", "begin_loop") or not self.in_repeat():
            self.current = None  # a group inside a repeat stays on the repeat's page

    def in_repeat(self) -> bool:
        return any(g.get("repeat") is not None for g in self.stack)

    def repeat(self, number: int, row: dict, kind: str) -> dict:
        """How often a repeat is answered: `repeat_count` (an expression), the choices of a `begin loop over`
        list, or as often as the respondent adds one."""
        found: dict = {}
        count = self.survey.value(row, "repeat_count")
        if count not in (None, ""):
            found["count"] = str(count).strip()
        if kind == "begin_loop":
            raw = str(self.survey.value(row, "type"))
            over = raw.split(" over ", 1)[1].strip() if " over " in raw else ""
            if over not in self.lists:
                self.reader.problem(
                    self.survey.where(number, "type"), f"the list {quote(over)} is not on the choices sheet"
                )
            else:
                found["count"] = str(len(self.lists[over]))
                found["titles"] = [c["label"] for c in self.lists[over]]
        return found

    def end(self, number: int) -> None:
        if not self.stack:
            self.reader.problem(self.survey.where(number, "type"), "end_group without a begin_group")
            return
        closed = self.stack.pop()
        if closed.get("repeat") is not None or not self.in_repeat():
            self.current = None

    def page(self) -> dict:
        """The page new questions go on: the innermost open group's (a new page after each boundary)."""
        if self.current is None:
            repeat = next((g for g in reversed(self.stack) if g.get("repeat") is not None), None)
            group = repeat or (self.stack[-1] if self.stack else None)
            code = group["code"] if group else self.form_code
            title = next((g["title"] for g in reversed(self.stack) if g["title"]), None) or self.form_title
            taken = {s["code"] for s in self.sections}
            unique, n = code, 2
            while unique in taken:
                unique, n = f"{code}_{n}", n + 1
            self.current = {"code": unique, "title": title, "questions": []}
            if repeat is not None:
                self.current["repeat"] = dict(repeat["repeat"])
            self.sections.append(self.current)
        return self.current

    def place(self, number: int, question: dict, arg: str, or_other: bool, choices_given: bool = False) -> None:
        conditions = [g["relevant"] for g in self.stack if g["relevant"]]
        if question.get("relevant"):
            conditions.append(question["relevant"])
        if conditions:
            question["relevant"] = " and ".join(f"({c})" for c in conditions) if len(conditions) > 1 else conditions[0]
        if question["type"] in ("single", "multiple", "rank", "ties", "likert") and not choices_given:
            self.attach_choices(number, question, arg, or_other)
        if question["code"] in self.rows_of:
            self.rename(number, question)
        if question["code"]:
            self.rows_of[question["code"]] = number
        page = self.page()
        page["questions"].append(question)
        if or_other and question["type"] in ("single", "multiple"):
            page["questions"].append(self.other(question))

    def rename(self, number: int, question: dict) -> None:
        """A name used again in another group (XForms allows it: the paths differ) gets its group's name."""
        old = question["code"]
        group = self.stack[-1]["code"] if self.stack else "q"
        new, n = f"{group}_{old}"[:64], 2
        while new in self.rows_of:
            new, n = f"{group}_{old}_{n}"[:64], n + 1
        question["code"] = new
        self.reader.warn(self.survey.where(number, "name"), f"{old} is used earlier in the form; here it is {new}")

    def from_file(self, number: int, row: dict, question: dict, file_name: str) -> None:
        """A select whose choices come from a file attached with the form (read into the definition)."""
        data = self.attachments.get(Path(file_name).name.lower())
        where = self.survey.where(number, "type")
        if data is None:
            self.reader.problem(
                where, f"the choices of {question['code']} come from {quote(file_name)}: attach that file with the form"
            )
            return
        params = dict(re.findall(r"(value|label)\s*=\s*(\S+)", str(self.survey.value(row, "parameters") or "")))
        try:
            choices = choices_from_file(
                file_name, data, self.texts.default, params.get("value", "name"), params.get("label", "label")
            )
        except AttachmentError as exc:
            self.reader.problem(where, str(exc))
            return
        question["choices"] = choices
        self.place(number, question, "", False, choices_given=True)

    def in_form_languages(self, texts: dict[str, str]) -> dict[str, str]:
        """A text SCRI adds, in each of the form's languages (English where we have no word of it)."""
        return {lang: texts.get(lang, texts["en"]) for lang in self.texts.languages}

    def attach_choices(self, number: int, question: dict, arg: str, or_other: bool) -> None:
        if question["type"] == "likert":
            return
        if arg not in self.lists:
            sheet = "external_choices" if arg.startswith("external:") else "choices"
            name = arg.removeprefix("external:")
            self.reader.problem(
                self.survey.where(number, "type"), f"the list {quote(name)} is not on the {sheet} sheet"
            )
            question["choices"] = None
            return
        choices = [dict(c) for c in self.lists[arg]]
        if question["type"] != "ties" and question.get("scri_type") != "ties":
            for c in choices:
                c.pop("sector", None)
        if or_other and all(c["code"] != "other" for c in choices):
            choices.append({"code": "other", "label": self.in_form_languages(OTHER_LABEL)})
        question["choices"] = choices

    def other(self, question: dict) -> dict:
        """The text question pyxform adds after a select with `or_other`."""
        code = question["code"]
        condition = f"selected(${{{code}}}, 'other')"
        relevant = f"({question['relevant']}) and {condition}" if question.get("relevant") else condition
        return {
            "code": f"{code}_other",
            "type": "text",
            "label": self.in_form_languages(SPECIFY_LABEL),
            "relevant": relevant,
        }
