"""Several cities side by side: ranks by the published index and their stability under weight noise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .errors import AnalysisError, quote_some
from .result import RankedCity, Ranking, plain, rounded
from .scri import DEFAULT_DRAWS, DEFAULT_NOISE, DEFAULT_SEED, FrameworkSpec, framework_spec, monte_carlo

__all__ = ["rank_cities"]


def rank_cities(
    results: Sequence[Mapping[str, Any]],
    framework: Any,
    *,
    n_draws: int = DEFAULT_DRAWS,
    noise: float = DEFAULT_NOISE,
    seed: int = DEFAULT_SEED,
    method: str | None = None,
) -> Ranking:
    """Rank cities by their published SCRI and test the ranking against ±noise on every weight.

    The same weight draws apply to every city, so rank stability is the share of draws in which a city keeps
    its nominal rank. Ties share the best rank; a city without an index has no rank and comes last.

    Parameters
    ----------
    results
        Results of :func:`score_round` (one per city, or per round).
    framework
        The framework the results were scored with.
    n_draws, noise, seed, method
        As in :func:`analysis.scri.monte_carlo`.

    Returns
    -------
    dict
        ``cities``: [{round, city, score, level, coverage, rank, median, p05, p95, rank_stability, rank_min,
        rank_max, rank_probabilities ({rank: share of draws})}] sorted by rank; ``draws``, ``noise``, ``seed``,
        ``method``.

    Examples
    --------
    >>> from instruments.frameworks import load_framework
    >>> fw = load_framework()
    >>> def result(name, value):
    ...     return {"round": name, "city": name, "scri": {"score": value, "level": None, "coverage": 1.0},
    ...             "indicators": {i.code: {"score": value} for i in fw.indicators}}
    >>> ranking = rank_cities([result("Shu", 43.0), result("Shalkar", 30.0)], fw, n_draws=200)
    >>> [(c["city"], c["rank"], c["rank_stability"]) for c in ranking["cities"]]
    [('Shu', 1, 1.0), ('Shalkar', 2, 1.0)]
    """
    spec = framework_spec(framework)
    method = method or spec.method
    keys = _result_keys(results)
    table = pd.DataFrame(
        [
            {code: ((res["indicators"].get(code) or {}).get("score")) for code in spec.indicators.index}
            for res in results
        ],
        index=keys,
        columns=list(spec.indicators.index),
        dtype=float,
    )
    nominal = {k: res["scri"].get("score") for k, res in zip(keys, results, strict=True)}
    mc = monte_carlo(spec, table, n_draws=n_draws, noise=noise, seed=seed, method=method, nominal=nominal)
    cities = [_ranked_city(res, mc[key], spec) for key, res in zip(keys, results, strict=True)]
    cities.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, str(c["city"])))
    return plain({"cities": cities, "draws": n_draws, "noise": noise, "seed": seed, "method": method})


def _result_keys(results: Sequence[Mapping[str, Any]]) -> list[str]:
    """The key of each result (its round, else its city), each checked to be a round result and unique."""
    if not results:
        raise AnalysisError("ranking needs at least one round result")
    keys = []
    for i, res in enumerate(results):
        if not isinstance(res, Mapping) or "indicators" not in res or "scri" not in res:
            raise AnalysisError(f"result {i + 1} is not a score_round result (it lacks indicators or scri)")
        keys.append(str(res.get("round") or res.get("city") or f"result {i + 1}"))
    if len(set(keys)) != len(keys):
        raise AnalysisError(
            f"results for the same round given twice: {quote_some(sorted({k for k in keys if keys.count(k) > 1}))}"
        )
    return keys


def _ranked_city(res: Mapping[str, Any], m: Mapping[str, Any], spec: FrameworkSpec) -> RankedCity:
    score = res["scri"].get("score")
    return {
        "round": res.get("round"),
        "city": res.get("city"),
        "score": rounded(score),
        "level": res["scri"]["level"],
        "coverage": res["scri"].get("coverage"),
        "rank": m["rank"],
        "median": rounded(m["median"]),
        "p05": rounded(m["p05"]),
        "p95": rounded(m["p95"]),
        "rank_stability": rounded(m["rank_stability"], 3),
        "rank_min": m["rank_min"],
        "rank_max": m["rank_max"],
        "rank_probabilities": {str(k): rounded(v, 3) for k, v in m["rank_shares"].items()},
    }
