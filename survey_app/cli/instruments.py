"""`scri instruments validate PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from instruments.domain import GROUPS
from instruments.loader import InstrumentError, load_instrument_file

from ._util import UserError


@click.group("instruments")
def instruments_group() -> None:
    """Questionnaire definitions."""


@instruments_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--group",
    type=click.Choice(GROUPS),
    default=None,
    help="The stakeholder group of an XLSForm that does not name one in its settings sheet.",
)
def validate(paths: tuple[Path, ...], group: str | None) -> None:
    """Check definition files (YAML or XLSForm .xlsx) and list every problem with its question code."""
    failed = 0
    for path in paths:
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                from instruments.xlsform import load_xlsform_file

                instrument = load_xlsform_file(path, group)
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


commands = [instruments_group]
