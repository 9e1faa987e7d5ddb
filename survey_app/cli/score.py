"""`scri score --round SLUG --format json`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services import rounds as round_services
from ._util import echo_json, user_errors


@click.command("score")
@click.option("--round", "slug", required=True, help="Slug of the round to score.")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@with_appcontext
@user_errors
def score_command(slug: str, fmt: str) -> None:
    """The analysis of a round: SCRI, dimensions, groups, constructs, sub-scores, network, sensitivity."""
    from ..services.scoring import round_result

    echo_json(round_result(round_services.get_round(slug)))


commands = [score_command]
