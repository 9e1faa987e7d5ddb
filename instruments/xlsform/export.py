"""Any instrument as an XLSForm workbook that pyxform converts and that re-imports to the same definition
(the same content hash).

Standard columns carry what XLSForm knows (types, labels in every language, hints, `required`, `relevant`
in XPath, constraints, choices); SCRI's own columns carry the rest (`scale`, `construct`, `reverse`, `area`,
`dont_know`, `max_choices`, `ego`, `sector`, `min`, `max`, `max_length`, `scri_type`, `scri_relevant`), and
ODK tools ignore them. A questionnaire of our own format says so in the settings sheet (`scri_format`), so
its conditions come back in our language; an uploaded XLSForm comes back as an XLSForm."""

from __future__ import annotations

import io
from typing import Any

from ..domain import LANGUAGES
from ..model import Instrument
from ..relevance import parse
from .headers import language_name

NATIVE_FORMAT = "1"
#: Our types that XLSForm spells differently.
XLSFORM_TYPE = {"single": "select_one", "multiple": "select_multiple", "likert": "select_one", "yesno": "select_one",
                "ties": "select_multiple", "rank": "rank", "range": "range", "image": "image"}  # fmt: skip
OUR_COLUMNS = ("scale", "construct", "reverse", "area", "dont_know", "max_choices", "ego", "min", "max", "max_length")
YESNO = {"yes": {"kk": "Иә", "ru": "Да", "en": "Yes"}, "no": {"kk": "Жоқ", "ru": "Нет", "en": "No"},
         "dont_know": {"kk": "Білмеймін", "ru": "Затрудняюсь ответить", "en": "Don't know"}}  # fmt: skip


def export_xlsform(instrument: Instrument) -> bytes:
    """The workbook's bytes (survey, choices and settings sheets)."""
    import openpyxl

    definition = instrument.definition
    native = "xlsform" not in definition
    languages = list(LANGUAGES) if native else list(definition["xlsform"]["languages"])
    survey, lists = _survey(definition, languages, native)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (
        ("survey", survey),
        ("choices", _choices(lists, languages)),
        ("settings", _settings(definition, languages, native, lists)),
    ):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(base: str, lang: str) -> str:
    return f"{base}::{language_name(lang)}" if lang in LANGUAGES else f"{base}::{lang}"


TRANSLATED = ("label", "hint", "guidance_hint", "constraint_message", "required_message")  # per language
PLAIN = ("required", "relevant", "constraint", "calculation", "choice_filter", "appearance", "default", "read_only",
         "parameters", "repeat_count", "scri_type", "scri_relevant", *OUR_COLUMNS)  # fmt: skip


def _survey(definition: dict, languages: list[str], native: bool) -> tuple[list[list], dict[str, list]]:
    header = ["type", "name", *(_header(b, lang) for b in TRANSLATED for lang in languages), *PLAIN]
    rows: list[list] = [header]
    lists: dict[str, list] = {}
    for kind, name in (definition.get("xlsform") or {}).get("metadata", []):  # start, end… as the form had them
        rows.append(_row(header, {"type": kind, "name": name}, languages))
    for section in definition["sections"]:
        repeat = section.get("repeat")
        opening = {"type": "begin_repeat" if repeat is not None else "begin_group", "name": section["code"],
                   "label": section["title"], "repeat_count": (repeat or {}).get("count")}  # fmt: skip
        if repeat and repeat.get("titles"):  # a loop over a list: one entry per item, titled by it
            entries = f"{section['code']}_entries"
            lists[entries] = [{"code": f"e{n}", "label": t} for n, t in enumerate(repeat["titles"], start=1)]
            opening.update(type=f"begin loop over {entries}", repeat_count=None)
        rows.append(_row(header, opening, languages))
        for q in section["questions"]:
            rows.append(_row(header, _question(q, lists, native), languages))
        closing = "end_group" if repeat is None else ("end loop" if repeat.get("titles") else "end_repeat")
        rows.append(_row(header, {"type": closing}, languages))
    return rows, lists


