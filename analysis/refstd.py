"""Reference-standard rating of Kazakh "Smart" cities (paper 002, formulas 1–8).

Every indicator is a % of implementation (Yes = 100, No = 0, or a percentage measured by its own method).

1. ``S_area`` = mean of the area's indicators (formula 1).
2. ``S_priority`` = mean of the six priority ``S_area`` (2); ``S_additional`` = mean of the five additional
   ``S_area`` (3); ``S_ict`` = mean of the ICT indicators (4). In general: a group's mean is the mean of
   its areas' means.
3. Points ``C(S)`` by the bands of table 2 (S ≤ 20 → 1; 20 < S ≤ 40 → 2; … ; S > 80 → 5), read from the
   unrounded mean (floating-point noise at an edge is ignored), so a mean of 20.003 earns 2 points although
   it is shown, rounded, as 20.0.
4. ``C_group = K · C(S_group)``: K2 = 2 for priority and ICT, K1 = 1 for additional (formulas 5–7).
5. ``Ct = (C_priority + C_additional + C_ict) / 25`` (formula 8), reported as a percentage, so always a
   multiple of 4 % between 20 % and 100 %. Cities are ranked by Ct; ties share the best rank (1, 1, 1, 4).

Beside Ct, the unbanded weighted mean ``(2·S_priority + S_additional + 2·S_ict) / 5`` lets a reader
compare with figures (such as the paper's 61 % and 35 %) that are not multiples of 4 %.

Areas, groups, bands, coefficients, the maximum score and the yes/no words all come from the framework
(``instruments.refstd.load_refstd_framework``); this module has no Flask, no ORM and no file I/O.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import pandas as pd

from .refstd_table import REQUIRED_COLUMNS, RefStdError, parse_value, show_value, tidy_table

if TYPE_CHECKING:
    from instruments.refstd import RefStdFramework

__all__ = [
    "REQUIRED_COLUMNS",
    "RefStdError",
    "parse_value",
    "refstd_csv",
    "refstd_frame",
    "score_refstd",
]

DECIMALS = 2
BAND_TOLERANCE = 1e-9


class RefStdCity(TypedDict):
    """One city's rating (formulas 1–8): ``s_<group>`` and ``c_<group>`` for each group of the framework
    (the built-in one: priority, additional, ict)."""

    city: str
    areas: dict[str, float]
    s_priority: float
    s_additional: float
    s_ict: float
    c_priority: int | float
    c_additional: int | float
    c_ict: int | float
    total_points: int | float
    ct_percent: float
    weighted_mean_percent: float
    to_next_band: dict[str, float | None]  # points of S missing to the next band, per group (None: top band)
    rank: int
    tied: bool  # shares its rank; ordered inside the tie by the weighted mean


def _round(value: float) -> float:
    """Round half away from zero on the decimal digits shown (91.125 -> 91.13, as a reader expects)."""
    quantum = Decimal(1).scaleb(-DECIMALS)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)) + 0.0


def _number(value: float) -> int | float:
    """An output number: a whole number as int, anything else rounded to 2 decimals."""
    value = float(value)
    if not math.isfinite(value):  # guarded by the checks above; never let a NaN out
        raise RefStdError([f"internal error: a result is not a finite number ({value})"])
    if value.is_integer():
        return int(value)
    return _round(value)


def _percent(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise RefStdError([f"internal error: a result is not a finite number ({value})"])
    return _round(value)


def score_refstd(df: pd.DataFrame, framework: RefStdFramework) -> dict[str, list[dict[str, Any]]]:
    """Rate cities by the reference standard of "Smart" cities (formulas 1–8).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (city, indicator) with columns ``city``, ``area`` (an area code of the framework),
        ``indicator`` (any name, unique within a city) and ``value`` (raw: yes/no words or 0–100; see
        :func:`parse_value`). Other columns (``year``, ``source``…) are ignored. When the index is named
        ``row`` (as ``read_refstd_table`` makes it) its values are the row numbers used in errors;
        otherwise the first data row is row 2, under a header in row 1.
    framework : RefStdFramework
        The loaded framework: areas and groups, bands, coefficients, maximum score, yes/no words.

    Returns
    -------
    dict
        ``{"cities": [...]}``, cities sorted by rank and then name, each with ``city``, ``areas``
        (``{area code: S_area}`` in the framework's order), ``s_<group>`` and ``c_<group>`` for each group
        (``s_priority``, ``s_additional``, ``s_ict``, ``c_priority``…), ``total_points``, ``ct_percent``,
        ``weighted_mean_percent`` and ``rank``. Means and percentages are rounded to 2 decimals; points
        are whole numbers; nothing is NaN.

    Raises
    ------
    RefStdError
        Every problem at once (up to a cap), each naming the row as a spreadsheet shows it: a missing
        column, an empty cell, an unknown area code, a value that is not yes/no or a number in 0–100, the
        same indicator twice for a city; or a city with no indicator in some area (formulas 2–4 average
        every area of a group, so none may be empty).

    Examples
    --------
    >>> import pandas as pd
    >>> from instruments.refstd import load_refstd_framework
    >>> fw = load_refstd_framework()
    >>> rows = [("Shu", a.code, f"{a.code}_1", "yes") for a in fw.areas]
    >>> rows[0] = ("Shu", "urban_management", "city_gis", "нет")
    >>> result = score_refstd(pd.DataFrame(rows, columns=["city", "area", "indicator", "value"]), fw)
    >>> city = result["cities"][0]
    >>> city["s_priority"], city["c_priority"], city["total_points"], city["ct_percent"], city["rank"]
    (83.33, 10, 25, 100.0, 1)
    >>> city["weighted_mean_percent"]
    93.33
    """
    tidy, names = tidy_table(df, framework)
    # math.fsum: an exactly rounded sum, so the result does not depend on the order of the rows
    area_means = (
        tidy.groupby(["city", "area"], sort=False)["value"]
        .agg(lambda values: math.fsum(values) / len(values))
        .unstack("area")
    )
    area_means = area_means.reindex(columns=list(framework.area_codes))

    problems = []
    for city_key, means in area_means.iterrows():
        empty = [f"{code} ({framework.area(code).group})" for code in area_means.columns if pd.isna(means[code])]
        if empty:
            problems.append(
                f"city {show_value(names[city_key])} has no indicator in area(s) {', '.join(empty)}; "
                "every area needs at least one (a group's mean averages all its areas)"
            )
    if problems:
        raise RefStdError(problems)

    total_coefficient = sum(g.coefficient for g in framework.groups)
    cities = []
    for city_key, means in area_means.iterrows():
        entry: dict[str, Any] = {
            "city": names[city_key],
            "areas": {code: _percent(means[code]) for code in area_means.columns},
        }
        group_means = {}
        for group in framework.groups:
            codes = [a.code for a in framework.areas_of(group.code)]
            group_means[group.code] = math.fsum(float(means[c]) for c in codes) / len(codes)
        points = {g.code: g.coefficient * framework.points(group_means[g.code]) for g in framework.groups}
        for group in framework.groups:
            entry[f"s_{group.code}"] = _percent(group_means[group.code])
        for group in framework.groups:
            entry[f"c_{group.code}"] = _number(points[group.code])
        total = math.fsum(points.values())
        entry["total_points"] = _number(total)
        entry["ct_percent"] = _percent(total / framework.max_score * 100)
        weighted = math.fsum(g.coefficient * group_means[g.code] for g in framework.groups) / total_coefficient
        entry["weighted_mean_percent"] = _percent(weighted)
        entry["to_next_band"] = {g.code: _to_next_band(group_means[g.code], framework) for g in framework.groups}
        entry["_total"] = round(total, 9)
        cities.append(entry)

    totals = pd.Series([c["_total"] for c in cities], dtype="float64")
    ranks = totals.rank(method="min", ascending=False)
    shared = ranks.value_counts()
    for entry, rank in zip(cities, ranks, strict=True):
        entry["rank"] = int(rank)
        entry["tied"] = bool(shared[rank] > 1)  # ordered inside the tie by the unbanded weighted mean
        entry["to_next_band"] = entry.pop("to_next_band")
        del entry["_total"]
    cities.sort(key=lambda c: (c["rank"], -c["weighted_mean_percent"], c["city"].casefold(), c["city"]))
    return {"cities": cities}


def _to_next_band(mean: float, framework: RefStdFramework) -> float | None:
    """Percentage points from a group mean to the edge of the next band of table 2 (None in the top band):
    a city at 59.9 is 0.1 from a 4th point."""
    edges = [band.up_to for band in framework.bands]
    above = [edge for edge in edges[:-1] if mean <= edge + BAND_TOLERANCE]
    return _percent(max(above[0] - mean, 0.0)) if above else None


def refstd_frame(result: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """The rating as a table: one row per city, the fields of the JSON with areas as ``area_<code>``.

    Examples
    --------
    >>> result = {"cities": [{"city": "Shu", "areas": {"health": 50.0}, "ct_percent": 60.0, "rank": 1}]}
    >>> list(refstd_frame(result).columns)
    ['city', 'area_health', 'ct_percent', 'rank']
    """
    rows = []
    for city in result["cities"]:
        row: dict[str, Any] = {}
        for key, value in city.items():
            if key == "areas":
                row.update({f"area_{code}": mean for code, mean in value.items()})
            elif key == "to_next_band":
                row.update({f"to_next_band_{code}": gap for code, gap in value.items()})
            elif key == "opinion":  # the public-opinion side of a round's city (methodology §6.1)
                row.update(_opinion_columns(value))
            else:
                row[key] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _opinion_columns(opinion: dict[str, Any]) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for code, entry in (opinion.get("areas") or {}).items():
        columns[f"opinion_{code}"] = entry.get("o")
        columns[f"gap_{code}"] = entry.get("gap")
    for key in ("ct_opinion_percent", "ct_combined_percent", "missing"):
        if key in opinion:
            columns[f"opinion_{key}" if key == "missing" else key] = opinion[key]
    return columns


def _safe_cell(value: Any) -> Any:
    """Keep a spreadsheet from reading a text cell as a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def refstd_csv(result: dict[str, list[dict[str, Any]]]) -> str:
    """The rating as CSV text (header + one line per city, ``\\n`` line ends), as ``scri refstd score`` prints it.

    City names that a spreadsheet would run as a formula are prefixed with ``'``.
    """
    frame = refstd_frame(result)
    if "city" in frame.columns:
        frame["city"] = frame["city"].map(_safe_cell)
    return frame.to_csv(index=False, lineterminator="\n")
