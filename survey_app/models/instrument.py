"""A frozen version of a questionnaire definition."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class Instrument(db.Model):
    __tablename__ = "instrument"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        UniqueConstraint("code", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    group: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    # The validated definition as plain data; never edited once a round has used it. Deferred: a round's
    # pages need only the content hash to find the parsed instrument in the per-process cache.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="builtin")  # builtin | upload
    approved: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The cities whose rounds may use it (an upload belongs to its uploader's cities until an admin shares it);
    # None: every city (the built-in questionnaires, and shared ones).
    city_ids: Mapped[list[int] | None] = mapped_column(JSON, default=None)

    def for_city(self, city_id: int) -> bool:
        return self.city_ids is None or city_id in self.city_ids

    def visible_to(self, user) -> bool:
        """Whether a console user may see it: shared, or one of the user's cities."""
        return user.is_admin or self.city_ids is None or any(user.can_see_city(c) for c in self.city_ids)

    def __repr__(self) -> str:
        return f"<Instrument {self.code} v{self.version}>"
