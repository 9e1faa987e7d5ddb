"""The Smart City Readiness Index (methodology §5): normalisation, aggregation, coverage, levels, ranking and
Monte Carlo sensitivity over the weights.

- Normalisation with fixed goalposts: ``y = (x − worst) / (best − worst) × 100`` truncated to [0, 100]
  (direction −1 simply has best < worst). Never min–max over the cities of a sample.
- Aggregation: weighted arithmetic mean of the indicators present in a dimension, then of the dimensions
  present. The geometric option (at both levels) takes the weighted geometric mean of the scores rescaled
  to 1–100 (``1 + 0.99 y``) and maps the result back to 0–100, so a zero no longer needs special care.
- Missing data: no imputation. A dimension's coverage is the weight share of its indicators present; below
  ``min_coverage`` (2/3) the dimension is missing. The index is missing when the dimensions present carry
  less than ``min_coverage`` of the dimension weight. The index's coverage is the share of the total
  (dimension × indicator) weight that stands behind the score.
- Levels: the framework's (low < 40 ≤ medium < 60 ≤ high in the built-in one), read from the published
  (rounded) score so a reader never sees "40.0, low".
- Sensitivity: each indicator and dimension weight is multiplied by an independent uniform factor in
  [1 − noise, 1 + noise] (default ±25 %), N = 1000 draws, fixed seed, all draws at once. For a set of
  cities the same draws apply to every city, giving each city's median, 5–95 % range, and rank stability
  (share of draws in which it keeps its rank, and the range of ranks it takes).

Modules: ``spec`` (the framework as arrays), ``normalise``, ``aggregate`` (dimensions, index, coverage,
levels, ranks), ``sensitivity`` (Monte Carlo over the weights).

The framework comes in as the plain structure of ``instruments.frameworks.ScriFramework.to_plain()`` (or
the framework object itself); this module reads no file.

>>> normalise(18, best=5, worst=35)
56.666666666666664
>>> level_of(43.1, (("low", 0.0), ("medium", 40.0), ("high", 60.0)))
'medium'
"""

from __future__ import annotations

from .aggregate import aggregate, compute_index, level_of, rank_scores
from .normalise import indicator_values, normalise
from .sensitivity import DEFAULT_DRAWS, DEFAULT_NOISE, DEFAULT_SEED, monte_carlo
from .spec import FrameworkSpec, framework_spec

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_NOISE",
    "DEFAULT_SEED",
    "FrameworkSpec",
    "aggregate",
    "compute_index",
    "framework_spec",
    "indicator_values",
    "level_of",
    "monte_carlo",
    "normalise",
    "rank_scores",
]
