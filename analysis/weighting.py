"""Survey weights: raking (iterative proportional fitting) to census margins, trimming, Kish's design effect.

Raking adjusts start weights until the weighted sample reproduces every margin given (for example the
city's shares by sex and by age band). Very large weights are then trimmed to ``cap`` times the mean weight
and the sample is raked again, until both the margins and the cap hold (rake–trim–rake).

>>> import pandas as pd
>>> frame = pd.DataFrame({"sex": list("mmmmff"), "age": list("yoyoyo")})
>>> result = rake(frame, {"sex": {"m": 50, "f": 50}, "age": {"y": 40, "o": 60}})
>>> [round(w, 6) for w in result.weights]
[10.0, 15.0, 10.0, 15.0, 20.0, 30.0]
>>> round(result.deff, 2), round(result.n_effective, 2)
(1.17, 5.13)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisError, quote_some
from .stats import effective_n, kish_deff

__all__ = ["RakeResult", "rake", "trim_weights"]

#: Default cap of a weight, as a multiple of the mean weight.
DEFAULT_CAP = 5.0
DEFAULT_TOLERANCE = 1e-6
DEFAULT_MAX_ITER = 200
DEFAULT_MAX_TRIM_ROUNDS = 50


@dataclass(frozen=True)
class RakeResult:
    """Weights (indexed like the input) and how the raking went."""

    weights: pd.Series
    converged: bool
    iterations: int
    trimmed: int
    deff: float
    n_effective: float
    max_margin_error: float

    @property
    def max_weight_ratio(self) -> float:
        """Largest weight as a multiple of the mean weight."""
        mean = float(self.weights.mean())
        return float(self.weights.max()) / mean if mean > 0 else 0.0

    def summary(self) -> dict[str, float | int | bool]:
        """Plain, JSON-ready diagnostics."""
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "trimmed": self.trimmed,
            "deff": round(self.deff, 3),
            "n_effective": round(self.n_effective, 1),
            "max_margin_error": round(self.max_margin_error, 6),
            "max_weight_ratio": round(self.max_weight_ratio, 3),
        }


def trim_weights(weights: pd.Series | np.ndarray, cap: float = DEFAULT_CAP) -> np.ndarray:
    """Cap weights at ``cap`` times their mean (a single pass; :func:`rake` re-rakes after trimming).

    >>> trim_weights(np.array([1.0, 1.0, 1.0, 13.0]), cap=2.0).tolist()
    [1.0, 1.0, 1.0, 8.0]
    """
    w = np.asarray(weights, dtype=float)
    if not cap > 1:
        raise AnalysisError(f"the weight cap must be above 1 (a multiple of the mean weight), not {cap!r}")
    return np.minimum(w, cap * w.mean())


def _targets(margins: Mapping, frame: pd.DataFrame, total: float | None) -> tuple[list, float]:
    """Per variable: (name, category codes per row, target totals per category)."""
    if not isinstance(margins, Mapping) or not margins:
        raise AnalysisError("census margins must be a non-empty mapping {variable: {category: share or count}}")
    sums = {}
    prepared = []
    for variable, shares in margins.items():
        if variable not in frame.columns:
            raise AnalysisError(
                f"census margin {variable!r} has no column in the respondents' table "
                f"(columns: {quote_some(frame.columns)})"
            )
        if not isinstance(shares, Mapping) or not shares:
            raise AnalysisError(f"census margin {variable!r} must map categories to shares or counts")
        cats = [str(c) for c in shares]
        values = np.array([shares[c] for c in shares], dtype=float)
        if not np.all(np.isfinite(values)) or np.any(values < 0) or values.sum() <= 0:
            raise AnalysisError(f"census margin {variable!r}: shares must be non-negative numbers with a positive sum")
        column = frame[variable]
        missing_rows = column.index[column.isna()]
        if len(missing_rows):
            raise AnalysisError(
                f"census margin {variable!r}: respondent(s) {quote_some(missing_rows)} have no {variable}; "
                "rake only respondents whose categories are known"
            )
        labels = column.astype(str).to_numpy()
        codes = pd.Index(cats).get_indexer(labels)
        unknown = codes < 0
        if unknown.any():
            rows = column.index[unknown]
            found = sorted(set(labels[unknown]))
            raise AnalysisError(
                f"census margin {variable!r}: respondent(s) {quote_some(rows)} have {variable} "
                f"{quote_some(found)}, a category absent from the margins ({quote_some(cats)})"
            )
        counts = np.bincount(codes, minlength=len(cats))
        empty = [c for c, v, k in zip(cats, values, counts, strict=True) if v > 0 and k == 0]
        if empty:
            raise AnalysisError(
                f"census margin {variable!r}: no respondent in category(ies) {quote_some(empty)}, "
                "so the margin cannot be met; merge categories or drop the margin"
            )
        sums[variable] = values.sum()
        prepared.append((variable, codes, values / values.sum()))
    if total is None:
        if all(math.isclose(s, 1.0, rel_tol=0.02) for s in sums.values()):
            total = float(len(frame))
        else:
            low, high = min(sums.values()), max(sums.values())
            if high > low * 1.01:
                raise AnalysisError(
                    "census margins given as counts must add up to the same population in every variable; "
                    + ", ".join(f"{v}: {s:g}" for v, s in sums.items())
                )
            total = float(np.mean(list(sums.values())))
    if not total > 0:
        raise AnalysisError(f"the population total must be positive, not {total!r}")
    return [(v, codes, shares * total) for v, codes, shares in prepared], float(total)


def _ipf(w: np.ndarray, targets: list, tol: float, max_iter: int) -> tuple[np.ndarray, int, float]:
    error = math.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (iterations is reported)
        for _, codes, target in targets:
            sums = np.bincount(codes, weights=w, minlength=len(target))
            factor = np.divide(target, sums, out=np.zeros_like(target), where=sums > 0)
            w = w * factor[codes]
        error = _margin_error(w, targets)
        if error < tol:
            break
    return w, iterations, error


def _margin_error(w: np.ndarray, targets: list) -> float:
    worst = 0.0
    for _, codes, target in targets:
        sums = np.bincount(codes, weights=w, minlength=len(target))
        scale = np.where(target > 0, target, 1.0)
        worst = max(worst, float(np.max(np.abs(sums - target) / scale)))
    return worst


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    weights: pd.Series | np.ndarray | None = None,
    *,
    total: float | None = None,
    cap: float | None = DEFAULT_CAP,
    tol: float = DEFAULT_TOLERANCE,
    max_iter: int = DEFAULT_MAX_ITER,
    max_trim_rounds: int = DEFAULT_MAX_TRIM_ROUNDS,
) -> RakeResult:
    """Rake start weights to census margins, trimming weights above ``cap`` × mean and raking again.

    Parameters
    ----------
    frame
        One row per respondent with a column per margin variable (for example ``sex`` and ``age_band``).
    margins
        ``{variable: {category: share or count}}``, normalised within each variable. Shares adding up to 1
        make the weights add up to ``total`` or, by default, to the number of respondents (mean weight 1);
        counts (the same sum in every variable; percentages count as a population of 100) make them add up
        to that population. Scores do not depend on this scale, only on the relative weights.
    weights
        Start (design) weights; default 1 for everyone.
    total
        Population the weights add up to (overrides the counts).
    cap
        Trim weights above ``cap`` times the mean weight, then rake again (None: no trimming).
    tol
        Largest relative margin error accepted.
    max_iter
        Raking sweeps per round.
    max_trim_rounds
        Rake–trim rounds before giving up: the weights are then raked once more so that the margins hold,
        the cap may not, and ``converged`` is False.

    Returns
    -------
    RakeResult
        ``weights`` (a Series indexed like ``frame``), ``converged``, ``iterations``, ``trimmed``,
        ``deff``, ``n_effective`` and ``max_margin_error``.

    Raises
    ------
    AnalysisError
        A respondent with a category the margins do not have, a missing category, a margin category with no
        respondent, negative start weights, or counts that disagree between variables.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sex": list("mmmmff"), "age": list("yoyoyo")})
    >>> result = rake(frame, {"sex": {"m": 0.5, "f": 0.5}, "age": {"y": 0.4, "o": 0.6}}, total=100)
    >>> result.weights.round(6).tolist()
    [10.0, 15.0, 10.0, 15.0, 20.0, 30.0]
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"raking needs a DataFrame of respondents, not {type(frame).__name__}")
    if len(frame) == 0:
        raise AnalysisError("raking needs at least one respondent")
    if weights is None:
        w = np.ones(len(frame))
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(frame),):
            raise AnalysisError(f"{w.size} start weights for {len(frame)} respondents")
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            raise AnalysisError(
                f"start weights must be non-negative numbers; respondent(s) {quote_some(frame.index[bad])}"
            )
        if w.sum() <= 0:
            raise AnalysisError("start weights must not all be zero")
    if cap is not None and not cap > 1:
        raise AnalysisError(f"the weight cap must be above 1 (a multiple of the mean weight), not {cap!r}")
    targets, _ = _targets(margins, frame, total)

    iterations, trimmed_ever = 0, np.zeros(len(w), dtype=bool)
    converged = False
    for _ in range(max_trim_rounds):
        w, its, error = _ipf(w, targets, tol, max_iter)
        iterations += its
        if cap is None:
            converged = error < tol
            break
        limit = cap * w.mean()
        over = w > limit * (1.0 + tol)
        if error < tol and not over.any():
            converged = True
            break
        trimmed_ever |= over
        w = np.minimum(w, limit)
    else:
        # The cap and the margins cannot both hold: keep the margins (rake once more), report not converged.
        w, its, error = _ipf(w, targets, tol, max_iter)
        iterations += its
    return RakeResult(
        weights=pd.Series(w, index=frame.index, name="weight"),
        converged=converged,
        iterations=iterations,
        trimmed=int(trimmed_ever.sum()),
        deff=kish_deff(w),
        n_effective=effective_n(w),
        max_margin_error=float(error),
    )
