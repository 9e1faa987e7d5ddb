"""The `scri` command line. Each module in this package exports `commands`, a list of click commands.

User errors exit with status 2 and a one-line message on standard error, never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil

import click
from flask.cli import ScriptInfo

from ..config import ConfigError


def _create_app():
    from .. import create_app

    try:
        return create_app(migrations=False)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """SCRI: Smart City Readiness Index — surveys, scores and governance assessment reports."""
    ctx.obj = ScriptInfo(create_app=_create_app)


def all_commands() -> list[click.Command]:
    """Every command of the modules of this package, in module order."""
    commands = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        commands.extend(getattr(module, "commands", []))
    return commands


def register_cli(app) -> None:
    """Make the commands available as `flask --app survey_app ...` and to the test CLI runner."""
    for command in all_commands():
        app.cli.add_command(command)


for _command in all_commands():
    main.add_command(_command)
