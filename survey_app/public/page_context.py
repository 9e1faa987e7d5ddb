"""What a questionnaire page shows: its questions with their values, errors, conditions and choices, the
entries of a repeated page, and the review's summary of a page (the views in routes.py stay thin)."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from instruments.model import UPLOAD_TYPES

from ..i18n import localized
from . import form_logic as logic
from . import repeats
from . import services as svc
from .questions import answer_text, field_names, form_value


def questions_context(survey: svc.Survey, section, answers: dict, form: MultiDict | None, errors: dict):
    """Plain data for rendering one section."""
    values: dict[str, list[str]] = {}
    if form is not None:
        for name in form:
            values[name] = form.getlist(name)
    else:
        for question in section.questions:
            stored = answers.get(question.code)
            if stored is None and question.default and question.answerable:
                stored = logic.default_value(question, answers, survey.instrument)
            values.update(form_value(question, stored))
    earlier = {code: value for code, value in answers.items() if code not in {q.code for q in section.questions}}
    shown = dict(earlier)
    items = []
    for question in section.questions:
        is_visible = svc.visible(question, shown)
        if question.code in answers and is_visible:
            shown[question.code] = answers[question.code]
        elif is_visible and not question.answerable:
            shown.update(logic.worked_out(survey.instrument, [question], shown))
        items.append(_item(question, is_visible, values, errors, shown, survey.instrument))
    return items, json.dumps(earlier, ensure_ascii=False)


def entries(survey, section, answers: dict, form, errors: dict, adding: bool) -> list[dict]:
    """The entries of a repeated page; a re-shown page keeps what was typed."""

    def item_of(shadow, question, seen, values, errors):
        if form is not None:
            values.update({name: form.getlist(name) for name in field_names(shadow) if name in form})
        visible = svc.visible(question, seen)
        if visible and not question.answerable:
            seen.update(logic.worked_out(survey.instrument, [question], seen))
        return _item(shadow, visible, values, errors, {shadow.code: seen.get(question.code), **seen}, survey.instrument)

    return repeats.instance_items(section, answers, errors, item_of, survey.instrument, adding)


def _item(question, is_visible: bool, values: dict, errors: dict, shown: dict, instrument=None) -> dict:
    """One question's rendering data: its values, error, condition and, for a filtered list, the choices."""
    return {
        "q": question,
        "visible": is_visible,
        "values": values,
        "error": errors.get(question.code),
        "relevant_json": json.dumps(question.relevant_tree, ensure_ascii=False) if question.relevant_tree else "",
        "filter_json": json.dumps(question.filter_tree, ensure_ascii=False) if question.filter_tree else "",
        "offered": {c.code for c in logic.offered_choices(question, shown)} if question.filter_tree else None,
        "shown_value": answer_text(question, shown.get(question.code), localized) if question.read_only else "",
        "stored_file": shown.get(question.code) if question.type in UPLOAD_TYPES else None,
        "label_text": logic.with_answers(localized(question.label), shown, instrument)
        if "${" in str(question.label)
        else "",
        "help_text": logic.with_answers(localized(question.help), shown, instrument)
        if "${" in str(question.help)
        else "",
    }


def summary(index: int, section, answers: dict) -> dict:
    """One page of the review: its asked questions with the answers (each entry of a repeated page)."""
    if section.repeat is not None:
        rows, answered, asked = [], 0, 0
        for number, entry in enumerate(repeats.entries(section, answers), start=1):
            seen = {**answers, **entry}
            for q in section.questions:
                if q.answerable and svc.visible(q, seen):
                    asked += 1
                    answered += q.code in entry
                    text = answer_text(q, entry.get(q.code), localized)
                    rows.append({"label": q.label, "entry": number, "text": text})
        return {"number": index, "title": section.title, "answered": answered, "asked": asked, "answers": rows}
    asked = [q for q in section.questions if q.answerable and svc.visible(q, answers)]
    return {
        "number": index,
        "title": section.title,
        "answered": sum(q.code in answers for q in asked),
        "asked": len(asked),
        "answers": [{"label": q.label, "text": answer_text(q, answers.get(q.code), localized)} for q in asked],
    }
