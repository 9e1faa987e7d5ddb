"""First-order and total Sobol indices from the Saltelli design (OECD/JRC Handbook, 2008, ch. 7).

Given the model on two independent sample matrices A and B (``f_a``, ``f_b``, N each) and, for every input
(or group of inputs) i, on A with the columns of i taken from B (``f_ab[i]``):

- first order ``S_i = mean(f_b · (f_ab_i − f_a)) / V`` (Saltelli et al. 2010),
- total ``ST_i = mean((f_a − f_ab_i)²) / (2V)`` (Jansen 1999),

with ``V`` the variance of f over A and B together, every output centred first. These are the estimators
SALib's ``sobol.analyze`` uses; the test suite checks them on the Ishigami function against its analytic
values and SALib.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["sobol_indices"]


def sobol_indices(
    f_a: np.ndarray, f_b: np.ndarray, f_ab: Mapping[str, np.ndarray]
) -> dict[str, tuple[float, float]] | None:
    """``{input: (first order, total)}``, or None when the output does not vary (no variance to share).

    Evaluations where the model gives no value (NaN) are left out row-wise.

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.random((4096, 2)), rng.random((4096, 2))
    >>> f = lambda x: x[:, 0] + 0.0 * x[:, 1]
    >>> ab = {i: np.where(np.arange(2) == i, b, a) for i in range(2)}
    >>> out = sobol_indices(f(a), f(b), {str(i): f(ab[i]) for i in ab})
    >>> round(out["0"][0], 1), round(out["0"][1], 1), round(out["1"][1], 1)
    (1.0, 1.0, 0.0)
    """
    f_a, f_b = np.asarray(f_a, dtype=float), np.asarray(f_b, dtype=float)
    keep = np.isfinite(f_a) & np.isfinite(f_b)
    for values in f_ab.values():
        keep &= np.isfinite(values)
    if keep.sum() < 2:
        return None
    every = [f_a[keep], f_b[keep], *(np.asarray(v, dtype=float)[keep] for v in f_ab.values())]
    centre = float(np.mean(np.concatenate(every)))  # centred on every output, as SALib does
    a, b = every[0] - centre, every[1] - centre
    variance = float(np.var(np.concatenate([a, b])))
    if not variance > 1e-12:
        return None
    out = {}
    for name, values in zip(f_ab, every[2:], strict=True):
        ab = values - centre
        first = float(np.mean(b * (ab - a)) / variance)
        total = float(0.5 * np.mean((a - ab) ** 2) / variance)
        out[name] = (first, total)
    return out
