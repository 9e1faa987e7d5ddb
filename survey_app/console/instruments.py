"""Console questionnaires: list, upload (YAML or XLSForm), preview as a respondent sees it, approve."""

from __future__ import annotations

from pathlib import Path

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from sqlalchemy import select
from wtforms import SelectField

from instruments.domain import GROUPS, LANGUAGE_NAMES, LANGUAGES
from instruments.loader import MAX_FILE_BYTES, InstrumentError, Problem, load_instrument_text
from instruments.xlsform import MAX_XLSX_BYTES, load_xlsform_bytes

from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..models import AuditEvent, City, Instrument
from ..services import audit, translations
from ..services.errors import ServiceError
from ..services.instruments import instrument_definition, store_instrument
from . import bp
from .forms import GROUP_LABELS, EmptyForm
from .unit_of_work import run

YAML_SUFFIXES = (".yaml", ".yml")
MAX_WARNINGS = 40
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class InstrumentUploadForm(FlaskForm):
    upload = FileField(_l("Questionnaire file (YAML or XLSForm .xlsx)"))
    attachments = MultipleFileField(
        _l("Files the form reads its choices from (optional)"),
        description=_l("For select_one_from_file: the .csv, .xml or .geojson files the form names."),
    )
    group = SelectField(
        _l("Stakeholder group"),
        description=_l("Who answers this questionnaire. An XLSForm rarely says; a YAML file always does."),
        validate_choice=False,
    )


def _upload_form() -> InstrumentUploadForm:
    form = InstrumentUploadForm()
    form.group.choices = [("", _("As the file says"))] + [(g, GROUP_LABELS[g]) for g in GROUPS]
    return form


def _can_manage() -> bool:
    return current_user.role in ("admin", "coordinator")


def _rows() -> list[Instrument]:
    """The questionnaires this user may see: shared ones and those of the user's cities."""
    rows = db.session.scalars(select(Instrument).order_by(Instrument.group, Instrument.code, Instrument.version.desc()))
    return [row for row in rows if row.visible_to(current_user)]


def _page(form: InstrumentUploadForm, problems: list[Problem] | None = None, filename: str = "", status: int = 200):
    problems = problems or []
    missing = [p for p in problems if p.reason.startswith("missing translation")]
    others = [p for p in problems if not p.reason.startswith("missing translation")]
    return render_template(
        "console/instruments.html",
        rows=_rows(),
        form=form,
        action_form=EmptyForm(),
        can_manage=_can_manage(),
        problems=others,
        missing=missing,
        filename=filename,
    ), status


@bp.get("/instruments")
@login_required
def instruments():
    return _page(_upload_form())


