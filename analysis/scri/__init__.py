"""The Smart City Readiness Index (methodology §5): normalisation, aggregation, coverage, levels and ranks (the
Monte Carlo of §8 is :mod:`analysis.uncertainty`).

- Normalisation with fixed goalposts: ``y = (x − worst) / (best − worst) × 100`` truncated to [0, 100]
  (direction −1 simply has best < worst). Never min–max over the cities of a sample.
- Aggregation: weighted arithmetic mean of the indicators present in a dimension, then of the dimensions
  present. The geometric option (at both levels) takes the weighted geometric mean of the scores rescaled
  to 1–100 (``1 + 0.99 y``) and maps the result back to 0–100, so a zero no longer needs special care.
- Missing data: a missing city-supplied (infrastructure or yes/no) value counts at its worst goalpost under
  the default ``missing: worst`` (a city never gains by leaving data out), with the re-weighted score beside
  it; survey and network indicators that are missing are left out. A dimension's coverage is the weight
  share of its indicators with data; below ``min_coverage`` (2/3) it is "insufficient data" and the index
  "provisional" (under ``reweight`` such a dimension is missing). The index is missing when the dimensions
  present carry less than ``min_coverage`` of the dimension weight.
- Levels: the framework's (low < 40 ≤ medium < 60 ≤ high in the built-in one), read from the published
  (rounded) score so a reader never sees "40.0, low".
Modules: ``spec`` (the framework as arrays), ``normalise``, ``aggregate`` (dimensions, index, coverage,
levels, ranks).

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
from .spec import FrameworkSpec, framework_spec

__all__ = [
    "FrameworkSpec",
    "aggregate",
    "compute_index",
    "framework_spec",
    "indicator_values",
    "level_of",
    "normalise",
    "rank_scores",
]
