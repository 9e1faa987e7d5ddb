"""A round's result dict → the plain template context of its report, with every text in the report's language.

The result has the shape of `scoring.round_result` (the `scri score` JSON plus labels, indicators, the
network graph, the reference-standard rating, the previous round and the annex); any part may be missing.
The context holds only strings, numbers, booleans, lists and dicts: numbers are already formatted for the
language ("43,1" in kk and ru, "43.1" in en), a missing value reads "no data", a suppressed cell reads
"withheld (fewer than 5 respondents)" and never carries its value, and NaN never gets through.
The same context feeds the PDF and the web pages, so both show the same content.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import charts, labels
from .recommendations import RuleSet, choose, load_rules
from .values import cell_score, construct_mean, is_suppressed, mapping, num

LANGS = ("kk", "ru", "en")

#: The sections of a city report, in order: (anchor, title). The PDF's table of contents and the web page's
#: navigation are built from this list.
CITY_SECTIONS = (
    ("summary", _l("Executive summary")),
    ("dimensions", _l("Readiness by dimension")),
    ("engagement", _l("Stakeholder engagement")),
    ("governance", _l("Governance")),
    ("network", _l("Stakeholder network")),
    ("refstd", _l("Reference standard of “Smart” cities")),
    ("strengths", _l("Strengths and weaknesses")),
    ("recommendations", _l("Recommendations")),
    ("annex", _l("Annex: method and data quality")),
)

COMPARISON_SECTIONS = (
    ("overview", _l("Cities side by side")),
    ("dimensions", _l("Dimensions")),
    ("subscores", _l("Engagement and governance")),
    ("refstd", _l("Reference standard of “Smart” cities")),
    ("method", _l("About the comparison")),
)

STRONG = 60.0
WEAK = 40.0


# ---------------------------------------------------------------------------------------------- formats


class Formats:
    """Numbers, percentages and dates in one language; None and NaN become "no data"."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "ru"
        with force_locale(self.lang):
            self.no_data = _("no data")

    def number(self, value: Any, digits: int = 1) -> str:
        value = num(value)
        if value is None:
            return self.no_data
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        try:
            return format_decimal(round(value, digits) + 0.0, format=pattern, locale=self.lang)
        except (ArithmeticError, ValueError):  # absurdly large values: plain digits rather than a crash
            return f"{value:.{digits}f}"

    def signed(self, value: Any, digits: int = 1) -> str:
        value = num(value)
        if value is None:
            return self.no_data
        value = round(value, digits) + 0.0
        text = self.number(abs(value), digits)
        return ("+" if value > 0 else "−" if value < 0 else "±") + text

    def share(self, value: Any, digits: int = 0) -> str:
        """A share on 0–1 as a percentage: 0.92 → "92 %" (ru) / "92%" (en, kk)."""
        value = num(value)
        if value is None:
            return self.no_data
        return self.percent(value * 100, digits)

    def percent(self, value: Any, digits: int = 1) -> str:
        """A value already on 0–100 as a percentage."""
        value = num(value)
        if value is None:
            return self.no_data
        sep = "\u00a0" if self.lang == "ru" else ""
        return f"{self.number(value, digits)}{sep}%"

    def interval(self, low: Any, high: Any) -> str:
        low, high = num(low), num(high)
        if low is None or high is None:
            return ""
        return f"{self.number(low)}–{self.number(high)}"

    def integer(self, value: Any) -> str:
        value = num(value)
        return self.no_data if value is None else self.number(value, 0)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.lang)


def score_of(value: Any) -> float | None:
    """A score for display, or None (NaN, text and missing all become None)."""
    return num(value)


