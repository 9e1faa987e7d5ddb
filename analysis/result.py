"""The result schema of the analysis layer: what :func:`score_round` and :func:`rank_cities` return.

Every result is a plain, JSON-ready dict (str, int, float, bool, None, list, dict; never NaN or a numpy
type); these TypedDicts name its keys once, so that the web side (``survey_app/services/scoring.py``, the
reports, the API and the CLI) reads only fields defined here. A value that could not be computed is None
with a reason under ``missing``; a cell withheld below ``k_min`` is ``{"suppressed": True, "n": N}``.
"""

import math
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import numpy as np

from .errors import AnalysisError

__all__ = [
    "BootstrapResult",
    "ChangeResult",
    "ConstructCell",
    "DimensionResult",
    "FrameworkInfo",
    "GraphEdge",
    "GraphNode",
    "GroupResult",
    "IndicatorResult",
    "ItemCell",
    "NetworkBlend",
    "NetworkGraph",
    "NetworkResult",
    "PooledConstruct",
    "RankedCity",
    "Ranking",
    "RoundResult",
    "ScriResult",
    "SensitivityResult",
    "SobolIndex",
    "UncertaintyResult",
    "SubscoreDetail",
    "Weighting",
    "plain",
    "rounded",
    "rounded_pair",
]


class ScriResult(TypedDict):
    score: float | None  # under the framework's rule for missing city data (missing_rule)
    level: str | None
    coverage: float | None  # share of the weight that has data
    method: str
    missing_rule: str  # worst | reweight
    reweighted_score: float | None  # missing values left out ("if they were typical of the city")
    missing_indicators: list[str]  # city-supplied indicators without a value
    provisional: bool  # a dimension has less than min_coverage of its weight in data
    insufficient_dimensions: list[str]
    level_probability: float | None  # share of the Monte Carlo draws in the published level
    borderline: list[str] | None  # the two most likely levels when the first has under 2/3 of the draws
    missing: NotRequired[str]


class DimensionResult(TypedDict):
    score: float | None
    weight: float | None
    coverage: float | None
    level: str | None
    reweighted_score: float | None
    insufficient_data: bool
    missing: NotRequired[str]
    label: dict[str, str]  # the framework's name, {kk, ru, en}


class IndicatorResult(TypedDict):
    dimension: str
    source: str
    value: float | None
    score: float | None  # normalised 0–100
    weight: float | None
    year: NotRequired[int]
    missing: NotRequired[str]
    counted_as: NotRequired[float]  # the normalised score a missing value counts as (0 under `worst`)


class GroupResult(TypedDict):
    n: int
    n_effective: float | None
    completed: int
    target: int | None
    partial: NotRequired[int]
    target_share: NotRequired[float | None]
    suppressed: bool
    missing: NotRequired[dict[str, str]]


class Weighting(TypedDict):
    method: str  # none | given | raking
    group: NotRequired[str]
    variables: NotRequired[list[str]]
    cap: NotRequired[float | None]
    raked: NotRequired[int]
    unraked: NotRequired[int]  # respondents of the group left out of raking (0 since "not stated" cells)
    not_stated: NotRequired[int]
    converged: NotRequired[bool]
    iterations: NotRequired[int]
    trimmed: NotRequired[int]
    deff: NotRequired[float | None]
    n_effective: NotRequired[float | None]
    max_margin_error: NotRequired[float]
    max_weight_ratio: NotRequired[float]
    missing: NotRequired[dict[str, str]]


class ConstructCell(TypedDict):
    """One construct × group cell; when ``suppressed`` is True only ``n`` is given."""

    suppressed: NotRequired[bool]
    n: int
    score: NotRequired[float | None]
    ci95: NotRequired[list[float] | None]
    n_effective: NotRequired[float | None]
    alpha: NotRequired[float | None]
    alpha_flag: NotRequired[str | None]  # low_reliability (α < 0.6) | not_one_thing (α < 0) | None
    missing: NotRequired[dict[str, str]]


class PooledConstruct(TypedDict):
    score: float | None
    n: int
    groups: list[str]
    excluded: list[str]
    alpha_flags: dict[str, str]  # the flagged groups among those used
    caution: str | None  # the worst of them
    missing: NotRequired[str]


class ItemCell(TypedDict):
    construct: str
    kind: NotRequired[str]
    suppressed: NotRequired[bool]
    score: NotRequired[float | None]
    ci95: NotRequired[list[float] | None]
    n: int
    missing: NotRequired[dict[str, str]]


class BootstrapResult(TypedDict):
    draws: int
    seed: int
    constructs: NotRequired[dict[str, list[float] | None]]
    subscores: NotRequired[dict[str, list[float] | None]]
    scri_ci95: NotRequired[list[float] | None]
    missing: NotRequired[str | dict[str, str]]


class NetworkBlend(TypedDict):
    construct: str
    share: float | None
    network_score: float | None
    survey_score: float | None


class SubscoreDetail(TypedDict):
    score: float | None
    coverage: float | None
    constructs: dict[str, float | None]
    ci95: list[float] | None
    missing: NotRequired[str]
    network_blend: NotRequired[NetworkBlend]


class GraphNode(TypedDict):
    code: str
    sector: str | None
    label: dict[str, str]


