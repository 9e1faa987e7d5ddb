"""Weights of one round's respondents: the design weights given, then raking of one group to census margins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some
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


def _known_categories(frame: pd.DataFrame, margins: Mapping, in_group: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Respondents of the group whose category of every raking variable is in the margins, and the others' values."""
    known = in_group.copy()
    outside: list[str] = []
    for variable in margins:
        column = frame[variable]
        categories = {str(c) for c in (margins[variable] or {})} if isinstance(margins[variable], Mapping) else set()
        listed = column.notna().to_numpy() & column.astype(str).isin(categories).to_numpy()
        odd = in_group & column.notna().to_numpy() & ~listed
        if odd.any():
            found = column[odd].astype(str).value_counts()
            outside += [f"{variable} {value!r} ({count})" for value, count in found.items()]
        known &= listed
    return known, outside


def round_weights(
    frame: pd.DataFrame, margins: Mapping | None, group: str, cap: float | None, strict: bool = False
) -> tuple[pd.Series | None, dict[str, Any]]:
    """Start weights (``weight`` column or 1) and, with margins, the raked weights of ``group``.

    Respondents of ``group`` whose category of a raking variable is missing or absent from the margins (for
    example "prefer not to say") are not raked and keep the mean raked weight; they are counted in
    ``unraked``. When the margins cannot be met (a category without respondents), the group stays unraked
    and ``missing.raking`` says why; with ``strict`` both cases raise instead.
    """
    weights, info = start_weights(frame)
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
    known, outside = _known_categories(frame, margins, in_group)
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
    return _raked(weights, result, in_group, known, base, outside)


def _raked(weights, result, in_group, known, base, outside) -> tuple[pd.Series, dict[str, Any]]:
    """The raked weights (mean 1 over the raked; the unraked keep 1) and what the weighting reports."""
    frame_index = weights.index
    info: dict[str, Any] = {"method": "raking", **base}
    raked = weights.copy()
    raked.loc[result.weights.index] = result.weights.to_numpy() / result.weights.mean()  # mean raked weight 1
    raked.loc[frame_index[in_group & ~known]] = 1.0  # unraked respondents keep the mean raked weight
    info.update(result.summary())
    info["n_effective"] = rounded(effective_n(raked[in_group].to_numpy()), 1)
    info["deff"] = rounded(len(raked[in_group]) / effective_n(raked[in_group].to_numpy()), 3)
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
