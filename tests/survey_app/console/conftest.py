"""Console test helpers: accounts by role and city, sign-in through the form, CSRF tokens from pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

CSRF = re.compile(r'name="((?:[a-z0-9]+-)?csrf_token)"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"


@pytest.fixture
def make_user(app):
    """Factory: an account (admin, coordinator or viewer) for the given city ids; returns its e-mail."""
    from survey_app.extensions import db
    from survey_app.services.users import create_user

    def make(email: str, role: str, city_ids=()):
        with app.app_context():
            create_user(email, PASSWORD, role, list(city_ids))
            db.session.commit()
        return email

    return make


def csrf_token(client, path: str = "/console/login?lang=en") -> str:
    """The CSRF token of the first form on a page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(2)


@pytest.fixture
def login(app):
    """Sign a new client in with an account's e-mail; returns the client."""

    def sign_in(email: str):
        client = app.test_client()
        response = client.post(
            "/console/login", data={"csrf_token": csrf_token(client), "email": email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in


@pytest.fixture
def two_cities(app, make_city, make_round, make_user):
    """Cities A and B with a round each; an admin, a coordinator of A and a viewer of A."""
    from survey_app.extensions import db
    from survey_app.models import Instrument

    a = make_city()
    b = make_city(slug="aksu", en="Aksu", ru="Аксу", kk="Ақсу", region="Pavlodar", population=40000)
    make_round(slug="shu-2025", city_id=a)
    make_round(slug="aksu-2025", city_id=b)
    users = {
        "admin": make_user("admin@scri.kz", "admin"),
        "coordinator": make_user("coord@shu.kz", "coordinator", [a]),
        "viewer": make_user("viewer@shu.kz", "viewer", [a]),
    }
    with app.app_context():
        instrument_id = db.session.scalar(select(Instrument.id).order_by(Instrument.id))
    return {
        "a": a,
        "b": b,
        "round_a": "shu-2025",
        "round_b": "aksu-2025",
        "users": users,
        "instrument_id": instrument_id,
    }
