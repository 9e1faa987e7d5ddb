"""Several cities side by side: ranks from the unrounded index and their distribution over the Monte Carlo (§8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import AnalysisError, quote_some
from .result import RankedCity, Ranking, plain, rounded
from .scri import framework_spec
from .uncertainty import city_monte_carlo, framework_settings, rank_distribution, shared_draws
from .uncertainty_inputs import inputs_from_result

__all__ = ["rank_cities"]


def rank_cities(
    results: Sequence[Mapping[str, Any]],
    framework: Any,
    *,
    draws: Mapping[str, np.ndarray] | None = None,
    n_draws: int | None = None,
    noise: float | None = None,
    seed: int | None = None,
    method: str | None = None,
) -> Ranking:
    """Rank cities by their index and give each the distribution of its rank over the Monte Carlo draws.

    Ranks come from the unrounded scores (``uncertainty.nominal``), so two cities printed at 44.4 are still
    first and second; ties share the best rank; a city without an index has no rank and comes last. The draws
    of every city share the weights, aggregation and goalposts (the same seed), so a rank moves only when the
    city's standing does.

    Parameters
    ----------
    results
        Results of :func:`score_round` (one per city, or per round).
    framework
        The framework the results were scored with.
    draws
        ``{key: index in each draw}`` from :func:`analysis.round_score.score_round_with_draws` (key: the
        round, else the city). Without them the Monte Carlo is run again from the results' indicator values,
        with the respondents as they are (``respondents_resampled`` False).
    n_draws, noise, seed, method
        Monte Carlo settings when ``draws`` is None (default: the framework's).

    Returns
    -------
    dict
        ``cities``: [{round, city, score, level, coverage, rank, nominal, median, p05, p95, modal_rank,
        rank_stability, rank_min, rank_max, rank_probabilities ({rank: share of draws})}] sorted by rank;
        ``draws``, ``noise``, ``seed``, ``method``, ``respondents_resampled``.

    Examples
    --------
    >>> from instruments.frameworks import load_framework
    >>> fw = load_framework()
    >>> def result(name, value):
    ...     return {"round": name, "city": name, "scri": {"score": value, "level": None, "coverage": 1.0},
    ...             "indicators": {i.code: {"value": value} for i in fw.indicators}}
    >>> ranking = rank_cities([result("Shu", 60.0), result("Shalkar", 30.0)], fw, n_draws=200)
    >>> [(c["city"], c["rank"], c["rank_stability"]) for c in ranking["cities"]]
    [('Shu', 1, 1.0), ('Shalkar', 2, 1.0)]
    """
    spec = framework_spec(framework)
    method = method or spec.method
    keys = _result_keys(results)
    nominal = {k: _nominal(res) for k, res in zip(keys, results, strict=True)}
    settings = framework_settings(spec.uncertainty, n_draws, seed, noise)
    resampled = draws is not None
    if draws is None:
        shared = shared_draws(spec, settings)
        draws = {
            k: city_monte_carlo(spec, inputs_from_result(spec, k, res, method), settings, nominal[k], shared).scores
            for k, res in zip(keys, results, strict=True)
        }
    missing = [k for k in keys if k not in draws]
    if missing or len({len(draws[k]) for k in keys}) != 1:
        raise AnalysisError(
            "every ranked round needs its Monte Carlo draws, all of the same number"
            + (f" (none for {quote_some(missing)})" if missing else "")
        )
    ranks = rank_distribution(nominal, draws)
    cities = [_ranked_city(res, ranks[k], nominal[k], draws[k]) for k, res in zip(keys, results, strict=True)]
    cities.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, str(c["city"])))
    return plain(
        {
            "cities": cities,
            "draws": len(draws[keys[0]]),
            "noise": settings.weight_noise,
            "seed": settings.seed,
            "method": method,
            "respondents_resampled": resampled,
        }
    )


def _nominal(res: Mapping[str, Any]) -> float | None:
    """The unrounded index of a result (its published score when it carries no Monte Carlo)."""
    uncertainty = res.get("uncertainty") or {}
    value = uncertainty.get("nominal", res["scri"].get("score"))
    return None if value is None else float(value)


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


def _ranked_city(res: Mapping[str, Any], r: Mapping[str, Any], nominal: float | None, draws: np.ndarray) -> RankedCity:
    finite = draws[np.isfinite(draws)]
    return {
        "round": res.get("round"),
        "city": res.get("city"),
        "score": rounded(res["scri"].get("score")),
        "level": res["scri"]["level"],
        "coverage": res["scri"].get("coverage"),
        "rank": r["rank"],
        "nominal": rounded(nominal, 6),
        "median": rounded(np.median(finite)) if len(finite) else None,
        "p05": rounded(np.percentile(finite, 5)) if len(finite) else None,
        "p95": rounded(np.percentile(finite, 95)) if len(finite) else None,
        "modal_rank": r["modal_rank"],
        "rank_stability": rounded(r["rank_stability"], 3),
        "rank_min": r["rank_min"],
        "rank_max": r["rank_max"],
        "rank_probabilities": {k: rounded(v, 3) for k, v in r["rank_probabilities"].items()},
    }
