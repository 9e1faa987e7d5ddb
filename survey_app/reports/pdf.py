"""Governance assessment PDFs: Jinja HTML of a report context → PDF (``survey_app/pdf.py``).

The HTML is rendered from a plain context (see `context.py`) with the report's language forced, so the
PDF and its HTML snapshot are the same for the same result, language and date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale

from ..pdf import STATIC_BASE_URL, html_to_pdf
from ..services.scoring import Comparison, ScoredRound
from .context import city_context, comparison_context
from .recommendations import RuleSet

CITY_TEMPLATE = "reports/pdf/city.html"
COMPARISON_TEMPLATE = "reports/pdf/compare.html"


def render_html(template: str, context: Mapping, lang: str) -> str:
    """The report's HTML, with gettext in `lang` (needs an app context)."""
    with force_locale(lang):
        return render_template(template, c=context, static_base=STATIC_BASE_URL)


def k_min() -> int:
    try:
        return int(current_app.config.get("SCRI_K_MIN", 5))
    except (RuntimeError, TypeError, ValueError):
        return 5


def city_report_html(
    result: ScoredRound, lang: str, *, generated: date | None = None, public: bool = False, rules: RuleSet | None = None
) -> str:
    """The HTML behind a city's PDF (snapshot-tested)."""
    context = city_context(
        result, lang, generated=generated or date.today(), k_min=k_min(), rules=rules, public=public, chart_text="none"
    )
    return render_html(CITY_TEMPLATE, context, context["lang"])


def city_report_pdf(
    result: ScoredRound, lang: str, *, generated: date | None = None, public: bool = False, rules: RuleSet | None = None
) -> bytes:
    """The governance assessment of one city and round as PDF bytes."""
    return html_to_pdf(city_report_html(result, lang, generated=generated, public=public, rules=rules))


def comparison_report_html(comparison: Comparison, lang: str, *, generated: date | None = None) -> str:
    """The HTML behind the comparative PDF of several cities."""
    context = comparison_context(
        comparison, lang, generated=generated or date.today(), k_min=k_min(), chart_text="none"
    )
    return render_html(COMPARISON_TEMPLATE, context, context["lang"])


def comparison_report_pdf(comparison: Comparison, lang: str, *, generated: date | None = None) -> bytes:
    """The comparative report of several cities as PDF bytes."""
    return html_to_pdf(comparison_report_html(comparison, lang, generated=generated))
