"""Infrastructure and reference-standard indicator values of cities: validate a table row by row, import.

The indicator codes, units and valid ranges come from the SCRI framework file (`instruments/frameworks.py`,
`imported` indicators) and from the reference standard (`rs:<area>:<code>`). Problems are worded in the
language of the current request (English on the command line) and always start with the spreadsheet row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select

from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework, normalise_word

from ..extensions import db
from ..i18n import translate as _
from ..models import IndicatorValue, User
from ..models._base import utcnow
from . import audit
from .cities import find_city
from .errors import ServiceError
from .uploads import with_columns

REFSTD_PREFIX = "rs"
MAX_PROBLEMS = 200
YEAR_RANGE = (1990, 2100)
YES_WORDS = {"yes", "да", "иә", "ия", "true"}
NO_WORDS = {"no", "нет", "жоқ", "false"}


def catalogue() -> dict[str, dict[str, Any]]:
    """Every importable indicator: the SCRI framework's and the reference standard's (`rs:<area>:<code>`).

    Each entry: label {kk, ru, en}, unit, min, max, kind ('scri' or 'refstd'), yesno (a yes/no fact).
    """
    entries: dict[str, dict[str, Any]] = {}
    for ind in load_framework().imported:
        entries[ind.code] = {
            "label": ind.label,
            "unit": ind.unit,
            "min": ind.min,
            "max": ind.max,
            "kind": "scri",
            "yesno": ind.source == "yesno",
            "dimension": ind.dimension,
        }
    refstd = load_refstd_framework()
    for area in refstd.areas:
        for ind in area.indicators:
            entries[f"{REFSTD_PREFIX}:{area.code}:{ind.code}"] = {
                "label": ind.label,
                "unit": "%",
                "min": refstd.value_min,
                "max": refstd.value_max,
                "kind": "refstd",
                "yesno": ind.method == "yes/no",
                "method": ind.method,
                "area": area.label,
            }
    return entries


@dataclass
class Checked:
    """The rows that can be imported and the problems of the others (with spreadsheet row numbers)."""

    valid: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    bad_rows: int = 0
    blank_rows: list[int] = field(default_factory=list)


def _number(raw: Any, info: dict) -> float | None:
    """The value of a cell as a number (yes/no words for yes/no indicators; a decimal comma is accepted)."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(float(raw)) else None
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if info.get("kind") == "refstd":
        refstd = load_refstd_framework()
        word = normalise_word(text)
        if info.get("yesno") and word in refstd.yes_words:
            return 1.0  # a yes/no code; stored as its % of implementation once checked (_stored)
        if info.get("yesno") and word in refstd.no_words:
            return 0.0
    elif info.get("yesno"):
        lowered = text.casefold()
        if lowered in YES_WORDS:
            return 1.0
        if lowered in NO_WORDS:
            return 0.0
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(raw: Any) -> str:
    """A cell as text (empty for nothing); `_shown` shortens it for a message."""
    return "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()


def _shown(raw: Any) -> str:
    text = _text(raw)
    return text if len(text) <= 40 else text[:40] + "…"


def _stored(value: float, info: dict) -> float:
    """A reference-standard yes/no code (1/0) as its % of implementation (100/0); other values as they are."""
    if info.get("kind") == "refstd" and info.get("yesno"):
        refstd = load_refstd_framework()
        return float(refstd.yes_value if value == 1 else refstd.no_value)
    return value


def _coded_percentages(result: Checked, known: dict) -> None:
    """Refuse reference-standard percentages that are all 0 or 1: 1 must never silently become 1 %."""
    rows = [r for r in result.valid if known[r["indicator"]].get("method") == "percent"]
    if rows and all(r["value"] in (0, 1) for r in rows) and any(r["value"] == 1 for r in rows):
        for r in rows:
            result.problems.append(
                _(
                    "row %(row)s: every percentage in the file is 0 or 1; if these are yes/no codes, write yes or "
                    "no (a percentage indicator takes 0–100, so 1 would mean 1 %%)",
                    row=r["row"],
                )
            )
        result.bad_rows += len(rows)
        result.valid = [r for r in result.valid if r not in rows]


