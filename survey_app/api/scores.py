"""`GET /api/v1/rounds/<slug>/scores`: the analysis of a round, as `scri score --format json` prints it."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..models import SurveyRound
from ..services.errors import ServiceError
from . import bp


def _visible_round(slug: str) -> SurveyRound:
    """The round if the caller may see its city; 401 without a login or token, 404 otherwise."""
    if not current_user.is_authenticated:
        abort_with(401)
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
    if round_ is None or not current_user.can_see_city(round_.city_id):
        abort_with(404)
    return round_


@bp.get("/rounds/<slug>/scores")
def round_scores(slug: str):
    from ..services.scoring import round_result

    round_ = _visible_round(slug)
    try:
        return jsonify(round_result(round_))
    except ServiceError as exc:
        return jsonify({"error": "not scorable", "message": str(exc), "status": 409}), 409
