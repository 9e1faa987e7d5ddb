"""The shared table of XLSForm expressions (data/xpath_cases.json) and how a result is compared with it."""

from __future__ import annotations

import json
import math
from pathlib import Path

TABLE = json.loads((Path(__file__).parent / "data" / "xpath_cases.json").read_text(encoding="utf-8"))
CASES = [c for c in TABLE["cases"] if not c.get("error")]
ERRORS = [c["expr"] for c in TABLE["cases"] if c.get("error")]


def comparable(value):
    """A result as the table writes it: booleans and strings as they are, numbers as floats, non-finite
    numbers as 'NaN', 'Infinity', '-Infinity'."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float(value)


def expected(case):
    value = case["expect"]
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
