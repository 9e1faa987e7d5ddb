"""Names of the domain's codes as a person reads them (groups, constructs, dimensions, sources, priorities),
translated lazily into the page's or report's language: the one place the console, the services and the
reports take them from. The framework files carry their own labels of dimensions and indicators; these
are the names of the codes the files do not name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

GROUPS = {
    "residents": _l("Residents"),
    "business": _l("Business"),
    "academia": _l("Academia"),
    "civil_society": _l("Civil society"),
    "government": _l("Local administration"),
    "international": _l("International partners"),
}

ENGAGEMENT_CONSTRUCTS = ("public_engagement", "trust", "intersectoral_coordination", "mobilisation")
GOVERNANCE_CONSTRUCTS = ("admin_capacity", "funding_consistency", "legal_clarity", "digital_governance")
PERCEPTION_CONSTRUCTS = ("digital_access", "ppp_readiness", "environment_quality")

CONSTRUCTS = {
    "public_engagement": _l("Public engagement"),
    "trust": _l("Trust-building mechanisms"),
    "intersectoral_coordination": _l("Intersectoral coordination"),
    "mobilisation": _l("Mobilisation of stakeholders"),
    "admin_capacity": _l("Local administrative capacity"),
    "funding_consistency": _l("Consistency of funding"),
    "legal_clarity": _l("Legal clarity"),
    "digital_governance": _l("Digital governance practices"),
    "digital_access": _l("Digital access"),
    "ppp_readiness": _l("Readiness for public-private partnership"),
    "environment_quality": _l("Environmental quality"),
}

DIMENSION_ORDER = (
    "digital_infrastructure",
    "economic_potential",
    "environmental_sustainability",
    "public_private_partnership",
    "governance",
    "stakeholder_engagement",
)

DIMENSIONS = {
    "digital_infrastructure": _l("Digital infrastructure"),
    "economic_potential": _l("Economic potential"),
    "environmental_sustainability": _l("Environmental sustainability"),
    "public_private_partnership": _l("Public-private partnership"),
    "governance": _l("Governance"),
    "stakeholder_engagement": _l("Stakeholder engagement"),
}

SUBSCORES = {
    "stakeholder_engagement": _l("Stakeholder engagement"),
    "governance": _l("Governance"),
}

LEVELS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}

PRIORITIES = {"high": _l("High priority"), "medium": _l("Medium priority"), "low": _l("Low priority")}

SOURCES = {
    "infrastructure": _l("infrastructure statistics"),
    "survey": _l("stakeholder survey"),
    "network": _l("stakeholder network"),
    "yesno": _l("yes/no check"),
}

#: The five groups of uncertain inputs of the Monte Carlo (methodology §8), as a report names them.
INPUT_GROUPS = {
    "respondents": _l("who happened to answer the surveys"),
    "weights": _l("the weights of the indicators and dimensions"),
    "aggregation": _l("the choice of aggregation (arithmetic or geometric mean)"),
    "goalposts": _l("the goalposts of the indicators"),
    "missing": _l("the values the city did not supply"),
}

#: Cautions on Cronbach's α (methodology §2).
ALPHA_FLAGS = {
    "low_reliability": _l("low reliability"),
    "not_one_thing": _l("the items do not measure one thing"),
}

REFSTD_GROUPS = {
    "priority": _l("Priority areas"),
    "additional": _l("Additional areas"),
    "ict": _l("ICT"),
}

# Colours of the stakeholder sectors in charts (colour-blind friendly, from the Okabe–Ito palette).
SECTOR_COLOURS = {
    "government": "#0072B2",
    "business": "#E69F00",
    "academia": "#009E73",
    "civil_society": "#CC79A7",
    "international": "#56B4E9",
    "residents": "#D55E00",
}
OTHER_COLOUR = "#999999"


def humanise(code: str) -> str:
    """`some_code` → `Some code`: the last resort when no label is known."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label_of(table: dict, code: str) -> str:
    """The translated label of a code from one of the tables above, or the humanised code."""
    found = table.get(code)
    return str(found) if found is not None else humanise(code)


def group_label(code: str) -> str:
    """The name of a stakeholder group in the current language."""
    return label_of(GROUPS, code)
