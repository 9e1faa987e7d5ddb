"""Deterministic synthetic rounds in the input shape of :func:`analysis.score_round` (tests, benchmarks).

Answers follow a latent readiness per respondent (0..1) plus item noise, cut to the scale, so constructs
correlate within a respondent (α is positive) and a more "ready" city scores higher. Everything is drawn
as whole arrays, so 100,000 respondents take well under a second.

>>> frames = synthetic_round({"residents": 30, "business": 8}, seed=1)
>>> sorted(frames)[:4]
['actors', 'answers', 'census_margins', 'counts']
>>> frames["answers"].shape
(38, 66)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from instruments.domain import GROUPS

__all__ = ["DEFAULT_CONSTRUCTS", "synthetic_indicators", "synthetic_round"]

DEFAULT_CONSTRUCTS = (
    "public_engagement",
    "trust",
    "intersectoral_coordination",
    "mobilisation",
    "admin_capacity",
    "funding_consistency",
    "legal_clarity",
    "digital_governance",
    "digital_access",
    "ppp_readiness",
    "environment_quality",
)
SEXES = ("male", "female")
AGE_BANDS = ("18_29", "30_44", "45_59", "60_plus")
MARGINS = {
    "sex": {"male": 0.48, "female": 0.52},
    "age_band": {"18_29": 0.27, "30_44": 0.30, "45_59": 0.24, "60_plus": 0.19},
}

#: Indicator values of a city of readiness 0 and 1 (linear in between), for the built-in framework's codes.
INDICATOR_RANGE = {
    "broadband_households_pct": (15, 85),
    "mobile_4g_coverage_pct": (55, 99),
    "egov_services_online_share_pct": (55, 98),
    "public_wifi_hotspots_per_10k_pop": (0.2, 8),
    "sme_per_1000_pop": (25, 90),
    "unemployment_rate_pct": (9, 3.5),
    "avg_monthly_wage_kzt": (180_000, 450_000),
    "fixed_investment_per_capita_kzt": (150_000, 1_300_000),
    "pm25_annual_ugm3": (30, 8),
    "green_space_m2_per_capita": (4, 15),
    "waste_recycled_pct": (2, 35),
    "centralised_water_supply_pct": (65, 99),
    "ppp_projects_count": (0, 5),
    "ppp_investment_share_pct": (0, 12),
    "private_investment_share_pct": (25, 65),
}
YESNO_INDICATORS = ("ppp_pipeline_published", "smart_city_strategy_adopted", "open_data_portal")


def synthetic_indicators(readiness: float, year: int = 2024, seed: int = 0) -> pd.DataFrame:
    """Plausible infrastructure indicator values for a city of the given readiness (0..1)."""
    rng = np.random.default_rng([seed, 7])
    rows = []
    for code, (low, high) in INDICATOR_RANGE.items():
        share = float(np.clip(readiness + rng.normal(0, 0.08), 0, 1))
        value = low + (high - low) * share
        rows.append({"indicator": code, "value": round(value, 0 if code == "ppp_projects_count" else 2), "year": year})
    for code in YESNO_INDICATORS:
        rows.append({"indicator": code, "value": float(rng.random() < readiness), "year": year})
    return pd.DataFrame(rows, columns=["indicator", "value", "year"])


def synthetic_round(
    sizes: Mapping[str, int],
    *,
    readiness: float = 0.5,
    constructs: Sequence[str] = DEFAULT_CONSTRUCTS,
    items_per_construct: int = 3,
    yesno_share: float = 0.2,
    missing_rate: float = 0.05,
    seed: int = 0,
    ties_per_response: float = 0.5,
    year: int = 2024,
) -> dict[str, Any]:
    """Frames of one synthetic round: responses, answers, items, ties, actors, indicators and more.

    Parameters
    ----------
    sizes
        Complete responses per group, e.g. ``{"residents": 120, "business": 24}``.
    readiness
        Latent mean readiness of the city (0..1).
    constructs, items_per_construct
        Every group answers ``items_per_construct`` items of every construct (item codes ``group.cNN_i``).
    yesno_share
        Share of items that are yes/no (the others 5-point Likert; every third Likert item is reversed).
    missing_rate
        Share of answers left missing ("don't know" or unanswered).
    seed
        Seed of the generator (the same seed gives the same frames).
    ties_per_response
        Mean number of ties each response reports.
    year
        Year of the indicators.

    Returns
    -------
    dict
        ``responses``, ``answers``, ``items``, ``ties``, ``actors``, ``indicators``, ``census_margins``,
        ``targets`` and ``counts``: keyword arguments of :func:`analysis.score_round`.
    """
    rng = np.random.default_rng(seed)
    groups = [g for g in GROUPS if sizes.get(g, 0) > 0]
    n_by_group = [int(sizes[g]) for g in groups]
    n = sum(n_by_group)
    group_col = np.repeat(np.array(groups, dtype=object), n_by_group)
    ids = np.arange(1, n + 1)
    latent = np.clip(rng.normal(readiness, 0.15, size=n), 0.0, 1.0)
    responses = pd.DataFrame(
        {
            "response_id": ids,
            "group": group_col,
            "sex": rng.choice(SEXES, size=n, p=[0.42, 0.58]),
            "age_band": rng.choice(AGE_BANDS, size=n, p=[0.2, 0.3, 0.3, 0.2]),
        }
    )
    items = _items_table(groups, constructs, items_per_construct, yesno_share)
    answers = np.full((n, len(items)), np.nan)
    start = 0
    for g, n_g in zip(groups, n_by_group, strict=True):
        cols = np.flatnonzero((items["group"] == g).to_numpy())
        sub = items.iloc[cols]
        noise = rng.normal(0, 0.2, size=(n_g, len(cols)))
        signal = np.clip(latent[start : start + n_g, None] + noise, 0, 0.9999)
        likert = 1 + np.floor(signal * 5)
        reverse = sub["reverse"].to_numpy()
        likert = np.where(reverse[None, :], 6 - likert, likert)
        yes = (signal > 0.5).astype(float)
        block = np.where((sub["kind"] == "yesno").to_numpy()[None, :], yes, likert)
        block[rng.random(block.shape) < missing_rate] = np.nan
        answers[start : start + n_g, cols] = block
        start += n_g
    answers_frame = pd.DataFrame(answers, index=pd.Index(ids, name="response_id"), columns=items.index)

    actor_rows = [{"code": f"group:{g}", "sector": g} for g in GROUPS]
    for g in GROUPS:
        actor_rows += [{"code": f"{g}_{j}", "sector": g} for j in range(2)]
    actors = pd.DataFrame(actor_rows)
    n_ties = int(round(ties_per_response * n))
    ego_rows = rng.integers(0, n, size=n_ties)
    egos = np.array([f"group:{g}" for g in group_col], dtype=object)[ego_rows]
    alters = actors["code"].to_numpy()[rng.integers(0, len(actors), size=n_ties)]
    ties = pd.DataFrame(
        {
            "response_id": ids[ego_rows],
            "ego": egos,
            "alter": alters,
            "frequency": rng.choice(["rarely", "monthly", "weekly"], size=n_ties),
        }
    )
    ties = ties[ties["ego"] != ties["alter"]].reset_index(drop=True)
    targets = {g: max(5, int(round(n_g * 1.2))) for g, n_g in zip(groups, n_by_group, strict=True)}
    counts = {g: {"complete": n_g, "partial": int(round(n_g * 0.1))} for g, n_g in zip(groups, n_by_group, strict=True)}
    return {
        "responses": responses,
        "answers": answers_frame,
        "items": items,
        "ties": ties,
        "actors": actors,
        "indicators": synthetic_indicators(readiness, year=year, seed=seed),
        "census_margins": MARGINS,
        "targets": targets,
        "counts": counts,
    }


def _items_table(groups, constructs, items_per_construct: int, yesno_share: float) -> pd.DataFrame:
    """Every group's items: ``items_per_construct`` per construct, a share yes/no, every third Likert reversed."""
    item_rows = []
    for g in groups:
        for c_index, construct in enumerate(constructs):
            for i in range(items_per_construct):
                slot = c_index * items_per_construct + i
                yesno = (slot % max(1, round(1 / yesno_share)) == 0) if yesno_share > 0 else False
                item_rows.append(
                    {
                        "item": f"{g}.c{c_index:02d}_{i}",
                        "construct": construct,
                        "kind": "yesno" if yesno else "likert",
                        "k": 2 if yesno else 5,
                        "reverse": (not yesno) and i % 3 == 2,
                        "group": g,
                    }
                )
    return pd.DataFrame(item_rows).set_index("item")
