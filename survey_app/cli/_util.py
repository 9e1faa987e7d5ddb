"""Shared pieces of the CLI: user errors as one line, JSON output."""

from __future__ import annotations

import functools
import json
import sys

import click

from ..services.errors import ServiceError


class UserError(click.ClickException):
    """A one-line error for the user; exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def user_errors(func):
    """Turn ServiceError (and ValueError subclasses meant for users) into a one-line exit 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from ..extensions import db

        try:
            return func(*args, **kwargs)
        except ServiceError as exc:
            db.session.rollback()
            raise UserError(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            db.session.rollback()
            reason = str(exc.orig).splitlines()[0] if getattr(exc, "orig", None) else type(exc).__name__
            raise UserError(f"the database is not ready ({reason}); run: scri init") from None

    return wrapper


def echo_json(data) -> None:
    """Print JSON to standard output (UTF-8, readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_atomically(output, data) -> None:
    """Write a file whole or not at all (a temporary file beside it, then renamed); `data` is bytes or an
    iterable of bytes chunks (written as they come); UserError when it cannot be written."""
    import os
    import tempfile
    from pathlib import Path

    output = Path(output)
    folder = output.resolve().parent
    if not folder.is_dir():
        raise UserError(f"folder {folder} does not exist")
    if output.is_dir():
        raise UserError(f"{output} is a folder; give a file name")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".scri-")
    except OSError as exc:
        raise UserError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in [data] if isinstance(data, bytes | bytearray) else data:
                fh.write(chunk)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
