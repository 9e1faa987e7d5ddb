"""`/readyz` (the database at the current schema, Redis when set) and `scri check` (what production lacks)."""

from __future__ import annotations

import subprocess
import sys

from survey_app.deployment import check_settings

GOOD = {
    "SCRI_ENV": "production",
    "SECRET_KEY": "kV3q9Zp2Lw8xYt5Rm1Nb7Hc4Jd6Gf0Se-Ua_Oi9Pq2Wr5Ty8Ux",
    "SCRI_BASE_URL": "https://scri.example.kz",
    "SCRI_TRUSTED_PROXIES": "1",
    "SCRI_MAIL_HOST": "smtp.example.kz",
    "SCRI_MAIL_SENDER": "scri@example.kz",
    "DATABASE_URL": "postgresql://scri@db.example.kz/scri",
    "SCRI_REDIS_URL": "redis://cache.example.kz:6379/0",
}


def test_readyz_answers_ready_with_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "schema": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_when_redis_is_configured_but_down(app, client):
    saved = app.config.get("SCRI_REDIS_URL")
    app.config["SCRI_REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.config["SCRI_REDIS_URL"] = saved
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("unreachable")


def test_readyz_is_503_before_the_schema_exists(tmp_path):
    from survey_app import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.sqlite3", "SECRET_KEY": "x" * 8 + "0123456789abcdef"},
        migrations=False,
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["schema"] == "not created yet (run: scri init)"


def test_a_complete_production_environment_has_nothing_to_fix():
    assert [f for f in check_settings(GOOD) if f.level != "ok"] == []


def test_each_gap_of_a_production_environment_is_named():
    cases = {
        "environment": {"SCRI_ENV": "development"},
        "secret": {"SECRET_KEY": "p" * 48},
        "HTTPS": {"SCRI_BASE_URL": "http://scri.example.kz"},
        "proxy": {"SCRI_TRUSTED_PROXIES": "0"},
    }
    for topic, change in cases.items():
        fails = [f for f in check_settings({**GOOD, **change}) if f.level == "fail"]
        assert [f.topic for f in fails] == [topic], (topic, fails)
    missing = {k: v for k, v in GOOD.items() if k not in ("SCRI_BASE_URL", "SCRI_MAIL_HOST", "SCRI_REDIS_URL")}
    levels = {f.topic: f.level for f in check_settings(missing)}
    assert levels["base URL"] == "fail" and levels["mail"] == "warn" and levels["shared store"] == "warn"
    inline = {f.topic: f.level for f in check_settings({**GOOD, "SCRI_JOBS": "immediate"})}
    assert inline["jobs"] == "warn"


def test_scri_check_exits_1_and_says_what_to_fix(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SCRI_INSTANCE_PATH": str(tmp_path), "SCRI_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "-m", "survey_app.cli", "check", "--no-services"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 1
    assert "FIX   environment: set SCRI_ENV=production" in result.stdout
    assert "FIX   secret: SECRET_KEY is not set" in result.stdout
    assert "Not ready for production" in result.stdout
