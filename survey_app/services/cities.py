"""Find and create cities."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import City
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
