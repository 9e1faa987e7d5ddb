"""The draws of the Monte Carlo (methodology §8) and the index of a city under each of them.

Every uncertain input is drawn for 2N rows: the first N form the Saltelli matrix A, the next N the matrix B.
The weights, the aggregation and the goalposts come from the seed alone, so every city of a comparison sees
the same draws of them (its ranks move only because its own data do); the respondents (a bootstrap
replicate of the round, re-raked) and the missing indicators are the city's own.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..errors import AnalysisError
from ..scri.aggregate import paired_index
from ..scri.spec import FrameworkSpec

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_GOALPOST_SHIFT",
    "DEFAULT_SEED",
    "DEFAULT_WEIGHT_NOISE",
    "INPUT_GROUPS",
    "CityInputs",
    "Settings",
    "SharedDraws",
    "city_scores",
    "framework_settings",
    "shared_draws",
]

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 2025
DEFAULT_WEIGHT_NOISE = 0.25
DEFAULT_GOALPOST_SHIFT = 0.10
#: The five groups of uncertain inputs, in the order the reports name them.
INPUT_GROUPS = ("respondents", "weights", "aggregation", "goalposts", "missing")


@dataclass(frozen=True)
class Settings:
    """How many draws, the seed, the size of each perturbation and which groups of inputs vary."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    weight_noise: float = DEFAULT_WEIGHT_NOISE
    goalpost_shift: float = DEFAULT_GOALPOST_SHIFT
    vary: frozenset[str] = field(default_factory=lambda: frozenset(INPUT_GROUPS))

    def __post_init__(self) -> None:
        if isinstance(self.draws, bool) or not isinstance(self.draws, int) or self.draws < 1:
            raise AnalysisError(f"the Monte Carlo needs a whole number of draws of at least 1, not {self.draws!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise AnalysisError(f"the seed must be a whole number of 0 or more, not {self.seed!r}")
        if not 0 <= self.weight_noise < 1:
            raise AnalysisError(f"the weight noise must lie in [0, 1), not {self.weight_noise!r}")
        if not 0 <= self.goalpost_shift < 0.5:
            raise AnalysisError(f"the goalpost shift must lie in [0, 0.5), not {self.goalpost_shift!r}")
        unknown = set(self.vary) - set(INPUT_GROUPS)
        if unknown:
            raise AnalysisError(f"unknown input group(s) {sorted(unknown)}; known: {', '.join(INPUT_GROUPS)}")


def framework_settings(
    uncertainty: dict,
    draws: int | None = None,
    seed: int | None = None,
    weight_noise: float | None = None,
    vary=None,
) -> Settings:
    """The framework's Monte Carlo settings (its ``uncertainty`` section), with the options given in their place."""
    return Settings(
        draws=uncertainty["draws"] if draws is None else draws,
        seed=uncertainty["seed"] if seed is None else seed,
        weight_noise=uncertainty["weight_noise"] if weight_noise is None else weight_noise,
        goalpost_shift=uncertainty["goalpost_shift"],
        vary=frozenset(INPUT_GROUPS if vary is None else vary),
    )


@dataclass(frozen=True)
class SharedDraws:
    """Draws every city shares: 2N rows of weight factors, aggregation choices and goalpost shifts."""

    indicator_factor: np.ndarray  # (2N, p)
    dimension_factor: np.ndarray  # (2N, D)
    geometric: np.ndarray  # (2N,) bool
    best_shift: np.ndarray  # (2N, p) fraction of the goalpost range
    worst_shift: np.ndarray  # (2N, p)


def shared_draws(spec: FrameworkSpec, settings: Settings) -> SharedDraws:
    rows, p, d = 2 * settings.draws, len(spec.indicators), len(spec.dimensions)
    noise, shift = settings.weight_noise, settings.goalpost_shift
    rng = np.random.default_rng([settings.seed, 8])
    return SharedDraws(
        indicator_factor=rng.uniform(1 - noise, 1 + noise, size=(rows, p)),
        dimension_factor=rng.uniform(1 - noise, 1 + noise, size=(rows, d)),
        geometric=rng.random(rows) < 0.5,
        best_shift=rng.uniform(-shift, shift, size=(rows, p)),
        worst_shift=rng.uniform(-shift, shift, size=(rows, p)),
    )


@dataclass(frozen=True)
class CityInputs:
    """What the Monte Carlo needs of one city: the raw indicator values (NaN missing), which of the missing
    are city-supplied (drawn between their goalposts; the others, survey cells, stay out), the rule for them
    in the nominal score, and the raw survey-indicator values of each bootstrap replicate (R × p, or None)."""

    key: str
    raw: np.ndarray
    imputable: np.ndarray
    missing_rule: str
    method: str
    replicates: np.ndarray | None = None

    @property
    def survey_columns(self) -> np.ndarray:
        if self.replicates is None:
            return np.zeros(len(self.raw), dtype=bool)
        return ~np.all(np.isnan(self.replicates), axis=0)

    def missing_draws(self, settings: Settings) -> np.ndarray:
        """U(0, 1) per draw row and indicator: where a missing value falls between worst and best."""
        rng = np.random.default_rng([settings.seed, zlib.crc32(self.key.encode()), 2])
        return rng.random((2 * settings.draws, len(self.raw)))

    def varying(self, settings: Settings) -> tuple[str, ...]:
        """The input groups that vary for this city (respondents need replicates, missing a gap)."""
        have = {
            "respondents": self.replicates is not None and len(self.replicates) >= 2,
            "weights": settings.weight_noise > 0,
            "aggregation": True,
            "goalposts": settings.goalpost_shift > 0,
            "missing": bool(self.imputable.any()),
        }
        return tuple(g for g in INPUT_GROUPS if g in settings.vary and have[g])


def _replicate_rows(rows: np.ndarray, n_draws: int, n_replicates: int) -> np.ndarray:
    """The bootstrap replicate of each draw row: A's rows cycle over the first half, B's over the second."""
    half = max(n_replicates // 2, 1)
    in_b = rows >= n_draws
    return np.where(in_b, half + (rows - n_draws) % max(n_replicates - half, 1), rows % half)


def city_scores(
    spec: FrameworkSpec,
    city: CityInputs,
    shared: SharedDraws,
    settings: Settings,
    pick: dict[str, np.ndarray],
    missing_u: np.ndarray | None = None,
) -> np.ndarray:
    """The index of ``city`` for each evaluation (M,): ``pick[group]`` names the draw row (0..2N−1) each input
    group takes; a group that does not vary keeps its nominal value."""
    vary = set(city.varying(settings))
    m = len(next(iter(pick.values())))
    best = np.broadcast_to(spec.indicators["best"].to_numpy(), (m, len(city.raw))).copy()
    worst = np.broadcast_to(spec.indicators["worst"].to_numpy(), (m, len(city.raw))).copy()
    x = np.broadcast_to(city.raw, (m, len(city.raw))).copy()
    if "respondents" in vary:
        cols = city.survey_columns
        rep = _replicate_rows(pick["respondents"], settings.draws, len(city.replicates))
        x[:, cols] = city.replicates[rep][:, cols]
    gaps = np.broadcast_to(city.imputable, x.shape)
    if "missing" in vary:
        u = (missing_u if missing_u is not None else city.missing_draws(settings))[pick["missing"]]
        x = np.where(gaps, worst + u * (best - worst), x)
    if "goalposts" in vary:
        span = np.abs(best - worst)
        best = best + shared.best_shift[pick["goalposts"]] * span
        worst = worst + shared.worst_shift[pick["goalposts"]] * span
    norm = np.clip((x - worst) / (best - worst) * 100.0, 0.0, 100.0)
    if "missing" not in vary and city.missing_rule == "worst":
        norm = np.where(gaps, 0.0, norm)
    ind_w = np.broadcast_to(spec.indicators["weight"].to_numpy(), x.shape)
    dim_w = np.broadcast_to(spec.dimensions["weight"].to_numpy(), (m, len(spec.dimensions)))
    if "weights" in vary:
        ind_w = ind_w * shared.indicator_factor[pick["weights"]]
        dim_w = dim_w * shared.dimension_factor[pick["weights"]]
    if "aggregation" in vary:
        geometric = shared.geometric[pick["aggregation"]]
    else:
        geometric = np.full(m, city.method == "geometric")
    member, cov = spec.membership, spec.min_coverage
    out = np.full(m, np.nan)
    for flag, method in ((False, "arithmetic"), (True, "geometric")):
        rows = geometric == flag
        if rows.any():
            out[rows] = paired_index(norm[rows], ind_w[rows], dim_w[rows], member, method, cov)
    return out
