"""The indicator table of the reference-standard rating, checked: every value read as a % of implementation
(yes/no words in kk, ru and en, or a number from 0 to 100), every problem named by its spreadsheet row."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from instruments.refstd import RefStdFramework

__all__ = ["REQUIRED_COLUMNS", "RefStdError", "parse_value", "tidy_table"]

REQUIRED_COLUMNS = ("city", "area", "indicator", "value")
DECIMALS = 2
#: Problems kept in a RefStdError (the message shows the first few).
MAX_PROBLEMS = 200
SHOWN_PROBLEMS = 15
ROW_CONVENTION = "rows numbered as in a spreadsheet, the header is row 1"
BAND_TOLERANCE = 1e-9
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_MAX_SHOWN_TEXT = 40


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


def show_value(value: Any) -> str:
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


def parse_value(value: Any, framework: RefStdFramework, method: str | None = None) -> float:
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
    method
        How the framework reads the indicator: ``yes/no`` (yes/no words or 1/0, nothing else), ``percent``
        (a number within the range, no words), or None for an indicator it does not list (either).

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
        if word in framework.yes_words | framework.no_words and method == "percent":
            raise ValueError(f"value {show_value(value)} is a yes/no word, but this indicator is a percentage")
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
            raise ValueError(
                f"value {show_value(value)} is not yes ({yes}), no ({no}) or a number from {low:g} to {high:g}"
            )
        number = float(text)
    else:
        raise ValueError(f"value {show_value(value)} is not yes, no or a number from {low:g} to {high:g}")
    if not math.isfinite(number):
        raise ValueError(f"value {show_value(value)} is not a finite number")
    if method == "yes/no":
        if number not in (0, 1):
            raise ValueError(f"value {show_value(value)} is not yes, no, 1 or 0 (this indicator is a yes/no fact)")
        return float(framework.yes_value if number == 1 else framework.no_value)
    if not low <= number <= high:
        raise ValueError(f"value {show_value(value)} is outside {low:g}–{high:g}")
    return number + 0.0  # -0.0 -> 0.0


def _is_word(value: Any, framework: RefStdFramework) -> bool:
    """A yes/no word or a spreadsheet TRUE/FALSE (not a number)."""
    if isinstance(value, bool):
        return True
    return isinstance(value, str) and _word(value) in framework.yes_words | framework.no_words


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


def tidy_table(df: pd.DataFrame, framework: RefStdFramework) -> tuple[pd.DataFrame, dict[str, str]]:
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
    percentages: list[tuple[Hashable, float]] = []
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
            here.append(f"unknown area {show_value(_text(area_cell))}{hint}")
        indicator = _text(indicator_cell)
        if not indicator:
            here.append("indicator is empty")
        method = framework.method_of(area, indicator) if area in areas else None
        try:
            value = parse_value(value_cell, framework, method)
            if method != "yes/no" and not _is_word(value_cell, framework):
                percentages.append((row, value))
        except ValueError as exc:
            here.append(str(exc))
            value = math.nan
        if city and indicator:
            key = (city.casefold(), indicator.casefold())
            if key in seen:
                here.append(
                    f"indicator {show_value(indicator)} of city {show_value(city)} is already given in row {seen[key]}"
                )
            else:
                seen[key] = row
        if here:
            problems.extend(f"row {row}: {p}" for p in here)
            continue
        names.setdefault(city.casefold(), city)
        records.append((city.casefold(), area, value))
    if stopped:
        problems.append(f"checking stopped after {MAX_PROBLEMS} problems")
    if percentages and all(v in (0, 1) for _, v in percentages) and any(v == 1 for _, v in percentages):
        problems.append(
            f"every percentage in the file is 0 or 1 (rows {', '.join(str(r) for r, _ in percentages[:10])}"
            f"{', …' if len(percentages) > 10 else ''}): if these are yes/no codes, write yes or no (or 1 and 0 "
            "for an indicator the framework lists as yes/no); as percentages, 1 would count as 1 %"
        )
    if unknown_area:
        problems.append(f"area must be one of: {', '.join(areas)}")
    if problems:
        raise RefStdError(problems)
    return pd.DataFrame(records, columns=["city", "area", "value"]), names
