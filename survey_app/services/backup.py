"""Logical backups: every table's rows in one zip file, the same format on SQLite and PostgreSQL.

A backup is read in one snapshot (a read transaction on SQLite's WAL, REPEATABLE READ on PostgreSQL) while the
site keeps running, and records the schema revision it was made at. A restore checks the whole file before it
touches the database, rebuilds the schema at that revision, loads the rows, and migrates to the current
revision, so a backup made by an earlier version restores into this one (and SQLite into PostgreSQL).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import JSON, Date, DateTime, Engine, LargeBinary, MetaData, func, null, select, text

from .errors import ServiceError

FORMAT = "scri-backup"
FORMAT_VERSION = 1
# Counters that only throttle (rate limits, sign-in back-off) and report jobs (their files are a cache) are not
# data: they start empty after a restore.
TRANSIENT_TABLES = {"rate_bucket", "login_throttle", "job", "alembic_version"}
CHUNK = 500


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None before the first migration)."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _tables(conn) -> list:
    metadata = MetaData()
    metadata.reflect(bind=conn)
    return [t for t in metadata.sorted_tables if t.name not in TRANSIENT_TABLES]


def _encode(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime) and isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(column.type, Date) and isinstance(value, date):
        return value.isoformat()
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decode(column, value, dialect: str):
    if value is None:
        return null() if isinstance(column.type, JSON) else None  # SQL NULL, not the JSON text 'null'
    if isinstance(column.type, DateTime):
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def write_backup(engine: Engine, path: Path, files: Path | None = None) -> dict:
    """Write every table of the database to `path` (a zip; replaced only once complete), and the files
    respondents attached (`files`, the upload folder) under files/; returns the manifest."""
    revision = current_revision(engine)
    if revision is None:
        raise ServiceError("the database has no schema yet (run: scri init); there is nothing to back up")
    path = Path(path)
    fd, partial = tempfile.mkstemp(prefix=".scri-backup-", suffix=".zip", dir=path.parent if path.parent else None)
    os.close(fd)
    counts: dict[str, int] = {}
    try:
        with engine.connect() as conn, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                conn.begin()
            else:
                conn.exec_driver_sql("BEGIN")  # one WAL snapshot for every table
            for table in _tables(conn):
                order = [c for c in table.primary_key.columns] or list(table.columns)
                with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                    n = 0
                    for row in conn.execute(select(table).order_by(*order)):
                        record = {c.name: _encode(c, row._mapping[c.name]) for c in table.columns}
                        out.write(
                            (json.dumps(record, ensure_ascii=False) + "\n").encode()
                        )  # key order of JSON values kept
                        n += 1
                counts[table.name] = n
            conn.rollback()
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "revision": revision,
                "dialect": engine.dialect.name,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "tables": counts,
                "files": _write_files(archive, files),
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return manifest


def _write_files(archive: zipfile.ZipFile, folder: Path | None) -> int:
    count = 0
    if folder is not None and Path(folder).is_dir():
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                archive.write(path, "files/" + path.relative_to(folder).as_posix())
                count += 1
    return count


def restore_files(path: Path, folder: Path | None) -> int:
    """Put a backup's attached files back in the upload folder (the folder's old files are replaced)."""
    if folder is None:
        return 0
    folder = Path(folder)
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.startswith("files/") and not n.endswith("/")]
        if not names:
            return 0
        if folder.exists():
            shutil.rmtree(folder)
        for name in names:
            relative = Path(name[len("files/") :])
            if relative.is_absolute() or ".." in relative.parts:
                continue
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return len(names)


def check_backup(path: Path, known_revisions: set[str]) -> dict:
    """The manifest of a backup file after reading every row of it once (nothing is kept in memory); ServiceError
    with a plain reason for anything that is not a whole backup this version can restore."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ServiceError(f"no such file: {path}") from None
    except (zipfile.BadZipFile, OSError):
        raise ServiceError(f"{path} is not a SCRI backup (not a zip file)") from None
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError, zipfile.BadZipFile):
            raise ServiceError(f"{path} is not a SCRI backup (no readable manifest.json)") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ServiceError(f"{path} is not a SCRI backup")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ServiceError(f"backup format {manifest.get('format_version')!r} is not one this version reads")
        if manifest.get("revision") not in known_revisions:
            raise ServiceError(
                f"the backup was made at schema revision {manifest.get('revision')!r}, which this version of SCRI "
                "does not know (made by a newer version?)"
            )
        tables = manifest.get("tables")
        if not isinstance(tables, dict) or not all(isinstance(n, int) for n in tables.values()):
            raise ServiceError("the backup's manifest lists no tables")
        for name, count in tables.items():
            seen = sum(1 for _ in _records(archive, name))
            if seen != count:
                raise ServiceError(f"the backup's table {name!r} holds {seen} rows, its manifest says {count}")
    return manifest


def _records(archive: zipfile.ZipFile, name: str):
    """The rows of one table of an open backup, one dict at a time."""
    try:
        with archive.open(f"tables/{name}.jsonl") as member:
            for line in io.TextIOWrapper(member, encoding="utf-8"):
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError(name)
                yield record
    except (KeyError, ValueError, zipfile.BadZipFile, EOFError, UnicodeDecodeError):
        raise ServiceError(f"the backup's table {name!r} is missing or damaged") from None


def drop_everything(engine: Engine) -> None:
    """Drop every table of the database (ours and the migrations' own)."""
    metadata = MetaData()
    with engine.begin() as conn:
        metadata.reflect(bind=conn)
        metadata.drop_all(bind=conn)


def load_rows(engine: Engine, path: Path, manifest: dict) -> None:
    """Insert a checked backup's rows into the empty tables of a schema at the backup's revision, in one
    transaction, then move PostgreSQL's id sequences past the restored ids."""
    dialect = engine.dialect.name
    with engine.begin() as conn, zipfile.ZipFile(path) as archive:
        tables = {t.name: t for t in _tables(conn)}
        unknown = set(manifest["tables"]) - set(tables)
        if unknown:
            raise ServiceError(f"the backup holds tables this schema does not have: {', '.join(sorted(unknown))}")
        for name, table in tables.items():
            if not manifest["tables"].get(name):
                continue
            columns = {c.name: c for c in table.columns}
            batch: list[dict] = []
            for record in _records(archive, name):
                batch.append({k: _decode(columns[k], v, dialect) for k, v in record.items() if k in columns})
                if len(batch) == CHUNK:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
            if dialect == "postgresql" and "id" in columns:
                sequence = func.pg_get_serial_sequence(f'"{name}"', "id")
                conn.execute(select(func.setval(sequence, select(func.max(columns["id"])).scalar_subquery())))


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table (the transient ones left out), to compare a database with a backup."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in _tables(conn)}