def _texts(value: Any, lang: str, fallback: str = "") -> str:
    """Pick a language from a {kk, ru, en} mapping (then ru, then en); a plain string is returned as is."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in (lang, "ru", "en", "kk"):
            text = value.get(key)
            if isinstance(text, str) and text.strip():
                return text
    return fallback


def level_of(score: float | None) -> str | None:
    """low < 40 ≤ medium < 60 ≤ high (methodology §5)."""
    if score is None:
        return None
    return "low" if score < WEAK else "medium" if score < STRONG else "high"


def level_text(level: str | None) -> str:
    return labels.label_of(labels.LEVELS, level) if level in labels.LEVELS else _("not determined")


def city_name(result: Mapping, lang: str) -> str:
    return _texts(result.get("city_names"), lang, str(result.get("city") or "")) or _("Unnamed city")


def group_label(code: str) -> str:
    return labels.label_of(labels.GROUPS, code)


def construct_label(code: str) -> str:
    return labels.label_of(labels.CONSTRUCTS, code)


def _scri_framework():
    try:
        from instruments.frameworks import load_framework

        return load_framework()
    except Exception:  # noqa: BLE001  (labels then fall back to the result's own)
        return None


def _refstd_framework():
    try:
        from instruments.refstd_loader import load_refstd_framework

        return load_refstd_framework()
    except Exception:  # noqa: BLE001
        return None


# ------------------------------------------------------------------------------------------ city report


class _City:
    def __init__(self, result: Mapping, lang: str, generated: date, k_min: int, rules: RuleSet | None,
                 with_charts: bool, public: bool, chart_text: str):
        self.r = result if isinstance(result, Mapping) else {}
        self.lang = lang
        self.f = Formats(lang)
        self.generated = generated
        self.k_min = k_min
        self.rules = rules
        self.with_charts = with_charts
        self.chart_text = chart_text
        self.public = public
        self.withheld = _("withheld (fewer than %(k)s respondents)", k=k_min)
        self.withheld_short = _("withheld")
        self.withheld_reason = _("fewer than %(k)s respondents", k=k_min)

    # -- pieces ---------------------------------------------------------------------------------------

    def scri(self) -> dict:
        scri = mapping(self.r.get("scri"))
        score = score_of(scri.get("score"))
        sens = mapping(self.r.get("sensitivity")) or mapping(mapping(self.r.get("annex")).get("sensitivity"))
        p05, p95 = num(sens.get("score_p05")), num(sens.get("score_p95"))
        level = scri.get("level") if scri.get("level") in labels.LEVELS else level_of(score)
        return {
            "available": score is not None,
            "value": score,
            "score": self.f.number(score),
            "level": level or "na",
            "level_text": level_text(level),
            "coverage": self.f.share(scri.get("coverage")),
            "range": self.f.interval(p05, p95),
        }

    def dimension_codes(self) -> list[str]:
        dims = mapping(self.r.get("dimensions"))
        codes = [c for c in labels.DIMENSION_ORDER if c in dims]
        codes += [c for c in dims if c not in codes]
        # A default dimension the result does not mention at all is shown as not assessed.
        codes += [c for c in labels.DIMENSION_ORDER if c not in codes]
        return codes

    def dimension_label(self, code: str) -> str:
        dim = mapping(mapping(self.r.get("dimensions")).get(code))
        return _texts(dim.get("label"), self.lang) or labels.label_of(labels.DIMENSIONS, code)

    def dimensions(self) -> dict:
        dims = mapping(self.r.get("dimensions"))
        change = mapping(mapping(self.r.get("change")).get("dimensions"))
        previous = mapping(mapping(self.r.get("previous")).get("dimensions"))
        has_previous = bool(previous) or bool(change)
        rows = []
        for code in self.dimension_codes():
            dim = mapping(dims.get(code))
            score = score_of(dim.get("score"))
            in_result = code in dims
            if score is None:
                reason = dim.get("missing")
                coverage = num(dim.get("coverage"))
                if not in_result:
                    note = _("not assessed in this round")
                elif coverage is not None:
                    note = _("not scored: data for %(share)s of its indicators (at least two thirds are needed)",
                             share=self.f.share(coverage))
                elif isinstance(reason, str) and reason:
                    note = _("not scored: too few indicators with data")
                else:
                    note = _("not scored: too few indicators with data")
            else:
                note = ""
            delta = num(change.get(code))
            if delta is None and score is not None and num(previous.get(code)) is not None:
                delta = score - num(previous.get(code))
            rows.append({
                "code": code,
                "label": self.dimension_label(code),
                "value": score,
                "score": self.f.number(score),
                "level": level_of(score) or "na",
                "bar": round(score, 1) if score is not None else 0,
                "weight": self.f.share(dim.get("weight")) if score is not None else "—",
                "coverage": self.f.share(dim.get("coverage")) if in_result else self.f.no_data,
                "missing": score is None,
                "note": note,
                "change": self.f.signed(delta) if delta is not None else "",
                "indicators": self.indicators(self.indicator_items(code, dim)),
            })
        chart = ""
        if self.with_charts and rows:
            previous_values = None
            if previous:
                previous_values = [score_of(previous.get(row["code"])) for row in rows]
            prev_round = mapping(self.r.get("previous"))
            chart = charts.data_uri(charts.radar_chart(
                [row["label"] for row in rows], [row["value"] for row in rows], previous=previous_values,
                current_label=str(self.r.get("year") or self.r.get("round") or ""),
                previous_label=str(prev_round.get("year") or prev_round.get("round") or ""),
                missing_label=_("no data"), number=self.f.number, text=self.chart_text))
        return {"rows": rows, "chart": chart, "has_previous": has_previous,
                "any_missing": any(r["missing"] for r in rows)}

    def indicator_items(self, code: str, dim: Mapping) -> list[Mapping]:
        """The dimension's indicators: its own list (if given) or the result's `indicators` of that dimension."""
        own = dim.get("indicators")
        if isinstance(own, list):
            return [mapping(item) for item in own]
        found = []
        for icode, item in mapping(self.r.get("indicators")).items():
            item = mapping(item)
            if item.get("dimension") == code:
                found.append({**item, "code": icode})
        return found

    def indicators(self, items: list[Mapping]) -> list[dict]:
        framework = _scri_framework()
        weights = [num(item.get("weight")) or 0.0 for item in items]
        total = sum(weights) or 1.0
        out = []
        for item, weight in zip(items, weights, strict=True):
            definition = framework.indicator(str(item.get("code"))) if framework is not None else None
            value = num(item.get("value"))
            missing = value is None or (bool(item.get("missing")) and value is None)
            source = item.get("source") or (definition.source if definition is not None else "")
            unit = getattr(definition, "unit", "") or ""
            if missing:
                shown = self.f.no_data
            elif source == "yesno":
                shown = _("yes") if value >= 0.5 else _("no")
            else:
                shown = self.f.number(value, 2 if abs(value) < 10 and value != int(value) else 1)
                if unit == "%":
                    shown = self.f.percent(value)
            normalised = item.get("normalised", item.get("score"))
            label = _texts(item.get("label"), self.lang) or (
                _texts(definition.label, self.lang) if definition is not None else "")
            out.append({
                "label": label or labels.humanise(str(item.get("code") or "")),
                "value": shown,
                "normalised": self.f.number(normalised) if not missing else "—",
                "weight": self.f.share(weight / total),
                "source": labels.label_of(labels.SOURCES, source) if source else "",
                "missing": missing,
            })
        return out

    def group_codes(self) -> list[str]:
        groups = mapping(self.r.get("groups"))
        seen: list[str] = [g for g in labels.GROUP_ORDER if g in groups]
        for cells in mapping(self.r.get("constructs")).values():
            for g in mapping(cells):
                if g not in seen:
                    seen.append(g)
        seen += [g for g in groups if g not in seen]
        order = list(labels.GROUP_ORDER)
        return sorted(seen, key=lambda g: order.index(g) if g in order else len(order))

    def pooled(self, code: str) -> float | None:
        """The construct over the shown groups, equal group weights: the analysis's `pooled` when given."""
        pooled = mapping(self.r.get("pooled"))
        if code in pooled:
            return num(mapping(pooled[code]).get("score"))
        return construct_mean(self.r, code)

    def construct_block(self, codes: tuple[str, ...], subscore_key: str) -> dict:
        constructs = mapping(self.r.get("constructs"))
        groups = self.group_codes()
        rows = []
        panels = []
        for code in codes:
            cells_raw = mapping(constructs.get(code))
            label = construct_label(code)
            cells = []
            panel = charts.IntervalPanel(title=label)
            for g in groups:
                cell = cells_raw.get(g)
                glabel = group_label(g)
                if not isinstance(cell, Mapping):
                    cells.append({"group": g, "score": self.f.no_data, "ci": "", "n": "", "withheld": False,
                                  "missing": True})
                    panel.rows.append(charts.IntervalRow(glabel, note=_("no data")))
                    continue
                if is_suppressed(cell):
                    cells.append({"group": g, "score": self.withheld_short, "ci": "", "n": "",
                                  "withheld": True, "missing": False, "reason": self.withheld_reason})
                    panel.rows.append(charts.IntervalRow(glabel, note=self.withheld))
                    continue
                score = cell_score(cell)
                ci = cell.get("ci95") if isinstance(cell.get("ci95"), list | tuple) else (None, None)
                low, high = (num(ci[0]), num(ci[1])) if len(ci) == 2 else (None, None)
                cells.append({"group": g, "score": self.f.number(score), "ci": self.f.interval(low, high),
                              "n": self.f.integer(cell.get("n")), "withheld": False, "missing": score is None})
                panel.rows.append(charts.IntervalRow(glabel, score, low, high,
                                                     note=_("no data") if score is None else ""))
            mean = self.pooled(code)
            rows.append({"code": code, "label": label, "cells": cells, "overall": self.f.number(mean),
                         "overall_value": mean, "level": level_of(mean) or "na"})
            panels.append(panel)
        present = any(mapping(constructs.get(code)) for code in codes)
        chart = ""
        if self.with_charts and present:
            chart = charts.data_uri(charts.interval_chart(
                panels, axis_label=_("score (0–100) and 95 %(percent)s interval", percent="%"),
                number=self.f.number, text=self.chart_text))
        subscore = num(mapping(self.r.get("subscores")).get(subscore_key))
        return {"available": present, "groups": [{"code": g, "label": group_label(g)} for g in groups],
                "rows": rows, "chart": chart, "subscore": self.f.number(subscore), "subscore_value": subscore,
                "subscore_level": level_text(level_of(subscore)) if subscore is not None else ""}

    def network(self) -> dict:
        net = mapping(self.r.get("network"))
        graph = mapping(net.get("graph"))
        nodes_raw = [mapping(n) for n in graph.get("nodes") or [] if isinstance(n, Mapping)]
        edges_raw = [mapping(e) for e in graph.get("edges") or [] if isinstance(e, Mapping)]
        isolated_codes = [s for s in net.get("isolated_sectors") or [] if isinstance(s, str)]
        isolated = [group_label(s) for s in isolated_codes]
        degree = mapping(net.get("degree"))
        betweenness = mapping(net.get("betweenness"))
        nodes = [{"code": str(n.get("code")), "sector": n.get("sector"),
                  "label": _texts(n.get("label"), self.lang, str(n.get("code"))),
                  "degree": num(n.get("degree", degree.get(n.get("code")))) or 0.0,
                  "betweenness": num(n.get("betweenness", betweenness.get(n.get("code"))))}
                 for n in nodes_raw if n.get("code") is not None]
        edges = [{"source": str(e.get("source")), "target": str(e.get("target")), "weight": num(e.get("weight")) or 1}
                 for e in edges_raw]
        measures = [
            {"label": _("Density"), "value": self.f.number(net.get("density"), 2),
             "hint": _("share of all possible ties that exist (0–1)")},
            {"label": _("E-I index"), "value": self.f.number(net.get("ei_index"), 2),
             "hint": _("from −1 (ties only within sectors) to +1 (ties only across sectors)")},
            {"label": _("Organisations and sectors"), "value": self.f.integer(net.get("nodes")), "hint": ""},
            {"label": _("Ties"), "value": self.f.integer(net.get("edges")), "hint": ""},
        ]
        order = list(labels.SECTOR_COLOURS)
        nodes.sort(key=lambda n: (order.index(n["sector"]) if n["sector"] in order else len(order),
                                  -n["degree"], n["label"]))
        for key, node in enumerate(nodes, start=1):
            node["key"] = key
        central = sorted((n for n in nodes if n["betweenness"] is not None), key=lambda n: (-n["betweenness"],
                                                                                            n["label"]))[:3]
        chart = ""
        if self.with_charts and nodes:
            chart = charts.data_uri(charts.network_chart(
                nodes, edges, sector_labels={g: group_label(g) for g in labels.SECTOR_COLOURS},
                sector_colours=labels.SECTOR_COLOURS, other_colour=labels.OTHER_COLOUR,
                legend_title=_("Sectors"), text=self.chart_text))
        if isolated:
            isolated_text = _("Sectors without any tie to another sector: %(sectors)s.", sectors=", ".join(isolated))
        elif nodes or num(net.get("nodes")):
            isolated_text = _("Every sector has at least one tie to another sector.")
        else:
            isolated_text = ""
        available = bool(nodes) or any(num(net.get(k)) is not None for k in ("density", "nodes", "edges"))
        key = [{"key": n["key"], "label": n["label"], "sector": group_label(n["sector"]) if n["sector"] else "",
                "degree": self.f.number(n["degree"], 2)} for n in nodes]
        return {"available": available, "measures": measures, "chart": chart, "isolated": isolated, "key": key,
                "isolated_text": isolated_text,
                "central": [{"label": n["label"], "sector": group_label(n["sector"]) if n["sector"] else "",
                             "betweenness": self.f.number(n["betweenness"], 2)} for n in central]}

    def refstd(self) -> dict:
        data = self.r.get("refstd")
        if not isinstance(data, Mapping) or not data:
            return {"available": False, "reason": ""}
        if "ct_percent" not in data and "areas" not in data:
            # The rating could not be computed (e.g. an area without indicators): say so, show nothing.
            return {"available": False, "reason": _("The reference-standard indicators entered for this city "
                                                    "are incomplete, so no rating can be given.")}
        framework = _refstd_framework()
        area_means = mapping(data.get("areas"))
        rows = []
        if framework is not None:
            for group in framework.groups:
                for area in framework.areas_of(group.code):
                    if area.code in area_means:
                        rows.append({"label": _texts(area.label, self.lang, area.code),
                                     "group": _texts(group.label, self.lang, group.code),
                                     "s": self.f.percent(area_means.get(area.code))})
            known = {a.code for a in framework.areas}
        else:
            known = set()
        for code, value in area_means.items():
            if code not in known:
                rows.append({"label": labels.humanise(code), "group": "", "s": self.f.percent(value)})
        group_rows = []
        for key, s_key, c_key, label in (
            ("priority", "s_priority", "c_priority", _("Priority areas (S_pa)")),
            ("additional", "s_additional", "c_additional", _("Additional areas (S_add)")),
            ("ict", "s_ict", "c_ict", _("ICT (S_ict)")),
        ):
            group_rows.append({"key": key, "label": label, "s": self.f.percent(data.get(s_key)),
                               "points": self.f.integer(data.get(c_key))})
        return {
            "available": True,
            "rows": rows,
            "groups": group_rows,
            "total_points": self.f.integer(data.get("total_points")),
            "ct": self.f.percent(data.get("ct_percent")),
            "weighted_mean": self.f.percent(data.get("weighted_mean_percent")),
            "rank": self.f.integer(data.get("rank")) if num(data.get("rank")) is not None else "",
        }

    def strengths_weaknesses(self, dims: dict, engagement: dict, governance: dict, network: dict) -> dict:
        strengths, weaknesses = [], []
        scored = [row for row in dims["rows"] if row["value"] is not None]
        for row in sorted(scored, key=lambda r: -r["value"]):
            if row["value"] >= 50:
                strengths.append({"label": row["label"], "value": row["score"], "kind": _("dimension")})
        for row in sorted(scored, key=lambda r: r["value"]):
            if row["value"] < WEAK:
                weaknesses.append({"label": row["label"], "value": row["score"], "kind": _("dimension")})
        constructs = engagement["rows"] + governance["rows"]
        for row in sorted((r for r in constructs if r["overall_value"] is not None), key=lambda r: -r["overall_value"]):
            if row["overall_value"] >= 50:
                strengths.append({"label": row["label"], "value": row["overall"], "kind": _("all groups")})
        for row in sorted((r for r in constructs if r["overall_value"] is not None), key=lambda r: r["overall_value"]):
            if row["overall_value"] < WEAK:
                weaknesses.append({"label": row["label"], "value": row["overall"], "kind": _("all groups")})
        # Single groups far behind (shown cells only: a withheld cell is never read or compared).
        raw = mapping(self.r.get("constructs"))
        gaps = []
        for row in constructs:
            for code, cell in mapping(raw.get(row["code"])).items():
                value = cell_score(cell)
                if value is not None and value < 35:
                    gaps.append((value, f"{row['label']}: {group_label(code)}"))
        for value, label in sorted(gaps)[:4]:
            weaknesses.append({"label": label, "value": self.f.number(value), "kind": _("one group")})
        if network["isolated"]:
            weaknesses.append({"label": _("Isolated sectors in the network"), "value": ", ".join(network["isolated"]),
                               "kind": _("network")})
        for row in dims["rows"]:
            if row["missing"]:
                weaknesses.append({"label": row["label"], "value": _("no data"), "kind": _("data gap")})
        if not strengths and scored:
            best = max(scored, key=lambda r: r["value"])
            strengths.append({"label": best["label"], "value": best["score"],
                              "kind": _("relatively the strongest dimension")})
        return {"strengths": strengths[:6], "weaknesses": weaknesses[:8]}

    def summary(self, scri: dict, dims: dict, engagement: dict, governance: dict, network: dict) -> list[str]:
        city = city_name(self.r, self.lang)
        year = self.r.get("year")
        paragraphs = []
        if scri["available"]:
            paragraphs.append(_(
                "%(city)s: the Smart City Readiness Index (SCRI) for %(year)s is %(score)s out of 100. "
                "Readiness level: %(level)s (low below 40, medium from 40 to 60, high from 60).",
                city=city, year=year or "—", score=scri["score"], level=scri["level_text"]))
            if scri["range"]:
                low, high = scri["range_values"]
                if level_of(low) == level_of(high):
                    paragraphs.append(_(
                        "When the weights of the indicators are varied at random, the index stays between "
                        "%(low)s and %(high)s in 90 %% of the trials, so the level does not depend on the exact "
                        "weights.", low=self.f.number(low), high=self.f.number(high)))
                else:
                    paragraphs.append(_(
                        "When the weights of the indicators are varied at random, the index stays between "
                        "%(low)s and %(high)s in 90 %% of the trials; this crosses a level boundary, so read the "
                        "level with care.", low=self.f.number(low), high=self.f.number(high)))
        else:
            paragraphs.append(_(
                "%(city)s: the Smart City Readiness Index could not be calculated for this round, because too "
                "few indicators had data.", city=city))
        scored = [row for row in dims["rows"] if row["value"] is not None]
        if len(scored) >= 2:
            best = max(scored, key=lambda r: r["value"])
            worst = min(scored, key=lambda r: r["value"])
            paragraphs.append(_(
                "The strongest dimension is “%(best)s” (%(best_score)s); the weakest is “%(worst)s” (%(worst_score)s).",
                best=best["label"], best_score=best["score"], worst=worst["label"], worst_score=worst["score"]))
        elif len(scored) == 1:
            paragraphs.append(_("Only one dimension could be scored: “%(label)s” (%(score)s).",
                                label=scored[0]["label"], score=scored[0]["score"]))
        missing = [row["label"] for row in dims["rows"] if row["missing"]]
        if missing:
            paragraphs.append(ngettext(
                "There were not enough data to score %(num)d dimension: %(names)s.",
                "There were not enough data to score %(num)d dimensions: %(names)s.",
                len(missing), names=", ".join(missing)))
        paragraphs.append(self.change_sentence(scri))
        parts = []
        if engagement["subscore_value"] is not None:
            parts.append(_("stakeholder engagement %(score)s", score=engagement["subscore"]))
        if governance["subscore_value"] is not None:
            parts.append(_("governance %(score)s", score=governance["subscore"]))
        if parts:
            paragraphs.append(_("Sub-scores from the stakeholder surveys: %(parts)s.", parts="; ".join(parts)))
        weakest_gov = [r for r in governance["rows"] if r["overall_value"] is not None]
        if weakest_gov:
            low = min(weakest_gov, key=lambda r: r["overall_value"])
            paragraphs.append(_("In governance, the weakest area is “%(label)s” (%(score)s).",
                                label=low["label"], score=low["overall"]))
        if network["isolated"]:
            paragraphs.append(_("In the stakeholder network, these sectors have no tie to any other sector: "
                                "%(sectors)s.", sectors=", ".join(network["isolated"])))
        return paragraphs

    def change_sentence(self, scri: dict) -> str:
        previous = mapping(self.r.get("previous"))
        change = mapping(self.r.get("change"))
        delta = num(change.get("scri"))
        prev_score = num(mapping(previous.get("scri")).get("score"))
        if delta is None and prev_score is not None and scri["value"] is not None:
            delta = scri["value"] - prev_score
        if not previous and delta is None:
            return _("This is the first assessment round for the city, so there is no earlier result to "
                     "compare with.")
        where = _("the previous round (%(round)s, %(year)s)", round=previous.get("round") or "—",
                  year=previous.get("year") or "—")
        if delta is None:
            return _("Compared with %(where)s, no change can be given because one of the two indices is missing.",
                     where=where)
        delta = round(delta, 1)
        if delta > 0:
            return _("Compared with %(where)s, the index rose by %(delta)s points (from %(before)s).",
                     where=where, delta=self.f.number(delta), before=self.f.number(prev_score))
        if delta < 0:
            return _("Compared with %(where)s, the index fell by %(delta)s points (from %(before)s).",
                     where=where, delta=self.f.number(-delta), before=self.f.number(prev_score))
        return _("Compared with %(where)s, the index did not change.", where=where)

    def recommendations(self) -> list[dict]:
        rules = self.rules or load_rules()
        return [{"id": rule.id, "priority": rule.priority,
                 "priority_text": labels.label_of(labels.PRIORITIES, rule.priority),
                 "title": _texts(rule.title, self.lang), "text": _texts(rule.text, self.lang)}
                for rule in choose(rules, self.r)]

    def alpha_matrix(self) -> dict:
        """Cronbach's α of every construct × group cell shown (withheld cells say so, never a number)."""
        constructs = mapping(self.r.get("constructs"))
        groups = self.group_codes()
        rows = []
        for code in [*labels.ENGAGEMENT_CONSTRUCTS, *labels.GOVERNANCE_CONSTRUCTS, *labels.PERCEPTION_CONSTRUCTS,
                     *[c for c in constructs if c not in labels.CONSTRUCTS]]:
            cells_raw = mapping(constructs.get(code))
            if not cells_raw:
                continue
            cells = []
            for g in groups:
                cell = cells_raw.get(g)
                if is_suppressed(cell):
                    cells.append({"text": self.withheld_short, "withheld": True})
                else:
                    alpha = num(mapping(cell).get("alpha"))
                    cells.append({"text": self.f.number(alpha, 2) if alpha is not None else "—", "withheld": False})
            if any(not c["withheld"] and c["text"] != "—" for c in cells):
                rows.append({"label": construct_label(code), "cells": cells})
        return {"groups": [group_label(g) for g in groups], "rows": rows}

    def annex(self) -> dict:
        annex = mapping(self.r.get("annex"))
        groups_src = mapping(annex.get("groups")) or mapping(self.r.get("groups"))
        groups = []
        order = list(labels.GROUP_ORDER)
        for code in sorted(groups_src, key=lambda g: order.index(g) if g in order else len(order)):
            g = mapping(groups_src[code])
            n = num(g.get("n") if g.get("n") is not None else g.get("completed"))
            small = bool(g.get("suppressed")) or (n is not None and n < self.k_min)
            rate = num(g.get("response_rate"))
            if rate is None and num(g.get("completed")) is not None and num(g.get("target")):
                rate = num(g.get("completed")) / num(g.get("target"))
            groups.append({
                "label": group_label(code),
                "n": f"< {self.k_min}" if small else self.f.integer(n),
                "target": self.f.integer(g.get("target")) if num(g.get("target")) else "—",
                "rate": "—" if small else self.f.share(rate),
                "small": small,
            })
        alphas = []
        raw_alphas = mapping(annex.get("alphas"))
        for code, value in raw_alphas.items():
            label = construct_label(code)
            if isinstance(value, Mapping):
                shown = [f"{group_label(g)} {self.f.number(v, 2)}" for g, v in value.items() if num(v) is not None]
                alphas.append({"label": label, "value": "; ".join(shown) or self.f.no_data})
            else:
                alphas.append({"label": label, "value": self.f.number(value, 2)})
        weights = (mapping(annex.get("weights")) or mapping(annex.get("weighting"))
                   or mapping(self.r.get("weighting")))
        weight_rows = []
        if num(weights.get("deff")) is not None or num(weights.get("n_effective")) is not None:
            weight_rows.append({"label": _("Design effect of the residents' weights (Kish)"),
                                "value": self.f.number(weights.get("deff"), 2)})
            weight_rows.append({"label": _("Effective number of residents"),
                                "value": self.f.number(weights.get("n_effective"))})
        elif weights.get("method") in ("none", "given") or not weights:
            weight_rows.append({"label": _("Weighting of residents"),
                                "value": _("not weighted (no census margins)")
                                if weights.get("method") != "given" else _("design weights as given")})
        else:
            for key, value in weights.items():
                value = mapping(value)
                if num(value.get("deff")) is not None:
                    weight_rows.append({"label": _("Design effect (%(group)s)", group=group_label(key)),
                                        "value": self.f.number(value.get("deff"), 2)})
        coverage = annex.get("coverage")
        if isinstance(coverage, Mapping):
            coverage_text = "; ".join(f"{self.dimension_label(k)} {self.f.share(v)}" for k, v in coverage.items())
        else:
            if coverage is None:
                coverage = mapping(self.r.get("scri")).get("coverage")
            coverage_text = self.f.share(coverage)
        sens = mapping(annex.get("sensitivity")) or mapping(self.r.get("sensitivity"))
        sensitivity = self.f.interval(sens.get("score_p05"), sens.get("score_p95"))
        return {"groups": groups, "alphas": alphas, "alpha_matrix": self.alpha_matrix(),
                "weights": weight_rows, "coverage": coverage_text,
                "sensitivity": sensitivity or self.f.no_data, "k_min": self.k_min,
                "any_small": any(g["small"] for g in groups)}

    # -- assembly -------------------------------------------------------------------------------------

    def build(self) -> dict:
        scri = self.scri()
        sens = mapping(self.r.get("sensitivity")) or mapping(mapping(self.r.get("annex")).get("sensitivity"))
        scri["range_values"] = (num(sens.get("score_p05")), num(sens.get("score_p95")))
        dims = self.dimensions()
        engagement = self.construct_block(labels.ENGAGEMENT_CONSTRUCTS, "stakeholder_engagement")
        governance = self.construct_block(labels.GOVERNANCE_CONSTRUCTS, "governance")
        governance["dimension"] = next((r for r in dims["rows"] if r["code"] == "governance"), None)
        network = self.network()
        previous = mapping(self.r.get("previous"))
        context = {
            "lang": self.lang,
            "language_name": labels.LANGUAGE_NAMES.get(self.lang, self.lang),
            "city": city_name(self.r, self.lang),
            "round": str(self.r.get("round") or ""),
            "year": str(self.r.get("year") or ""),
            "generated": self.f.date(self.generated),
            "generated_iso": self.generated.isoformat(),
            "public": self.public,
            "sections": [{"id": key, "title": str(title)} for key, title in CITY_SECTIONS],
            "titles": {key: str(title) for key, title in CITY_SECTIONS},
            "scri": scri,
            "dimensions": dims,
            "engagement": engagement,
            "governance": governance,
            "network": network,
            "refstd": self.refstd(),
            "recommendations": self.recommendations(),
            "annex": self.annex(),
            "previous": {"round": str(previous.get("round") or ""), "year": str(previous.get("year") or "")}
            if previous else None,
            "withheld": self.withheld,
        }
        context["summary"] = self.summary(scri, dims, engagement, governance, network)
        context.update(self.strengths_weaknesses(dims, engagement, governance, network))
        scri.pop("range_values", None)
        return context


