"""The `scri` command line. Each module in this package exports `commands`, a list of click commands.

A command's module is imported only when that command runs (``scri --help`` imports none of them), so the
table below names each command's module and the one line ``scri --help`` shows for it; a test checks the line
against the command's own help. User errors exit with status 2 and a one-line message on standard error, never
a traceback.
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, tuple[str, str]] = {
    "backup": ("backup", "Copy the database to one file (SQLite online backup, or a PostgreSQL dump)."),
    "check": ("check", "Report what this configuration lacks for production (secret, base URL, proxy, mail, HTTPS)."),
    "demo": (
        "core",
        "Load Shu, Ayagoz and Shalkar with an open round each and synthetic responses (safe to run twice).",
    ),
    "export": (
        "export",
        "Responses of a round, one row per response (xlsx adds a codebook sheet, sav SPSS labels).",
    ),
    "indicators": ("indicators", "Infrastructure and reference-standard indicator values of cities."),
    "init": ("core", "Create or upgrade the database schema and store the built-in questionnaires."),
    "instruments": ("instruments", "Questionnaire definitions: check, list, export as XLSForm."),
    "refstd": ("refstd", 'Reference-standard rating of "Smart" cities (paper 002, formulas 1–8).'),
    "report": (
        "report",
        "Write the governance assessment of a city's round as PDF, or a comparison of several cities.",
    ),
    "restore": ("backup", "Replace the database by a backup made with `scri backup` (asks first)."),
    "rounds": ("rounds", "Survey rounds: list, create, open, close."),
    "score": (
        "score",
        "The analysis of a round: SCRI, dimensions, groups, constructs, sub-scores, network, sensitivity.",
    ),
    "serve": ("core", "Run the production WSGI server (gunicorn)."),
    "users": ("users", "Accounts of admins, coordinators and viewers."),
    "worker": ("worker", "Run the job worker that draws reports off the request (`scri serve` starts one itself)."),
}


def _create_app():
    from .. import create_app
    from ..config import ConfigError

    try:
        return create_app(migrations=False)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def load_command(name: str) -> click.Command:
    """The click command `name`, importing its module."""
    module = importlib.import_module(f"{__name__}.{COMMANDS[name][0]}")
    return {command.name: command for command in module.commands}[name]


class LazyGroup(click.Group):
    """Commands found in ``COMMANDS`` and imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """SCRI: Smart City Readiness Index — surveys, scores and governance assessment reports."""
    from flask.cli import ScriptInfo

    ctx.obj = ScriptInfo(create_app=_create_app)


def all_commands() -> list[click.Command]:
    """Every command, in the table's order (imports every command module)."""
    return [load_command(name) for name in sorted(COMMANDS)]


def register_cli(app) -> None:
    """Make the commands available as `flask --app survey_app ...` and to the test CLI runner, imported on first
    use as in `scri`."""
    from flask.cli import AppGroup

    class LazyAppGroup(LazyGroup, AppGroup):
        pass

    app.cli = LazyAppGroup(app.name)
