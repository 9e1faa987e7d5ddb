"""Changing one invitation after it was issued: a new link for a lost one (the old link stops working), and
the organisation, sector and address of a blank one."""

from __future__ import annotations

from ..auth import hash_token, new_token
from ..i18n import translate as _
from ..models import Invitation, SurveyRound
from . import audit
from .errors import ServiceError
from .invitations import TOKEN_PREFIX, IssuedInvitation, link_for, status


def reissue(round_: SurveyRound, invitation: Invitation, base_url: str, actor=None) -> IssuedInvitation:
    """A new link for an invitation not yet answered; the old token no longer opens it (audited)."""
    if status(invitation) not in ("not_started", "started"):
        raise ServiceError(_("Only an invitation that is not answered or revoked can get a new link."))
    if round_.status in ("closed", "archived"):
        raise ServiceError(_("the round is closed"))
    token = new_token(TOKEN_PREFIX)
    invitation.token_hash = hash_token(token)
    audit.record("invitation.reissue", user=actor, obj=round_, details={"invitation": invitation.id})  # no token
    link = link_for(base_url, round_.slug, invitation.group, token)
    return IssuedInvitation(invitation.organisation, invitation.sector, invitation.email or "", link, invitation.group)


def label(round_: SurveyRound, invitation: Invitation, organisation: str, sector: str, email: str, actor=None) -> None:
    """Name who a (blank) invitation is for; ServiceError for a value that does not fit (audited)."""
    organisation, sector, email = organisation.strip(), sector.strip(), email.strip()
    if len(organisation) > 300 or len(sector) > 120:
        raise ServiceError(_("The organisation is at most 300 characters, the sector 120."))
    if email and ("@" not in email or len(email) > 254 or any(c.isspace() for c in email)):
        raise ServiceError(_("'%(email)s' is not an e-mail address.", email=email[:60]))
    changed = sorted(
        key
        for key, value in (("organisation", organisation), ("sector", sector), ("email", email or None))
        if getattr(invitation, key) != value
    )
    invitation.organisation, invitation.sector, invitation.email = organisation, sector, email or None
    if changed:
        audit.record("invitation.edit", user=actor, obj=invitation, city_id=round_.city_id, details={"fields": changed})
