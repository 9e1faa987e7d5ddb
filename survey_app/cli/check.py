"""`scri check`."""

from __future__ import annotations

import sys

import click


@click.command("check")
@click.option("--services/--no-services", default=True, help="Also reach the database (and Redis if set).")
def check_command(services: bool) -> None:
    """Report what this configuration lacks for production (secret, base URL, proxy, mail, HTTPS).

    Reads the same environment as `scri serve`; exits 1 when something must be fixed before a city relies on
    this server, 0 when only advice remains.
    """
    from ..deployment import check_settings

    findings = check_settings()
    marks = {"ok": "ok  ", "warn": "note", "fail": "FIX "}
    for finding in findings:
        click.echo(f"{marks[finding.level]}  {finding.topic}: {finding.text}")
    failed = any(f.level == "fail" for f in findings)
    if services:
        failed |= not _services_ready()
    click.echo("Ready for production." if not failed else "Not ready for production: fix the lines marked FIX.")
    sys.exit(1 if failed else 0)


def _services_ready() -> bool:
    from .. import create_app
    from ..config import ConfigError
    from ..deployment import check_services

    try:
        app = create_app(migrations=False)
    except ConfigError as exc:
        click.echo(f"FIX   settings: {exc}")
        return False
    ready = True
    for name, state in check_services(app).items():
        click.echo(f"{'ok  ' if state == 'ok' else 'FIX '}  {name}: {state}")
        ready &= state == "ok"
    return ready


commands = [check_command]
