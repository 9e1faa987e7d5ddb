"""One survey-sheet row → one question of the definition: its type as XLSForm spells it (old spellings
too), its texts in the form's languages and the XLSForm columns SCRI honours."""

from __future__ import annotations

import re
from typing import Any

from ..checking import Checker
from .texts import FormTexts
from .workbook import Sheet, quote

#: XLSForm types → ours.
TYPES = {
    "integer": "integer", "int": "integer", "decimal": "decimal", "text": "text", "string": "text",
    "note": "note", "calculate": "calculate", "hidden": "hidden", "date": "date", "time": "time",
    "datetime": "datetime", "range": "range", "acknowledge": "acknowledge", "trigger": "acknowledge",
    "barcode": "barcode", "geopoint": "geopoint", "gps": "geopoint", "location": "geopoint",
    "geotrace": "geotrace", "geoshape": "geoshape", "yesno": "yesno", "image": "image", "photo": "image",
    "audio": "audio", "video": "video", "file": "file",
}  # fmt: skip
LIST_TYPES = {"select_one": "single", "select_multiple": "multiple", "rank": "rank", "ties": "ties",
              "select_one_external": "single", "select_multiple_external": "multiple",
              "select_one_from_file": "single", "select_multiple_from_file": "multiple"}  # fmt: skip
#: Types that are not a question: what ODK records about the device or the session. SCRI keeps its own
#: start and submit times and nothing about the device.
METADATA = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
    "audit", "instanceid", "start-geopoint", "background-audio", "imei", "uri:deviceid", "uri:email",
    "uri:phonenumber", "uri:subscriberid", "uri:simserial", "uri:username", "phone", "xml-external",
    "csv-external", "background-geopoint",
}  # fmt: skip
LATER = {
    "begin_repeat": "a repeat", "begin_loop": "a loop",
}  # fmt: skip
_OLD = (
    (r"^select all that apply from\s+", "select_multiple "),
    (r"^select all that apply\s+", "select_multiple "),
    (r"^select (?:one )?from file\s+", "select_one_from_file "),
    (r"^select multiple from file\s+", "select_multiple_from_file "),
    (r"^select one from\s+", "select_one "),
    (r"^select one\s+", "select_one "),
    (r"^select multiple\s+", "select_multiple "),
    (r"^select1\s+", "select_one "),
    (r"^add select one prompt using\s+", "select_one "),
    (r"^add select multiple prompt using\s+", "select_multiple "),
    (r"^begin group\b", "begin_group"),
    (r"^end group\b", "end_group"),
    (r"^begin repeat\b", "begin_repeat"),
    (r"^end repeat\b", "end_repeat"),
    (r"^begin loop\b", "begin_loop"),
    (r"^end loop\b", "end_repeat"),
    (r"^date ?time$", "datetime"),
    (r"^select$", "select_one"),
)
TRUE = {"yes", "true", "1", "y", "true()"}
FALSE = {"no", "false", "0", "n", "false()"}
OUR_COLUMNS = ("construct", "reverse", "scale", "dont_know", "max_choices", "ego", "area", "max_length", "min", "max",
               "scri_type", "scri_relevant")  # fmt: skip
