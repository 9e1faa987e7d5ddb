"""Sign-in back-off: after repeated failures the next attempt waits, longer each time, per account and source.

A hard lock after five wrong passwords lets anyone shut a coordinator out by typing them. Here the wait grows
for the (account, address) pair that fails, so the owner signing in from elsewhere is not held up; the account
across all addresses gets a gentler, capped wait that slows a guess spread over many addresses. Rows are keyed
by HMACs of the typed e-mail (known or not, so a wait says nothing about whether an account exists).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import LoginThrottle
from ..models._base import utcnow

#: failures before the first wait, first wait (s), longest wait (s)
PAIR_POLICY = (3, 5, 15 * 60)
ACCOUNT_POLICY = (10, 5, 60)


def _hash(*parts: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()[:40]


def _keys(email: str, address: str) -> tuple[str, str]:
    account = _hash("login-account", email)
    return "a:" + account, f"p:{account}:{_hash('login-pair', email, address)}"


def wait_seconds(failures: int, policy: tuple[int, int, int]) -> int:
    """The wait after `failures` consecutive failures: none below the threshold, then doubling to the cap.

    >>> [wait_seconds(n, (3, 5, 60)) for n in range(1, 9)]
    [0, 0, 5, 10, 20, 40, 60, 60]
    """
    threshold, first, cap = policy
    if failures < threshold:
        return 0
    return min(cap, first * 2 ** min(failures - threshold, 20))


def seconds_to_wait(email: str, address: str) -> int:
    """How long this account must wait before another attempt from this address (0: go ahead)."""
    now = utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(_keys(email, address)))).all()
    waits = [(row.wait_until - now).total_seconds() for row in rows if row.wait_until is not None]
    return max([0, *(int(w) + 1 for w in waits if w > 0)])


def record_failure(email: str, address: str) -> int:
    """Count a failure for the pair and the account; the wait it sets for the pair (seconds)."""
    now = utcnow()
    waits = []
    for key, policy in zip(_keys(email, address), (ACCOUNT_POLICY, PAIR_POLICY), strict=True):
        row = db.session.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0)
        row.failures += 1
        wait = wait_seconds(row.failures, policy)
        row.wait_until = now + timedelta(seconds=wait) if wait else None
        db.session.add(row)
        waits.append(wait)
    return waits[1]


def clear(email: str, address: str | None = None) -> None:
    """Forget the failures after a good sign-in (that pair and the account) or a new password (every pair)."""
    account, pair = _keys(email, address or "")
    if address is not None:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_((account, pair))))
    else:
        prefix = "p:" + account[2:] + ":"
        db.session.execute(
            delete(LoginThrottle).where((LoginThrottle.key == account) | LoginThrottle.key.startswith(prefix))
        )
