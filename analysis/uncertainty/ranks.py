"""Ranks of several cities over the same Monte Carlo draws: the nominal rank from the unrounded scores, the
probability of each rank, the modal rank and the share of draws in which a city holds its nominal rank."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["rank_distribution"]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each column in each row (1 = highest; ties share the best rank; 0 where the score is NaN)."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    above = (filled[:, None, :] > filled[:, :, None]).sum(axis=2)
    return np.where(np.isnan(scores), 0, above + 1)


def rank_distribution(
    nominal: Mapping[str, float | None], draws: Mapping[str, np.ndarray]
) -> dict[str, dict[str, Any]]:
    """Per city key: ``rank`` (nominal, from the unrounded scores), ``rank_probabilities`` ({rank: share}),
    ``modal_rank``, ``rank_stability`` (share of draws at the nominal rank), ``rank_min``, ``rank_max``."""
    keys = list(nominal)
    values = np.array([np.nan if nominal[k] is None else float(nominal[k]) for k in keys])
    nominal_ranks = _ranks(values[None, :])[0]
    out: dict[str, dict[str, Any]] = {}
    lengths = {len(draws[k]) for k in keys}
    matrix = np.column_stack([draws[k] for k in keys]) if len(lengths) == 1 else None
    ranks = _ranks(matrix) if matrix is not None else np.zeros((0, len(keys)), dtype=int)
    for j, key in enumerate(keys):
        own = ranks[:, j]
        own = own[own > 0]
        rank = int(nominal_ranks[j]) if nominal_ranks[j] > 0 else None
        entry: dict[str, Any] = {"rank": rank}
        if len(own) and rank is not None:
            found, counts = np.unique(own, return_counts=True)
            entry.update(
                rank_probabilities={str(int(r)): float(c) / len(own) for r, c in zip(found, counts, strict=True)},
                modal_rank=int(found[np.argmax(counts)]),
                rank_stability=float((own == rank).mean()),
                rank_min=int(own.min()),
                rank_max=int(own.max()),
            )
        else:
            entry.update(rank_probabilities={}, modal_rank=None, rank_stability=None, rank_min=None, rank_max=None)
        out[key] = entry
    return out
