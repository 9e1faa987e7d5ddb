"""HTML → PDF with WeasyPrint, through a URL fetcher that serves only the app's static files and data: URIs.

Used by the governance assessment reports and the invitation sheets. Anything else a page refers to — http,
https, ftp, a file outside static — raises, and the rendering stops instead of silently leaving a hole.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint

__all__ = [
    "STATIC_BASE_URL",
    "STATIC_ROOT",
    "FetchRefused",
    "StaticOnlyFetcher",
    "html_to_pdf",
    "static_path",
    "url_fetcher",
]

STATIC_ROOT = (Path(__file__).resolve().parent / "static").resolve()
STATIC_BASE_URL = STATIC_ROOT.as_uri() + "/"


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


def html_to_pdf(html: str) -> bytes:
    """Lay out report HTML as PDF bytes; resources come only through StaticOnlyFetcher."""
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf()
