"""The measures of a city report's network section, each with a hint a reader understands."""

from __future__ import annotations

from flask_babel import gettext as _

from .formats import Formats


def network_measures(net: dict, f: Formats) -> list[dict]:
    """The measures of the network section, the two scores of the network part and their mean included."""
    return [
        {
            "label": _("Density"),
            "value": f.number(net["density"], 2),
            "hint": _("share of all possible ties that exist (0–1)"),
        },
        {
            "label": _("E-I index"),
            "value": f.number(net["ei_index"], 2),
            "hint": _(
                "from −1 (ties only within sectors) to +1 (ties only across sectors); random mixing of the "
                "same organisations would give %(expected)s",
                expected=f.number(net["ei_expected"], 2),
            ),
        },
        {
            "label": _("E-I against random mixing"),
            "value": f.number(net["ei_score"]),
            "hint": _("0–100: 50 when ties cross sectors as often as chance would have them"),
        },
        {
            "label": _("Sectors with a tie to another sector"),
            "value": f.number(net["sector_reach"]),
            "hint": _("%(percent)s of sectors; a sector nobody works with pulls it down", percent="%"),
        },
        {
            "label": _("Network part of intersectoral coordination"),
            "value": f.number(net["coordination_score"]),
            "hint": _("the mean of the two scores above"),
        },
        {"label": _("Organisations and sectors"), "value": f.integer(net["nodes"]), "hint": ""},
        {"label": _("Ties"), "value": f.integer(net["edges"]), "hint": ""},
    ]


def isolated_text(isolated: list[str], has_nodes: bool) -> str:
    if isolated:
        return _("Sectors without any tie to another sector: %(sectors)s.", sectors=", ".join(isolated))
    if has_nodes:
        return _("Every sector has at least one tie to another sector.")
    return ""
