"""The governance assessment PDFs: text in each language, layout checked on rendered pages, the URL fetcher,
escaping, and fonts that cover every character."""

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import weasyprint
from PIL import Image
from pypdf import PdfReader

from survey_app import pdf as pdf_helper
from survey_app.reports import pdf
from survey_app.reports.context import CITY_SECTIONS, Formats

DAY = date(2025, 11, 14)
STATIC = Path(pdf_helper.STATIC_ROOT)
SECTION_TITLES = {
    "kk": [
        "Негізгі қорытындылар",
        "Өлшемдер бойынша дайындық",
        "Мүдделі тараптардың қатысуы",
        "Басқару",
        "Ұсынымдар",
        "Қосымша: әдістеме және деректер сапасы",
    ],
    "ru": [
        "Основные выводы",
        "Готовность по измерениям",
        "Вовлечённость заинтересованных сторон",
        "Управление",
        "Рекомендации",
        "Приложение: методика и качество данных",
    ],
    "en": [
        "Executive summary",
        "Readiness by dimension",
        "Stakeholder engagement",
        "Governance",
        "Recommendations",
        "Annex: method and data quality",
    ],
}
# A4 at 50 dpi is 413 × 585 px; the side margins are 17 mm (33 px).
DPI = 50
MARGIN_PX = 17 / 25.4 * DPI

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) is not installed")


@pytest.fixture(scope="module")
def city_pdfs(app):
    """Shu in the three languages, Shalkar (withheld cell) and Ayagoz (missing dimension) in one each."""
    from scri_report_fixtures import city_result

    out = {}
    with app.app_context():
        for key, slug, lang in (
            ("shu-kk", "shu-2025", "kk"),
            ("shu-ru", "shu-2025", "ru"),
            ("shu-en", "shu-2025", "en"),
            ("shalkar-ru", "shalkar-2025", "ru"),
            ("ayagoz-en", "ayagoz-2025", "en"),
        ):
            result = city_result(slug)
            out[key] = (result, lang, pdf.city_report_pdf(result, lang, generated=DAY))
    return out


@pytest.fixture(scope="module")
def compare_pdf(app):
    from scri_report_fixtures import all_results, comparison

    with app.app_context():
        results = all_results()
        return results, pdf.comparison_report_pdf(comparison(results), "en", generated=DAY)


def _text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("key", ["shu-kk", "shu-ru", "shu-en"])
def test_pdf_text_in_each_language(city_pdfs, key):
    result, lang, data = city_pdfs[key]
    pages = _text(data)
    everything = _flat(" ".join(pages))
    assert result["city_names"][lang] in pages[0]
    score = Formats(lang).number(result["scri"]["score"])
    assert score in pages[0] and score in everything
    for title in SECTION_TITLES[lang]:
        assert title in everything, title
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/CreationDate"].startswith("D:20251114")
    assert len(reader.pages) >= 8


def test_table_of_contents_points_at_the_right_pages(city_pdfs):
    for key in ("shu-kk", "shu-en"):
        _, lang, data = city_pdfs[key]
        pages = _text(data)
        toc = pages[1]
        entries = re.findall(r"^\s*(\d+)\.\s*(.+?)[\s.]*?(\d+)\s*$", toc, flags=re.MULTILINE)
        assert len(entries) == len(CITY_SECTIONS)
        for _, title, page in entries:
            title = title.rstrip(" .")
            assert _flat(title) in _flat(pages[int(page) - 1]), (title, page)


def test_withheld_cell_and_missing_dimension_in_plain_words(city_pdfs):
    result, _, data = city_pdfs["shalkar-ru"]
    everything = _flat(" ".join(_text(data)))
    assert "не показано" in everything and "меньше 5 респондентов" in everything
    assert "Шалкар" in everything
    _, _, data = city_pdfs["ayagoz-en"]
    everything = _flat(" ".join(_text(data)))
    assert "first assessment round" in everything
    assert "insufficient data" in everything and "worst goalpost" in everything
    assert "The index is provisional" in everything
    assert "No reference-standard rating was entered" in everything
    assert "nan" not in re.findall(r"\b\w+\b", everything.lower())


# How each language says how sure the level is, what drives the uncertainty and where a caution applies.
SURE_WORDS = {
    "kk": ("талдау сценарийлерінің", "Индекске ең көп әсер ететіні", "Соболь индекстері"),
    "ru": ("сценариев анализа неопределённости", "Сильнее всего на индекс влияет", "индексы Соболя"),
    "en": ("of the scenarios of the uncertainty analysis", "What moves the index most is", "Sobol indices"),
}


def test_the_level_comes_with_its_probability_and_its_driver_in_each_language(city_pdfs):
    for lang, words in SURE_WORDS.items():
        result, _, data = city_pdfs[f"shu-{lang}"]
        everything = _flat(" ".join(_text(data)))
        for phrase in words:
            assert _flat(phrase) in everything, (lang, phrase)
        share = Formats(lang).share(result["uncertainty"]["levels"][result["scri"]["level"]])
        assert _flat(share) in everything
        low, high = (Formats(lang).number(result["uncertainty"][k]) for k in ("p05", "p95"))
        assert _flat(low) in everything and _flat(high) in everything


