"""Score rounds: frames from the database → the analysis layer → a :class:`ScoredRound` for pages, PDFs and JSON.

This is where a round's score is computed for every reader: `scri score`, the API, the dashboards and the
PDFs all take :func:`round_result` and :func:`city_comparison`. :func:`score_frames` is the same pipeline
on frames already built (tests build them from synthetic rounds).
"""

from typing import Any, NotRequired, TypedDict

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import func, select

from analysis import AnalysisError, rank_cities
from analysis.refstd import RefStdCity, RefStdError, score_refstd
from analysis.result import GroupResult, Ranking, RoundResult, SensitivityResult, Weighting
from analysis.round_score import score_round_frames_with_draws
from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework

from ..extensions import db
from ..models import Response, SurveyRound
from .errors import ServiceError
from .frames import AREA_RATING_COLUMNS, RoundFrames, round_frames
from .opinion import round_opinion
from .polls import poll_area_ratings

REFSTD_PREFIX = "rs:"


class RefStdMissing(TypedDict):
    """The city's reference-standard values cannot be rated (the reason)."""

    missing: str


class RoundSummary(TypedDict):
    """The headline numbers of the previous round, for the change shown beside this one."""

    round: str
    year: int
    scri: dict[str, Any]  # score, level
    dimensions: dict[str, float | None]
    subscores: dict[str, float | None]


class AnnexGroup(GroupResult):
    response_rate: float | None


class Annex(TypedDict):
    groups: dict[str, AnnexGroup]
    weighting: Weighting
    sensitivity: SensitivityResult
    k_min: int


class ScoredRound(RoundResult):
    """A round's analysis with what the pages need beside it: names, year, status, the reference-standard
    rating, the previous round, the annex and (in a comparison) the rank."""

    city_names: dict[str, str]
    year: int
    status: str
    refstd: RefStdCity | RefStdMissing | None
    opinion: dict[str, Any] | None  # the public-opinion side of the rating (methodology §6.1)
    previous: RoundSummary | None
    annex: Annex
    rank: NotRequired[int | None]


class Comparison(TypedDict):
    rounds: list[ScoredRound]
    ranking: Ranking


def _k_min() -> int:
    return int(current_app.config.get("SCRI_K_MIN", 5))


def previous_round(round_: SurveyRound) -> SurveyRound | None:
    """The city's latest earlier round (by year) that has complete responses."""
    return db.session.scalar(
        select(SurveyRound)
        .join(Response, Response.round_id == SurveyRound.id)
        .where(
            SurveyRound.city_id == round_.city_id,
            SurveyRound.year < round_.year,
            SurveyRound.kind == "round",
            Response.status == "complete",
        )
        .group_by(SurveyRound.id)
        .having(func.count(Response.id) > 0)
        .order_by(SurveyRound.year.desc(), SurveyRound.id.desc())
        .limit(1)
    )


def refstd_rating(indicators: pd.DataFrame, city: str) -> RefStdCity | RefStdMissing | None:
    """The reference-standard rating of the city from its stored `rs:<area>:<indicator>` values, if any."""
    rows = indicators[indicators["indicator"].str.startswith(REFSTD_PREFIX)]
    if rows.empty:
        return None
    parts = rows["indicator"].str[len(REFSTD_PREFIX) :].str.split(":", n=1, expand=True)
    framework = load_refstd_framework()
    # A yes/no fact is stored as its % of implementation (100 / 0); the rating reads it as the fact it is.
    values = [
        (1 if value == framework.yes_value else 0)
        if framework.method_of(area, code) == "yes/no" and value in (framework.yes_value, framework.no_value)
        else value
        for area, code, value in zip(parts[0], parts[1], rows["value"], strict=True)
    ]
    table = pd.DataFrame({"city": city, "area": parts[0], "indicator": parts[1], "value": values})
    try:
        result = score_refstd(table.reset_index(drop=True), framework)
    except RefStdError as exc:
        return {"missing": str(exc)}
    return result["cities"][0] if result["cities"] else None


def _annex(result: RoundResult) -> Annex:
    groups = {}
    for group, info in result["groups"].items():
        target = info["target"] or 0
        groups[group] = {**info, "response_rate": round(info["completed"] / target, 3) if target else None}
    return {
        "groups": groups,
        "weighting": result["weighting"],
        "sensitivity": result["sensitivity"],
        "k_min": result["k_min"],
    }


