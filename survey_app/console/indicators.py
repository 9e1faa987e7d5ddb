"""Infrastructure indicators: upload with a row-by-row report, correction of a single value, a template."""

from __future__ import annotations

import csv
import io

import pandas as pd
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..models import IndicatorValue
from ..models._base import utcnow
from ..services.errors import ServiceError
from ..services.exports import safe_cell
from ..services.indicators import YEAR_RANGE, catalogue, check_rows, import_rows, template_rows
from ..services.permissions import changeable_cities, visible_cities
from ..services.uploads import read_uploaded_table
from . import bp
from .forms import EmptyForm

SINGLE_FIELDS = ("city", "indicator", "value", "year", "source")


def _current_values(city, known: dict) -> list[dict]:
    """The latest value of every indicator of a city, in the catalogue's order."""
    if city is None:
        return []
    rows = db.session.scalars(
        select(IndicatorValue)
        .where(IndicatorValue.city_id == city.id)
        .order_by(IndicatorValue.indicator, IndicatorValue.year.desc())
    ).all()
    latest: dict[str, IndicatorValue] = {}
    for row in rows:
        latest.setdefault(row.indicator, row)
    order = {code: i for i, code in enumerate(known)}
    values = sorted(latest.values(), key=lambda v: (order.get(v.indicator, len(order)), v.indicator))
    return [
        {
            "indicator": v.indicator,
            "year": v.year,
            "value": v.value,
            "source": v.source,
            "updated_at": v.updated_at,
            "info": known.get(v.indicator),
        }
        for v in values
    ]


def _default_year(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if raw.isdigit() and YEAR_RANGE[0] <= int(raw) <= YEAR_RANGE[1]:
        return int(raw)
    return None


@bp.route("/indicators", methods=["GET", "POST"])
@login_required
def indicators():
    form = EmptyForm()
    report = None
    can_change = bool(changeable_cities(current_user))
    known = catalogue()
    single = {k: request.args.get(k, "") for k in SINGLE_FIELDS}
    if request.method == "POST":
        if not can_change:
            abort_with(403)
        if not form.validate_on_submit():
            abort_with(400)
        try:
            if request.form.get("single") == "1":
                single = {k: request.form.get(k, "").strip() for k in SINGLE_FIELDS}
                frame = pd.DataFrame([single], index=pd.Index([1], name="row"), dtype=object)
                kind = "single"
            else:
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    raise ServiceError(_("Choose a CSV or XLSX file."))
                frame = read_uploaded_table(upload)
                kind = "file"
            checked = check_rows(frame, current_user, _default_year(request.form.get("year")))
        except ServiceError as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.indicators"))
        valid_only = request.form.get("valid_only") == "y"
        report = {
            "kind": kind,
            "problems": checked.problems,
            "valid": len(checked.valid),
            "bad": checked.bad_rows,
            "rows": checked.rows,
            "imported": 0,
            "blank": checked.blank_rows,
        }
        if checked.valid and (not checked.problems or valid_only):
            report["imported"] = import_rows(checked.valid, current_user)
            flash(_("%(n)s value(s) imported.", n=report["imported"]), "success")
            if kind == "single":
                single = {k: "" for k in SINGLE_FIELDS}
        elif not checked.problems:
            flash(_("There is no value to import: every row has an empty value."), "error")
            report["problems"] = [_("row %(row)s: the value is empty", row=r) for r in checked.blank_rows[:20]]
        else:
            if kind == "single":
                flash(_("The value was not saved: %(reason)s", reason="; ".join(checked.problems)), "error")
            else:
                flash(
                    _(
                        "Nothing was imported: the file has errors. Fix them, or tick \u201cimport only the valid "
                        "rows\u201d."
                    ),
                    "error",
                )
    cities = visible_cities(current_user)
    chosen = request.args.get("city", type=int)
    city = next((c for c in cities if c.id == chosen), cities[0] if cities else None)
    if request.method == "GET" and city is not None:
        single["city"] = city.slug
    status = 422 if report and report["problems"] and not report["imported"] else 200
    return render_template(
        "console/indicators.html",
        form=form,
        report=report,
        city=city,
        cities=cities,
        values=_current_values(city, known),
        catalogue=known,
        single=single,
        changeable=changeable_cities(current_user),
        can_change=can_change,
        this_year=utcnow().year,
    ), status


@bp.get("/indicators/template.csv")
@login_required
def indicators_template():
    """A CSV to fill in: one row per city the account may change and per indicator, with units and ranges."""
    cities = changeable_cities(current_user)
    if not cities:
        abort_with(403)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in template_rows([c.name_en for c in cities], utcnow().year - 1, current_language()):
        writer.writerow([safe_cell(v) for v in row])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="scri-indicators-template.csv"'},
    )
