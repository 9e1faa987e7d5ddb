"""Console pages: sign-in, rounds, monitoring and invitations."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import SelectChoice

from instruments.model import GROUPS

from ..errors import abort_with
from ..extensions import db
from ..models import Instrument, Invitation
from ..services import invitations, ratelimit
from ..services import rounds as round_services
from ..services.errors import ServiceError
from ..services.permissions import changeable_cities, get_round_for, visible_rounds
from ..services.uploads import read_uploaded_table
from ..services.users import authenticate
from . import bp
from .forms import GROUP_LABELS, EmptyForm, InvitationForm, LoginForm, RoundForm
from .monitor import day_chart, monitor


@bp.app_context_processor
def console_context():
    return {"GROUP_LABELS": GROUP_LABELS}


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.index"))
    form = LoginForm()
    if form.validate_on_submit():
        from flask import current_app

        if not ratelimit.hit("login", ratelimit.client_address(request), current_app.config["SCRI_LOGIN_RATE_LIMIT"]):
            abort_with(429)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("The e-mail or password is not right, or the account is locked for a few minutes after "
                "repeated failures."), "error")
    return render_template("console/login.html", form=form), (200 if request.method == "GET" else 401)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
    return redirect(url_for("console.login"))


@bp.get("/")
@login_required
def index():
    rounds = visible_rounds(current_user)
    summary = {r["slug"]: r for r in round_services.rounds_summary(rounds)}
    return render_template("console/index.html", rounds=rounds, summary=summary,
                           can_create=bool(changeable_cities(current_user)))


def _instrument_choices() -> dict[str, list[Instrument]]:
    rows = db.session.scalars(select(Instrument).where(Instrument.approved.is_(True))
                              .order_by(Instrument.group, Instrument.version.desc())).all()
    by_group: dict[str, list[Instrument]] = {}
    for row in rows:
        by_group.setdefault(row.group, []).append(row)
    return by_group


@bp.route("/rounds/new", methods=["GET", "POST"])
@login_required
def round_new():
    cities = changeable_cities(current_user)
    if not cities:
        abort_with(403)
    round_services.ensure_builtin_instruments()
    form = RoundForm()
    form.city_id.choices = [SelectChoice(c.id, c.name(_lang())) for c in cities]
    available = _instrument_choices()
    for group in GROUPS:
        field = getattr(form, f"instrument_{group}")
        field.choices = [SelectChoice(row.id, f"{row.code} v{row.version}" + ("" if row.source == "builtin" else " ↑"))
                         for row in sorted(available.get(group, []), key=lambda r: (r.source != "builtin", -r.version))]
    if request.method == "GET":
        from ..models._base import utcnow

        form.year.data = utcnow().year
    if form.validate_on_submit():
        groups = [g for g in GROUPS if getattr(form, f"use_{g}").data]
        if not groups:
            flash(_("Choose at least one stakeholder group."), "error")
        else:
            city = next(c for c in cities if c.id == form.city_id.data)
            try:
                round_ = round_services.create_round(
                    city, form.slug.data, groups, year=form.year.data, title=form.title.data or "",
                    targets={g: getattr(form, f"target_{g}").data for g in groups},
                    access={g: getattr(form, f"access_{g}").data for g in groups},
                    instruments=_chosen_instruments(form, groups, available),
                    anonymous=form.anonymous.data,
                    opens_at=_aware(form.opens_at.data), closes_at=_aware(form.closes_at.data), actor=current_user)
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("Round %(slug)s created. Open it when you are ready to collect answers.", slug=round_.slug),
                      "success")
                return redirect(url_for("console.round_detail", slug=round_.slug))
    return render_template("console/round_new.html", form=form, groups=GROUPS), (
        422 if request.method == "POST" else 200)


def _chosen_instruments(form, groups, available) -> dict[str, Instrument]:
    """The approved instrument picked for each group (a tampered id falls back to an error, not a guess)."""
    chosen = {}
    for group in groups:
        picked = getattr(form, f"instrument_{group}").data
        if picked:
            row = next((r for r in available.get(group, []) if r.id == picked), None)
            if row is None:
                raise ServiceError(_("Choose one of the offered questionnaires."))
            chosen[group] = row
    return chosen


def _aware(value):
    return value.replace(tzinfo=UTC) if value is not None else None


def _lang() -> str:
    from ..i18n import current_language

    return current_language()


@bp.get("/rounds/<slug>")
@login_required
def round_detail(slug: str):
    round_ = get_round_for(current_user, slug)
    data = monitor(round_)
    return render_template("console/round.html", round=round_, data=data, chart=day_chart(data["per_day"]),
                           invitations=invitations.status_counts(round_.id), form=EmptyForm(),
                           can_change=current_user.can_change_city(round_.city_id),
                           invitation_form=_invitation_form(round_))


@bp.get("/rounds/<slug>/monitor.json")
@login_required
def round_monitor_json(slug: str):
    return jsonify(monitor(get_round_for(current_user, slug)))


@bp.post("/rounds/<slug>/<action>")
@login_required
def round_action(slug: str, action: str):
    actions = {"open": round_services.open_round, "close": round_services.close_round,
               "archive": round_services.archive_round, "clone": None}
    if action not in actions:
        abort_with(404)
    round_ = get_round_for(current_user, slug, change=True)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    try:
        if action == "clone":
            copy = round_services.clone_round(round_, actor=current_user)
            db.session.commit()
            flash(_("Round copied as %(slug)s (draft).", slug=copy.slug), "success")
            return redirect(url_for("console.round_detail", slug=copy.slug))
        actions[action](round_, actor=current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("console.round_detail", slug=slug))


def _invitation_form(round_) -> InvitationForm | None:
    groups = [g.group for g in round_.groups if g.access == "invitation"]
    if not groups:
        return None
    form = InvitationForm()
    form.group.choices = [SelectChoice(g, GROUP_LABELS[g]) for g in groups]
    return form


@bp.post("/rounds/<slug>/invitations")
@login_required
def round_invitations(slug: str):
    """Issue invitations and return their links once: as CSV or as a printable sheet with QR codes."""
    round_ = get_round_for(current_user, slug, change=True)
    form = _invitation_form(round_)
    if form is None or not form.validate_on_submit():
        flash(_("Check the invitation form: choose a group and a number from 1 to 1000, or a file."), "error")
        return redirect(url_for("console.round_detail", slug=slug))
    try:
        if form.upload.data and getattr(form.upload.data, "filename", ""):
            rows = invitations.rows_from_table(read_uploaded_table(form.upload.data))
        else:
            if not form.count.data:
                raise ServiceError(_("Give a number of invitations or a file."))
            rows = [{"organisation": "", "sector": "", "email": ""} for _ in range(form.count.data)]
        issued = invitations.issue(round_, form.group.data, rows, request.host_url, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.round_detail", slug=slug))
    filename = f"invitations-{round_.slug}-{form.group.data}"
    if form.output.data == "pdf":
        def render(cards):
            return render_template("console/invitations_pdf.html", round=round_, group=form.group.data, cards=cards)

        data = invitations.links_pdf(issued, render)
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'})
    return Response(invitations.links_csv(issued), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


@bp.get("/rounds/<slug>/invitations")
@login_required
def invitation_list(slug: str):
    round_ = get_round_for(current_user, slug)
    rows = db.session.scalars(select(Invitation).where(Invitation.round_id == round_.id)
                              .order_by(Invitation.group, Invitation.id)).all()
    return render_template("console/invitations.html", round=round_, rows=rows, form=EmptyForm(),
                           can_change=current_user.can_change_city(round_.city_id))


@bp.post("/rounds/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def invitation_revoke(slug: str, invitation_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_.id:
        abort_with(404)
    if EmptyForm().validate_on_submit() and invitation.used_at is None:
        invitations.revoke(invitation, actor=current_user)
    return redirect(url_for("console.invitation_list", slug=slug))
