"""Infrastructure indicators: upload with a row-by-row report, and correction of a single value."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..models import IndicatorValue
from ..services.errors import ServiceError
from ..services.indicators import catalogue, check_rows, import_rows
from ..services.permissions import changeable_cities, visible_cities
from ..services.uploads import read_uploaded_table
from . import bp
from .forms import EmptyForm


def _current_values(cities) -> list[dict]:
    ids = [c.id for c in cities]
    if not ids:
        return []
    names = {c.id: c for c in cities}
    rows = db.session.scalars(select(IndicatorValue).where(IndicatorValue.city_id.in_(ids))
                              .order_by(IndicatorValue.city_id, IndicatorValue.indicator,
                                        IndicatorValue.year.desc())).all()
    latest, seen = [], set()
    for row in rows:
        if (row.city_id, row.indicator) in seen:
            continue
        seen.add((row.city_id, row.indicator))
        latest.append({"city": names[row.city_id], "indicator": row.indicator, "year": row.year,
                       "value": row.value, "source": row.source})
    return latest


@bp.route("/indicators", methods=["GET", "POST"])
@login_required
def indicators():
    form = EmptyForm()
    report = None
    can_change = bool(changeable_cities(current_user))
    if request.method == "POST":
        if not can_change:
            abort_with(403)
        if not form.validate_on_submit():
            abort_with(400)
        default_year = request.form.get("year", "").strip()
        year = int(default_year) if default_year.isdigit() and 1990 <= int(default_year) <= 2100 else None
        single = request.form.get("single") == "1"
        try:
            if single:
                import pandas as pd

                frame = pd.DataFrame([{k: request.form.get(k, "") for k in ("city", "indicator", "value", "year",
                                                                              "source")}], index=[1])
            else:
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    raise ServiceError(_("Choose a CSV or XLSX file."))
                frame = read_uploaded_table(upload)
            checked = check_rows(frame, current_user, year)
        except ServiceError as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.indicators"))
        valid_only = request.form.get("valid_only") == "y"
        problems = [p.removeprefix("row 1: ") for p in checked.problems] if single else checked.problems
        report = {"problems": problems, "valid": len(checked.valid), "imported": 0, "single": single}
        if checked.valid and (not checked.problems or valid_only):
            report["imported"] = import_rows(checked.valid, current_user)
            flash(_("%(n)s value(s) imported.", n=report["imported"]), "success")
        elif single:
            flash(_("The value was not saved: %(reason)s", reason="; ".join(problems)), "error")
        elif checked.problems:
            flash(_("Nothing was imported: the file has errors. Fix them, or tick \u201cimport only the valid "
                    "rows\u201d."), "error")
    cities = visible_cities(current_user)
    return render_template("console/indicators.html", form=form, report=report, values=_current_values(cities),
                           catalogue=catalogue(), cities=changeable_cities(current_user), can_change=can_change), (
        422 if report and report["problems"] and not report["imported"] else 200)
