"""Invitations by e-mail: one plain-text message per invitation in Kazakh, Russian and English, over SMTP.

The token exists only in the link being sent (see `services.invitations`): nothing about the message is
stored except the audit counts. Off unless SCRI_MAIL_HOST and SCRI_MAIL_SENDER are configured.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from instruments.domain import LANGUAGES

from ..auth import hash_token, new_token
from ..extensions import db
from ..models import AuditEvent, Invitation, SurveyRound
from . import audit
from .errors import ServiceError
from .invitations import MAX_PER_BATCH, TOKEN_PREFIX, IssuedInvitation, link_for

TIMEOUT_SECONDS = 20


@dataclass
class MailResult:
    """What happened to one invitation's e-mail: sent, failed (with the reason) or no address."""

    invitation: IssuedInvitation
    sent: bool = False
    problem: str = ""


def enabled() -> bool:
    return bool(current_app.config.get("SCRI_MAIL_HOST") and current_app.config.get("SCRI_MAIL_SENDER"))


def _one_line(text: str) -> str:
    """Text safe for a header: no line breaks or other control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text or "").split())


def _body(round_: SurveyRound, item: IssuedInvitation, lang: str) -> str:
    city = round_.city.name(lang)
    greeting = (
        gettext("Dear colleagues at %(organisation)s,", organisation=item.organisation)
        if item.organisation
        else gettext("Dear colleagues,")
    )
    return "\n\n".join(
        [
            greeting,
            gettext(
                "%(city)s is asking its stakeholders how ready the city is to become a smart city. Your "
                "organisation is invited to answer the survey \u201c%(round)s\u201d.",
                city=city,
                round=round_.title or round_.slug,
            ),
            gettext("This link is for your organisation only and can be used once:"),
            f"{item.link}&lang={lang}",  # opens the questionnaire in the language of this part
            gettext("The survey is anonymous: your answers are not linked to this invitation.")
            if round_.anonymous
            else gettext(
                "Your answers are linked to your organisation and seen only by the people who run the survey."
            ),
        ]
    )


def invitation_message(
    round_: SurveyRound, item: IssuedInvitation, sender: str, reminder: bool = False
) -> EmailMessage:
    """The e-mail for one invitation (or a reminder): every language in one plain-text message, Kazakh first."""
    parts, subjects = [], []
    for lang in LANGUAGES:
        with force_locale(lang):
            body = _body(round_, item, lang)
            subject = gettext("Survey of %(city)s", city=round_.city.name(lang))
            if reminder:
                body = (
                    gettext(
                        "A reminder: the survey is still open and your organisation has not answered yet. "
                        "The earlier link no longer works; please use the one below."
                    )
                    + "\n\n"
                    + body
                )
                subject = gettext("Reminder: %(subject)s", subject=subject)
            parts.append(body)
            subjects.append(subject)
    message = EmailMessage()
    message["Subject"] = _one_line(" / ".join(subjects))
    message["From"] = formataddr(("SCRI", sender))
    message["To"] = item.email
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(("\n\n" + "—" * 24 + "\n\n").join(parts) + "\n")
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["SCRI_MAIL_HOST"], config["SCRI_MAIL_PORT"]
    if config.get("SCRI_MAIL_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if config.get("SCRI_MAIL_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("SCRI_MAIL_USER"):
        smtp.login(config["SCRI_MAIL_USER"], config.get("SCRI_MAIL_PASSWORD", ""))
    return smtp


def _deliver(results: list[MailResult], message_for) -> None:
    """Send `message_for(result)` for every result with an address over one connection; record what happened."""
    to_send = [r for r in results if r.invitation.email]
    for result in results:
        if not result.invitation.email:
            result.problem = gettext("no e-mail address")
    if not to_send:
        return
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("mail server unreachable: %s", exc)
        for result in to_send:
            result.problem = gettext("the mail server could not be reached")
        return
    with smtp:
        for result in to_send:
            try:
                smtp.send_message(message_for(result))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                result.problem = gettext("the mail server refused this address")
            except (OSError, smtplib.SMTPException):
                result.problem = gettext("the connection to the mail server was lost")
            else:
                result.sent = True


def send_invitations(round_: SurveyRound, issued: list[IssuedInvitation], actor=None) -> list[MailResult]:
    """E-mail every invitation that has an address; the result says, per invitation, what happened.

    A failure never loses an invitation: it exists already, and the caller shows the links that were not
    sent so that they can be passed on another way.
    """
    results = [MailResult(item) for item in issued]
    sender = current_app.config["SCRI_MAIL_SENDER"]
    _deliver(results, lambda result: invitation_message(round_, result.invitation, sender))
    sent = sum(r.sent for r in results)
    audit.record(
        "invitation.email",
        user=actor,
        obj=round_,
        city_id=round_.city_id,
        details={"group": issued[0].group if issued else "", "sent": sent, "not_sent": len(results) - sent},
    )
    return results


def _unopened_with_address(round_: SurveyRound):
    """Conditions of the invitations a reminder goes to: an e-mail address, not opened, not revoked."""
    return (
        Invitation.round_id == round_.id,
        Invitation.email.is_not(None),
        Invitation.started_at.is_(None),
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
    )


def reminder_candidates(round_: SurveyRound, group: str) -> list[Invitation]:
    """Invitations of a group with an e-mail address that nobody has opened yet (nor revoked)."""
    query = select(Invitation).where(*_unopened_with_address(round_), Invitation.group == group)
    return list(db.session.scalars(query.order_by(Invitation.id).limit(MAX_PER_BATCH)))


def reminder_overview(round_: SurveyRound) -> list[tuple[str, int, AuditEvent | None]]:
    """(group, unopened invitations with an address, its last reminder) for each invitation group with any.

    Empty without e-mail or when the round is not open.
    """
    if not enabled() or round_.status != "open":
        return []
    counts = dict(
        db.session.execute(
            select(Invitation.group, func.count()).where(*_unopened_with_address(round_)).group_by(Invitation.group)
        ).all()
    )
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "invitation.remind",
            AuditEvent.object_type == "SurveyRound",
            AuditEvent.object_id == round_.id,
        )
        .order_by(AuditEvent.id)
    ).all()
    last = {(event.details or {}).get("group"): event for event in events}
    return [
        (g.group, counts[g.group], last.get(g.group))
        for g in round_.groups
        if g.access == "invitation" and counts.get(g.group)
    ]


def send_reminders(round_: SurveyRound, group: str, base_url: str, actor=None) -> list[MailResult]:
    """E-mail a reminder with a fresh link to every unopened invitation of the group that has an address.

    Only hashes of links are stored, so a reminder carries a new link; an invitation takes its new link only
    once the message has been sent, so a failure leaves its earlier link working and nothing is lost.
    """
    if round_.status != "open":
        raise ServiceError(gettext("Reminders are sent while the round is open."))
    rows = reminder_candidates(round_, group)
    tokens = {row.id: new_token(TOKEN_PREFIX) for row in rows}
    results = [
        MailResult(
            IssuedInvitation(
                row.organisation,
                row.sector,
                row.email or "",
                link_for(base_url, round_.slug, group, tokens[row.id]),
                group,
            )
        )
        for row in rows
    ]
    sender = current_app.config["SCRI_MAIL_SENDER"]
    _deliver(results, lambda result: invitation_message(round_, result.invitation, sender, reminder=True))
    for row, result in zip(rows, results, strict=True):
        if result.sent:
            row.token_hash = hash_token(tokens[row.id])
    sent = sum(r.sent for r in results)
    audit.record(
        "invitation.remind",
        user=actor,
        obj=round_,
        city_id=round_.city_id,
        details={"group": group, "sent": sent, "not_sent": len(results) - sent},
    )
    return results
