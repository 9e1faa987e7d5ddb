"""Server-side protections: rate-limit buckets and sign-in back-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class LoginThrottle(db.Model):
    """Consecutive failed sign-ins of one account from one source (or of the account from anywhere), and
    until when the next attempt waits: a growing back-off, never a lock a stranger can set off."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RateBucket(db.Model):
    """A fixed-window counter shared by all workers (key is a hash of scope and client address)."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer)  # unix minute
    count: Mapped[int] = mapped_column(Integer, default=0)
