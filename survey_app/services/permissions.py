"""City-scoped permissions: what an account may see and change. Other cities' objects answer 404."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..models import City, SurveyRound, User
from .rounds import apply_schedule


def visible_cities(user: User) -> list[City]:
    """Cities the account may see, by English name."""
    if user.is_admin:
        return list(db.session.scalars(select(City).order_by(City.name_en)))
    return sorted(user.cities, key=lambda c: c.name_en)


def changeable_cities(user: User) -> list[City]:
    """Cities whose rounds and indicators the account may change."""
    return [c for c in visible_cities(user) if user.can_change_city(c.id)]


def visible_rounds(user: User, kind: str = "round") -> list[SurveyRound]:
    """Rounds (or, with kind="poll", quick polls) of the visible cities, newest first (scheduled opening and
    closing applied)."""
    ids = [c.id for c in visible_cities(user)]
    if not ids:
        return []
    rounds = list(
        db.session.scalars(
            select(SurveyRound)
            .where(SurveyRound.city_id.in_(ids), SurveyRound.kind == kind)
            .order_by(SurveyRound.year.desc(), SurveyRound.slug)
        ).unique()
    )
    if any(apply_schedule(r) for r in rounds):
        db.session.commit()
    return rounds


def get_round_for(user: User, slug: str, change: bool = False) -> SurveyRound:
    """The round if the account may see it (404 otherwise) and, with change=True, change it (403)."""
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    if round_ is None or not user.can_see_city(round_.city_id):
        abort_with(404)
    if change and not user.can_change_city(round_.city_id):
        abort_with(403)
    if apply_schedule(round_):
        db.session.commit()
    return round_


def get_city_for(user: User, city_id: int, change: bool = False) -> City:
    """The city if the account may see it (404) and, with change=True, change it (403)."""
    city = db.session.get(City, city_id)
    if city is None or not user.can_see_city(city.id):
        abort_with(404)
    if change and not user.can_change_city(city.id):
        abort_with(403)
    return city
