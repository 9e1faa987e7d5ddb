"""One invitation: a new link for a lost one (confirmed, shown once, e-mailed on request) and naming who a
blank one is for."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from ..errors import abort_with
from ..extensions import db
from ..links import site_root
from ..models import Invitation
from ..services import invitation_changes, mail
from ..services.permissions import get_round_for
from . import bp
from .confirm import confirmation_page, confirmed
from .forms import EmptyForm
from .unit_of_work import run


class InvitationLabelForm(FlaskForm):
    organisation = StringField(_l("Organisation"))
    sector = StringField(_l("Sector"))
    email = StringField(_l("E-mail (optional)"))


def _invitation(slug: str, invitation_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_.id:
        abort_with(404)
    return round_, invitation


@bp.route("/rounds/<slug>/invitations/<int:invitation_id>/reissue", methods=["GET", "POST"])
@login_required
def invitation_reissue(slug: str, invitation_id: int):
    round_, invitation = _invitation(slug, invitation_id)
    back = url_for("console.invitation_list", slug=slug)
    if request.method == "GET":
        subject = _("invitation #%(id)s", id=invitation.id) + (
            f" · {invitation.organisation}" if invitation.organisation else ""
        )
        hidden = {}
        if invitation.email and mail.enabled():
            subject += " · " + _("the new link is e-mailed to %(email)s", email=invitation.email)
            hidden["send"] = "yes"
        return confirmation_page("reissue", round_=round_, back=back, subject=subject, hidden=hidden)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if not confirmed():
        return redirect(url_for("console.invitation_reissue", slug=slug, invitation_id=invitation.id))
    outcome = run(lambda: invitation_changes.reissue(round_, invitation, site_root(), actor=current_user))
    if not outcome.ok:
        return redirect(back)
    issued = outcome.value
    sent = None
    if request.form.get("send") == "yes" and issued.email and mail.enabled():
        sent = run(lambda: mail.send_invitations(round_, [issued], actor=current_user)).value
    return render_template(
        "console/invitation_new_link.html", round=round_, invitation=invitation, issued=issued, sent=sent,
        can_mail=mail.enabled() and bool(issued.email),
    )  # fmt: skip


@bp.route("/rounds/<slug>/invitations/<int:invitation_id>/edit", methods=["GET", "POST"])
@login_required
def invitation_edit(slug: str, invitation_id: int):
    round_, invitation = _invitation(slug, invitation_id)
    form = InvitationLabelForm()
    if request.method == "GET":
        form.organisation.data, form.sector.data = invitation.organisation, invitation.sector
        form.email.data = invitation.email or ""
    elif form.validate_on_submit():
        outcome = run(
            lambda: invitation_changes.label(
                round_, invitation, form.organisation.data or "", form.sector.data or "", form.email.data or "",
                actor=current_user,
            ),
            success=_("Invitation #%(id)s is saved.", id=invitation.id),
        )  # fmt: skip
        if outcome.ok:
            return redirect(url_for("console.invitation_list", slug=slug))
    else:
        abort_with(400)
    return render_template("console/invitation_edit.html", round=round_, invitation=invitation, form=form)
