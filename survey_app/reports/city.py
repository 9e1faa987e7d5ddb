"""One city's report: a :class:`~survey_app.services.scoring.ScoredRound` → the parts of its template context.

Reads only the fields the result schema defines (``analysis.result``, ``services.scoring``); every number is
formatted for the report's language, a missing value reads "no data" and a withheld cell never carries its
value. The narrative (summary, strengths and weaknesses) is in ``narrative.py``, the annex in ``annex.py``.
"""

from __future__ import annotations

from flask_babel import gettext as _

from instruments.frameworks import load_framework
from instruments.refstd import load_refstd_framework

from .. import labels
from ..services.scoring import ScoredRound
from . import charts
from .formats import Formats, Levels, texts
from .network_parts import isolated_text, network_measures
from .uncertainty import alpha_caution, interval_note, pooled_caution, subscore_parts
from .values import cell_score, is_suppressed


def group_label(code: str) -> str:
    return labels.label_of(labels.GROUPS, code)


def construct_label(code: str) -> str:
    return labels.label_of(labels.CONSTRUCTS, code)


def city_name(result: ScoredRound, lang: str) -> str:
    return texts(result["city_names"], lang, result["city"]) or _("Unnamed city")


class CityParts:
    """The pieces of a city report that come straight from the result."""

    def __init__(self, result: ScoredRound, lang: str, k_min: int, with_charts: bool, chart_text: str):
        self.r = result
        self.lang = lang
        self.f = Formats(lang)
        self.levels = Levels(lang)
        self.framework = load_framework()
        self.k_min = k_min
        self.with_charts = with_charts
        self.chart_text = chart_text
        self.withheld = _("withheld (fewer than %(k)s respondents)", k=k_min)
        self.withheld_short = _("withheld")
        self.withheld_reason = _("fewer than %(k)s respondents", k=k_min)

    # -- index and dimensions -------------------------------------------------------------------------

    def scri(self) -> dict:
        scri = self.r["scri"]
        sens = self.r["sensitivity"]
        return {
            "available": scri["score"] is not None,
            "value": scri["score"],
            "score": self.f.number(scri["score"]),
            "level": scri["level"] or "na",
            "level_text": self.levels.name(scri["level"]),
            "coverage": self.f.share(scri["coverage"]),
            "range": self.f.interval(sens["score_p05"], sens["score_p95"]),
            "range_values": (sens["score_p05"], sens["score_p95"]),
            "probability": self.f.share(scri["level_probability"]) if scri["level_probability"] is not None else "",
            "borderline": " / ".join(self.levels.name(code) for code in scri["borderline"] or ()),
            "provisional": scri["provisional"],
            "reweighted": self.f.number(scri["reweighted_score"]) if scri["missing_indicators"] else "",
        }

    def dimension_label(self, code: str) -> str:
        return texts(self.r["dimensions"][code]["label"], self.lang) or labels.label_of(labels.DIMENSIONS, code)

    def dimensions(self) -> dict:
        change = (self.r["change"] or {}).get("dimensions", {})
        previous = self.r["previous"]
        rows = []
        for code, dim in self.r["dimensions"].items():
            score = dim["score"]
            note = ""
            if score is None:
                note = _(
                    "not scored: data for %(share)s of its indicators (at least two thirds are needed)",
                    share=self.f.share(dim["coverage"]),
                )
            elif dim["insufficient_data"]:
                note = _(
                    "insufficient data: values for %(share)s of its indicators (at least two thirds are needed); "
                    "the missing ones count at their worst goalpost",
                    share=self.f.share(dim["coverage"]),
                )
            delta = change.get(code)
            rows.append(
                {
                    "code": code,
                    "label": self.dimension_label(code),
                    "value": score,
                    "score": self.f.number(score),
                    "level": dim["level"] or "na",
                    "bar": round(score, 1) if score is not None else 0,
                    "weight": self.f.share(dim["weight"]) if score is not None else "—",
                    "coverage": self.f.share(dim["coverage"]),
                    "missing": score is None,
                    "insufficient": score is None or dim["insufficient_data"],
                    "note": note,
                    "change": self.f.signed(delta) if delta is not None else "",
                    "indicators": self.indicators(code),
                }
            )
        chart = ""
        if self.with_charts and rows:
            chart = charts.data_uri(
                charts.radar_chart(
                    [row["label"] for row in rows],
                    [row["value"] for row in rows],
                    previous=[previous["dimensions"].get(row["code"]) for row in rows] if previous else None,
                    current_label=str(self.r["year"]),
                    previous_label=str(previous["year"]) if previous else "",
                    missing_label=_("no data"),
                    number=self.f.number,
                    text=self.chart_text,
                )
            )
        return {
            "rows": rows,
            "chart": chart,
            "has_previous": previous is not None,
            "any_missing": any(r["insufficient"] for r in rows),
        }

    def indicators(self, dimension: str) -> list[dict]:
        """The dimension's indicators: value as read, normalised score, share of the dimension's weight."""
        items = {code: item for code, item in self.r["indicators"].items() if item["dimension"] == dimension}
        total = sum(item["weight"] or 0.0 for item in items.values()) or 1.0
        out = []
        for code, item in items.items():
            definition = self.framework.indicator(code)
            value = item["value"]
            missing = value is None
            if missing:
                shown = self.f.no_data
            elif item["source"] == "yesno":
                shown = _("yes") if value >= 0.5 else _("no")
            elif definition is not None and definition.unit == "%":
                shown = self.f.percent(value)
            else:
                shown = self.f.number(value, 2 if abs(value) < 10 and value != int(value) else 1)
            label = texts(definition.label, self.lang) if definition is not None else ""
            out.append(
                {
                    "label": label or labels.humanise(code),
                    "value": shown,
                    "normalised": self.f.number(item["score"] if not missing else item.get("counted_as")),
                    "weight": self.f.share((item["weight"] or 0.0) / total),
                    "source": labels.label_of(labels.SOURCES, item["source"]),
                    "missing": missing,
                }
            )
        return out

    # -- constructs -----------------------------------------------------------------------------------

    def group_codes(self) -> list[str]:
        return list(self.r["groups"])

    def subscore_constructs(self, subscore: str) -> tuple[str, ...]:
        """The constructs of a sub-score, as the framework defines them (and the result lists them)."""
        return tuple(self.r["subscore_details"][subscore]["constructs"])

    def construct_block(self, subscore: str) -> dict:
        constructs = self.r["constructs"]
        groups = self.group_codes()
        rows, panels = [], []
        for code in self.subscore_constructs(subscore):
            cells, panel = self._construct_cells(code, groups)
            pooled = self.r["pooled"][code]
            rows.append(
                {
                    "code": code,
                    "label": construct_label(code),
                    "cells": cells,
                    "overall": self.f.number(pooled["score"]),
                    "overall_value": pooled["score"],
                    "level": self.levels.css(pooled["score"]),
                    "caution": pooled_caution(pooled),
                }
            )
            panels.append(panel)
        present = any(constructs.get(code) for code in self.subscore_constructs(subscore))
        chart = ""
        if self.with_charts and present:
            chart = charts.data_uri(
                charts.interval_chart(
                    panels,
                    axis_label=_("score (0–100) and 95 %(percent)s interval", percent="%"),
                    number=self.f.number,
                    text=self.chart_text,
                )
            )
        subscore_value = self.r["subscores"][subscore]
        return {
            "available": present,
            "groups": [{"code": g, "label": group_label(g)} for g in groups],
            "rows": rows,
            "chart": chart,
            "subscore": self.f.number(subscore_value),
            "subscore_value": subscore_value,
            "parts": subscore_parts(subscore_value, self.r["subscore_details"][subscore], self.f),
            "subscore_level": self.levels.name(self.levels.of(subscore_value)) if subscore_value is not None else "",
        }

    def _construct_cells(self, code: str, groups: list[str]) -> tuple[list[dict], charts.IntervalPanel]:
        by_group = self.r["constructs"].get(code, {})
        cells = []
        panel = charts.IntervalPanel(title=construct_label(code))
        for g in groups:
            cell = by_group.get(g)
            glabel = group_label(g)
            if cell is None:
                cells.append(
                    {"group": g, "score": self.f.no_data, "ci": "", "n": "", "withheld": False, "missing": True}
                )
                panel.rows.append(charts.IntervalRow(glabel, note=_("no data")))
            elif is_suppressed(cell):
                cells.append(
                    {
                        "group": g,
                        "score": self.withheld_short,
                        "ci": "",
                        "n": "",
                        "withheld": True,
                        "missing": False,
                        "reason": self.withheld_reason,
                    }
                )
                panel.rows.append(charts.IntervalRow(glabel, note=self.withheld))
            else:
                score = cell_score(cell)
                low, high = cell["ci95"] or (None, None)
                cells.append(
                    {
                        "group": g,
                        "score": self.f.number(score),
                        "ci": self.f.interval(low, high) if cell["ci95"] else interval_note(cell),
                        "n": self.f.integer(cell["n"]),
                        "withheld": False,
                        "missing": score is None,
                        "caution": alpha_caution(cell.get("alpha_flag"), cell.get("alpha"), self.f),
                    }
                )
                panel.rows.append(
                    charts.IntervalRow(glabel, score, low, high, note=_("no data") if score is None else "")
                )
        return cells, panel

    # -- network and reference standard ---------------------------------------------------------------

    def network(self) -> dict:
        net = self.r["network"]
        isolated = [group_label(s) for s in net["isolated_sectors"]]
        nodes = [
            {
                "code": n["code"],
                "sector": n["sector"],
                "label": texts(n["label"], self.lang, n["code"]),
                "degree": net["degree"].get(n["code"]) or 0.0,
                "betweenness": net["betweenness"].get(n["code"]),
            }
            for n in net["graph"]["nodes"]
        ]
        edges = [dict(e) for e in net["graph"]["edges"]]
        order = list(labels.SECTOR_COLOURS)
        nodes.sort(
            key=lambda n: (order.index(n["sector"]) if n["sector"] in order else len(order), -n["degree"], n["label"])
        )
        for key, node in enumerate(nodes, start=1):
            node["key"] = key
        central = sorted(
            (n for n in nodes if n["betweenness"] is not None), key=lambda n: (-n["betweenness"], n["label"])
        )[:3]
        chart = ""
        if self.with_charts and nodes:
            chart = charts.data_uri(
                charts.network_chart(
                    nodes,
                    edges,
                    sector_labels={g: group_label(g) for g in labels.SECTOR_COLOURS},
                    sector_colours=labels.SECTOR_COLOURS,
                    other_colour=labels.OTHER_COLOUR,
                    legend_title=_("Sectors"),
                    text=self.chart_text,
                )
            )
        return {
            "available": bool(nodes),
            "measures": network_measures(self.r["network"], self.f),
            "chart": chart,
            "isolated": isolated,
            "isolated_text": isolated_text(isolated, bool(nodes)),
            "key": [
                {
                    "key": n["key"],
                    "label": n["label"],
                    "sector": group_label(n["sector"]) if n["sector"] else "",
                    "degree": self.f.number(n["degree"], 2),
                }
                for n in nodes
            ],
            "central": [
                {
                    "label": n["label"],
                    "sector": group_label(n["sector"]) if n["sector"] else "",
                    "betweenness": self.f.number(n["betweenness"], 2),
                }
                for n in central
            ],
        }

    def _to_next(self, data: dict, group: str) -> str:
        gap = (data.get("to_next_band") or {}).get(group)
        return _("top band") if gap is None else self.f.number(gap, 2)

    def refstd(self) -> dict:
        data = self.r["refstd"]
        if data is None:
            return {"available": False, "reason": ""}
        if "missing" in data:
            # The rating could not be computed (e.g. an area without indicators): say so, show nothing.
            return {
                "available": False,
                "reason": _(
                    "The reference-standard indicators entered for this city are incomplete, so no rating can be given."
                ),
            }
        framework = load_refstd_framework()
        rows = [
            {
                "label": texts(area.label, self.lang, area.code),
                "group": texts(group.label, self.lang, group.code),
                "s": self.f.percent(data["areas"][area.code]),
            }
            for group in framework.groups
            for area in framework.areas_of(group.code)
            if area.code in data["areas"]
        ]
        group_titles = {
            "priority": _("Priority areas (S_pa)"),
            "additional": _("Additional areas (S_add)"),
            "ict": _("ICT (S_ict)"),
        }
        groups = [
            {
                "key": group.code,
                "label": group_titles.get(group.code) or texts(group.label, self.lang, group.code),
                "s": self.f.percent(data[f"s_{group.code}"]),
                "points": self.f.integer(data[f"c_{group.code}"]),
                "next": self._to_next(data, group.code),
            }
            for group in framework.groups
        ]
        return {
            "available": True,
            "rows": rows,
            "groups": groups,
            "total_points": self.f.integer(data["total_points"]),
            "ct": self.f.percent(data["ct_percent"]),
            "weighted_mean": self.f.percent(data["weighted_mean_percent"]),
            "rank": self.f.integer(data["rank"]),
        }
