"""The audit log page: who did what, when, to which object (admins only)."""

from __future__ import annotations

import json

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..errors import abort_with
from ..extensions import db
from ..models import AuditEvent, City
from . import bp

PER_PAGE = 50


@bp.get("/audit")
@login_required
def audit():
    if not current_user.is_admin:
        abort_with(403)
    city_id = request.args.get("city", type=int)
    action = (request.args.get("action") or "").strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = select(AuditEvent)
    count = select(func.count(AuditEvent.id))
    if city_id:
        query = query.where(AuditEvent.city_id == city_id)
        count = count.where(AuditEvent.city_id == city_id)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    total = db.session.scalar(count) or 0
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(page, pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    cities = db.session.scalars(select(City).order_by(City.name_en)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    city_names = {c.id: c for c in cities}
    return render_template(
        "console/audit.html",
        events=events,
        cities=cities,
        actions=actions,
        city_names=city_names,
        city_id=city_id,
        action=action,
        page=page,
        pages=pages,
        total=total,
        details=_details,
    )


def _details(value) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
