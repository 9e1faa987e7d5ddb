"""`scri instruments validate PATH`, `scri instruments list`, `scri instruments export CODE -o FILE.xlsx`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from instruments.domain import GROUPS
from instruments.loader import InstrumentError, load_instrument_file

from ._util import UserError, user_errors, write_atomically


@click.group("instruments")
def instruments_group() -> None:
    """Questionnaire definitions: check, list, export as XLSForm."""


@instruments_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--group",
    type=click.Choice(GROUPS),
    default=None,
    help="The stakeholder group of an XLSForm that does not name one in its settings sheet.",
)
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file the form reads choices from (select_one_from_file); give it once per file.",
)
def validate(paths: tuple[Path, ...], group: str | None, attach: tuple[Path, ...]) -> None:
    """Check definition files (YAML or XLSForm .xlsx) and list every problem with its question code."""
    failed = 0
    for path in paths:
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                from instruments.xlsform import load_xlsform_file

                instrument = load_xlsform_file(path, group, {a.name: a.read_bytes() for a in attach})
            else:
                instrument = load_instrument_file(path)
        except InstrumentError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        click.echo(
            f"{path}: OK — {instrument.code} v{instrument.version} ({instrument.group}), "
            f"{len(instrument.sections)} sections, {len(instrument.questions)} questions"
        )
        for warning in instrument.warnings:
            click.echo(f"  note: {warning}")
    if failed:
        raise UserError(f"{failed} of {len(paths)} file(s) have problems")


@instruments_group.command("export")
@click.argument("code")
@click.option("--version", "version", type=int, default=None, help="A stored version (default: the newest).")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="The .xlsx to write.")
@with_appcontext
@user_errors
def export_command(code: str, version: int | None, output: Path) -> None:
    """Write a questionnaire (built-in or uploaded) as an XLSForm workbook that ODK and KoboToolbox read."""
    from instruments.xlsform.export import export_xlsform

    from ..services.instruments import find_instrument, instrument_definition

    row = find_instrument(code, version)
    if row is None:
        wanted = f"{code!r} version {version}" if version else repr(code)
        raise UserError(f"no questionnaire {wanted}; `scri instruments list` shows the stored ones")
    if output.suffix.lower() != ".xlsx":
        raise UserError("the output file must end in .xlsx")
    write_atomically(output, export_xlsform(instrument_definition(row)))
    click.echo(f"{output}: {row.code} v{row.version} as XLSForm")


@instruments_group.command("list")
@with_appcontext
def list_command() -> None:
    """The stored questionnaires: code, version, group, source and whether approved."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Instrument

    for row in db.session.scalars(select(Instrument).order_by(Instrument.code, Instrument.version)):
        state = "approved" if row.approved else "awaiting approval"
        click.echo(f"{row.code}\tv{row.version}\t{row.group}\t{row.source}\t{state}")


commands = [instruments_group]
