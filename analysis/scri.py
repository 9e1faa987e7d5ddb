"""The Smart City Readiness Index (methodology §5): normalisation, aggregation, coverage, levels, ranking and
Monte Carlo sensitivity over the weights.

- Normalisation with fixed goalposts: ``y = (x − worst) / (best − worst) × 100`` truncated to [0, 100]
  (direction −1 simply has best < worst). Never min–max over the cities of a sample.
- Aggregation: weighted arithmetic mean of the indicators present in a dimension, then of the dimensions
  present. The geometric option (at both levels) takes the weighted geometric mean of the scores rescaled
  to 1–100 (``1 + 0.99 y``) and maps the result back to 0–100, so a zero no longer needs special care.
- Missing data: no imputation. A dimension's coverage is the weight share of its indicators present; below
  ``min_coverage`` (2/3) the dimension is missing. The index is missing when the dimensions present carry
  less than ``min_coverage`` of the dimension weight. The index's coverage is the share of the total
  (dimension × indicator) weight that stands behind the score.
- Levels: low < 40 ≤ medium < 60 ≤ high, read from the published (rounded) score so a reader never sees
  "40.0, low".
- Sensitivity: each indicator and dimension weight is multiplied by an independent uniform factor in
  [1 − noise, 1 + noise] (default ±25 %), N = 1000 draws, fixed seed, all draws at once. For a set of
  cities the same draws apply to every city, giving each city's median, 5–95 % range, and rank stability
  (share of draws in which it keeps its rank, and the range of ranks it takes).

The framework comes in as the plain structure of ``instruments.frameworks.ScriFramework.to_plain()`` (or
the framework object itself); this module reads no file.

>>> normalise(18, best=5, worst=35)
56.666666666666664
>>> level_of(43.1)
'medium'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError, quote_some
from .network import NETWORK_MEASURES

__all__ = [
    "DEFAULT_LEVELS",
    "FrameworkSpec",
    "aggregate",
    "compute_index",
    "framework_spec",
    "level_of",
    "monte_carlo",
    "normalise",
    "rank_scores",
]

DEFAULT_LEVELS = (("low", 0.0), ("medium", 40.0), ("high", 60.0))
DEFAULT_MIN_COVERAGE = 2.0 / 3.0
COVERAGE_TOLERANCE = 1e-9
METHODS = ("arithmetic", "geometric")
SOURCES = ("infrastructure", "yesno", "survey", "network")
DEFAULT_DRAWS = 1000
DEFAULT_NOISE = 0.25
DEFAULT_SEED = 2025
SCORE_DECIMALS = 1


# --------------------------------------------------------------------------------------------- framework


@dataclass(frozen=True)
class FrameworkSpec:
    """The parts of a framework the computation needs, as arrays (built by :func:`framework_spec`)."""

    code: str
    version: int | None
    method: str
    min_coverage: float
    levels: tuple[tuple[str, float], ...]
    dimensions: pd.DataFrame  # index code: weight (raw), label ({lang: text})
    indicators: pd.DataFrame  # index code: dimension, source, construct, measure, best, worst, weight, min, max
    subscores: tuple[tuple[str, tuple[str, ...]], ...]
    network_blend: dict | None

    @property
    def constructs(self) -> tuple[str, ...]:
        """Construct codes the framework scores (survey indicators and sub-scores)."""
        codes = [c for c in self.indicators["construct"] if isinstance(c, str)]
        codes += [c for _, cs in self.subscores for c in cs]
        return tuple(dict.fromkeys(codes))

    @property
    def membership(self) -> np.ndarray:
        """Indicator × dimension 0/1 matrix."""
        dims = list(self.dimensions.index)
        member = np.zeros((len(self.indicators), len(dims)))
        member[np.arange(len(self.indicators)), [dims.index(d) for d in self.indicators["dimension"]]] = 1.0
        return member


def framework_spec(framework: Any) -> FrameworkSpec:
    """Turn a framework (object with ``to_plain()``, its plain dict, or a spec) into a :class:`FrameworkSpec`.

    Raises
    ------
    AnalysisError
        Missing parts, an indicator with an unknown dimension or source, goalposts that coincide, negative
        weights (the loader in ``instruments.frameworks`` reports these in full; this is a safety net).
    """
    if isinstance(framework, FrameworkSpec):
        return framework
    plain = framework.to_plain() if hasattr(framework, "to_plain") else framework
    if not isinstance(plain, Mapping):
        raise AnalysisError("the framework must be a loaded framework or its plain dict (to_plain())")
    dims = plain.get("dimensions")
    inds = plain.get("indicators")
    if not dims or not inds:
        raise AnalysisError("the framework needs dimensions and indicators")
    dimensions = pd.DataFrame(
        {
            "weight": [float(d.get("weight", 1.0)) for d in dims],
            "label": [dict(d.get("label") or {"en": d["code"]}) for d in dims],
        },
        index=pd.Index([d["code"] for d in dims], name="code"),
    )
    if dimensions.index.has_duplicates:
        raise AnalysisError(
            f"framework: dimension(s) {quote_some(dimensions.index[dimensions.index.duplicated()])} twice"
        )
    if (dimensions["weight"] < 0).any():
        bad = dimensions.index[dimensions["weight"] < 0]
        raise AnalysisError(f"framework: dimension(s) {quote_some(bad)} have a negative weight")
    rows = []
    for ind in inds:
        code = ind.get("code")
        source = ind.get("source")
        if ind.get("dimension") not in dimensions.index:
            raise AnalysisError(f"framework: indicator {code!r} has unknown dimension {ind.get('dimension')!r}")
        if source not in SOURCES:
            raise AnalysisError(f"framework: indicator {code!r} has unknown source {source!r}")
        if source == "network" and ind.get("measure") not in NETWORK_MEASURES:
            raise AnalysisError(f"framework: indicator {code!r} has unknown network measure {ind.get('measure')!r}")
        best, worst = float(ind["best"]), float(ind["worst"])
        if best == worst:
            raise AnalysisError(f"framework: indicator {code!r} has best == worst ({best:g})")
        weight = float(ind.get("weight", 1.0))
        if weight < 0:
            raise AnalysisError(f"framework: indicator {code!r} has a negative weight")
        rows.append(
            {
                "code": code,
                "dimension": ind["dimension"],
                "source": source,
                "construct": ind.get("construct") if source == "survey" else None,
                "measure": ind.get("measure") if source == "network" else None,
                "best": best,
                "worst": worst,
                "weight": weight,
                "min": _float_or_nan(ind.get("min")),
                "max": _float_or_nan(ind.get("max")),
            }
        )
    indicators = pd.DataFrame(rows).set_index("code")
    if indicators.index.has_duplicates:
        raise AnalysisError(
            f"framework: indicator(s) {quote_some(indicators.index[indicators.index.duplicated()])} twice"
        )
    method = plain.get("method", "arithmetic")
    if method not in METHODS:
        raise AnalysisError(f"framework: aggregation method {method!r} is not one of {', '.join(METHODS)}")
    levels = tuple((lv["code"], float(lv["from"])) for lv in plain.get("levels") or ()) or DEFAULT_LEVELS
    subscores = tuple((s["code"], tuple(s["constructs"])) for s in plain.get("subscores") or ())
    blend = plain.get("network_blend")
    if blend is not None:
        unknown = [
            c
            for c in blend.get("indicators", ())
            if c not in indicators.index or indicators.at[c, "source"] != "network"
        ]
        if unknown:
            raise AnalysisError(f"framework: network_blend names {quote_some(unknown)}, not network indicators")
    return FrameworkSpec(
        code=str(plain.get("code", "scri")),
        version=plain.get("version"),
        method=method,
        min_coverage=float(plain.get("min_coverage", DEFAULT_MIN_COVERAGE)),
        levels=levels,
        dimensions=dimensions,
        indicators=indicators,
        subscores=subscores,
        network_blend=dict(blend) if blend else None,
    )


def _float_or_nan(value: Any) -> float:
    return float(value) if value is not None else math.nan


# --------------------------------------------------------------------------------------------- pieces


def normalise(value: Any, best: Any, worst: Any) -> Any:
    """Fixed-goalpost normalisation ``(x − worst) / (best − worst) × 100`` truncated to [0, 100].

    Works on numbers and arrays (NaN stays NaN). Direction −1 is expressed by ``best < worst``.

    Examples
    --------
    >>> normalise(18, best=5, worst=35)
    56.666666666666664
    >>> normalise(np.array([0.0, 50.0, 120.0]), best=100, worst=0).tolist()
    [0.0, 50.0, 100.0]
    """
    x = np.asarray(value, dtype=float)
    b = np.asarray(best, dtype=float)
    w = np.asarray(worst, dtype=float)
    if np.any(b == w):
        raise AnalysisError("goalposts best and worst must differ")
    y = np.clip((x - w) / (b - w) * 100.0, 0.0, 100.0)
    return float(y) if y.ndim == 0 else y


def level_of(score: float | None, levels: Sequence[tuple[str, float]] = DEFAULT_LEVELS) -> str | None:
    """The readiness level of a score: low < 40 ≤ medium < 60 ≤ high (None for a missing score).

    >>> [level_of(s) for s in (39.9, 40, 59.9, 60)]
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
    if method not in METHODS:
        raise AnalysisError(f"aggregation method {method!r} is not one of {', '.join(METHODS)}")
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


