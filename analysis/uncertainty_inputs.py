"""What the Monte Carlo (:mod:`analysis.uncertainty`) takes of a round: from its computed parts, or from a
published result when only that is at hand (then the respondents cannot be resampled)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import IMPORTED_SOURCES

from .scri import FrameworkSpec
from .uncertainty import CityInputs

__all__ = ["city_inputs", "inputs_from_result"]


def _imputable(spec: FrameworkSpec, raw: np.ndarray) -> np.ndarray:
    return np.isnan(raw) & spec.indicators["source"].isin(IMPORTED_SOURCES).to_numpy()


def city_inputs(
    spec: FrameworkSpec, key: str, values: pd.DataFrame, replicates: Mapping[str, np.ndarray], method: str
) -> CityInputs:
    """The round's raw indicator values, its gaps and, from the bootstrap replicates of its pooled constructs,
    the raw value of every survey indicator in each replicate."""
    raw = values["value"].reindex(spec.indicators.index).to_numpy(dtype=float)
    table = None
    if replicates:
        n_rep = len(next(iter(replicates.values())))
        table = np.full((n_rep, len(raw)), np.nan)
        for j, (source, construct) in enumerate(
            zip(spec.indicators["source"], spec.indicators["construct"], strict=True)
        ):
            if source == "survey" and construct in replicates and not np.isnan(raw[j]):
                table[:, j] = replicates[construct]
    return CityInputs(key, raw, _imputable(spec, raw), spec.missing_rule, method, table)


def inputs_from_result(spec: FrameworkSpec, key: str, result: Mapping[str, Any], method: str) -> CityInputs:
    """The inputs of a published result (its indicator values); the respondents stay as they are."""
    indicators = result["indicators"]
    raw = np.array(
        [
            np.nan if (indicators.get(code) or {}).get("value") is None else float(indicators[code]["value"])
            for code in spec.indicators.index
        ]
    )
    return CityInputs(key, raw, _imputable(spec, raw), spec.missing_rule, method, None)
