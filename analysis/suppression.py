"""Small-cell suppression (methodology §2) and the pooling rule that keeps suppressed values unrecoverable.

**Primary suppression.** A cell (a stakeholder group's score on a construct, or on an item) resting on fewer
than ``k_min`` respondents (default 5) is published as ``{"suppressed": true, "n": N}``: no score, no
interval, no α, never 0. A whole group with fewer than ``k_min`` complete responses therefore has every cell
suppressed.

**Secondary suppression.** Nothing published may be a function of a suppressed cell's value, so it cannot be
recovered by subtraction from totals that are shown:

1. Pooled construct scores (the "all groups" figure), the sub-scores, the survey indicators of the SCRI and
   the bootstrap intervals are computed **only over the unsuppressed groups**; each pooled figure lists the
   groups it used and the suppressed groups it left out. (With equal group weights, a pooled figure that
   included the suppressed group would give it away: ``6·pooled − Σ shown``.)
2. Item-level cells are all-or-nothing within a group and construct: they are shown only when the group's
   construct cell is shown **and** every item of that construct in that group has at least ``k_min``
   answers; otherwise every item cell of that group and construct is suppressed. (Otherwise one hidden item
   would follow from the shown construct mean and the shown item means.)

Counts (``n``) stay visible, as the public contract shows; they reveal who took part, not what they said.

>>> import pandas as pd
>>> table = pd.DataFrame({"score": [60.0, 20.0], "n": [12, 3]},
...                      index=pd.MultiIndex.from_tuples([("trust", "residents"), ("trust", "academia")],
...                                                      names=["construct", "group"]))
>>> pooled = pooled_scores(mark_suppressed(table, k_min=5))
>>> float(pooled.loc["trust", "score"]), pooled.loc["trust", "groups"], pooled.loc["trust", "excluded"]
(60.0, ['residents'], ['academia'])
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some

__all__ = [
    "DEFAULT_K_MIN",
    "check_k_min",
    "group_weight_vector",
    "item_cells_shown",
    "mark_suppressed",
    "pooled_scores",
]

DEFAULT_K_MIN = 5


def check_k_min(k_min: int) -> int:
    """``k_min`` as a whole number of at least 1 (else AnalysisError)."""
    if isinstance(k_min, bool) or not isinstance(k_min, int | np.integer) or k_min < 1:
        raise AnalysisError(f"k_min must be a whole number of at least 1, not {k_min!r}")
    return int(k_min)


def mark_suppressed(table: pd.DataFrame, k_min: int = DEFAULT_K_MIN) -> pd.DataFrame:
    """Add a ``suppressed`` column: True where the cell's ``n`` is below ``k_min``.

    >>> import pandas as pd
    >>> mark_suppressed(pd.DataFrame({"n": [4, 5]}), k_min=5)["suppressed"].tolist()
    [True, False]
    """
    k_min = check_k_min(k_min)
    out = table.copy()
    out["suppressed"] = out["n"].to_numpy() < k_min
    return out


def group_weight_vector(groups: list[str] | tuple[str, ...], group_weights: Mapping[str, float] | None) -> np.ndarray:
    """Weights of ``groups`` for pooling: equal by default; a group not named in ``group_weights`` gets 1."""
    if group_weights is None:
        return np.ones(len(groups))
    if not isinstance(group_weights, Mapping):
        raise AnalysisError("group weights must be a mapping {group: weight}")
    unknown = [g for g in group_weights if g not in GROUPS]
    if unknown:
        raise AnalysisError(f"group weights name unknown group(s) {quote_some(unknown)} (groups: {', '.join(GROUPS)})")
    out = []
    for g in groups:
        value = group_weights.get(g, 1.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise AnalysisError(f"the weight of group {g!r} must be a number of 0 or more, not {value!r}")
        out.append(float(value))
    return np.array(out)


def pooled_scores(table: pd.DataFrame, group_weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Pool each construct's group scores with (equal) group weights over the **unsuppressed** groups.

    Parameters
    ----------
    table
        Indexed by (construct, group) with ``score``, ``n`` and ``suppressed`` (see :func:`mark_suppressed`).
    group_weights
        Optional {group: weight}; default equal weights (residents do not drown out the smaller groups).

    Returns
    -------
    DataFrame
        Indexed by construct: ``score`` (NaN when no group is usable), ``n`` (respondents behind the
        score), ``groups`` (used), ``excluded`` (suppressed groups left out), ``missing`` (reason or None).
    """
    rows = []
    for construct, cells in table.groupby(level="construct", sort=False):
        groups = [g for _, g in cells.index]
        scores = cells["score"].to_numpy(dtype=float, na_value=np.nan)
        shown = ~cells["suppressed"].to_numpy(dtype=bool) & ~np.isnan(scores)
        weights = group_weight_vector(groups, group_weights)
        usable = shown & (weights > 0)
        excluded = [g for g, s in zip(groups, cells["suppressed"], strict=True) if s]
        if usable.any():
            score = float((weights[usable] * scores[usable]).sum() / weights[usable].sum())
            missing = None
        else:
            score = math.nan
            missing = (
                "every group's cell is suppressed (fewer than k_min respondents)"
                if excluded
                else "no group has a score"
            )
        rows.append(
            {
                "construct": construct,
                "score": score,
                "n": int(cells["n"].to_numpy()[usable].sum()),
                "groups": [g for g, u in zip(groups, usable, strict=True) if u],
                "excluded": excluded,
                "missing": missing,
            }
        )
    out = pd.DataFrame(rows, columns=["construct", "score", "n", "groups", "excluded", "missing"])
    out["missing"] = pd.Series([r["missing"] for r in rows], index=out.index, dtype=object)  # None, not NaN
    return out.set_index("construct")


def item_cells_shown(items: pd.DataFrame, constructs: pd.DataFrame, k_min: int = DEFAULT_K_MIN) -> pd.Series:
    """Which item cells may be published (the all-or-nothing rule per group and construct).

    Parameters
    ----------
    items
        Indexed by (item, group) with ``construct`` and ``n``.
    constructs
        Indexed by (construct, group) with ``suppressed``.

    Returns
    -------
    Series of bool, indexed like ``items``.
    """
    k_min = check_k_min(k_min)
    frame = items[["construct", "n"]].reset_index()
    frame["small"] = frame["n"] < k_min
    any_small = frame.groupby(["construct", "group"], sort=False)["small"].transform("any")
    keys = pd.MultiIndex.from_frame(frame[["construct", "group"]])
    construct_hidden = constructs["suppressed"].astype(bool).reindex(keys, fill_value=True).to_numpy(dtype=bool)
    shown = ~(any_small.to_numpy(dtype=bool) | construct_hidden)
    return pd.Series(shown, index=items.index, name="shown")
