"""The SCRI framework as objects: levels, dimensions, indicators, sub-scores, the network blend."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..domain import IMPORTED_SOURCES
from ..loader import InstrumentError
from ..model import Texts

__all__ = ["Dimension", "FrameworkError", "Indicator", "Level", "NetworkBlend", "ScriFramework", "SubScore"]


class FrameworkError(InstrumentError):
    """A framework file with problems; ``problems`` lists every one (file, indicator or part, reason)."""


@dataclass(frozen=True)
class Level:
    """A readiness level from ``lower`` (inclusive) up to the next level's lower edge."""

    code: str
    lower: float
    label: Texts


@dataclass(frozen=True)
class Dimension:
    code: str
    weight: float
    label: Texts


@dataclass(frozen=True)
class Indicator:
    """One indicator: where its value comes from and how it is normalised."""

    code: str
    dimension: str
    source: str
    direction: int
    best: float
    worst: float
    weight: float
    label: Texts
    unit: str
    construct: str | None = None
    measure: str | None = None
    min: float | None = None
    max: float | None = None
    note: str = ""

    def normalise(self, value: float) -> float:
        """``(x − worst) / (best − worst) × 100`` truncated to [0, 100]."""
        return min(100.0, max(0.0, (value - self.worst) / (self.best - self.worst) * 100.0))

    def check_value(self, value: Any) -> str | None:
        """Why ``value`` cannot be imported for this indicator, or None when it can."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return f"{value!r} is not a number"
        if self.source == "yesno" and value not in (0, 1):
            return f"{value:g} is not 1 (yes) or 0 (no)"
        low = -math.inf if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        if not low <= value <= high:
            return f"{value:g} is outside the valid range {low:g}–{high:g} {self.unit}".rstrip()
        return None


@dataclass(frozen=True)
class SubScore:
    code: str
    constructs: tuple[str, ...]
    label: Texts


@dataclass(frozen=True)
class NetworkBlend:
    """How the network measures enter a survey construct's sub-score value."""

    construct: str
    indicators: tuple[str, ...]
    share: float


@dataclass(frozen=True)
class ScriFramework:
    """A validated SCRI framework."""

    code: str
    version: int
    title: Texts
    source: str
    method: str
    min_coverage: float
    missing: str
    uncertainty: dict[str, Any]
    levels: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    subscores: tuple[SubScore, ...]
    network_blend: NetworkBlend | None
    file: str = ""

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def indicators_of(self, dimension: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.dimension == dimension)

    @property
    def constructs(self) -> tuple[str, ...]:
        """Construct codes the framework scores (survey indicators and sub-scores), in file order."""
        codes = [i.construct for i in self.indicators if i.construct]
        codes += [c for s in self.subscores for c in s.constructs]
        return tuple(dict.fromkeys(codes))

    @property
    def imported(self) -> tuple[Indicator, ...]:
        """Indicators whose values are imported per city (infrastructure numbers and yes/no facts)."""
        return tuple(i for i in self.indicators if i.source in IMPORTED_SOURCES)

    def check_value(self, code: str, value: Any) -> str | None:
        """Why ``value`` cannot be imported for indicator ``code`` (unknown, out of range), or None."""
        indicator = self.indicator(code)
        if indicator is None or indicator.source not in IMPORTED_SOURCES:
            return f"{code!r} is not an imported indicator of the framework"
        return indicator.check_value(value)

    def level(self, score: float) -> str:
        """The readiness level of a score (40 is medium, 60 is high)."""
        chosen = self.levels[0].code
        for level in self.levels:
            if score >= level.lower:
                chosen = level.code
        return chosen

    def to_plain(self) -> dict[str, Any]:
        """Plain dicts and lists: what the analysis layer takes."""
        return {
            "code": self.code,
            "version": self.version,
            "method": self.method,
            "min_coverage": self.min_coverage,
            "missing": self.missing,
            "uncertainty": dict(self.uncertainty),
            "levels": [{"code": lv.code, "from": lv.lower, "label": dict(lv.label)} for lv in self.levels],
            "dimensions": [{"code": d.code, "weight": d.weight, "label": dict(d.label)} for d in self.dimensions],
            "indicators": [
                {
                    "code": i.code,
                    "dimension": i.dimension,
                    "source": i.source,
                    "construct": i.construct,
                    "measure": i.measure,
                    "direction": i.direction,
                    "best": i.best,
                    "worst": i.worst,
                    "weight": i.weight,
                    "min": i.min,
                    "max": i.max,
                    "unit": i.unit,
                    "label": dict(i.label),
                }
                for i in self.indicators
            ],
            "subscores": [
                {"code": s.code, "constructs": list(s.constructs), "label": dict(s.label)} for s in self.subscores
            ],
            "network_blend": None
            if self.network_blend is None
            else {
                "construct": self.network_blend.construct,
                "indicators": list(self.network_blend.indicators),
                "share": self.network_blend.share,
            },
        }

    def imeta(self) -> pd.DataFrame:
        """The framework as a COINr ``iMeta`` table: indicators (level 1), dimensions (2) and the index (3)."""
        rows = [
            {
                "iCode": i.code,
                "iName": i.label.get("en", i.code),
                "Level": 1,
                "Parent": i.dimension,
                "Type": "Indicator",
                "Source": i.source,
                "Reference": i.construct or i.measure,
                "Direction": i.direction,
                "Weight": i.weight,
                "Goalpost_worst": i.worst,
                "Goalpost_best": i.best,
                "Unit": i.unit,
                "Min": i.min,
                "Max": i.max,
            }
            for i in self.indicators
        ]
        rows += [
            {
                "iCode": d.code,
                "iName": d.label.get("en", d.code),
                "Level": 2,
                "Parent": self.code,
                "Type": "Aggregate",
                "Weight": d.weight,
            }
            for d in self.dimensions
        ]
        rows.append(
            {
                "iCode": self.code,
                "iName": self.title.get("en", self.code),
                "Level": 3,
                "Parent": None,
                "Type": "Aggregate",
                "Weight": 1.0,
            }
        )
        columns = [
            "iCode",
            "iName",
            "Level",
            "Parent",
            "Type",
            "Source",
            "Reference",
            "Direction",
            "Weight",
            "Goalpost_worst",
            "Goalpost_best",
            "Unit",
            "Min",
            "Max",
        ]
        return pd.DataFrame(rows, columns=columns)
