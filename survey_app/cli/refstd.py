"""`scri refstd score FILE --format json|csv`: the reference-standard rating (paper 002) of an indicator file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

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
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Framework file of another methodology (default: the 2019 reference standard).",
)
def score(file: Path, fmt: str, framework_path: Path | None) -> None:
    """Rate the cities of FILE (CSV in UTF-8 or XLSX with columns city, area, indicator, value).

    `area` is one of the framework's area codes; `value` is yes/no (also да/нет, иә/жоқ) or a number from
    0 to 100. Prints the rating to standard output; on a problem, prints one line naming the row and exits 2.
    """
    from analysis.refstd import RefStdError, refstd_csv, score_refstd

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


commands = [refstd_group]
