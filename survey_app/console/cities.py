"""Cities: names, region, population and the census margins used to weight residents' answers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..models.city import DEFAULT_TIMEZONE
from ..services import audit
from ..services.cities import create_city, english_name_taken, known_timezone
from ..services.permissions import get_city_for, visible_cities
from . import MENU, bp
from .unit_of_work import run

# The categories of the residents' questionnaire (questions sex and age_band).
MARGIN_SETS = {
    "sex": (("male", _l("Men")), ("female", _l("Women"))),
    "age_band": (("18_29", "18–29"), ("30_44", "30–44"), ("45_59", "45–59"), ("60_plus", _l("60 and over"))),
}
MARGIN_LABELS = {"sex": _l("Sex"), "age_band": _l("Age band")}
TOLERANCE = 0.01
if not any(entry[0] == "console.cities" for entry in MENU):
    MENU.append(("console.cities", _l("Cities"), False))


class CityForm(FlaskForm):
    name_kk = StringField(_l("Name in Kazakh"), validators=[DataRequired(), Length(max=120)])
    name_ru = StringField(_l("Name in Russian"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    population = IntegerField(_l("Population"), validators=[Optional(), NumberRange(1, 100_000_000)])
    timezone = StringField(
        _l("Time zone"),
        default=DEFAULT_TIMEZONE,
        description=_l("A name such as Asia/Almaty (all of Kazakhstan, UTC+5): rounds open and close by this clock."),
        validators=[Optional(), Length(max=64)],
    )

    def validate_timezone(self, field) -> None:
        if field.data and not known_timezone(field.data):
            raise ValidationError(_l("Not a time zone name; write one such as Asia/Almaty or Europe/Moscow."))


def _add_margin_fields(form_class: type[FlaskForm]) -> None:
    for variable, categories in MARGIN_SETS.items():
        for code, label in categories:
            setattr(
                form_class,
                f"m_{variable}_{code}",
                FloatField(label, validators=[Optional(), NumberRange(0, 1, message=_l("A share from 0 to 1."))]),
            )


_add_margin_fields(CityForm)


class NewCityForm(CityForm):
    slug = StringField(
        _l("Short name (Latin letters, for links)"),
        validators=[
            DataRequired(),
            Length(min=3, max=64),
            Regexp(r"^[a-z][a-z0-9-]*[a-z0-9]$", message=_l("Use lower-case Latin letters, digits and hyphens.")),
        ],
    )


def _form_for(city, formdata=None) -> CityForm:
    form = CityForm(formdata=formdata, prefix=f"c{city.id}")
    if formdata is None:
        for name in ("name_kk", "name_ru", "name_en", "region", "population", "timezone"):
            getattr(form, name).data = getattr(city, name)
        margins = city.census_margins or {}
        for variable, categories in MARGIN_SETS.items():
            for code, _label in categories:
                getattr(form, f"m_{variable}_{code}").data = (margins.get(variable) or {}).get(code)
    return form


def _margins(form: CityForm) -> tuple[dict | None, list[str]]:
    """The census margins of the form, or the reasons they are refused (each set sums to 1 ± 0.01)."""
    margins, errors = {}, []
    for variable, categories in MARGIN_SETS.items():
        values = {code: getattr(form, f"m_{variable}_{code}").data for code, _label in categories}
        given = [v for v in values.values() if v is not None]
        if not given:
            continue
        if len(given) != len(values):
            errors.append(_("%(set)s: give a share for every category, or none.", set=MARGIN_LABELS[variable]))
            continue
        total = sum(given)
        if abs(total - 1) > TOLERANCE:
            errors.append(
                _(
                    "%(set)s: the shares add up to %(total)s; they must add up to 1 (± 0.01).",
                    set=MARGIN_LABELS[variable],
                    total=f"{total:.3f}",
                )
            )
            continue
        margins[variable] = values
    return (margins or None), errors


@bp.route("/cities", methods=["GET", "POST"])
@login_required
def cities():
    rows = visible_cities(current_user)
    forms = {}
    errors: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not current_user.is_admin:
            abort_with(403)
        city = get_city_for(current_user, request.form.get("city_id", type=int) or 0, change=True)
        form = _form_for(city, request.form)
        if form.validate_on_submit():
            margins, problems = _margins(form)
            if english_name_taken(form.name_en.data, except_id=city.id):
                problems.append(_("A city with this English name already exists."))
            if not problems:
                before = {"name_en": city.name_en, "population": city.population, "margins": city.census_margins}
                for name in ("name_kk", "name_ru", "name_en", "region"):
                    setattr(city, name, (getattr(form, name).data or "").strip())
                city.population = form.population.data
                city.timezone = (form.timezone.data or "").strip() or DEFAULT_TIMEZONE
                city.census_margins = margins
                audit.record(
                    "city.update",
                    user=current_user,
                    obj=city,
                    city_id=city.id,
                    details={
                        "before": before,
                        "after": {"name_en": city.name_en, "population": city.population, "margins": margins},
                    },
                )
                db.session.commit()
                flash(_("%(city)s is saved.", city=city.name(current_language())), "success")
                return redirect(url_for("console.cities"))
            errors[city.id] = problems
        forms[city.id] = form
        status = 422
    return _page(rows, forms, errors, status)


def _page(rows, forms, errors, status, new_form=None, new_errors=None):
    if current_user.is_admin:
        for city in rows:
            forms.setdefault(city.id, _form_for(city))
        new_form = new_form or NewCityForm(prefix="new")
    return render_template(
        "console/cities.html",
        rows=rows,
        forms=forms,
        errors=errors,
        sets=MARGIN_SETS,
        set_labels=MARGIN_LABELS,
        can_edit=current_user.is_admin,
        new_form=new_form,
        new_errors=new_errors or [],
    ), status


@bp.post("/cities/new")
@login_required
def city_new():
    if not current_user.is_admin:
        abort_with(403)
    form = NewCityForm(prefix="new")
    problems: list[str] = []
    if form.validate_on_submit():
        margins, problems = _margins(form)
        if not problems:
            outcome = run(
                lambda: create_city(
                    form.slug.data,
                    {lang: getattr(form, f"name_{lang}").data for lang in ("kk", "ru", "en")},
                    region=form.region.data or "",
                    population=form.population.data,
                    census_margins=margins,
                    timezone=(form.timezone.data or "").strip() or DEFAULT_TIMEZONE,
                    actor=current_user,
                ),
                success=lambda city: _("%(city)s is added.", city=city.name(current_language())),
                flash_error=False,
            )
            if outcome.ok:
                return redirect(url_for("console.cities"))
            problems = [outcome.error]
    return _page(visible_cities(current_user), {}, {}, 422, new_form=form, new_errors=problems)
