"""Adding the translations an uploaded questionnaire lacks, before it is approved (audited)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.domain import LANGUAGES

from ..errors import abort_with
from ..services import audit, translations
from . import bp
from .forms import EmptyForm
from .instruments import _can_manage, _instrument
from .unit_of_work import run

MAX_FIELDS = 2500


@bp.route("/instruments/<int:instrument_id>/translate/<lang>", methods=["GET", "POST"])
@login_required
def instrument_translate(instrument_id: int, lang: str):
    row = _instrument(instrument_id)
    if not _can_manage():
        abort_with(403)
    if lang not in LANGUAGES:
        abort_with(404)
    if row.approved or row.source != "upload":
        flash(_("Translations are added to an uploaded questionnaire before it is approved."), "error")
        return redirect(url_for("console.instrument_preview", instrument_id=row.id))
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort_with(400)
        values = {k[2:]: v for k, v in list(request.form.items())[:MAX_FIELDS] if k.startswith("t:")}

        def store():
            count = translations.add_translations(row, lang, values)
            audit.record("instrument.translate", user=current_user, obj=row, details={"language": lang, "texts": count})
            return count

        outcome = run(store, success=lambda n: _("%(n)s texts translated.", n=n))
        if outcome.ok:
            return redirect(url_for("console.instrument_preview", instrument_id=row.id, lang=lang))
    return render_template(
        "console/instrument_translate.html",
        row=row,
        lang=lang,
        missing=translations.missing(row.definition, lang),
        form=form,
    )
