"""The public-opinion side of a round's reference-standard rating (methodology §6.1), from its area ratings."""

from __future__ import annotations

from typing import Any

from analysis import AnalysisError
from analysis.opinion import opinion_side
from analysis.round_weights import round_weights
from analysis.weighting import DEFAULT_CAP
from instruments.refstd import load_refstd_framework

from .frames import RoundFrames


def round_opinion(frames: RoundFrames, administrative: dict[str, Any] | None, k_min: int) -> dict[str, Any] | None:
    """The opinion side beside the administrative rating (None when nobody rated an area). Residents carry
    the same raked weights as in the rest of the round's analysis; the other groups weigh 1."""
    ratings = frames.area_ratings
    if ratings is None or ratings.empty:
        return None
    admin = administrative if administrative and "ct_percent" in administrative else None
    try:
        weights, _info, _design = round_weights(frames.responses, frames.census_margins, "residents", DEFAULT_CAP)
        return opinion_side(ratings, admin, load_refstd_framework(), weights=weights, k_min=k_min)
    except AnalysisError as exc:
        return {"missing": str(exc)}
