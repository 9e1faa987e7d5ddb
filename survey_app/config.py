"""Settings read from the environment, with safe defaults for the embedded SQLite database."""

from __future__ import annotations

import math
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from instruments.domain import DEFAULT_LANGUAGE, LANGUAGES


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def mail_settings() -> dict:
    """Outgoing e-mail for invitations: off unless SCRI_MAIL_HOST and SCRI_MAIL_SENDER are set."""
    host = os.environ.get("SCRI_MAIL_HOST", "").strip()
    sender = os.environ.get("SCRI_MAIL_SENDER", "").strip()
    if host and "@" not in sender:
        raise ConfigError("SCRI_MAIL_SENDER must be an e-mail address when SCRI_MAIL_HOST is set")
    port = _env_int("SCRI_MAIL_PORT", 587)
    return {
        "SCRI_MAIL_HOST": host,
        "SCRI_MAIL_PORT": port,
        "SCRI_MAIL_SENDER": sender,
        "SCRI_MAIL_USER": os.environ.get("SCRI_MAIL_USER", "").strip(),
        "SCRI_MAIL_PASSWORD": os.environ.get("SCRI_MAIL_PASSWORD", ""),
        "SCRI_MAIL_STARTTLS": _env_bool("SCRI_MAIL_STARTTLS", port == 587),
        "SCRI_MAIL_SSL": _env_bool("SCRI_MAIL_SSL", port == 465),
    }


def database_uri(instance_path: str) -> str:
    """`DATABASE_URL` if set (PostgreSQL in production), otherwise a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return "sqlite:///" + str(Path(instance_path) / "scri.sqlite3")


def weak_secret(key: str) -> bool:
    """A key of few distinct characters (``"p" * 48``, ``"abab…"``): under 10 of them or under 128 bits, taking
    each character as drawn from those that appear."""
    distinct = len(set(key))
    return distinct < 10 or len(key) * math.log2(distinct) < 128


def secret_key(instance_path: str, production: bool) -> str:
    """The SECRET_KEY from the environment; in development one is generated once into the instance folder."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if production and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        if production and weak_secret(key):
            raise ConfigError(
                "SECRET_KEY is too predictable (a few characters repeated); make one with: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return key
    if production:
        raise ConfigError("SECRET_KEY is not set; it is required when SCRI_ENV=production")
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load(instance_path: str) -> dict:
    """Build the Flask config mapping from the environment."""
    env = os.environ.get("SCRI_ENV", "development").strip().lower()
    if env not in {"development", "production", "testing"}:
        raise ConfigError("SCRI_ENV must be development, production or testing")
    production = env == "production"
    return {
        "SCRI_ENV": env,
        "SECRET_KEY": secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_uri(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(),
        # The largest body any endpoint accepts (uploads); public forms have a lower limit.
        "MAX_CONTENT_LENGTH": _env_int("SCRI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        "SCRI_MAX_FORM_BYTES": _env_int("SCRI_MAX_FORM_BYTES", 64 * 1024),
        # A file a respondent attaches (photo, recording, document): at most this size each; a questionnaire page
        # with files accepts a body up to MAX_CONTENT_LENGTH. Kept under SCRI_UPLOAD_DIR (default instance/uploads).
        "SCRI_UPLOAD_FILE_BYTES": _env_int("SCRI_UPLOAD_FILE_BYTES", 8 * 1024 * 1024),
        "SCRI_UPLOAD_DIR": os.environ.get("SCRI_UPLOAD_DIR", "").strip() or None,
        "SCRI_K_MIN": _env_int("SCRI_K_MIN", 5),
        # Questionnaire POSTs a minute per respondent (their device cookie or response), new responses a minute
        # per device, and a ceiling per client address high enough for a town behind one carrier address.
        "SCRI_SUBMIT_RATE_LIMIT": _env_int("SCRI_SUBMIT_RATE_LIMIT", 120),
        "SCRI_START_RATE_LIMIT": _env_int("SCRI_START_RATE_LIMIT", 10),
        "SCRI_ADDRESS_RATE_LIMIT": _env_int("SCRI_ADDRESS_RATE_LIMIT", 3000),
        "SCRI_LOGIN_RATE_LIMIT": _env_int("SCRI_LOGIN_RATE_LIMIT", 30),
        "SCRI_SESSION_MAX_HOURS": _env_int("SCRI_SESSION_MAX_HOURS", 12),
        "SCRI_TRUSTED_PROXIES": trusted_proxies(),
        # A shared store for rate limits across workers and machines (redis://host:6379/0); without it the
        # workers share their counts through the database once a second.
        "SCRI_REDIS_URL": os.environ.get("SCRI_REDIS_URL", "").strip() or None,
        # Long work (PDFs): "queue" through `scri worker` (Huey on SQLite, or on Redis with SCRI_REDIS_URL), or
        # "immediate" inside the request.
        "SCRI_JOBS": jobs_mode(),
        "SCRI_JOB_STALE_SECONDS": _env_int("SCRI_JOB_STALE_SECONDS", 30),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        "LANGUAGES": LANGUAGES,
        **mail_settings(),
        **link_settings(),
    }


def jobs_mode() -> str:
    mode = os.environ.get("SCRI_JOBS", "queue").strip().lower() or "queue"
    if mode not in ("queue", "immediate"):
        raise ConfigError(f"SCRI_JOBS must be queue or immediate, not {mode!r}")
    return mode


def engine_options() -> dict:
    """Pool settings: no ping before every checkout (a round trip per request); connections are recycled after
    half an hour instead, and one that a restart of the database killed is dropped when it fails (the request
    gets the 503 page and the next one a new connection).

    hide_parameters: a failed statement's values (answers, token hashes, submission ids) never reach an error
    message or a log line."""
    return {"pool_pre_ping": False, "pool_recycle": 1800, "hide_parameters": True}


def trusted_proxies() -> int:
    """``SCRI_TRUSTED_PROXIES``: how many reverse proxies (nginx, a TLS terminator) stand in front of the app."""
    hops = _env_int("SCRI_TRUSTED_PROXIES", 0)
    if not 0 <= hops <= 5:
        raise ConfigError(f"SCRI_TRUSTED_PROXIES must be the number of proxies in front of the app (0-5), not {hops}")
    return hops


def link_settings() -> dict:
    """``SCRI_BASE_URL`` (scheme, host, optional port and path prefix) for every link that leaves the site, and
    ``SCRI_ALLOWED_HOSTS``: its host plus ``SCRI_TRUSTED_HOSTS`` (comma-separated); a request for any other host
    is refused with 400. Neither set (development): links use the request's address and any host is served."""
    raw = os.environ.get("SCRI_BASE_URL", "").strip()
    hosts = [h.strip().lower() for h in os.environ.get("SCRI_TRUSTED_HOSTS", "").split(",") if h.strip()]
    base = None
    if raw:
        parsed = urlsplit(raw)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
            raise ConfigError(f"SCRI_BASE_URL must be an http(s) address such as https://scri.example.kz, not {raw!r}")
        base = f"{parsed.scheme}://{parsed.netloc}{parsed.path.rstrip('/')}/"
        hosts.insert(0, parsed.hostname.lower())
    return {"SCRI_BASE_URL": base, "SCRI_ALLOWED_HOSTS": list(dict.fromkeys(hosts)) or None}