class GraphEdge(TypedDict):
    source: str
    target: str
    weight: float


class NetworkGraph(TypedDict):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class NetworkResult(TypedDict):
    density: float | None
    ei_index: float | None
    ei_expected: float | None  # the E-I index under random mixing of the same actors
    ei_score: float | None  # 0–100: the E-I index against that expectation (methodology §4)
    sector_reach: float | None  # % of sectors with at least one cross-sector tie
    sectors_crossing: list[str]
    nodes: int
    edges: int
    external_ties: int
    internal_ties: int
    ties_reported: int
    degree: dict[str, float | None]
    betweenness: dict[str, float | None]
    sectors: list[str]
    sectors_without_ties: list[str]
    isolates: list[str]
    coordination_score: float | None
    missing: NotRequired[dict[str, str]]
    graph: NetworkGraph
    isolated_sectors: list[str]  # the same as sectors_without_ties (kept for readers of the JSON)


class SensitivityResult(TypedDict):
    """The 5 %, 95 % and median of the index over the Monte Carlo (:class:`UncertaintyResult`), and the
    geometric variant."""

    score_p05: float | None
    score_p95: float | None
    score_median: float | None
    draws: int
    noise: float
    seed: int
    missing_share: float | None
    geometric_score: float | None
    missing: NotRequired[str]


class SobolIndex(TypedDict):
    first: float | None
    total: float | None


class UncertaintyResult(TypedDict):
    """The Monte Carlo of methodology §8: every uncertain input drawn together."""

    draws: int
    seed: int
    replicates: int  # bootstrap replicates of the respondents (0: not resampled)
    weight_noise: float
    goalpost_shift: float
    varied: list[str]  # of respondents, weights, aggregation, goalposts, missing
    nominal: float | None  # unrounded (rounding is for display)
    median: float | None
    p05: float | None
    p95: float | None
    missing_share: float | None
    levels: dict[str, float | None]  # probability of each level
    level: str | None  # the most likely level
    level_probability: float | None
    borderline: list[str] | None
    sobol: dict[str, SobolIndex]  # per input group
    driver: str | None  # the group with the largest first-order index
    driver_share: float | None
    missing: NotRequired[str]


class ChangeResult(TypedDict):
    previous_round: str | None
    scri: float | None
    dimensions: dict[str, float | None]
    subscores: dict[str, float | None]


class FrameworkInfo(TypedDict):
    code: str
    version: int | None
    method: str
    min_coverage: float | None
    missing: str


class RoundResult(TypedDict):
    """The analysis of one round of one city (:func:`analysis.score_round`)."""

    round: str
    city: str
    scri: ScriResult
    dimensions: dict[str, DimensionResult]
    indicators: dict[str, IndicatorResult]
    groups: dict[str, GroupResult]
    weighting: Weighting
    constructs: dict[str, dict[str, ConstructCell]]
    pooled: dict[str, PooledConstruct]
    items: NotRequired[dict[str, dict[str, ItemCell]]]
    bootstrap: BootstrapResult
    subscores: dict[str, float | None]
    subscore_details: dict[str, SubscoreDetail]
    network: NetworkResult
    sensitivity: SensitivityResult
    uncertainty: UncertaintyResult
    change: NotRequired[ChangeResult | None]  # None: no previous round (the web side always sets it)
    framework: FrameworkInfo
    k_min: int


class RankedCity(TypedDict):
    """One city of a ranking; ``p05``/``p95``/``median`` and the ranks are over the Monte Carlo draws."""

    round: str | None
    city: str | None
    score: float | None
    level: str | None
    coverage: float | None
    rank: int | None
    nominal: float | None
    modal_rank: int | None
    median: float | None
    p05: float | None
    p95: float | None
    rank_stability: float | None
    rank_min: int | None
    rank_max: int | None
    rank_probabilities: dict[str, float | None]


class Ranking(TypedDict):
    """Cities ranked by their index, with the stability of the ranks (:func:`analysis.rank_cities`)."""

    cities: list[RankedCity]
    draws: int
    noise: float
    seed: int
    method: str
    respondents_resampled: bool


# --------------------------------------------------------------------------------------------- plain values


def rounded(value: Any, decimals: int = 1) -> float | None:
    """A rounded plain float, or None for a missing value (an infinity is a bug and raises)."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise AnalysisError("an infinite value reached the output")
    return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


def rounded_pair(low: Any, high: Any, decimals: int = 1) -> list[float] | None:
    """``[low, high]`` rounded, or None when either end is missing."""
    low, high = rounded(low, decimals), rounded(high, decimals)
    return None if low is None or high is None else [low, high]


def plain(obj: Any, where: str = "result") -> Any:
    """Plain Python types only (JSON-ready); a NaN or infinity is a bug and raises."""
    if isinstance(obj, Mapping):
        return {str(k): plain(v, f"{where}.{k}") for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        value = float(obj)
        if not math.isfinite(value):
            raise AnalysisError(f"internal error: {where} is {value}; a missing value must be None with a reason")
        return value
    if obj is None or isinstance(obj, str):
        return obj
    raise AnalysisError(f"internal error: {where} has a {type(obj).__name__}, not a plain value")
