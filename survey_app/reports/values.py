"""Reading numbers out of a result dict safely: a missing key, None, NaN or text is "no value", never NaN.

No Flask here; the report context and the recommendation rules both read results through these helpers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def num(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, ±inf, text, bool)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
    return number if math.isfinite(number) else None


def mapping(value: Any) -> Mapping:
    """`value` if it is a mapping, else an empty one (so chained look-ups never fail)."""
    return value if isinstance(value, Mapping) else {}


def is_suppressed(cell: Any) -> bool:
    """A cell the analysis withheld (fewer than k_min respondents)."""
    return isinstance(cell, Mapping) and bool(cell.get("suppressed"))


def cell_score(cell: Any) -> float | None:
    """The score of a construct × group cell; None when suppressed or absent (a suppressed score is never read)."""
    if not isinstance(cell, Mapping) or is_suppressed(cell):
        return None
    return num(cell.get("score"))


def dimension_score(result: Mapping, code: str) -> float | None:
    """The score of a dimension, or None when it is missing."""
    dimension = mapping(mapping(result.get("dimensions")).get(code))
    return num(dimension.get("score"))
