"""Reading one questionnaire page's POST: its answers, its errors, and the follow-ups it opened."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _

from instruments.model import UPLOAD_TYPES

from ..services import attachments
from . import form_logic as logic
from . import repeats
from . import services as svc
from .questions import parse_answer


def refusal(question, reason: str) -> str:
    """Why a file was not accepted, in the respondent's language."""
    if reason == "empty":
        return _("The file is empty. Please choose it again.")
    if reason == "large":
        return _("The file is larger than %(mb)s MB.", mb=current_app.config["SCRI_UPLOAD_FILE_BYTES"] // 2**20)
    return {
        "image": _("Please choose a photo (JPEG, PNG, WebP or HEIC)."),
        "audio": _("Please choose a sound recording (MP3, M4A, OGG, WAV, AMR or WebM)."),
        "video": _("Please choose a video (MP4, MOV, 3GP or WebM)."),
    }.get(question.type, _("Please choose a PDF, a picture, a text file or an Office document."))


def uploaded(question, stored, save_file, form=None, files=None):
    """(answer, error) of a file question: a new file checked and stored, the stored one kept, or removed."""
    form = request.form if form is None else form
    files = request.files if files is None else files
    if form.get(f"{question.code}__remove") == "1":
        return None, None  # the file goes when the answer does (services.save_answers)
    storage = files.get(question.code)
    if storage is None or not storage.filename:
        return stored, None
    data = storage.stream.read(current_app.config["SCRI_UPLOAD_FILE_BYTES"] + 1)
    try:
        data, mime, ext = attachments.checked(question.type, data, question.max_pixels)
    except attachments.UploadRefused as exc:
        return stored, refusal(question, str(exc))
    return save_file(question.code, data, mime, ext), None


def read_page(current, answers: dict, lenient: bool, instrument=None, save_file=None) -> tuple[dict, dict[str, str]]:
    """The answers with this page's replaced by what was posted, and the errors: none for a missing answer
    when `lenient` (going back or switching language keeps what is there without insisting), nor for a
    follow-up the page did not show (it is asked next, see ``follow_ups``). A repeated page: `repeats`."""
    if current.repeat is not None:
        return repeats.read_repeat(current, answers, lenient, instrument, save_file)
    merged = {k: v for k, v in answers.items() if k not in {q.code for q in current.questions}}
    errors = read_questions(
        current.questions, merged, answers, lenient, instrument, save_file, shown_questions(current)
    )
    return merged, errors


def read_questions(questions, merged, before, lenient, instrument, save_file, shown, form=None, files=None, prefix=""):
    """Read `questions` from the form into `merged` (in place); their errors, keyed by `prefix` + code."""
    form = request.form if form is None else form
    errors: dict[str, str] = {}
    for question in questions:
        if not svc.visible(question, merged):
            continue
        if not question.answerable:
            merged.update(logic.worked_out(instrument, [question], merged))
            continue
        if question.type in UPLOAD_TYPES:
            value, error = uploaded(question, before.get(question.code), save_file, form, files)
        else:
            value, error = parse_answer(question, form)
        if value is not None and not error:
            error = logic.answer_error(question, value, merged, instrument)
        if error and not lenient:
            errors[prefix + question.code] = error
        elif value is not None and not error:
            merged[question.code] = value
        elif not lenient and (shown is None or question.code in shown) and logic.required(question, merged):
            errors[prefix + question.code] = logic.required_message(question)
    return errors


def shown_questions(current) -> set[str]:
    """The questions the browser showed: ``asked`` is the server's first rendering, or the script's when it
    runs; a client that does not say is taken to have shown them all."""
    if "asked" not in request.form:
        return {q.code for q in current.questions}
    return set(request.form["asked"].split())


def follow_ups(current, merged: dict) -> list[str]:
    """Questions of this page that this page's answers opened and that the page did not show."""
    shown = shown_questions(current)
    return [
        q.code
        for q in current.questions
        if q.answerable and q.code not in shown and q.code not in merged and svc.visible(q, merged)
    ]


def next_page(instrument, answers: dict, number: int, forward: bool = True) -> int | None:
    """The section after (or before) section `number` that asks at least one question given the answers, so
    that a page whose questions all do not apply is never shown; None past the last (the review) or before
    the first (the consent page)."""
    kept = svc.relevant_answers(instrument, answers)
    sections = instrument.sections
    candidates = range(number + 1, len(sections) + 1) if forward else range(number - 1, 0, -1)
    for candidate in candidates:
        section = sections[candidate - 1]
        if section.repeat is not None and repeats.fixed_count(section, instrument, kept) == 0:
            continue
        if any(svc.visible(q, kept) for q in section.questions):
            return candidate
    return None
