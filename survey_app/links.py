"""Links that leave the site (invitation files, e-mails, resume links, QR codes): built from the configured
``SCRI_BASE_URL``, never from the request's Host header, which a client chooses."""

from __future__ import annotations

from flask import current_app, request, url_for


def site_root() -> str:
    """The public root of the platform, ending in ``/``: ``SCRI_BASE_URL`` when it is set, else (development)
    the address the request came to, which ``SCRI_ALLOWED_HOSTS`` restricts when it is configured."""
    configured = current_app.config.get("SCRI_BASE_URL")
    return configured if configured else request.host_url


def external_url(endpoint: str, **values) -> str:
    """An absolute link to ``endpoint`` under :func:`site_root`."""
    path = url_for(endpoint, **values)
    script_root = request.script_root if request else ""
    if script_root and path.startswith(script_root):
        path = path[len(script_root) :]
    return site_root().rstrip("/") + path
