"""Survey scoring: item scores, respondent construct scores, group construct scores with intervals and α.

Item scores (methodology §2) put every scored answer on 0–100:

- Likert on 1..k: ``(x − 1) / (k − 1) × 100``; a reverse-worded item is flipped first, ``x' = k + 1 − x``.
  4 on a 1–5 scale is 75; the midpoint of any scale is 50, whatever the direction.
- Yes/No: 1 (yes) → 100, 0 (no) → 0 (reversed: yes → 0). "Don't know" is missing (NaN), never 0.

A respondent's construct score is the mean of the answered items of that construct among the items asked
of the respondent's group; it is missing when fewer than half of them were answered. Which group an item
is asked of comes from the optional ``group`` column of ``items`` (empty: every group); without that column
an item counts as asked of the groups in which at least one respondent answered it.

A group's construct score is the weighted mean of its respondents' construct scores, with a t-interval on
Kish's effective n (clipped to 0–100), n, the effective n and Cronbach's α. α is computed, unweighted, on the
0–100 item scores of the group's complete cases (listwise), so items on different scales (5-point and
yes/no) enter on one metric; for items of one scale this equals α on the raw answers.

Everything is computed on whole arrays (one pass per construct or cell, never one per respondent), on the
respondents sorted by ``response_id`` so that the order of the input rows changes nothing.

>>> import pandas as pd
>>> items = pd.DataFrame({"construct": ["trust", "trust"], "kind": ["likert", "likert"], "k": [5, 5],
...                       "reverse": [False, True]}, index=["t1", "t2"])
>>> answers = pd.DataFrame({"t1": [4, 5, 3], "t2": [2, 1, None]}, index=[1, 2, 3])
>>> item_scores(answers, items).to_dict("list")
{'t1': [75.0, 100.0, 50.0], 't2': [75.0, 100.0, nan]}
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some, require_columns

__all__ = ["ITEM_COLUMNS", "item_scores", "validate_items"]

ITEM_COLUMNS = ("construct", "kind", "k", "reverse")
KINDS = ("likert", "yesno")
MAX_SCALE_POINTS = 101


# --------------------------------------------------------------------------------------------- items


def validate_items(items: pd.DataFrame, known_constructs: Collection[str] | None = None) -> pd.DataFrame:
    """Check the item table and return a clean copy (``k`` int, ``reverse`` bool, ``group`` str or None).

    Parameters
    ----------
    items
        Indexed by item code, with ``construct``, ``kind`` ('likert' | 'yesno'), ``k`` (scale points, 2 for
        yes/no) and ``reverse``; optional ``group`` (the stakeholder group the item is asked of).
    known_constructs
        Construct codes the framework scores; an item feeding any other construct is an error.

    Raises
    ------
    AnalysisError
        Naming the item: duplicate code, unknown kind or construct, bad ``k``, bad ``reverse``, bad group.
    """
    require_columns(items, "items", ITEM_COLUMNS)
    if items.index.has_duplicates:
        raise AnalysisError(
            f"`items` lists item code(s) {quote_some(items.index[items.index.duplicated()].unique())} twice"
        )
    out = pd.DataFrame(index=pd.Index([str(i) for i in items.index], name="item"))
    problems: list[str] = []
    constructs, kinds, ks, reverses, groups = [], [], [], [], []
    has_group = "group" in items.columns
    for code, row in zip(out.index, items.itertuples(index=False), strict=True):
        construct, kind, k, reverse = row.construct, row.kind, row.k, row.reverse
        if not isinstance(construct, str) or not construct:
            problems.append(f"item {code!r} has no construct")
        elif known_constructs is not None and construct not in known_constructs:
            problems.append(
                f"item {code!r} feeds construct {construct!r}, which the framework does not score "
                f"(known: {', '.join(sorted(known_constructs))})"
            )
        if kind not in KINDS:
            problems.append(f"item {code!r} has kind {kind!r}; only 'likert' and 'yesno' items are scored")
        if kind == "yesno" and (k is None or pd.isna(k)):
            k = 2
        try:
            k_int = int(k)
            if k_int != k:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"item {code!r} has k={k!r}; the number of scale points must be a whole number")
            k_int = 0
        if k_int and (k_int < 2 or k_int > MAX_SCALE_POINTS):
            problems.append(f"item {code!r} has k={k_int}; a scale needs 2 to {MAX_SCALE_POINTS} points")
        if kind == "yesno" and k_int != 2:
            problems.append(f"item {code!r} is yes/no but has k={k_int} (must be 2)")
        if reverse is None or (not isinstance(reverse, str) and pd.isna(reverse)):
            reverse = False
        if reverse not in (True, False, 0, 1):
            problems.append(f"item {code!r} has reverse={reverse!r}; use true or false")
            reverse = False
        group = row.group if has_group else None
        if group is not None and not isinstance(group, str) and pd.isna(group):
            group = None
        if group is not None and group not in GROUPS:
            problems.append(f"item {code!r} is asked of group {group!r}, not one of {', '.join(GROUPS)}")
        constructs.append(construct)
        kinds.append(kind)
        ks.append(k_int)
        reverses.append(bool(reverse))
        groups.append(group)
    if problems:
        raise AnalysisError(
            "; ".join(problems[:10]) + (f" … and {len(problems) - 10} more" if len(problems) > 10 else "")
        )
    out["construct"] = pd.Series(constructs, index=out.index, dtype=object)
    out["kind"] = pd.Series(kinds, index=out.index, dtype=object)
    out["k"] = np.array(ks, dtype=np.int64)
    out["reverse"] = np.array(reverses, dtype=bool)
    out["group"] = pd.Series(groups, index=out.index, dtype=object)
    return out


def _numeric(answers: pd.DataFrame) -> np.ndarray:
    """The answers as a float array (a view when the frame already is one float block; never written to)."""
    try:
        return answers.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        for column in answers.columns:
            values = answers[column]
            numbers = pd.to_numeric(values, errors="coerce")
            bad = numbers.isna() & values.notna()
            if bad.any():
                raise AnalysisError(
                    f"item {str(column)!r}: response(s) {quote_some(values.index[bad.to_numpy()])} have non-numeric "
                    f"value(s) {quote_some(values[bad].astype(str).unique())}"
                ) from None
        raise AnalysisError("`answers` must hold numbers only") from None


#: Largest number of cells checked or scored at once (memory stays flat on big rounds).
ROW_CHUNK_CELLS = 4_000_000


def row_chunks(n_rows: int, n_cols: int):
    """Slices of at most :data:`ROW_CHUNK_CELLS` cells covering ``n_rows`` rows."""
    step = max(1, ROW_CHUNK_CELLS // max(n_cols, 1))
    return (slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step))


def _out_of_scale(block: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return ~np.isnan(block) & ((block < low) | (block > high) | (block != np.round(block)))


def _check_values(block: np.ndarray, items: pd.DataFrame, row_ids: pd.Index) -> None:
    """Raise naming the item and responses when a value lies outside 1..k (Likert) or 0/1 (yes/no)."""
    k = items["k"].to_numpy(dtype=float)
    likert = (items["kind"] == "likert").to_numpy()
    low = np.where(likert, 1.0, 0.0)
    high = np.where(likert, k, 1.0)
    rows = block.shape[0]
    if not any(_out_of_scale(block[part], low, high).any() for part in row_chunks(rows, block.shape[1])):
        return
    bad = _out_of_scale(block, low, high)
    cols = np.flatnonzero(bad.any(axis=0))
    j = cols[0]
    offending = np.flatnonzero(bad[:, j])
    values = sorted({float(v) for v in block[offending, j]})
    allowed = f"whole numbers 1..{int(k[j])}" if likert[j] else "1 (yes) or 0 (no)"
    more = f" (and {len(cols) - 1} more item(s) with such values)" if len(cols) > 1 else ""
    raise AnalysisError(
        f"item {items.index[j]!r}: response(s) {quote_some(row_ids[offending])} have value(s) "
        f"{quote_some([f'{v:g}' for v in values])}, outside {allowed}{more}"
    )


def _score_block(raw: np.ndarray, items: pd.DataFrame, *, in_place: bool = False) -> np.ndarray:
    """Raw answers → item scores 0–100 (a linear map per column; a new array, or ``raw`` itself)."""
    k = items["k"].to_numpy(dtype=float)
    reverse = items["reverse"].to_numpy(dtype=bool)
    yesno = (items["kind"] == "yesno").to_numpy()
    span = np.where(yesno, 1.0, k - 1.0)
    low = np.where(yesno, 0.0, 1.0)
    # forward: (x − low) / span × 100; reversed: (high − x) / span × 100 where high = low + span.
    slope = np.where(reverse, -100.0, 100.0) / span
    intercept = np.where(reverse, (low + span) * 100.0 / span, -low * 100.0 / span)
    out = np.multiply(raw, slope, out=raw if in_place else None)
    out += intercept
    return out


def _columns(answers: pd.DataFrame, items: pd.DataFrame) -> np.ndarray:
    """Position in ``answers`` of each item (−1 when the frame has no column for it)."""
    codes = pd.Index([str(c) for c in answers.columns])
    if codes.has_duplicates:
        raise AnalysisError(f"`answers` has column(s) {quote_some(codes[codes.duplicated()].unique())} twice")
    unknown = codes.difference(items.index)
    if len(unknown):
        raise AnalysisError(f"`answers` has column(s) {quote_some(list(unknown))} that are not items in `items`")
    return codes.get_indexer(items.index)


def item_scores(answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Every answer on 0–100 (methodology §2); NaN stays missing.

    Parameters
    ----------
    answers
        Wide table indexed by response id, one column per item code, raw numbers (likert 1..k, yes 1 /
        no 0, NaN unanswered or "don't know").
    items
        The item table (see :func:`validate_items`).

    Returns
    -------
    DataFrame
        Same index, one column per item of ``items``.

    Raises
    ------
    AnalysisError
        A value outside 1..k (or 0/1), not a whole number, or a column that is not an item.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"construct": ["trust"] * 2, "kind": ["likert", "yesno"], "k": [5, 2],
    ...                       "reverse": [False, False]}, index=["a", "b"])
    >>> item_scores(pd.DataFrame({"a": [4, 3], "b": [1, None]}), items).to_dict("list")
    {'a': [75.0, 50.0], 'b': [100.0, nan]}
    """
    checked = validate_items(items)
    positions = _columns(answers, checked)
    array = _numeric(answers)
    raw = np.full((len(answers), len(checked)), np.nan)
    have = positions >= 0
    raw[:, have] = array[:, positions[have]]
    _check_values(raw, checked, answers.index)
    return pd.DataFrame(_score_block(raw, checked), index=answers.index, columns=checked.index)
