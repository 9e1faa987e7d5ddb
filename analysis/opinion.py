"""The public-opinion side of the reference-standard rating (methodology §6.1).

Residents and businesses rate, for each area of public life and ICT, how well the city's digital services
work for them on a 5-point scale; "I do not use them / don't know" is missing, not low.

1. ``O_area`` = the weighted share of ratings in the top two points (4 or 5) among those who rated, in %,
   with its Wilson interval at the Kish effective n; below ``k_min`` raters the area is suppressed (missing).
2. Formulas 2–8 of §6 applied to the ``O_area`` give ``O_<group>``, points and ``Ct_opinion``; a group mean
   averages the group's rated areas. Below ``min_coverage`` of the areas rated, or with a group without a
   rated area, ``Ct_opinion`` is not computed and ``missing`` says why.
3. Per area the gap ``S_area − O_area`` to the administrative side, largest first; and
   ``Ct_combined = w · Ct + (1 − w) · Ct_opinion`` (w from the framework file), which never replaces either.

>>> import pandas as pd
>>> from instruments.refstd import load_refstd_framework
>>> fw = load_refstd_framework()
>>> ratings = pd.DataFrame([(i, a, 5 if i % 5 < 3 else 2) for a in fw.area_codes for i in range(10)],
...                        columns=["response_id", "area", "rating"])
>>> side = opinion_side(ratings, None, fw, k_min=5)
>>> side["areas"]["health"]["o"], side["c_priority"], side["ct_opinion_percent"]
(60.0, 6, 60.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .refstd import _percent, _round
from .stats import wilson_interval

if TYPE_CHECKING:
    from instruments.refstd import RefStdFramework

__all__ = ["TOP_TWO", "area_opinion", "opinion_side"]

#: A rating of 4 or 5 on the 5-point scale is a good one (top-two-box).
TOP_TWO = 4
COVERAGE_TOLERANCE = 5e-5  # 8 of 12 areas is 0.66666…, which a file writes as 0.6667


def area_opinion(
    ratings: pd.DataFrame, weights: pd.Series | None, area_codes: tuple[str, ...], k_min: int, confidence: float = 0.95
) -> dict[str, dict[str, Any]]:
    """Per area: ``o`` (top-two share, %), ``ci95``, ``n`` raters, ``n_effective``, or ``suppressed``.

    ``ratings`` has one row per rating: ``response_id``, ``area`` and ``rating`` (1–5; unanswered items are
    simply absent). ``weights`` (by response id; missing ids weigh 1) are the respondents' analysis weights.
    """
    for column in ("response_id", "area", "rating"):
        if column not in ratings.columns:
            raise AnalysisError(f"area ratings need a {column!r} column")
    frame = ratings.dropna(subset=["rating"])
    unknown = sorted(set(frame["area"]) - set(area_codes))
    if unknown:
        raise AnalysisError(f"area ratings name areas the framework does not have: {', '.join(map(str, unknown))}")
    values = pd.to_numeric(frame["rating"], errors="coerce")
    if values.isna().any() or not values.between(1, 5).all():
        raise AnalysisError("an area rating is not a number from 1 to 5")
    w = frame["response_id"].map(weights) if weights is not None else pd.Series(1.0, index=frame.index)
    w = w.fillna(1.0).astype("float64")
    if (w < 0).any() or not np.isfinite(w).all():
        raise AnalysisError("a respondent's weight is negative or not a number")
    good = (values >= TOP_TWO).astype("float64")
    out: dict[str, dict[str, Any]] = {}
    for code in area_codes:
        mask = (frame["area"] == code).to_numpy()
        n = int(mask.sum())
        if n < k_min:
            out[code] = {"suppressed": True, "n": n}
            continue
        weight = w[mask].to_numpy()
        total = math.fsum(weight)
        share = math.fsum(weight * good[mask].to_numpy()) / total if total > 0 else 0.0
        n_eff = total * total / math.fsum(weight * weight) if total > 0 else 0.0
        low, high = wilson_interval(min(max(share, 0.0), 1.0), n_eff, confidence)
        out[code] = {
            "_o": 100 * share,  # unrounded, for the bands; removed by opinion_side
            "o": _percent(100 * share),
            "ci95": [_percent(100 * low), _percent(100 * high)],
            "n": n,
            "n_effective": _round(n_eff),
        }
    return out


def opinion_side(
    ratings: pd.DataFrame,
    administrative: dict[str, Any] | None,
    framework: RefStdFramework,
    *,
    weights: pd.Series | None = None,
    k_min: int = 5,
) -> dict[str, Any]:
    """The opinion rating of one city beside its administrative rating (a ``score_refstd`` city, or None).

    Returns ``areas`` (per area the :func:`area_opinion` entry, with ``s`` and ``gap`` when the administrative
    side has the area), ``o_<group>``, ``c_<group>``, ``total_points``, ``ct_opinion_percent``, ``rated_areas``,
    ``coverage``, ``gaps`` (area codes, largest gap first), ``weight``, ``ct_combined_percent`` and
    ``missing`` (why the opinion rating or the combined one is not computed, else None). Nothing is NaN.
    """
    areas = area_opinion(ratings, weights, framework.area_codes, k_min)
    raw = {code: entry.pop("_o") for code, entry in areas.items() if "_o" in entry}
    admin_areas = (administrative or {}).get("areas") or {}
    for code, entry in areas.items():
        if code in admin_areas and "o" in entry:
            entry["s"] = admin_areas[code]
            entry["gap"] = _percent(admin_areas[code] - entry["o"])
    rated = [code for code, entry in areas.items() if "o" in entry]
    coverage = len(rated) / len(framework.area_codes)
    side: dict[str, Any] = {
        "areas": areas,
        "rated_areas": len(rated),
        "coverage": _round(coverage),
        "gaps": sorted((c for c in rated if "gap" in areas[c]), key=lambda c: (-areas[c]["gap"], c)),
        "weight": framework.opinion_weight,
        "ct_opinion_percent": None,
        "ct_combined_percent": None,
        "missing": None,
    }
    if coverage + COVERAGE_TOLERANCE < framework.opinion_min_coverage:
        side["missing"] = (
            f"only {len(rated)} of {len(framework.area_codes)} areas have at least {k_min} ratings; "
            f"an opinion rating needs {framework.opinion_min_coverage:.0%} of them"
        )
        return side
    points = {}
    for group in framework.groups:
        codes = [a.code for a in framework.areas_of(group.code) if a.code in rated]
        if not codes:
            side["missing"] = f"no area of the group {group.code} has enough ratings"
            return side
        mean = math.fsum(raw[c] for c in codes) / len(codes)
        side[f"o_{group.code}"] = _percent(mean)
        points[group.code] = group.coefficient * framework.points(mean)
        side[f"c_{group.code}"] = (
            int(points[group.code]) if float(points[group.code]).is_integer() else points[group.code]
        )
    total = math.fsum(points.values())
    side["total_points"] = int(total) if float(total).is_integer() else _round(total)
    side["ct_opinion_percent"] = _percent(total / framework.max_score * 100)
    if administrative and administrative.get("ct_percent") is not None:
        w = framework.opinion_weight
        side["ct_combined_percent"] = _percent(w * administrative["ct_percent"] + (1 - w) * side["ct_opinion_percent"])
    else:
        side["missing"] = "the city has no administrative rating, so there is no combined one"
    return side
