"""Engine-level settings: SQLite pragmas for the embedded database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

_configured = False
MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure_engine_events() -> None:
    """Turn on WAL, foreign keys and a busy timeout on every SQLite connection (once per process)."""
    global _configured
    if _configured:
        return
    event.listen(Engine, "connect", _sqlite_pragmas)
    _configured = True


def init_migrations(app) -> None:
    """Bind Flask-Migrate (Alembic loads in about half a second, so commands that need no schema skip it)."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from .extensions import db

    Migrate(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)


def upgrade_schema(app) -> None:
    """Create or upgrade the schema through the migrations (inside an app context)."""
    from flask_migrate import upgrade

    init_migrations(app)
    upgrade(directory=app.extensions["migrate"].directory)
