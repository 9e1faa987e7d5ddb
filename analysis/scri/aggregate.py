"""Aggregation of normalised indicators into dimensions and the index, with coverage; levels and ranks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import AGGREGATION_METHODS, IMPORTED_SOURCES

from ..errors import AnalysisError
from .normalise import normalise
from .spec import COVERAGE_TOLERANCE, DEFAULT_MIN_COVERAGE, FrameworkSpec, framework_spec

__all__ = ["aggregate", "compute_index", "level_of", "rank_scores"]


def level_of(score: float | None, levels: Sequence[tuple[str, float]]) -> str | None:
    """The level of a score among the framework's ``levels`` ((code, lower edge) in rising order; a score at an
    edge belongs to the higher level); None for a missing score.

    >>> levels = (("low", 0.0), ("medium", 40.0), ("high", 60.0))
    >>> [level_of(s, levels) for s in (39.9, 40, 59.9, 60)]
    ['low', 'medium', 'medium', 'high']
    """
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    chosen = levels[0][0]
    for code, lower in levels:
        if score >= lower:
            chosen = code
    return chosen


def aggregate(
    scores: Any, weights: Any, method: str = "arithmetic", min_coverage: float = DEFAULT_MIN_COVERAGE
) -> tuple[Any, Any]:
    """Weighted mean over the last axis of the scores present, with coverage (weight share present).

    Parameters
    ----------
    scores
        Array ``(..., p)`` on 0–100; NaN is missing.
    weights
        ``(p,)`` or broadcastable to ``scores``; non-negative.
    method
        ``'arithmetic'`` or ``'geometric'`` (1–100 rescale, mapped back to 0–100).
    min_coverage
        Below this weight share present the result is NaN.

    Returns
    -------
    (score, coverage)
        Arrays of shape ``scores.shape[:-1]`` (floats for a 1-D input).

    Examples
    --------
    >>> aggregate([50.0, np.nan, 80.0], [1, 1, 2])
    (70.0, 0.75)
    >>> aggregate([50.0, np.nan, np.nan], [1, 1, 1])[0]
    nan
    >>> round(aggregate([0.0, 100.0], [1, 1], method="geometric")[0], 2)
    9.09
    """
    if method not in AGGREGATION_METHODS:
        raise AnalysisError(f"aggregation method {method!r} is not one of {', '.join(AGGREGATION_METHODS)}")
    x = np.asarray(scores, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), x.shape)
    if np.any(w < 0):
        raise AnalysisError("weights must not be negative")
    present = ~np.isnan(x)
    total = w.sum(axis=-1)
    den = np.where(present, w, 0.0).sum(axis=-1)
    values = _transform(np.where(present, x, 0.0), method)
    num = np.where(present, w * values, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(total > 0, den / np.where(total > 0, total, 1.0), 0.0)
        mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    result = np.where(coverage >= min_coverage - COVERAGE_TOLERANCE, _untransform(mean, method), np.nan)
    if result.ndim == 0:
        return float(result), float(coverage)
    return result, coverage


def _transform(x: np.ndarray, method: str) -> np.ndarray:
    return np.log1p(0.99 * x) if method == "geometric" else x  # log(1 + 0.99 y): the 1–100 rescale


def _untransform(x: np.ndarray, method: str) -> np.ndarray:
    return np.expm1(x) / 0.99 if method == "geometric" else x


def rank_scores(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """Rank 1 = highest; ties share the best rank (1, 1, 3); a missing score has no rank.

    >>> rank_scores({"Shu": 43.1, "Ayagoz": 35.0, "Shalkar": 35.0, "X": None})
    {'Shu': 1, 'Ayagoz': 2, 'Shalkar': 2, 'X': None}
    """
    present = {k: v for k, v in scores.items() if v is not None and not math.isnan(v)}
    return {k: (1 + sum(1 for o in present.values() if o > v) if k in present else None) for k, v in scores.items()}


def _index_core(
    x: np.ndarray, ind_w: np.ndarray, dim_w: np.ndarray, member: np.ndarray, method: str, min_coverage: float
) -> dict[str, np.ndarray]:
    """Index of ``x`` (cities × indicators, 0–100, NaN missing) for weight draws ``ind_w`` (B × p), ``dim_w`` (B × D).

    Returns arrays with leading axes (B, C): ``dimension`` (B, C, D), ``dimension_coverage`` (B, C, D),
    ``score`` (B, C), ``coverage`` (B, C), ``dimension_share`` (B, C).
    """
    present = ~np.isnan(x)
    values = _transform(np.where(present, x, 0.0), method)
    num = np.einsum("bi,ci,id->bcd", ind_w, values, member)
    den = np.einsum("bi,ci,id->bcd", ind_w, present.astype(float), member)
    total = ind_w @ member  # (B, D)
    with np.errstate(invalid="ignore", divide="ignore"):
        dim_cov = np.where(total[:, None, :] > 0, den / np.where(total[:, None, :] > 0, total[:, None, :], 1.0), 0.0)
        dim_mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ok = (dim_cov >= min_coverage - COVERAGE_TOLERANCE) & (den > 0)
    dim = np.where(ok, _untransform(dim_mean, method), np.nan)
    dvals = _transform(np.where(ok, dim, 0.0), method)
    dw = dim_w[:, None, :]
    s_num = (dw * dvals * ok).sum(axis=-1)
    s_den = (dw * ok).sum(axis=-1)
    d_total = dim_w.sum(axis=-1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(d_total > 0, s_den / np.where(d_total > 0, d_total, 1.0), 0.0)
        mean = np.where(s_den > 0, s_num / np.where(s_den > 0, s_den, 1.0), np.nan)
        coverage = np.where(d_total > 0, (dw * dim_cov * ok).sum(axis=-1) / np.where(d_total > 0, d_total, 1.0), 0.0)
    score = np.where(share >= min_coverage - COVERAGE_TOLERANCE, _untransform(mean, method), np.nan)
    return {
        "dimension": dim,
        "dimension_coverage": dim_cov,
        "score": score,
        "coverage": coverage,
        "dimension_share": share,
    }


def paired_index(
    x: np.ndarray, ind_w: np.ndarray, dim_w: np.ndarray, member: np.ndarray, method: str, min_coverage: float
) -> np.ndarray:
    """The index of each row of ``x`` (M × p, 0–100, NaN missing) with that row's own weights ``ind_w`` (M × p)
    and ``dim_w`` (M × D): the Monte Carlo's evaluations, one city and one draw per row."""
    present = ~np.isnan(x)
    values = _transform(np.where(present, x, 0.0), method)
    num = (ind_w * values) @ member
    den = (ind_w * present) @ member
    total = ind_w @ member
    with np.errstate(invalid="ignore", divide="ignore"):
        dim_cov = np.where(total > 0, den / np.where(total > 0, total, 1.0), 0.0)
        dim_mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ok = (dim_cov >= min_coverage - COVERAGE_TOLERANCE) & (den > 0)
    dvals = _transform(np.where(ok, _untransform(dim_mean, method), 0.0), method)
    s_num = (dim_w * dvals * ok).sum(axis=-1)
    s_den = (dim_w * ok).sum(axis=-1)
    d_total = dim_w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(d_total > 0, s_den / np.where(d_total > 0, d_total, 1.0), 0.0)
        mean = np.where(s_den > 0, s_num / np.where(s_den > 0, s_den, 1.0), np.nan)
    return np.where(share >= min_coverage - COVERAGE_TOLERANCE, _untransform(mean, method), np.nan)


