"""Sub-scores of a round (methodology §3–4): the network measures, their blend into intersectoral
coordination, and the mean of each sub-score's pooled constructs, on one value or on arrays of draws."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import NETWORK_MEASURES

from .errors import AnalysisError
from .network import build_network, graph_view, network_measures
from .scri import FrameworkSpec, normalise

__all__ = ["network_part", "round_network", "subscore_draws"]


def round_network(ties: pd.DataFrame | None, actors: pd.DataFrame | None) -> dict[str, Any]:
    """The network measures of a round (None with a reason when there is no ties question or no tie) and its
    graph for drawing."""
    if actors is None or len(actors) == 0:
        if ties is not None and len(ties):
            raise AnalysisError("`ties` were given without `actors`; every actor that could be named is needed")
        return {
            "nodes": 0,
            "edges": 0,
            "density": None,
            "ei_index": None,
            "ei_expected": None,
            "ei_score": None,
            "sector_reach": None,
            "sectors_crossing": [],
            "degree": {},
            "betweenness": {},
            "sectors": [],
            "sectors_without_ties": [],
            "isolates": [],
            "ties_reported": 0,
            "external_ties": 0,
            "internal_ties": 0,
            "missing": {m: "the round has no ties question" for m in NETWORK_MEASURES},
            "graph": {"nodes": [], "edges": []},
        }
    graph = build_network(ties, actors[["code", "sector"]])
    measures = network_measures(graph)
    labels = dict(zip(actors["code"], actors["label"], strict=True)) if "label" in actors.columns else {}
    if measures["ties_reported"] == 0:
        measures.update(dict.fromkeys(NETWORK_MEASURES))
        measures["missing"] = {m: "no ties reported in this round" for m in NETWORK_MEASURES}
    measures["graph"] = graph_view(graph, labels)
    return measures


def network_part(spec: FrameworkSpec, measures: Mapping[str, Any]) -> float:
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


def subscore_draws(
    spec: FrameworkSpec, pooled: Mapping[str, np.ndarray], network_score: float
) -> dict[str, dict[str, np.ndarray]]:
    """Sub-scores from pooled construct values (arrays of draws; NaN missing), with the network blend."""
    blend = spec.network_blend or {}
    share = float(blend.get("share", 0.0))
    out = {}
    for code, constructs in spec.subscores:
        parts = []
        for construct in constructs:
            survey = np.asarray(pooled.get(construct, np.array([math.nan])), dtype=float)
            if construct == blend.get("construct") and not math.isnan(network_score):
                survey = np.where(np.isnan(survey), network_score, (1 - share) * survey + share * network_score)
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