def _summary(result: RoundResult, year: int) -> RoundSummary:
    return {
        "round": result["round"],
        "year": year,
        "scri": {"score": result["scri"]["score"], "level": result["scri"]["level"]},
        "dimensions": {code: d["score"] for code, d in result["dimensions"].items()},
        "subscores": result["subscores"],
    }


def score_frames(frames: RoundFrames, **options: Any) -> ScoredRound:
    """Score a round's frames and add what the pages show beside the analysis (options: as below)."""
    return score_frames_with_draws(frames, **options)[0]


def score_frames_with_draws(
    frames: RoundFrames,
    *,
    city_names: dict[str, str],
    status: str,
    k_min: int,
    previous: tuple[RoundResult, int] | None = None,
    **options: Any,
) -> tuple[ScoredRound, np.ndarray]:
    """Score a round's frames and add what the pages show beside the analysis; `previous` is the result
    and year of the city's previous round. Also returns the index in each Monte Carlo draw, for ranking.
    AnalysisError when the frames cannot be scored."""
    prev_result = previous[0] if previous else None
    result, draws = score_round_frames_with_draws(
        frames, load_framework(), k_min=k_min, previous=prev_result, **options
    )
    result["city_names"] = city_names
    result["year"] = frames.year
    result["status"] = status
    result["refstd"] = refstd_rating(frames.indicators, frames.city)
    result["opinion"] = round_opinion(frames, result["refstd"], k_min)
    result["previous"] = _summary(prev_result, previous[1]) if previous else None
    result.setdefault("change", None)
    result["annex"] = _annex(result)
    return result, draws  # type: ignore[return-value]


def round_result(round_: SurveyRound, *, with_previous: bool = True, k_min: int | None = None) -> ScoredRound:
    """The analysis of one round (the `scri score` JSON), or ServiceError."""
    return round_result_with_draws(round_, with_previous=with_previous, k_min=k_min)[0]


def round_result_with_draws(
    round_: SurveyRound, *, with_previous: bool = True, k_min: int | None = None
) -> tuple[ScoredRound, np.ndarray]:
    """:func:`round_result` and the index in each Monte Carlo draw (to rank it with other rounds)."""
    frames = round_frames(round_)
    if frames.responses.empty:
        raise ServiceError(f"round {round_.slug!r} has no complete responses yet, so there is nothing to score")
    polled = poll_area_ratings(round_)  # the city's quick polls of the year count on the opinion side (§6.1)
    if polled:
        extra = pd.DataFrame(polled, columns=AREA_RATING_COLUMNS)
        frames.area_ratings = (
            pd.concat([frames.area_ratings, extra], ignore_index=True) if len(frames.area_ratings) else extra
        )
    previous = None
    prev_round = previous_round(round_) if with_previous else None
    if prev_round is not None:
        previous = (round_result(prev_round, with_previous=False, k_min=k_min), prev_round.year)
    city = round_.city
    try:
        return score_frames_with_draws(
            frames,
            city_names={"kk": city.name_kk, "ru": city.name_ru, "en": city.name_en},
            status=round_.status,
            k_min=k_min or _k_min(),
            previous=previous,
        )
    except AnalysisError as exc:
        raise ServiceError(f"round {round_.slug!r} cannot be scored: {exc}") from None


def compare_results(results: list[ScoredRound], draws: dict[str, np.ndarray] | None = None) -> Comparison:
    """Rank scored rounds together, from their Monte Carlo draws (by round slug) when given; each result
    also gets its `rank`. AnalysisError if they cannot be."""
    ranking = rank_cities(results, load_framework(), draws=draws)
    ranks = {(c["round"], c["city"]): c for c in ranking["cities"]}
    for res in results:
        res["rank"] = (ranks.get((res["round"], res["city"])) or {}).get("rank")
    return {"rounds": results, "ranking": ranking}


def city_comparison(rounds: list[SurveyRound]) -> Comparison:
    """Results of several rounds (usually one per city) with ranks and their stability under weight noise."""
    if not rounds:
        raise ServiceError("choose at least one round to compare")
    scored = [round_result_with_draws(r) for r in rounds]
    results = [result for result, _ in scored]
    draws = {result["round"]: scores for result, scores in scored}
    try:
        return compare_results(results, draws)
    except AnalysisError as exc:
        raise ServiceError(f"the rounds cannot be ranked: {exc}") from None
