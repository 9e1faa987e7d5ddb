"""The raking of one group as a design that can be applied again: to every bootstrap replicate of the group
(respondents drawn with replacement), so that each replicate is re-raked to the census margins (§2, §8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

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

    @cached_property
    def _strata(self) -> tuple[np.ndarray, np.ndarray]:
        """Respondents who share every margin's cell and the start weight get the same raked weight: each
        respondent's stratum (n) and one respondent of each stratum (S). Raking the S strata instead of the n
        respondents gives the same weights in a fraction of the time."""
        codes = [cells.argmax(axis=1) for cells in self.cells]
        _, start_code = np.unique(self.start, return_inverse=True)
        dims = [cells.shape[1] for cells in self.cells] + [int(start_code.max(initial=0)) + 1]
        key = np.ravel_multi_index([*codes, start_code.ravel()], dims)
        _, first, stratum = np.unique(key, return_index=True, return_inverse=True)
        return stratum.ravel(), first

    @property
    def strata(self) -> np.ndarray:
        """Each respondent's stratum (n, in the design's order): see :meth:`stratum_weights`."""
        return self._strata[0]

    def stratum_weights(self, counts: np.ndarray) -> np.ndarray:
        """Weights per copy (B × S) of each stratum's respondents, for replicates that drew ``counts`` (B × S)
        respondents of each stratum (:attr:`strata`)."""
        first = self._strata[1]
        cells_of = tuple(cells[first] for cells in self.cells)
        return self._rake(np.asarray(counts, dtype=float), self.start[first], cells_of)

    def weights(self, counts: np.ndarray) -> np.ndarray:
        """Weights per copy of each respondent (B × n, mean 1 per copy drawn) for replicate multiplicities
        ``counts`` (B × n): each replicate raked to the margins, its "not stated" cells keeping their own share."""
        counts = np.asarray(counts, dtype=float)
        stratum, first = self._strata
        b, size = counts.shape[0], len(first)
        cell = (np.arange(b)[:, None] * size + stratum[None, :]).ravel()
        counts_s = np.bincount(cell, weights=counts.ravel(), minlength=b * size).reshape(b, size)
        return self.stratum_weights(counts_s)[:, stratum]

    def _rake(self, counts: np.ndarray, start: np.ndarray, cells_of: tuple[np.ndarray, ...]) -> np.ndarray:
        """Raked weights per copy (B × S) of units with start weights ``start`` drawn ``counts`` times."""
        start = np.broadcast_to(start, counts.shape)
        total = counts.sum(axis=1)
        weighted = counts * start
        margins = []
        for cells, shares in zip(cells_of, self.shares, strict=True):
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
