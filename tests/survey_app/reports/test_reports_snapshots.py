"""Snapshots of the HTML behind the PDFs (fixed date, fixture results). Charts are replaced by a marker: their
SVG is tested for determinism on its own and would tie the snapshots to the matplotlib version.

After an intended change of a template, a text or a translation, refresh them with
    SCRI_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/survey_app/reports/test_reports_snapshots.py
and read the diff before committing.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from survey_app.reports import pdf

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
DAY = date(2025, 11, 14)
CHART = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+")


def _normalise(html: str) -> str:
    return CHART.sub("data:image/svg+xml;base64,[chart]", html)


def _check(name: str, html: str, update: bool) -> None:
    path = SNAPSHOTS / name
    html = _normalise(html)
    if update:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {name}; create it with SCRI_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    if html != expected:
        import difflib

        diff = "\n".join(
            list(difflib.unified_diff(expected.splitlines(), html.splitlines(), "snapshot", "now", lineterm=""))[:80]
        )
        pytest.fail(f"{name} differs from its snapshot (SCRI_UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


@pytest.mark.parametrize(
    "slug, lang",
    [("shu-2025", "kk"), ("shu-2025", "ru"), ("shu-2025", "en"), ("ayagoz-2025", "en"), ("shalkar-2025", "ru")],
)
def test_city_report_html(app_ctx, results, update_snapshots, slug, lang):
    html = pdf.city_report_html(results.city_result(slug), lang, generated=DAY)
    _check(f"city-{slug}-{lang}.html", html, update_snapshots)


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_comparison_report_html(app_ctx, results, update_snapshots, lang):
    res = results.all_results()
    html = pdf.comparison_report_html(results.comparison(res), lang, generated=DAY)
    _check(f"compare-{lang}.html", html, update_snapshots)


def test_same_input_gives_the_same_html(app_ctx, results):
    one = pdf.city_report_html(results.city_result("shalkar-2025"), "kk", generated=DAY)
    two = pdf.city_report_html(results.city_result("shalkar-2025"), "kk", generated=DAY)
    assert one == two  # charts included
