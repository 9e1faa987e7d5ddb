"""`scri backup` and `scri restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ._util import UserError, user_errors


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from ..database import MIGRATIONS_DIRECTORY

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIRECTORY)).walk_revisions()}


def _describe(engine) -> str:
    url = engine.url
    return f"the SQLite file {url.database}" if url.get_backend_name() == "sqlite" else f"database {url.database!r}"


@click.command("backup")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The backup file (.zip)."
)
@with_appcontext
@user_errors
def backup_command(output: Path) -> None:
    """Copy the database to one file (SQLite online backup, or a PostgreSQL dump).

    Every table's rows in one snapshot, written while the site runs; the same format on SQLite and PostgreSQL,
    so a backup of one restores into the other. Rate-limit counters are not kept.
    """
    from ..extensions import db
    from ..services.backup import write_backup

    if not output.parent.exists():
        raise UserError(f"the folder {output.parent} does not exist")
    from ..services.attachments import folder

    manifest = write_backup(db.engine, output, folder())
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Backed up {rows} rows of {len(manifest['tables'])} tables and {manifest['files']} attached files "
        f"at revision {manifest['revision']} to {output}"
    )


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
@user_errors
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the database by a backup made with `scri backup` (asks first).

    The whole file is checked before anything changes; then every table is dropped, the schema rebuilt at the
    backup's revision, the rows loaded, and the schema migrated to this version's.
    """
    from flask_migrate import upgrade

    from ..database import init_migrations
    from ..extensions import db
    from ..services import backup as backups
    from ..services.instruments import ensure_builtin_instruments

    manifest = backups.check_backup(backup, _known_revisions())
    engine = db.engine
    rows = sum(manifest["tables"].values())
    if not yes:
        click.confirm(
            f"Replace everything in {_describe(engine)} by the backup of {manifest['created_at']} ({rows} rows)?",
            abort=True,
        )
    db.session.remove()
    init_migrations(current_app)
    directory = current_app.extensions["migrate"].directory
    backups.drop_everything(engine)
    upgrade(directory=directory, revision=manifest["revision"])
    backups.load_rows(engine, backup, manifest)
    from ..services.attachments import folder

    files = backups.restore_files(backup, folder())
    upgrade(directory=directory)
    ensure_builtin_instruments()
    db.session.commit()
    click.echo(
        f"Restored {rows} rows and {files} attached files from {backup} (made {manifest['created_at']}); "
        "the schema is up to date."
    )


commands = [backup_command, restore_command]
