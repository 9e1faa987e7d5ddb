"""`scri export --round SLUG --format csv|xlsx|sav -o PATH [--lang kk|ru|en]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..services import exports, exports_spss, exports_xlsx
from ..services import rounds as round_services
from ._util import user_errors, write_atomically


@click.command("export")
@click.option("--round", "slug", required=True, help="Slug of the round.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "sav"]),
    required=True,
    help="csv, xlsx (with a codebook sheet) or sav (SPSS, with variable and value labels).",
)
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="File to write.")
@click.option("--partial", is_flag=True, help="Include unfinished (partial) responses.")
@click.option(
    "--lang",
    type=click.Choice(["kk", "ru", "en"]),
    default="en",
    show_default=True,
    help="Language of the SPSS labels.",
)
@with_appcontext
@user_errors
def export_command(slug: str, fmt: str, output: Path, partial: bool, lang: str) -> None:
    """Responses of a round, one row per response (xlsx adds a codebook sheet, sav SPSS labels)."""
    round_ = round_services.get_round(slug)
    if fmt == "csv":
        data = (chunk.encode("utf-8") for chunk in exports.csv_chunks(round_, partial))
    elif fmt == "sav":
        data = exports_spss.sav_bytes(round_, partial, lang)
    else:
        data = exports_xlsx.xlsx_chunks(round_, partial)
    write_atomically(output, data)
    count = exports.response_count(round_, partial)
    click.echo(f"wrote {output}: {count} response(s) of {round_.slug}, {fmt}, {output.stat().st_size // 1024} KB")


commands = [export_command]
