"""Who is asking: session users (Flask-Login) and API tokens (Authorization: Bearer)."""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, Request
from sqlalchemy import select

from .extensions import db, login_manager
from .models import ApiToken, User
from .models._base import utcnow

TOKEN_PREFIX = "scri_"  # noqa: S105 (a visible prefix, not a secret)


def hash_token(token: str) -> str:
    """sha256 hex of a token (tokens are long and random, so a fast hash is the right tool)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = TOKEN_PREFIX) -> str:
    """A fresh random token (256 bits)."""
    return prefix + secrets.token_urlsafe(32)


def issue_api_token(user: User) -> str:
    """Create an API token for a user; the token is returned once and only its hash is kept."""
    token = new_token()
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:12]))
    return token


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not request.path.startswith("/api/"):
        return None
    token = header[len("Bearer ") :].strip()
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def init_auth(app: Flask) -> None:
    """Login settings: where anonymous visitors are sent, and the session protection level."""
    login_manager.login_view = "console.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, request, url_for

        from .errors import render_error

        if request.path.startswith("/api/"):
            return render_error(401)
        return redirect(url_for("console.login", next=request.full_path if request.query_string else request.path))
