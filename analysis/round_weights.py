"""Weights of one round's respondents: the design weights given, then raking of one group to census margins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some
from .raking_design import RakingDesign, raking_design
from .result import rounded
from .stats import effective_n
from .weighting import rake

__all__ = ["round_weights", "start_weights"]


def start_weights(frame: pd.DataFrame) -> tuple[pd.Series, dict[str, Any]]:
    """The ``weight`` column (checked: finite and ≥ 0) or 1 for everyone, and the weighting's method."""
    if "weight" not in frame.columns:
        return pd.Series(1.0, index=frame.index), {"method": "none"}
    weights = pd.to_numeric(frame["weight"], errors="coerce")
    bad = weights.isna() | ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        raise AnalysisError(
            f"response(s) {quote_some(frame.index[bad.to_numpy()])} have a missing, negative or infinite weight"
        )
    return weights, {"method": "given"}


def _outside_margins(frame: pd.DataFrame, margins: Mapping, in_group: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    """The group's raking variables with any category the margins do not list set to missing (not stated),
    and those values with their counts."""
    table = frame.loc[in_group, list(margins)].copy()
    outside: list[str] = []
    for variable in margins:
        categories = {str(c) for c in (margins[variable] or {})} if isinstance(margins[variable], Mapping) else set()
        column = table[variable]
        odd = column.notna() & ~column.astype(str).isin(categories)
        if odd.any():
            outside += [
                f"{variable} {value!r} ({count})" for value, count in column[odd].astype(str).value_counts().items()
            ]
            table[variable] = column.where(~odd, None)
    return table, outside


def round_weights(
    frame: pd.DataFrame, margins: Mapping | None, group: str, cap: float | None, strict: bool = False
) -> tuple[pd.Series | None, dict[str, Any], RakingDesign | None]:
    """Start weights (``weight`` column or 1) and, with margins, the raked weights of ``group``, with what the
    weighting reports and the design that re-rakes a bootstrap replicate (None when nothing was raked).

    Everyone in ``group`` is raked. A respondent whose category of a raking variable is missing or absent
    from the margins (for example "prefer not to say") is raked in that variable as "not stated" (a cell
    keeping its own sample share, methodology §2); ``not_stated`` counts them. When the margins cannot be
    met (a category without respondents), the group stays unraked and ``missing.raking`` says why; with
    ``strict`` that, and a category absent from the margins, raise instead.
    """
    weights, info = start_weights(frame)
    given = weights if info["method"] == "given" else None
    if not margins:
        return given, info, None
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
    table, outside = _outside_margins(frame, margins, in_group)
    stated = table.notna().all(axis=1).to_numpy()
    base = {
        "group": group,
        "variables": variables,
        "cap": cap,
        "raked": int(in_group.sum()),
        "unraked": 0,
        "not_stated": int((~stated).sum()),
    }
    if not in_group.any():
        return given, {**info, **base, "missing": {"raking": f"no respondent of {group}; not raked"}}, None
    try:
        if strict and outside:
            raise AnalysisError(f"categories absent from the margins: {', '.join(outside)}")
        result = rake(table, margins, weights[in_group].to_numpy(), cap=cap)
    except AnalysisError as exc:
        if strict:
            raise AnalysisError(f"weighting {group}: {exc}") from None
        return (
            given,
            {
                **info,
                **base,
                "raked": 0,
                "unraked": int(in_group.sum()),
                "missing": {"raking": f"not raked: {exc}"},
            },
            None,
        )
    design = raking_design(table, margins, weights[in_group].to_numpy(), cap)
    return (*_raked(weights, result, in_group, base, outside), design)


def _raked(weights, result, in_group, base, outside) -> tuple[pd.Series, dict[str, Any]]:
    """The raked weights (mean 1 over the group) and what the weighting reports."""
    info: dict[str, Any] = {"method": "raking", **base}
    raked = weights.copy()
    raked.loc[result.weights.index] = result.weights.to_numpy() / result.weights.mean()
    info.update(result.summary())
    info["n_effective"] = rounded(effective_n(raked[in_group].to_numpy()), 1)
    info["deff"] = rounded(len(raked[in_group]) / effective_n(raked[in_group].to_numpy()), 3)
    missing = {}
    if outside:
        missing["categories"] = "not in the census margins, so raked as not stated: " + ", ".join(outside)
    if not result.converged:
        missing["convergence"] = (
            "no weighting within the weight cap meets the margins; the margins hold and some weights exceed the cap"
        )
    if missing:
        info["missing"] = missing
    return raked, info
