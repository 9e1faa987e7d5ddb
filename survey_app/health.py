"""`GET /healthz`: a trivial liveness answer for load balancers, readiness checks and benchmarks."""

from __future__ import annotations

from flask import Blueprint, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer without touching the database or the session (the cheapest request the app serves)."""
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response
