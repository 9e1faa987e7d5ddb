"""Results of rounds for the reports: who may see which round, the scored rounds, publishing.

Views and the CLI call these small functions; the scores themselves come from `services.scoring`
(the same pipeline as `scri score`).
"""

from __future__ import annotations

from sqlalchemy import func, select

from instruments.domain import ROUND_SLUG_RE

from ..errors import abort_with
from ..extensions import db
from ..models import Response, SurveyRound, User
from . import audit, scoring
from .errors import ServiceError
from .result_cache import RESULTS, round_fingerprint
from .scoring import Comparison, ScoredRound

MAX_COMPARED = 8


def find_round(slug: str) -> SurveyRound | None:
    """The round with this slug, or None."""
    slug = (slug or "").strip().lower()
    if not ROUND_SLUG_RE.match(slug):  # also keeps NUL bytes and the like away from the database
        return None
    return db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))


def visible_round(user: User, slug: str, change: bool = False) -> SurveyRound:
    """The round if the account may see its city (admins see all), through the console's city-scoped
    permissions: an unknown or foreign round aborts with 404, and with change=True a round the account may
    not change aborts with 403."""
    from .permissions import get_round_for

    slug = (slug or "").strip().lower()
    if not ROUND_SLUG_RE.match(slug) or user is None or not getattr(user, "is_authenticated", False):
        abort_with(404)
    return get_round_for(user, slug, change=change)


def parse_slugs(text: str | None) -> list[str]:
    """`a,b,c` → ['a', 'b', 'c'] (blanks and repeats dropped); a clear error for none or too many."""
    slugs: list[str] = []
    for part in (text or "").split(","):
        part = part.strip().lower()
        if part and part not in slugs:
            slugs.append(part)
    if len(slugs) < 2:
        raise ServiceError("give at least two rounds to compare, e.g. shu-2025,ayagoz-2025")
    if len(slugs) > MAX_COMPARED:
        raise ServiceError(f"at most {MAX_COMPARED} rounds can be compared at once")
    return slugs


def visible_rounds(user: User, slugs: list[str]) -> list[SurveyRound]:
    """Every listed round, each checked like visible_round (404 for any the account may not see)."""
    return [visible_round(user, slug) for slug in slugs]


def comparable_rounds(user: User, round_: SurveyRound) -> list[SurveyRound]:
    """Rounds of the same year in other cities that the account may see (for a comparison link)."""
    rows = db.session.scalars(
        select(SurveyRound)
        .where(SurveyRound.year == round_.year, SurveyRound.city_id != round_.city_id, SurveyRound.kind == "round")
        .order_by(SurveyRound.slug)
    ).unique()
    return [r for r in rows if user.can_see_city(r.city_id)][: MAX_COMPARED - 1]


def can_publish(user: User, round_: SurveyRound) -> bool:
    """Admins, and coordinators of the round's city, may publish its results."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can_change_city(round_.city_id))


def set_results_published(round_: SurveyRound, published: bool, actor: User | None = None) -> bool:
    """Publish or withdraw the round's results on the public page; audit-logged. Returns True if changed."""
    published = bool(published)
    if bool(round_.results_published) == published:
        return False
    round_.results_published = published
    audit.record(
        "round.results_published" if published else "round.results_withdrawn",
        user=actor,
        obj=round_,
        details={"slug": round_.slug, "published": published},
    )
    return True


def published_round(slug: str) -> SurveyRound | None:
    """The round if its results are published, else None (the public page then answers 404)."""
    round_ = find_round(slug)
    return round_ if round_ is not None and round_.results_published else None


def round_result(round_: SurveyRound) -> ScoredRound:
    """The scored round (the `scri score` JSON and what the pages show beside it), or ServiceError; kept in the
    worker's memory by the round's fingerprint, so unchanged data is not scored again."""
    return RESULTS.get_or_make("round|" + fingerprint(round_), lambda: scoring.round_result(round_))


def comparison(rounds: list[SurveyRound]) -> Comparison:
    """Each round's result and the ranking across them (ranks and their stability), or ServiceError."""
    key = "compare|" + "|".join(fingerprint(r) for r in rounds)
    return RESULTS.get_or_make(key, lambda: scoring.city_comparison(rounds))


def fingerprint(round_: SurveyRound) -> str:
    """The hash of the data a round's result comes from (see ``result_cache``)."""
    return round_fingerprint(round_, scoring._k_min())


def pdf_key(kind: str, rounds: list[SurveyRound], lang: str, public: bool) -> str:
    """What a rendered PDF depends on: its kind, language, audience, day (the date is printed on it) and the
    fingerprints of its rounds."""
    from datetime import date

    parts = [kind, lang, "public" if public else "console", date.today().isoformat(), *map(fingerprint, rounds)]
    return "|".join(parts)


def has_complete_responses(round_: SurveyRound) -> bool:
    """Whether the round has anything to score."""
    count = db.session.scalar(
        select(func.count(Response.id)).where(Response.round_id == round_.id, Response.status == "complete")
    )
    return bool(count)
