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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some, require_columns
from .stats import alpha_with_reason, t_quantile, wilson_interval

__all__ = [
    "ITEM_COLUMNS",
    "GroupBlock",
    "PreparedSurvey",
    "cell_stats",
    "check_responses",
    "group_construct_scores",
    "group_item_scores",
    "item_scores",
    "prepare_survey",
    "respondent_construct_scores",
    "validate_items",
]

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


def _check_values(block: np.ndarray, items: pd.DataFrame, row_ids: pd.Index) -> None:
    """Raise naming the item and responses when a value lies outside 1..k (Likert) or 0/1 (yes/no)."""
    k = items["k"].to_numpy(dtype=float)
    likert = (items["kind"] == "likert").to_numpy()
    low = np.where(likert, 1.0, 0.0)
    high = np.where(likert, k, 1.0)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(block) & ((block < low) | (block > high) | (block != np.round(block)))
    if not bad.any():
        return
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


def _score_block(raw: np.ndarray, items: pd.DataFrame) -> np.ndarray:
    """Raw answers → item scores 0–100 (a linear map per column; a new array)."""
    k = items["k"].to_numpy(dtype=float)
    reverse = items["reverse"].to_numpy(dtype=bool)
    yesno = (items["kind"] == "yesno").to_numpy()
    span = np.where(yesno, 1.0, k - 1.0)
    low = np.where(yesno, 0.0, 1.0)
    # forward: (x − low) / span × 100; reversed: (high − x) / span × 100 where high = low + span.
    slope = np.where(reverse, -100.0, 100.0) / span
    intercept = np.where(reverse, (low + span) * 100.0 / span, -low * 100.0 / span)
    out = raw * slope
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


# --------------------------------------------------------------------------------------------- prepared


@dataclass(frozen=True)
class GroupBlock:
    """The item scores of one group: its respondents × the items asked of it."""

    group: str
    rows: np.ndarray  # (n_g,) positions among the sorted respondents
    cols: np.ndarray  # (p_g,) positions among the items
    scores: np.ndarray  # (n_g, p_g) item scores 0–100, NaN missing


@dataclass
class PreparedSurvey:
    """A round's survey data as aligned arrays, respondents sorted by response id."""

    response_ids: pd.Index
    group_names: tuple[str, ...]
    group_codes: np.ndarray  # (n,) index into group_names
    weights: np.ndarray  # (n,)
    items: pd.DataFrame  # validated
    blocks: tuple[GroupBlock, ...]  # one per group of group_names
    asked: np.ndarray  # (G, p) item asked of group
    constructs: tuple[str, ...]
    item_construct: np.ndarray  # (p,) index into constructs
    construct_scores: np.ndarray  # (n, K) respondent construct scores, NaN missing

    @property
    def n(self) -> int:
        return len(self.response_ids)


def check_responses(responses: pd.DataFrame) -> pd.DataFrame:
    """The responses table indexed by response id, sorted, with known groups (else AnalysisError)."""
    if not isinstance(responses, pd.DataFrame):
        raise AnalysisError(f"`responses` must be a pandas DataFrame, not {type(responses).__name__}")
    frame = responses.set_index("response_id") if "response_id" in responses.columns else responses
    require_columns(frame, "responses", ["group"])
    if len(frame) == 0:
        raise AnalysisError("the round has no complete responses to score")
    if frame.index.has_duplicates:
        raise AnalysisError(
            f"`responses` lists response id(s) {quote_some(frame.index[frame.index.duplicated()].unique())} twice"
        )
    if frame.index.hasnans:
        raise AnalysisError("`responses` has a row without a response id")
    bad = ~frame["group"].isin(GROUPS)
    if bad.any():
        found = quote_some(frame["group"][bad].astype(str).unique())
        raise AnalysisError(
            f"response(s) {quote_some(frame.index[bad])} have group(s) {found}, not one of {', '.join(GROUPS)}"
        )
    try:
        return frame.sort_index()
    except TypeError:
        raise AnalysisError("response ids must be all numbers or all texts, so that they can be sorted") from None


def _weights(frame: pd.DataFrame, weights: pd.Series | None) -> np.ndarray:
    if weights is None:
        if "weight" not in frame.columns:
            return np.ones(len(frame))
        weights = frame["weight"]
    series = weights.reindex(frame.index) if isinstance(weights, pd.Series) else pd.Series(weights, index=frame.index)
    try:
        w = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise AnalysisError("weights must be numbers") from None
    missing = np.isnan(w)
    if missing.any():
        raise AnalysisError(f"response(s) {quote_some(frame.index[missing])} have no weight")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise AnalysisError(
            f"response(s) {quote_some(frame.index[bad])} have negative or infinite weight(s) "
            f"{quote_some(sorted({f'{v:g}' for v in w[bad]}))}; weights must be zero or more"
        )
    return w


