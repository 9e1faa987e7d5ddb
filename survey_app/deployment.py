"""What a production configuration lacks (``scri check``) and whether the services a request needs answer
(``/readyz``): the database at the current schema revision, and Redis where one is configured."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .config import weak_secret


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" (works, but not what a city should run) or "fail" (must be fixed)
    topic: str
    text: str


def check_settings(env: Mapping[str, str] | None = None) -> list[Finding]:
    """The production settings read from the environment, each as a finding with what to do about it."""
    env = os.environ if env is None else env
    get = lambda name: (env.get(name) or "").strip()  # noqa: E731
    found = []
    if get("SCRI_ENV").lower() == "production":
        found.append(Finding("ok", "environment", "SCRI_ENV=production (secure cookies, HSTS, strict checks)"))
    else:
        found.append(Finding("fail", "environment", "set SCRI_ENV=production (secure cookies, HSTS, strict checks)"))
    key = get("SECRET_KEY")
    if not key:
        found.append(
            Finding(
                "fail",
                "secret",
                "SECRET_KEY is not set; make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'",
            )
        )
    elif len(key) < 32 or weak_secret(key):
        found.append(Finding("fail", "secret", "SECRET_KEY is short or predictable; make a new one (48 random bytes)"))
    else:
        found.append(Finding("ok", "secret", "SECRET_KEY is long and random enough"))
    base = get("SCRI_BASE_URL")
    scheme = urlsplit(base).scheme if base else ""
    if not base:
        found.append(
            Finding(
                "fail",
                "base URL",
                "set SCRI_BASE_URL (https://scri.example.kz): links in e-mails, "
                "QR codes and PDFs use it, and other host names are refused",
            )
        )
    elif scheme != "https":
        found.append(Finding("fail", "HTTPS", f"SCRI_BASE_URL is {base}; serve the site over https"))
    else:
        found.append(Finding("ok", "base URL", f"SCRI_BASE_URL={base}"))
    hops = get("SCRI_TRUSTED_PROXIES")
    if hops in ("", "0"):
        found.append(
            Finding(
                "fail",
                "proxy",
                "run behind nginx (see docs/deployment.md) and set "
                "SCRI_TRUSTED_PROXIES=1, or rate limits see one address for all",
            )
        )
    else:
        found.append(Finding("ok", "proxy", f"SCRI_TRUSTED_PROXIES={hops}"))
    found += _advice(get)
    return found


def _advice(get) -> list[Finding]:
    """What works without being what a city should run: mail, the database, the shared store, jobs."""
    found = []
    if get("SCRI_MAIL_HOST") and "@" in get("SCRI_MAIL_SENDER"):
        found.append(Finding("ok", "mail", f"invitations are sent through {get('SCRI_MAIL_HOST')}"))
    else:
        found.append(
            Finding("warn", "mail", "no SCRI_MAIL_HOST/SCRI_MAIL_SENDER: invitation links must be copied by hand")
        )
    database = get("DATABASE_URL")
    if database.startswith(("postgres://", "postgresql")):
        found.append(Finding("ok", "database", "PostgreSQL"))
    else:
        found.append(
            Finding(
                "warn",
                "database",
                "the embedded SQLite file: fine for one app server; set "
                "DATABASE_URL to PostgreSQL for several or for a whole region",
            )
        )
    if get("SCRI_REDIS_URL"):
        found.append(Finding("ok", "shared store", "rate limits are counted in Redis"))
    else:
        found.append(
            Finding(
                "warn",
                "shared store",
                "no SCRI_REDIS_URL: rate limits are shared through the "
                "database once a second (set it when running several app "
                "servers)",
            )
        )
    if get("SCRI_JOBS").lower() == "immediate":
        found.append(
            Finding(
                "warn",
                "jobs",
                "SCRI_JOBS=immediate draws PDFs inside web requests, which holds up "
                "every request of that worker meanwhile; leave it unset (queue)",
            )
        )
    return found


def check_services(app) -> dict[str, str]:
    """Each service a request needs → "ok" or why not (the database, its schema revision, Redis if set)."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from .database import MIGRATIONS_DIRECTORY
    from .extensions import db

    checks: dict[str, str] = {}
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                made = db.engine.dialect.has_table(conn, "alembic_version")
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if made else None
            head = ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_current_head()
            checks["database"] = "ok"
            if revision == head:
                checks["schema"] = "ok"
            elif revision is None:
                checks["schema"] = "not created yet (run: scri init)"
            else:
                checks["schema"] = f"at revision {revision}, this version needs {head} (run: scri init)"
        except SQLAlchemyError as exc:
            checks["database"] = f"unreachable ({type(exc.orig or exc).__name__})"
        url = app.config.get("SCRI_REDIS_URL")
        if url:
            import redis

            try:
                redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
                checks["redis"] = "ok"
            except redis.RedisError as exc:
                checks["redis"] = f"unreachable ({type(exc).__name__})"
    return checks
