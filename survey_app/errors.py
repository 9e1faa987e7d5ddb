"""Human error pages (and JSON under /api/): never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page or survey you are looking for does not exist.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("Survey closed"), _l("This survey is closed and no longer accepts answers. Thank you for your interest.")),
    413: (_l("Too much data"), _l("What you sent is larger than this page accepts.")),
    429: (_l("Too many requests"), _l("Too many attempts from your connection. Please wait a minute and try again.")),
    503: (
        _l("Briefly unavailable"),
        _l(
            "The service cannot save or show data at this moment. Your earlier answers are kept. "
            "Please try again in a minute."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. Your earlier answers are saved. Please try again later."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, title=None, message=None):
    """Render the error page (or JSON for the API) with a status code."""
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title = title or default_title
    message = message or default_message
    if _wants_json():
        return jsonify({"error": str(title), "message": str(message), "status": code}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    """One handler for every HTTP error, one for CSRF failures and one for anything unexpected."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _l("Your form has expired"),
            _l(
                "For your security the form must be sent from this site within one session. "
                "Please go back, reload the page and send it again; your saved answers are kept."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = getattr(error, "scri_message", None)
        title = getattr(error, "scri_title", None)
        return render_error(code, title, message)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        """A lost or restarted database, a locked or full SQLite file: the app's 503 page with its headers and a
        Retry-After. The failed connection is already dropped from the pool, so the next request reconnects."""
        from .extensions import db

        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass
        db.session.remove()
        app.logger.error("Database unavailable on %s: %s", request.path, str(error.orig or error)[:200])
        response = render_error(503)
        body, code = response if isinstance(response, tuple) else (response, 503)
        return body, code, {"Retry-After": "30"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        from .extensions import db

        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        return render_error(500)


def abort_with(code: int, title=None, message=None):
    """Abort the request with a status code and a human title and message for the error page."""
    from werkzeug.exceptions import abort as _abort
    from werkzeug.exceptions import default_exceptions

    exc_class = default_exceptions.get(code, HTTPException)
    exc = exc_class()
    exc.scri_title = title
    exc.scri_message = message
    if exc_class is HTTPException:
        _abort(code)
    raise exc