def prepare_survey(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    items: pd.DataFrame,
    *,
    weights: pd.Series | None = None,
    known_constructs: Collection[str] | None = None,
) -> PreparedSurvey:
    """Check and align the survey frames once; the other functions of this module work on the result.

    The answers are read group by group, each group only on the items asked of it, so a wide frame holding
    every group's items (mostly empty) costs little.

    Parameters
    ----------
    responses
        One row per complete response: ``response_id`` (column or index), ``group``, optional ``weight``.
    answers
        Wide answers indexed by response id (or with a ``response_id`` column), one column per item.
    items
        The item table (see :func:`validate_items`).
    weights
        Weights overriding the ``weight`` column (for example raked weights), indexed by response id.
    known_constructs
        Construct codes the framework knows (others are an error).

    Raises
    ------
    AnalysisError
        No responses, unknown groups, answers for unknown responses or items, values outside the scale,
        negative weights, an answer to an item not asked of the respondent's group.
    """
    frame = check_responses(responses)
    checked = validate_items(items, known_constructs)
    if not isinstance(answers, pd.DataFrame):
        raise AnalysisError(f"`answers` must be a pandas DataFrame, not {type(answers).__name__}")
    if "response_id" in answers.columns:
        answers = answers.set_index("response_id")
    if answers.index.has_duplicates:
        dup = answers.index[answers.index.duplicated()].unique()
        raise AnalysisError(f"`answers` has more than one row for response(s) {quote_some(dup)}")
    stray = answers.index.difference(frame.index)
    if len(stray):
        raise AnalysisError(
            f"`answers` has row(s) for response(s) {quote_some(list(stray))} that are not complete responses "
            "in `responses`"
        )
    positions = _columns(answers, checked)
    array = _numeric(answers)  # (rows of answers, columns of answers); read only
    row_pos = answers.index.get_indexer(frame.index)  # −1: a response without answers
    w = _weights(frame, weights)

    group_names = tuple(g for g in GROUPS if (frame["group"] == g).any())
    group_codes = pd.Index(group_names).get_indexer(frame["group"]).astype(np.int64)
    has_column = positions >= 0
    item_group = checked["group"].to_numpy(dtype=object)
    explicit = "group" in items.columns
    asked = np.zeros((len(group_names), len(checked)), dtype=bool)
    present_by_group = np.zeros((len(group_names), len(checked)), dtype=bool)
    rows_by_group = []
    for g, group in enumerate(group_names):
        rows = np.flatnonzero(group_codes == g)
        rows_by_group.append(rows)
        source = row_pos[rows]
        source = source[source >= 0]
        if len(source) and has_column.any():
            present = ~np.isnan(array[np.ix_(source, positions[has_column])])
            present_by_group[g, has_column] = present.any(axis=0)
        if explicit:
            asked[g] = np.array([ig is None or ig == group for ig in item_group], dtype=bool)
        else:
            asked[g] = present_by_group[g]
        wrong = present_by_group[g] & ~asked[g]
        if wrong.any():
            j = int(np.flatnonzero(wrong)[0])
            col = array[:, positions[j]]
            who = [
                rid
                for rid, pos in zip(frame.index[rows], row_pos[rows], strict=True)
                if pos >= 0 and not np.isnan(col[pos])
            ]
            raise AnalysisError(
                f"item {checked.index[j]!r} is asked of group {item_group[j]!r} but response(s) {quote_some(who)} "
                f"of group {group!r} answered it"
            )

    constructs = tuple(dict.fromkeys(checked["construct"]))
    item_construct = pd.Index(constructs).get_indexer(checked["construct"]).astype(np.int64)
    member = np.zeros((len(checked), len(constructs)))
    member[np.arange(len(checked)), item_construct] = 1.0
    construct_scores = np.full((len(frame), len(constructs)), np.nan)
    blocks = []
    for g, group in enumerate(group_names):
        rows = rows_by_group[g]
        cols = np.flatnonzero(asked[g])
        raw = np.full((len(rows), len(cols)), np.nan)
        source = row_pos[rows]
        found = source >= 0
        with_column = has_column[cols]
        if found.any() and with_column.any():
            raw[np.ix_(found, with_column)] = array[np.ix_(source[found], positions[cols[with_column]])]
        sub_items = checked.iloc[cols]
        _check_values(raw, sub_items, frame.index[rows])
        scores = _score_block(raw, sub_items)
        blocks.append(GroupBlock(group, rows, cols, scores))
        # respondent construct scores: mean of the answered items, missing below half of the items asked
        valid = ~np.isnan(scores)
        sub_member = member[cols]
        sums = np.where(valid, scores, 0.0) @ sub_member
        answered = valid.astype(float) @ sub_member
        asked_count = sub_member.sum(axis=0)[None, :]
        enough = (answered > 0) & (2.0 * answered >= asked_count)
        with np.errstate(invalid="ignore", divide="ignore"):
            construct_scores[rows] = np.where(enough, sums / np.where(answered > 0, answered, 1.0), np.nan)
    return PreparedSurvey(
        response_ids=frame.index,
        group_names=group_names,
        group_codes=group_codes,
        weights=w,
        items=checked,
        blocks=tuple(blocks),
        asked=asked,
        constructs=constructs,
        item_construct=item_construct,
        construct_scores=construct_scores,
    )


