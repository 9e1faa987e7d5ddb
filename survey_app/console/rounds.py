"""Survey rounds: list per city, create, edit, open, close, archive, copy, and the live monitor."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from instruments.domain import GROUPS
from instruments.loader import builtin_instruments

from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..local_time import to_local, to_utc, zone_label
from ..models import Instrument
from ..models._base import utcnow
from ..services import invitations, mail, quality
from ..services import rounds as round_services
from ..services.errors import ServiceError
from ..services.permissions import changeable_cities, get_round_for, visible_cities, visible_rounds
from . import STATUS_LABELS, bp
from .confirm import confirmation_page, confirmed
from .forms import EMAIL_CHOICE, GROUP_LABELS, EmptyForm, InvitationForm, RoundEditForm, RoundForm
from .monitor import day_chart, monitor
from .quality_labels import FLAG_LABELS
from .unit_of_work import run


@bp.app_context_processor
def console_context():
    return {"GROUP_LABELS": GROUP_LABELS}


@bp.get("/")
@login_required
def index():
    rounds = visible_rounds(current_user)
    summary = {r["slug"]: r for r in round_services.rounds_summary(rounds)}
    by_city = [(city, [r for r in rounds if r.city_id == city.id]) for city in visible_cities(current_user)]
    return render_template(
        "console/index.html",
        by_city=by_city,
        rounds=rounds,
        summary=summary,
        can_create=bool(changeable_cities(current_user)),
    )


def _instrument_choices(city_ids) -> dict[str, list[Instrument]]:
    """The approved questionnaires the rounds of these cities may use (shared ones, and the cities' own)."""
    rows = db.session.scalars(
        select(Instrument).where(Instrument.approved.is_(True)).order_by(Instrument.group, Instrument.version.desc())
    ).all()
    by_group: dict[str, list[Instrument]] = {}
    for row in rows:
        if any(row.for_city(c) for c in city_ids):
            by_group.setdefault(row.group, []).append(row)
    return by_group


def _fill_instrument_fields(form, available: dict[str, list[Instrument]]) -> None:
    """The questionnaires a group can take: the stored ones, the built-in first; a built-in one not stored yet
    is offered as 0 (create_round stores it)."""
    builtin = builtin_instruments()
    for group in GROUPS:
        field = getattr(form, f"instrument_{group}")
        rows = sorted(available.get(group, []), key=lambda r: (r.source != "builtin", -r.version))
        field.choices = [
            SelectChoice(row.id, f"{row.code} v{row.version}" + ("" if row.source == "builtin" else " ↑"))
            for row in rows
        ]
        if group in builtin and not any(row.source == "builtin" for row in rows):
            field.choices.insert(0, SelectChoice(0, f"{builtin[group].code} v{builtin[group].version}"))


def _chosen_instruments(form, groups, available, city_id: int) -> dict[str, Instrument]:
    """The approved instrument picked for each group (a tampered id, or another city's questionnaire, is an
    error, not a guess)."""
    chosen = {}
    for group in groups:
        picked = getattr(form, f"instrument_{group}").data
        if picked:
            row = next((r for r in available.get(group, []) if r.id == picked), None)
            if row is None or not (row.for_city(city_id) or row.id == _current_instrument(form, group)):
                raise ServiceError(_("Choose one of the offered questionnaires."))
            chosen[group] = row
    return chosen


def _current_instrument(form, group: str) -> int | None:
    """The questionnaire a round being edited already has for a group (it stays a valid choice)."""
    return getattr(form, "current_instruments", {}).get(group)


def _zone_hints(form, city=None) -> None:
    """Say beside the scheduling fields which zone their times are in."""
    hint = _("In the city's time zone (%(zone)s).", zone=zone_label(city)) if city else _("In the city's time zone.")
    form.opens_at.description = form.closes_at.description = hint


@bp.route("/rounds/new", methods=["GET", "POST"])
@login_required
def round_new():
    cities = changeable_cities(current_user)
    if not cities:
        abort_with(403)
    form = RoundForm()
    form.city_id.choices = [SelectChoice(c.id, c.name(current_language())) for c in cities]
    available = _instrument_choices([c.id for c in cities])
    _fill_instrument_fields(form, available)
    if request.method == "GET":
        form.year.data = utcnow().year
    _zone_hints(form, cities[0] if len(cities) == 1 else None)
    if form.validate_on_submit():
        groups = [g for g in GROUPS if getattr(form, f"use_{g}").data]
        if not groups:
            flash(_("Choose at least one stakeholder group."), "error")
        elif round_services.slug_taken(form.slug.data):
            form.slug.errors.append(_("A round with this short name already exists; choose another."))
        else:
            city = next(c for c in cities if c.id == form.city_id.data)
            outcome = run(
                lambda: round_services.create_round(
                    city,
                    form.slug.data,
                    groups,
                    year=form.year.data,
                    title=form.title.data or "",
                    targets={g: getattr(form, f"target_{g}").data for g in groups},
                    access={g: getattr(form, f"access_{g}").data for g in groups},
                    instruments=_chosen_instruments(form, groups, available, city.id),
                    anonymous=form.anonymous.data,
                    opens_at=to_utc(form.opens_at.data, city),
                    closes_at=to_utc(form.closes_at.data, city),
                    actor=current_user,
                ),
                success=lambda made: _(
                    "Round %(slug)s created. Open it when you are ready to collect answers.", slug=made.slug
                ),
            )
            if outcome.ok:
                return redirect(url_for("console.round_detail", slug=outcome.value.slug))
    return render_template("console/round_new.html", form=form, groups=GROUPS), (
        422 if request.method == "POST" else 200
    )


@bp.route("/rounds/<slug>/edit", methods=["GET", "POST"])
@login_required
def round_edit(slug: str):
    round_ = get_round_for(current_user, slug, change=True)
    if round_.status == "archived":
        abort_with(409, _("Archived"), _("An archived round cannot be changed."))
    frozen = round_services.questions_frozen(round_)
    form = RoundEditForm()
    _zone_hints(form, round_.city)
    available = _instrument_choices([round_.city_id])
    current = {g.group: g for g in round_.groups}
    form.current_instruments = {group: g.instrument_id for group, g in current.items()}
    for group, row in current.items():  # the round's own questionnaire stays a choice
        if all(r.id != row.instrument_id for r in available.get(group, [])):
            available.setdefault(group, []).insert(0, row.instrument)
    _fill_instrument_fields(form, available)
    if frozen:  # only the targets of the round's own groups can change
        for group in GROUPS:
            for prefix in ("use", "access", "instrument") + (() if group in current else ("target",)):
                del form[f"{prefix}_{group}"]
    if request.method == "GET":
        form.title.data = round_.title
        form.anonymous.data = round_.anonymous
        form.opens_at.data = to_local(round_.opens_at, round_.city)
        form.closes_at.data = to_local(round_.closes_at, round_.city)
        for group in GROUPS:
            row = current.get(group)
            if not frozen:
                form[f"use_{group}"].data = row is not None
            if row is not None:
                form[f"target_{group}"].data = row.target_n
                if not frozen:
                    form[f"access_{group}"].data = row.access
                    form[f"instrument_{group}"].data = row.instrument_id
    elif form.validate_on_submit():
        editable = list(current) if frozen else [g for g in GROUPS if form[f"use_{g}"].data]

        def save() -> list[str]:
            kwargs = {}
            if not frozen:
                kwargs = {
                    "groups": editable,
                    "anonymous": form.anonymous.data,
                    "access": {g: getattr(form, f"access_{g}").data for g in editable},
                    "instruments": _chosen_instruments(form, editable, available, round_.city_id),
                }
            return round_services.update_round(
                round_,
                title=form.title.data or "",
                opens_at=to_utc(form.opens_at.data, round_.city),
                closes_at=to_utc(form.closes_at.data, round_.city),
                targets={g: getattr(form, f"target_{g}").data for g in editable},
                actor=current_user,
                **kwargs,
            )

        outcome = run(save)
        if outcome.ok:
            if outcome.value:
                flash(_("The round's settings are saved."), "success")
            return redirect(url_for("console.round_detail", slug=round_.slug))
    return render_template(
        "console/round_edit.html", form=form, round=round_, groups=GROUPS, frozen=frozen, current=current
    ), (422 if request.method == "POST" else 200)


def _with_display(data: dict) -> dict:
    """Add the table's texts in the reader's language (the page and its 15-second refresh show the same)."""
    for row in [*data["groups"], data["total"]]:
        pct, minutes = row.get("completion_pct"), row.get("median_minutes")
        row["display"] = {
            "started": str(row["started"]),
            "completed": str(row["completed"]),
            "partial": str(row["partial"]),
            "target": str(row["target"]),
            "completion_pct": "—" if pct is None else f"{pct:.0f} %",
            "median_minutes": "—" if minutes is None else _("%(m)s min", m=f"{minutes:g}"),
        }
    return data


@bp.get("/rounds/<slug>")
@login_required
def round_detail(slug: str):
    round_ = get_round_for(current_user, slug)
    data = _with_display(monitor(round_))
    can_change = current_user.can_change_city(round_.city_id)
    return render_template(
        "console/round.html",
        round=round_,
        data=data,
        chart=day_chart(data["per_day"]),
        invitations=invitations.status_counts(round_.id),
        form=EmptyForm(),
        can_change=can_change,
        frozen=round_services.questions_frozen(round_),
        invitation_form=invitation_form(round_),
        flagged=quality.flagged_responses(round_),
        flag_labels=FLAG_LABELS,
    )


@bp.get("/rounds/<slug>/monitor.json")
@login_required
def round_monitor_json(slug: str):
    response = jsonify(_with_display(monitor(get_round_for(current_user, slug))))
    response.headers["Cache-Control"] = "no-store"
    return response


#: The round statuses each confirmed action applies to.
APPLIES = {"open": ("draft", "closed"), "close": ("open",), "archive": ("draft", "closed"), "restore": ("archived",)}


@bp.route("/rounds/<slug>/<action>", methods=["GET", "POST"])
@login_required
def round_action(slug: str, action: str):
    """Open, close, archive or restore a round (GET: the confirmation page; POST from it: done), or copy it."""
    actions = {
        "open": round_services.open_round,
        "close": round_services.close_round,
        "archive": round_services.archive_round,
        "restore": round_services.restore_round,
        "clone": None,
    }
    if action not in actions or (request.method == "GET" and action == "clone"):
        abort_with(404)
    round_ = get_round_for(current_user, slug, change=True)
    if action == "restore" and not current_user.is_admin:
        abort_with(403)
    back = url_for("console.round_detail", slug=slug)
    kind = "reopen" if action == "open" and round_.status == "closed" else action
    if request.method == "GET":
        if round_.status not in APPLIES[action]:
            flash(
                _("This cannot be done to the round now: it is %(status)s.", status=STATUS_LABELS[round_.status]),
                "error",
            )
            return redirect(back)
        return confirmation_page(kind, round_=round_, back=back)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if action == "clone":
        outcome = run(
            lambda: round_services.clone_round(round_, actor=current_user),
            success=lambda copy: _(
                "Round copied as %(slug)s (draft). Check its dates and targets, then open it.", slug=copy.slug
            ),
        )
        if outcome.ok:
            return redirect(url_for("console.round_edit", slug=outcome.value.slug))
        return redirect(back)
    if not confirmed():  # a form that did not come from the confirmation page asks first
        return redirect(url_for("console.round_action", slug=slug, action=action))
    messages = {
        "open": _("The round is open: its links accept answers."),
        "close": _("The round is closed: no more answers are accepted."),
        "archive": _("The round is archived."),
        "restore": _("The round is restored: it is closed and can be edited or reopened."),
    }
    run(lambda: actions[action](round_, actor=current_user), success=messages[action])
    return redirect(back)


def invitation_form(round_) -> InvitationForm | None:
    """The form to create invitations for the round's invitation-only groups (None when it has none)."""
    groups = [g.group for g in round_.groups if g.access == "invitation"]
    if not groups:
        return None
    form = InvitationForm()
    form.group.choices = [SelectChoice(g, GROUP_LABELS[g]) for g in groups]
    if mail.enabled():
        form.output.choices = [*form.output.choices, SelectChoice("email", EMAIL_CHOICE)]
    return form
