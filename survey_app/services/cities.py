"""Find and create cities (the console checks a new city's short name and English name)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from instruments.domain import CITY_SLUG_RE

from ..extensions import db
from ..i18n import translate as _
from ..models import City
from ..models.city import DEFAULT_TIMEZONE
from . import audit
from .errors import ServiceError


def find_city(name: str) -> City | None:
    """A city by slug or by its name in any language (case-insensitive)."""
    key = (name or "").strip().casefold()
    if not key:
        return None
    # Compared in Python: SQLite's lower() folds only ASCII, and Kazakh and Russian names are Cyrillic.
    for city in db.session.scalars(select(City)):
        if key in {city.slug.casefold(), city.name_en.casefold(), city.name_ru.casefold(), city.name_kk.casefold()}:
            return city
    return None


def get_city(name: str) -> City:
    """Like find_city, but a clear error when there is no such city."""
    city = find_city(name)
    if city is None:
        known = ", ".join(db.session.scalars(select(City.name_en).order_by(City.name_en))) or "none yet"
        raise ServiceError(f"unknown city {name!r} (known cities: {known})")
    return city


def ensure_city(
    slug: str,
    names: dict[str, str],
    region: str = "",
    population: int | None = None,
    census_margins: dict | None = None,
) -> City:
    """Create a city, or return the existing one with this slug unchanged."""
    city = db.session.scalar(select(City).where(City.slug == slug))
    if city is None:
        city = City(
            slug=slug,
            name_kk=names["kk"],
            name_ru=names["ru"],
            name_en=names["en"],
            region=region,
            population=population,
            census_margins=census_margins,
        )
        db.session.add(city)
        db.session.flush()
    return city


def english_name_taken(name: str, except_id: int | None = None) -> bool:
    """Whether another city has this English name, compared case-insensitively in every alphabet."""
    wanted = (name or "").strip().casefold()
    return any(
        city_id != except_id and (existing or "").strip().casefold() == wanted
        for city_id, existing in db.session.execute(select(City.id, City.name_en))
    )


def known_timezone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone this machine knows (``Asia/Almaty``)."""
    try:
        ZoneInfo((name or "").strip())
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return bool((name or "").strip())


def create_city(
    slug: str,
    names: dict[str, str],
    region: str = "",
    population: int | None = None,
    census_margins: dict | None = None,
    actor=None,
    timezone: str = DEFAULT_TIMEZONE,
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
        timezone=timezone if known_timezone(timezone) else DEFAULT_TIMEZONE,
    )
    db.session.add(city)
    db.session.flush()
    audit.record("city.create", user=actor, obj=city, city_id=city.id, details={"slug": slug, "name_en": city.name_en})
    return city
