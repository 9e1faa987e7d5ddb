"""Fixed-window rate limits that cost no database write per request.

Each worker counts in its own memory. With ``SCRI_REDIS_URL`` set, every count goes to Redis at once (one
round trip, exact across workers and machines). Without Redis, each worker pushes what it counted to the
shared ``rate_bucket`` table in one statement at most once a second, or sooner when a bucket has used an eighth
of its limit since the last push; so across W workers a client gets at most about W/8 of a limit more than
its share, and a flood costs one write per eighth of a limit, not one per request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

from flask import current_app
from sqlalchemy import case
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import RateBucket

WINDOW_SECONDS = 60
PUSH_SECONDS = 1.0
PUSH_FRACTION = 8

log = logging.getLogger(__name__)


def _key(scope: str, client: str) -> str:
    """A keyed hash (HMAC with SECRET_KEY): a plain hash of an IPv4 address is reversed by trying them all."""
    secret = current_app.config["SECRET_KEY"].encode()
    return scope[:24] + ":" + hmac.new(secret, f"{scope}|{client}".encode(), hashlib.sha256).hexdigest()[:64]


def hit(scope: str, client: str, limit: int, now: float | None = None) -> bool:
    """Count one request of `client` in `scope`; False when it is over `limit` in the current minute."""
    return hit_all([(scope, client, limit)], now)


def hit_all(checks: list[tuple[str, str, int]], now: float | None = None) -> bool:
    """Count one request in every (scope, client, limit) bucket; False when any is over its limit this minute.

    The request's database session is never touched: the count is neither committed nor rolled back with it.
    """
    minute = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    limits = {_key(scope, client): limit for scope, client, limit in checks}
    redis = _redis_client()
    if redis is not None:
        counts = _redis_counts(redis, limits, minute)
        if counts is not None:
            return all(counts[key] <= limit for key, limit in limits.items())
    return _local_window().hit(limits, minute)


class LocalWindow:
    """One worker's counts for the current minute and the last totals it read back from the shared table."""

    def __init__(self, push=None, clock=time.monotonic):
        self._lock = threading.Lock()
        self._push_counts = push or push_counts
        self._clock = clock
        self.minute: int | None = None
        self.pending: dict[str, int] = {}
        self.shared: dict[str, int] = {}
        self.refused: dict[str, int] = {}  # bucket → its total when it went over (no more counting this minute)
        self.pushed_at = float("-inf")

    def hit(self, limits: dict[str, int], minute: int) -> bool:
        with self._lock:
            if minute != self.minute:
                self.minute, self.pending, self.shared, self.refused = minute, {}, {}, {}
            if any(self.refused.get(key, -1) > limit for key, limit in limits.items()):
                return False  # over for the rest of the minute: refused without a count or a push
            for key in limits:
                self.pending[key] = self.pending.get(key, 0) + 1
            due = self._clock() - self.pushed_at >= PUSH_SECONDS or any(
                self.pending[key] * PUSH_FRACTION >= limit for key, limit in limits.items()
            )
            if due:
                self._push(minute)
            totals = {key: self.shared.get(key, 0) + self.pending.get(key, 0) for key in limits}
            over = {key: totals[key] for key, limit in limits.items() if totals[key] > limit}
            self.refused.update(over)
            return not over

    def _push(self, minute: int) -> None:
        counts = {key: n for key, n in self.pending.items() if n}
        try:
            totals = self._push_counts(counts, minute)
        except SQLAlchemyError:  # a busy or lost database: keep counting here and push at the next chance
            log.warning("rate limit counts could not be shared; counting in this worker for now", exc_info=True)
            return
        self.shared.update(totals)
        self.pending = {}
        self.pushed_at = self._clock()


def push_counts(counts: dict[str, int], minute: int) -> dict[str, int]:
    """Add a worker's counts to the shared table in one statement (starting a new window where the stored one
    is older) and return every bucket's total across workers, on the worker's counter connection."""
    if not counts:
        return {}
    table = RateBucket.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(
        [{"key": key, "window_start": minute, "count": counts[key]} for key in sorted(counts)]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case(
                (table.c.window_start == minute, table.c.count + statement.excluded.count),
                else_=statement.excluded.count,
            ),
            "window_start": minute,
        },
    ).returning(table.c.key, table.c.count)
    with _counter_engine().begin() as connection:
        return {key: count for key, count in connection.execute(statement).all()}


def _counter_engine():
    """A one-connection engine of the worker's own for the pushes. A push from the request's pool would wait for
    a connection while every connection is held by a request waiting for this worker's counter: a deadlock
    until the pool's timeout, at 50 concurrent residents on PostgreSQL."""
    engine = current_app.extensions.get("scri_rate_engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(
            db.engine.url, pool_size=1, max_overflow=0, pool_timeout=5, pool_recycle=1800, hide_parameters=True
        )
        current_app.extensions["scri_rate_engine"] = engine
    return engine


def _local_window() -> LocalWindow:
    return current_app.extensions.setdefault("scri_rate_window", LocalWindow())


def _redis_client():
    """The app's Redis client when ``SCRI_REDIS_URL`` is set (made once per worker), else None."""
    url = current_app.config.get("SCRI_REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("scri_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        current_app.extensions["scri_redis"] = client
    return client


def _redis_counts(client, limits: dict[str, int], minute: int) -> dict[str, int] | None:
    """Count in Redis in one round trip (INCR and EXPIRE per bucket); None when Redis does not answer, and the
    worker's own window counts meanwhile."""
    from redis.exceptions import RedisError

    pipeline = client.pipeline(transaction=False)
    names = {key: f"scri:rate:{minute}:{key}" for key in limits}
    for name in names.values():
        pipeline.incr(name)
        pipeline.expire(name, WINDOW_SECONDS * 2)
    try:
        results = pipeline.execute()
    except RedisError:
        log.warning("Redis did not answer; counting rate limits in this worker for now", exc_info=True)
        return None
    return dict(zip(names, results[0::2], strict=True))


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
