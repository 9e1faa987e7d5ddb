"""A scored round (or a comparison) → the plain template context of its report, every text in one language.

The context holds only strings, numbers, booleans, lists and dicts: numbers are already formatted for the
language ("43,1" in kk and ru, "43.1" in en), a missing value reads "no data", a suppressed cell reads
"withheld (fewer than 5 respondents)" and never carries its value. The same context feeds the PDF and the
web pages, so both show the same content. The pieces: `city.py` (tables and charts), `narrative.py`
(summary, strengths and weaknesses), `annex.py`, `comparison.py`; numbers and levels: `formats.py`.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from instruments.domain import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

from .. import labels
from ..services.scoring import Comparison, ScoredRound
from . import narrative
from .annex import annex
from .city import CityParts, city_name
from .comparison import COMPARISON_SECTIONS, comparison_parts
from .formats import Formats, texts
from .opinion_parts import area_names, opinion_gap_areas, opinion_section
from .recommendations import RuleSet, choose, load_rules

#: The sections of a city report, in order: (anchor, title). The PDF's table of contents and the web page's
#: navigation are built from this list.
CITY_SECTIONS = (
    ("summary", _l("Executive summary")),
    ("dimensions", _l("Readiness by dimension")),
    ("engagement", _l("Stakeholder engagement")),
    ("governance", _l("Governance")),
    ("network", _l("Stakeholder network")),
    ("refstd", _l("Reference standard of “Smart” cities")),
    ("opinion", _l("What residents and businesses say of the digital services")),
    ("strengths", _l("Strengths and weaknesses")),
    ("recommendations", _l("Recommendations")),
    ("annex", _l("Annex: method and data quality")),
)


def _recommendations(result: ScoredRound, rules: RuleSet | None, lang: str) -> list[dict]:
    out = []
    for rule in choose(rules or load_rules(), result):
        text = texts(rule.text, lang)
        if "opinion_gap" in rule.when:  # the areas with the largest gaps, named in the report's language
            codes = opinion_gap_areas(result, float(rule.when.get("above", 0)))
            text = text.replace("{areas}", area_names(codes[:3], lang))
        out.append(
            {
                "id": rule.id,
                "priority": rule.priority,
                "priority_text": labels.label_of(labels.PRIORITIES, rule.priority),
                "title": texts(rule.title, lang),
                "text": text,
            }
        )
    return out


def _city(parts: CityParts, generated: date, rules: RuleSet | None, public: bool) -> dict:
    r = parts.r
    scri = parts.scri()
    dims = parts.dimensions()
    engagement = parts.construct_block("stakeholder_engagement")
    governance = parts.construct_block("governance")
    governance["dimension"] = next((row for row in dims["rows"] if row["code"] == "governance"), None)
    network = parts.network()
    previous = r["previous"]
    context = {
        "lang": parts.lang,
        "language_name": LANGUAGE_NAMES[parts.lang],
        "city": city_name(r, parts.lang),
        "round": r["round"],
        "year": str(r["year"]),
        "generated": parts.f.date(generated),
        "generated_iso": generated.isoformat(),
        "public": public,
        "sections": [{"id": key, "title": str(title)} for key, title in CITY_SECTIONS],
        "titles": {key: str(title) for key, title in CITY_SECTIONS},
        "scri": scri,
        "dimensions": dims,
        "engagement": engagement,
        "governance": governance,
        "network": network,
        "refstd": parts.refstd(),
        "opinion": opinion_section(parts),
        "recommendations": _recommendations(r, rules, parts.lang),
        "annex": annex(parts),
        "previous": {"round": previous["round"], "year": str(previous["year"])} if previous else None,
        "withheld": parts.withheld,
        "weak_below": parts.f.number(parts.levels.weak_below, 0),
        "strength_from": parts.f.number(narrative.STRENGTH_FROM, 0),
    }
    context["summary"] = narrative.summary(parts, scri, dims, engagement, governance, network)
    context.update(narrative.strengths_weaknesses(parts, dims, engagement, governance, network))
    scri.pop("range_values")
    return context


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def city_context(
    result: ScoredRound,
    lang: str,
    *,
    generated: date,
    k_min: int = 5,
    rules: RuleSet | None = None,
    with_charts: bool = True,
    public: bool = False,
    chart_text: str = "path",
) -> dict:
    """The plain template context of one city's report, every text in `lang` (needs an app context).

    `chart_text` is how chart labels are drawn: "path" for web pages, "none" (real text) for the PDF.
    """
    lang = _language(lang)
    with force_locale(lang):
        return _city(CityParts(result, lang, k_min, with_charts, chart_text), generated, rules, public)


def comparison_context(
    comparison: Comparison,
    lang: str,
    *,
    generated: date,
    k_min: int = 5,
    with_charts: bool = True,
    chart_text: str = "path",
) -> dict:
    """The plain template context of the comparative report of several cities (needs an app context)."""
    lang = _language(lang)
    with force_locale(lang):
        return comparison_parts(comparison, lang, generated, k_min, with_charts, chart_text)


__all__ = ["CITY_SECTIONS", "COMPARISON_SECTIONS", "Formats", "city_context", "comparison_context"]
