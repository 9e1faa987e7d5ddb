"""The survey round lifecycle, for the console and the command line alike: create, edit the settings, open
(freezing instrument versions), close, archive, copy, the schedule, and listing.

An open round's questions never change: once a round has been opened (even if closed again) its groups,
questionnaire versions, access modes and anonymity are fixed; only its title, dates and targets may change.
Messages are in the language of the request (English on the command line).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from instruments.domain import GROUPS, ROUND_SLUG_RE

from ..extensions import db
from ..i18n import translate as _
from ..labels import group_label
from ..models import City, Instrument, Invitation, Response, RoundGroup, SurveyRound
from ..models._base import utcnow
from . import audit
from .errors import ServiceError
from .instruments import ensure_builtin_instruments

DEFAULT_ACCESS = {"residents": "open"}
DEFAULT_TARGETS = {"residents": 120}


def parse_groups(text: str) -> list[str]:
    """`residents,business` → ['residents', 'business'], refusing unknown or repeated groups."""
    groups = [g.strip() for g in (text or "").split(",") if g.strip()]
    if not groups:
        raise ServiceError(_("Give at least one stakeholder group (%(groups)s).", groups=", ".join(GROUPS)))
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ServiceError(_("Unknown group %(group)r; use %(groups)s.", group=unknown[0], groups=", ".join(GROUPS)))
    if len(set(groups)) != len(groups):
        raise ServiceError(_("A group is listed twice."))
    return groups


def get_round(slug: str) -> SurveyRound:
    """The round with this slug, or a clear error."""
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    if round_ is None:
        raise ServiceError(_("Unknown round %(slug)r.", slug=slug))
    return round_


def create_round(
    city: City,
    slug: str,
    groups: list[str],
    *,
    year: int | None = None,
    title: str = "",
    targets: dict[str, int] | None = None,
    access: dict[str, str] | None = None,
    instruments: dict[str, Instrument] | None = None,
    anonymous: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    actor=None,
) -> SurveyRound:
    """A draft round with the chosen (default: built-in) instrument for each group."""
    slug = (slug or "").strip().lower()
    if not ROUND_SLUG_RE.match(slug):
        raise ServiceError(_("The short name must be 3–64 lower-case letters, digits and hyphens, e.g. shu-2025."))
    if db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug)) is not None:
        raise ServiceError(_("A round with the short name %(slug)r already exists.", slug=slug))
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError(_("The closing date must be after the opening date."))
    builtin = ensure_builtin_instruments()
    chosen = dict(instruments or {})
    targets = targets or {}
    access = access or {}
    round_ = SurveyRound(
        city_id=city.id,
        slug=slug,
        title=title,
        year=year or utcnow().year,
        status="draft",
        anonymous=anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for position, group in enumerate(groups):
        instrument = chosen.get(group) or builtin.get(group)
        if instrument is None:
            raise ServiceError(_("There is no questionnaire for the group %(group)r.", group=group))
        if instrument.group != group:
            raise ServiceError(
                _(
                    "The questionnaire %(code)r is for %(its)s, not %(group)s.",
                    code=instrument.code,
                    its=instrument.group,
                    group=group,
                )
            )
        mode = access.get(group) or DEFAULT_ACCESS.get(group, "invitation")
        if mode not in ("open", "invitation"):
            raise ServiceError(_("Choose open link or invitation only."))
        target = targets.get(group, DEFAULT_TARGETS.get(group, 20))
        if not isinstance(target, int) or target < 0:
            raise ServiceError(_("A target must be a whole number of 0 or more."))
        round_.groups.append(
            RoundGroup(group=group, position=position, instrument_id=instrument.id, access=mode, target_n=target)
        )
    db.session.add(round_)
    db.session.flush()
    audit.record("round.create", user=actor, obj=round_, city_id=city.id, details={"slug": slug, "groups": groups})
    return round_


def open_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """Open a draft or closed round; its instrument versions are frozen from now on."""
    if round_.status == "archived":
        raise ServiceError(_("The round %(slug)r is archived and cannot be opened.", slug=round_.slug))
    if round_.status == "open":
        return round_
    if not round_.groups:
        raise ServiceError(_("The round %(slug)r has no stakeholder groups.", slug=round_.slug))
    round_.status = "open"
    round_.opened_at = round_.opened_at or utcnow()
    round_.closed_at = None
    audit.record("round.open", user=actor, obj=round_)
    return round_


def close_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """Close an open round: no more answers are accepted."""
    if round_.status == "closed":
        return round_
    if round_.status != "open":
        raise ServiceError(_("The round %(slug)r is not open.", slug=round_.slug))
    round_.status = "closed"
    round_.closed_at = utcnow()
    audit.record("round.close", user=actor, obj=round_)
    return round_


def archive_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """Archive a closed round: kept for reports and comparisons, no longer listed as active."""
    if round_.status == "open":
        raise ServiceError(_("Close the round %(slug)r before archiving it.", slug=round_.slug))
    round_.status = "archived"
    audit.record("round.archive", user=actor, obj=round_)
    return round_


def restore_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """Bring an archived round back as closed (an administrator's undo of an archiving)."""
    if round_.status != "archived":
        raise ServiceError(_("The round %(slug)r is not archived.", slug=round_.slug))
    round_.status = "closed"
    audit.record("round.restore", user=actor, obj=round_)
    return round_


def clone_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """A draft copy of a round for the next year: same groups, instruments, access and targets."""
    year = round_.year + 1
    base = re.sub(r"-?\d{4}$", "", round_.slug) or round_.slug
    slug, n = f"{base}-{year}", 2
    while db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug)) is not None:
        slug, n = f"{base}-{year}-{n}", n + 1
    copy = SurveyRound(
        city_id=round_.city_id,
        slug=slug,
        title=round_.title,
        year=year,
        status="draft",
        anonymous=round_.anonymous,
        cloned_from_id=round_.id,
    )
    for g in round_.groups:
        copy.groups.append(
            RoundGroup(
                group=g.group, position=g.position, instrument_id=g.instrument_id, access=g.access, target_n=g.target_n
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit.record("round.clone", user=actor, obj=copy, details={"from": round_.slug})
    return copy


def slug_taken(slug: str) -> bool:
    """Whether a round already uses this slug."""
    return db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug.strip().lower())) is not None