def city_context(result: Mapping, lang: str, *, generated: date, k_min: int = 5, rules: RuleSet | None = None,
                 with_charts: bool = True, public: bool = False, chart_text: str = "path") -> dict:
    """The plain template context of one city's report, every text in `lang` (needs an app context).

    `chart_text` is how chart labels are drawn: "path" for web pages, "none" (real text) for the PDF.
    """
    lang = lang if lang in LANGS else "ru"
    with force_locale(lang):
        return _City(result, lang, generated, k_min, rules, with_charts, public, chart_text).build()


# ------------------------------------------------------------------------------------------- comparison


def comparison_context(results: list[Mapping], comparison: Mapping | None, lang: str, *, generated: date,
                       k_min: int = 5, with_charts: bool = True, chart_text: str = "path") -> dict:
    """The plain template context of the comparative report of several cities (needs an app context)."""
    lang = lang if lang in LANGS else "ru"
    with force_locale(lang):
        return _comparison(results, mapping(comparison), lang, generated, k_min, with_charts, chart_text)


def _rank_info(comparison: Mapping, round_slug: str) -> Mapping:
    """The ranking entry of one round: from `ranking.cities` (scoring.city_comparison) or `cities`."""
    cities = mapping(comparison.get("ranking")).get("cities", comparison.get("cities"))
    if isinstance(cities, Mapping):
        return mapping(cities.get(round_slug))
    for item in cities or []:
        if isinstance(item, Mapping) and item.get("round") == round_slug:
            return item
    return {}


