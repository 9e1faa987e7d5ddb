"""Security headers on every page, and HTML that works under a CSP without inline script or style.

Walks the app's URL map: every GET route without parameters, and every route with parameters filled from
seeded data (a real round, city, group...) or with a made-up value, for an anonymous visitor and for a
signed-in admin.
"""

from __future__ import annotations

import re

import pytest

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json)[^>]*>", re.IGNORECASE
)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)
SKIP_PREFIXES = ("/static/",)

pytestmark = pytest.mark.security


def assert_security_headers(path: str, response) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp, f"{path}: no Content-Security-Policy"
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, f"{path}: {csp}"
    assert "'unsafe-inline'" not in directives.get("style-src", ""), f"{path}: {csp}"
    assert directives.get("frame-ancestors") == "'none'", f"{path}: {csp}"
    assert directives.get("object-src") == "'none'", f"{path}: {csp}"
    assert headers.get("X-Frame-Options") == "DENY", path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin"), path


def assert_no_inline_code(path: str, response) -> None:
    if not response.mimetype == "text/html":
        return
    html = response.get_data(as_text=True)
    for pattern, what in (
        (INLINE_SCRIPT, "an inline <script>"),
        (STYLE_ATTRIBUTE, "a style= attribute"),
        (STYLE_ELEMENT, "a <style> element"),
        (EVENT_HANDLER, "an on*= event handler"),
        (JAVASCRIPT_URL, "a javascript: URL"),
    ):
        match = pattern.search(html)
        assert match is None, (
            f"{path}: {what} blocked by the CSP: {html[max(0, match.start() - 80) : match.end() + 80]}"
        )
    assert "Traceback" not in html, path


def _seed_values(app) -> dict[str, str]:
    """Real values for URL parameters, taken from the seeded database."""
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import City, Invitation, Response, SurveyRound, User

    with app.app_context():
        round_ = db.session.scalars(select(SurveyRound)).first()
        city = db.session.scalars(select(City)).first()
        response = db.session.scalars(select(Response)).first()
        invitation = db.session.scalars(select(Invitation)).first()
        user = db.session.scalars(select(User)).first()
        values = {
            "slug": round_.slug,
            "round_slug": round_.slug,
            "round": round_.slug,
            "round_id": str(round_.id),
            "group": "residents",
            "city": city.slug,
            "city_slug": city.slug,
            "city_id": str(city.id),
            "lang": "en",
            "fmt": "csv",
            "format": "csv",
            "user_id": str(user.id),
        }
        if response is not None:
            values["response_id"] = str(response.id)
        if invitation is not None:
            values["invitation_id"] = str(invitation.id)
    return values


def _url_for_rule(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for argument in rule.arguments:
        converter = rule._converters.get(argument)
        fallback = (
            "1" if converter is not None and type(converter).__name__ in ("IntegerConverter", "FloatConverter") else "x"
        )
        value = values.get(argument, fallback)
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(argument) + r">", value, path)
    return path


def _get_routes(app) -> list:
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.rule.startswith(SKIP_PREFIXES)]


@pytest.fixture
def seeded(app, client, two_cities):
    """Two cities with rounds, an invitation and a response, so that pages with parameters have content."""
    from sechelpers import answer_all

    answer_all(app.test_client(), "shu-2025")
    from survey_app.extensions import db
    from survey_app.services import invitations
    from survey_app.services.rounds import get_round

    with app.app_context():
        invitations.issue(get_round("shu-2025"), "business", [{"organisation": "Org"}], "http://localhost/")
        db.session.commit()
    return _seed_values(app)


def _walk(app, client, values) -> list[str]:
    seen = []
    for rule in _get_routes(app):
        path = _url_for_rule(rule, values)
        response = client.get(path)
        response.get_data()  # read streamed bodies to the end, as a browser does
        response.close()
        assert response.status_code < 500, f"GET {path} answered {response.status_code}"
        assert_security_headers(path, response)
        assert_no_inline_code(path, response)
        seen.append(f"{response.status_code} {path}")
    return seen


def test_every_get_route_has_the_headers_for_an_anonymous_visitor(app, client, seeded):
    seen = _walk(app, client, seeded)
    assert len(seen) >= 2


