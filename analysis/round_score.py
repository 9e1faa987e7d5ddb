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
- ``scri``, ``dimensions``, ``indicators``: the index, its dimensions and indicators with coverage;
- ``sensitivity``: Monte Carlo over the weights (median, 5–95 %), the geometric-mean variant;
  ``bootstrap``: respondents resampled within groups (percentile intervals of sub-scores, pooled constructs
  and the index);
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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError, quote_some
from .network import build_network, network_measures
from .scoring import (
    GROUPS,
    PreparedSurvey,
    check_responses,
    group_construct_scores,
    group_item_scores,
    prepare_survey,
)
from .scri import (
    DEFAULT_DRAWS,
    DEFAULT_NOISE,
    DEFAULT_SEED,
    FrameworkSpec,
    _index_core,
    compute_index,
    framework_spec,
    indicator_values,
    level_of,
    monte_carlo,
    normalise,
)
from .stats import effective_n
from .suppression import (
    DEFAULT_K_MIN,
    check_k_min,
    group_weight_vector,
    item_cells_shown,
    mark_suppressed,
    pooled_scores,
)
from .weighting import DEFAULT_CAP, rake

__all__ = ["rank_cities", "score_cities", "score_round", "score_round_frames"]

DEFAULT_BOOT = 200
#: Share of bootstrap draws that must give a value for an interval to be shown.
MIN_BOOT_SHARE = 0.9
#: Largest number of bootstrap weights held at once (draws × respondents of a group).
BOOT_CHUNK_CELLS = 4_000_000


# --------------------------------------------------------------------------------------------- helpers


def _r(value: Any, decimals: int = 1) -> float | None:
    """A rounded plain float, or None for a missing value."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise AnalysisError("an infinite value reached the output")
    return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


def _pair(low: Any, high: Any, decimals: int = 1) -> list[float] | None:
    low, high = _r(low, decimals), _r(high, decimals)
    return None if low is None or high is None else [low, high]


def _plain(obj: Any, where: str = "result") -> Any:
    """Plain Python types only (JSON-ready); a NaN or infinity is a bug and raises."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(obj)]
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


def _percentiles(draws: np.ndarray, low: float = 2.5, high: float = 97.5) -> tuple[float, float] | None:
    finite = draws[np.isfinite(draws)]
    if len(draws) == 0 or len(finite) < MIN_BOOT_SHARE * len(draws):
        return None
    return float(np.percentile(finite, low)), float(np.percentile(finite, high))


# --------------------------------------------------------------------------------------------- weights