def value_problem(code: str, value: float, info: dict) -> str | None:
    """Why `value` cannot be stored for indicator `code`, or None."""
    if info.get("yesno") and value not in (0, 1):
        return _("%(value)s is not 1 (yes) or 0 (no)", value=f"{value:g}")
    low = -math.inf if info.get("min") is None else info["min"]
    high = math.inf if info.get("max") is None else info["max"]
    if not low <= value <= high:
        return _(
            "%(value)s is outside the valid range %(min)s–%(max)s %(unit)s",
            value=f"{value:g}",
            min=f"{low:g}",
            max=f"{high:g}",
            unit=info.get("unit") or "",
        ).rstrip()
    return None


def _year(raw: Any, default_year: int | None) -> tuple[int | None, str | None]:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or str(raw).strip() == "":
        if default_year is None:
            return None, _("the year is missing (add a year column or give a default year)")
        return default_year, None
    try:
        number = float(str(raw).strip().replace(",", "."))
    except ValueError:
        return None, _("year '%(year)s' is not a year", year=_shown(raw))
    if not number.is_integer():
        return None, _("year '%(year)s' is not a year", year=_shown(raw))
    year = int(number)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return None, _("year %(year)s is outside %(low)s–%(high)s", year=year, low=YEAR_RANGE[0], high=YEAR_RANGE[1])
    return year, None


#: Headers of the indicator file in Kazakh and Russian (and other English words), by the column they mean.
COLUMN_NAMES = {
    "city": ("қала", "город", "населённый пункт", "населенный пункт"),
    "indicator": ("көрсеткіш", "көрсеткіш коды", "индикатор", "код индикатора", "показатель", "код показателя", "code"),
    "value": ("мән", "мәні", "значение"),
    "year": ("жыл", "год"),
    "source": ("дереккөз", "көзі", "источник"),
    "unit": ("өлшем бірлігі", "единица", "единица измерения"),
    "valid_range": ("рұқсат етілген аралық", "допустимый диапазон", "диапазон"),
}


def check_rows(frame: pd.DataFrame, user: User, default_year: int | None = None) -> Checked:
    """Check a table with columns city, indicator, value[, year, source]; nothing is written.

    The frame's index is the spreadsheet row number; every problem names it.
    """
    result = Checked()
    try:
        frame = with_columns(frame, COLUMN_NAMES)
    except ServiceError as exc:
        result.problems.append(str(exc))
        return result
    missing = [c for c in ("city", "indicator", "value") if c not in frame.columns]
    if missing:
        result.problems.append(
            _("the file needs the columns city, indicator, value (missing: %(missing)s)", missing=", ".join(missing))
        )
        return result
    known = catalogue()
    has_year, has_source = "year" in frame.columns, "source" in frame.columns
    seen: dict[tuple, int] = {}
    cities: dict[str, Any] = {}
    for row, record in frame.iterrows():
        result.rows += 1
        reason = None
        if _shown(record.get("value")) == "":
            result.blank_rows.append(row)  # a row of the template left empty: skipped and reported
            continue
        city_name = _text(record.get("city"))[:200]
        code = _text(record.get("indicator"))[:200]
        if city_name not in cities:
            cities[city_name] = find_city(city_name) if city_name else None
        city = cities[city_name]
        info = known.get(code)
        value = _number(record.get("value"), info or {})
        year, year_problem = _year(record.get("year") if has_year else None, default_year)
        if city is None:
            reason = _("unknown city '%(city)s'", city=_shown(city_name)) if city_name else _("the city is empty")
        elif not user.can_change_city(city.id):
            reason = _("you may not change the indicators of %(city)s", city=city.name_en)
        elif info is None:
            reason = _("unknown indicator '%(code)s'", code=_shown(code)) if code else _("the indicator is empty")
        elif value is None:
            reason = _("'%(value)s' is not a number", value=_shown(record.get("value")))
        elif (reason := value_problem(code, value, info)) is not None:
            pass
        elif year_problem:
            reason = year_problem
        elif (city.id, code, year) in seen:
            reason = _("the same city, indicator and year as row %(row)s", row=seen[(city.id, code, year)])
        if reason is not None:
            result.bad_rows += 1
            if len(result.problems) < MAX_PROBLEMS:
                result.problems.append(_("row %(row)s: %(reason)s", row=row, reason=reason))
            continue
        seen[(city.id, code, year)] = row
        raw_source = record.get("source") if has_source else None
        source = "" if _shown(raw_source) == "" else str(raw_source).strip()[:300]
        result.valid.append(
            {
                "city_id": city.id,
                "indicator": code,
                "year": year,
                "value": _stored(value, info),
                "source": source,
                "row": row,
            }
        )
    _coded_percentages(result, known)
    if result.bad_rows > len(result.problems):
        result.problems.append(_("… and %(n)s more rows with problems", n=result.bad_rows - len(result.problems)))
    return result


