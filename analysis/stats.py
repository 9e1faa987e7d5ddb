"""Small statistics without SciPy: Student t quantile, t and Wilson intervals, Cronbach's α, Kish's DEFF.

The t quantile inverts the t distribution function, computed from the regularised incomplete beta function
(continued fraction), so it is exact to about 1e-10 for any positive, also fractional, degrees of freedom
(a weighted mean uses ``n_effective − 1``).

>>> round(t_quantile(0.975, 10), 4)
2.2281
>>> [round(v, 5) for v in wilson_interval(0.5, 120)]
[0.41194, 0.58806]
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pandas as pd

from .errors import AnalysisError

__all__ = [
    "ALPHA_FLAGS",
    "alpha_flag",
    "cronbach_alpha",
    "effective_n",
    "kish_deff",
    "t_cdf",
    "t_quantile",
    "t_interval",
    "weighted_mean_se",
    "wilson_interval",
]

_EPS = 1e-15
_TINY = 1e-300


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Distribution function of Student's t with ``df`` (> 0, may be fractional) degrees of freedom.

    >>> round(t_cdf(2.2281388519649385, 10), 6)
    0.975
    """
    if not df > 0:
        raise AnalysisError(f"degrees of freedom must be positive, not {df!r}")
    if t == 0:
        return 0.5
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """Quantile ``p`` of Student's t with ``df`` degrees of freedom (``df`` may be fractional).

    Parameters
    ----------
    p
        Probability, strictly between 0 and 1.
    df
        Degrees of freedom, positive; above 1e7 the normal quantile is returned.

    Returns
    -------
    float

    Examples
    --------
    >>> [round(t_quantile(0.975, df), 4) for df in (1, 2, 5, 30, 120)]
    [12.7062, 4.3027, 2.5706, 2.0423, 1.9799]
    """
    if not 0.0 < p < 1.0:
        raise AnalysisError(f"a quantile needs a probability strictly between 0 and 1, not {p!r}")
    if not df > 0 or not math.isfinite(df):
        if df == math.inf:
            return NormalDist().inv_cdf(p)
        raise AnalysisError(f"degrees of freedom must be positive, not {df!r}")
    if df > 1e7:
        return NormalDist().inv_cdf(p)
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    # Bracket, then bisection refined by the secant rule: monotone and safe for any df.
    lo, hi = 0.0, max(1.0, NormalDist().inv_cdf(p))
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise AnalysisError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(p: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` observed on ``n`` (effective) cases.

    Parameters
    ----------
    p
        Observed proportion in [0, 1].
    n
        Number of cases (the effective n for weighted data), positive.
    confidence
        Coverage of the interval.

    Returns
    -------
    (low, high)
        Bounds in [0, 1].

    Examples
    --------
    >>> [round(v, 5) for v in wilson_interval(0.5, 120)]
    [0.41194, 0.58806]
    """
    if not 0.0 <= p <= 1.0:
        raise AnalysisError(f"a proportion must lie in [0, 1], not {p!r}")
    if not n > 0:
        raise AnalysisError(f"a Wilson interval needs a positive n, not {n!r}")
    z = _z(confidence)
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low = 0.0 if p == 0.0 else max(0.0, centre - half)  # exact at the edges, not 1e-17
    high = 1.0 if p == 1.0 else min(1.0, centre + half)
    return low, high


def _weights_array(weights: object, n: int | None = None) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise AnalysisError("weights must be one-dimensional")
    if n is not None and len(w) != n:
        raise AnalysisError(f"{len(w)} weights for {n} values")
    if not np.all(np.isfinite(w)):
        raise AnalysisError("weights must be finite numbers (no NaN)")
    if np.any(w < 0):
        raise AnalysisError("weights must not be negative")
    return w


def kish_deff(weights: object) -> float:
    """Kish's design effect of unequal weights, ``n Σw² / (Σw)²`` (1 for equal weights).

    Examples
    --------
    >>> round(kish_deff([10, 15, 10, 15, 20, 30]), 2)
    1.17
    """
    w = _weights_array(weights)
    total = w.sum()
    if len(w) == 0 or total <= 0:
        raise AnalysisError("a design effect needs at least one positive weight")
    return float(len(w) * np.square(w).sum() / (total * total))


def effective_n(weights: object) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` = n / DEFF.

    >>> round(effective_n([10, 15, 10, 15, 20, 30]), 2)
    5.13
    """
    w = _weights_array(weights)
    total = w.sum()
    if len(w) == 0 or total <= 0:
        return 0.0
    return float(total * total / np.square(w).sum())


#: Why an interval of a cell whose respondents all answered alike is not shown (methodology §2).
NO_VARIATION = "not estimable (no variation): every respondent gave the same answer"


def t_interval(
    mean: float, n: int, sw: float, ssw2: float, confidence: float = 0.95
) -> tuple[tuple[float, float] | None, str | None]:
    """The t-interval of a weighted mean on 0–100 from its sums: ``n`` respondents, Σw (`sw`) and
    Σw²(x − x̄)² (`ssw2`).

    The standard error is the design-based (linearisation) one of R's ``survey::svymean`` for a single-stage
    sample: ``SE² = n/(n − 1) · Σw²(x − x̄)² / (Σw)²``, with a t quantile on n − 1 degrees of freedom; with
    equal weights this is the textbook ``s / √n`` interval. Clipped to [0, 100]. Returns the interval, or None
    and the reason (no interval of zero width is given: see :data:`NO_VARIATION`).

    >>> interval, _ = t_interval(50.0, 3, 3.0, 200.0)  # 40, 50, 60 with equal weights
    >>> [round(v, 2) for v in interval]
    [25.16, 74.84]
    """
    if sw <= 0 or n < 1:
        return None, "no respondents"
    if n < 2:
        return None, "fewer than 2 respondents"
    if not ssw2 > 1e-12 * sw * sw:
        return None, NO_VARIATION
    se = math.sqrt(n / (n - 1.0) * ssw2) / sw
    half = t_quantile(0.5 + confidence / 2.0, n - 1.0) * se
    return (max(0.0, mean - half), min(100.0, mean + half)), None


def weighted_mean_se(values: object, weights: object) -> tuple[float, float]:
    """Weighted mean and its linearisation standard error (as ``survey::svymean``), NaN values left out.

    >>> mean, se = weighted_mean_se([10, 20, 30, 40, 50, 60], [1, 1, 1, 5, 5, 5])
    >>> round(mean, 6), round(se, 6)
    (45.0, 5.757443)
    """
    x = np.asarray(values, dtype=float)
    w = _weights_array(weights, len(x))
    keep = ~np.isnan(x) & (w > 0)
    x, w = x[keep], w[keep]
    n = len(x)
    if n < 2:
        raise AnalysisError("a standard error needs at least 2 respondents with a value and a positive weight")
    mean = float((w * x).sum() / w.sum())
    return mean, math.sqrt(n / (n - 1.0) * float((w * w * (x - mean) ** 2).sum())) / float(w.sum())


def alpha_with_reason(data: np.ndarray) -> tuple[float | None, str | None]:
    """Cronbach's α of a cases × items array (NaN = missing, listwise deletion) and why it is undefined."""
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise AnalysisError("Cronbach's alpha needs a two-dimensional cases × items table")
    k = x.shape[1]
    if k < 2:
        return None, "fewer than 2 items"
    complete = x[~np.isnan(x).any(axis=1)]
    if complete.shape[0] < 2:
        return None, "fewer than 2 complete cases"
    item_var = complete.var(axis=0, ddof=1).sum()
    total_var = complete.sum(axis=1).var(ddof=1)
    if not total_var > 1e-12:
        return None, "no variance in the total score"
    return float(k / (k - 1) * (1.0 - item_var / total_var)), None


#: Cronbach's α below which a construct is flagged (methodology §2), worst first.
ALPHA_FLAGS = (("not_one_thing", 0.0), ("low_reliability", 0.6))


def alpha_flag(alpha: float | None) -> str | None:
    """``'not_one_thing'`` below 0, ``'low_reliability'`` below 0.6, else None (also for an undefined α).

    >>> [alpha_flag(a) for a in (-0.2, 0.0, 0.59, 0.6, None)]
    ['not_one_thing', 'low_reliability', 'low_reliability', None, None]
    """
    if alpha is None or math.isnan(alpha):
        return None
    return next((flag for flag, below in ALPHA_FLAGS if alpha < below), None)


def cronbach_alpha(data: pd.DataFrame | np.ndarray) -> float | None:
    """Cronbach's α = k/(k−1) · (1 − Σσᵢ² / σ²_total), on the complete cases (listwise deletion).

    Parameters
    ----------
    data
        Cases in rows, items in columns; NaN is missing.

    Returns
    -------
    float or None
        None when α is undefined: fewer than 2 items, fewer than 2 complete cases, or a total score without
        variance.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df), 5)
    0.95376
    """
    array = data.to_numpy(dtype=float, na_value=np.nan) if isinstance(data, pd.DataFrame) else data
    return alpha_with_reason(array)[0]
