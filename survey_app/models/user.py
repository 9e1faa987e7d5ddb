"""Accounts of admins, coordinators and viewers, and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .city import City

ROLES = ("admin", "coordinator", "viewer")

user_city = Table(
    "user_city",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("city.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(2))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Raised to end every session of the account (sign-out, a new password): a session carries the epoch it
    #: began in, and one from an earlier epoch no longer signs anybody in.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cities: Mapped[list[City]] = relationship(secondary=user_city, lazy="selectin")

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def get_id(self) -> str:  # flask-login: what the session keeps
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        """Sign the account out everywhere (every session cookie of it, stolen copies included, stops working)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see_city(self, city_id: int) -> bool:
        """Admins see every city; coordinators and viewers only the cities they are assigned to."""
        return self.is_admin or any(c.id == city_id for c in self.cities)

    def can_change_city(self, city_id: int) -> bool:
        """Admins change every city; coordinators only their own; viewers nothing."""
        if self.is_admin:
            return True
        return self.role == "coordinator" and self.can_see_city(city_id)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A personal API token; only its sha256 is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")