_BOUND = re.compile(r"^\s*\.\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def split_type(raw: str) -> tuple[str, str, bool]:
    """(kind, argument, or_other) of a type cell: `select one from yes_no` → ('select_one', 'yes_no', False)."""
    text = re.sub(r"\s+", " ", raw.strip())
    lowered = text.lower()
    for pattern, new in _OLD:
        match = re.match(pattern, lowered)
        if match:
            text = new + text[match.end() :]
            lowered = text.lower()
            break
    kind, _, arg = text.partition(" ")
    arg = arg.strip()
    if kind.lower() in ("phone", "device", "sim", "subscriber") and arg.lower() in ("number", "id", "serial"):
        kind, arg = kind + arg, ""
    lowered_arg = arg.lower()
    or_other = lowered_arg.endswith((" or_other", " or specify other"))
    if or_other:
        arg = arg[: arg.lower().rindex(" or")].strip()
    kind = kind.lower()
    if kind.replace(" ", "") in METADATA:
        kind = kind.replace(" ", "")
    return kind, arg, or_other


def flag(value: Any) -> bool | None:
    """yes/no, true/false, 1/0, true()/false() → bool; None for anything else (an expression)."""
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE or text == "":
        return False
    return None


def question(checker: Checker, sheet: Sheet, number: int, row: dict, qtype: str, texts: FormTexts) -> dict:
    """The question of one row (its type already known); problems go to `checker`."""
    name = str(sheet.value(row, "name") or "").strip()
    q: dict[str, Any] = {"code": name, "type": qtype}
    label = texts.texts(sheet, row, "label", f"label of {name}")
    if label is None and qtype not in ("calculate", "hidden"):
        label = {texts.default: name}
        checker.warn(sheet.where(number, "label"), f"{name} has no label; its name is shown instead")
    if label is not None:
        q["label"] = label
    for base, key in (("hint", "help"), ("guidance_hint", "guidance"), ("constraint_message", "constraint_message"),
                      ("required_message", "required_message")):  # fmt: skip
        value = texts.texts(sheet, row, base, f"{base} of {name}")
        if value:
            q[key] = value
    _required(checker, sheet, number, row, q)
    for base in ("relevant", "constraint", "calculation", "choice_filter", "appearance", "default"):
        value = sheet.value(row, base)
        if value not in (None, ""):
            q[base] = str(value).strip()
    if sheet.value(row, "read_only") not in (None, ""):
        read_only = flag(sheet.value(row, "read_only"))
        if read_only is None:
            checker.problem(sheet.where(number, "read_only"), "read_only must be yes or no")
        elif read_only:
            q["read_only"] = True
    _ours(checker, sheet, number, row, q)
    if qtype in ("integer", "decimal") and "constraint" in q:
        _bounds_from(q)
    if qtype == "range":
        _range(checker, sheet, number, row, q)
    if qtype == "image":
        pixels = re.search(r"max-pixels\s*=\s*(\d+)", str(sheet.value(row, "parameters") or ""))
        if pixels:
            q["max_pixels"] = int(pixels.group(1))
    return q


def _required(checker: Checker, sheet: Sheet, number: int, row: dict, q: dict) -> None:
    value = sheet.value(row, "required")
    if value in (None, ""):
        return
    required = flag(value)
    if required is None:
        q["required_if"] = str(value).strip()
    elif required:
        q["required"] = True


def _ours(checker: Checker, sheet: Sheet, number: int, row: dict, q: dict) -> None:
    """SCRI's own columns (construct, scale, bounds…), for forms written for SCRI."""
    for base in OUR_COLUMNS:
        value = sheet.value(row, base)
        if value in (None, ""):
            continue
        if base in ("reverse", "dont_know"):
            parsed = flag(value)
            if parsed is None:
                checker.problem(sheet.where(number, base), f"{base} must be yes or no, not {quote(value)}")
            elif parsed:
                q[base] = True
        elif base in ("min", "max", "max_length", "max_choices"):
            q[base] = number_of(value)
        else:
            q[base] = str(value).strip()


def number_of(value: Any) -> Any:
    """A cell as a number where it is one (a decimal comma allowed); else the text (the loader says why)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", ".")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return str(value)


def _bounds_from(q: dict) -> None:
    """min and max taken from a constraint such as `. >= 0 and . <= 120` (the constraint is kept too)."""
    parts = re.split(r"\band\b", q["constraint"])
    for part in parts:
        match = _BOUND.match(part)
        if not match:
            continue
        op, value = match.group(1), number_of(match.group(2))
        key = "min" if op.startswith(">") else "max"
        q.setdefault(key, value)


def _range(checker: Checker, sheet: Sheet, number: int, row: dict, q: dict) -> None:
    """A range's start, end and step from `parameters` (`start=0 end=10 step=1`; the defaults 1, 10, 1)."""
    found = {"start": 1, "end": 10, "step": 1}
    text = str(sheet.value(row, "parameters") or "")
    for key, value in re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", text):
        if key.lower() in found:
            found[key.lower()] = number_of(value)
    q["min"], q["max"], q["step"] = found["start"], found["end"], found["step"]
