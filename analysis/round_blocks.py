"""The blocks of a round's result (:class:`analysis.result.RoundResult`), each from the computed parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import GROUPS, IMPORTED_SOURCES

from .errors import AnalysisError, quote_some
from .group_scores import group_item_scores
from .prepare import PreparedSurvey
from .result import rounded, rounded_pair
from .scri import FrameworkSpec, level_of
from .stats import ALPHA_FLAGS, alpha_flag, effective_n
from .suppression import item_cells_shown

_r, _pair = rounded, rounded_pair


def groups_block(
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


def construct_cell(row: pd.Series) -> dict[str, Any]:
    if row["suppressed"]:
        return {"suppressed": True, "n": int(row["n"])}
    cell: dict[str, Any] = {
        "score": _r(row["score"]),
        "ci95": _pair(row["ci_low"], row["ci_high"]),
        "n": int(row["n"]),
        "n_effective": _r(row["n_effective"], 1),
        "alpha": _r(row["alpha"], 3),
        "alpha_flag": alpha_flag(row["alpha"]),
    }
    reasons = {k: v for k, v in dict(row["reasons"]).items() if cell.get(k) is None}
    if reasons:
        cell["missing"] = reasons
    return cell


def items_block(prepared: PreparedSurvey, table: pd.DataFrame, k_min: int, confidence: float) -> dict[str, Any]:
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
            elif cell["ci95"] is None and row["ci_reason"]:
                cell["missing"] = {"ci95": row["ci_reason"]}
        else:
            cell = {"construct": row["construct"], "suppressed": True, "n": int(row["n"])}
        out.setdefault(item, {})[group] = cell
    return out


def change_block(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
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


def scri_block(
    spec: FrameworkSpec, index: Mapping[str, Any], method: str, uncertainty: Mapping[str, Any]
) -> dict[str, Any]:
    """The headline: score and level under the framework's rule for missing data, the re-weighted score
    beside it, what is missing, and how sure the level is (from the Monte Carlo)."""
    score = _r(index["score"])
    level = level_of(score, spec.levels)  # of the published score, so a reader never sees "40.0, low"
    block: dict[str, Any] = {
        "score": score,
        "level": level,
        "coverage": _r(index["coverage"], 3),
        "method": method,
        "missing_rule": index["missing_rule"],
        "reweighted_score": _r(index["reweighted_score"]),
        "missing_indicators": list(index["missing_indicators"]),
        "provisional": bool(index["provisional"]),
        "insufficient_dimensions": [c for c, d in index["dimensions"].items() if d["insufficient"]],
        "level_probability": (uncertainty.get("levels") or {}).get(level) if level else None,
        "borderline": uncertainty.get("borderline"),
    }
    if score is None:
        block["missing"] = (
            f"dimensions with data carry {index['dimension_share'] * 100:.1f} % of the weight "
            f"(at least {spec.min_coverage * 100:.1f} % needed)"
        )
    return block


def dimensions_block(spec: FrameworkSpec, index: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    dims = {}
    for code, d in index["dimensions"].items():
        entry = {"score": _r(d["score"]), "weight": _r(d["weight"], 4), "coverage": _r(d["coverage"], 3)}
        entry["level"] = level_of(entry["score"], spec.levels)
        entry["reweighted_score"] = _r(d["reweighted_score"])
        entry["insufficient_data"] = bool(d["insufficient"])
        if entry["score"] is None:
            entry["missing"] = (
                f"indicators with data carry {d['coverage'] * 100:.1f} % of the dimension's weight "
                f"(at least {spec.min_coverage * 100:.1f} % needed)"
            )
        entry["label"] = spec.dimensions.at[code, "label"]
        dims[code] = entry
    return dims


def indicators_block(spec: FrameworkSpec, values: pd.DataFrame, index: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every indicator's raw value and normalised score; a missing city-supplied one says what it counts as."""
    normalised, counted = index["normalised"], index["counted"]
    inds = {}
    for code, row in spec.indicators.iterrows():
        value = values.at[code, "value"]
        entry = {
            "dimension": row["dimension"],
            "source": row["source"],
            "value": _r(value, 4),
            "score": _r(normalised[code], 2),
            "weight": _r(row["weight"], 4),
        }
        if row["source"] in IMPORTED_SOURCES and pd.notna(values.at[code, "year"]):
            entry["year"] = int(values.at[code, "year"])
        if entry["value"] is None:
            entry["missing"] = values.at[code, "missing"]
            if not np.isnan(counted[code]):
                entry["counted_as"] = _r(counted[code], 2)
        inds[code] = entry
    return inds


