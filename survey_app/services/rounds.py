"""Survey round lifecycle: create, open (freezing instrument versions), close, list."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from instruments.domain import GROUPS

from ..extensions import db
from ..models import City, Instrument, Response, RoundGroup, SurveyRound
from ..models._base import utcnow
from . import audit
from .errors import ServiceError
from .instruments import ensure_builtin_instruments

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
DEFAULT_ACCESS = {"residents": "open"}
DEFAULT_TARGETS = {"residents": 120}


def parse_groups(text: str) -> list[str]:
    """`residents,business` → ['residents', 'business'], refusing unknown or repeated groups."""
    groups = [g.strip() for g in (text or "").split(",") if g.strip()]
    if not groups:
        raise ServiceError(f"give at least one stakeholder group ({', '.join(GROUPS)})")
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ServiceError(f"unknown group {unknown[0]!r}; use {', '.join(GROUPS)}")
    if len(set(groups)) != len(groups):
        raise ServiceError("a group is listed twice")
    return groups


def get_round(slug: str) -> SurveyRound:
    """The round with this slug, or a clear error."""
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    if round_ is None:
        raise ServiceError(f"unknown round {slug!r}")
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
    if not SLUG_RE.match(slug):
        raise ServiceError("slug must be 3–64 lower-case letters, digits and hyphens, e.g. shu-2025")
    if db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug)) is not None:
        raise ServiceError(f"a round with slug {slug!r} already exists")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError("the closing date must be after the opening date")
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
            raise ServiceError(f"there is no instrument for group {group!r}")
        if instrument.group != group:
            raise ServiceError(f"instrument {instrument.code!r} is for {instrument.group}, not {group}")
        mode = access.get(group) or DEFAULT_ACCESS.get(group, "invitation")
        if mode not in ("open", "invitation"):
            raise ServiceError("access must be open or invitation")
        target = targets.get(group, DEFAULT_TARGETS.get(group, 20))
        if not isinstance(target, int) or target < 0:
            raise ServiceError("a target must be a whole number of 0 or more")
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
        raise ServiceError(f"round {round_.slug!r} is archived and cannot be opened")
    if round_.status == "open":
        return round_
    if not round_.groups:
        raise ServiceError(f"round {round_.slug!r} has no stakeholder groups")
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
        raise ServiceError(f"round {round_.slug!r} is {round_.status}, not open")
    round_.status = "closed"
    round_.closed_at = utcnow()
    audit.record("round.close", user=actor, obj=round_)
    return round_


def archive_round(round_: SurveyRound, actor=None) -> SurveyRound:
    """Archive a closed round: kept for reports and comparisons, no longer listed as active."""
    if round_.status == "open":
        raise ServiceError(f"close round {round_.slug!r} before archiving it")
    round_.status = "archived"
    audit.record("round.archive", user=actor, obj=round_)
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
                "groups": [g.group for g in r.groups],
                "responses": {
                    "complete": sum(v.get("complete", 0) for v in per_group.values()),
                    "partial": sum(v.get("partial", 0) for v in per_group.values()),
                },
            }
        )
    return out
