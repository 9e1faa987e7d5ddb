"""A database that goes away (PostgreSQL restarted, a connection killed) or a full SQLite disk: the app's own
503 page with its headers and a Retry-After, nothing half-stored, and the next request served again."""

from __future__ import annotations

import pytest
from sechelpers import csrf_of, start_response
from sqlalchemy import create_engine, event, func, select, text

from survey_app.extensions import db
from survey_app.models import Response

pytestmark = pytest.mark.security


def _assert_app_503(response):
    body = response.get_data(as_text=True)
    assert response.status_code == 503, (response.status_code, body[:300])
    assert response.headers["Retry-After"] == "30"
    assert "Content-Security-Policy" in response.headers and "X-Content-Type-Options" in response.headers
    assert "Briefly unavailable" in body and "Traceback" not in body and "sqlalchemy" not in body.lower()


def _responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_a_killed_postgresql_connection_gets_the_503_page_then_service_resumes(app, client, every_type_round):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (SCRI_TEST_DATABASE_URL); the SQLite case is the full disk below")
        db.engine.dispose()
    every_type_round()
    first = start_response(client)
    page = client.get(first)
    with app.app_context():  # every connection in the app's pool, as when the server restarts
        pooled = [db.engine.raw_connection() for _ in range(db.engine.pool.checkedin())]
        pids = []
        for connection in pooled:
            cursor = connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
            cursor.close()
            connection.close()  # back to the pool, alive as far as the pool knows
        killer = create_engine(db.engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "uses": "yes", "action": "next"}
    _assert_app_503(client.post(first, data=data))
    again = client.get(first)
    assert again.status_code == 200, "the dead connection was dropped and the next request reconnected"
    assert _responses(app) == 1


def test_a_full_sqlite_disk_gets_the_503_page_and_loses_nothing(app, client, every_type_round):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        engine = db.engine
    every_type_round()
    start_response(client)
    stored = _responses(app)

    def no_room(dbapi_connection, record):
        # The database may not grow by a single page: SQLite answers SQLITE_FULL ("database or disk is full"),
        # as on a disk with no space left.
        cursor = dbapi_connection.cursor()
        size = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {size}")
        cursor.close()

    with engine.connect() as conn:  # no free pages left by earlier tests' deleted rows: the next row needs a new one
        conn.exec_driver_sql("VACUUM")
    engine.dispose()
    event.listen(engine, "connect", no_room)
    try:
        refused = None
        for _ in range(200):  # new responses until one needs a new page
            fresh = app.test_client()
            page = fresh.get("/s/sec-2025/residents?lang=en")
            if page.status_code == 503:
                refused = page
                break
            html = page.get_data(as_text=True)
            submission = html.split('name="submission_id" value="', 1)[1].split('"', 1)[0]
            answer = fresh.post(
                "/s/sec-2025/residents",
                data={"csrf_token": csrf_of(html), "submission_id": submission, "consent": "yes"},
            )
            if answer.status_code == 503:
                refused = answer
                break
            assert answer.status_code in (302, 303), answer.status_code
            stored += 1
        assert refused is not None, "the database never filled up"
        _assert_app_503(refused)
    finally:
        event.remove(engine, "connect", no_room)
        engine.dispose()
    assert _responses(app) == stored, "everything accepted before the disk filled is kept, nothing half-stored"
    assert start_response(app.test_client()).endswith("/p/1"), "with room again, the next resident is served"
