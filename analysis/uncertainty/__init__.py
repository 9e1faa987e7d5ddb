"""Uncertainty and sensitivity of the index (methodology §8, OECD/JRC Handbook on composite indicators, ch. 7).

One Monte Carlo draws every uncertain input together — respondents (a bootstrap replicate of the round,
re-raked), the weights (each × U(0.75, 1.25)), the aggregation (arithmetic or geometric), the goalposts
(each moved by U(−10 %, +10 %) of its range) and the missing city-supplied indicators (U(worst, best)) —
and reports the median, the 5–95 % range, the probability of each level, the ranks of several cities from
the same draws, and first-order and total Sobol indices of the five input groups.

The stakeholder network is not resampled: its ties describe relations between organisations, reported once,
so the network indicators keep their values in every draw (their goalposts and weights still vary).

Modules: ``draws`` (the draws and the index under them), ``sobol`` (the estimators), ``city`` (one city's
summary), ``ranks`` (rank distributions).
"""

from .city import BORDERLINE_SHARE, CityMonteCarlo, city_monte_carlo, level_shares
from .draws import (
    DEFAULT_DRAWS,
    DEFAULT_GOALPOST_SHIFT,
    DEFAULT_SEED,
    DEFAULT_WEIGHT_NOISE,
    INPUT_GROUPS,
    CityInputs,
    Settings,
    SharedDraws,
    city_scores,
    framework_settings,
    shared_draws,
)
from .ranks import rank_distribution
from .sobol import sobol_indices

__all__ = [
    "BORDERLINE_SHARE",
    "DEFAULT_DRAWS",
    "DEFAULT_GOALPOST_SHIFT",
    "DEFAULT_SEED",
    "DEFAULT_WEIGHT_NOISE",
    "INPUT_GROUPS",
    "CityInputs",
    "CityMonteCarlo",
    "Settings",
    "SharedDraws",
    "city_monte_carlo",
    "city_scores",
    "framework_settings",
    "level_shares",
    "rank_distribution",
    "shared_draws",
    "sobol_indices",
]
