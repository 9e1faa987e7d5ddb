"""Files respondents attach: a photo kept without its location, a document, a file refused by its content,
a file kept across pages and removed on request, counted on the monitor and downloaded in a zip."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "instruments"))

from xlsformbooks import book, seed_round  # noqa: E402

SURVEY = [
    ["type", "name", "label::English (en)", "label::Russian (ru)", "parameters", "required"],
    ["image", "photo", "A photo of the broken light", "Фото сломанного фонаря", "max-pixels=640", "yes"],
    ["file", "letter", "Your letter to the akimat", "Ваше письмо в акимат"],
    ["text", "note", "Anything else?", "Что-то ещё?"],
]


def photo_with_location(size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMakerX"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (43.0, 36.0, 10.0), "E", (73.0, 45.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo_round(app, make_city):
    return seed_round(app, make_city, "lights-2025", book({"survey": SURVEY}), "lights.xlsx")


def _post(r, data, files=None):
    body = {"csrf_token": r.csrf, "action": "next", **data}
    for name, (content, filename) in (files or {}).items():
        body[name] = (io.BytesIO(content), filename)
    response = r.client.post(r.base + "/p/1", data=body, content_type="multipart/form-data")
    r.page = response.get_data(as_text=True)
    return response


def test_a_photo_is_stored_without_its_location_and_scaled(app, photo_round, respondent, stored):
    r = respondent("lights-2025")
    r.start("?lang=en")
    page = r.get("/p/1").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and 'accept="image/*"' in page
    original = photo_with_location()
    assert b"CameraMakerX" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    response = _post(r, {}, {"photo": (original, "IMG_2041 Aigerim home.jpg")})
    assert response.status_code == 302, r.page
    answer = stored("lights-2025")[0]["answers"]["photo"]
    assert answer["type"] == "image/jpeg" and set(answer) == {"file", "type", "size", "sha256"}
    assert "Aigerim" not in str(answer)  # the file name may name a person: not kept
    with app.app_context():
        from survey_app.services import attachments

        kept = attachments.path_of(answer).read_bytes()
    assert b"CameraMakerX" not in kept
    image = Image.open(io.BytesIO(kept))
    assert not image.getexif() and max(image.size) == 640


def test_a_file_is_checked_by_its_content_not_its_name(photo_round, respondent, stored):
    r = respondent("lights-2025")
    r.start("?lang=en")
    r.get("/p/1")
    refused = _post(r, {}, {"photo": (b"<?php system($_GET['c']); ?>", "light.jpg")})
    assert refused.status_code == 422 and "Please choose a photo" in r.page
    assert stored("lights-2025")[0]["answers"] == {}
    letter = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    done = _post(
        r, {"note": "thanks"}, {"photo": (photo_with_location((300, 200)), "a.jpeg"), "letter": (letter, "x.pdf")}
    )
    assert done.status_code == 302
    answers = stored("lights-2025")[0]["answers"]
    assert answers["letter"]["type"] == "application/pdf" and answers["photo"]["type"] == "image/jpeg"


def test_a_stored_photo_is_kept_when_the_page_is_saved_again_and_can_be_removed(photo_round, respondent, stored):
    r = respondent("lights-2025")
    r.start("?lang=en")
    r.get("/p/1")
    assert _post(r, {}, {"photo": (photo_with_location((300, 200)), "p.jpg")}).status_code == 302
    page = r.get("/p/1").get_data(as_text=True)
    assert "A file is attached" in page and 'name="photo__remove"' in page
    assert _post(r, {"note": "again"}).status_code == 302
    assert "photo" in stored("lights-2025")[0]["answers"]
    r.get("/p/1")
    removed = _post(r, {"photo__remove": "1"})
    assert removed.status_code == 422 and "needs an answer" in r.page  # the photo is required
    assert "photo" not in stored("lights-2025")[0]["answers"]


def _admin(app):
    """A signed-in admin's client."""
    from survey_app.extensions import db
    from survey_app.services.users import create_user

    with app.app_context():
        create_user("admin@example.kz", "a long password 1", "admin", [])
        db.session.commit()
    client = app.test_client()
    page = client.get("/console/login?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "email": "admin@example.kz", "password": "a long password 1"}
    assert client.post("/console/login", data=data).status_code == 302
    return client


def test_files_are_counted_on_the_monitor_and_downloaded_in_a_zip(app, photo_round, respondent):
    r = respondent("lights-2025")
    r.start("?lang=en")
    r.get("/p/1")
    assert _post(r, {}, {"photo": (photo_with_location((300, 200)), "p.jpg")}).status_code == 302
    r.get("/review")
    assert r.post("/review").location.endswith("/thanks")
    client = _admin(app)
    monitor = client.get("/console/rounds/lights-2025/monitor.json").get_json()
    assert monitor["total"]["files"] == 1 and monitor["total"]["file_megabytes"] >= 0
    archive = client.get("/console/rounds/lights-2025/export.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.get_data())) as z:
        names = z.namelist()
        csv_text = z.read("responses.csv").decode("utf-8-sig")
    photo = next(n for n in names if n.startswith("files/") and n.endswith(".jpg"))
    assert photo in csv_text and "responses.csv" in names
