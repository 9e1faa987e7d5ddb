"""The words of a city report: the executive summary, strengths and weaknesses, the change since last round.

Built from the parts already formatted (`city.CityParts`), so the text and the tables always agree. Weak
means below the lower edge of the framework's middle level; strong, from the scale's midpoint.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from . import uncertainty
from .city import CityParts, city_name, group_label

#: A dimension or construct from the middle of the 0–100 scale counts as a strength.
STRENGTH_FROM = 50.0
#: A single group's construct below this is named among the weaknesses.
GROUP_GAP_BELOW = 35.0


def strengths_weaknesses(parts: CityParts, dims: dict, engagement: dict, governance: dict, network: dict) -> dict:
    weak = parts.levels.weak_below
    strengths, weaknesses = [], []
    scored = [row for row in dims["rows"] if row["value"] is not None]
    for row in sorted(scored, key=lambda r: -r["value"]):
        if row["value"] >= STRENGTH_FROM:
            strengths.append({"label": row["label"], "value": row["score"], "kind": _("dimension")})
    for row in sorted(scored, key=lambda r: r["value"]):
        if row["value"] < weak:
            weaknesses.append({"label": row["label"], "value": row["score"], "kind": _("dimension")})
    constructs = [r for r in engagement["rows"] + governance["rows"] if r["overall_value"] is not None]
    for row in sorted(constructs, key=lambda r: -r["overall_value"]):
        if row["overall_value"] >= STRENGTH_FROM:
            strengths.append({"label": row["label"], "value": row["overall"], "kind": _("all groups")})
    for row in sorted(constructs, key=lambda r: r["overall_value"]):
        if row["overall_value"] < weak:
            weaknesses.append({"label": row["label"], "value": row["overall"], "kind": _("all groups")})
    # Single groups far behind (shown cells only: a withheld cell is never read or compared).
    gaps = []
    for row in engagement["rows"] + governance["rows"]:
        for code, cell in parts.r["constructs"].get(row["code"], {}).items():
            value = None if cell.get("suppressed") else cell.get("score")
            if value is not None and value < GROUP_GAP_BELOW:
                gaps.append((value, f"{row['label']}: {group_label(code)}"))
    for value, label in sorted(gaps)[:4]:
        weaknesses.append({"label": label, "value": parts.f.number(value), "kind": _("one group")})
    if network["isolated"]:
        weaknesses.append(
            {
                "label": _("Isolated sectors in the network"),
                "value": ", ".join(network["isolated"]),
                "kind": _("network"),
            }
        )
    for row in dims["rows"]:
        if row["insufficient"]:
            value = _("no data") if row["missing"] else _("insufficient data")
            weaknesses.append({"label": row["label"], "value": value, "kind": _("data gap")})
    if not strengths and scored:
        best = max(scored, key=lambda r: r["value"])
        strengths.append(
            {"label": best["label"], "value": best["score"], "kind": _("relatively the strongest dimension")}
        )
    return {"strengths": strengths[:6], "weaknesses": weaknesses[:8]}


def _index_sentences(parts: CityParts, scri: dict) -> list[str]:
    city = city_name(parts.r, parts.lang)
    if not scri["available"]:
        return [
            _(
                "%(city)s: the Smart City Readiness Index could not be calculated for this round, because too "
                "few indicators had data.",
                city=city,
            )
        ]
    edges = parts.levels
    out = [
        _(
            "%(city)s: the Smart City Readiness Index (SCRI) for %(year)s is %(score)s out of 100. "
            "Readiness level: %(level)s (low below %(medium)s, medium from %(medium)s to %(high)s, high from "
            "%(high)s).",
            city=city,
            year=parts.r["year"],
            score=scri["score"],
            level=scri["level_text"],
            medium=parts.f.number(edges.weak_below, 0),
            high=parts.f.number(edges.strong_from, 0),
        )
    ]
    u = parts.r["uncertainty"]
    out += [
        uncertainty.level_sentence(parts.r["scri"], u, parts.f, edges),
        uncertainty.range_sentence(u, parts.f),
        uncertainty.driver_sentence(u, parts.f),
    ]
    names = uncertainty.indicator_labels(parts.framework, parts.lang)
    out += uncertainty.missing_sentences(parts.r["scri"], names, parts.f)
    return [sentence for sentence in out if sentence]


def _dimension_sentences(dims: dict) -> list[str]:
    out = []
    scored = [row for row in dims["rows"] if row["value"] is not None]
    if len(scored) >= 2:
        best = max(scored, key=lambda r: r["value"])
        worst = min(scored, key=lambda r: r["value"])
        out.append(
            _(
                "The strongest dimension is “%(best)s” (%(best_score)s); the weakest is “%(worst)s” (%(worst_score)s).",
                best=best["label"],
                best_score=best["score"],
                worst=worst["label"],
                worst_score=worst["score"],
            )
        )
    elif len(scored) == 1:
        out.append(
            _(
                "Only one dimension could be scored: “%(label)s” (%(score)s).",
                label=scored[0]["label"],
                score=scored[0]["score"],
            )
        )
    missing = [row["label"] for row in dims["rows"] if row["missing"]]
    if missing:
        out.append(
            ngettext(
                "There were not enough data to score %(num)d dimension: %(names)s.",
                "There were not enough data to score %(num)d dimensions: %(names)s.",
                len(missing),
                names=", ".join(missing),
            )
        )
    thin = [row["label"] for row in dims["rows"] if row["insufficient"] and not row["missing"]]
    if thin:
        out.append(
            ngettext(
                "%(num)d dimension has data for less than two thirds of its indicators (insufficient data): %(names)s.",
                "%(num)d dimensions have data for less than two thirds of their indicators (insufficient data): "
                "%(names)s.",
                len(thin),
                names=", ".join(thin),
            )
        )
    return out


def summary(parts: CityParts, scri: dict, dims: dict, engagement: dict, governance: dict, network: dict) -> list[str]:
    paragraphs = _index_sentences(parts, scri) + _dimension_sentences(dims)
    paragraphs.append(change_sentence(parts))
    subscores = []
    if engagement["subscore_value"] is not None:
        subscores.append(_("stakeholder engagement %(score)s", score=engagement["subscore"]))
    if governance["subscore_value"] is not None:
        subscores.append(_("governance %(score)s", score=governance["subscore"]))
    if subscores:
        paragraphs.append(_("Sub-scores from the stakeholder surveys: %(parts)s.", parts="; ".join(subscores)))
    scored_gov = [r for r in governance["rows"] if r["overall_value"] is not None]
    if scored_gov:
        low = min(scored_gov, key=lambda r: r["overall_value"])
        paragraphs.append(
            _("In governance, the weakest area is “%(label)s” (%(score)s).", label=low["label"], score=low["overall"])
        )
    if network["isolated"]:
        paragraphs.append(
            _(
                "In the stakeholder network, these sectors have no tie to any other sector: %(sectors)s.",
                sectors=", ".join(network["isolated"]),
            )
        )
    return paragraphs


def change_sentence(parts: CityParts) -> str:
    previous = parts.r["previous"]
    if previous is None:
        return _("This is the first assessment round for the city, so there is no earlier result to compare with.")
    delta = (parts.r["change"] or {}).get("scri")
    where = _("the previous round (%(round)s, %(year)s)", round=previous["round"], year=previous["year"])
    if delta is None:
        return _(
            "Compared with %(where)s, no change can be given because one of the two indices is missing.", where=where
        )
    before = parts.f.number(previous["scri"]["score"])
    if delta > 0:
        return _(
            "Compared with %(where)s, the index rose by %(delta)s points (from %(before)s).",
            where=where,
            delta=parts.f.number(delta),
            before=before,
        )
    if delta < 0:
        return _(
            "Compared with %(where)s, the index fell by %(delta)s points (from %(before)s).",
            where=where,
            delta=parts.f.number(-delta),
            before=before,
        )
    return _("Compared with %(where)s, the index did not change.", where=where)
