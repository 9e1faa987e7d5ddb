"""The reports on the real demo data: `scri demo`, then `round_result` and `city_comparison` from the database."""

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from survey_app.reports.context import Formats

TITLES = {
    "kk": ("Негізгі қорытындылар", "Ұсынымдар"),
    "ru": ("Основные выводы", "Рекомендации"),
    "en": ("Executive summary", "Recommendations"),
}


pytestmark = pytest.mark.slow


def _text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_demo_reports_in_three_languages(app, runner, tmp_path, make_user, login, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    from survey_app.services import results as services
    from survey_app.services import scoring

    with app.app_context():
        shalkar = services.find_round("shalkar-2025")
        result = scoring.round_result(shalkar)
        names = {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"}
        suppressed = [
            (c, g) for c, cells in result["constructs"].items() for g, cell in cells.items() if cell.get("suppressed")
        ]
        assert suppressed, "the demo has a withheld group in Shalkar"

    for lang in ("kk", "ru", "en"):
        out = tmp_path / f"shalkar-{lang}.pdf"
        command = runner.invoke(
            args=[
                "report",
                "--round",
                "shalkar-2025",
                "--city",
                "Shalkar",
                "--lang",
                lang,
                "-o",
                str(out),
                "--date",
                "2025-11-14",
            ]
        )
        assert command.exit_code == 0, command.output
        text = _text(out.read_bytes())
        assert names[lang] in text
        figure = Formats(lang).number(result["scri"]["score"])
        assert re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d])", text), figure
        for title in TITLES[lang]:
            assert title in text
        assert "nan" not in re.findall(r"\b\w+\b", text.lower())
        _check_pages(out, tmp_path / lang)

    out = tmp_path / "compare.pdf"
    command = runner.invoke(
        args=["report", "--compare", "shu-2025,ayagoz-2025,shalkar-2025", "--lang", "ru", "-o", str(out)]
    )
    assert command.exit_code == 0, command.output
    text = _text(out.read_bytes())
    assert "Шу" in text and "Аягоз" in text and "Шалкар" in text and "Устойчивость места" in text

    # The dashboard and the public page on the same data; withheld cells stay withheld.
    with app.app_context():
        city_id = services.find_round("shalkar-2025").city_id
    login(client, make_user("coordinator", [city_id]))
    page = client.get("/console/rounds/shalkar-2025/results?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Shalkar" in html and Formats("en").number(result["scri"]["score"]) in html
    assert "withheld" in html


def _check_pages(pdf_path, folder):
    """Every page at 50 dpi keeps its ink inside the 17 mm side margins; the contents point at the right pages."""
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(pdf_path)).pages]
    entries = re.findall(r"(\d+)\. (.+?) [. ]+ (\d+)(?= \d+\. | \S+ · |$)", pages[1])
    assert len(entries) >= 9, pages[1]
    for _, title, number in entries:
        assert title.strip(" .") in pages[int(number) - 1], (title, number)
    if shutil.which("pdftoppm") is None:
        return
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf_path), str(folder / "p")], check=True, timeout=120)
    margin = 17 / 25.4 * 50
    for png in sorted(folder.glob("p-*.png")):
        image = Image.open(png).convert("L")
        box = image.point(lambda v: 255 if v < 235 else 0).getbbox()
        assert box is not None, png.name
        assert box[0] >= margin - 3 and box[2] <= image.width - margin + 3, (png.name, box)
