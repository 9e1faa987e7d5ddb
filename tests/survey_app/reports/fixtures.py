"""Results of three cities made by the real pipeline: synthetic frames → `services.scoring.score_frames`.

The frames come from `analysis.synthetic.synthetic_round` (answers, ties, census margins) and the demo's own
indicator generator (SCRI and reference-standard values), so every result has exactly the shape production
makes. Built once per test session; each call returns a fresh copy that a test may change.

- Shu is the most ready, has the previous round (2024) and a reference-standard rating;
- Ayagoz has no environmental-sustainability indicator values (the dimension is missing) and no rating;
- Shalkar's international partners are 3 (their cells are withheld) and academia reported no tie and was
  named by nobody (an isolated sector), and nobody rated the areas' digital services (no opinion side);
- Shu's and Ayagoz's residents rated them (methodology §6.1), Ayagoz without an administrative side.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.synthetic import synthetic_round
from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework
from survey_app.demo_indicators import demo_indicator_values
from survey_app.services.frames import RoundFrames
from survey_app.services.scoring import compare_results, score_frames

K_MIN = 5
ROUNDS = ("shu-2025", "ayagoz-2025", "shalkar-2025")

CITIES = {
    "shu": ("Shu", {"kk": "Шу", "ru": "Шу", "en": "Shu"}, 0.62),
    "ayagoz": ("Ayagoz", {"kk": "Аягөз", "ru": "Аягоз", "en": "Ayagoz"}, 0.45),
    "shalkar": ("Shalkar", {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"}, 0.36),
}
SIZES = {
    "shu": {
        "residents": 124,
        "business": 24,
        "academia": 14,
        "civil_society": 16,
        "government": 18,
        "international": 8,
    },
    "ayagoz": {
        "residents": 118,
        "business": 20,
        "academia": 10,
        "civil_society": 12,
        "government": 16,
        "international": 6,
    },
    "shalkar": {
        "residents": 121,
        "business": 18,
        "academia": 11,
        "civil_society": 10,
        "government": 14,
        "international": 3,
    },
}


def _indicators(city: str, readiness: float, year: int, seed: int) -> pd.DataFrame:
    """The city's SCRI (and, for Shu, reference-standard) values, as the database holds them."""
    rows = [
        (code, value, year, source)
        for code, value, source in demo_indicator_values(readiness, np.random.default_rng(seed))
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "value", "year", "source"])
    if city != "shu":
        frame = frame[~frame["indicator"].str.startswith("rs:")]
    if city == "ayagoz":
        environment = {i.code for i in load_framework().indicators_of("environmental_sustainability")}
        frame = frame[~frame["indicator"].isin(environment)]
    return frame.reset_index(drop=True)


def _frames(city: str, year: int, readiness: float, seed: int) -> RoundFrames:
    made = synthetic_round(SIZES[city], readiness=readiness, seed=seed, year=year)
    ties = made["ties"]
    if city == "shalkar":
        academia = ties["ego"].eq("group:academia") | ties["alter"].str.startswith(("academia_", "group:academia"))
        ties = ties[~academia].reset_index(drop=True)
    return RoundFrames(
        round=f"{city}-{year}",
        city=CITIES[city][0],
        year=year,
        responses=made["responses"],
        answers=made["answers"],
        items=made["items"],
        ties=ties,
        actors=made["actors"],
        indicators=_indicators(city, readiness, year, seed),
        targets=made["targets"],
        counts=made["counts"],
        census_margins=made["census_margins"],
        area_ratings=_area_ratings(city, made["responses"], readiness, seed),
    )


def _area_ratings(city: str, responses: pd.DataFrame, readiness: float, seed: int) -> pd.DataFrame:
    """Residents' ratings of the areas' digital services (half of them rate each area), below what the akimat
    reports; none in Shalkar."""
    from survey_app.demo_indicators import REFSTD_LIFT
    from survey_app.services.frames import AREA_RATING_COLUMNS

    rows = []
    if city != "shalkar":
        rng = np.random.default_rng(seed + 100)
        areas = load_refstd_framework().area_codes
        for rid in responses.index[responses["group"] == "residents"]:
            for area in areas:
                if rng.random() < 0.5:
                    level = readiness + 0.5 * REFSTD_LIFT.get(area, 0.0) - 0.1
                    rating = int(np.clip(np.rint(1 + 4 * level + rng.normal(0, 0.8)), 1, 5))
                    rows.append((rid, "residents", area, float(rating)))
    return pd.DataFrame(rows, columns=AREA_RATING_COLUMNS)


@lru_cache(maxsize=1)
def _scored() -> dict[str, dict]:
    out = {}
    for seed, (city, (_, names, readiness)) in enumerate(CITIES.items(), start=1):
        previous = None
        if city == "shu":
            earlier = score_frames(
                _frames(city, 2024, readiness - 0.08, seed + 10), city_names=names, status="closed", k_min=K_MIN
            )
            previous = (earlier, 2024)
        out[f"{city}-2025"] = score_frames(
            _frames(city, 2025, readiness, seed), city_names=names, status="open", k_min=K_MIN, previous=previous
        )
    return out


def city_result(slug: str = "shu-2025") -> dict:
    """A fresh copy of one city's scored round."""
    return copy.deepcopy(_scored()[slug])


def all_results() -> list[dict]:
    return [city_result(slug) for slug in ROUNDS]


def comparison(results: list[dict] | None = None) -> dict:
    """The comparison of the results (ranks and their stability), as `services.scoring.city_comparison` makes."""
    return compare_results(results if results is not None else all_results())


def analysis_result(slug: str = "shalkar-2025") -> dict:
    """Kept for the tests that name it: the same real result as `city_result`."""
    return city_result(slug)
