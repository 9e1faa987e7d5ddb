"""The raking of one group as a design that can be applied again: to every bootstrap replicate of the group
(respondents drawn with replacement), so that each replicate is re-raked to the census margins (§2, §8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calibration import rake_batch

__all__ = ["RakingDesign", "raking_design"]

#: Raking sweeps per replicate (a replicate missing a category never meets the margins; it stops here).
REPLICATE_SWEEPS = 100


@dataclass(frozen=True)
class RakingDesign:
    """Who is raked (``response_ids``, with their start weights), each margin's cells (respondents × (c + 1)
    0/1, the last column the "not stated" cell) and census proportions (c), and the weight cap."""

    response_ids: pd.Index
    start: np.ndarray
    cells: tuple[np.ndarray, ...]
    shares: tuple[np.ndarray, ...]
    cap: float | None

    def weights(self, counts: np.ndarray) -> np.ndarray:
        """Weights per copy of each respondent (B × n, mean 1 per copy drawn) for replicate multiplicities
        ``counts`` (B × n): each replicate raked to the margins, its "not stated" cells keeping their own share."""
        counts = np.asarray(counts, dtype=float)
        start = np.broadcast_to(self.start, counts.shape)
        total = counts.sum(axis=1)
        weighted = counts * start
        margins = []
        for cells, shares in zip(self.cells, self.shares, strict=True):
            with np.errstate(invalid="ignore", divide="ignore"):
                not_stated = np.where(total > 0, (weighted @ cells[:, -1]) / weighted.sum(axis=1), 0.0)
            target = np.hstack([shares[None, :] * (1.0 - not_stated)[:, None], not_stated[:, None]]) * total[:, None]
            margins.append((cells, target, np.arange(cells.shape[1]) < len(shares)))
        upper = np.inf if self.cap is None else float(self.cap)
        raked, _, _ = rake_batch(start, counts, margins, upper=upper, tol=1e-6, max_iter=REPLICATE_SWEEPS)
        copies = (counts * raked).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(copies > 0, raked * total[:, None] / np.where(copies > 0, copies, 1.0), 0.0)


def raking_design(
    table: pd.DataFrame, margins: Mapping[str, Mapping[str, float]], start: np.ndarray, cap: float | None
) -> RakingDesign:
    """The design of a raking that succeeded: ``table`` holds the group's raking variables (missing where not
    stated), ``start`` its start weights."""
    cells, shares = [], []
    n = len(table)
    for variable, given in margins.items():
        categories = [str(c) for c in given]
        values = np.array([float(given[c]) for c in given])
        column = table[variable]
        codes = pd.Index(categories).get_indexer(column.astype(str).to_numpy())
        codes = np.where(column.notna().to_numpy() & (codes >= 0), codes, len(categories))
        matrix = np.zeros((n, len(categories) + 1))
        matrix[np.arange(n), codes] = 1.0
        cells.append(matrix)
        shares.append(values / values.sum())
    return RakingDesign(
        response_ids=table.index,
        start=np.asarray(start, dtype=float),
        cells=tuple(cells),
        shares=tuple(shares),
        cap=cap,
    )
