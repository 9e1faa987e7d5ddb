"""Synthetic indicator values for the demo cities, drawn from the frameworks' own indicator lists."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework

REFSTD_PREFIX = "rs"
# All three cities of paper 000 are weak on environmental sustainability and public-private partnership.
WEAK_DIMENSIONS = {"environmental_sustainability": 0.55, "public_private_partnership": 0.45}
# Paper 002: education and urban management lead the reference standard; business and tourism lag.
REFSTD_LIFT = {"education": 0.35, "urban_management": 0.2, "health": 0.1, "business_tourism": -0.25}


def refstd_code(area: str, indicator: str) -> str:
    """How a reference-standard indicator is stored as a city indicator value."""
    return f"{REFSTD_PREFIX}:{area}:{indicator}"


def demo_indicator_values(readiness: float, rng: np.random.Generator) -> Iterator[tuple[str, float, str]]:
    """(indicator code, value, source) for every imported SCRI indicator and reference-standard indicator."""
    framework = load_framework()
    for indicator in framework.imported:
        level = readiness * WEAK_DIMENSIONS.get(indicator.dimension, 1.0)
        level = float(np.clip(rng.normal(level, 0.12), 0.0, 1.0))
        if indicator.source == "yesno":
            value = 1.0 if rng.random() < level else 0.0
        else:
            value = indicator.worst + (indicator.best - indicator.worst) * level
            low = indicator.min if indicator.min is not None else -np.inf
            high = indicator.max if indicator.max is not None else np.inf
            value = float(np.clip(value, low, high))
            whole = abs(value) >= 1000 or indicator.code.endswith("_count")
            value = float(round(value)) if whole else round(value, 1)
        yield indicator.code, value, "Demo data (synthetic)"
    refstd = load_refstd_framework()
    for area in refstd.areas:
        p_yes = float(np.clip(readiness + 0.15 + REFSTD_LIFT.get(area.code, 0.0), 0.05, 0.98))
        for indicator in area.indicators:
            value = refstd.yes_value if rng.random() < p_yes else refstd.no_value
            yield refstd_code(area.code, indicator.code), float(value), "Demo data (synthetic)"
