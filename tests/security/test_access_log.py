"""The access log of `scri serve` writes one line per request, whatever control characters the path decodes to."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

from liveserver import LiveServer  # noqa: E402

from survey_app.gunicorn_logging import escape_controls  # noqa: E402


def test_control_characters_are_escaped():
    assert escape_controls("/s/x\nFAKE\r\t\x1b") == "/s/x\\x0aFAKE\\x0d\\x09\\x1b"
    assert escape_controls("/s/шу-2025/residents") == "/s/шу-2025/residents"


def test_a_line_break_in_a_path_does_not_forge_a_log_line(app, database_url, tmp_path):
    with LiveServer(database_url, tmp_path, workers=1) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/s/x%0a[01/Jan/2026:00:00:00%20+0000]%20%22GET%20/console/%20HTTP/1.1%22%20200%0d")
        conn.getresponse().read()
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        conn.close()
    lines = server.log_path.read_text(errors="replace").splitlines()
    forged = [line for line in lines if line.startswith("[01/Jan/2026")]
    assert forged == []
    assert any("/s/x\\x0a[01/Jan/2026" in line for line in lines)
