"""Group scores (methodology §2): each group's weighted construct and item scores with t-intervals on
linearisation standard errors (Wilson's for yes/no items), n, Kish's effective n and Cronbach's α, before
suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .prepare import PreparedSurvey
from .stats import alpha_with_reason, t_interval, wilson_interval

#: Largest number of cells (respondents × columns) :func:`cell_stats` handles at once.
CELL_CHUNK = 4_000_000

__all__ = ["cell_stats", "group_construct_scores", "group_item_scores"]


def cell_stats(
    values: np.ndarray, weights: np.ndarray, group_codes: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Per group × column of ``values`` (NaN missing): n, Σw, weighted mean, Σw²(x−x̄)², Σw², in one pass each.

    Returns arrays of shape (n_groups, n_columns): ``n``, ``sw``, ``mean`` (NaN when empty), ``ssw2``
    (sum of squared weighted deviations, for the linearisation variance), ``sw2``.
    """
    n_rows, n_cols = values.shape
    out = {key: np.zeros((n_groups, n_cols)) for key in ("n", "sw", "mean", "ssw2", "sw2")}
    onehot = np.zeros((n_rows, n_groups))
    onehot[np.arange(n_rows), group_codes] = 1.0
    counted = weights > 0
    w = np.where(counted, weights, 0.0)[:, None]
    by_w = onehot * w
    by_w2 = by_w * w
    step = max(1, CELL_CHUNK // max(n_rows, 1))
    for first in range(0, n_cols, step):  # a few columns at a time: memory stays flat on big rounds
        part = slice(first, min(first + step, n_cols))
        x = values[:, part]
        valid = (~np.isnan(x) & counted[:, None]).astype(float)
        filled = np.where(valid > 0, x, 0.0)
        sw = by_w.T @ valid
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(sw > 0, (by_w.T @ filled) / np.where(sw > 0, sw, 1.0), np.nan)
        dev = np.where(valid > 0, filled - np.nan_to_num(mean)[group_codes], 0.0)
        out["n"][:, part] = onehot.T @ valid
        out["sw"][:, part] = sw
        out["mean"][:, part] = mean
        out["sw2"][:, part] = by_w2.T @ valid
        out["ssw2"][:, part] = by_w2.T @ (dev * dev)
    out["n"] = np.rint(out["n"]).astype(np.int64)
    return out


def group_construct_scores(prepared: PreparedSurvey, confidence: float = 0.95) -> pd.DataFrame:
    """Weighted group × construct scores (before suppression) with t-intervals, n, effective n and α.

    Parameters
    ----------
    prepared
        From :func:`prepare_survey`.
    confidence
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        One row per (construct, group) where the construct is asked of the group: ``score``, ``ci_low``,
        ``ci_high``, ``n``, ``n_effective``, ``alpha``, ``alpha_items``, ``alpha_cases`` and ``reasons``
        (a dict naming why a value is None). The interval is clipped to [0, 100].

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.prepare import prepare_survey
    >>> items = pd.DataFrame({"construct": ["trust"] * 2, "kind": ["likert"] * 2, "k": [5, 5],
    ...                       "reverse": [False, False]}, index=["a", "b"])
    >>> responses = pd.DataFrame({"group": ["business"] * 3}, index=[1, 2, 3])
    >>> answers = pd.DataFrame({"a": [3, 4, 5], "b": [3, 5, 5]}, index=[1, 2, 3])
    >>> table = group_construct_scores(prepare_survey(responses, answers, items))
    >>> row = table.loc[("trust", "business")]
    >>> round(float(row["score"]), 2), int(row["n"]), round(float(row["alpha"]), 3)
    (79.17, 3, 0.923)
    """
    p = prepared
    stats = cell_stats(p.construct_scores, p.weights, p.group_codes, len(p.group_names))
    member_counts = np.zeros((len(p.group_names), len(p.constructs)), dtype=int)
    for k in range(len(p.constructs)):
        member_counts[:, k] = p.asked[:, p.item_construct == k].sum(axis=1)
    rows = []
    for k, construct in enumerate(p.constructs):
        for g, group in enumerate(p.group_names):
            if member_counts[g, k] == 0:
                continue
            reasons: dict[str, str] = {}
            n = int(stats["n"][g, k])
            sw, sw2 = float(stats["sw"][g, k]), float(stats["sw2"][g, k])
            mean = float(stats["mean"][g, k]) if n else None
            if mean is None:
                reasons["score"] = "no respondent answered at least half of the construct's items"
            ci, why = (
                t_interval(mean, n, sw, float(stats["ssw2"][g, k]), confidence) if mean is not None else (None, None)
            )
            if ci is None:
                reasons["ci95"] = why or reasons.get("score", "no score")
            block = p.blocks[g]
            local = np.flatnonzero(p.item_construct[block.cols] == k)
            data = block.scores[:, local]
            alpha, why_alpha = alpha_with_reason(data)
            if alpha is None:
                reasons["alpha"] = why_alpha or "undefined"
            complete = int((~np.isnan(data)).all(axis=1).sum()) if len(local) else 0
            rows.append(
                {
                    "construct": construct,
                    "group": group,
                    "score": mean,
                    "ci_low": ci[0] if ci else None,
                    "ci_high": ci[1] if ci else None,
                    "n": n,
                    "n_effective": sw * sw / sw2 if sw2 > 0 else 0.0,
                    "alpha": alpha,
                    "alpha_items": len(local),
                    "alpha_cases": complete,
                    "reasons": reasons,
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "construct",
            "group",
            "score",
            "ci_low",
            "ci_high",
            "n",
            "n_effective",
            "alpha",
            "alpha_items",
            "alpha_cases",
            "reasons",
        ],
    )
    return table.set_index(["construct", "group"])


def group_item_scores(prepared: PreparedSurvey, confidence: float = 0.95) -> pd.DataFrame:
    """Weighted group × item scores (before suppression): Likert with a t-interval, yes/no with Wilson's.

    Returns
    -------
    DataFrame
        One row per (item, group) where the item is asked of the group: ``construct``, ``kind``, ``score``,
        ``ci_low``, ``ci_high``, ``n``, ``n_effective`` and ``ci_reason`` (why there is no interval).
    """
    p = prepared
    kinds = p.items["kind"].to_numpy(dtype=object)
    rows = []
    for block in p.blocks:
        stats = cell_stats(block.scores, p.weights[block.rows], np.zeros(len(block.rows), dtype=np.int64), 1)
        for local, j in enumerate(block.cols):
            n = int(stats["n"][0, local])
            sw, sw2 = float(stats["sw"][0, local]), float(stats["sw2"][0, local])
            mean = float(stats["mean"][0, local]) if n else None
            ci, why = None, None
            if mean is not None:
                if kinds[j] == "yesno":
                    low, high = wilson_interval(min(max(mean / 100.0, 0.0), 1.0), sw * sw / sw2, confidence)
                    ci = (low * 100.0, high * 100.0)
                else:
                    ci, why = t_interval(mean, n, sw, float(stats["ssw2"][0, local]), confidence)
            rows.append(
                {
                    "item": p.items.index[j],
                    "group": block.group,
                    "construct": p.constructs[p.item_construct[j]],
                    "kind": kinds[j],
                    "score": mean,
                    "ci_low": ci[0] if ci else None,
                    "ci_high": ci[1] if ci else None,
                    "n": n,
                    "n_effective": sw * sw / sw2 if sw2 > 0 else 0.0,
                    "ci_reason": why,
                }
            )
    columns = ["item", "group", "construct", "kind", "score", "ci_low", "ci_high", "n", "n_effective", "ci_reason"]
    table = pd.DataFrame(rows, columns=columns)
    return table.set_index(["item", "group"])
