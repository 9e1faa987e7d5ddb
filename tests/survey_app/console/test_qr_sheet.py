"""The printed QR invitation sheet, read back with the text positions of the PDF: every card's whole link
lies inside its own card, with or without organisation and sector."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess

import pytest
from consolehelpers import csrf_token

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
LINK = re.compile(r"^http://localhost/s/shu-2025/business\?t=[A-Za-z0-9_-]+$")


def _issue(client, rows: str, output: str):
    return client.post(
        "/console/rounds/shu-2025/invitations",
        data={
            "csrf_token": csrf_token(client, "/console/rounds/shu-2025?lang=en"),
            "group": "business",
            "output": output,
            "upload": (io.BytesIO(rows.encode()), "orgs.csv"),
        },
        content_type="multipart/form-data",
    )


def _cards(pdf: bytes, tmp_path, names: list[str]) -> list[dict]:
    """Per card (found by its organisation's first word): its column, its vertical extent up to the next
    card of the same column, and the link text read inside that extent."""
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    cards = []
    for width, height, body in PAGE.findall(out):
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(body)]
        middle = float(width) / 2
        for column in (0, 1):
            in_column = sorted((w for w in words if ((w[0] + w[2]) / 2 >= middle) == bool(column)), key=lambda w: w[1])
            starts = [w for w in in_column if w[4] in names]
            for index, start in enumerate(starts):
                margin = float(height) - 12 / 25.4 * 72  # the page footer is in the 12 mm margin
                bottom = starts[index + 1][1] if index + 1 < len(starts) else margin
                inside = [w for w in in_column if start[1] <= w[1] < bottom]
                pieces, link_on = [], False
                for w in inside:
                    link_on = link_on or w[4].startswith("http://")
                    if link_on:
                        pieces.append(w)
                cards.append(
                    {
                        "name": start[4],
                        "column": column,
                        "middle": middle,
                        "link": "".join(p[4] for p in pieces),
                        "x": (min(p[0] for p in pieces), max(p[2] for p in pieces)) if pieces else None,
                        "bottom": bottom,
                        "link_bottom": max(p[3] for p in pieces) if pieces else None,
                    }
                )
    return cards


@pytest.mark.parametrize("with_details", [True, False])
def test_every_card_of_the_qr_sheet_prints_its_whole_link_inside_the_card(
    app, two_cities, login, tmp_path, with_details
):
    client = login(two_cities["users"]["coordinator"])
    names = [f"Organisation{n:02d}" for n in range(1, 8)]
    tail = " Регионалдық кәсіпкерлер палатасының филиалы және серіктестері" if with_details else ""
    sector = "Шағын және орта бизнес, сауда және қызмет көрсету" if with_details else ""
    rows = "organisation,sector,email\n" + "".join(f'"{name}{tail}","{sector}",\n' for name in names)
    expected = [
        r["link"]
        for r in csv.DictReader(io.StringIO(_issue(client, rows, "csv").get_data(as_text=True).lstrip("\ufeff")))
    ]
    response = _issue(client, rows, "pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    cards = _cards(response.data, tmp_path, names)
    assert sorted(c["name"] for c in cards) == names
    for card in cards:
        assert LINK.match(card["link"]), card
        assert len(card["link"]) == len(expected[0])  # the whole token, nothing cut off
        left, right = card["x"]
        if card["column"] == 0:
            assert right <= card["middle"], card
        else:
            assert left >= card["middle"], card
        assert card["link_bottom"] <= card["bottom"], card