def _question(q: dict, lists: dict[str, list], native: bool) -> dict[str, Any]:
    kind = q["type"]
    out: dict[str, Any] = {k: v for k, v in q.items() if k not in ("type", "code", "choices", "help", "guidance")}
    out.update(name=q["code"], hint=q.get("help"), guidance_hint=q.get("guidance"))
    list_name = None
    if kind == "likert":
        list_name = f"scale_{q['scale']}"
        lists.setdefault(list_name, [{"code": c["code"], "label": c["label"]} for c in q["choices"]])
    elif kind == "yesno":
        list_name = "yes_no_dont_know" if q.get("dont_know") else "yes_no"
        codes = ("yes", "no", "dont_know") if q.get("dont_know") else ("yes", "no")
        lists.setdefault(list_name, [{"code": c, "label": YESNO[c]} for c in codes])
        out["scri_type"] = "yesno"
    elif kind in ("single", "multiple", "ties", "rank"):
        list_name = q["code"]
        lists[list_name] = q["choices"]
        if kind == "ties":
            out["scri_type"] = "ties"
    out["type"] = f"{XLSFORM_TYPE.get(kind, kind)} {list_name}" if list_name else XLSFORM_TYPE.get(kind, kind)
    for flag in ("required", "reverse", "dont_know", "read_only"):
        out[flag] = "yes" if q.get(flag) else None
    if q.get("required_if"):
        out["required"] = q["required_if"]
    if kind == "range":
        out["parameters"] = f"start={q['min']:g} end={q['max']:g} step={q.get('step') or 1:g}"
        out["min"] = out["max"] = out["step"] = None
    if kind == "image" and q.get("max_pixels"):
        out["parameters"] = f"max-pixels={q['max_pixels']}"
        out.pop("max_pixels")
    if native:
        _native_expressions(q, out)
    return out


def _native_expressions(q: dict, out: dict) -> None:
    """Our condition language kept in `scri_relevant`; `relevant` in XPath with the same meaning for ODK;
    bounds and lengths as constraints ODK checks."""
    if q.get("relevant"):
        out["scri_relevant"] = q["relevant"]
        out["relevant"] = to_xpath(parse(q["relevant"]))
    if q["type"] in ("integer", "decimal"):
        out["constraint"] = f". >= {q['min']:g} and . <= {q['max']:g}"
    if q["type"] == "text" and q.get("max_length"):
        out["constraint"] = f"string-length(.) <= {q['max_length']}"


def to_xpath(tree: list) -> str:
    """Our condition as XPath with the same meaning (a comparison with an unanswered question is false)."""
    kind = tree[0]
    if kind in ("or", "and"):
        return f"({to_xpath(tree[1])} {kind} {to_xpath(tree[2])})"
    if kind == "not":
        return f"not({to_xpath(tree[1])})"
    if kind == "answered":
        return f"${{{tree[1]}}} != ''"
    if kind == "contains":
        return f"selected(${{{tree[1]}}}, {_literal(tree[2])})"
    if kind == "in":
        return "(" + " or ".join(f"${{{tree[1]}}} = {_literal(v)}" for v in tree[2]) + ")"
    op, name, value = tree[1], tree[2], tree[3]
    comparison = f"${{{name}}} {'=' if op == '==' else op} {_literal(value)}"
    return f"(${{{name}}} != '' and {comparison})" if op == "!=" else comparison


def _literal(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"


def _row(header: list[str], values: dict[str, Any], languages: list[str]) -> list:
    row = []
    for column in header:
        base, _sep, lang = column.partition("::")
        if _sep:
            texts = values.get(base)
            code = next((c for c in languages if _header(base, c) == column), None)
            row.append((texts or {}).get(code) if isinstance(texts, dict) else None)
        else:
            value = values.get(column)
            row.append(None if value in (None, False) else value)
    return row


def _choices(lists: dict[str, list], languages: list[str]) -> list[list]:
    extra = sorted({k for items in lists.values() for c in items for k in (c.get("columns") or {})})
    rows: list[list] = [["list_name", "name", *(_header("label", lang) for lang in languages), "sector", *extra]]
    for name, items in lists.items():
        for c in items:
            labels = [c["label"].get(lang) for lang in languages]
            columns = c.get("columns") or {}
            rows.append([name, c["code"], *labels, c.get("sector"), *(columns.get(k) for k in extra)])
    return rows


def _settings(definition: dict, languages: list[str], native: bool, lists: dict[str, list]) -> list[list]:
    form = definition.get("xlsform") or {}
    header = [
        "form_id",
        "version",
        "group",
        "default_language",
        "form_title",
        *(_header(b, lang) for b in ("scri_title", "intro") for lang in languages),
    ]
    default = language_name(form["default_language"]) if form.get("default_language") else None
    values = [
        form.get("form_id", definition["code"]),
        form.get("version") if form else str(definition["version"]),
        definition["group"],
        default,
    ]
    values.append(definition["title"].get(languages[0]) or next(iter(definition["title"].values()), ""))
    values += [definition["title"].get(lang) for lang in languages] + [
        definition["intro"].get(lang) for lang in languages
    ]
    if any(len({c["code"] for c in items}) < len(items) for items in lists.values()):
        header.append("allow_choice_duplicates")  # cascading lists repeat a name under different parents
        values.append("yes")
    if native:
        header.append("scri_format")
        values.append(NATIVE_FORMAT)
    return [header, values]
