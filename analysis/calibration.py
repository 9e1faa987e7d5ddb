"""Bounded raking of many weight vectors at once: the engine behind :func:`analysis.rake` and the re-raking of
every bootstrap draw in the Monte Carlo (:mod:`analysis.uncertainty`).

Weights are held per copy of a respondent, ``w`` (B × n), with a multiplicity ``counts`` (B × n: 1 for the
sample itself, the number of times a respondent was drawn in a bootstrap replicate). Each margin is a 0/1
cell matrix (n × c) and a target per draw and cell (B × c). One raking step scales the weights of each cell
so that its weighted count meets the target while no weight exceeds ``upper``: the factor of a cell is
solved exactly, with the weights it would push past the bound held at the bound (bounded or "truncated"
calibration). Sweeping the margins until they all hold reaches a solution inside the bound whenever one
exists, where rake–trim–rake can stop short of it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Margin", "margin_errors", "rake_batch"]

#: One margin: (cells, n × c 0/1 matrix; targets, B × c; reported, c booleans: cells counted in the error).
Margin = tuple[np.ndarray, np.ndarray, np.ndarray]


def _scale(w: np.ndarray, counts: np.ndarray, cells: np.ndarray, target: np.ndarray, upper: float) -> np.ndarray:
    """One bounded raking step on one margin (exact per cell; see the module docstring)."""
    capped = np.zeros(w.shape, dtype=bool)
    factor = np.ones(target.shape)
    for _ in range(w.shape[1] + 1):
        free = np.where(capped, 0.0, counts * w) @ cells
        held = (capped * counts) @ cells * upper if np.isfinite(upper) else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(free > 0, (target - held) / np.where(free > 0, free, 1.0), 1.0)
        factor = np.maximum(factor, 0.0)
        grown = (w * (factor @ cells.T) > upper) & (counts > 0)
        if not (grown & ~capped).any():
            break
        capped |= grown
    return np.where(capped, upper, w * (factor @ cells.T))


def margin_errors(
    w: np.ndarray, counts: np.ndarray, margins: list[Margin], *, reported_only: bool = True
) -> np.ndarray:
    """Largest relative gap between weighted count and target, per draw (B,), over the reported cells (or all)."""
    worst = np.zeros(w.shape[0])
    for cells, target, reported in margins:
        sums = (counts * w) @ cells
        scale = np.where(target > 0, target, 1.0)
        gap = np.abs(sums - target) / scale
        use = reported if reported_only else np.ones_like(reported)
        if use.any():
            worst = np.maximum(worst, gap[:, use].max(axis=1))
    return worst


def rake_batch(
    w: np.ndarray,
    counts: np.ndarray,
    margins: list[Margin],
    *,
    upper: float = np.inf,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> tuple[np.ndarray, int, np.ndarray]:
    """Rake every row of ``w`` to its targets with weights at most ``upper``.

    Returns the weights (B × n), the sweeps made and each draw's margin error (B,); a draw whose error stays
    above ``tol`` has no solution inside the bound (or a cell without respondents).
    """
    w = np.array(w, dtype=float)
    sweeps = 0
    for sweeps in range(1, max_iter + 1):  # noqa: B007 (sweeps is reported)
        for cells, target, _ in margins:
            w = _scale(w, counts, cells, target, upper)
        if (margin_errors(w, counts, margins, reported_only=False) < tol).all():
            break
    return w, sweeps, margin_errors(w, counts, margins)
