"""Security on every request: the Host checked against the allowed hosts, and the security headers."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)


#: Paths whose pages must not be stored by a browser or a cache.
NO_STORE_PREFIXES = ("/s/", "/console", "/api/", "/results/")


def _host_name(host: str) -> str:
    """The host of a Host header without its port (``[::1]:8000`` → ``::1``), lower-case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def register_security(app: Flask) -> None:
    """Refuse hosts outside ``SCRI_ALLOWED_HOSTS``; add CSP (no inline script), frame denial, no sniffing and a
    strict referrer policy."""

    def check_host() -> Response | None:
        allowed = app.config.get("SCRI_ALLOWED_HOSTS")
        if allowed and _host_name(request.host) not in allowed:
            return Response("Unknown host.\n", status=400, mimetype="text/plain")
        return None

    def refuse_nul_bytes() -> None:
        """No NUL byte reaches the database (PostgreSQL refuses it in text, with an error): a path with one
        names nothing (404), a query or form value with one is a bad request (400)."""
        if "\x00" in request.path:
            abort(404)
        values = [v for _key, vs in request.args.lists() for v in vs]
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [v for _key, vs in request.form.lists() for v in vs]
        if any("\x00" in v for v in values):
            abort(400)

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_bytes)
    app.before_request_funcs[None].insert(0, check_host)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Invitation and resume tokens travel in URLs: never leak them to other sites.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Questionnaire pages carry a respondent's answers and the console a city's data: never kept by a
        # browser or a shared cache (a phone passed to the next person, the back button after logging out).
        if request.path.startswith(NO_STORE_PREFIXES):
            headers.setdefault("Cache-Control", "no-store, private")
        if app.config.get("SCRI_ENV") == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
