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
