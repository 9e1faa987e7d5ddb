"""Bootstrap of a round (methodology §2): respondents resampled within groups, percentile intervals of the
pooled constructs, the sub-scores and the index."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .prepare import PreparedSurvey
from .raking_design import RakingDesign
from .result import rounded_pair
from .scri import FrameworkSpec, normalise
from .scri.aggregate import nominal_scores
from .subscores import subscore_draws
from .suppression import group_weight_vector

__all__ = ["BOOT_CHUNK_CELLS", "DEFAULT_BOOT", "MIN_BOOT_SHARE", "bootstrap_block", "bootstrap_pooled"]

DEFAULT_BOOT = 200
#: Share of bootstrap draws that must give a value for an interval to be shown.
MIN_BOOT_SHARE = 0.9
#: Largest number of bootstrap weights held at once (draws × respondents of a group).
BOOT_CHUNK_CELLS = 4_000_000


def _percentiles(draws: np.ndarray, low: float = 2.5, high: float = 97.5) -> tuple[float, float] | None:
    finite = draws[np.isfinite(draws)]
    if len(draws) == 0 or len(finite) < MIN_BOOT_SHARE * len(draws):
        return None
    return float(np.percentile(finite, low)), float(np.percentile(finite, high))


def bootstrap_pooled(
    prepared: PreparedSurvey,
    table: pd.DataFrame,
    group_weights: Mapping[str, float] | None,
    n_boot: int,
    seed: int,
    raking: RakingDesign | None = None,
) -> dict[str, np.ndarray]:
    """Bootstrap draws (n_boot,) of every pooled construct: respondents resampled within each group.

    Only unsuppressed cells take part (as in the point estimate). The raked group (``raking``) is raked
    again in every replicate; the other groups keep their weights.
    """
    p = prepared
    K = len(p.constructs)
    G = len(p.group_names)
    shown = np.zeros((G, K), dtype=bool)
    for (construct, group), suppressed in table["suppressed"].items():
        if not suppressed:
            shown[p.group_names.index(group), p.constructs.index(construct)] = True
    means = np.full((n_boot, G, K), np.nan)
    for g, group in enumerate(p.group_names):
        cols = np.flatnonzero(shown[g])
        if len(cols):
            rows = np.flatnonzero(p.group_codes == g)
            rng = np.random.default_rng([seed, GROUPS.index(group)])
            means[:, g, cols] = _group_means(p, rows, cols, raking, n_boot, rng)
    gw = group_weight_vector(list(p.group_names), group_weights)
    out = {}
    for k, construct in enumerate(p.constructs):
        m = means[:, :, k]
        use = ~np.isnan(m) & (gw[None, :] > 0)
        den = (use * gw[None, :]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[construct] = np.where(
                den > 0, (np.where(use, m, 0.0) * gw[None, :]).sum(axis=1) / np.where(den > 0, den, 1.0), np.nan
            )
    return out


def _group_means(
    p: PreparedSurvey, rows: np.ndarray, cols: np.ndarray, raking: RakingDesign | None, n_boot: int, rng
) -> np.ndarray:
    """Bootstrap means (n_boot × len(cols)) of one group's constructs ``cols`` over its respondents ``rows``."""
    n_g = len(rows)
    c = len(cols)
    stacked = np.empty((n_g, 2 * c))  # the scores (0 where missing), then 1 where given
    stacked[:, :c] = p.construct_scores[np.ix_(rows, cols)]
    missing = np.isnan(stacked[:, :c])
    stacked[:, c:] = ~missing
    stacked[:, :c][missing] = 0.0
    del missing
    w = p.weights[rows]
    labels = None
    if raking is not None and len(raking.response_ids) == n_g:
        order = raking.response_ids.get_indexer(p.response_ids[rows])
        if (order >= 0).all():  # the raked group: each replicate is raked again, stratum by stratum
            labels = raking.strata[order]
            n_strata = int(labels.max(initial=0)) + 1
    out = np.empty((n_boot, c))
    chunk = max(1, min(n_boot, BOOT_CHUNK_CELLS // max(n_g, 1)))
    offsets = (np.arange(chunk) * n_g)[:, None]
    if labels is not None:  # each copy's stratum, for as many replicates as a chunk holds
        cells = (labels[None, :] + (np.arange(chunk) * n_strata)[:, None]).ravel()
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        picks = rng.integers(0, n_g, size=(b, n_g))
        picks += offsets[:b]
        drawn = np.bincount(picks.ravel(), minlength=b * n_g).reshape(b, n_g)
        if labels is None:
            counts = drawn * w[None, :]
        else:
            per_stratum = np.bincount(cells[: b * n_g], weights=drawn.ravel(), minlength=b * n_strata)
            counts = raking.stratum_weights(per_stratum.reshape(b, n_strata))[:, labels]
            counts *= drawn
        sums = counts @ stacked
        num, den = sums[:, :c], sums[:, c:]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + b] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def bootstrap_block(
    spec: FrameworkSpec,
    draws: Mapping[str, np.ndarray],
    index: Mapping[str, Any],
    network_part: float,
    method: str,
    point_subscores: Mapping[str, Mapping[str, np.ndarray]],
    n_boot: int,
    seed: int,
) -> tuple[dict[str, Any], dict[str, tuple[float, float] | None]]:
    """Percentile intervals (2.5–97.5 %) of the pooled constructs, sub-scores and SCRI over the bootstrap
    replicates ``draws`` of the pooled constructs (:func:`bootstrap_pooled`).

    Only the survey part varies here; infrastructure values, the network and the weights stay fixed (the
    Monte Carlo of :mod:`analysis.uncertainty` varies them all together).
    """
    block: dict[str, Any] = {"draws": n_boot, "seed": seed}
    if n_boot == 0:
        block["missing"] = "no bootstrap draws requested"
        return block, {}
    unstable = f"fewer than {MIN_BOOT_SHARE:.0%} of the draws give a value"
    missing: dict[str, str] = {}
    constructs = {}
    for construct, values in draws.items():
        interval = _percentiles(values)
        constructs[construct] = rounded_pair(*interval) if interval else None
        if interval is None:
            missing[f"constructs.{construct}"] = unstable
    block["constructs"] = constructs
    subs = {code: _percentiles(s["score"]) for code, s in subscore_draws(spec, draws, network_part).items()}
    block["subscores"] = {code: (rounded_pair(*v) if v else None) for code, v in subs.items()}
    for code, v in subs.items():
        if v is None:
            point = point_subscores[code]["score"][0]
            missing[f"subscores.{code}"] = "the sub-score is missing" if math.isnan(point) else unstable
    counted = index["counted"]
    x = np.repeat(counted.to_numpy()[None, :], n_boot, axis=0)
    for j in np.flatnonzero((spec.indicators["source"] == "survey").to_numpy()):
        row = spec.indicators.iloc[j]
        if row["construct"] in draws and not math.isnan(counted.iloc[j]):
            x[:, j] = normalise(draws[row["construct"]], row["best"], row["worst"])
    scores = nominal_scores(spec, x, method)
    interval = _percentiles(scores) if index["score"] is not None else None
    block["scri_ci95"] = rounded_pair(*interval) if interval else None
    if interval is None:
        missing["scri_ci95"] = "the index is missing" if index["score"] is None else unstable
    if missing:
        block["missing"] = missing
    return block, subs
