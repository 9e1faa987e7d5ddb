"""`scri users create|password|token`."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..auth import issue_api_token
from ..extensions import db
from ..models import ROLES, User
from ..services import audit
from ..services.cities import get_city
from ..services.users import create_user, set_password
from ._util import UserError, user_errors


@click.group("users")
def users_group() -> None:
    """Accounts of admins, coordinators and viewers."""


@users_group.command("create")
@click.option("--email", required=True, help="E-mail address used to sign in.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="admin, coordinator or viewer.")
@click.option("--city", "cities", multiple=True, help="City the account may see (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@user_errors
def create(email: str, role: str, cities: tuple[str, ...], password_stdin: bool) -> None:
    """Create an account; the password is read from standard input (never from the command line)."""
    if not password_stdin:
        raise UserError("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    city_ids = [get_city(name).id for name in cities]
    user = create_user(email, password, role, city_ids)
    db.session.commit()
    scope = ", ".join(c.name_en for c in user.cities) or "all cities"
    click.echo(f"Account {user.email} ({user.role}, {scope}) created.")


@users_group.command("password")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@with_appcontext
@user_errors
def password(email: str, password_stdin: bool) -> None:
    """Set a new password for an account (read from standard input) and lift a lock after failed sign-ins."""
    if not password_stdin:
        raise UserError("give the new password on standard input with --password-stdin")
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise UserError(f"no account for {email}")
    set_password(user, sys.stdin.readline().rstrip("\r\n"))
    db.session.commit()
    click.echo(f"The password of {user.email} is changed.")


@users_group.command("token")
@click.option("--email", required=True, help="The account's e-mail address.")
@with_appcontext
@user_errors
def token(email: str) -> None:
    """Print a new API token for an account (shown once; only its hash is stored)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise UserError(f"no account for {email}")
    value = issue_api_token(user)
    audit.record("token.create", user=user, actor="cli")
    db.session.commit()
    click.echo(value)


commands = [users_group]
