"""Normalisation with fixed goalposts and the values of every indicator of the framework for one city."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import IMPORTED_SOURCES

from ..errors import AnalysisError, quote_some
from .spec import FrameworkSpec

__all__ = ["indicator_values", "normalise"]


def normalise(value: Any, best: Any, worst: Any) -> Any:
    """Fixed-goalpost normalisation ``(x − worst) / (best − worst) × 100`` truncated to [0, 100].

    Works on numbers and arrays (NaN stays NaN). Direction −1 is expressed by ``best < worst``.

    Examples
    --------
    >>> normalise(18, best=5, worst=35)
    56.666666666666664
    >>> normalise(np.array([0.0, 50.0, 120.0]), best=100, worst=0).tolist()
    [0.0, 50.0, 100.0]
    """
    x = np.asarray(value, dtype=float)
    b = np.asarray(best, dtype=float)
    w = np.asarray(worst, dtype=float)
    if np.any(b == w):
        raise AnalysisError("goalposts best and worst must differ")
    y = np.clip((x - w) / (b - w) * 100.0, 0.0, 100.0)
    return float(y) if y.ndim == 0 else y


def indicator_values(
    spec: FrameworkSpec,
    indicators: pd.DataFrame | None = None,
    constructs: Mapping[str, float | None] | None = None,
    network: Mapping[str, float | None] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Raw value of every framework indicator, from its source, with the reason when it is missing.

    Parameters
    ----------
    spec
        From :func:`framework_spec`.
    indicators
        ``indicator, value, year`` for one city (other indicator codes are ignored; when a code appears
        for several years the latest is used). A value outside the indicator's valid range is an error.
    constructs
        Pooled construct scores (0–100, None when missing).
    network
        Network measures (``density``, ``ei_index``; None when missing).
    reasons
        Why a construct or network measure is missing, by construct code or measure name.

    Returns
    -------
    DataFrame
        Indexed by indicator code: ``value`` (NaN missing), ``year`` (imported values), ``missing`` (reason).
    """
    reasons = dict(reasons or {})
    constructs = constructs or {}
    network = network or {}
    imported: dict[str, tuple[float, Any]] = {}
    if indicators is not None and len(indicators):
        if not isinstance(indicators, pd.DataFrame) or not {"indicator", "value"} <= set(indicators.columns):
            raise AnalysisError("`indicators` must be a DataFrame with columns indicator, value (and year)")
        frame = indicators[indicators["indicator"].isin(spec.indicators.index)].copy()
        if "year" not in frame.columns:
            frame["year"] = np.nan
        dup = frame.duplicated(["indicator", "year"], keep=False)
        if dup.any():
            raise AnalysisError(
                f"`indicators` gives indicator(s) {quote_some(sorted(frame.loc[dup, 'indicator'].unique()))} more than "
                "once for the same year"
            )
        frame = frame.sort_values(["indicator", "year"], na_position="first").drop_duplicates("indicator", keep="last")
        values = pd.to_numeric(frame["value"], errors="coerce")
        not_number = values.isna() & frame["value"].notna()
        if not_number.any():
            raise AnalysisError(
                f"indicator(s) {quote_some(frame.loc[not_number, 'indicator'])} have a value that is not a number"
            )
        for code, value, year in zip(frame["indicator"], values, frame["year"], strict=True):
            if pd.isna(value):
                continue
            row = spec.indicators.loc[code]
            if row["source"] not in IMPORTED_SOURCES:
                raise AnalysisError(f"indicator {code!r} is a {row['source']} indicator; it is computed, not imported")
            low = row["min"] if not math.isnan(row["min"]) else -math.inf
            high = row["max"] if not math.isnan(row["max"]) else math.inf
            if not math.isfinite(value) or not low <= value <= high:
                raise AnalysisError(f"indicator {code!r}: value {value:g} is outside its valid range {low:g}–{high:g}")
            if row["source"] == "yesno" and value not in (0.0, 1.0):
                raise AnalysisError(f"indicator {code!r}: value {value:g} must be 1 (yes) or 0 (no)")
            imported[code] = (float(value), None if pd.isna(year) else int(year))
    rows = []
    for code, row in spec.indicators.iterrows():
        value, year, missing = math.nan, None, None
        if row["source"] in IMPORTED_SOURCES:
            if code in imported:
                value, year = imported[code]
            else:
                missing = "no value imported for this city"
        elif row["source"] == "survey":
            v = constructs.get(row["construct"])
            if v is None or math.isnan(v):
                missing = reasons.get(row["construct"], "the construct has no score in this round")
            else:
                value = float(v)
        else:
            v = network.get(row["measure"])
            if v is None or math.isnan(v):
                missing = reasons.get(row["measure"], "no network measure in this round")
            else:
                value = float(v)
        rows.append({"code": code, "value": value, "year": year, "missing": missing})
    out = pd.DataFrame(rows, columns=["code", "value", "year", "missing"])
    out["missing"] = pd.Series([r["missing"] for r in rows], index=out.index, dtype=object)  # None, not NaN
    return out.set_index("code")
