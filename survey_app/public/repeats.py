"""A repeated page (XLSForm begin_repeat): the same questions answered once per entry — each child of the
household, each visit — as often as `repeat_count` says or as the respondent adds entries.

The page's fields are named `r<n>.<code>` for entry n; the entries are stored as one answer under the page's
code, a list of {question code: value}. Inside an entry an expression sees the entry's own answers over the
rest of the questionnaire's, as ODK reads `${name}` inside a repeat."""

from __future__ import annotations

import dataclasses
import math

from flask import request
from werkzeug.datastructures import MultiDict

from instruments import xpath
from instruments.model import Instrument, Question, Section

from . import form_logic as logic


def prefix(number: int) -> str:
    return f"r{number}."


def entries(section: Section, answers: dict) -> list[dict]:
    stored = answers.get(section.code)
    return [e for e in stored if isinstance(e, dict)] if isinstance(stored, list) else []


def fixed_count(section: Section, instrument: Instrument | None, answers: dict) -> int | None:
    """The number of entries `repeat_count` gives (0 to the page's maximum), or None when the respondent decides."""
    if section.count_tree is None:
        return None
    number = xpath.to_number(xpath.evaluate(section.count_tree, logic.env(instrument, answers)))
    return 0 if math.isnan(number) else int(min(max(number, 0), section.most))


def count(section: Section, instrument: Instrument | None, answers: dict) -> int:
    """How many entries the page shows now."""
    fixed = fixed_count(section, instrument, answers)
    return fixed if fixed is not None else max(1, min(len(entries(section, answers)), section.most))


def field_names(section: Section, field_names_of) -> set[str]:
    """Every form field a repeated page may post (for the page's check of unexpected fields)."""
    return {
        prefix(n) + name for n in range(1, section.most + 1) for q in section.questions for name in field_names_of(q)
    }


def _entry_form(number: int) -> tuple[MultiDict, dict]:
    mark = prefix(number)
    form = MultiDict([(k[len(mark) :], v) for k, v in request.form.items(multi=True) if k.startswith(mark)])
    files = {k[len(mark) :]: f for k, f in request.files.items() if k.startswith(mark)}
    return form, files


def read_repeat(section: Section, answers: dict, lenient: bool, instrument, save_file) -> tuple[dict, dict[str, str]]:
    """(answers with the page's entries as posted, errors keyed `r<n>.<code>`); `action` add/remove:<n>."""
    from .page_answers import read_questions

    outside = {k: v for k, v in answers.items() if k != section.code}
    before = entries(section, answers)
    shown = count(section, instrument, answers)
    if fixed_count(section, instrument, answers) is None:  # the entries the page showed, added ones too
        shown = max(shown, min(_posted(), section.most))
    errors: dict[str, str] = {}
    out: list[dict] = []
    fixed = fixed_count(section, instrument, answers) is not None
    for number in range(1, shown + 1):
        form, files = _entry_form(number)
        earlier = before[number - 1] if number - 1 < len(before) else {}
        blank = not any(v.strip() for v in form.values()) and not any(f.filename for f in files.values())
        if not fixed and number > 1 and blank and not earlier:
            continue  # an entry added and left empty is not kept
        merged = dict(outside)
        save = _saver(save_file, number)
        errors |= read_questions(
            section.questions, merged, earlier, lenient, instrument, save, None, form, files, prefix(number)
        )
        out.append({q.code: merged[q.code] for q in section.questions if q.code in merged})
    action = request.form.get("action", "")
    if action.startswith("remove:") and action[7:].isdigit() and 1 <= int(action[7:]) <= len(out):
        del out[int(action[7:]) - 1]
    return {**outside, section.code: out}, errors


def _posted() -> int:
    """The highest entry number among the posted fields."""
    numbers = [0]
    for name in [*request.form, *request.files]:
        head, dot, _rest = name.partition(".")
        if dot and head[:1] == "r" and head[1:].isdigit():
            numbers.append(int(head[1:]))
    return max(numbers)


def _saver(save_file, number: int):
    if save_file is None:
        return None
    return lambda code, data, mime, ext: save_file(f"{code}-{number}", data, mime, ext)


def instance_items(section: Section, answers: dict, errors: dict, item_of, instrument, adding: bool) -> list[dict]:
    """Each entry of the page as rendering data: its number, title and question items (fields prefixed)."""
    from .questions import form_value

    stored = entries(section, answers)
    shown = count(section, instrument, answers) + (1 if adding else 0)
    titles = (section.repeat or {}).get("titles") or []
    out = []
    for number in range(1, min(shown, section.most) + 1):
        entry = stored[number - 1] if number - 1 < len(stored) else {}
        seen = {**answers, **entry}
        values: dict[str, list[str]] = {}
        items = []
        for question in section.questions:
            shadow = dataclasses.replace(question, code=prefix(number) + question.code)
            values.update(form_value(shadow, entry.get(question.code)))
            items.append(item_of(shadow, question, seen, values, errors))
        title = titles[number - 1] if number - 1 < len(titles) else None
        out.append({"number": number, "title": title, "items": items})
    return out


def shadow_of(question: Question, number: int) -> Question:
    return dataclasses.replace(question, code=prefix(number) + question.code)
