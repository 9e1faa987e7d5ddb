"""Shared fixtures: one app per test session on SQLite (default) or PostgreSQL, emptied after each test.

Set SCRI_TEST_DATABASE_URL=postgresql+psycopg://user@host:port/db to run the suite on PostgreSQL; each run
works in a schema of its own, dropped at the end, so parallel runs do not disturb each other.
"""

from __future__ import annotations

import os
import shutil
import uuid
from urllib.parse import quote

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

os.environ.setdefault("SCRI_ENV", "testing")

# Property tests: fewer examples on a developer's machine, more in CI (CI=true), always without deadlines
# (the machines are shared). SCRI_HYPOTHESIS_PROFILE=ci runs the CI amount locally.
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("SCRI_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def _postgres_schema_url(base_url: str) -> tuple[str, str]:
    schema = f"scri_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"


def _drop_schema(base_url: str, schema: str) -> None:
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL the test app uses; a fresh SQLite file or a fresh PostgreSQL schema."""
    base = os.environ.get("SCRI_TEST_DATABASE_URL", "").strip()
    if base:
        schema, url = _postgres_schema_url(base)
        yield url
        _drop_schema(base, schema)
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _make_app(database_url: str, instance):
    """An application on `database_url`, with the schema made by the migrations, as in production."""
    os.environ["SCRI_INSTANCE_PATH"] = str(instance)
    from flask_migrate import upgrade

    from survey_app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SCRI_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
            "SCRI_SUBMIT_RATE_LIMIT": 100000,
            "SCRI_LOGIN_RATE_LIMIT": 100000,
            "SCRI_START_RATE_LIMIT": 100000,
            "SCRI_ADDRESS_RATE_LIMIT": 100000,
            "SCRI_JOBS": "immediate",  # reports are drawn inside the request (tests/survey_app/test_jobs.py queues)
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def _dispose(app) -> None:
    with app.app_context():
        from survey_app.extensions import db

        db.session.remove()
        db.engine.dispose()
    counters = app.extensions.pop("scri_rate_engine", None)  # the rate limiter's own connection
    if counters is not None:
        counters.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The application, emptied after each test that uses it."""
    app = _make_app(database_url, tmp_path_factory.mktemp("instance"))
    yield app
    _dispose(app)


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """A second application whose database holds `scri demo`, built once per test session.

    For tests that only read the demo (scores, reports, exports): nothing empties it, so a test must not
    change what another one reads. Its accounts are the demo's (`survey_app.demo.DEMO_PASSWORD`).
    """
    base = os.environ.get("SCRI_TEST_DATABASE_URL", "").strip()
    schema = None
    if base:
        schema, url = _postgres_schema_url(base)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("demo-db") / "demo.sqlite3")
    app = _make_app(url, tmp_path_factory.mktemp("demo-instance"))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    _dispose(app)
    if schema:
        _drop_schema(base, schema)


@pytest.fixture
def demo_admin_client(demo_app):
    """A test client of the demo, signed in as its admin through the sign-in form."""
    import re

    from survey_app.demo import DEMO_PASSWORD

    client = demo_app.test_client()
    page = client.get("/console/login?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = client.post(
        "/console/login", data={"email": "admin@demo.scri", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert signed.status_code in (302, 303)
    return client


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from survey_app.extensions import db

    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
    app.extensions.pop("scri_rate_window", None)  # the worker's own rate-limit counts go with the table's
    # Cached results and rendered reports go with the data (ids are reused once the tables are emptied).
    from survey_app.services.result_cache import RESULTS

    RESULTS.clear()
    shutil.rmtree(os.path.join(app.instance_path, "cache"), ignore_errors=True)


@pytest.fixture
def app_ctx(app):
    """An application context for service-level tests."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_city(app):
    """Factory: a city (defaults to Shu)."""
    from survey_app.extensions import db
    from survey_app.services.cities import ensure_city

    def make(slug="shu", en="Shu", ru="Шу", kk="Шу", region="Zhambyl", population=37000, margins=None):
        with app.app_context():
            city = ensure_city(
                slug, {"kk": kk, "ru": ru, "en": en}, region=region, population=population, census_margins=margins
            )
            db.session.commit()
            return city.id

    return make


@pytest.fixture
def make_round(app, make_city):
    """Factory: a round (default open, residents open link + business by invitation); returns its slug."""
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds

    def make(
        slug="shu-2025",
        groups=("residents", "business"),
        status="open",
        city_id=None,
        year=2025,
        targets=None,
        anonymous=True,
    ):
        with app.app_context():
            cid = city_id or make_city()
            city = db.session.get(City, cid)
            round_ = rounds.create_round(city, slug, list(groups), year=year, targets=targets, anonymous=anonymous)
            if status in ("open", "closed"):
                rounds.open_round(round_)
            if status == "closed":
                rounds.close_round(round_)
            db.session.commit()
            return round_.slug

    return make
