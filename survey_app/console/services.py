"""Console operations that are not shared with the command line: edit a round's settings, add a city.

An open round's questions never change: once a round has been opened (even if closed again) its groups,
questionnaire versions, access modes and anonymity are fixed; only its title, dates and targets may change.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from instruments.domain import GROUPS

from ..extensions import db
from ..models import City, Instrument, Invitation, Response, RoundGroup, SurveyRound
from ..services import audit
from ..services.errors import ServiceError
from .forms import GROUP_LABELS

CITY_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$")


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
    structure_change = (
        wanted_groups != list(current)
        or any(access and access.get(g) and access[g] != current[g].access for g in current if g in wanted_groups)
        or any(
            instruments and instruments.get(g) and instruments[g].id != current[g].instrument_id
            for g in current
            if g in wanted_groups
        )
        or (anonymous is not None and anonymous != round_.anonymous)
    )
    if frozen and structure_change:
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
        for group in list(current):
            if group not in wanted_groups:
                round_.groups.remove(current.pop(group))
                changed.append(f"groups.{group}")
        for group in wanted_groups:
            instrument = (instruments or {}).get(group)
            if group not in current:
                if instrument is None:
                    raise ServiceError(_("Choose a questionnaire for every group."))
                row = RoundGroup(
                    group=group,
                    position=GROUPS.index(group),
                    instrument_id=instrument.id,
                    access=(access or {}).get(group, "invitation"),
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
            mode = (access or {}).get(group)
            if mode and mode != row.access:
                if mode not in ("open", "invitation"):
                    raise ServiceError(_("Choose open link or invitation only."))
                row.access = mode
                changed.append(f"access.{group}")
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
                    group=GROUP_LABELS.get(group, group),
                )
            )


def english_name_taken(name: str, except_id: int | None = None) -> bool:
    """Whether another city has this English name, compared case-insensitively in every alphabet."""
    wanted = (name or "").strip().casefold()
    return any(
        city_id != except_id and (existing or "").strip().casefold() == wanted
        for city_id, existing in db.session.execute(select(City.id, City.name_en))
    )


def create_city(
    slug: str,
    names: dict[str, str],
    region: str = "",
    population: int | None = None,
    census_margins: dict | None = None,
    actor=None,
) -> City:
    """A new city; its slug and English name must be new."""
    slug = (slug or "").strip().lower()
    if not CITY_SLUG_RE.match(slug):
        raise ServiceError(_("The short name must be 3–64 lower-case Latin letters, digits and hyphens."))
    if db.session.scalar(select(City.id).where(City.slug == slug)) is not None:
        raise ServiceError(_("A city with this short name already exists."))
    if english_name_taken(names["en"]):
        raise ServiceError(_("A city with this English name already exists."))
    city = City(
        slug=slug,
        name_kk=names["kk"].strip(),
        name_ru=names["ru"].strip(),
        name_en=names["en"].strip(),
        region=region.strip(),
        population=population,
        census_margins=census_margins,
    )
    db.session.add(city)
    db.session.flush()
    audit.record("city.create", user=actor, obj=city, city_id=city.id, details={"slug": slug, "name_en": city.name_en})
    return city


def round_settings(round_: SurveyRound) -> dict[str, Any]:
    """Plain data of a round's settings (for the edit form)."""
    return {
        "title": round_.title,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "anonymous": round_.anonymous,
        "groups": {
            g.group: {"access": g.access, "target": g.target_n, "instrument_id": g.instrument_id} for g in round_.groups
        },
    }
