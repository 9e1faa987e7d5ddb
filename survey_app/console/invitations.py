"""Invitations of a round's invitation-only groups: issue (shown once), download again, list, revoke."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..errors import abort_with
from ..extensions import db
from ..links import site_root
from ..models import Invitation
from ..services import invitations, mail
from ..services.errors import ServiceError
from ..services.permissions import get_round_for
from ..services.uploads import read_uploaded_table
from . import bp
from .confirm import confirmation_page, confirmed
from .forms import EmptyForm
from .rounds import invitation_form
from .unit_of_work import run

PER_PAGE = 100
NO_STORE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}


def _file(round_, group: str, issued, fmt: str) -> Response:
    filename = f"invitations-{round_.slug}-{group or 'all'}"
    headers = dict(NO_STORE)
    if fmt == "pdf":

        def render(cards):
            return render_template("console/invitations_pdf.html", round=round_, group=group, cards=cards)

        headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return Response(invitations.links_pdf(issued, render), mimetype="application/pdf", headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return Response(invitations.links_csv(issued), mimetype="text/csv; charset=utf-8", headers=headers)


@bp.post("/rounds/<slug>/invitations")
@login_required
def round_invitations(slug: str):
    """Issue invitations and give their links once: on screen, as CSV or as a printable sheet with QR codes."""
    round_ = get_round_for(current_user, slug, change=True)
    form = invitation_form(round_)
    if form is None or not form.validate_on_submit():
        flash(_("Check the invitation form: choose a group and a number from 1 to 1000, or a file."), "error")
        return redirect(url_for("console.round_detail", slug=slug))

    def issue():
        if form.upload.data and getattr(form.upload.data, "filename", ""):
            rows = invitations.rows_from_table(
                read_uploaded_table(form.upload.data, max_rows=invitations.MAX_PER_BATCH)
            )
        else:
            if not form.count.data:
                raise ServiceError(_("Give a number of invitations or a file."))
            rows = [{"organisation": "", "sector": "", "email": ""} for _i in range(form.count.data)]
        return invitations.issue(round_, form.group.data, rows, site_root(), actor=current_user)

    outcome = run(issue)
    if not outcome.ok:
        return redirect(url_for("console.round_detail", slug=slug))
    issued = outcome.value
    if form.output.data in ("csv", "pdf"):
        return _file(round_, form.group.data, issued, form.output.data)
    mailed = None
    if form.output.data == "email":
        mailed = mail.send_invitations(round_, issued, actor=current_user)
        db.session.commit()
    page = render_template(
        "console/invitations_issued.html", round=round_, group=form.group.data, issued=issued, mailed=mailed
    )
    return Response(page, headers=NO_STORE)


@bp.post("/rounds/<slug>/invitations/links.<fmt>")
@login_required
def invitation_links(slug: str, fmt: str):
    """The links just shown on screen, again as CSV or as the QR sheet (the page posts the tokens back)."""
    if fmt not in ("csv", "pdf"):
        abort_with(404)
    round_ = get_round_for(current_user, slug, change=True)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    try:
        issued = invitations.from_tokens(round_, request.form.getlist("t"), site_root())
    except ServiceError as exc:
        abort_with(400, _("Bad request"), str(exc))
    groups = {i.group for i in issued}
    return _file(round_, groups.pop() if len(groups) == 1 else "", issued, fmt)


@bp.get("/rounds/<slug>/invitations")
@login_required
def invitation_list(slug: str):
    round_ = get_round_for(current_user, slug)
    wanted = request.args.get("status", "")
    group = request.args.get("group", "")
    query = select(Invitation).where(Invitation.round_id == round_.id)
    if group in {g.group for g in round_.groups}:
        query = query.where(Invitation.group == group)
    else:
        group = ""
    conditions = {
        "not_started": (Invitation.revoked_at.is_(None), Invitation.used_at.is_(None), Invitation.started_at.is_(None)),
        "started": (Invitation.revoked_at.is_(None), Invitation.used_at.is_(None), Invitation.started_at.is_not(None)),
        "used": (Invitation.revoked_at.is_(None), Invitation.used_at.is_not(None)),
        "revoked": (Invitation.revoked_at.is_not(None),),
    }
    if wanted in conditions:
        query = query.where(*conditions[wanted])
    else:
        wanted = ""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    rows = db.session.scalars(
        query.order_by(Invitation.group, Invitation.id).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    can_change = current_user.can_change_city(round_.city_id)
    return render_template(
        "console/invitations.html",
        round=round_,
        rows=rows,
        form=EmptyForm(),
        status_of=invitations.status,
        counts=invitations.status_counts(round_.id),
        wanted=wanted,
        group=group,
        page=page,
        pages=pages,
        total=total,
        can_change=can_change,
        reminders=mail.reminder_overview(round_) if can_change else [],
    )


@bp.post("/rounds/<slug>/invitations/remind")
@login_required
def invitation_remind(slug: str):
    """E-mail a reminder with a fresh link to a group's unopened invitations that have an address."""
    round_ = get_round_for(current_user, slug, change=True)
    group = request.form.get("group", "")
    if not EmptyForm().validate_on_submit() or group not in {g.group for g in round_.groups} or not mail.enabled():
        abort_with(400)
    outcome = run(lambda: mail.send_reminders(round_, group, site_root(), actor=current_user))
    if not outcome.ok:
        return redirect(url_for("console.invitation_list", slug=slug))
    results = outcome.value
    sent = sum(r.sent for r in results)
    flash(
        _("%(sent)s of %(n)s reminders were sent.", sent=sent, n=len(results)),
        "success" if sent == len(results) else "error",
    )
    if sent < len(results):
        flash(_("The invitations whose reminder could not be sent keep their earlier links."), "error")
    return redirect(url_for("console.invitation_list", slug=slug, group=group))


@bp.route("/rounds/<slug>/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@login_required
def invitation_revoke(slug: str, invitation_id: int):
    """Revoke one invitation (GET: the confirmation page; POST from it: done)."""
    round_ = get_round_for(current_user, slug, change=True)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_.id:
        abort_with(404)
    back = url_for("console.invitation_list", slug=slug, status=request.args.get("status") or None)
    if request.method == "GET":
        subject = _("invitation #%(id)s", id=invitation.id)
        if invitation.organisation:
            subject += f" · {invitation.organisation}"
        return confirmation_page("revoke", round_=round_, back=back, subject=subject)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if not confirmed():
        return redirect(url_for("console.invitation_revoke", slug=slug, invitation_id=invitation.id))
    if invitations.revoke(invitation, actor=current_user):
        flash(_("Invitation #%(id)s is revoked: its link no longer works.", id=invitation.id), "success")
    else:
        flash(_("Invitation #%(id)s was already answered or revoked.", id=invitation.id), "error")
    return redirect(url_for("console.invitation_list", slug=slug, status=request.args.get("status") or None))