def test_comparative_pdf(compare_pdf):
    results, data = compare_pdf
    everything = _flat(" ".join(_text(data)))
    for result in results:
        assert result["city_names"]["en"] in everything
        assert Formats("en").number(result["scri"]["score"]) in everything
    from scri_report_fixtures import comparison

    stability = [c["rank_stability"] for c in comparison(results)["ranking"]["cities"]]
    assert "Rank stability" in everything and all(Formats("en").share(s) in everything for s in stability)


def _pages_as_images(data: bytes, tmp_path: Path, dpi: int = DPI) -> list[Image.Image]:
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def _ink_columns(image: Image.Image, threshold: int = 235) -> tuple[int, int] | None:
    """Leftmost and rightmost columns that hold anything darker than near-white."""
    mask = image.point(lambda v: 255 if v < threshold else 0)
    box = mask.getbbox()
    return (box[0], box[2]) if box else None


@needs_poppler
@pytest.mark.parametrize("key", ["shu-kk", "shalkar-ru", "ayagoz-en"])
def test_nothing_runs_off_the_page(city_pdfs, key, tmp_path):
    _, _, data = city_pdfs[key]
    for number, image in enumerate(_pages_as_images(data, tmp_path), start=1):
        width = image.width
        ink = _ink_columns(image)
        assert ink is not None, f"page {number} is blank"
        left, right = ink
        assert left >= MARGIN_PX - 3, f"page {number}: ink at column {left}, inside the left margin"
        assert right <= width - MARGIN_PX + 3, f"page {number}: ink up to column {right} of {width}"


@needs_poppler
def test_comparative_pages_stay_inside_the_margins(compare_pdf, tmp_path):
    _, data = compare_pdf
    for number, image in enumerate(_pages_as_images(data, tmp_path), start=1):
        left, right = _ink_columns(image)
        assert left >= MARGIN_PX - 3 and right <= image.width - MARGIN_PX + 3, f"page {number}"


@needs_poppler
def test_table_of_contents_lines_do_not_overlap(city_pdfs, tmp_path):
    _, _, data = city_pdfs["shu-kk"]
    toc = _pages_as_images(data, tmp_path, dpi=100)[1]
    mask = toc.point(lambda v: 255 if v < 200 else 0)
    rows = [any(mask.getpixel((x, y)) for x in range(0, mask.width, 1)) for y in range(mask.height)]
    bands, inside = 0, False
    for row in rows:
        if row and not inside:
            bands += 1
        inside = row
    # The running title, the "Contents" heading, one band per entry and the page number: nothing merged.
    assert bands == len(CITY_SECTIONS) + 3, bands


def test_every_character_has_a_glyph(app, results):
    """Every character of the report (all three languages) is in the embedded DejaVu Sans: no boxes."""
    from fontTools.ttLib import TTFont

    cmap = set(TTFont(STATIC / "fonts" / "DejaVuSans.ttf").getBestCmap())
    bold = set(TTFont(STATIC / "fonts" / "DejaVuSans-Bold.ttf").getBestCmap())
    with app.app_context():
        for lang in ("kk", "ru", "en"):
            html = pdf.city_report_html(results.city_result("shu-2025"), lang, generated=DAY)
            html += pdf.comparison_report_html(results.comparison(), lang, generated=DAY)
            text = re.sub(r"<[^>]+>|data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", " ", html)
            missing = {ch for ch in set(text) if ord(ch) > 32 and (ord(ch) not in cmap or ord(ch) not in bold)}
            assert not missing, (lang, sorted(missing))


# --------------------------------------------------------------------------------------------- fetcher


def test_fetcher_serves_the_static_fonts_and_data_uris():
    font = STATIC / "fonts" / "DejaVuSans.ttf"
    response = pdf_helper.url_fetcher(font.as_uri())
    assert response.read(4) == font.read_bytes()[:4]
    response.close()
    response = pdf_helper.url_fetcher("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/font.ttf",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (STATIC / ".." / "__init__.py").as_uri(),
        (STATIC.as_uri() + "/../__init__.py"),
        (STATIC.as_uri() + "/fonts/../../__init__.py"),
        "file://evil.example/" + str(STATIC / "fonts" / "DejaVuSans.ttf"),
        (STATIC / "fonts").as_uri(),
    ],
)
def test_fetcher_refuses_anything_else(url):
    with pytest.raises(pdf_helper.FetchRefused):
        pdf_helper.url_fetcher(url)


def test_a_template_asking_for_a_remote_resource_fails_loudly():
    html = '<html><body><p>x</p><img src="http://127.0.0.1:9/tracker.png"></body></html>'
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        pdf_helper.html_to_pdf(html)
    html = '<html><head><link rel="stylesheet" href="file:///etc/ssl/openssl.cnf"></head><body>x</body></html>'
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        pdf_helper.html_to_pdf(html)


# -------------------------------------------------------------------------------------------- escaping


def test_a_hostile_city_name_is_escaped_in_html_and_literal_in_the_pdf(app, results):
    hostile = "<script>alert(1)</script>"
    result = results.city_result("shu-2025")
    result["city_names"] = {"kk": hostile, "ru": hostile, "en": hostile}
    result["dimensions"]["governance"]["label"] = {"en": '<img src="http://x/y.png">Gov'}
    with app.app_context():
        html = pdf.city_report_html(result, "en", generated=DAY)
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert '<img src="http://x' not in html
        data = pdf_helper.html_to_pdf(html)  # the escaped <img> is text, so nothing is fetched
    pages = _text(data)
    assert hostile in pages[0]