def respondent_construct_scores(responses: pd.DataFrame, answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's construct scores (mean of answered items; missing below half answered).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"construct": ["trust"] * 3, "kind": ["likert"] * 3, "k": [5] * 3,
    ...                       "reverse": [False] * 3, "group": ["residents"] * 3}, index=["a", "b", "c"])
    >>> responses = pd.DataFrame({"group": ["residents"] * 2}, index=[1, 2])
    >>> answers = pd.DataFrame({"a": [5, 5], "b": [3, None], "c": [None, None]}, index=[1, 2])
    >>> respondent_construct_scores(responses, answers, items)["trust"].tolist()
    [75.0, nan]
    """
    prepared = prepare_survey(responses, answers, items)
    return pd.DataFrame(prepared.construct_scores, index=prepared.response_ids, columns=list(prepared.constructs))


# --------------------------------------------------------------------------------------------- cells


def cell_stats(
    values: np.ndarray, weights: np.ndarray, group_codes: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Per group × column of ``values`` (NaN missing): n, Σw, weighted mean, Σw(x−x̄)², Σw², in one pass each.

    Returns arrays of shape (n_groups, n_columns): ``n``, ``sw``, ``mean`` (NaN when empty), ``ss``
    (weighted sum of squared deviations), ``sw2``.
    """
    n_rows, n_cols = values.shape
    valid = ~np.isnan(values) & (weights[:, None] > 0)
    cell = (group_codes[:, None] * n_cols + np.arange(n_cols)[None, :])[valid]
    x = values[valid]
    w = np.broadcast_to(weights[:, None], values.shape)[valid]
    size = n_groups * n_cols
    n = np.bincount(cell, minlength=size).reshape(n_groups, n_cols)
    sw = np.bincount(cell, weights=w, minlength=size).reshape(n_groups, n_cols)
    swx = np.bincount(cell, weights=w * x, minlength=size).reshape(n_groups, n_cols)
    sw2 = np.bincount(cell, weights=w * w, minlength=size).reshape(n_groups, n_cols)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sw > 0, swx / np.where(sw > 0, sw, 1.0), np.nan)
    dev = x - mean.ravel()[cell]
    ss = np.bincount(cell, weights=w * dev * dev, minlength=size).reshape(n_groups, n_cols)
    return {"n": n, "sw": sw, "mean": mean, "ss": ss, "sw2": sw2}


def _t_interval(mean: float, sw: float, ss: float, sw2: float, confidence: float) -> tuple[tuple | None, str | None]:
    if sw <= 0:
        return None, "no respondents"
    n_eff = sw * sw / sw2
    if n_eff <= 1.0 + 1e-9:
        return None, "fewer than 2 effective respondents"
    se = np.sqrt(max(ss / sw, 0.0) / (n_eff - 1.0))
    half = t_quantile(0.5 + confidence / 2.0, n_eff - 1.0) * se
    return (max(0.0, mean - half), min(100.0, mean + half)), None


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
                _t_interval(mean, sw, float(stats["ss"][g, k]), sw2, confidence) if mean is not None else (None, None)
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
        ``ci_low``, ``ci_high``, ``n``, ``n_effective``.
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
            ci = None
            if mean is not None:
                if kinds[j] == "yesno":
                    low, high = wilson_interval(min(max(mean / 100.0, 0.0), 1.0), sw * sw / sw2, confidence)
                    ci = (low * 100.0, high * 100.0)
                else:
                    ci, _ = _t_interval(mean, sw, float(stats["ss"][0, local]), sw2, confidence)
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
                }
            )
    table = pd.DataFrame(
        rows, columns=["item", "group", "construct", "kind", "score", "ci_low", "ci_high", "n", "n_effective"]
    )
    return table.set_index(["item", "group"])
