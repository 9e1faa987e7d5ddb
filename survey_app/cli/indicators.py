"""`scri indicators import FILE [--year Y] [--valid-only]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from instruments.refstd import RefStdInputError, read_refstd_table

from ..services.indicators import SHELL_USER, check_rows, import_rows
from ..services.uploads import MAX_ROWS, check_zip
from ._util import UserError, user_errors


@click.group("indicators")
def indicators_group() -> None:
    """Infrastructure and reference-standard indicator values of cities."""


@indicators_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), default=None, help="Year for rows without one.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows even when other rows have errors.")
@with_appcontext
@user_errors
def import_command(file: Path, year: int | None, valid_only: bool) -> None:
    """Import values from CSV or XLSX (columns city, indicator, value[, year, source]); all or nothing."""
    if file.suffix.lower() in (".xlsx", ".xlsm") and file.is_file():
        check_zip(file, file.name)  # a zip bomb is refused before the workbook is opened
    try:
        frame = read_refstd_table(file, max_rows=MAX_ROWS)
    except RefStdInputError as exc:
        raise UserError(str(exc)) from None
    checked = check_rows(frame, SHELL_USER, year)
    for problem in checked.problems:
        click.echo(problem, err=True)
    if checked.blank_rows:
        click.echo(f"{len(checked.blank_rows)} row(s) without a value skipped", err=True)
    bad = checked.bad_rows or len(checked.problems)
    if checked.problems and not valid_only:
        raise UserError(f"{bad} row(s) have errors; nothing was imported (fix them, or use --valid-only)")
    if not checked.valid:
        raise UserError("no valid rows to import")
    count = import_rows(checked.valid, None, actor="cli")
    click.echo(f"imported {count} value(s)" + (f", skipped {bad} row(s)" if checked.problems else ""))


commands = [indicators_group]
