"""`scri refstd score FILE --format json|csv`: the reference-standard rating (paper 002) of an indicator file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from instruments.refstd import (
    RefStdFrameworkError,
    RefStdInputError,
    load_refstd_framework,
    read_refstd_table,
)

from ._util import UserError, echo_json


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip())


@click.group("refstd")
def refstd_group() -> None:
    """Reference-standard rating of "Smart" cities (paper 002, formulas 1–8)."""


@refstd_group.command("score")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--round", "slug", default=None, help="Rate the city of this round from its stored values instead.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Framework file of another methodology (default: the 2019 reference standard).",
)
@with_appcontext
def score(file: Path | None, slug: str | None, fmt: str, framework_path: Path | None) -> None:
    """Rate the cities of FILE (CSV in UTF-8 or XLSX with columns city, area, indicator, value), or with
    --round SLUG the round's city from its stored indicator values, beside what its residents and businesses
    said of each area (methodology §6.1: O per area, Ct_opinion and the combined rating).

    `area` is one of the framework's area codes; `value` is yes/no (also да/нет, иә/жоқ) or a number from
    0 to 100. Prints the rating to standard output; on a problem, prints one line naming the row and exits 2.
    """
    from analysis.refstd import RefStdError, refstd_csv, score_refstd

    if (file is None) == (slug is None):
        raise UserError("give either FILE or --round SLUG")
    if slug is not None:
        if framework_path is not None:
            raise UserError("--framework applies to a FILE; a round is rated by the built-in reference standard")
        result = _round_rating(slug)
    else:
        try:
            framework = load_refstd_framework(framework_path)
            table = read_refstd_table(file)
            result = score_refstd(table, framework)
        except RefStdFrameworkError as exc:
            raise UserError(_one_line(str(exc))) from None
        except RefStdInputError as exc:
            raise UserError(_one_line(str(exc))) from None
        except RefStdError as exc:
            raise UserError(f"{file.name}: {_one_line(str(exc))}") from None
        except OSError as exc:
            raise UserError(f"{file}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if fmt == "csv":
        sys.stdout.write(refstd_csv(result))
    else:
        echo_json(result)


def _round_rating(slug: str) -> dict:
    """The round city's administrative rating with its opinion side, in the shape of a FILE's rating."""
    from ..services import rounds as round_services
    from ..services.errors import ServiceError
    from ..services.scoring import round_result

    try:
        result = round_result(round_services.get_round(slug), with_previous=False)
    except ServiceError as exc:
        raise UserError(str(exc)) from None
    administrative, opinion = result["refstd"], result["opinion"]
    if administrative is None and opinion is None:
        raise UserError(f"round {slug!r}: its city has no reference-standard values and nobody rated the areas")
    city = {"city": result["city"]}
    if administrative is None or "missing" in administrative:
        city["missing"] = (administrative or {}).get("missing") or "no reference-standard values were entered"
    else:
        city.update(administrative)
    city["opinion"] = opinion or {"missing": "nobody rated the digital services of the areas in this round"}
    if opinion and opinion.get("ct_combined_percent") is not None:
        city["ct_combined_percent"] = opinion["ct_combined_percent"]
    return {"round": slug, "cities": [city]}


commands = [refstd_group]
