"""The read-only JSON API."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes, scores  # noqa: E402, F401
