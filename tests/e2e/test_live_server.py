"""The real server (`scri serve`, gunicorn): headers on the wire, and access logs that keep no personal data."""

from __future__ import annotations

import http.client
import secrets
import time


def _get(server, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_headers_through_gunicorn(live_server):
    for path in ("/healthz", "/", "/s/no-such-round/residents", "/console/login", "/static/css/base.css"):
        status, headers, _body = _get(live_server, path)
        assert status < 500, path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert "Server" not in headers or "gunicorn/" not in headers.get("Server", ""), headers.get("Server")


def test_the_access_log_keeps_no_address_user_agent_or_token(live_server):
    token = "inv_" + secrets.token_urlsafe(32)
    agent = f"TestPhone/{secrets.token_hex(4)}"
    before = live_server.log_path.stat().st_size
    _get(live_server, f"/s/no-such-round/business?t={token}", {"User-Agent": agent, "Referer": "http://ref.example/"})
    access: list[str] = []
    deadline = time.monotonic() + 10  # gunicorn writes the access line after the response; workers may be busy
    while not access and time.monotonic() < deadline:
        time.sleep(0.1)
        with open(live_server.log_path, "rb") as fh:
            fh.seek(before)
            new_lines = fh.read().decode(errors="replace").splitlines()
        access = [line for line in new_lines if "/s/no-such-round/business" in line]
    assert access, "no access-log line for the request"
    for line in access:
        assert token not in line and agent not in line and "ref.example" not in line
        assert "127.0.0.1" not in line