def import_rows(rows: list[dict[str, Any]], user: User | None, actor: str | None = None) -> int:
    """Insert or update the values (by city, indicator and year) in one transaction; returns how many."""
    now = utcnow()
    keys = {(r["city_id"], r["indicator"], r["year"]) for r in rows}
    existing = {}
    for city_id in {k[0] for k in keys}:
        for value in db.session.scalars(select(IndicatorValue).where(IndicatorValue.city_id == city_id)):
            existing[(value.city_id, value.indicator, value.year)] = value
    for row in rows:
        current = existing.get((row["city_id"], row["indicator"], row["year"]))
        if current is None:
            db.session.add(
                IndicatorValue(
                    city_id=row["city_id"],
                    indicator=row["indicator"],
                    year=row["year"],
                    value=row["value"],
                    source=row["source"],
                    updated_by_id=getattr(user, "id", None),
                )
            )
        else:
            current.value = row["value"]
            current.source = row["source"] or current.source
            current.updated_by_id = getattr(user, "id", None)
            current.updated_at = now
    for city_id in sorted({r["city_id"] for r in rows}):
        mine = [r for r in rows if r["city_id"] == city_id]
        details = {"rows": len(mine)}
        if len(mine) == 1:
            details.update(indicator=mine[0]["indicator"], year=mine[0]["year"], value=mine[0]["value"])
        audit.record(
            "indicators.import",
            user=user if getattr(user, "id", None) else None,
            actor=actor,
            city_id=city_id,
            details=details,
        )
    db.session.commit()
    return len(rows)


def template_rows(city_names: list[str], year: int, lang: str = "en") -> list[list[Any]]:
    """A sheet to fill in: one row per city and indicator of both frameworks (the SCRI's, then the reference
    standard's), value empty, with the indicator's name in `lang`, its unit and its allowed range. The extra
    columns (name, unit, valid_range) are ignored when the file comes back."""
    rows: list[list[Any]] = [["city", "indicator", "value", "year", "source", "name", "unit", "valid_range"]]
    entries = sorted(catalogue().items(), key=lambda item: item[1]["kind"] != "scri")
    for city in city_names:
        for code, info in entries:
            low = "" if info["min"] is None else f"{info['min']:g}"
            high = "" if info["max"] is None else f"{info['max']:g}"
            valid = (
                "0 (no) or 1 (yes)"
                if info["yesno"] and info["kind"] == "scri"
                else (f"{low}–{high}" if low or high else "")
            )
            name = (
                info["label"].get(lang) or info["label"].get("en", "")
                if isinstance(info["label"], dict)
                else str(info["label"])
            )
            if info["kind"] == "refstd":
                area = info["area"].get(lang) or info["area"].get("en", "") if isinstance(info["area"], dict) else ""
                name = f"{area}: {name}" if area else name
            rows.append([city, code, "", year, "", name, info["unit"], valid])
    return rows


class _Everyone:
    """The shell user: may change every city."""

    id = None
    email = "cli"
    is_admin = True

    @staticmethod
    def can_change_city(city_id: int) -> bool:
        return True


SHELL_USER = _Everyone()


def validate_rows(
    frame: pd.DataFrame, default_year: int | None = None, user: User | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """(valid rows, problems with their spreadsheet row numbers); without a user every city may be changed."""
    checked = check_rows(frame, user if user is not None else SHELL_USER, default_year)
    return checked.valid, checked.problems
