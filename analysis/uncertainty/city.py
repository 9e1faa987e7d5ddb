"""One city's Monte Carlo (methodology §8): the distribution of its index, the probability of each level and
the Sobol indices of the five input groups."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..result import rounded
from ..scri.aggregate import level_of
from ..scri.spec import FrameworkSpec
from .draws import CityInputs, Settings, SharedDraws, city_scores, shared_draws
from .sobol import sobol_indices

__all__ = ["BORDERLINE_SHARE", "CityMonteCarlo", "city_monte_carlo", "level_shares"]

#: Below this share of the draws for the most likely level, the city is "borderline" between two levels.
BORDERLINE_SHARE = 2.0 / 3.0


@dataclass(frozen=True)
class CityMonteCarlo:
    """The city's index in each of the N draws of matrix A (unrounded; NaN where it is missing) and the
    block of its result that describes them."""

    key: str
    scores: np.ndarray
    block: dict[str, Any]


def level_shares(scores: np.ndarray, levels: tuple[tuple[str, float], ...]) -> dict[str, float]:
    """Share of the draws with a score in each level (over the draws that give a score)."""
    finite = scores[np.isfinite(scores)]
    if not len(finite):
        return {code: 0.0 for code, _ in levels}
    codes = [level_of(float(v), levels) for v in finite]
    return {code: codes.count(code) / len(finite) for code, _ in levels}


def _level_summary(scores: np.ndarray, levels: tuple[tuple[str, float], ...]) -> dict[str, Any]:
    shares = level_shares(scores, levels)
    ranked = sorted(shares, key=lambda code: -shares[code])
    top = ranked[0]
    borderline = ranked[:2] if shares[top] < BORDERLINE_SHARE and len(ranked) > 1 else None
    return {
        "levels": {code: rounded(v, 3) for code, v in shares.items()},
        "level": top,
        "level_probability": rounded(shares[top], 3),
        "borderline": borderline,
    }


def _sobol(spec, city, shared, settings, missing_u, f_a, f_b) -> dict[str, Any]:
    n = settings.draws
    a_rows, b_rows = np.arange(n), np.arange(n, 2 * n)
    groups = city.varying(settings)
    f_ab = {}
    for group in groups:
        pick = {g: (b_rows if g == group else a_rows) for g in groups} or {"weights": a_rows}
        f_ab[group] = city_scores(spec, city, shared, settings, pick, missing_u)
    indices = sobol_indices(f_a, f_b, f_ab) if groups else None
    if indices is None:
        return {"sobol": {}, "driver": None, "driver_share": None}
    sobol = {
        g: {"first": rounded(max(s1, 0.0), 3), "total": rounded(max(st, 0.0), 3)} for g, (s1, st) in indices.items()
    }
    driver = max(indices, key=lambda g: indices[g][0])
    return {"sobol": sobol, "driver": driver, "driver_share": rounded(min(max(indices[driver][0], 0.0), 1.0), 3)}


def city_monte_carlo(
    spec: FrameworkSpec,
    city: CityInputs,
    settings: Settings,
    nominal: float | None,
    shared: SharedDraws | None = None,
) -> CityMonteCarlo:
    """Evaluate the city on matrices A and B and on A with each varying group taken from B."""
    shared = shared or shared_draws(spec, settings)
    n = settings.draws
    groups = city.varying(settings)
    missing_u = city.missing_draws(settings)
    a_rows, b_rows = np.arange(n), np.arange(n, 2 * n)
    keys = groups or ("weights",)
    f_a = city_scores(spec, city, shared, settings, {g: a_rows for g in keys}, missing_u)
    f_b = city_scores(spec, city, shared, settings, {g: b_rows for g in keys}, missing_u)
    finite = f_a[np.isfinite(f_a)]
    block: dict[str, Any] = {
        "draws": n,
        "seed": settings.seed,
        "replicates": 0 if city.replicates is None else len(city.replicates),
        "weight_noise": settings.weight_noise,
        "goalpost_shift": settings.goalpost_shift,
        "varied": list(groups),
        "nominal": rounded(nominal, 6),  # unrounded for ranking (rounding is for display)
        "median": rounded(np.median(finite)) if len(finite) else None,
        "p05": rounded(np.percentile(finite, 5)) if len(finite) else None,
        "p95": rounded(np.percentile(finite, 95)) if len(finite) else None,
        "missing_share": rounded(1.0 - len(finite) / n, 3),
    }
    if nominal is None or math.isnan(nominal) or not len(finite):
        block.update(levels={}, level=None, level_probability=None, borderline=None, sobol={}, driver=None)
        block.update(driver_share=None, missing="the index is missing, so it has no distribution")
        return CityMonteCarlo(city.key, f_a, block)
    block.update(_level_summary(f_a, spec.levels))
    block.update(_sobol(spec, city, shared, settings, missing_u, f_a, f_b))
    return CityMonteCarlo(city.key, f_a, block)
