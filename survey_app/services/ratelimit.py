"""Fixed-window rate limits shared by all workers through the database."""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import RateBucket

WINDOW_SECONDS = 60


def _key(scope: str, client: str) -> str:
    """A keyed hash (HMAC with SECRET_KEY): a plain hash of an IPv4 address is reversed by trying them all."""
    secret = current_app.config["SECRET_KEY"].encode()
    return scope[:24] + ":" + hmac.new(secret, f"{scope}|{client}".encode(), hashlib.sha256).hexdigest()[:64]


def hit(scope: str, client: str, limit: int, now: float | None = None) -> bool:
    """Count one request of `client` in `scope`; False when it is over `limit` in the current minute.

    Runs in its own short transaction so that a refused request leaves nothing else half-written.
    """
    minute = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = _key(scope, client)
    for _attempt in range(3):
        bucket = db.session.scalar(
            select(RateBucket).where(RateBucket.key == key).with_for_update().execution_options(populate_existing=True)
        )
        if bucket is None:
            db.session.add(RateBucket(key=key, window_start=minute, count=1))
            try:
                db.session.commit()
                return True
            except Exception:  # another worker created it at the same moment
                db.session.rollback()
                continue
        if bucket.window_start != minute:
            db.session.execute(update(RateBucket).where(RateBucket.key == key).values(window_start=minute, count=1))
            db.session.commit()
            return True
        db.session.execute(update(RateBucket).where(RateBucket.key == key).values(count=RateBucket.count + 1))
        db.session.commit()
        return bucket.count + 1 <= limit
    return True


def client_address(request) -> str:
    """The client address as the WSGI server sees it (put a trusted proxy's ProxyFix in front if any)."""
    return request.remote_addr or "unknown"
