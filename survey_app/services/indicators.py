"""Infrastructure and reference-standard indicator values of cities: validate a table row by row, import."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select

from instruments.frameworks import load_framework
from instruments.refstd_loader import load_refstd_framework, normalise_word

from ..extensions import db
from ..models import IndicatorValue, User
from . import audit
from .cities import find_city

REFSTD_PREFIX = "rs"
MAX_PROBLEMS = 200


def catalogue() -> dict[str, dict[str, Any]]:
    """Every importable indicator: the SCRI framework's and the reference standard's (`rs:<area>:<code>`)."""
    entries: dict[str, dict[str, Any]] = {}
    for ind in load_framework().imported:
        entries[ind.code] = {"label": ind.label, "unit": ind.unit, "min": ind.min, "max": ind.max,
                             "kind": "scri", "yesno": ind.source == "yesno"}
    refstd = load_refstd_framework()
    for area in refstd.areas:
        for ind in area.indicators:
            entries[f"{REFSTD_PREFIX}:{area.code}:{ind.code}"] = {
                "label": ind.label, "unit": "%", "min": refstd.value_min, "max": refstd.value_max,
                "kind": "refstd", "yesno": True, "area": area.label}
    return entries


@dataclass
class Checked:
    """The rows that can be imported and the problems of the others (with spreadsheet row numbers)."""

    valid: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _number(raw: Any, code: str, info: dict) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(float(raw)) else None
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if info.get("kind") == "refstd":
        refstd = load_refstd_framework()
        word = normalise_word(text)
        if word in refstd.yes_words:
            return refstd.yes_value
        if word in refstd.no_words:
            return refstd.no_value
    elif info.get("yesno"):
        lowered = text.casefold()
        if lowered in ("yes", "да", "иә", "ия"):
            return 1.0
        if lowered in ("no", "нет", "жоқ"):
            return 0.0
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check_rows(frame: pd.DataFrame, user: User, default_year: int | None = None) -> Checked:
    """Check a table with columns city, indicator, value[, year, source]; nothing is written."""
    result = Checked()
    missing = [c for c in ("city", "indicator", "value") if c not in frame.columns]
    if missing:
        result.problems.append(f"the file needs the columns city, indicator, value (missing: {', '.join(missing)})")
        return result
    known = catalogue()
    framework = load_framework()
    seen: dict[tuple, int] = {}
    for row, record in frame.iterrows():
        def problem(text: str, row=row) -> None:
            if len(result.problems) < MAX_PROBLEMS:
                result.problems.append(f"row {row}: {text}")

        city_name = str(record.get("city") or "").strip()
        code = str(record.get("indicator") or "").strip()
        city = find_city(city_name) if city_name else None
        if city is None:
            problem(f"unknown city {city_name!r}")
            continue
        if not user.can_change_city(city.id):
            problem(f"you may not change the indicators of {city.name_en}")
            continue
        info = known.get(code)
        if info is None:
            problem(f"unknown indicator {code!r}")
            continue
        value = _number(record.get("value"), code, info)
        if value is None:
            problem(f"{record.get('value')!r} is not a number")
            continue
        if info["kind"] == "scri":
            reason = framework.check_value(code, value)
        else:
            reason = None if info["min"] <= value <= info["max"] else (
                f"{value:g} is outside the valid range {info['min']:g}–{info['max']:g}")
        if reason:
            problem(reason)
            continue
        raw_year = record.get("year") if "year" in frame.columns else None
        if raw_year is None or (isinstance(raw_year, float) and math.isnan(raw_year)) or str(raw_year).strip() == "":
            year = default_year
        else:
            try:
                year = int(float(str(raw_year).strip()))
            except ValueError:
                year = None
                problem(f"year {raw_year!r} is not a year")
                continue
        if year is None:
            problem("the year is missing (add a year column or give a default year)")
            continue
        if not 1990 <= year <= 2100:
            problem(f"year {year} is outside 1990–2100")
            continue
        key = (city.id, code, year)
        if key in seen:
            problem(f"the same city, indicator and year as row {seen[key]}")
            continue
        seen[key] = row
        source = str(record.get("source") or "").strip()[:300] if "source" in frame.columns else ""
        result.valid.append({"city_id": city.id, "indicator": code, "year": year, "value": value,
                             "source": "" if source == "nan" else source, "row": row})
    return result


def import_rows(rows: list[dict[str, Any]], user: User | None, actor: str | None = None) -> int:
    """Insert or update the values (by city, indicator and year) in one transaction; returns how many."""
    for row in rows:
        existing = db.session.scalar(select(IndicatorValue).where(
            IndicatorValue.city_id == row["city_id"], IndicatorValue.indicator == row["indicator"],
            IndicatorValue.year == row["year"]))
        if existing is None:
            db.session.add(IndicatorValue(city_id=row["city_id"], indicator=row["indicator"], year=row["year"],
                                          value=row["value"], source=row["source"],
                                          updated_by_id=getattr(user, "id", None)))
        else:
            existing.value = row["value"]
            existing.source = row["source"] or existing.source
            existing.updated_by_id = getattr(user, "id", None)
    for city_id in sorted({r["city_id"] for r in rows}):
        audit.record("indicators.import", user=user, actor=actor, city_id=city_id,
                     details={"rows": sum(1 for r in rows if r["city_id"] == city_id)})
    db.session.commit()
    return len(rows)


class _Everyone:
    """The shell user: may change every city."""

    id = None
    email = "cli"

    @staticmethod
    def can_change_city(city_id: int) -> bool:
        return True


SHELL_USER = _Everyone()