def _comparison(results: list[Mapping], comparison: Mapping, lang: str, generated: date, k_min: int,
                with_charts: bool, chart_text: str) -> dict:
    f = Formats(lang)
    results = [r for r in results if isinstance(r, Mapping)]
    scores = [num(mapping(r.get("scri")).get("score")) for r in results]
    # Ranks: from the comparison when it gives them, else by score (ties share a rank).
    fallback_rank = {}
    for r, s in zip(results, scores, strict=True):
        if s is not None:
            fallback_rank[r.get("round")] = 1 + sum(1 for o in scores if o is not None and o > s)
    ranking = mapping(comparison.get("ranking"))
    mc = mapping(comparison.get("monte_carlo")) or {"n": ranking.get("draws"), "noise": ranking.get("noise")}
    cities = []
    for r, score in zip(results, scores, strict=True):
        info = _rank_info(comparison, r.get("round"))
        rank = num(info.get("rank")) or fallback_rank.get(r.get("round"))
        stability = num(info.get("rank_stability"))
        probabilities = mapping(info.get("rank_probabilities"))
        if stability is None and rank is not None:
            stability = num(probabilities.get(int(rank)) if int(rank) in probabilities
                            else probabilities.get(str(int(rank))))
        sens = mapping(r.get("sensitivity")) or mapping(mapping(r.get("annex")).get("sensitivity"))
        p05 = next((v for v in (num(info.get("score_p05")), num(info.get("p05")), num(sens.get("score_p05")))
                    if v is not None), None)
        p95 = next((v for v in (num(info.get("score_p95")), num(info.get("p95")), num(sens.get("score_p95")))
                    if v is not None), None)
        level = mapping(r.get("scri")).get("level")
        level = level if level in labels.LEVELS else level_of(score)
        if stability is not None:
            stability_text = _("rank %(rank)s in %(share)s of the trials", rank=f.integer(rank),
                               share=f.share(stability))
        else:
            stability_text = _("stability not computed")
        rank_min, rank_max = num(info.get("rank_min")), num(info.get("rank_max"))
        rank_range = (f"{f.integer(rank_min)}–{f.integer(rank_max)}"
                      if rank_min is not None and rank_max is not None and rank_min != rank_max else "")
        cities.append({
            "round": str(r.get("round") or ""),
            "name": city_name(r, lang),
            "year": str(r.get("year") or ""),
            "score": f.number(score),
            "value": score,
            "level": level or "na",
            "level_text": level_text(level),
            "range": f.interval(p05, p95) or f.no_data,
            "p05": p05,
            "p95": p95,
            "coverage": f.share(mapping(r.get("scri")).get("coverage")),
            "rank": f.integer(rank) if rank is not None else "—",
            "rank_value": rank,
            "stability": f.share(stability) if stability is not None else f.no_data,
            "rank_range": rank_range,
            "stability_text": stability_text,
            "engagement": f.number(mapping(r.get("subscores")).get("stakeholder_engagement")),
            "governance": f.number(mapping(r.get("subscores")).get("governance")),
        })
    order = sorted(range(len(cities)), key=lambda i: (cities[i]["rank_value"] is None, cities[i]["rank_value"] or 0,
                                                      cities[i]["name"]))
    ranked = [cities[i] for i in order]
    # Dimensions: the union, in the usual order.
    codes: list[str] = [c for c in labels.DIMENSION_ORDER
                        if any(c in mapping(r.get("dimensions")) for r in results)]
    for r in results:
        codes += [c for c in mapping(r.get("dimensions")) if c not in codes]
    dimension_rows = []
    for code in codes:
        label = ""
        cells = []
        for r in results:
            dim = mapping(mapping(r.get("dimensions")).get(code))
            label = label or _texts(dim.get("label"), lang)
            score = num(dim.get("score"))
            cells.append({"score": f.number(score), "value": score, "missing": score is None,
                          "level": level_of(score) or "na"})
        dimension_rows.append({"code": code, "label": label or labels.label_of(labels.DIMENSIONS, code),
                               "cells": cells})
    construct_rows = []
    for code in labels.ENGAGEMENT_CONSTRUCTS + labels.GOVERNANCE_CONSTRUCTS:
        cells = []
        for r in results:
            pooled = mapping(r.get("pooled"))
            mean = num(mapping(pooled[code]).get("score")) if code in pooled else construct_mean(r, code)
            cells.append({"score": f.number(mean), "value": mean, "missing": mean is None,
                          "level": level_of(mean) or "na"})
        if any(not c["missing"] for c in cells):
            construct_rows.append({"code": code, "label": construct_label(code), "cells": cells})
    framework = _refstd_framework()
    refstd_rows = []
    refstd_any = any(isinstance(r.get("refstd"), Mapping) and r.get("refstd") for r in results)
    if refstd_any:
        area_codes = [a.code for a in framework.areas] if framework is not None else []
        for r in results:
            area_codes += [c for c in mapping(mapping(r.get("refstd")).get("areas")) if c not in area_codes]
        for code in area_codes:
            area = framework.area(code) if framework is not None else None
            label = _texts(area.label, lang, code) if area is not None else labels.humanise(code)
            cells = [f.percent(mapping(mapping(r.get("refstd")).get("areas")).get(code))
                     if isinstance(r.get("refstd"), Mapping) and r.get("refstd") else "—" for r in results]
            refstd_rows.append({"label": label, "cells": cells})
        for key, label in (("ct_percent", "Ct"), ("weighted_mean_percent", _("Unbanded weighted mean"))):
            refstd_rows.append({"label": label, "strong": True,
                                "cells": [f.percent(mapping(r.get("refstd")).get(key))
                                          if isinstance(r.get("refstd"), Mapping) and r.get("refstd") else "—"
                                          for r in results]})
    chart = ""
    if with_charts and dimension_rows and cities:
        chart = charts.data_uri(charts.comparison_chart(
            [row["label"] for row in dimension_rows],
            [(c["name"], [row["cells"][i]["value"] for row in dimension_rows]) for i, c in enumerate(cities)],
            missing_label=_("no data"), axis_label=_("score, 0–100"), number=f.number, text=chart_text))
    scri_chart = ""
    if with_charts and any(c["value"] is not None for c in ranked):
        panel = charts.IntervalPanel(title=_("Smart City Readiness Index (SCRI)"))
        for c in ranked:
            panel.rows.append(charts.IntervalRow(c["name"], c["value"], c["p05"], c["p95"],
                                                 note=_("no data") if c["value"] is None else ""))
        scri_chart = charts.data_uri(charts.interval_chart(
            [panel], axis_label=_("score (0–100) and 90 %(percent)s range", percent="%"), number=f.number,
            text=chart_text))
    summary = []
    scored = [c for c in ranked if c["value"] is not None]
    if scored:
        top = scored[0]
        summary.append(_("%(city)s has the highest readiness index (%(score)s, level: %(level)s).",
                         city=top["name"], score=top["score"], level=top["level_text"]))
        if len(scored) > 1:
            bottom = scored[-1]
            summary.append(_("%(city)s has the lowest (%(score)s, level: %(level)s).",
                             city=bottom["name"], score=bottom["score"], level=bottom["level_text"]))
    common_weak = [row["label"] for row in dimension_rows
                   if row["cells"] and all(c["value"] is not None and c["value"] < WEAK for c in row["cells"])]
    if common_weak:
        summary.append(_("All the cities are weak (below 40) on: %(names)s.", names=", ".join(common_weak)))
    missing_any = [f"{row['label']} ({cities[i]['name']})" for row in dimension_rows
                   for i, c in enumerate(row["cells"]) if c["missing"]]
    if missing_any:
        summary.append(_("Not scored for lack of data: %(items)s.", items=", ".join(missing_any)))
    unscored = [c["name"] for c in cities if c["value"] is None]
    if unscored:
        summary.append(_("No index could be calculated for: %(names)s.", names=", ".join(unscored)))
    return {
        "lang": lang,
        "language_name": labels.LANGUAGE_NAMES.get(lang, lang),
        "generated": f.date(generated),
        "generated_iso": generated.isoformat(),
        "sections": [{"id": key, "title": str(title)} for key, title in COMPARISON_SECTIONS],
        "titles": {key: str(title) for key, title in COMPARISON_SECTIONS},
        "cities": cities,
        "ranked": ranked,
        "rounds": [c["round"] for c in cities],
        "city_names": ", ".join(c["name"] for c in cities),
        "dimension_rows": dimension_rows,
        "construct_rows": construct_rows,
        "refstd_rows": refstd_rows,
        "chart": chart,
        "scri_chart": scri_chart,
        "summary": summary,
        "mc": {"n": f.integer(mc.get("n")) if num(mc.get("n")) is not None else "",
               "noise": f.share(mc.get("noise")) if num(mc.get("noise")) is not None else ""},
        "k_min": k_min,
    }


__all__ = ["CITY_SECTIONS", "COMPARISON_SECTIONS", "Formats", "city_context", "comparison_context", "level_of"]
