"""A city whose readiness is assessed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow

#: Kazakhstan's time zone since 1 March 2024 (UTC+5 everywhere).
DEFAULT_TIMEZONE = "Asia/Almaty"


class City(db.Model):
    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    population: Mapped[int | None] = mapped_column(Integer)
    # Census margins for weighting residents: {"sex": {"m": 0.48, "f": 0.52}, "age_band": {...}}
    census_margins: Mapped[dict | None] = mapped_column(JSON)
    #: The IANA time zone the city's people read times in (scheduled openings and closings, the monitor).
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE, server_default=DEFAULT_TIMEZONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def name(self, lang: str) -> str:
        """The city's name in the given language, falling back to English."""
        return getattr(self, f"name_{lang}", None) or self.name_en

    def zone(self) -> ZoneInfo:
        """The city's time zone (Kazakhstan's, UTC+5, when the stored name is unknown to this machine)."""
        try:
            return ZoneInfo(self.timezone or DEFAULT_TIMEZONE)
        except (ValueError, ZoneInfoNotFoundError):
            return ZoneInfo(DEFAULT_TIMEZONE)

    def __repr__(self) -> str:
        return f"<City {self.slug}>"
