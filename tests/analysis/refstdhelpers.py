"""Rows, tables and the framework the reference-standard tests share."""

from __future__ import annotations

import pandas as pd

from analysis.refstd import score_refstd

COLUMNS = ["city", "area", "indicator", "value"]
PRIORITY = ["urban_management", "health", "education", "security", "housing_communal", "transport"]
ADDITIONAL = ["social", "ecology", "business_tourism", "construction", "agriculture"]
AREAS = PRIORITY + ADDITIONAL + ["ict"]
CITY_KEYS = [
    "city",
    "areas",
    "s_priority",
    "s_additional",
    "s_ict",
    "c_priority",
    "c_additional",
    "c_ict",
    "total_points",
    "ct_percent",
    "weighted_mean_percent",
    "rank",
    "tied",
    "to_next_band",
]


#: The city of methodology §6's third check value: S_pa 55.12 (3 points), S_add 44.33 (3), S_ict 90 (5) → 76 %.
CITY_76_PERCENT = {
    # area means 100, 50, 33.44, 60, 40, 47.28 -> S_pa = 330.72 / 6 = 55.12
    "urban_management": ["yes", "да"],
    "health": ["yes", "no"],
    "education": ["33.44"],
    "security": ["иә", "20", "60"],
    "housing_communal": [40],
    "transport": ["47.28"],
    # 66.65, 0, 55, 50, 50 -> S_add = 221.65 / 5 = 44.33
    "social": ["66.65"],
    "ecology": ["нет", "жоқ"],
    "business_tourism": ["55"],
    "construction": ["yes", "no"],
    "agriculture": ["50"],
    # (100 + 80 + 90) / 3 = 90
    "ict": ["YES", "80", "90"],
}


def table(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


def city_rows(city, by_area):
    """Rows for one city from {area: [value, ...]}; indicators are named <area>_<n>."""
    return [
        (city, area, f"{area}_{n}", value)
        for area, values in by_area.items()
        for n, value in enumerate(values, start=1)
    ]


def uniform(city, value, per_area=2):
    return city_rows(city, {area: [value] * per_area for area in AREAS})


def one_city(df, framework):
    cities = score_refstd(df, framework)["cities"]
    assert len(cities) == 1
    return cities[0]
