"""A round's survey frames checked and aligned once as arrays (:class:`PreparedSurvey`), with each
respondent's construct scores: the mean of the answered items of the construct among those asked of the
respondent's group, missing when fewer than half of them were answered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

from .errors import AnalysisError, quote_some, require_columns
from .items import ROW_CHUNK_CELLS, _check_values, _columns, _numeric, _score_block, row_chunks, validate_items

__all__ = ["GroupBlock", "PreparedSurvey", "check_responses", "prepare_survey", "respondent_construct_scores"]


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
    answers = _aligned_answers(answers, frame)
    positions = _columns(answers, checked)
    array = _numeric(answers)  # (rows of answers, columns of answers); read only
    row_pos = answers.index.get_indexer(frame.index)  # −1: a response without answers
    group_names = tuple(g for g in GROUPS if (frame["group"] == g).any())
    group_codes = pd.Index(group_names).get_indexer(frame["group"]).astype(np.int64)
    rows_by_group = [np.flatnonzero(group_codes == g) for g in range(len(group_names))]
    asked = _asked(frame, checked, "group" in items.columns, group_names, rows_by_group, array, positions, row_pos)

    constructs = tuple(dict.fromkeys(checked["construct"]))
    item_construct = pd.Index(constructs).get_indexer(checked["construct"]).astype(np.int64)
    member = np.zeros((len(checked), len(constructs)))
    member[np.arange(len(checked)), item_construct] = 1.0
    construct_scores = np.full((len(frame), len(constructs)), np.nan)
    blocks = []
    for g, group in enumerate(group_names):
        rows, cols = rows_by_group[g], np.flatnonzero(asked[g])
        raw = _group_answers(array, row_pos[rows], positions[cols])
        sub_items = checked.iloc[cols]
        _check_values(raw, sub_items, frame.index[rows])
        scores = _score_block(raw, sub_items, in_place=True)
        blocks.append(GroupBlock(group, rows, cols, scores))
        for part in row_chunks(len(rows), len(cols)):
            construct_scores[rows[part]] = _respondent_means(scores[part], member[cols])
    return PreparedSurvey(
        response_ids=frame.index,
        group_names=group_names,
        group_codes=group_codes,
        weights=_weights(frame, weights),
        items=checked,
        blocks=tuple(blocks),
        asked=asked,
        constructs=constructs,
        item_construct=item_construct,
        construct_scores=construct_scores,
    )


def _aligned_answers(answers: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The answers indexed by response id, one row per response, none for a response not in `frame`."""
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
    return answers


def _group_answers(array: np.ndarray, source: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """A group's raw answers (a new array): rows ``source`` and columns ``columns`` of ``array``, NaN where
    either is −1 (a response without answers, an item without a column)."""
    found = source >= 0
    with_column = columns >= 0
    if found.all() and with_column.all():
        return array[np.ix_(source, columns)]
    raw = np.full((len(source), len(columns)), np.nan)
    if found.any() and with_column.any():
        raw[np.ix_(found, with_column)] = array[np.ix_(source[found], columns[with_column])]
    return raw


def _asked(frame, checked, explicit, group_names, rows_by_group, array, positions, row_pos) -> np.ndarray:
    """(groups × items) whether an item is asked of a group: its ``group`` column, else "someone answered it".
    An answer to an item not asked of the respondent's group is an error."""
    has_column = positions >= 0
    item_group = checked["group"].to_numpy(dtype=object)
    asked = np.zeros((len(group_names), len(checked)), dtype=bool)
    answered = _answered_by_group(array, row_pos, rows_by_group)
    for g, group in enumerate(group_names):
        rows = rows_by_group[g]
        present = np.zeros(len(checked), dtype=bool)
        present[has_column] = answered[g, positions[has_column]]
        asked[g] = np.array([ig is None or ig == group for ig in item_group], dtype=bool) if explicit else present
        wrong = present & ~asked[g]
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
    return asked


def _answered_by_group(array: np.ndarray, row_pos: np.ndarray, rows_by_group: list[np.ndarray]) -> np.ndarray:
    """(groups × columns of ``array``) whether anyone of the group answered the column, in one pass."""
    n_rows, n_cols = array.shape
    member = np.zeros((n_rows, len(rows_by_group)), dtype=np.float32)
    for g, rows in enumerate(rows_by_group):
        source = row_pos[rows]
        member[source[source >= 0], g] = 1.0
    out = np.zeros((len(rows_by_group), n_cols), dtype=bool)
    step = max(1, ROW_CHUNK_CELLS // max(n_rows, 1))
    for first in range(0, n_cols, step):  # a few columns at a time: memory stays flat
        part = slice(first, min(first + step, n_cols))
        out[:, part] = member.T @ (~np.isnan(array[:, part])).astype(np.float32) > 0
    return out


def _respondent_means(scores: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Respondent construct scores: mean of the answered items, missing below half of the items asked."""
    valid = ~np.isnan(scores)
    sums = np.where(valid, scores, 0.0) @ member
    answered = valid.astype(float) @ member
    enough = (answered > 0) & (2.0 * answered >= member.sum(axis=0)[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough, sums / np.where(answered > 0, answered, 1.0), np.nan)


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
