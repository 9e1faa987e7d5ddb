"""The parts of a loaded framework the computation needs, as arrays.

The framework is checked once, by its loader (``instruments.frameworks``); this module trusts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import MISSING_RULES, UNCERTAINTY_DEFAULTS

from ..errors import AnalysisError

__all__ = ["COVERAGE_TOLERANCE", "DEFAULT_MIN_COVERAGE", "FrameworkSpec", "framework_spec"]

DEFAULT_MIN_COVERAGE = 2.0 / 3.0
COVERAGE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class FrameworkSpec:
    """The parts of a framework the computation needs, as arrays (built by :func:`framework_spec`)."""

    code: str
    version: int | None
    method: str
    min_coverage: float
    missing_rule: str  # worst | reweight (methodology §5)
    uncertainty: dict  # draws, seed, weight_noise, goalpost_shift (methodology §8)
    levels: tuple[tuple[str, float], ...]
    dimensions: pd.DataFrame  # index code: weight (raw), label ({lang: text})
    indicators: pd.DataFrame  # index code: dimension, source, construct, measure, best, worst, weight, min, max
    subscores: tuple[tuple[str, tuple[str, ...]], ...]
    network_blend: dict | None

    @property
    def constructs(self) -> tuple[str, ...]:
        """Construct codes the framework scores (survey indicators and sub-scores)."""
        codes = [c for c in self.indicators["construct"] if isinstance(c, str)]
        codes += [c for _, cs in self.subscores for c in cs]
        return tuple(dict.fromkeys(codes))

    @property
    def membership(self) -> np.ndarray:
        """Indicator × dimension 0/1 matrix."""
        dims = list(self.dimensions.index)
        member = np.zeros((len(self.indicators), len(dims)))
        member[np.arange(len(self.indicators)), [dims.index(d) for d in self.indicators["dimension"]]] = 1.0
        return member


def _float_or_nan(value: Any) -> float:
    return float(value) if value is not None else float("nan")


def _indicator_row(ind: Mapping[str, Any]) -> dict[str, Any]:
    source = ind["source"]
    return {
        "code": ind["code"],
        "dimension": ind["dimension"],
        "source": source,
        "construct": ind.get("construct") if source == "survey" else None,
        "measure": ind.get("measure") if source == "network" else None,
        "best": float(ind["best"]),
        "worst": float(ind["worst"]),
        "weight": float(ind.get("weight", 1.0)),
        "min": _float_or_nan(ind.get("min")),
        "max": _float_or_nan(ind.get("max")),
    }


def framework_spec(framework: Any) -> FrameworkSpec:
    """A loaded framework (``instruments.frameworks.load_framework()``), its ``to_plain()`` dict or a spec, as a
    :class:`FrameworkSpec`. AnalysisError when it is none of these or lacks dimensions, indicators or levels."""
    if isinstance(framework, FrameworkSpec):
        return framework
    plain = framework.to_plain() if hasattr(framework, "to_plain") else framework
    if not isinstance(plain, Mapping):
        raise AnalysisError("the framework must be a loaded framework or its plain dict (to_plain())")
    dims, inds, levels = plain.get("dimensions"), plain.get("indicators"), plain.get("levels")
    if not dims or not inds or not levels:
        raise AnalysisError("the framework needs dimensions, indicators and levels (load it with load_framework())")
    dimensions = pd.DataFrame(
        {
            "weight": [float(d.get("weight", 1.0)) for d in dims],
            "label": [dict(d.get("label") or {"en": d["code"]}) for d in dims],
        },
        index=pd.Index([d["code"] for d in dims], name="code"),
    )
    blend = plain.get("network_blend")
    return FrameworkSpec(
        code=str(plain.get("code", "scri")),
        version=plain.get("version"),
        method=plain.get("method", "arithmetic"),
        min_coverage=float(plain.get("min_coverage", DEFAULT_MIN_COVERAGE)),
        missing_rule=plain.get("missing", MISSING_RULES[0]),
        uncertainty={**UNCERTAINTY_DEFAULTS, **(plain.get("uncertainty") or {})},
        levels=tuple((lv["code"], float(lv["from"])) for lv in levels),
        dimensions=dimensions,
        indicators=pd.DataFrame([_indicator_row(ind) for ind in inds]).set_index("code"),
        subscores=tuple((s["code"], tuple(s["constructs"])) for s in plain.get("subscores") or ()),
        network_blend=dict(blend) if blend else None,
    )
