"""The annex of a city report: respondents by group, Cronbach's α, weighting, coverage and sensitivity."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import labels
from .city import CityParts, construct_label, group_label
from .values import is_suppressed


def alpha_matrix(parts: CityParts) -> dict:
    """Cronbach's α of every construct × group cell shown (withheld cells say so, never a number)."""
    groups = parts.group_codes()
    rows = []
    codes = [c for detail in parts.r["subscore_details"].values() for c in detail["constructs"]]
    codes += [c for c in parts.r["constructs"] if c not in codes]
    for code in codes:
        by_group = parts.r["constructs"].get(code)
        if not by_group:
            continue
        cells = []
        for g in groups:
            cell = by_group.get(g)
            if is_suppressed(cell):
                cells.append({"text": parts.withheld_short, "withheld": True})
            else:
                alpha = cell.get("alpha") if cell is not None else None
                flag = cell.get("alpha_flag") if cell is not None else None
                cells.append(
                    {
                        "text": parts.f.number(alpha, 2) if alpha is not None else "—",
                        "withheld": False,
                        "flag": flag or "",
                        "caution": labels.label_of(labels.ALPHA_FLAGS, flag) if flag else "",
                    }
                )
        if any(not c["withheld"] and c["text"] != "—" for c in cells):
            rows.append({"label": construct_label(code), "cells": cells})
    return {"groups": [group_label(g) for g in groups], "rows": rows}


def _groups(parts: CityParts) -> list[dict]:
    out = []
    for code, g in parts.r["annex"]["groups"].items():
        small = g["suppressed"]
        out.append(
            {
                "label": group_label(code),
                "n": f"< {parts.k_min}" if small else parts.f.integer(g["n"]),
                "target": parts.f.integer(g["target"]) if g["target"] else "—",
                "rate": "—" if small else parts.f.share(g["response_rate"]),
                "small": small,
            }
        )
    return out


def _weights(parts: CityParts) -> list[dict]:
    weighting = parts.r["annex"]["weighting"]
    if weighting["method"] == "raking":
        return [
            {
                "label": _("Design effect of the residents' weights (Kish)"),
                "value": parts.f.number(weighting.get("deff"), 2),
            },
            {"label": _("Effective number of residents"), "value": parts.f.number(weighting.get("n_effective"))},
        ]
    value = _("design weights as given") if weighting["method"] == "given" else _("not weighted (no census margins)")
    return [{"label": _("Weighting of residents"), "value": value}]


def annex(parts: CityParts) -> dict:
    groups = _groups(parts)
    sens = parts.r["annex"]["sensitivity"]
    sensitivity = parts.f.interval(sens["score_p05"], sens["score_p95"])
    return {
        "groups": groups,
        "alpha_matrix": alpha_matrix(parts),
        "weights": _weights(parts),
        "coverage": parts.f.share(parts.r["scri"]["coverage"]),
        "sensitivity": sensitivity or parts.f.no_data,
        "sobol": [
            {
                "label": labels.label_of(labels.INPUT_GROUPS, group),
                "first": parts.f.share(index["first"]),
                "total": parts.f.share(index["total"]),
            }
            for group, index in parts.r["uncertainty"]["sobol"].items()
        ],
        "draws": parts.f.integer(parts.r["uncertainty"]["draws"]),
        "k_min": parts.k_min,
        "any_small": any(g["small"] for g in groups),
    }
