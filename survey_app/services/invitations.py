"""Personal invitations: generate in bulk or from a list, as links shown once (CSV or a QR sheet)."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from ..auth import hash_token, new_token
from ..extensions import db
from ..models import Invitation, SurveyRound
from ..models._base import utcnow
from . import audit
from .errors import ServiceError

MAX_PER_BATCH = 1000


@dataclass
class IssuedInvitation:
    organisation: str
    sector: str
    email: str
    link: str


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def rows_from_table(frame) -> list[dict[str, str]]:
    """Organisations from an uploaded table (columns organisation, sector, optional email), all or an error."""
    columns = set(frame.columns)
    if "organisation" not in columns and "organization" not in columns:
        raise ServiceError("the file needs a column named organisation (and optionally sector, email)")
    org_col = "organisation" if "organisation" in columns else "organization"
    problems, rows = [], []
    for row_number, record in frame.iterrows():
        organisation = _clean(record.get(org_col))
        email = _clean(record.get("email")) if "email" in columns else ""
        if not organisation:
            problems.append(f"row {row_number}: organisation is empty")
        elif len(organisation) > 300:
            problems.append(f"row {row_number}: organisation is longer than 300 characters")
        if email and ("@" not in email or len(email) > 254):
            problems.append(f"row {row_number}: {email!r} is not an e-mail address")
        rows.append({"organisation": organisation, "sector": _clean(record.get("sector"))[:120], "email": email})
    if problems:
        more = f"; … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ServiceError("; ".join(problems[:20]) + more)
    if not rows:
        raise ServiceError("the file has no organisations")
    if len(rows) > MAX_PER_BATCH:
        raise ServiceError(f"at most {MAX_PER_BATCH} invitations at a time")
    return rows


def issue(round_: SurveyRound, group: str, rows: list[dict[str, str]], base_url: str, actor=None
          ) -> list[IssuedInvitation]:
    """Create one invitation per row; returns the links (the tokens exist only in this return value)."""
    round_group = round_.group(group)
    if round_group is None:
        raise ServiceError(f"the round does not survey {group}")
    if round_group.access != "invitation":
        raise ServiceError(f"{group} answer through the open link; invitations are for invitation-only groups")
    if round_.status in ("closed", "archived"):
        raise ServiceError("the round is closed")
    if not 1 <= len(rows) <= MAX_PER_BATCH:
        raise ServiceError(f"choose from 1 to {MAX_PER_BATCH} invitations")
    issued = []
    for row in rows:
        token = new_token("inv_")
        db.session.add(Invitation(round_id=round_.id, group=group, organisation=row.get("organisation", ""),
                                  sector=row.get("sector", ""), email=row.get("email") or None,
                                  token_hash=hash_token(token)))
        issued.append(IssuedInvitation(row.get("organisation", ""), row.get("sector", ""), row.get("email", ""),
                                       f"{base_url.rstrip('/')}/s/{round_.slug}/{group}?t={token}"))
    audit.record("invitations.issue", user=actor, obj=round_, details={"group": group, "count": len(rows)})
    db.session.commit()
    return issued


def revoke(invitation: Invitation, actor=None) -> None:
    invitation.revoked_at = utcnow()
    round_ = db.session.get(SurveyRound, invitation.round_id)
    audit.record("invitation.revoke", user=actor, obj=invitation, city_id=round_.city_id if round_ else None)
    db.session.commit()


def status_counts(round_id: int) -> dict[str, dict[str, int]]:
    """Per group: issued, started, used, revoked."""
    rows = db.session.execute(
        select(Invitation.group, func.count(), func.count(Invitation.started_at), func.count(Invitation.used_at),
               func.count(Invitation.revoked_at))
        .where(Invitation.round_id == round_id).group_by(Invitation.group)).all()
    return {g: {"issued": n, "started": s, "used": u, "revoked": r} for g, n, s, u, r in rows}


def _safe_cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def links_csv(issued: list[IssuedInvitation]) -> str:
    """CSV of the links (UTF-8 with BOM for spreadsheets; formula-like cells neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["organisation", "sector", "email", "link"])
    for item in issued:
        writer.writerow([_safe_cell(item.organisation), _safe_cell(item.sector), _safe_cell(item.email), item.link])
    return "\ufeff" + out.getvalue()


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (drawn locally, no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def links_pdf(issued: list[IssuedInvitation], html_renderer) -> bytes:
    """A printable A4 sheet, one card per invitation with its QR code (fetches only data: and static files)."""
    from ..reports.pdf import html_to_pdf

    cards = [{"organisation": i.organisation, "sector": i.sector, "link": i.link, "qr": qr_data_uri(i.link)}
             for i in issued]
    return html_to_pdf(html_renderer(cards))
