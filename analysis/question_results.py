"""Per-question results of a round: for each choice question and group, how many chose each answer, unweighted
and weighted, with "don't know" and no answer counted apart (never in the percentages' base), and groups of
fewer than k_min respondents withheld. A multiple-choice question's answers are ranked by the share that chose
them (residents' priorities); a ranking question's by the share that put them first."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["question_table"]

DONT_KNOW = "dont_know"


def _share(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole > 0 else None


def question_table(
    kind: str,
    codes: Iterable[str],
    answers: Mapping[int, Any],
    respondents: Iterable[int],
    weights: Mapping[int, float] | None,
    k_min: int,
) -> dict[str, Any]:
    """The table of one question in one group.

    `answers` maps a respondent to the stored answer (a choice code; a list for multiple and rank); every
    respondent of `respondents` without one counts as no answer. Percentages are of those who answered
    (not "don't know"); `weighted` uses `weights` (1 where a respondent has none).
    """
    people = list(respondents)
    codes = list(codes)
    weight = {p: (float(weights.get(p, 1.0)) if weights else 1.0) for p in people}
    for p, w in weight.items():
        if not math.isfinite(w) or w < 0:
            weight[p] = 1.0
    answered = [p for p in people if answers.get(p) not in (None, [], "") and answers.get(p) != DONT_KNOW]
    dont_know = [p for p in people if answers.get(p) == DONT_KNOW]
    out: dict[str, Any] = {
        "n": len(people),
        "answered": len(answered),
        "dont_know": len(dont_know),
        "no_answer": len(people) - len(answered) - len(dont_know),
    }
    if len(answered) < k_min:
        out["withheld"] = True
        return out
    base, wbase = len(answered), sum(weight[p] for p in answered)
    rows = []
    for code in codes:
        chosen = [p for p in answered if _chosen(kind, answers[p], code)]
        rows.append(
            {
                "code": code,
                "count": len(chosen),
                "pct": _share(len(chosen), base),
                "weighted_pct": _share(sum(weight[p] for p in chosen), wbase),
            }
        )
    if kind in ("multiple", "rank"):
        order = sorted(range(len(rows)), key=lambda i: (-(rows[i]["weighted_pct"] or 0), i))
        for rank, i in enumerate(order, start=1):
            rows[i]["rank"] = rank
    out["rows"] = rows
    out["weighted"] = weights is not None and any(abs(weight[p] - 1.0) > 1e-12 for p in answered)
    return out


def _chosen(kind: str, value: Any, code: str) -> bool:
    if kind == "multiple":
        return isinstance(value, list) and code in value
    if kind == "rank":  # put first
        return isinstance(value, list) and bool(value) and value[0] == code
    return str(value) == code
