"""Who is asking: session users (Flask-Login) and API tokens (Authorization: Bearer)."""

from __future__ import annotations

import hashlib
import secrets
import time

from flask import Flask, Request, current_app, session
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
    """The account of a session: active, signed in within the maximum age, and in the account's current
    session epoch (sign-out and a new password raise it)."""
    number, _, epoch = (user_id or "").partition(":")
    try:
        user = db.session.get(User, int(number))
    except (TypeError, ValueError):
        return None
    if user is None or not user.active or epoch != str(user.session_epoch):
        return None
    return user if _within_max_age(session.get("signed_in_at")) else None


def _within_max_age(signed_in_at) -> bool:
    hours = current_app.config.get("SCRI_SESSION_MAX_HOURS", 12)
    try:
        return time.time() - float(signed_in_at) < float(hours) * 3600
    except (TypeError, ValueError):
        return False


def start_session(user: User) -> None:
    """Note when the session began (it ends after ``SCRI_SESSION_MAX_HOURS``, whatever the activity)."""
    session["signed_in_at"] = time.time()


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
