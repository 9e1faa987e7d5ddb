"""Fixed-window rate limits shared by all workers through the database."""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app
from sqlalchemy import case

from ..extensions import db
from ..models import RateBucket

WINDOW_SECONDS = 60


def _key(scope: str, client: str) -> str:
    """A keyed hash (HMAC with SECRET_KEY): a plain hash of an IPv4 address is reversed by trying them all."""
    secret = current_app.config["SECRET_KEY"].encode()
    return scope[:24] + ":" + hmac.new(secret, f"{scope}|{client}".encode(), hashlib.sha256).hexdigest()[:64]


def hit(scope: str, client: str, limit: int, now: float | None = None) -> bool:
    """Count one request of `client` in `scope`; False when it is over `limit` in the current minute.

    One atomic statement (insert the bucket, or start a new window, or add one) on a connection of its own,
    committed at once: the request's session is neither committed nor rolled back by the count.
    """
    minute = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = _key(scope, client)
    table = RateBucket.__table__
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(key=key, window_start=minute, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((table.c.window_start == minute, table.c.count + 1), else_=1),
            "window_start": minute,
        },
    ).returning(table.c.count)
    with db.engine.begin() as connection:
        count = connection.execute(statement).scalar_one()
    return count <= limit


def client_address(request) -> str:
    """The client address as the WSGI server sees it (put a trusted proxy's ProxyFix in front if any)."""
    return request.remote_addr or "unknown"
