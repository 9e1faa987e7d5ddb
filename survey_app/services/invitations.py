"""Personal invitations: generate in bulk or from a list, as links shown once (on screen, CSV or a QR sheet).

Only sha256(token) is stored (`Invitation.token_hash`); the token exists in the links returned by `issue`
and nowhere else. The public questionnaire checks the token and sets `started_at` and `used_at`.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from ..auth import hash_token, new_token
from ..extensions import db
from ..i18n import translate as _
from ..models import Invitation, SurveyRound
from ..models._base import utcnow
from . import audit
from .errors import ServiceError
from .uploads import with_columns

MAX_PER_BATCH = 1000
MAX_PROBLEMS_SHOWN = 20
TOKEN_PREFIX = "inv_"  # noqa: S105 (a visible prefix, not a secret)
STATUSES = ("not_started", "started", "used", "revoked")


@dataclass
class IssuedInvitation:
    organisation: str
    sector: str
    email: str
    link: str
    group: str = ""


def _clean(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


#: Headers of the invitation file in Kazakh and Russian (and other spellings), by the column they mean.
COLUMN_NAMES = {
    "organisation": ("organization", "ұйым", "ұйым атауы", "организация", "название организации"),
    "sector": ("сала", "сектор"),
    "email": ("e-mail", "электрондық пошта", "эл. пошта", "электронная почта", "эл. почта", "почта"),
}


def rows_from_table(frame) -> list[dict[str, str]]:
    """Organisations from an uploaded table (columns organisation, sector, optional email), all or an error."""
    frame = with_columns(frame, COLUMN_NAMES)
    columns = set(frame.columns)
    if "organisation" not in columns:
        raise ServiceError(_("the file needs a column named organisation (and optionally sector, email)"))
    org_col = "organisation"
    if len(frame.index) > MAX_PER_BATCH:
        raise ServiceError(_("at most %(n)s invitations at a time; split the file", n=MAX_PER_BATCH))
    problems, rows = [], []
    for row_number, record in frame.iterrows():
        organisation = _clean(record.get(org_col))
        sector = _clean(record.get("sector")) if "sector" in columns else ""
        email = _clean(record.get("email")) if "email" in columns else ""
        if not organisation:
            problems.append(_("row %(row)s: the organisation is empty", row=row_number))
        elif len(organisation) > 300:
            problems.append(_("row %(row)s: the organisation is longer than 300 characters", row=row_number))
        if len(sector) > 120:
            problems.append(_("row %(row)s: the sector is longer than 120 characters", row=row_number))
        if email and ("@" not in email or len(email) > 254 or any(c.isspace() for c in email)):
            problems.append(_("row %(row)s: '%(email)s' is not an e-mail address", row=row_number, email=email[:60]))
        rows.append({"organisation": organisation, "sector": sector, "email": email})
    if problems:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        text = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        if more > 0:
            text += "; " + _("… and %(n)s more", n=more)
        raise ServiceError(_("Nothing was created: %(problems)s", problems=text))
    if not rows:
        raise ServiceError(_("the file has no organisations"))
    return rows


def link_for(base_url: str, round_slug: str, group: str, token: str) -> str:
    """The invitation link `/s/<round-slug>/<group>?t=<token>`."""
    return f"{base_url.rstrip('/')}/s/{round_slug}/{group}?t={token}"


def issue(
    round_: SurveyRound, group: str, rows: list[dict[str, str]], base_url: str, actor=None
) -> list[IssuedInvitation]:
    """Create one invitation per row; returns the links (the tokens exist only in this return value)."""
    round_group = round_.group(group)
    if round_group is None:
        raise ServiceError(_("the round does not survey this group"))
    if round_group.access != "invitation":
        raise ServiceError(_("this group answers through the open link; invitations are for invitation-only groups"))
    if round_.status in ("closed", "archived"):
        raise ServiceError(_("the round is closed"))
    if not 1 <= len(rows) <= MAX_PER_BATCH:
        raise ServiceError(_("choose from 1 to %(n)s invitations", n=MAX_PER_BATCH))
    issued = []
    for row in rows:
        token = new_token(TOKEN_PREFIX)
        db.session.add(
            Invitation(
                round_id=round_.id,
                group=group,
                organisation=row.get("organisation", ""),
                sector=row.get("sector", ""),
                email=row.get("email") or None,
                token_hash=hash_token(token),
            )
        )
        issued.append(
            IssuedInvitation(
                row.get("organisation", ""),
                row.get("sector", ""),
                row.get("email", ""),
                link_for(base_url, round_.slug, group, token),
                group,
            )
        )
    audit.record("invitations.issue", user=actor, obj=round_, details={"group": group, "count": len(rows)})
    db.session.commit()
    return issued


def from_tokens(round_: SurveyRound, tokens: list[str], base_url: str) -> list[IssuedInvitation]:
    """The links of invitations of this round whose tokens the coordinator still holds (to download again).

    Unknown tokens (or another round's) are refused; the order of `tokens` is kept.
    """
    tokens = [t.strip() for t in tokens if t and t.strip()]
    if not 1 <= len(tokens) <= MAX_PER_BATCH or any(len(t) > 100 for t in tokens):
        raise ServiceError(_("choose from 1 to %(n)s invitations", n=MAX_PER_BATCH))
    hashes = {hash_token(t): t for t in tokens}
    rows = {}
    for start in range(0, len(tokens), 500):
        chunk = list(hashes)[start : start + 500]
        for inv in db.session.scalars(
            select(Invitation).where(Invitation.round_id == round_.id, Invitation.token_hash.in_(chunk))
        ):
            rows[inv.token_hash] = inv
    if len(rows) != len(hashes):
        raise ServiceError(_("some of these links are not invitations of this round"))
    out = []
    for token in dict.fromkeys(tokens):
        inv = rows[hash_token(token)]
        out.append(
            IssuedInvitation(
                inv.organisation,
                inv.sector,
                inv.email or "",
                link_for(base_url, round_.slug, inv.group, token),
                inv.group,
            )
        )
    return out


def status(invitation: Invitation) -> str:
    """not_started, started, used or revoked."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.started_at is not None:
        return "started"
    return "not_started"


def revoke(invitation: Invitation, actor=None) -> bool:
    """Revoke an invitation that has not been answered; False when there is nothing to revoke."""
    if invitation.used_at is not None or invitation.revoked_at is not None:
        return False
    invitation.revoked_at = utcnow()
    round_ = db.session.get(SurveyRound, invitation.round_id)
    audit.record(
        "invitation.revoke",
        user=actor,
        obj=invitation,
        city_id=round_.city_id if round_ else None,
        details={"round": round_.slug if round_ else None, "group": invitation.group},
    )
    db.session.commit()
    return True


def status_counts(round_id: int) -> dict[str, dict[str, int]]:
    """Per group: issued, started, used, revoked."""
    rows = db.session.execute(
        select(
            Invitation.group,
            func.count(),
            func.count(Invitation.started_at),
            func.count(Invitation.used_at),
            func.count(Invitation.revoked_at),
        )
        .where(Invitation.round_id == round_id)
        .group_by(Invitation.group)
    ).all()
    return {g: {"issued": n, "started": s, "used": u, "revoked": r} for g, n, s, u, r in rows}


def _safe_cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def links_csv(issued: list[IssuedInvitation]) -> str:
    """CSV of the links (UTF-8 with BOM for spreadsheets; formula-like cells neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["organisation", "sector", "email", "group", "link"])
    for item in issued:
        writer.writerow(
            [_safe_cell(item.organisation), _safe_cell(item.sector), _safe_cell(item.email), item.group, item.link]
        )
    return "\ufeff" + out.getvalue()


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (drawn locally, no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_png_data_uri(text: str) -> str:
    """A QR code as a PNG data URI of one pixel per module, for printed sheets with many codes: shown with
    ``image-rendering: pixelated`` it prints as sharp as the SVG and is drawn a hundred times faster."""
    import qrcode

    image = qrcode.make(text, box_size=1, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def links_pdf(issued: list[IssuedInvitation], html_renderer) -> bytes:
    """A printable A4 sheet, one card per invitation with its QR code (fetches only data: and static files)."""
    from ..pdf import html_to_pdf

    cards = [
        {"organisation": i.organisation, "sector": i.sector, "link": i.link, "qr": qr_png_data_uri(i.link)}
        for i in issued
    ]
    return html_to_pdf(html_renderer(cards))
