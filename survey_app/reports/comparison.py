"""The comparative report of several cities: a :class:`~survey_app.services.scoring.Comparison` → its context.

Ranks, their stability and the 5–95 % range come from the ranking (``analysis.rank_cities``); nothing is
re-derived here.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from instruments.domain import LANGUAGE_NAMES
from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework

from .. import labels
from ..services.scoring import Comparison, ScoredRound
from . import charts, uncertainty
from .city import city_name, construct_label
from .formats import Formats, Levels, texts

COMPARISON_SECTIONS = (
    ("overview", _l("Cities side by side")),
    ("dimensions", _l("Dimensions")),
    ("subscores", _l("Engagement and governance")),
    ("refstd", _l("Reference standard of “Smart” cities")),
    ("method", _l("About the comparison")),
)


def _city_row(r: ScoredRound, info: dict, lang: str, f: Formats, levels: Levels) -> dict:
    score = r["scri"]["score"]
    rank, stability = info["rank"], info["rank_stability"]
    if stability is not None and rank is not None:
        stability_text = _(
            "rank %(rank)s in %(share)s of the scenarios", rank=f.integer(rank), share=f.share(stability)
        )
    else:
        stability_text = _("stability not computed")
    rank_min, rank_max = info["rank_min"], info["rank_max"]
    rank_range = (
        f"{f.integer(rank_min)}–{f.integer(rank_max)}"
        if rank_min is not None and rank_max is not None and rank_min != rank_max
        else ""
    )
    return {
        "round": r["round"],
        "name": city_name(r, lang),
        "year": str(r["year"]),
        "score": f.number(score),
        "value": score,
        "level": r["scri"]["level"] or "na",
        "level_text": levels.name(r["scri"]["level"]),
        "range": f.interval(info["p05"], info["p95"]) or f.no_data,
        "p05": info["p05"],
        "p95": info["p95"],
        "coverage": f.share(r["scri"]["coverage"]),
        "rank": f.integer(rank) if rank is not None else "—",
        "rank_value": rank,
        "stability": f.share(stability) if stability is not None else f.no_data,
        "rank_range": rank_range,
        "stability_text": stability_text,
        "level_note": " ".join(
            sentence
            for sentence in (
                uncertainty.level_sentence(r["scri"], r["uncertainty"], f, levels),
                uncertainty.driver_sentence(r["uncertainty"], f),
            )
            if sentence
        ),
        "missing_note": " ".join(uncertainty.missing_sentences(r["scri"], _indicator_names(lang), f)),
        "engagement": f.number(r["subscores"]["stakeholder_engagement"]),
        "governance": f.number(r["subscores"]["governance"]),
    }


def _indicator_names(lang: str) -> dict[str, str]:
    return uncertainty.indicator_labels(load_framework(), lang)


def _dimension_rows(results: list[ScoredRound], lang: str, f: Formats, levels: Levels) -> list[dict]:
    rows = []
    for code, first in results[0]["dimensions"].items():
        cells = []
        for r in results:
            score = r["dimensions"][code]["score"]
            cells.append(
                {"score": f.number(score), "value": score, "missing": score is None, "level": levels.css(score)}
            )
        label = texts(first["label"], lang) or labels.label_of(labels.DIMENSIONS, code)
        rows.append({"code": code, "label": label, "cells": cells})
    return rows


def _construct_rows(results: list[ScoredRound], f: Formats, levels: Levels) -> list[dict]:
    rows = []
    for detail in results[0]["subscore_details"].values():
        for code in detail["constructs"]:
            cells = []
            for r in results:
                mean = r["pooled"][code]["score"]
                cells.append(
                    {
                        "score": f.number(mean),
                        "value": mean,
                        "missing": mean is None,
                        "level": levels.css(mean),
                        "caution": uncertainty.pooled_caution(r["pooled"][code]),
                    }
                )
            if any(not c["missing"] for c in cells):
                rows.append({"code": code, "label": construct_label(code), "cells": cells})
    return rows


def _rated(r: ScoredRound) -> dict | None:
    """The city's reference-standard rating, or None when it has none (or it could not be computed)."""
    refstd = r["refstd"]
    return refstd if refstd is not None and "missing" not in refstd else None


def _refstd_rows(results: list[ScoredRound], lang: str, f: Formats) -> list[dict]:
    if not any(_rated(r) for r in results):
        return []
    framework = load_refstd_framework()
    rows = []
    for area in framework.areas:
        cells = [f.percent(_rated(r)["areas"][area.code]) if _rated(r) else "—" for r in results]
        rows.append({"label": texts(area.label, lang, area.code), "cells": cells})
    for key, label in (("ct_percent", "Ct"), ("weighted_mean_percent", _("Unbanded weighted mean"))):
        cells = [f.percent(_rated(r)[key]) if _rated(r) else "—" for r in results]
        rows.append({"label": label, "strong": True, "cells": cells})
    return rows


