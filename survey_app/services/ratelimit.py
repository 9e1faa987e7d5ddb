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
    """Count one request of `client` in `scope`; False when it is over `limit` in the current minute."""
    return hit_all([(scope, client, limit)], now)


def hit_all(checks: list[tuple[str, str, int]], now: float | None = None) -> bool:
    """Count one request in every (scope, client, limit) bucket; False when any is over its limit this minute.

    One atomic statement for all buckets (insert each, or start its new window, or add one) on a connection of
    its own, committed at once: the request's session is neither committed nor rolled back by the count.
    """
    minute = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    limits = {_key(scope, client): limit for scope, client, limit in checks}
    table = RateBucket.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values([{"key": key, "window_start": minute, "count": 1} for key in sorted(limits)])
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((table.c.window_start == minute, table.c.count + 1), else_=1),
            "window_start": minute,
        },
    ).returning(table.c.key, table.c.count)
    with db.engine.begin() as connection:
        counts = connection.execute(statement).all()
    return all(count <= limits[key] for key, count in counts)


def client_address(request) -> str:
    """The client address: the peer's, or with ``SCRI_TRUSTED_PROXIES`` set the one the proxies forwarded."""
    return request.remote_addr or "unknown"


def trust_proxies(app) -> None:
    """Behind ``SCRI_TRUSTED_PROXIES`` reverse proxies, take the client address and scheme from the
    X-Forwarded-For and X-Forwarded-Proto entries they appended (no more: a client cannot forge its way past)."""
    hops = app.config.get("SCRI_TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
