"""Score rounds: frames from the database → the analysis layer → a plain result dict for pages, PDFs and JSON."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import current_app
from sqlalchemy import func, select

from analysis import AnalysisError, build_network, rank_cities, score_round_frames
from analysis.refstd import RefStdError, score_refstd
from instruments.frameworks import load_framework
from instruments.refstd_loader import load_refstd_framework

from ..extensions import db
from ..models import Response, SurveyRound
from ..services.errors import ServiceError
from .frames import RoundFrames, round_frames

REFSTD_PREFIX = "rs:"


def _k_min() -> int:
    return int(current_app.config.get("SCRI_K_MIN", 5))


def previous_round(round_: SurveyRound) -> SurveyRound | None:
    """The city's latest earlier round (by year) that has complete responses."""
    return db.session.scalar(
        select(SurveyRound)
        .join(Response, Response.round_id == SurveyRound.id)
        .where(SurveyRound.city_id == round_.city_id, SurveyRound.year < round_.year,
               Response.status == "complete")
        .group_by(SurveyRound.id)
        .having(func.count(Response.id) > 0)
        .order_by(SurveyRound.year.desc(), SurveyRound.id.desc())
        .limit(1)
    )


def _graph(frames: RoundFrames) -> dict[str, Any]:
    """Nodes and weighted edges of the stakeholder network, for drawing."""
    if frames.actors.empty:
        return {"nodes": [], "edges": []}
    graph = build_network(frames.ties, frames.actors[["code", "sector"]])
    labels = {row.code: row.label for row in frames.actors.itertuples()}
    nodes = [{"code": str(n), "sector": data.get("sector"), "label": labels.get(n) or {"en": str(n)}}
             for n, data in graph.nodes(data=True)]
    edges = [{"source": str(a), "target": str(b), "weight": float(data.get("weight", 1))}
             for a, b, data in graph.edges(data=True)]
    return {"nodes": nodes, "edges": edges}


def _refstd(frames: RoundFrames) -> dict[str, Any] | None:
    """The reference-standard rating of the city from its stored `rs:<area>:<indicator>` values, if any."""
    rows = frames.indicators[frames.indicators["indicator"].str.startswith(REFSTD_PREFIX)]
    if rows.empty:
        return None
    parts = rows["indicator"].str[len(REFSTD_PREFIX):].str.split(":", n=1, expand=True)
    table = pd.DataFrame({"city": frames.city, "area": parts[0], "indicator": parts[1], "value": rows["value"]})
    try:
        result = score_refstd(table.reset_index(drop=True), load_refstd_framework())
    except RefStdError as exc:
        return {"missing": str(exc)}
    return result["cities"][0] if result["cities"] else None


def _annex(result: dict[str, Any]) -> dict[str, Any]:
    groups = {}
    for group, info in (result.get("groups") or {}).items():
        target = info.get("target") or 0
        completed = info.get("completed") or 0
        groups[group] = {**info, "response_rate": round(completed / target, 3) if target else None}
    return {"groups": groups, "weighting": result.get("weighting"), "sensitivity": result.get("sensitivity"),
            "k_min": result.get("k_min")}


def _summary(result: dict[str, Any], year: int) -> dict[str, Any]:
    return {
        "round": result.get("round"),
        "year": year,
        "scri": {"score": (result.get("scri") or {}).get("score"), "level": (result.get("scri") or {}).get("level")},
        "dimensions": {code: d.get("score") for code, d in (result.get("dimensions") or {}).items()},
        "subscores": result.get("subscores"),
    }


def round_result(round_: SurveyRound, *, with_previous: bool = True, k_min: int | None = None) -> dict[str, Any]:
    """The analysis of one round (the `scri score` JSON shape plus what reports draw), or ServiceError."""
    frames = round_frames(round_)
    if frames.responses.empty:
        raise ServiceError(f"round {round_.slug!r} has no complete responses yet, so there is nothing to score")
    framework = load_framework()
    previous = None
    prev_round = previous_round(round_) if with_previous else None
    if prev_round is not None:
        previous = round_result(prev_round, with_previous=False, k_min=k_min)
    try:
        result = score_round_frames(frames, framework, k_min=k_min or _k_min(), previous=previous)
    except AnalysisError as exc:
        raise ServiceError(f"round {round_.slug!r} cannot be scored: {exc}") from None
    city = round_.city
    result["city_names"] = {"kk": city.name_kk, "ru": city.name_ru, "en": city.name_en}
    result["year"] = round_.year
    result["status"] = round_.status
    for code, dim in (result.get("dimensions") or {}).items():
        definition = framework.dimension(code)
        if definition is not None:
            dim["label"] = definition.label
    result.setdefault("network", {})["graph"] = _graph(frames)
    result["network"]["isolated_sectors"] = result["network"].get("sectors_without_ties", [])
    result["refstd"] = _refstd(frames)
    result["previous"] = _summary(previous, prev_round.year) if previous else None
    result.setdefault("change", None)
    result["annex"] = _annex(result)
    return result


def city_comparison(rounds: list[SurveyRound]) -> dict[str, Any]:
    """Results of several rounds (usually one per city) with ranks and their stability under weight noise."""
    if not rounds:
        raise ServiceError("choose at least one round to compare")
    results = [round_result(r) for r in rounds]
    try:
        ranking = rank_cities(results, load_framework())
    except AnalysisError as exc:
        raise ServiceError(f"the rounds cannot be ranked: {exc}") from None
    ranks = {(c["round"], c["city"]): c for c in ranking["cities"]}
    for res in results:
        res["rank"] = (ranks.get((res.get("round"), res.get("city"))) or {}).get("rank")
    return {"rounds": results, "ranking": ranking}
