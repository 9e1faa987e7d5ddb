"""`GET /healthz` (liveness) and `GET /readyz` (readiness) for load balancers, systemd and monitoring."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer without touching the database or the session (the cheapest request the app serves)."""
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    """200 when the database answers at the current schema revision (and Redis, if configured), else 503 with
    what is missing: a balancer sends no resident to an app server that cannot save their answers."""
    from .deployment import check_services

    checks = check_services(current_app._get_current_object())
    ready = all(state == "ok" for state in checks.values())
    response = jsonify({"status": "ready" if ready else "not ready", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
