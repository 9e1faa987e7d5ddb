"""Governance assessment PDFs: Jinja HTML → WeasyPrint, with a URL fetcher that serves only our static files.

The HTML is rendered from a plain context (see `context.py`) with the report's language forced, so the
PDF and its HTML snapshot are the same for the same result, language and date. The fetcher answers
`data:` URIs (the charts) and `file:` URLs inside the app's static folder (the fonts); anything else — http,
https, ftp, a file outside static — raises, and the rendering stops instead of silently leaving a hole.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from flask import current_app, render_template
from flask_babel import force_locale

from ..services.scoring import Comparison, ScoredRound
from .context import city_context, comparison_context
from .recommendations import RuleSet

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_BASE_URL = STATIC_ROOT.as_uri() + "/"

CITY_TEMPLATE = "reports/pdf/city.html"
COMPARISON_TEMPLATE = "reports/pdf/compare.html"


class FetchRefused(ValueError):
    """A report asked for a resource other than the app's own static files or a data: URI."""


def static_path(url: str) -> Path:
    """The file inside the static folder that a `file:` URL points at; FetchRefused for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused to fetch {url[:200]!r}: only the app's static files may be used")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
        raise FetchRefused(f"refused to fetch {url[:200]!r}: not a file of the app's static folder")
    return path


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """WeasyPrint's fetcher, restricted to data: URIs and the static folder; a refusal stops the rendering."""

    def __init__(self):
        super().__init__(timeout=2, allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        mime, _ = mimetypes.guess_type(path.name)
        if path.suffix == ".ttf":
            mime = "font/ttf"
        return weasyprint.urls.URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
        )


def url_fetcher(url: str):
    """Fetch one URL the way a report rendering does (data: or static files only); FetchRefused otherwise."""
    return StaticOnlyFetcher().fetch(url)


def render_html(template: str, context: Mapping, lang: str) -> str:
    """The report's HTML, with gettext in `lang` (needs an app context)."""
    with force_locale(lang):
        return render_template(template, c=context, static_base=STATIC_BASE_URL)


def html_to_pdf(html: str) -> bytes:
    """Lay out report HTML as PDF bytes; resources come only through StaticOnlyFetcher."""
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf()


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
