"""The analysis of one survey round of one city, in the shape of ``scri score --format json``.

:func:`score_round` takes the frames of a round (see the package docstring) and the framework and returns a
plain, JSON-ready dict (no numpy types, no NaN; a missing value is None beside a reason in ``missing``):

- ``groups``: n, effective n (Kish), completed / partial counts and targets per stakeholder group, and the
  weighting of residents (raking to census margins, trimmed, when margins are given);
- ``constructs``: every group's construct score with its 95 % t-interval, n, effective n and Cronbach's α,
  or ``{"suppressed": true, "n": N}`` below ``k_min``; ``pooled``: the construct over the unsuppressed
  groups (equal group weights), naming the groups used and left out; ``items``: item-level cells under the
  all-or-nothing rule (see :mod:`analysis.suppression`);
- ``subscores``: stakeholder engagement and governance (mean of their constructs' pooled scores; the
  intersectoral coordination construct is blended with the network, see below), with coverage, the
  constructs, bootstrap intervals and the blend in ``subscore_details``. Like a dimension, a sub-score is
  missing when fewer than 2/3 (``min_coverage``) of its constructs have a score;
- ``network``: density, E-I index, nodes, edges, degree and betweenness per actor, sectors left out;
- ``scri``, ``dimensions``, ``indicators``: the index under the framework's rule for missing city data
  (``worst`` by default), the re-weighted score beside it, coverage, provisional and insufficient-data marks;
- ``uncertainty``: the Monte Carlo of methodology §8 (respondents re-raked, weights, aggregation, goalposts,
  missing values drawn together: median, 5–95 %, level probabilities, Sobol indices); ``sensitivity``: its
  range under the names of the contract, and the geometric-mean variant; ``bootstrap``: respondents
  resampled within groups and re-raked (percentile intervals of sub-scores, pooled constructs and the index);
- ``change``: against a previous round's result, when given.

**Intersectoral coordination and the network.** The survey construct ``intersectoral_coordination`` and
the network indicators named by the framework's ``network_blend`` (density and E-I index, each normalised by
its goalposts) are blended in the sub-score: ``(1 − share) · survey + share · network`` with ``share`` 0.5
by default, ``network`` being the mean of the normalised network measures present; when one part is
missing the other stands alone. The SCRI's stakeholder-engagement dimension weights (construct 0.5, each
network indicator 0.25) give the same blend.

The network is built from the ties of every complete response, suppressed groups included: ties describe
relations between organisations, not opinions, and leaving them out would show a small sector as isolated.
A round with actors but no reported tie has no network measures (None, "no ties reported"), not zeros.

Options of :func:`score_round`
------------------------------
responses, answers, items, ties, actors, indicators
    The frames of the round (see the package docstring). ``ties``/``actors`` may be None for a round
    without a ties question, ``indicators`` None for a city without imported values.
framework
    The SCRI framework (``instruments.frameworks.load_framework()``, or its ``to_plain()`` dict).
round_slug, city
    Copied to ``round`` and ``city``.
targets
    Target number of complete responses per group.
counts
    ``{group: {"complete": N, "partial": M}}`` as counted by the web side (default: n of ``responses``).
k_min
    Smallest cell that is published (default 5).
census_margins
    ``{variable: {category: share or count}}`` to rake ``raking_group`` (residents) to; None: no raking.
raking_group, weight_cap
    Group that is raked and the weight cap (multiple of the mean weight; None: no trimming).
strict_weighting
    Raise when a respondent's category is missing from the margins or a margin cannot be met; by
    default such respondents are left unraked (mean weight), or the group unweighted, and
    ``weighting.missing`` says so.
group_weights
    Weights of the groups when constructs are pooled (default equal).
method
    ``'arithmetic'`` or ``'geometric'`` aggregation (default: the framework's).
previous
    The result of an earlier round of the same city, for ``change``.
n_draws, noise, n_boot, seed
    Monte Carlo draws and the weight noise (default: the framework's ``uncertainty``, 1000 and ±25 %), the
    bootstrap replicates of the respondents (0: none; the Monte Carlo then keeps them as they are), the seed.
vary
    The input groups the Monte Carlo varies (default all five: respondents, weights, aggregation, goalposts,
    missing); ``()`` collapses its range to the nominal score.
confidence
    Coverage of the intervals.
item_details
    Include item-level cells (``items``).

Returns
-------
RoundResult
    JSON-ready (:mod:`analysis.result`): ``round``, ``city``, ``scri``, ``dimensions``, ``indicators``,
    ``groups``, ``weighting``,
    ``constructs``, ``pooled``, ``items``, ``subscores``, ``subscore_details``, ``network``,
    ``sensitivity``, ``uncertainty``, ``bootstrap``, ``framework``, ``k_min`` and, with ``previous``,
    ``change``.

Raises
------
AnalysisError
    No responses, an item of a construct the framework does not know, an answer outside 1..k, a negative
    weight, an indicator outside its valid range, an unknown actor or group; the message names it.

Example
-------
>>> import pandas as pd
>>> from instruments.frameworks import load_framework
>>> responses = pd.DataFrame({"response_id": range(1, 7), "group": ["residents"] * 6})
>>> items = pd.DataFrame({"construct": ["trust", "trust"], "kind": ["likert", "likert"], "k": [5, 5],
...                       "reverse": [False, False], "group": ["residents"] * 2},
...                      index=["residents.t1", "residents.t2"])
>>> answers = pd.DataFrame({"residents.t1": [4, 5, 3, 4, 2, 4], "residents.t2": [4, 4, 3, 5, 2, 3]},
...                        index=range(1, 7))
>>> result = score_round(responses, answers, items, load_framework(), round_slug="shu-2025", city="Shu",
...                      n_boot=0)
>>> result["constructs"]["trust"]["residents"]["score"], result["constructs"]["trust"]["residents"]["n"]
(64.6, 6)
>>> result["scri"]["score"], result["scri"]["provisional"], len(result["scri"]["missing_indicators"])
(0.0, True, 18)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import AGGREGATION_METHODS, NETWORK_MEASURES

from .bootstrap import DEFAULT_BOOT, bootstrap_block, bootstrap_pooled
from .errors import AnalysisError
from .group_scores import group_construct_scores
from .prepare import check_responses, prepare_survey
from .ranking import rank_cities
from .result import RoundResult, plain, rounded
from .round_blocks import (
    change_block,
    constructs_block,
    dimensions_block,
    framework_block,
    groups_block,
    indicators_block,
    items_block,
    network_block,
    pooled_block,
    scri_block,
    sensitivity_block,
    subscore_details_block,
)
from .round_weights import round_weights
from .scri import compute_index, framework_spec, indicator_values
from .subscores import network_part, round_network, subscore_draws
from .suppression import DEFAULT_K_MIN, check_k_min, mark_suppressed, pooled_scores
from .uncertainty import city_monte_carlo, framework_settings
from .uncertainty_inputs import city_inputs
from .weighting import DEFAULT_CAP

__all__ = [
    "rank_cities",
    "score_cities",
    "score_round",
    "score_round_frames",
    "score_round_frames_with_draws",
    "score_round_with_draws",
]


def score_round(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    items: pd.DataFrame,
    framework: Any,
    **options: Any,
) -> RoundResult:
    """Score one round of one city: the ``scri score --format json`` document (options: module docstring)."""
    return score_round_with_draws(responses, answers, items, framework, **options)[0]


def score_round_with_draws(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    items: pd.DataFrame,
    framework: Any,
    *,
    ties: pd.DataFrame | None = None,
    actors: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    round_slug: str = "",
    city: str = "",
    targets: Mapping[str, int] | None = None,
    counts: Mapping[str, Any] | None = None,
    k_min: int = DEFAULT_K_MIN,
    census_margins: Mapping[str, Mapping[str, float]] | None = None,
    raking_group: str = "residents",
    weight_cap: float | None = DEFAULT_CAP,
    strict_weighting: bool = False,
    group_weights: Mapping[str, float] | None = None,
    method: str | None = None,
    previous: Mapping[str, Any] | None = None,
    n_draws: int | None = None,
    noise: float | None = None,
    n_boot: int = DEFAULT_BOOT,
    seed: int | None = None,
    confidence: float = 0.95,
    item_details: bool = True,
    vary: Iterable[str] | None = None,
) -> tuple[RoundResult, np.ndarray]:
    """:func:`score_round` and the index in each Monte Carlo draw (N,), for ranking several cities together."""
    spec = framework_spec(framework)
    k_min, method = check_k_min(k_min), _method(method, spec, n_boot)
    settings = framework_settings(spec.uncertainty, n_draws, seed, noise, vary)
    frame = check_responses(responses)
    weights, weighting, design = round_weights(frame, census_margins, raking_group, weight_cap, strict_weighting)
    prepared = prepare_survey(frame, answers, items, weights=weights, known_constructs=spec.constructs)

    table, pooled, pooled_values, construct_reasons = _pooled(spec, prepared, confidence, k_min, group_weights)
    network = round_network(ties, actors)
    network_score = network_part(spec, network)
    subs = subscore_draws(spec, {c: np.array([v]) for c, v in pooled_values.items()}, network_score)
    values = indicator_values(
        spec,
        indicators,
        constructs=pooled_values,
        network={m: network[m] for m in NETWORK_MEASURES},
        reasons={**construct_reasons, **network.get("missing", {})},
    )
    index = compute_index(spec, values["value"], method=method)
    replicates = bootstrap_pooled(prepared, table, group_weights, n_boot, settings.seed, design) if n_boot else {}
    boot, boot_subs = bootstrap_block(spec, replicates, index, network_score, method, subs, n_boot, settings.seed)
    inputs = city_inputs(spec, round_slug or city or "round", values, replicates, method)
    mc = city_monte_carlo(spec, inputs, settings, index["score"])

    result: dict[str, Any] = {
        "round": round_slug,
        "city": city,
        "scri": scri_block(spec, index, method, mc.block),
        "dimensions": dimensions_block(spec, index),
        "indicators": indicators_block(spec, values, index),
        "groups": groups_block(frame, prepared.weights, targets, counts, k_min),
        "weighting": weighting,
        "constructs": constructs_block(spec, prepared, table),
        "pooled": pooled_block(spec, pooled, construct_reasons, table),
    }
    if item_details:
        result["items"] = items_block(prepared, table, k_min, confidence)
    result["bootstrap"] = boot
    result["subscores"] = {code: rounded(s["score"][0]) for code, s in subs.items()}
    result["subscore_details"] = subscore_details_block(spec, subs, boot_subs, network_score, pooled_values)
    result["network"] = network_block(network, network_score)
    geometric = compute_index(spec, values["value"], method="geometric")["score"]
    result["sensitivity"] = sensitivity_block(mc.block, geometric)
    result["uncertainty"] = mc.block
    if previous is not None:
        result["change"] = change_block(result, previous)
    result["framework"] = framework_block(spec, method)
    result["k_min"] = k_min
    return plain(result), mc.scores


def _method(method: str | None, spec, n_boot: Any) -> str:
    """The aggregation method (the framework's unless one is given); checks the bootstrap draws too."""
    if method is not None and method not in AGGREGATION_METHODS:
        raise AnalysisError(f"aggregation method {method!r} is not 'arithmetic' or 'geometric'")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise AnalysisError(f"the number of bootstrap draws must be a whole number of 0 or more, not {n_boot!r}")
    return method or spec.method


def _pooled(spec, prepared, confidence: float, k_min: int, group_weights):
    """Construct × group cells (small ones marked), the pooled constructs, their values and the reasons of
    those that are missing."""
    table = mark_suppressed(group_construct_scores(prepared, confidence), k_min)
    pooled = pooled_scores(table, group_weights)
    pooled_values = {c: float(v) for c, v in pooled["score"].items()}
    reasons = {c: m for c, m in pooled["missing"].items() if m}
    for construct in spec.constructs:
        if construct not in pooled_values:
            reasons.setdefault(construct, "the construct is not asked in this round")
    return table, pooled, pooled_values, reasons


def score_round_frames(frames: Any, framework: Any, **options: Any) -> RoundResult:
    """:func:`score_round` on an object carrying the frames as attributes (``round``, ``city``, ``responses``,
    ``answers``, ``items``, ``ties``, ``actors``, ``indicators``, ``targets``, ``counts``, ``census_margins``)."""
    return score_round_frames_with_draws(frames, framework, **options)[0]


def score_round_frames_with_draws(frames: Any, framework: Any, **options: Any) -> tuple[RoundResult, np.ndarray]:
    """:func:`score_round_frames` and the index in each Monte Carlo draw."""
    kwargs = {
        name: getattr(frames, name, None)
        for name in ("ties", "actors", "indicators", "targets", "counts", "census_margins")
    }
    kwargs.update(options)
    return score_round_with_draws(
        frames.responses,
        frames.answers,
        frames.items,
        framework,
        round_slug=getattr(frames, "round", "") or "",
        city=getattr(frames, "city", "") or "",
        **kwargs,
    )


def score_cities(rounds: Iterable[Mapping[str, Any]], framework: Any, **options: Any) -> dict[str, Any]:
    """Score several rounds (one mapping of :func:`score_round` arguments each) and rank them together.

    Options shared by every round (``k_min``, ``seed``, ``n_draws``, ``noise``, ``method``, ...) are given once;
    a round's own mapping wins. Returns ``{"rounds": [results], "ranking": rank_cities(...)}``, each result
    also carrying its ``rank``; the ranks come from the same Monte Carlo draws as each round's range.
    """
    results, draws = [], {}
    for i, args in enumerate(rounds):
        if not isinstance(args, Mapping):
            raise AnalysisError(f"round {i + 1} must be a mapping of score_round arguments")
        merged = {**options, **args}
        try:
            responses, answers, items = merged.pop("responses"), merged.pop("answers"), merged.pop("items")
        except KeyError as exc:
            raise AnalysisError(f"round {i + 1} lacks {exc.args[0]!r}") from None
        result, scores = score_round_with_draws(responses, answers, items, framework, **merged)
        results.append(result)
        draws[str(result.get("round") or result.get("city") or f"result {i + 1}")] = scores
    rank_options = {k: options[k] for k in ("n_draws", "noise", "seed", "method") if k in options}
    ranking = rank_cities(results, framework, draws=draws, **rank_options)
    ranks = {(c["round"], c["city"]): c["rank"] for c in ranking["cities"]}
    for res in results:
        res["rank"] = ranks.get((res.get("round"), res.get("city")))
    return {"rounds": results, "ranking": ranking}
