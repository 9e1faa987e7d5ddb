"""The scratch database of one load run: a SQLite file or a PostgreSQL schema, the round, and the checks of
what ended up in it (complete responses, rows of the CSV export)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

from liveserver import PROJECT_ROOT, scri_command

ROUND_SLUG = "load-2025"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def prepare_database(database_url: str, instance_path: Path, slug: str = ROUND_SLUG) -> None:
    """Schema through the migrations, a city and an open round with the built-in residents' questionnaire."""
    env = {
        "DATABASE_URL": database_url,
        "SCRI_INSTANCE_PATH": str(instance_path),
        "SCRI_ENV": "testing",
        "SECRET_KEY": "load-test-secret-key-0123456789-0123456789",
    }
    code = (
        "from survey_app import create_app\n"
        "from survey_app.cli.core import upgrade_schema\n"
        "from survey_app.extensions import db\n"
        "from survey_app.services.cities import ensure_city\n"
        "from survey_app.services import rounds\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade_schema()\n"
        "    city = ensure_city('shu', {'kk': 'Шу', 'ru': 'Шу', 'en': 'Shu'}, region='Zhambyl', population=37000)\n"
        f"    r = rounds.create_round(city, {slug!r}, ['residents'], year=2025)\n"
        "    rounds.open_round(r)\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env={**os.environ, **env}, check=True)  # noqa: S603


def count_complete(database_url: str, slug: str = ROUND_SLUG) -> dict[str, int]:
    """Complete and partial responses of the round, and distinct client submission ids, straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.status, count(*), count(DISTINCT r.client_submission_id) FROM response r "
                "JOIN survey_round s ON s.id = r.round_id WHERE s.slug = :slug GROUP BY r.status"
            ),
            {"slug": slug},
        ).all()
    engine.dispose()
    counts = {"complete": 0, "partial": 0, "complete_distinct": 0}
    for status, n, distinct in rows:
        counts[status] = n
        if status == "complete":
            counts["complete_distinct"] = distinct
    return counts


def export_rows(database_url: str, instance_path: Path, slug: str = ROUND_SLUG) -> int | None:
    """Rows of `scri export --format csv` for the round (None when the export command is not available)."""
    out = instance_path / "export.csv"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SCRI_INSTANCE_PATH": str(instance_path),
        "SCRI_ENV": "testing",
        "SECRET_KEY": "load-test-secret-key-0123456789-0123456789",
    }
    done = subprocess.run(
        scri_command("export", "--round", slug, "--format", "csv", "-o", str(out)),  # noqa: S603
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        if "No such command" in done.stderr:
            return None
        raise RuntimeError(f"scri export failed: {done.stderr.strip()}")
    with open(out, newline="", encoding="utf-8-sig") as fh:
        return sum(1 for _ in csv.DictReader(fh))


class Database:
    """A scratch SQLite file or a scratch PostgreSQL schema (dropped afterwards)."""

    def __init__(self, kind: str, folder: Path, pg_url: str = DEFAULT_PG) -> None:
        self.kind = kind
        self.folder = folder
        self.pg_url = pg_url
        self.schema = f"scri_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        if self.kind == "sqlite":
            return "sqlite:///" + str(self.folder / "load.sqlite3")
        from sqlalchemy import create_engine, text

        engine = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        engine.dispose()
        sep = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{sep}options={quote(f'-csearch_path={self.schema}')}"

    def __exit__(self, *exc_info) -> None:
        if self.kind == "sqlite":
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        engine.dispose()