def questions_frozen(round_: SurveyRound) -> bool:
    """True once the round has ever been opened (or has responses): its questionnaires are fixed."""
    if round_.opened_at is not None or round_.status in ("open", "closed", "archived"):
        return True
    return bool(db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id)))


def update_round(
    round_: SurveyRound,
    *,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    targets: dict[str, int],
    groups: list[str] | None = None,
    access: dict[str, str] | None = None,
    instruments: dict[str, Instrument] | None = None,
    anonymous: bool | None = None,
    actor=None,
) -> list[str]:
    """Change a round's settings; returns the names of the changed settings (for the audit log)."""
    if round_.status == "archived":
        raise ServiceError(_("An archived round cannot be changed."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError(_("The closing date must be after the opening date."))
    frozen = questions_frozen(round_)
    changed: list[str] = []
    current = {g.group: g for g in round_.groups}
    wanted_groups = list(groups) if groups is not None else list(current)
    if frozen and _structure_changes(round_, current, wanted_groups, access, instruments, anonymous):
        raise ServiceError(
            _(
                "This round has been opened: its groups, questionnaires, access and anonymity "
                "can no longer change. Copy it for a new round instead."
            )
        )
    if not wanted_groups:
        raise ServiceError(_("Choose at least one stakeholder group."))
    if not frozen:
        _keep_invited_groups(round_, wanted_groups, access or {})
    for name, value in (("title", title or ""), ("opens_at", opens_at), ("closes_at", closes_at)):
        if getattr(round_, name) != value:
            setattr(round_, name, value)
            changed.append(name)
    if not frozen:
        if anonymous is not None and anonymous != round_.anonymous:
            round_.anonymous = anonymous
            changed.append("anonymous")
        changed += _change_groups(round_, current, wanted_groups, access or {}, instruments or {}, targets)
    for group, row in current.items():
        target = targets.get(group)
        if target is not None and target != row.target_n:
            if target < 0:
                raise ServiceError(_("A target must be a whole number of 0 or more."))
            row.target_n = target
            changed.append(f"target.{group}")
    round_.groups.sort(key=lambda g: GROUPS.index(g.group) if g.group in GROUPS else 99)
    for position, row in enumerate(round_.groups):
        row.position = position
    if changed:
        audit.record("round.update", user=actor, obj=round_, details={"slug": round_.slug, "changed": changed})
    return changed


def _structure_changes(round_, current, wanted_groups, access, instruments, anonymous) -> bool:
    """Whether the edit touches what freezes when a round opens: groups, questionnaires, access, anonymity."""
    return (
        wanted_groups != list(current)
        or any(access and access.get(g) and access[g] != current[g].access for g in current if g in wanted_groups)
        or any(
            instruments and instruments.get(g) and instruments[g].id != current[g].instrument_id
            for g in current
            if g in wanted_groups
        )
        or (anonymous is not None and anonymous != round_.anonymous)
    )


def _change_groups(round_, current, wanted_groups, access, instruments, targets) -> list[str]:
    """Remove, add and change the round's groups (questionnaire and access) before it is first opened."""
    changed = []
    for group in list(current):
        if group not in wanted_groups:
            round_.groups.remove(current.pop(group))
            changed.append(f"groups.{group}")
    for group in wanted_groups:
        instrument = instruments.get(group)
        if group not in current:
            if instrument is None:
                raise ServiceError(_("Choose a questionnaire for every group."))
            row = RoundGroup(
                group=group,
                position=GROUPS.index(group),
                instrument_id=instrument.id,
                access=access.get(group, "invitation"),
                target_n=targets.get(group, 0),
            )
            round_.groups.append(row)
            current[group] = row
            changed.append(f"groups.{group}")
            continue
        row = current[group]
        if instrument is not None and instrument.id != row.instrument_id:
            if instrument.group != group or not instrument.approved:
                raise ServiceError(_("Choose one of the offered questionnaires."))
            row.instrument_id = instrument.id
            changed.append(f"instrument.{group}")
        mode = access.get(group)
        if mode and mode != row.access:
            if mode not in ("open", "invitation"):
                raise ServiceError(_("Choose open link or invitation only."))
            row.access = mode
            changed.append(f"access.{group}")
    return changed


def _keep_invited_groups(round_: SurveyRound, wanted_groups: list[str], access: dict[str, str]) -> None:
    """A group with live invitations may not be dropped or opened to everyone (its links would stop working)."""
    invited = set(
        db.session.scalars(
            select(Invitation.group).distinct().where(Invitation.round_id == round_.id, Invitation.revoked_at.is_(None))
        )
    )
    for group in sorted(invited):
        if group not in wanted_groups or access.get(group, "invitation") != "invitation":
            raise ServiceError(
                _(
                    "Invitations have been issued to %(group)s: revoke them first if this group is "
                    "to be removed or opened to everyone.",
                    group=group_label(group),
                )
            )


def scheduled_status(round_: SurveyRound, now: datetime | None = None) -> str:
    """The status a round has once its schedule is applied (reads only; `apply_schedule` stores it)."""
    now = now or utcnow()
    if round_.status == "draft" and round_.opens_at and round_.opens_at <= now:
        if not round_.closes_at or round_.closes_at > now:
            return "open"
    if round_.status == "open" and round_.closes_at and round_.closes_at <= now:
        return "closed"
    return round_.status


def apply_schedule(round_: SurveyRound, now: datetime | None = None) -> bool:
    """Open or close a round whose scheduled date has passed; returns True when the status changed."""
    now = now or utcnow()
    if (
        round_.status == "draft"
        and round_.opens_at
        and round_.opens_at <= now
        and (not round_.closes_at or round_.closes_at > now)
    ):
        open_round(round_)
        return True
    if round_.status == "open" and round_.closes_at and round_.closes_at <= now:
        close_round(round_)
        return True
    return False


def response_counts(round_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """{round_id: {group: {"complete": n, "partial": m}}} in one query."""
    rows = db.session.execute(
        select(Response.round_id, Response.group, Response.status, func.count())
        .where(Response.round_id.in_(round_ids))
        .group_by(Response.round_id, Response.group, Response.status)
    ).all()
    result: dict[int, dict[str, dict[str, int]]] = {}
    for round_id, group, status, count in rows:
        result.setdefault(round_id, {}).setdefault(group, {"complete": 0, "partial": 0})[status] = count
    return result


def rounds_summary(rounds: list[SurveyRound]) -> list[dict]:
    """The `scri rounds list --format json` shape."""
    counts = response_counts([r.id for r in rounds]) if rounds else {}
    out = []
    for r in rounds:
        per_group = counts.get(r.id, {})
        out.append(
            {
                "slug": r.slug,
                "city": r.city.name_en,
                "year": r.year,
                "status": r.status,
                "kind": r.kind,  # "round", or "poll" for a quick poll
                "groups": [g.group for g in r.groups],
                "responses": {
                    "complete": sum(v.get("complete", 0) for v in per_group.values()),
                    "partial": sum(v.get("partial", 0) for v in per_group.values()),
                },
            }
        )
    return out
