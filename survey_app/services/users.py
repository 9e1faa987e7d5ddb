"""Accounts: create, authenticate (argon2, throttled), API tokens."""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from ..extensions import db
from ..models import ROLES, City, User
from ..models._base import utcnow
from . import audit, login_backoff
from .errors import ServiceError

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s]{2,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown, so both cases take the same time (made at the first
    sign-in, not at import: every command and worker start would pay for it)."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An argon2id hash with the library's current parameters."""
    return _hasher.hash(password)


def create_user(email: str, password: str, role: str, city_ids: list[int] | None = None, actor=None) -> User:
    """A new account; coordinators and viewers are scoped to the given cities."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise ServiceError(f"{email!r} is not a valid e-mail address")
    if role not in ROLES:
        raise ServiceError(f"role must be one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD} characters")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ServiceError(f"an account for {email} already exists")
    cities = [db.session.get(City, cid) for cid in (city_ids or [])]
    if role != "admin" and not cities:
        raise ServiceError("a coordinator or viewer needs at least one city (--city NAME)")
    user = User(email=email, password_hash=hash_password(password), role=role, cities=[c for c in cities if c])
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user=actor, obj=user, details={"email": email, "role": role})
    return user


def _burn_time(password: str) -> None:
    """Verify against a dummy hash so that unknown, inactive and locked accounts answer as slowly as others."""
    try:
        _hasher.verify(_dummy_hash(), password or "")
    except VerificationError:
        pass


#: Who the audit log names for a sign-in to an account that does not exist: never what was typed, which may be
#: a password typed into the wrong field or someone else's address.
UNKNOWN_ACCOUNT = "(unknown account)"


def authenticate(email: str, password: str, address: str = "") -> User | None:
    """The active user with this e-mail and password; failures make the next attempt from `address` wait.

    Every failure is in the audit log (an unknown address too, under the address typed); the caller shows
    one message for all of them, so a visitor cannot tell an unknown address from a wrong password. While a
    back-off runs the password is not even checked (see ``login_backoff``).
    """
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if login_backoff.seconds_to_wait(email, address):
        _burn_time(password)
        audit.record(
            "login.failure", user=user, actor=None if user else UNKNOWN_ACCOUNT, details={"reason": "back-off"}
        )
        db.session.commit()
        return None
    if user is None or not user.active:
        _burn_time(password)
        login_backoff.record_failure(email, address)
        audit.record(
            "login.failure",
            user=user,
            actor=UNKNOWN_ACCOUNT if user is None else None,
            details={"reason": "unknown account" if user is None else "inactive account"},
        )
        db.session.commit()
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        wait = login_backoff.record_failure(email, address)
        details = {"reason": "wrong password", **({"wait_seconds": wait} if wait else {})}
        audit.record("login.failure", user=user, details=details)
        db.session.commit()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    login_backoff.clear(email, address)
    user.last_login_at = utcnow()
    audit.record("login.success", user=user)
    db.session.commit()
    return user


def set_password(user: User, password: str, actor: User | None = None) -> None:
    """Replace an account's password and end its sign-in back-off; `actor` is the admin (None: command line)."""
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD} characters")
    user.password_hash = hash_password(password)
    user.end_sessions()  # whoever knew the old password is signed out
    login_backoff.clear(user.email)
    audit.record("user.password", user=actor, obj=user, details={"email": user.email})
