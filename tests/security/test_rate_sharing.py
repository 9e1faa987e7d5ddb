"""Rate limits shared across workers without a database write per request: through the database in batches
(the embedded default), or through Redis (the server at 127.0.0.1:6379) when ``SCRI_REDIS_URL`` is set."""

from __future__ import annotations

import socket
import uuid

import pytest
from sqlalchemy import event

from survey_app.extensions import db
from survey_app.services import ratelimit

pytestmark = pytest.mark.security

REDIS_URL = "redis://127.0.0.1:6379/15"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _workers(n):
    clock = Clock()
    return clock, [ratelimit.LocalWindow(clock=clock) for _ in range(n)]


def _keyed(app, scope, client, limit):
    with app.test_request_context():
        return {ratelimit._key(scope, client): limit}


def test_two_workers_share_one_limit_within_an_eighth_each(app):
    clock, workers = _workers(2)
    limits = _keyed(app, "respondent", "device-1", 120)
    allowed = 0
    with app.app_context():
        for i in range(400):
            clock.now += 0.01  # a flood of 100 requests a second, alternating between the workers
            allowed += workers[i % 2].hit(limits, minute=1000)
    # Alone each worker would let 120 through (240 together); shared, at most an eighth more per worker.
    assert 120 <= allowed <= 120 + 2 * 120 // ratelimit.PUSH_FRACTION, allowed


def test_a_flood_costs_a_write_per_eighth_of_the_limit_not_per_request(app):
    clock, (worker,) = _workers(1)
    limits = _keyed(app, "address", "10.0.0.9", 3000)
    writes = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT"):
            writes.append(statement)

    with app.app_context():
        engines = (db.engine, ratelimit._counter_engine())
        for engine in engines:
            event.listen(engine, "before_cursor_execute", seen)
        try:
            for _ in range(2000):
                clock.now += 0.001  # 2,000 requests within two seconds
                worker.hit(limits, minute=2000)
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", seen)
    assert 1 <= len(writes) <= 2000 * ratelimit.PUSH_FRACTION // 3000 + 3, len(writes)


def test_a_refused_client_is_not_counted_or_pushed_again_this_minute(app):
    clock, (worker,) = _workers(1)
    limits = _keyed(app, "start", "device-2", 10)
    with app.app_context():
        answers = [worker.hit(limits, minute=3000) for _ in range(15)]
        assert answers == [True] * 10 + [False] * 5
        assert worker.hit(limits, minute=3001), "a new minute starts a new window"


def test_a_busy_database_does_not_refuse_or_fail_the_request(app):
    def unreachable(counts, minute):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("UPSERT", {}, Exception("database is locked"))

    worker = ratelimit.LocalWindow(push=unreachable, clock=Clock())
    limits = _keyed(app, "respondent", "device-3", 5)
    with app.app_context():
        assert [worker.hit(limits, minute=1) for _ in range(7)] == [True] * 5 + [False] * 2


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis server at 127.0.0.1:6379")


@needs_redis
def test_with_redis_two_app_servers_count_exactly_and_the_database_is_not_written(app):
    """Two app objects stand for two machines: one Redis, exact counts, no rate_bucket row at all."""
    from survey_app import create_app

    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        },
        migrations=False,
    )
    client = f"device-{uuid.uuid4().hex}"
    saved = app.config.get("SCRI_REDIS_URL")
    app.config["SCRI_REDIS_URL"] = other.config["SCRI_REDIS_URL"] = REDIS_URL
    try:
        answers = []
        for i in range(30):
            with (app if i % 2 else other).test_request_context():
                answers.append(ratelimit.hit("respondent", client, 20))
        assert answers == [True] * 20 + [False] * 10
        with app.app_context():
            from sqlalchemy import func, select

            from survey_app.models import RateBucket

            assert db.session.scalar(select(func.count()).select_from(RateBucket)) == 0
    finally:
        app.config["SCRI_REDIS_URL"] = saved
        app.extensions.pop("scri_redis", None)
        other.extensions.pop("scri_redis", None)
        with other.app_context():
            db.engine.dispose()


def test_an_unreachable_redis_falls_back_to_counting_in_the_worker(app):
    saved = app.config.get("SCRI_REDIS_URL")
    app.config["SCRI_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        with app.test_request_context():
            answers = [ratelimit.hit("login", "10.1.1.1", 3) for _ in range(5)]
    finally:
        app.config["SCRI_REDIS_URL"] = saved
        app.extensions.pop("scri_redis", None)
    assert answers == [True] * 3 + [False] * 2


def test_a_push_needs_no_connection_of_the_busy_request_pool(app):
    """Every connection of the app's pool is held by a request (50 residents at once on PostgreSQL): the push of
    the worker's counts goes through the counter's own connection instead of waiting for one of them."""
    from sqlalchemy import select

    from survey_app.models import RateBucket

    _clock, (worker,) = _workers(1)
    limits = _keyed(app, "respondent", "device-busy", 120)
    with app.app_context():
        pool = db.engine.pool
        held = [db.engine.raw_connection() for _ in range(pool.size() + max(pool._max_overflow, 0))]
        try:
            assert worker.hit(limits, minute=4000)
        finally:
            for connection in held:
                connection.close()
        assert worker.pending == {}, "the counts were pushed, not kept for lack of a connection"
        assert db.session.scalar(select(RateBucket.count).where(RateBucket.key.in_(list(limits)))) == 1
