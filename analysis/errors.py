"""The one exception of the analysis layer and small input-checking helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

#: How many offending rows or codes an error message quotes before "… and N more".
SHOWN = 5


class AnalysisError(ValueError):
    """Input the analysis cannot score; the message names the construct, indicator, item or row at fault."""


def quote_some(values: Iterable[Any], shown: int = SHOWN) -> str:
    """``'a', 'b', 'c' … and 4 more`` for an error message."""
    values = list(values)
    text = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:shown])
    if len(values) > shown:
        text += f" … and {len(values) - shown} more"
    return text


def require_columns(frame: Any, name: str, columns: Sequence[str]) -> None:
    """Raise when ``frame`` is not a DataFrame or lacks one of ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"`{name}` must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"`{name}` lacks the column(s) {quote_some(missing)}; it has {quote_some(frame.columns)}")
