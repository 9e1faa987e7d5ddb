"""Times as a city's people read them: entered and shown in the city's time zone, stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from .models import City


def to_utc(local: datetime | None, city: City) -> datetime | None:
    """A time typed in the city's zone (naive) as an aware UTC time."""
    if local is None:
        return None
    return local.replace(tzinfo=city.zone()).astimezone(UTC)


def to_local(moment: datetime | None, city: City) -> datetime | None:
    """A stored time as the city's naive wall-clock time (what a form field shows)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(city.zone()).replace(tzinfo=None)


def zone_label(city: City, at: datetime | None = None) -> str:
    """``Asia/Almaty, UTC+05:00``: the zone's name and its offset at `at` (now by default)."""
    moment = (at or datetime.now(UTC)).astimezone(city.zone())
    offset = moment.strftime("%z")
    return f"{city.zone().key}, UTC{offset[:3]}:{offset[3:]}"


def local_text(moment: datetime | None, city: City) -> str:
    """``2026-05-01 18:00 (Asia/Almaty, UTC+05:00)``."""
    if moment is None:
        return ""
    return f"{to_local(moment, city):%Y-%m-%d %H:%M} ({zone_label(city, moment)})"