def nominal_scores(spec: FrameworkSpec, x: np.ndarray, method: str) -> np.ndarray:
    """The index of each row of `x` (rows × indicators, 0–100, NaN missing) with the framework's own weights."""
    ind_w = np.broadcast_to(spec.indicators["weight"].to_numpy(), x.shape)
    dim_w = np.broadcast_to(spec.dimensions["weight"].to_numpy(), (len(x), len(spec.dimensions)))
    return paired_index(x, ind_w, dim_w, spec.membership, method, spec.min_coverage)


def compute_index(
    spec: FrameworkSpec | Any,
    values: pd.Series | Mapping[str, float | None],
    *,
    method: str | None = None,
    min_coverage: float | None = None,
    missing_rule: str | None = None,
) -> dict[str, Any]:
    """The SCRI of one city from the raw values of its indicators.

    Parameters
    ----------
    spec
        A framework (see :func:`framework_spec`).
    values
        Raw indicator values by code (missing: absent, None or NaN).
    method
        ``'arithmetic'`` (default of the framework) or ``'geometric'``.
    min_coverage
        Override of the framework's minimum coverage (2/3).
    missing_rule
        ``'worst'`` (default of the built-in framework): a missing infrastructure or yes/no value counts as 0
        after normalisation; ``'reweight'``: it is left out and the rest re-weighted. Survey and network
        indicators that are missing are always left out (methodology §5).

    Returns
    -------
    dict
        Unrounded: ``score`` (under the rule), ``reweighted_score`` (missing values left out), ``coverage`` (the
        share of the weight with data), ``dimension_share``, ``provisional`` (a dimension's data coverage is
        below ``min_coverage``), ``missing_indicators`` (city-supplied values missing), ``dimensions``
        ({code: {score, reweighted_score, coverage, weight, insufficient}}), ``normalised`` (indicator scores,
        NaN missing) and ``counted`` (the indicator scores the headline uses).

    Examples
    --------
    >>> spec = framework_spec({
    ...     "levels": [{"code": "low", "from": 0}, {"code": "high", "from": 50}],
    ...     "dimensions": [{"code": "env", "weight": 1}],
    ...     "indicators": [{"code": "pm25", "dimension": "env", "source": "infrastructure",
    ...                     "best": 5, "worst": 35, "weight": 2, "min": 0, "max": 1000},
    ...                    {"code": "green", "dimension": "env", "source": "infrastructure",
    ...                     "best": 50, "worst": 0, "weight": 1, "min": 0, "max": 100}]})
    >>> out = compute_index(spec, {"pm25": 18})
    >>> round(out["score"], 2), round(out["reweighted_score"], 2), out["missing_indicators"], out["provisional"]
    (37.78, 56.67, ['green'], False)
    """
    spec = framework_spec(spec)
    method = method or spec.method
    rule = missing_rule or spec.missing_rule
    min_cov = spec.min_coverage if min_coverage is None else float(min_coverage)
    raw = pd.Series({k: (math.nan if v is None else float(v)) for k, v in dict(values).items()}, dtype=float)
    raw = raw.reindex(spec.indicators.index)
    norm = normalise(raw.to_numpy(), spec.indicators["best"].to_numpy(), spec.indicators["worst"].to_numpy())
    gaps = np.isnan(norm) & spec.indicators["source"].isin(IMPORTED_SOURCES).to_numpy()
    counted = np.where(gaps, 0.0, norm) if rule == "worst" else norm
    weights = (spec.indicators["weight"].to_numpy()[None, :], spec.dimensions["weight"].to_numpy()[None, :])
    out = _index_core(counted[None, :], *weights, spec.membership, method, min_cov)
    left_out = _index_core(norm[None, :], *weights, spec.membership, method, min_cov)
    dim_total = spec.dimensions["weight"].sum()
    dimensions = {}
    for d, code in enumerate(spec.dimensions.index):
        coverage = float(left_out["dimension_coverage"][0, 0, d])
        dimensions[code] = {
            "score": _nan_to_none(out["dimension"][0, 0, d]),
            "reweighted_score": _nan_to_none(left_out["dimension"][0, 0, d]),
            "coverage": coverage,
            "weight": float(spec.dimensions["weight"].iloc[d] / dim_total) if dim_total > 0 else 0.0,
            "insufficient": coverage < min_cov - COVERAGE_TOLERANCE,
        }
    return {
        "score": _nan_to_none(out["score"][0, 0]),
        "reweighted_score": _nan_to_none(left_out["score"][0, 0]),
        "coverage": float(left_out["coverage"][0, 0]),
        "dimension_share": float(out["dimension_share"][0, 0]),
        "provisional": any(d["insufficient"] for d in dimensions.values()),
        "missing_indicators": [code for code, gap in zip(spec.indicators.index, gaps, strict=True) if gap],
        "missing_rule": rule,
        "dimensions": dimensions,
        "normalised": pd.Series(norm, index=spec.indicators.index),
        "counted": pd.Series(counted, index=spec.indicators.index),
        "method": method,
    }


def _nan_to_none(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
