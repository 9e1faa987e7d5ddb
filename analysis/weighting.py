"""Survey weights: raking (iterative proportional fitting) to census margins, trimming, Kish's design effect.

Raking adjusts start weights until the weighted sample reproduces every margin given (for example the
city's shares by sex and by age band), with no weight above ``cap`` times the mean weight (bounded
calibration, :mod:`analysis.calibration`). A respondent who did not state a category ("prefer not to say")
stays in: in that margin it belongs to a "not stated" cell that keeps its own sample share (methodology §2).

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

from .calibration import rake_batch
from .errors import AnalysisError, quote_some
from .stats import effective_n, kish_deff

__all__ = ["RakeResult", "rake", "trim_weights"]

#: Default cap of a weight, as a multiple of the mean weight.
DEFAULT_CAP = 5.0
DEFAULT_TOLERANCE = 1e-9
DEFAULT_MAX_ITER = 1000


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


def _checked_shares(variable: str, shares: object) -> tuple[list[str], np.ndarray]:
    if not isinstance(shares, Mapping) or not shares:
        raise AnalysisError(f"census margin {variable!r} must map categories to shares or counts")
    cats = [str(c) for c in shares]
    try:
        values = np.array([shares[c] for c in shares], dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError(f"census margin {variable!r}: shares must be numbers") from None
    if not np.all(np.isfinite(values)) or np.any(values < 0) or values.sum() <= 0:
        raise AnalysisError(
            f"census margin {variable!r}: shares must be non-negative numbers with a positive sum "
            f"(they add up to {values.sum():g})"
        )
    return cats, values


def _codes(variable: str, column: pd.Series, cats: list[str], values: np.ndarray) -> np.ndarray:
    """Category code of each respondent; ``len(cats)`` (the "not stated" cell) where the value is missing."""
    labels = column.astype(str).to_numpy()
    codes = pd.Index(cats).get_indexer(labels)
    stated = column.notna().to_numpy()
    unknown = (codes < 0) & stated
    if unknown.any():
        raise AnalysisError(
            f"census margin {variable!r}: respondent(s) {quote_some(column.index[unknown])} have {variable} "
            f"{quote_some(sorted(set(labels[unknown])))}, a category absent from the margins ({quote_some(cats)})"
        )
    codes = np.where(stated, codes, len(cats))
    counts = np.bincount(codes, minlength=len(cats) + 1)
    empty = [c for c, v, k in zip(cats, values, counts, strict=False) if v > 0 and k == 0]
    if empty:
        raise AnalysisError(
            f"census margin {variable!r}: no respondent in category(ies) {quote_some(empty)}, "
            "so the margin cannot be met; merge categories or drop the margin"
        )
    return codes


def _targets(margins: Mapping, frame: pd.DataFrame, start: np.ndarray, total: float | None) -> list:
    """Per variable: (category code per row, cell targets with the "not stated" cell last, number of categories).

    Respondents with a missing value form a "not stated" cell whose target is their start-weighted share of
    the sample; the stated categories share the rest in the census proportions (methodology §2).
    """
    if not isinstance(margins, Mapping) or not margins:
        raise AnalysisError("census margins must be a non-empty mapping {variable: {category: share or count}}")
    sums, prepared = {}, []
    for variable, shares in margins.items():
        if variable not in frame.columns:
            raise AnalysisError(
                f"census margin {variable!r} has no column in the respondents' table "
                f"(columns: {quote_some(frame.columns)})"
            )
        cats, values = _checked_shares(variable, shares)
        codes = _codes(variable, frame[variable], cats, values)
        sums[variable] = values.sum()
        prepared.append((codes, values / values.sum()))
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
    out = []
    for codes, shares in prepared:
        not_stated = start[codes == len(shares)].sum() / start.sum()
        out.append((codes, np.append(shares * (1.0 - not_stated), not_stated) * total, len(shares)))
    return out


def _margins(targets: list, n: int) -> list:
    """The targets as :mod:`analysis.calibration` margins (one draw; the "not stated" cell not reported)."""
    margins = []
    for codes, target, n_cats in targets:
        cells = np.zeros((n, len(target)))
        cells[np.arange(n), codes] = 1.0
        margins.append((cells, target[None, :], np.arange(len(target)) < n_cats))
    return margins


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    weights: pd.Series | np.ndarray | None = None,
    *,
    total: float | None = None,
    cap: float | None = DEFAULT_CAP,
    tol: float = DEFAULT_TOLERANCE,
    max_iter: int = DEFAULT_MAX_ITER,
) -> RakeResult:
    """Rake start weights to census margins with no weight above ``cap`` × the mean weight.

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
        Largest weight as a multiple of the mean weight (None: no bound). When no weighting inside the
        bound meets the margins, the margins are kept, some weights exceed it and ``converged`` is False.
    tol
        Largest relative margin error accepted.
    max_iter
        Raking sweeps at most.

    Returns
    -------
    RakeResult
        ``weights`` (a Series indexed like ``frame``), ``converged``, ``iterations``, ``trimmed``,
        ``deff``, ``n_effective`` and ``max_margin_error``.

    Raises
    ------
    AnalysisError
        A respondent with a category the margins do not have, a margin category with no respondent,
        negative start weights, or counts that disagree between variables.

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
    targets = _targets(margins, frame, w, total)
    margins_ = _margins(targets, len(w))
    population = sum(target.sum() for _, target, _ in targets) / len(targets)
    counts = np.ones((1, len(w)))
    upper = np.inf if cap is None else cap * population / len(w)
    raked, iterations, error = rake_batch(w[None, :], counts, margins_, upper=upper, tol=tol, max_iter=max_iter)
    converged = bool(error[0] < tol)
    if not converged and cap is not None:
        # No weighting inside the cap meets the margins: keep the margins, let some weights exceed the cap.
        raked, more, error = rake_batch(w[None, :], counts, margins_, tol=tol, max_iter=max_iter)
        iterations += more
    w = raked[0]
    at_cap = np.zeros(len(w), dtype=bool) if cap is None else w >= upper * (1.0 - 1e-9)
    return RakeResult(
        weights=pd.Series(w, index=frame.index, name="weight"),
        converged=converged,
        iterations=iterations,
        trimmed=int(at_cap.sum()),
        deff=kish_deff(w),
        n_effective=effective_n(w),
        max_margin_error=float(error[0]),
    )
