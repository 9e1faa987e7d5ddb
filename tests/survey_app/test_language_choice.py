"""The page's language: the browser's first language we speak (by its primary subtag), and `?lang=` kept
across a redirect."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kk-KZ,ru;q=0.8", "kk"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-GB,kk;q=0.5", "en"),
        ("de-DE,kk-KZ;q=0.7,ru;q=0.6", "kk"),
        ("fr-FR,de;q=0.9", "ru"),  # nothing we speak: Russian, the default
    ],
)
def test_the_browsers_first_language_we_speak_is_chosen(client, header, expected):
    page = client.get("/console/login", headers={"Accept-Language": header})
    assert f'<html lang="{expected}">' in page.get_data(as_text=True)


def test_a_language_chosen_on_a_redirecting_page_is_kept(client):
    first = client.get("/console/?lang=kk", headers={"Accept-Language": "en"})
    assert first.status_code == 302
    login = client.get(first.headers["Location"], headers={"Accept-Language": "en"})
    assert '<html lang="kk">' in login.get_data(as_text=True)
