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

import difflib
import math
import re
import unicodedata
from collections.abc import Hashable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import pandas as pd

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

REQUIRED_COLUMNS = ("city", "area", "indicator", "value")
DECIMALS = 2
#: Problems kept in a RefStdError (the message shows the first few).
MAX_PROBLEMS = 200
SHOWN_PROBLEMS = 15
ROW_CONVENTION = "rows numbered as in a spreadsheet, the header is row 1"
BAND_TOLERANCE = 1e-9
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_MAX_SHOWN_TEXT = 40


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
    rank: int


class RefStdError(ValueError):
    """Input that cannot be rated; ``problems`` lists every problem found (up to a cap), each naming the row.

    ``str(error)`` is one line: the number of problems, the row convention and the first problems.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(_one_line(self.problems))


def _one_line(problems: list[str]) -> str:
    shown = problems[:SHOWN_PROBLEMS]
    more = len(problems) - len(shown)
    tail = f"; … and {more} more" if more > 0 else ""
    if any(p.startswith("row ") for p in problems):
        lead = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        return f"{lead} ({ROW_CONVENTION}): " + "; ".join(shown) + tail
    return "; ".join(shown) + tail


def _show(value: Any) -> str:
    """A cell as it can be quoted in a one-line message."""
    text = str(value)
    if len(text) > _MAX_SHOWN_TEXT:
        text = text[: _MAX_SHOWN_TEXT - 1] + "…"
    return repr(text)


def _word(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return text.replace("\u0259", "\u04d9")  # Latin schwa ə, often typed for Kazakh ә


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_value(value: Any, framework: RefStdFramework) -> float:
    """The % of implementation of one indicator value.

    Yes/no words of the framework (any letter case: ``yes``/``no``, ``да``/``нет``, ``иә``/``жоқ``) give
    100 / 0; a number (``75``, ``75.5``, ``75,5`` or ``75%``) must lie within 0–100. A spreadsheet's
    TRUE/FALSE cell counts as yes/no.

    Parameters
    ----------
    value
        The raw cell: text, a number, a boolean.
    framework
        The loaded framework (yes/no words, values and range).

    Returns
    -------
    float
        The value in %.

    Raises
    ------
    ValueError
        Empty, not yes/no or a number, not finite, or outside the range; the message says why.

    Examples
    --------
    >>> from instruments.refstd import load_refstd_framework
    >>> fw = load_refstd_framework()
    >>> parse_value("Иә", fw), parse_value("нет", fw), parse_value("62,5%", fw)
    (100.0, 0.0, 62.5)
    """
    low, high = framework.value_min, framework.value_max
    if _is_missing(value):
        raise ValueError(
            f"value is empty (write yes, no or a number from {low:g} to {high:g}, or leave the indicator out)"
        )
    if isinstance(value, bool):
        return float(framework.yes_value if value else framework.no_value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        word = _word(value)
        if word in framework.yes_words:
            return float(framework.yes_value)
        if word in framework.no_words:
            return float(framework.no_value)
        text = word.replace("\u00a0", "").replace(" ", "")
        text = text.removesuffix("%")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not _NUMBER_RE.match(text):
            yes = "/".join(sorted(framework.yes_words))
            no = "/".join(sorted(framework.no_words))
            raise ValueError(f"value {_show(value)} is not yes ({yes}), no ({no}) or a number from {low:g} to {high:g}")
        number = float(text)
    else:
        raise ValueError(f"value {_show(value)} is not yes, no or a number from {low:g} to {high:g}")
    if not math.isfinite(number):
        raise ValueError(f"value {_show(value)} is not a finite number")
    if not low <= number <= high:
        raise ValueError(f"value {_show(value)} is outside {low:g}–{high:g}")
    return number + 0.0  # -0.0 -> 0.0


def _row_numbers(df: pd.DataFrame) -> list[Hashable]:
    """Spreadsheet row numbers: the index when it is named ``row`` (as read from a file), else position + 2."""
    if df.index.name == "row":
        return list(df.index)
    return list(range(2, len(df) + 2))


def _columns(df: pd.DataFrame) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for column in df.columns:
        key = str(column).strip().casefold()
        found.setdefault(key, column)
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise RefStdError(
            [f"missing column(s) {', '.join(missing)}: the header (row 1) must name {', '.join(REQUIRED_COLUMNS)}"]
        )
    return {c: found[c] for c in REQUIRED_COLUMNS}


def _text(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _tidy(df: pd.DataFrame, framework: RefStdFramework) -> tuple[pd.DataFrame, dict[str, str]]:
    """Check every row; return (city key, area, value) rows and each city's displayed name."""
    columns = _columns(df)
    if df.empty:
        raise RefStdError(["the file has no data rows (expected columns city, area, indicator, value)"])
    areas = {a.code: a for a in framework.areas}
    problems: list[str] = []
    unknown_area = False
    names: dict[str, str] = {}
    seen: dict[tuple[str, str], Hashable] = {}
    records: list[tuple[str, str, float]] = []
    frame = df[[columns[c] for c in REQUIRED_COLUMNS]]
    stopped = False
    for row, (city_cell, area_cell, indicator_cell, value_cell) in zip(
        _row_numbers(df), frame.itertuples(index=False, name=None), strict=True
    ):
        if len(problems) >= MAX_PROBLEMS:
            stopped = True
            break
        here: list[str] = []
        city = _text(city_cell)
        if not city:
            here.append("city is empty")
        area = _text(area_cell).casefold()
        if not area:
            here.append("area is empty")
        elif area not in areas:
            unknown_area = True
            close = difflib.get_close_matches(area, list(areas), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            here.append(f"unknown area {_show(_text(area_cell))}{hint}")
        indicator = _text(indicator_cell)
        if not indicator:
            here.append("indicator is empty")
        try:
            value = parse_value(value_cell, framework)
        except ValueError as exc:
            here.append(str(exc))
            value = math.nan
        if city and indicator:
            key = (city.casefold(), indicator.casefold())
            if key in seen:
                here.append(f"indicator {_show(indicator)} of city {_show(city)} is already given in row {seen[key]}")
            else:
                seen[key] = row
        if here:
            problems.extend(f"row {row}: {p}" for p in here)
            continue
        names.setdefault(city.casefold(), city)
        records.append((city.casefold(), area, value))
    if stopped:
        problems.append(f"checking stopped after {MAX_PROBLEMS} problems")
    if unknown_area:
        problems.append(f"area must be one of: {', '.join(areas)}")
    if problems:
        raise RefStdError(problems)
    return pd.DataFrame(records, columns=["city", "area", "value"]), names


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
    tidy, names = _tidy(df, framework)
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
                f"city {_show(names[city_key])} has no indicator in area(s) {', '.join(empty)}; "
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
        entry["_total"] = round(total, 9)
        cities.append(entry)

    totals = pd.Series([c["_total"] for c in cities], dtype="float64")
    ranks = totals.rank(method="min", ascending=False)
    for entry, rank in zip(cities, ranks, strict=True):
        entry["rank"] = int(rank)
        del entry["_total"]
    cities.sort(key=lambda c: (c["rank"], c["city"].casefold(), c["city"]))
    return {"cities": cities}


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
            else:
                row[key] = value
        rows.append(row)
    return pd.DataFrame(rows)


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
