"""Record coordinator and admin actions in the audit log."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEvent, User


def record(
    action: str,
    *,
    user: User | None = None,
    actor: str | None = None,
    obj: Any = None,
    city_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        action=action,
        user_id=user.id if user is not None and getattr(user, "id", None) else None,
        actor=actor or (user.email if user is not None and getattr(user, "email", None) else "cli"),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        city_id=city_id if city_id is not None else getattr(obj, "city_id", None),
        details=details or None,
    )
    db.session.add(event)
    return event
