"""The public-opinion side of the rating in a city report (methodology §6.1): both sides per area, the largest
gaps first, the opinion points, Ct_opinion and the combined rating; or why there is no opinion side."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from instruments.refstd import load_refstd_framework

from . import charts
from .formats import texts

SHOWN_GAPS = 3


def opinion_gap_areas(result: dict, above: float) -> list[str]:
    """The areas whose gap S − O is above `above` points, largest first (a withheld area never counts)."""
    opinion = result.get("opinion") or {}
    areas = opinion.get("areas") or {}
    return [code for code in opinion.get("gaps") or [] if (areas.get(code) or {}).get("gap", -1e9) > above]


def area_names(codes: list[str], lang: str) -> str:
    """Area names in the report's language, joined as a list in a sentence."""
    framework = load_refstd_framework()
    names = [texts(framework.area(code).label, lang, code).lower() for code in codes if framework.area(code)]
    return ", ".join(names)


def _unavailable(result: dict) -> dict:
    opinion = result.get("opinion")
    if opinion is None:
        reason = _(
            "No resident or business rated the digital services of the areas in this round, so the rating "
            "shows the administrative side alone."
        )
    else:
        reason = _("The residents' and businesses' ratings of the areas could not be used in this round.")
    return {"available": False, "reason": reason}


def opinion_section(parts) -> dict[str, Any]:
    """The context of the opinion section of a city report (`parts` is the report's CityParts)."""
    result, f, lang = parts.r, parts.f, parts.lang
    opinion = result.get("opinion")
    if not opinion or "areas" not in opinion:
        return _unavailable(result)
    framework = load_refstd_framework()
    areas = opinion["areas"]
    order = list(opinion["gaps"]) + [c for c in framework.area_codes if c not in opinion["gaps"]]
    rows, chart_rows = [], []
    admin_areas = (result.get("refstd") or {}).get("areas") or {}
    for code in order:
        entry, label = areas[code], texts(framework.area(code).label, lang, code)
        withheld = entry.get("suppressed", False)
        admin = admin_areas.get(code)
        row = {
            "label": label,
            "s": f.percent(admin),
            "o": parts.withheld_short if withheld else f.percent(entry["o"]),
            "ci": "" if withheld else f"{f.number(entry['ci95'][0])}–{f.number(entry['ci95'][1])}",
            "n": f.integer(entry["n"]),
            "gap": f.number(entry["gap"]) if "gap" in entry else "",
        }
        rows.append(row)
        chart_rows.append(
            charts.GapRow(
                label=label,
                s=admin,
                o=None if withheld else entry["o"],
                low=None if withheld else entry["ci95"][0],
                high=None if withheld else entry["ci95"][1],
                note=parts.withheld if withheld else "",
            )
        )
    chart = ""
    if parts.with_charts:
        chart = charts.data_uri(
            charts.gap_chart(
                chart_rows,
                admin_label=_("implemented, by the akimat's report (S)"),
                opinion_label=_("rated good by residents and businesses (O, 95 %(percent)s interval)", percent="%"),
                number=f.number,
                text=parts.chart_text,
            )
        )
    return {
        "available": True,
        "rows": rows,
        "chart": chart,
        "groups": _groups(opinion, framework, f, lang),
        "ct_opinion": f.percent(opinion.get("ct_opinion_percent")),
        "ct": f.percent((result.get("refstd") or {}).get("ct_percent")),
        "ct_combined": f.percent(opinion.get("ct_combined_percent")),
        "weight": f.percent(100 * opinion["weight"], 0),
        "missing": _missing_sentence(opinion, parts.k_min),
        "findings": _findings(opinion, framework, f, lang),
    }


def _missing_sentence(opinion: dict, k_min: int) -> str:
    """Why a rating of this section is not given, in the report's language ("" when both are)."""
    if opinion.get("ct_opinion_percent") is None:
        return _(
            "Too few areas have at least %(k)s ratings (two thirds are needed, with every group of areas), so no "
            "opinion rating is given; the areas that have them are shown.",
            k=k_min,
        )
    if opinion.get("ct_combined_percent") is None:
        return _("The city has no administrative rating for this year, so no combined rating is given.")
    return ""


def _groups(opinion: dict, framework, f, lang: str) -> list[dict]:
    titles = {
        "priority": _("Priority areas (O_pa)"),
        "additional": _("Additional areas (O_add)"),
        "ict": _("ICT (O_ict)"),
    }
    return [
        {
            "label": titles.get(g.code) or texts(g.label, lang, g.code),
            "o": f.percent(opinion.get(f"o_{g.code}")),
            "points": f.integer(opinion.get(f"c_{g.code}")),
        }
        for g in framework.groups
    ]


def _findings(opinion: dict, framework, f, lang: str) -> list[str]:
    """The largest gaps in words, as a reader would say them."""
    out = []
    for code in opinion["gaps"][:SHOWN_GAPS]:
        entry = opinion["areas"][code]
        if entry["gap"] <= 0:
            break
        out.append(
            _(
                "%(area)s: the akimat reports %(s)s of the reference standard implemented, but only %(o)s of "
                "the residents and businesses who use these services rate them good (a gap of %(gap)s points).",
                area=texts(framework.area(code).label, lang, code),
                s=f.percent(entry["s"]),
                o=f.percent(entry["o"]),
                gap=f.number(entry["gap"]),
            )
        )
    return out