def _weights(
    frame: pd.DataFrame, margins: Mapping | None, group: str, cap: float | None, strict: bool = False
) -> tuple[pd.Series | None, dict[str, Any]]:
    """Start weights (``weight`` column or 1) and, with margins, the raked weights of ``group``.

    Respondents of ``group`` whose category of a raking variable is missing or absent from the margins (for
    example "prefer not to say") are not raked and keep the mean raked weight; they are counted in
    ``unraked``. When the margins cannot be met (a category without respondents), the group stays unraked
    and ``missing.raking`` says why; with ``strict`` both cases raise instead.
    """
    if "weight" in frame.columns:
        weights = pd.to_numeric(frame["weight"], errors="coerce")
        bad = weights.isna() | ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            raise AnalysisError(
                f"response(s) {quote_some(frame.index[bad.to_numpy()])} have a missing, negative or infinite weight"
            )
        info: dict[str, Any] = {"method": "given"}
    else:
        weights = pd.Series(1.0, index=frame.index)
        info = {"method": "none"}
    given = weights if info["method"] == "given" else None
    if not margins:
        return given, info
    if group not in GROUPS:
        raise AnalysisError(f"the raking group {group!r} is not one of {', '.join(GROUPS)}")
    if not isinstance(margins, Mapping):
        raise AnalysisError("census margins must be a mapping {variable: {category: share or count}}")
    variables = list(margins)
    missing_columns = [v for v in variables if v not in frame.columns]
    if missing_columns:
        raise AnalysisError(
            f"census margins name {quote_some(missing_columns)}, which `responses` lacks "
            f"(columns: {quote_some(frame.columns)})"
        )
    in_group = (frame["group"] == group).to_numpy()
    known = in_group.copy()
    outside: list[str] = []
    for variable in variables:
        column = frame[variable]
        categories = {str(c) for c in (margins[variable] or {})} if isinstance(margins[variable], Mapping) else set()
        listed = column.notna().to_numpy() & column.astype(str).isin(categories).to_numpy()
        odd = in_group & column.notna().to_numpy() & ~listed
        if odd.any():
            found = column[odd].astype(str).value_counts()
            outside += [f"{variable} {value!r} ({count})" for value, count in found.items()]
        known &= listed
    if strict:
        known = in_group & frame[variables].notna().all(axis=1).to_numpy()
    base = {
        "group": group,
        "variables": variables,
        "cap": cap,
        "raked": int(known.sum()),
        "unraked": int((in_group & ~known).sum()),
    }
    if not known.any():
        reason = f"no respondent of {group} gave a category of {' and '.join(variables)} found in the margins"
        return given, {**info, **base, "missing": {"raking": f"{reason}; not raked"}}
    try:
        result = rake(frame.loc[known, variables], margins, weights[known].to_numpy(), cap=cap)
    except AnalysisError as exc:
        if strict:
            raise AnalysisError(f"weighting {group}: {exc}") from None
        return given, {**info, **base, "raked": 0, "missing": {"raking": f"not raked: {exc}"}}
    info = {"method": "raking", **base}
    raked = weights.copy()
    raked.loc[result.weights.index] = result.weights.to_numpy() / result.weights.mean()  # mean raked weight 1
    raked.loc[frame.index[in_group & ~known]] = 1.0  # unraked respondents keep the mean raked weight
    info.update(result.summary())
    info["n_effective"] = _r(effective_n(raked[in_group].to_numpy()), 1)
    info["deff"] = _r(len(raked[in_group]) / effective_n(raked[in_group].to_numpy()), 3)
    missing = {}
    if outside:
        missing["categories"] = "not in the census margins, so not raked (they keep the mean weight): " + ", ".join(
            outside
        )
    if not result.converged:
        missing["convergence"] = (
            "the margins and the weight cap could not both be met; the margins hold and some weights exceed the cap"
        )
    if missing:
        info["missing"] = missing
    return raked, info


# --------------------------------------------------------------------------------------------- network


def _network(ties: pd.DataFrame | None, actors: pd.DataFrame | None) -> dict[str, Any]:
    if actors is None or len(actors) == 0:
        if ties is not None and len(ties):
            raise AnalysisError("`ties` were given without `actors`; every actor that could be named is needed")
        return {
            "nodes": 0,
            "edges": 0,
            "density": None,
            "ei_index": None,
            "degree": {},
            "betweenness": {},
            "sectors": [],
            "sectors_without_ties": [],
            "isolates": [],
            "ties_reported": 0,
            "external_ties": 0,
            "internal_ties": 0,
            "missing": {"density": "the round has no ties question", "ei_index": "the round has no ties question"},
        }
    measures = network_measures(build_network(ties, actors))
    if measures["ties_reported"] == 0:
        measures["density"] = None
        measures["ei_index"] = None
        measures["missing"] = {
            "density": "no ties reported in this round",
            "ei_index": "no ties reported in this round",
        }
    return measures


def _network_part(spec: FrameworkSpec, measures: Mapping[str, Any]) -> float:
    """Mean of the normalised network indicators of the blend (NaN when none is present)."""
    blend = spec.network_blend
    if not blend:
        return math.nan
    values = []
    for code in blend["indicators"]:
        row = spec.indicators.loc[code]
        value = measures.get(row["measure"])
        if value is not None:
            values.append(normalise(value, row["best"], row["worst"]))
    return float(np.mean(values)) if values else math.nan


# --------------------------------------------------------------------------------------------- sub-scores