def test_every_get_route_has_the_headers_for_a_signed_in_admin(app, client, seeded, login):
    login(client, "admin@example.org")
    seen = _walk(app, client, seeded)
    assert any(line.startswith("200 /console") for line in seen), seen


def test_routes_with_made_up_parameters_never_fail(app, client, seeded):
    for rule in _get_routes(app):
        if not rule.arguments:
            continue
        for junk in ("0", "999999", "..%2f..%2fetc%2fpasswd", "%3Cscript%3E", "a" * 300, "%00", "-1"):
            path = _url_for_rule(rule, dict.fromkeys(rule.arguments, junk))
            response = client.get(path)
            response.get_data()
            response.close()
            assert response.status_code < 500, f"GET {path} answered {response.status_code}"
            assert_security_headers(path, response)


def test_static_files_are_not_sniffed_and_have_the_headers(client):
    response = client.get("/static/css/base.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert_security_headers("/static/css/base.css", response)
    response.close()


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "Kp7vQ2xL9mZ4rT8wN3bH6jD1fG5sA0cE-yU_iO")
    monkeypatch.setenv("SCRI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "prod.sqlite3"))
    from survey_app import create_app

    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_security_headers("/healthz", response)


def test_a_failed_statement_never_carries_its_values(app, make_city):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from survey_app.extensions import db
    from survey_app.models import City

    secret = "resident-answer-that-must-not-be-logged"
    with app.app_context():
        make_city()
        slug = db.session.scalars(db.select(City.slug)).first()
        with pytest.raises(IntegrityError) as info:
            db.session.execute(insert(City).values(slug=slug, name_en=secret, name_ru=secret, name_kk=secret))
        db.session.rollback()
    message = str(info.value)
    assert secret not in message and "hidden due to hide_parameters" in message


def test_links_that_leave_the_site_use_the_base_url_not_the_host_header(app, make_round, client):
    make_round(slug="links-2025", groups=("residents",))
    app.config["SCRI_BASE_URL"] = "https://scri.example.kz/"
    try:
        with app.test_request_context("/", headers={"Host": "evil.example"}):
            from survey_app.links import external_url

            link = external_url("public.resume", slug="links-2025", group="residents", token="abc")
    finally:
        app.config["SCRI_BASE_URL"] = None
    assert link == "https://scri.example.kz/s/links-2025/residents/resume/abc"


def test_a_request_for_an_untrusted_host_is_refused(app, client):
    app.config["SCRI_ALLOWED_HOSTS"] = ["scri.example.kz", "::1"]
    try:
        evil = client.get("/s/none/residents", headers={"Host": "evil.example"})
        good = client.get("/healthz", headers={"Host": "scri.example.kz:443"})
        ipv6 = client.get("/healthz", headers={"Host": "[::1]:8000"})
    finally:
        app.config["SCRI_ALLOWED_HOSTS"] = None
    assert evil.status_code == 400 and "evil.example" not in evil.get_data(as_text=True)
    assert good.status_code == 200 and ipv6.status_code == 200


def test_the_base_url_setting_is_checked(monkeypatch):
    from survey_app.config import ConfigError, link_settings

    monkeypatch.setenv("SCRI_BASE_URL", "https://scri.example.kz/ru/")
    monkeypatch.setenv("SCRI_TRUSTED_HOSTS", "10.0.0.5, scri.example.kz")
    assert link_settings() == {
        "SCRI_BASE_URL": "https://scri.example.kz/ru/",
        "SCRI_ALLOWED_HOSTS": ["scri.example.kz", "10.0.0.5"],
    }
    monkeypatch.setenv("SCRI_BASE_URL", "scri.example.kz")
    with pytest.raises(ConfigError, match="SCRI_BASE_URL must be an http"):
        link_settings()


def test_pages_with_answers_or_city_data_are_never_stored(app, make_round, client):
    make_round(slug="cache-2025", groups=("residents",))
    questionnaire = client.get("/s/cache-2025/residents?lang=en")
    login = client.get("/console/login")
    health = client.get("/healthz")
    style = client.get("/static/css/reports.css")
    style.close()
    assert questionnaire.status_code == 200 and "no-store" in questionnaire.headers["Cache-Control"]
    assert "no-store" in login.headers["Cache-Control"]
    assert "no-store" not in style.headers.get("Cache-Control", "") and style.status_code == 200
    assert health.status_code == 200