def _read_upload(storage, group: str | None) -> tuple[str, object]:
    """(file name, Instrument) of an uploaded definition; InstrumentError lists its problems."""
    name = Path(storage.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix in YAML_SUFFIXES:
        data = storage.stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InstrumentError([Problem(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KB")])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InstrumentError([Problem(name, None, "not a UTF-8 text file")]) from None
        return name, load_instrument_text(text, name)
    if suffix in XLSX_SUFFIXES:
        data = storage.stream.read(MAX_XLSX_BYTES + 1)
        return name, load_xlsform_bytes(data, name, group, _attachments())
    raise InstrumentError([Problem(name, None, "choose a .yaml or .xlsx file")])


def _attachments() -> dict[str, bytes]:
    """{file name: bytes} of the files uploaded beside the form (each read up to its limit)."""
    from instruments.xlsform.attachments import MAX_FILE_BYTES

    files = {}
    for storage in request.files.getlist("attachments")[:20]:
        if storage and storage.filename:
            files[Path(storage.filename).name] = storage.stream.read(MAX_FILE_BYTES + 1)
    return files


@bp.post("/instruments/upload")
@login_required
def instrument_upload():
    if not _can_manage():
        abort_with(403)
    form = _upload_form()
    if not form.validate_on_submit():
        abort_with(400)
    if form.group.data not in (None, "", *GROUPS):
        flash(_("Choose the stakeholder group from the list."), "error")
        return _page(form, status=422)
    storage = form.upload.data
    if storage is None or not getattr(storage, "filename", ""):
        flash(_("Choose a file to upload."), "error")
        return _page(form, status=422)
    try:
        name, definition = _read_upload(storage, form.group.data or None)
    except InstrumentError as exc:
        return _page(form, exc.problems, Path(storage.filename).name, status=422)

    def store():
        earlier = db.session.scalar(
            select(Instrument).where(
                Instrument.code == definition.code, Instrument.content_hash == definition.content_hash
            )
        )
        row = store_instrument(definition, source="upload", approved=False, user_id=current_user.id)
        row.city_ids = owner_cities(earlier.city_ids if earlier else None, earlier is None, current_user)
        audit.record(
            "instrument.upload",
            user=current_user,
            obj=row,
            details={
                "file": name,
                "code": row.code,
                "version": row.version,
                "group": row.group,
                "hash": row.content_hash[:12],
                "warnings": [w[:300] for w in definition.warnings[:MAX_WARNINGS]],
            },
        )
        return row

    outcome = run(
        store,
        success=lambda row: _(
            "%(code)s version %(version)s is stored. Check the preview, then approve it for use in rounds.",
            code=row.code,
            version=row.version,
        ),
    )
    if not outcome.ok:
        return _page(form, status=422)
    row = outcome.value
    return redirect(url_for("console.instrument_preview", instrument_id=row.id, lang=request.args.get("lang")))


def owner_cities(existing: list[int] | None, new: bool, user) -> list[int] | None:
    """The cities an upload belongs to: a coordinator's own cities (added to those of an earlier identical
    upload); an admin's upload, or one already offered to every city, stays for every city (None)."""
    if user.is_admin:
        return None if new else existing
    if not new and existing is None:
        return None
    return sorted(set(existing or []) | {c.id for c in user.cities})


@bp.post("/instruments/<int:instrument_id>/share")
@login_required
def instrument_share(instrument_id: int):
    """An admin offers an uploaded questionnaire to every city (audited)."""
    if not current_user.is_admin:
        abort_with(403)
    row = _instrument(instrument_id)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if row.city_ids is not None:
        audit.record("instrument.share", user=current_user, obj=row, details={"from_cities": row.city_ids})
        row.city_ids = None
        db.session.commit()
        flash(
            _("%(code)s version %(version)s can now be used by every city.", code=row.code, version=row.version),
            "success",
        )
    return redirect(url_for("console.instrument_preview", instrument_id=row.id))


def _instrument(instrument_id: int) -> Instrument:
    row = db.session.get(Instrument, instrument_id)
    if row is None or not row.visible_to(current_user):
        abort_with(404)
    return row


@bp.get("/instruments/<int:instrument_id>/preview")
@login_required
def instrument_preview(instrument_id: int):
    row = _instrument(instrument_id)
    try:
        definition = instrument_definition(row)
    except ServiceError:
        abort_with(409)
    sections = [
        {
            "section": section,
            "items": [
                {"q": q, "visible": True, "values": {}, "error": None, "relevant_json": ""} for q in section.questions
            ],
        }
        for section in definition.sections
    ]
    return render_template(
        "console/instrument_preview.html",
        row=row,
        warnings=_upload_warnings(row),
        owner_names=[
            c.name(current_language()) for c in db.session.scalars(select(City).where(City.id.in_(row.city_ids or [])))
        ],
        instrument=definition,
        sections=sections,
        langs=LANGUAGES,
        form=EmptyForm(),
        can_manage=_can_manage(),
    )


@bp.get("/instruments/<int:instrument_id>/xlsform.xlsx")
@login_required
def instrument_xlsform(instrument_id: int):
    """The questionnaire as an XLSForm workbook (for ODK, KoboToolbox, or editing in a spreadsheet)."""
    from instruments.xlsform.export import export_xlsform

    row = _instrument(instrument_id)
    try:
        data = export_xlsform(instrument_definition(row))
    except ServiceError:
        abort_with(409)
    name = f"{row.code}-v{row.version}.xlsx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _upload_warnings(row: Instrument) -> list[str]:
    """What reading the uploaded file left out or read differently (kept with the upload's audit entry)."""
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "instrument.upload", AuditEvent.object_type == "Instrument")
        .where(AuditEvent.object_id == row.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    details = event.details if event is not None and isinstance(event.details, dict) else {}
    notes = [str(w) for w in details.get("warnings") or [] if not str(w).startswith("missing translation")]
    if row.source == "upload":  # what is still untranslated now (translations may have been added since)
        for lang in LANGUAGES:
            count = len(translations.missing(row.definition, lang))
            if count:
                notes.append(f"missing translation: {count} texts have no {LANGUAGE_NAMES[lang]} ({lang}) text")
    return notes


@bp.post("/instruments/<int:instrument_id>/approve")
@login_required
def instrument_approve(instrument_id: int):
    if not _can_manage():
        abort_with(403)
    row = _instrument(instrument_id)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if not row.approved:
        row.approved = True
        audit.record(
            "instrument.approve",
            user=current_user,
            obj=row,
            details={"code": row.code, "version": row.version, "group": row.group},
        )
        db.session.commit()
        flash(
            _(
                "%(code)s version %(version)s is approved and can be used in new rounds.",
                code=row.code,
                version=row.version,
            ),
            "success",
        )
    return redirect(url_for("console.instruments"))
