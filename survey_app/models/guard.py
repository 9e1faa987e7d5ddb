"""Server-side protections for public links: per-device claims and rate-limit buckets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class DeviceClaim(db.Model):
    """One open-link response per device and group: sha256 of the device key, never the key itself."""

    __tablename__ = "device_claim"
    __table_args__ = (UniqueConstraint("round_id", "group", "device_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    group: Mapped[str] = mapped_column(String(32))
    device_hash: Mapped[str] = mapped_column(String(64))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RateBucket(db.Model):
    """A fixed-window counter shared by all workers (key is a hash of scope and client address)."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer)  # unix minute
    count: Mapped[int] = mapped_column(Integer, default=0)
