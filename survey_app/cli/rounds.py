"""`scri rounds list|create|open|close`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import SurveyRound
from ..services import rounds as round_services
from ..services.cities import get_city
from ._util import echo_json, user_errors


@click.group("rounds")
def rounds_group() -> None:
    """Survey rounds: list, create, open, close."""


@rounds_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.option("--city", default=None, help="Only rounds of this city.")
@with_appcontext
@user_errors
def list_rounds(fmt: str, city: str | None) -> None:
    """List rounds with their groups and response counts."""
    query = select(SurveyRound).order_by(SurveyRound.year.desc(), SurveyRound.slug)
    if city:
        query = query.where(SurveyRound.city_id == get_city(city).id)
    rounds = list(db.session.scalars(query).unique())
    for r in rounds:
        round_services.apply_schedule(r)
    db.session.commit()
    summary = round_services.rounds_summary(rounds)
    if fmt == "json":
        echo_json(summary)
        return
    if not summary:
        click.echo("No rounds yet. Create one with: scri rounds create --city NAME --slug SLUG --groups residents")
        return
    click.echo(f"{'slug':<24} {'city':<12} {'status':<8} {'complete':>8} {'partial':>8}  groups")
    for row in summary:
        click.echo(
            f"{row['slug']:<24} {row['city']:<12} {row['status']:<8} {row['responses']['complete']:>8} "
            f"{row['responses']['partial']:>8}  {','.join(row['groups'])}"
        )


@rounds_group.command("create")
@click.option("--city", required=True, help="City name (any language) or slug.")
@click.option("--slug", required=True, help="Short unique name used in links, e.g. shu-2025.")
@click.option("--groups", required=True, help="Comma-separated: residents,business,academia,...")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="Year of the round (default: this year).")
@click.option("--open", "open_now", is_flag=True, help="Open the round at once.")
@with_appcontext
@user_errors
def create_round(city: str, slug: str, groups: str, year: int | None, open_now: bool) -> None:
    """Create a round with the built-in instrument for each group."""
    round_ = round_services.create_round(get_city(city), slug, round_services.parse_groups(groups), year=year)
    if open_now:
        round_services.open_round(round_)
    db.session.commit()
    click.echo(f"Round {round_.slug} created ({round_.status}).")


@rounds_group.command("open")
@click.argument("slug")
@with_appcontext
@user_errors
def open_round(slug: str) -> None:
    """Open a round for answers."""
    round_ = round_services.open_round(round_services.get_round(slug))
    db.session.commit()
    click.echo(f"Round {round_.slug} is open.")


@rounds_group.command("close")
@click.argument("slug")
@with_appcontext
@user_errors
def close_round(slug: str) -> None:
    """Close a round: no more answers are accepted."""
    round_ = round_services.close_round(round_services.get_round(slug))
    db.session.commit()
    click.echo(f"Round {round_.slug} is closed.")


commands = [rounds_group]
