"""A survey round: one city, one period, an instrument and a target per stakeholder group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .city import City
from .instrument import Instrument


class SurveyRound(db.Model):
    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # "round": a survey round of the index; "poll": a quick one-page poll feeding the opinion side (§6.1).
    kind: Mapped[str] = mapped_column(String(16), default="round", server_default="round")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_published: Mapped[bool] = mapped_column(Boolean, default=False)
    cloned_from_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    city: Mapped[City] = relationship(lazy="joined")
    groups: Mapped[list[RoundGroup]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundGroup.position"
    )

    def group(self, code: str) -> RoundGroup | None:
        """The round's settings for one stakeholder group, or None if the group is not surveyed."""
        return next((g for g in self.groups if g.group == code), None)

    def __repr__(self) -> str:
        return f"<SurveyRound {self.slug} {self.status}>"


class RoundGroup(db.Model):
    """One stakeholder group in a round: its instrument version, access mode and target n."""

    __tablename__ = "round_group"
    __table_args__ = (UniqueConstraint("round_id", "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    group: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="RESTRICT"))
    access: Mapped[str] = mapped_column(String(16), default="open")
    target_n: Mapped[int] = mapped_column(Integer, default=0)

    round: Mapped[SurveyRound] = relationship(back_populates="groups")
    instrument: Mapped[Instrument] = relationship(lazy="joined")
