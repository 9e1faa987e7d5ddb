"""The app factory, configuration, error pages and security headers."""

import pytest

from survey_app import config


def test_unknown_page_is_a_human_404_with_security_headers(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body
    assert "Traceback" not in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_production_refuses_a_missing_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.secret_key(str(tmp_path), production=True)


@pytest.mark.parametrize("key", ["p" * 48, "ab" * 24, "0123456789" * 4])
def test_production_refuses_a_predictable_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    expected = "too predictable" if key != "0123456789" * 4 else None
    if expected:
        with pytest.raises(config.ConfigError, match=expected):
            config.secret_key(str(tmp_path), production=True)
    else:  # 40 characters of 10 distinct: 132 bits, enough
        assert config.secret_key(str(tmp_path), production=True) == key
    assert config.secret_key(str(tmp_path), production=False) == key  # development takes any


def test_development_secret_key_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path), production=False)
    assert len(first) >= 32
    assert config.secret_key(str(tmp_path), production=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://scri@db:5432/scri")
    assert config.database_uri(str(tmp_path)) == "postgresql+psycopg://scri@db:5432/scri"
    monkeypatch.delenv("DATABASE_URL")
    assert config.database_uri(str(tmp_path)).endswith("/scri.sqlite3")


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    from sqlalchemy import text

    from survey_app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
