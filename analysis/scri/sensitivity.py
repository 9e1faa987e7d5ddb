"""Monte Carlo over the weights: the index of one or several cities under ±noise on every weight, with ranks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from .aggregate import _index_core, _nan_to_none, nominal_scores, rank_scores
from .spec import FrameworkSpec, framework_spec

__all__ = ["DEFAULT_DRAWS", "DEFAULT_NOISE", "DEFAULT_SEED", "monte_carlo"]

DEFAULT_DRAWS = 1000
DEFAULT_NOISE = 0.25
DEFAULT_SEED = 2025


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
    >>> spec = framework_spec({"levels": [{"code": "any", "from": 0}],
    ...     "dimensions": [{"code": "a", "weight": 1}, {"code": "b", "weight": 1}],
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
        base = nominal_scores(spec, x, method)
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
