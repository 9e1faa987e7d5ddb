"""`scri report --round SLUG --city NAME --lang kk|ru|en -o PATH.pdf` (and `--compare SLUG1,SLUG2,...`)."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..services.cities import get_city
from ._util import UserError, user_errors


def _check_output(path: Path) -> Path:
    """Refuse, before any work, a path that cannot be written (missing folder, a folder, no permission)."""
    path = path.expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name such as report.pdf")
    if not parent.is_dir():
        raise UserError(f"{path}: cannot be written (the folder {parent} does not exist)")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"{path}: cannot be written (permission denied)")
    return path


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a failed run never leaves half a PDF."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".scri-report-", suffix=".pdf", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"{path}: cannot be written ({exc.strerror or type(exc).__name__})") from None


def _parse_date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--date must look like 2025-11-14, not {text!r}") from None


@click.command("report")
@click.option("--round", "round_slug", default=None, help="The survey round, e.g. shu-2025.")
@click.option("--city", default=None, help="The round's city (any language or its slug), as a check.")
@click.option(
    "--lang", type=click.Choice(["kk", "ru", "en"]), default="ru", show_default=True, help="Language of the report."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The PDF file to write.")
@click.option(
    "--compare",
    "compare_slugs",
    default=None,
    help="Instead of one city: a comparative report of these rounds, e.g. shu-2025,ayagoz-2025.",
)
@click.option("--date", "date_text", default=None, help="Date printed on the report (YYYY-MM-DD; default today).")
@with_appcontext
@user_errors
def report(
    round_slug: str | None, city: str | None, lang: str, output: Path, compare_slugs: str | None, date_text: str | None
) -> None:
    """Write the governance assessment of a city's round as PDF, or a comparison of several cities."""
    from ..reports import pdf
    from ..services import results as services

    day = _parse_date(date_text)
    if compare_slugs:
        if round_slug or city:
            raise UserError("use either --compare or --round with --city, not both")
        slugs = services.parse_slugs(compare_slugs)
        rounds = []
        for slug in slugs:
            round_ = services.find_round(slug)
            if round_ is None:
                raise UserError(f"unknown round {slug!r}")
            rounds.append(round_)
        path = _check_output(output)
        data = pdf.comparison_report_pdf(services.comparison(rounds), lang, generated=day)
    else:
        if not round_slug or not city:
            raise UserError("give --round SLUG and --city NAME (or --compare SLUG1,SLUG2)")
        round_ = services.find_round(round_slug)
        if round_ is None:
            raise UserError(f"unknown round {round_slug!r}")
        chosen = get_city(city)
        if chosen.id != round_.city_id:
            raise UserError(f"round {round_.slug!r} is a round of {round_.city.name_en}, not of {chosen.name_en}")
        path = _check_output(output)
        data = pdf.city_report_pdf(services.round_result(round_), lang, generated=day)
    _write(path, data)
    click.echo(f"wrote {path} ({len(data) // 1024} KB)")


commands = [report]
