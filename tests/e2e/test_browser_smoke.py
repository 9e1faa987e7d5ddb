"""The live server and the browser work together: error pages render under the CSP without violations."""

import pytest

pytestmark = pytest.mark.browser


def test_error_page_in_a_phone_browser_has_no_csp_violations(new_phone, live_server, shot, console_errors):
    page = console_errors(new_phone().new_page())
    response = page.goto("/s/no-such-round/residents?lang=kk")
    assert response.status == 404
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert page.locator("h1").count() == 1
    assert "Traceback" not in page.content()
    shot(page, "not-found-kk")
    assert page.evaluate("document.documentElement.lang") == "kk"
    # The stylesheet loaded (no CSP block): the body has a computed font other than the browser default.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert not [e for e in console_errors.errors if "Content Security Policy" in e], console_errors.errors