def _opinion_rows(results: list[ScoredRound], lang: str, f: Formats) -> list[dict]:
    """Per area each city's residents' and businesses' rating O with its gap to S, then Ct_opinion and the
    combined rating (methodology §6.1); empty when no city has an opinion side."""
    sides = [r.get("opinion") if (r.get("opinion") or {}).get("areas") else None for r in results]
    if not any(sides):
        return []
    framework = load_refstd_framework()
    rows = []
    for area in framework.areas:
        cells = []
        for side in sides:
            entry = (side or {}).get("areas", {}).get(area.code) or {}
            if "o" not in entry:
                cells.append(_("withheld") if entry.get("suppressed") else "—")
            elif "gap" in entry:
                cells.append(f"{f.percent(entry['o'])} ({f.number(-entry['gap'])})")
            else:
                cells.append(f.percent(entry["o"]))
        rows.append({"label": texts(area.label, lang, area.code), "cells": cells})
    for key, label in (("ct_opinion_percent", "Ct_opinion"), ("ct_combined_percent", _("Combined rating"))):
        cells = [f.percent(side.get(key)) if side and side.get(key) is not None else "—" for side in sides]
        rows.append({"label": label, "strong": True, "cells": cells})
    return rows


def _charts(dimension_rows: list[dict], cities: list[dict], ranked: list[dict], f: Formats, chart_text: str):
    chart = ""
    if dimension_rows and cities:
        chart = charts.data_uri(
            charts.comparison_chart(
                [row["label"] for row in dimension_rows],
                [(c["name"], [row["cells"][i]["value"] for row in dimension_rows]) for i, c in enumerate(cities)],
                missing_label=_("no data"),
                axis_label=_("score, 0–100"),
                number=f.number,
                text=chart_text,
            )
        )
    scri_chart = ""
    if any(c["value"] is not None for c in ranked):
        panel = charts.IntervalPanel(title=_("Smart City Readiness Index (SCRI)"))
        for c in ranked:
            note = _("no data") if c["value"] is None else ""
            panel.rows.append(charts.IntervalRow(c["name"], c["value"], c["p05"], c["p95"], note=note))
        scri_chart = charts.data_uri(
            charts.interval_chart(
                [panel],
                axis_label=_("score (0–100) and 90 %(percent)s range", percent="%"),
                number=f.number,
                text=chart_text,
            )
        )
    return chart, scri_chart


def _summary(ranked: list[dict], cities: list[dict], dimension_rows: list[dict], levels: Levels, f: Formats):
    summary = []
    scored = [c for c in ranked if c["value"] is not None]
    if scored:
        top = scored[0]
        summary.append(
            _(
                "%(city)s has the highest readiness index (%(score)s, level: %(level)s).",
                city=top["name"],
                score=top["score"],
                level=top["level_text"],
            )
        )
        if len(scored) > 1:
            bottom = scored[-1]
            summary.append(
                _(
                    "%(city)s has the lowest (%(score)s, level: %(level)s).",
                    city=bottom["name"],
                    score=bottom["score"],
                    level=bottom["level_text"],
                )
            )
    weak = levels.weak_below
    common_weak = [
        row["label"]
        for row in dimension_rows
        if row["cells"] and all(c["value"] is not None and c["value"] < weak for c in row["cells"])
    ]
    if common_weak:
        summary.append(
            _(
                "All the cities are weak (below %(below)s) on: %(names)s.",
                below=f.number(weak, 0),
                names=", ".join(common_weak),
            )
        )
    missing_any = [
        f"{row['label']} ({cities[i]['name']})"
        for row in dimension_rows
        for i, c in enumerate(row["cells"])
        if c["missing"]
    ]
    if missing_any:
        summary.append(_("Not scored for lack of data: %(items)s.", items=", ".join(missing_any)))
    for c in ranked:
        for note in (c["level_note"], c["missing_note"]):
            if note:
                summary.append(f"{c['name']}: {note}")
    shown = [(c["score"], c["rank_value"]) for c in scored]
    if any(a[0] == b[0] and a[1] != b[1] for a, b in zip(shown, shown[1:], strict=False)):
        summary.append(_("Cities printed with the same score are ranked by their unrounded scores, which differ."))
    unscored = [c["name"] for c in cities if c["value"] is None]
    if unscored:
        summary.append(_("No index could be calculated for: %(names)s.", names=", ".join(unscored)))
    return summary


def comparison_parts(
    comparison: Comparison, lang: str, generated: date, k_min: int, with_charts: bool, chart_text: str
) -> dict:
    f = Formats(lang)
    levels = Levels(lang)
    results = comparison["rounds"]
    ranking = comparison["ranking"]
    by_round = {c["round"]: c for c in ranking["cities"]}
    cities = [_city_row(r, by_round[r["round"]], lang, f, levels) for r in results]
    ranked = sorted(cities, key=lambda c: (c["rank_value"] is None, c["rank_value"] or 0, c["name"]))
    dimension_rows = _dimension_rows(results, lang, f, levels)
    chart, scri_chart = _charts(dimension_rows, cities, ranked, f, chart_text) if with_charts else ("", "")
    return {
        "lang": lang,
        "language_name": LANGUAGE_NAMES[lang],
        "generated": f.date(generated),
        "generated_iso": generated.isoformat(),
        "sections": [{"id": key, "title": str(title)} for key, title in COMPARISON_SECTIONS],
        "titles": {key: str(title) for key, title in COMPARISON_SECTIONS},
        "cities": cities,
        "ranked": ranked,
        "rounds": [c["round"] for c in cities],
        "city_names": ", ".join(c["name"] for c in cities),
        "dimension_rows": dimension_rows,
        "construct_rows": _construct_rows(results, f, levels),
        "refstd_rows": _refstd_rows(results, lang, f),
        "opinion_rows": _opinion_rows(results, lang, f),
        "chart": chart,
        "scri_chart": scri_chart,
        "summary": _summary(ranked, cities, dimension_rows, levels, f),
        "mc": {"n": f.integer(ranking["draws"]), "noise": f.share(ranking["noise"])},
        "k_min": k_min,
    }