def _subscores(
    spec: FrameworkSpec, pooled: Mapping[str, np.ndarray], network_part: float
) -> dict[str, dict[str, np.ndarray]]:
    """Sub-scores from pooled construct values (arrays of draws; NaN missing), with the network blend."""
    blend = spec.network_blend or {}
    share = float(blend.get("share", 0.0))
    out = {}
    for code, constructs in spec.subscores:
        parts = []
        for construct in constructs:
            survey = np.asarray(pooled.get(construct, np.array([math.nan])), dtype=float)
            if construct == blend.get("construct") and not math.isnan(network_part):
                survey = np.where(np.isnan(survey), network_part, (1 - share) * survey + share * network_part)
            parts.append(survey)
        stacked = np.vstack(np.broadcast_arrays(*parts))  # (constructs, draws)
        present = ~np.isnan(stacked)
        coverage = present.mean(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(
                present.any(axis=0), np.where(present, stacked, 0).sum(axis=0) / present.sum(axis=0), np.nan
            )
        score = np.where(coverage >= spec.min_coverage - 1e-9, mean, np.nan)
        out[code] = {"score": score, "coverage": coverage, "parts": dict(zip(constructs, parts, strict=True))}
    return out


# --------------------------------------------------------------------------------------------- bootstrap


def _bootstrap_pooled(
    prepared: PreparedSurvey,
    table: pd.DataFrame,
    group_weights: Mapping[str, float] | None,
    n_boot: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Bootstrap draws (n_boot,) of every pooled construct: respondents resampled within each group.

    Only unsuppressed cells take part (as in the point estimate). Weights are kept, not re-raked.
    """
    p = prepared
    K = len(p.constructs)
    G = len(p.group_names)
    shown = np.zeros((G, K), dtype=bool)
    for (construct, group), suppressed in table["suppressed"].items():
        if not suppressed:
            shown[p.group_names.index(group), p.constructs.index(construct)] = True
    means = np.full((n_boot, G, K), np.nan)
    for g, group in enumerate(p.group_names):
        cols = np.flatnonzero(shown[g])
        if not len(cols):
            continue
        rows = np.flatnonzero(p.group_codes == g)
        n_g = len(rows)
        values = p.construct_scores[np.ix_(rows, cols)]
        mask = (~np.isnan(values)).astype(float)
        filled = np.where(mask > 0, values, 0.0)
        w = p.weights[rows]
        rng = np.random.default_rng([seed, GROUPS.index(group)])
        chunk = max(1, min(n_boot, BOOT_CHUNK_CELLS // max(n_g, 1)))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            picks = rng.integers(0, n_g, size=(b, n_g)) + (np.arange(b) * n_g)[:, None]
            counts = np.bincount(picks.ravel(), minlength=b * n_g).reshape(b, n_g) * w[None, :]
            num = counts @ filled
            den = counts @ mask
            with np.errstate(invalid="ignore", divide="ignore"):
                means[start : start + b, g, cols] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    gw = group_weight_vector(list(p.group_names), group_weights)
    out = {}
    for k, construct in enumerate(p.constructs):
        m = means[:, :, k]
        use = ~np.isnan(m) & (gw[None, :] > 0)
        den = (use * gw[None, :]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[construct] = np.where(
                den > 0, (np.where(use, m, 0.0) * gw[None, :]).sum(axis=1) / np.where(den > 0, den, 1.0), np.nan
            )
    return out


def _bootstrap_block(
    spec: FrameworkSpec,
    prepared: PreparedSurvey,
    table: pd.DataFrame,
    group_weights: Mapping[str, float] | None,
    normalised: pd.Series,
    network_part: float,
    method: str,
    scri_score: float | None,
    point_subscores: Mapping[str, float | None],
    n_boot: int,
    seed: int,
) -> tuple[dict[str, Any], dict[str, tuple[float, float] | None]]:
    """Percentile intervals (2.5–97.5 %) of the pooled constructs, sub-scores and SCRI over bootstrap draws.

    Only the survey part varies; infrastructure values, the network and the weights stay fixed.
    """
    block: dict[str, Any] = {"draws": n_boot, "seed": seed}
    if n_boot == 0:
        block["missing"] = "no bootstrap draws requested"
        return block, {}
    unstable = f"fewer than {MIN_BOOT_SHARE:.0%} of the draws give a value"
    missing: dict[str, str] = {}
    draws = _bootstrap_pooled(prepared, table, group_weights, n_boot, seed)
    constructs = {}
    for construct, values in draws.items():
        interval = _percentiles(values)
        constructs[construct] = _pair(*interval) if interval else None
        if interval is None:
            missing[f"constructs.{construct}"] = unstable
    block["constructs"] = constructs
    subs = {code: _percentiles(s["score"]) for code, s in _subscores(spec, draws, network_part).items()}
    block["subscores"] = {code: (_pair(*v) if v else None) for code, v in subs.items()}
    for code, v in subs.items():
        if v is None:
            missing[f"subscores.{code}"] = "the sub-score is missing" if point_subscores.get(code) is None else unstable
    x = np.repeat(normalised.to_numpy()[None, :], n_boot, axis=0)
    for j in np.flatnonzero((spec.indicators["source"] == "survey").to_numpy()):
        row = spec.indicators.iloc[j]
        if row["construct"] in draws and not math.isnan(normalised.iloc[j]):
            x[:, j] = normalise(draws[row["construct"]], row["best"], row["worst"])
    scores = _index_core(
        x,
        spec.indicators["weight"].to_numpy()[None, :],
        spec.dimensions["weight"].to_numpy()[None, :],
        spec.membership,
        method,
        spec.min_coverage,
    )["score"][0]
    interval = _percentiles(scores) if scri_score is not None else None
    block["scri_ci95"] = _pair(*interval) if interval else None
    if interval is None:
        missing["scri_ci95"] = "the index is missing" if scri_score is None else unstable
    if missing:
        block["missing"] = missing
    return block, subs


# --------------------------------------------------------------------------------------------- the round


def _groups_block(
    frame: pd.DataFrame,
    weights: np.ndarray,
    targets: Mapping[str, int] | None,
    counts: Mapping[str, Any] | None,
    k_min: int,
) -> dict[str, dict[str, Any]]:
    targets = dict(targets or {})
    counts = dict(counts or {})
    names = [g for g in GROUPS if g in targets or g in counts or (frame["group"] == g).any()]
    unknown = [g for g in list(targets) + list(counts) if g not in GROUPS]
    if unknown:
        raise AnalysisError(f"targets or counts name unknown group(s) {quote_some(unknown)}")
    groups = frame["group"].to_numpy()
    out = {}
    for g in names:
        in_group = groups == g
        n = int(in_group.sum())
        given = counts.get(g)
        if isinstance(given, Mapping):
            completed = given.get("complete", given.get("completed", n))
            partial = given.get("partial")
        elif given is None:
            completed, partial = n, None
        else:
            completed, partial = given, None
        target = targets.get(g)
        for name, value in (("completed", completed), ("partial", partial), ("target", target)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0):
                raise AnalysisError(f"group {g!r}: {name} must be a whole number of 0 or more, not {value!r}")
        entry: dict[str, Any] = {
            "n": n,
            "n_effective": _r(effective_n(weights[in_group]), 1) if n else 0.0,
            "completed": int(completed),
            "target": None if target is None else int(target),
        }
        if partial is not None:
            entry["partial"] = int(partial)
        if target:
            entry["target_share"] = _r(int(completed) / int(target), 3)
        entry["suppressed"] = n < k_min
        if target is None:
            entry["missing"] = {"target": "no target set for this group"}
        out[g] = entry
    return out


def _construct_cell(row: pd.Series) -> dict[str, Any]:
    if row["suppressed"]:
        return {"suppressed": True, "n": int(row["n"])}
    cell: dict[str, Any] = {
        "score": _r(row["score"]),
        "ci95": _pair(row["ci_low"], row["ci_high"]),
        "n": int(row["n"]),
        "n_effective": _r(row["n_effective"], 1),
        "alpha": _r(row["alpha"], 3),
    }
    reasons = {k: v for k, v in dict(row["reasons"]).items() if cell.get(k) is None}
    if reasons:
        cell["missing"] = reasons
    return cell


def score_round(
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
    n_draws: int = DEFAULT_DRAWS,
    noise: float = DEFAULT_NOISE,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
    item_details: bool = True,
) -> dict[str, Any]:
    """Score one round of one city: the ``scri score --format json`` document.

    Parameters
    ----------
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
        Monte Carlo draws over the weights, their noise (±25 %), bootstrap draws (0: none), seed.
    confidence
        Coverage of the intervals.
    item_details
        Include item-level cells (``items``).

    Returns
    -------
    dict
        JSON-ready: ``round``, ``city``, ``scri``, ``dimensions``, ``indicators``, ``groups``, ``weighting``,
        ``constructs``, ``pooled``, ``items``, ``subscores``, ``subscore_details``, ``network``,
        ``sensitivity``, ``bootstrap``, ``framework``, ``k_min`` and, with ``previous``, ``change``.

    Raises
    ------
    AnalysisError
        No responses, an item of a construct the framework does not know, an answer outside 1..k, a negative
        weight, an indicator outside its valid range, an unknown actor or group; the message names it.

    Examples
    --------
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
    >>> result["scri"]["score"] is None, result["scri"]["missing"]
    (True, 'dimensions with data carry 0.0 % of the weight (at least 66.7 % needed)')
    """
    spec = framework_spec(framework)
    k_min = check_k_min(k_min)
    if method is not None and method not in ("arithmetic", "geometric"):
        raise AnalysisError(f"aggregation method {method!r} is not 'arithmetic' or 'geometric'")
    method = method or spec.method
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise AnalysisError(f"the number of bootstrap draws must be a whole number of 0 or more, not {n_boot!r}")
    frame = check_responses(responses)
    weights, weighting = _weights(frame, census_margins, raking_group, weight_cap, strict_weighting)
    prepared = prepare_survey(frame, answers, items, weights=weights, known_constructs=spec.constructs)

    table = mark_suppressed(group_construct_scores(prepared, confidence), k_min)
    pooled = pooled_scores(table, group_weights)
    pooled_values = {c: float(v) for c, v in pooled["score"].items()}
    construct_reasons = {c: m for c, m in pooled["missing"].items() if m}
    for construct in spec.constructs:
        if construct not in pooled_values:
            construct_reasons.setdefault(construct, "the construct is not asked in this round")

    network = _network(ties, actors)
    network_part = _network_part(spec, network)
    subs = _subscores(spec, {c: np.array([v]) for c, v in pooled_values.items()}, network_part)

    values = indicator_values(
        spec,
        indicators,
        constructs=pooled_values,
        network={"density": network["density"], "ei_index": network["ei_index"]},
        reasons={**construct_reasons, **network.get("missing", {})},
    )
    index = compute_index(spec, values["value"], method=method)
    geometric = compute_index(spec, values["value"], method="geometric") if method != "geometric" else index
    key = round_slug or city or "round"
    scri_score = _r(index["score"])
    mc = monte_carlo(
        spec,
        pd.DataFrame([index["normalised"]], index=[key]),
        n_draws=n_draws,
        noise=noise,
        seed=seed,
        method=method,
        nominal={key: scri_score},
    )[key]

    result: dict[str, Any] = {"round": round_slug, "city": city}
    scri_block: dict[str, Any] = {
        "score": scri_score,
        "level": level_of(scri_score, spec.levels),
        "coverage": _r(index["coverage"], 3),
        "method": method,
    }
    if scri_score is None:
        scri_block["missing"] = (
            f"dimensions with data carry {index['dimension_share'] * 100:.1f} % of the weight "
            f"(at least {spec.min_coverage * 100:.1f} % needed)"
        )
    result["scri"] = scri_block

    dims = {}
    for code, d in index["dimensions"].items():
        entry = {"score": _r(d["score"]), "weight": _r(d["weight"], 4), "coverage": _r(d["coverage"], 3)}
        entry["level"] = level_of(entry["score"], spec.levels)
        if entry["score"] is None:
            entry["missing"] = (
                f"indicators with data carry {d['coverage'] * 100:.1f} % of the dimension's weight "
                f"(at least {spec.min_coverage * 100:.1f} % needed)"
            )
        dims[code] = entry
    result["dimensions"] = dims

    inds = {}
    for code, row in spec.indicators.iterrows():
        value = values.at[code, "value"]
        entry = {
            "dimension": row["dimension"],
            "source": row["source"],
            "value": _r(value, 4),
            "score": _r(index["normalised"][code], 2),
            "weight": _r(row["weight"], 4),
        }
        if row["source"] in ("infrastructure", "yesno") and pd.notna(values.at[code, "year"]):
            entry["year"] = int(values.at[code, "year"])
        if entry["value"] is None:
            entry["missing"] = values.at[code, "missing"]
        inds[code] = entry
    result["indicators"] = inds

    result["groups"] = _groups_block(frame, prepared.weights, targets, counts, k_min)
    result["weighting"] = weighting

    constructs: dict[str, dict[str, Any]] = {}
    order = [c for c in spec.constructs if c in prepared.constructs] + [
        c for c in prepared.constructs if c not in spec.constructs
    ]
    for construct in order:
        cells = table.xs(construct, level="construct")
        constructs[construct] = {g: _construct_cell(cells.loc[g]) for g in GROUPS if g in cells.index}
    result["constructs"] = constructs

    pooled_block = {}
    for construct in spec.constructs:
        if construct in pooled.index:
            row = pooled.loc[construct]
            entry = {
                "score": _r(row["score"]),
                "n": int(row["n"]),
                "groups": list(row["groups"]),
                "excluded": list(row["excluded"]),
            }
            if row["missing"]:
                entry["missing"] = row["missing"]
        else:
            entry = {"score": None, "n": 0, "groups": [], "excluded": [], "missing": construct_reasons[construct]}
        pooled_block[construct] = entry
    result["pooled"] = pooled_block

    if item_details:
        result["items"] = _items_block(prepared, table, k_min, confidence)

    result["bootstrap"], boot_subs = _bootstrap_block(
        spec,
        prepared,
        table,
        group_weights,
        index["normalised"],
        network_part,
        method,
        scri_score,
        {code: _r(sub["score"][0]) for code, sub in subs.items()},
        n_boot,
        seed,
    )

    result["subscores"] = {code: _r(s["score"][0]) for code, s in subs.items()}
    details = {}
    for code, s in subs.items():
        entry = {
            "score": _r(s["score"][0]),
            "coverage": _r(s["coverage"][0], 3),
            "constructs": {c: _r(v[0]) for c, v in s["parts"].items()},
            "ci95": _pair(*boot_subs[code]) if boot_subs.get(code) else None,
        }
        if entry["score"] is None:
            entry["missing"] = (
                f"constructs with a score make up {s['coverage'][0] * 100:.1f} % "
                f"(at least {spec.min_coverage * 100:.1f} % needed)"
            )
        details[code] = entry
    blend = spec.network_blend
    if blend:
        for code, constructs_of in spec.subscores:
            if blend["construct"] in constructs_of:
                details[code]["network_blend"] = {
                    "construct": blend["construct"],
                    "share": _r(blend["share"], 3),
                    "network_score": _r(network_part, 1),
                    "survey_score": _r(pooled_values.get(blend["construct"]), 1),
                }
    result["subscore_details"] = details

    result["network"] = {
        "density": _r(network["density"], 3),
        "ei_index": _r(network["ei_index"], 3),
        "nodes": network["nodes"],
        "edges": network["edges"],
        "external_ties": network["external_ties"],
        "internal_ties": network["internal_ties"],
        "ties_reported": network["ties_reported"],
        "degree": {a: _r(v, 3) for a, v in network["degree"].items()},
        "betweenness": {a: _r(v, 3) for a, v in network["betweenness"].items()},
        "sectors": network["sectors"],
        "sectors_without_ties": network["sectors_without_ties"],
        "isolates": network["isolates"],
        "coordination_score": _r(network_part, 1),
    }
    if network.get("missing"):
        result["network"]["missing"] = network["missing"]

    sensitivity = {
        "score_p05": _r(mc["p05"]),
        "score_p95": _r(mc["p95"]),
        "score_median": _r(mc["median"]),
        "draws": n_draws,
        "noise": noise,
        "seed": seed,
        "missing_share": _r(mc["missing_share"], 3),
        "geometric_score": _r(geometric["score"]),
    }
    if mc["p05"] is None:
        sensitivity["missing"] = "the index is missing in every draw"
    result["sensitivity"] = sensitivity

    if previous is not None:
        result["change"] = _change(result, previous)
    result["framework"] = {
        "code": spec.code,
        "version": spec.version,
        "method": method,
        "min_coverage": _r(spec.min_coverage, 4),
    }
    result["k_min"] = k_min
    return _plain(result)


def _items_block(prepared: PreparedSurvey, table: pd.DataFrame, k_min: int, confidence: float) -> dict[str, Any]:
    items = group_item_scores(prepared, confidence)
    shown = item_cells_shown(items, table, k_min)
    out: dict[str, dict[str, Any]] = {}
    for (item, group), row in items.iterrows():
        if shown[(item, group)]:
            cell = {
                "construct": row["construct"],
                "kind": row["kind"],
                "score": _r(row["score"]),
                "ci95": _pair(row["ci_low"], row["ci_high"]),
                "n": int(row["n"]),
            }
            if cell["score"] is None:
                cell["missing"] = {"score": "nobody answered"}
        else:
            cell = {"construct": row["construct"], "suppressed": True, "n": int(row["n"])}
        out.setdefault(item, {})[group] = cell
    return out


def _change(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """Differences (current − previous) of the index, dimensions and sub-scores; None where one side lacks it."""
    if not isinstance(previous, Mapping):
        raise AnalysisError("`previous` must be the result dict of an earlier round")

    def diff(a: Any, b: Any) -> float | None:
        return None if a is None or b is None else _r(float(a) - float(b))

    prev_scri = (previous.get("scri") or {}).get("score")
    prev_dims = previous.get("dimensions") or {}
    prev_subs = previous.get("subscores") or {}
    return {
        "previous_round": previous.get("round"),
        "scri": diff(current["scri"]["score"], prev_scri),
        "dimensions": {
            d: diff(v["score"], (prev_dims.get(d) or {}).get("score")) for d, v in current["dimensions"].items()
        },
        "subscores": {k: diff(v, prev_subs.get(k)) for k, v in current["subscores"].items()},
    }


def score_round_frames(frames: Any, framework: Any, **options: Any) -> dict[str, Any]:
    """:func:`score_round` on an object carrying the frames as attributes (``round``, ``city``, ``responses``,
    ``answers``, ``items``, ``ties``, ``actors``, ``indicators``, ``targets``, ``counts``, ``census_margins``)."""
    kwargs = {
        name: getattr(frames, name, None)
        for name in ("ties", "actors", "indicators", "targets", "counts", "census_margins")
    }
    kwargs.update(options)
    return score_round(
        frames.responses,
        frames.answers,
        frames.items,
        framework,
        round_slug=getattr(frames, "round", "") or "",
        city=getattr(frames, "city", "") or "",
        **kwargs,
    )


# --------------------------------------------------------------------------------------------- several cities


def rank_cities(
    results: Sequence[Mapping[str, Any]],
    framework: Any,
    *,
    n_draws: int = DEFAULT_DRAWS,
    noise: float = DEFAULT_NOISE,
    seed: int = DEFAULT_SEED,
    method: str | None = None,
) -> dict[str, Any]:
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
    cities = []
    for key, res in zip(keys, results, strict=True):
        m = mc[key]
        score = res["scri"].get("score")
        cities.append(
            {
                "round": res.get("round"),
                "city": res.get("city"),
                "score": _r(score),
                "level": res["scri"].get("level") or level_of(_r(score), spec.levels),
                "coverage": res["scri"].get("coverage"),
                "rank": m["rank"],
                "median": _r(m["median"]),
                "p05": _r(m["p05"]),
                "p95": _r(m["p95"]),
                "rank_stability": _r(m["rank_stability"], 3),
                "rank_min": m["rank_min"],
                "rank_max": m["rank_max"],
                "rank_probabilities": {str(k): _r(v, 3) for k, v in m["rank_shares"].items()},
            }
        )
    cities.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, str(c["city"])))
    return _plain({"cities": cities, "draws": n_draws, "noise": noise, "seed": seed, "method": method})


def score_cities(rounds: Iterable[Mapping[str, Any]], framework: Any, **options: Any) -> dict[str, Any]:
    """Score several rounds (one mapping of :func:`score_round` arguments each) and rank them together.

    Options shared by every round (``k_min``, ``seed``, ``n_draws``, ``noise``, ``method``, ...) are given once;
    a round's own mapping wins. Returns ``{"rounds": [results], "ranking": rank_cities(...)}``, each result
    also carrying its ``rank``.
    """
    results = []
    for i, args in enumerate(rounds):
        if not isinstance(args, Mapping):
            raise AnalysisError(f"round {i + 1} must be a mapping of score_round arguments")
        merged = {**options, **args}
        try:
            responses, answers, items = merged.pop("responses"), merged.pop("answers"), merged.pop("items")
        except KeyError as exc:
            raise AnalysisError(f"round {i + 1} lacks {exc.args[0]!r}") from None
        results.append(score_round(responses, answers, items, framework, **merged))
    rank_options = {k: options[k] for k in ("n_draws", "noise", "seed", "method") if k in options}
    ranking = rank_cities(results, framework, **rank_options)
    ranks = {(c["round"], c["city"]): c["rank"] for c in ranking["cities"]}
    for res in results:
        res["rank"] = ranks.get((res.get("round"), res.get("city")))
    return {"rounds": results, "ranking": ranking}