def constructs_block(spec: FrameworkSpec, prepared: PreparedSurvey, table: pd.DataFrame) -> dict[str, Any]:
    """Every group's cell of every construct asked, the framework's constructs first."""
    order = [c for c in spec.constructs if c in prepared.constructs] + [
        c for c in prepared.constructs if c not in spec.constructs
    ]
    constructs: dict[str, dict[str, Any]] = {}
    for construct in order:
        cells = table.xs(construct, level="construct")
        constructs[construct] = {g: construct_cell(cells.loc[g]) for g in GROUPS if g in cells.index}
    return constructs


def _caution(flags: Mapping[str, str]) -> str | None:
    """The worst α flag among the groups' (None when every α used is acceptable)."""
    order = [flag for flag, _ in ALPHA_FLAGS]
    return min(flags.values(), key=order.index) if flags else None


def pooled_block(
    spec: FrameworkSpec, pooled: pd.DataFrame, reasons: Mapping[str, str], table: pd.DataFrame
) -> dict[str, Any]:
    """Each framework construct over the unsuppressed groups, naming the groups used and left out, with the
    α flags of the groups used (``caution``: the worst of them)."""
    out = {}
    for construct in spec.constructs:
        if construct in pooled.index:
            row = pooled.loc[construct]
            entry = {
                "score": _r(row["score"]),
                "n": int(row["n"]),
                "groups": list(row["groups"]),
                "excluded": list(row["excluded"]),
            }
            flags = {g: alpha_flag(table.at[(construct, g), "alpha"]) for g in entry["groups"]}
            entry["alpha_flags"] = {g: f for g, f in flags.items() if f}
            entry["caution"] = _caution(entry["alpha_flags"])
            if row["missing"]:
                entry["missing"] = row["missing"]
        else:
            entry = {
                "score": None,
                "n": 0,
                "groups": [],
                "excluded": [],
                "alpha_flags": {},
                "caution": None,
                "missing": reasons[construct],
            }
        out[construct] = entry
    return out


def subscore_details_block(
    spec: FrameworkSpec,
    subs: Mapping[str, Mapping[str, np.ndarray]],
    boot_subs: Mapping[str, tuple[float, float] | None],
    network_score: float,
    pooled_values: Mapping[str, float],
) -> dict[str, Any]:
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
                    "network_score": _r(network_score, 1),
                    "survey_score": _r(pooled_values.get(blend["construct"]), 1),
                }
    return details


def network_block(network: Mapping[str, Any], network_score: float) -> dict[str, Any]:
    block = {
        "density": _r(network["density"], 3),
        "ei_index": _r(network["ei_index"], 3),
        "ei_expected": _r(network["ei_expected"], 3),
        "ei_score": _r(network["ei_score"], 1),
        "sector_reach": _r(network["sector_reach"], 1),
        "sectors_crossing": network["sectors_crossing"],
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
        "coordination_score": _r(network_score, 1),
    }
    if network.get("missing"):
        block["missing"] = network["missing"]
    block["graph"] = network["graph"]
    block["isolated_sectors"] = network["sectors_without_ties"]
    return block


def sensitivity_block(uncertainty: Mapping[str, Any], geometric: float | None) -> dict[str, Any]:
    """The 5–95 % range and median of the Monte Carlo (§8) under the names readers of the JSON know."""
    block = {
        "score_p05": uncertainty["p05"],
        "score_p95": uncertainty["p95"],
        "score_median": uncertainty["median"],
        "draws": uncertainty["draws"],
        "noise": uncertainty["weight_noise"],
        "seed": uncertainty["seed"],
        "missing_share": uncertainty["missing_share"],
        "geometric_score": _r(geometric),
    }
    if uncertainty["p05"] is None:
        block["missing"] = "the index is missing in every draw"
    return block


def framework_block(spec: FrameworkSpec, method: str) -> dict[str, Any]:
    return {
        "code": spec.code,
        "version": spec.version,
        "method": method,
        "min_coverage": _r(spec.min_coverage, 4),
        "missing": spec.missing_rule,
    }
