"""Fixtures of the reports tests: result dicts, the three seed cities with rounds, accounts and logging in."""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXED_DATE = date(2025, 11, 14)


def _load_fixtures():
    name = "scri_report_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "fixtures.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


data = _load_fixtures()

CITIES = {
    "shu-2025": ("shu", {"kk": "Шу", "ru": "Шу", "en": "Shu"}),
    "ayagoz-2025": ("ayagoz", {"kk": "Аягөз", "ru": "Аягоз", "en": "Ayagoz"}),
    "shalkar-2025": ("shalkar", {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"}),
}


@pytest.fixture
def results():
    """The fixtures module (city_result, all_results, comparison): results of the real pipeline."""
    return data


@pytest.fixture
def seed_rounds(app, make_city, make_round):
    """Shu, Ayagoz and Shalkar with one open round each; returns {slug: city_id}."""
    out = {}
    for slug, (city_slug, names) in CITIES.items():
        city_id = make_city(slug=city_slug, en=names["en"], ru=names["ru"], kk=names["kk"])
        make_round(slug=slug, city_id=city_id, groups=("residents", "business"))
        out[slug] = city_id
    return out


@pytest.fixture
def fixture_scores(monkeypatch):
    """Serve the fixture results instead of computing scores; returns the dict of results by round slug
    (tests may change a result before requesting a page)."""
    from survey_app.services import results as services

    store = {slug: data.city_result(slug) for slug in data.ROUNDS}

    def round_result(round_):
        return store[round_.slug]

    def comparison(rounds):
        return data.comparison([store[r.slug] for r in rounds])

    monkeypatch.setattr(services, "round_result", round_result)
    monkeypatch.setattr(services, "comparison", comparison)
    return store


@pytest.fixture
def make_user(app):
    """Factory: an account with a role and cities; returns its id."""
    from survey_app.extensions import db
    from survey_app.models import City, User

    counter = {"n": 0}

    def make(role="coordinator", city_ids=(), email=None):
        counter["n"] += 1
        with app.app_context():
            user = User(
                email=email or f"{role}{counter['n']}@example.kz",
                password_hash="not-a-real-hash",
                role=role,
                active=True,
            )
            user.cities = [db.session.get(City, cid) for cid in city_ids]
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(app):
    """Log a test client in as a user id (a Flask-Login session, as the login form would leave it)."""
    from flask_login.utils import _create_identifier

    def do(client, user_id):
        import time

        from survey_app.extensions import db
        from survey_app.models import User

        with app.test_request_context(environ_base=dict(client.environ_base)):
            identifier = _create_identifier()
            user_key = db.session.get(User, user_id).get_id()
        with client.session_transaction() as session:
            session["_user_id"] = user_key
            session["_fresh"] = True
            session["_id"] = identifier
            session["signed_in_at"] = time.time()
        return client

    return do


@pytest.fixture
def update_snapshots():
    return os.environ.get("SCRI_UPDATE_SNAPSHOTS", "") not in ("", "0")