# --------------------------------------------------------------------------------------------- the index


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


def indicator_values(
    spec: FrameworkSpec,
    indicators: pd.DataFrame | None = None,
    constructs: Mapping[str, float | None] | None = None,
    network: Mapping[str, float | None] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Raw value of every framework indicator, from its source, with the reason when it is missing.

    Parameters
    ----------
    spec
        From :func:`framework_spec`.
    indicators
        ``indicator, value, year`` for one city (other indicator codes are ignored; when a code appears
        for several years the latest is used). A value outside the indicator's valid range is an error.
    constructs
        Pooled construct scores (0–100, None when missing).
    network
        Network measures (``density``, ``ei_index``; None when missing).
    reasons
        Why a construct or network measure is missing, by construct code or measure name.

    Returns
    -------
    DataFrame
        Indexed by indicator code: ``value`` (NaN missing), ``year`` (imported values), ``missing`` (reason).
    """
    reasons = dict(reasons or {})
    constructs = constructs or {}
    network = network or {}
    imported: dict[str, tuple[float, Any]] = {}
    if indicators is not None and len(indicators):
        if not isinstance(indicators, pd.DataFrame) or not {"indicator", "value"} <= set(indicators.columns):
            raise AnalysisError("`indicators` must be a DataFrame with columns indicator, value (and year)")
        frame = indicators[indicators["indicator"].isin(spec.indicators.index)].copy()
        if "year" not in frame.columns:
            frame["year"] = np.nan
        dup = frame.duplicated(["indicator", "year"], keep=False)
        if dup.any():
            raise AnalysisError(
                f"`indicators` gives indicator(s) {quote_some(sorted(frame.loc[dup, 'indicator'].unique()))} more than "
                "once for the same year"
            )
        frame = frame.sort_values(["indicator", "year"], na_position="first").drop_duplicates("indicator", keep="last")
        values = pd.to_numeric(frame["value"], errors="coerce")
        not_number = values.isna() & frame["value"].notna()
        if not_number.any():
            raise AnalysisError(
                f"indicator(s) {quote_some(frame.loc[not_number, 'indicator'])} have a value that is not a number"
            )
        for code, value, year in zip(frame["indicator"], values, frame["year"], strict=True):
            if pd.isna(value):
                continue
            row = spec.indicators.loc[code]
            if row["source"] not in ("infrastructure", "yesno"):
                raise AnalysisError(f"indicator {code!r} is a {row['source']} indicator; it is computed, not imported")
            low = row["min"] if not math.isnan(row["min"]) else -math.inf
            high = row["max"] if not math.isnan(row["max"]) else math.inf
            if not math.isfinite(value) or not low <= value <= high:
                raise AnalysisError(f"indicator {code!r}: value {value:g} is outside its valid range {low:g}–{high:g}")
            if row["source"] == "yesno" and value not in (0.0, 1.0):
                raise AnalysisError(f"indicator {code!r}: value {value:g} must be 1 (yes) or 0 (no)")
            imported[code] = (float(value), None if pd.isna(year) else int(year))
    rows = []
    for code, row in spec.indicators.iterrows():
        value, year, missing = math.nan, None, None
        if row["source"] in ("infrastructure", "yesno"):
            if code in imported:
                value, year = imported[code]
            else:
                missing = "no value imported for this city"
        elif row["source"] == "survey":
            v = constructs.get(row["construct"])
            if v is None or math.isnan(v):
                missing = reasons.get(row["construct"], "the construct has no score in this round")
            else:
                value = float(v)
        else:
            v = network.get(row["measure"])
            if v is None or math.isnan(v):
                missing = reasons.get(row["measure"], "no network measure in this round")
            else:
                value = float(v)
        rows.append({"code": code, "value": value, "year": year, "missing": missing})
    out = pd.DataFrame(rows, columns=["code", "value", "year", "missing"])
    out["missing"] = pd.Series([r["missing"] for r in rows], index=out.index, dtype=object)  # None, not NaN
    return out.set_index("code")


def compute_index(
    spec: FrameworkSpec | Any,
    values: pd.Series | Mapping[str, float | None],
    *,
    method: str | None = None,
    min_coverage: float | None = None,
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

    Returns
    -------
    dict
        Unrounded: ``score``, ``coverage``, ``dimension_share`` (weight share of dimensions present),
        ``dimensions`` ({code: {score, coverage, weight}}) and ``normalised`` (Series of indicator scores).

    Examples
    --------
    >>> spec = framework_spec({
    ...     "dimensions": [{"code": "env", "weight": 1}],
    ...     "indicators": [{"code": "pm25", "dimension": "env", "source": "infrastructure",
    ...                     "best": 5, "worst": 35, "weight": 1, "min": 0, "max": 1000}]})
    >>> round(compute_index(spec, {"pm25": 18})["score"], 2)
    56.67
    """
    spec = framework_spec(spec)
    method = method or spec.method
    min_cov = spec.min_coverage if min_coverage is None else float(min_coverage)
    raw = pd.Series({k: (math.nan if v is None else float(v)) for k, v in dict(values).items()}, dtype=float)
    raw = raw.reindex(spec.indicators.index)
    norm = normalise(raw.to_numpy(), spec.indicators["best"].to_numpy(), spec.indicators["worst"].to_numpy())
    out = _index_core(
        norm[None, :],
        spec.indicators["weight"].to_numpy()[None, :],
        spec.dimensions["weight"].to_numpy()[None, :],
        spec.membership,
        method,
        min_cov,
    )
    dim_total = spec.dimensions["weight"].sum()
    dimensions = {
        code: {
            "score": _nan_to_none(out["dimension"][0, 0, d]),
            "coverage": float(out["dimension_coverage"][0, 0, d]),
            "weight": float(spec.dimensions["weight"].iloc[d] / dim_total) if dim_total > 0 else 0.0,
        }
        for d, code in enumerate(spec.dimensions.index)
    }
    return {
        "score": _nan_to_none(out["score"][0, 0]),
        "coverage": float(out["coverage"][0, 0]),
        "dimension_share": float(out["dimension_share"][0, 0]),
        "dimensions": dimensions,
        "normalised": pd.Series(norm, index=spec.indicators.index),
        "method": method,
    }


def _nan_to_none(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


# --------------------------------------------------------------------------------------------- sensitivity


def monte_carlo(
    spec: FrameworkSpec | Any,
    normalised: pd.DataFrame,
    *,
    n_draws: int = DEFAULT_DRAWS,
    noise: float = DEFAULT_NOISE,
    seed: int = DEFAULT_SEED,
    method: str | None = None,
    nominal: Mapping[str, float | None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Monte Carlo over the weights: every indicator and dimension weight × U(1 − noise, 1 + noise).

    Parameters
    ----------
    spec
        A framework (see :func:`framework_spec`).
    normalised
        Normalised indicator scores, one row per city (index: city key), one column per indicator code
        (NaN missing); columns the framework lacks are ignored.
    n_draws, noise, seed
        Number of draws, half-width of the uniform factor, seed of the generator (same seed, same result).
    method
        Aggregation (default: the framework's).
    nominal
        Published scores per city, for the nominal ranks (default: the index at the nominal weights).

    Returns
    -------
    dict
        Per city: ``median``, ``p05``, ``p95``, ``mean``, ``missing_share`` (share of draws without an
        index), ``rank`` (nominal), ``rank_stability`` (share of draws with the nominal
        rank), ``rank_min``, ``rank_max``, ``rank_shares`` ({rank: share of draws}). Unrounded; None where
        undefined.

    Examples
    --------
    >>> spec = framework_spec({"dimensions": [{"code": "a", "weight": 1}, {"code": "b", "weight": 1}],
    ...     "indicators": [{"code": "x", "dimension": "a", "source": "infrastructure", "best": 100, "worst": 0},
    ...                    {"code": "y", "dimension": "b", "source": "infrastructure", "best": 100, "worst": 0}]})
    >>> table = pd.DataFrame({"x": [80.0, 40.0], "y": [20.0, 50.0]}, index=["A", "B"])
    >>> out = monte_carlo(spec, table, n_draws=500)
    >>> out["A"]["rank"], out["B"]["rank"], round(out["A"]["median"])
    (1, 2, 50)
    """
    spec = framework_spec(spec)
    method = method or spec.method
    if not isinstance(n_draws, int) or n_draws < 1:
        raise AnalysisError(f"the number of Monte Carlo draws must be a positive whole number, not {n_draws!r}")
    if not 0 <= noise < 1:
        raise AnalysisError(f"weight noise must lie in [0, 1), not {noise!r}")
    x = normalised.reindex(columns=spec.indicators.index).to_numpy(dtype=float, na_value=np.nan)
    rng = np.random.default_rng(seed)
    p, d = len(spec.indicators), len(spec.dimensions)
    ind_w = spec.indicators["weight"].to_numpy() * rng.uniform(1 - noise, 1 + noise, size=(n_draws, p))
    dim_w = spec.dimensions["weight"].to_numpy() * rng.uniform(1 - noise, 1 + noise, size=(n_draws, d))
    scores = _index_core(x, ind_w, dim_w, spec.membership, method, spec.min_coverage)["score"]  # (B, C)
    cities = [str(c) for c in normalised.index]
    if nominal is None:
        base = _index_core(
            x,
            spec.indicators["weight"].to_numpy()[None, :],
            spec.dimensions["weight"].to_numpy()[None, :],
            spec.membership,
            method,
            spec.min_coverage,
        )["score"][0]
        nominal = {c: _nan_to_none(v) for c, v in zip(cities, base, strict=True)}
    nominal_ranks = rank_scores({c: nominal.get(c) for c in cities})
    present = ~np.isnan(scores)
    filled = np.where(present, scores, -np.inf)
    ranks = 1 + (filled[:, None, :] > filled[:, :, None]).sum(axis=2)  # (B, C): cities strictly above
    out: dict[str, dict[str, Any]] = {}
    for c, city in enumerate(cities):
        col = scores[present[:, c], c]
        entry: dict[str, Any] = {"missing_share": float(1 - present[:, c].mean())}
        if len(col):
            entry.update(
                median=float(np.median(col)),
                p05=float(np.percentile(col, 5)),
                p95=float(np.percentile(col, 95)),
                mean=float(col.mean()),
            )
        else:
            entry.update(median=None, p05=None, p95=None, mean=None)
        # ranks among the cities given (a single city always ranks first)
        r = ranks[present[:, c], c]
        entry["rank"] = nominal_ranks[city]
        entry["rank_shares"] = {int(k): float((r == k).mean()) for k in np.unique(r)} if len(r) else {}
        if len(r) and nominal_ranks[city] is not None:
            entry.update(
                rank_stability=float((r == nominal_ranks[city]).mean()), rank_min=int(r.min()), rank_max=int(r.max())
            )
        else:
            entry.update(rank_stability=None, rank_min=None, rank_max=None)
        out[city] = entry
    return out
