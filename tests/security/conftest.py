"""Fixtures for the security tests: accounts, signing in through the real form, a round whose questionnaire has
every question type, and two cities so that one coordinator can try to reach the other's objects."""

from __future__ import annotations

import pytest
from sechelpers import EVERY_TYPE, PASSWORD, csrf_of


@pytest.fixture
def make_user(app):
    """Factory: an account created by the accounts service (argon2 password); returns its id."""
    from survey_app.extensions import db
    from survey_app.services.users import create_user

    def make(email="coordinator@example.org", role="coordinator", cities=(), password=PASSWORD):
        with app.app_context():
            user = create_user(email, password, role, list(cities))
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(app):
    """`login(client, email)`: sign in through GET/POST /console/login as a browser would."""

    def do(client, email="coordinator@example.org", password=PASSWORD):
        page = client.get("/console/login?lang=en")
        response = client.post(
            "/console/login",
            data={"email": email, "password": password, "csrf_token": csrf_of(page.get_data(as_text=True))},
        )
        assert response.status_code in (302, 303), f"login failed with {response.status_code}"
        return response

    return do


@pytest.fixture
def every_type_round(app, make_city):
    """Factory: an open round whose groups answer the questionnaire with every question type."""
    from instruments.loader import load_instrument_text
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds
    from survey_app.services.instruments import store_instrument

    def make(slug="sec-2025", access=None, city_id=None, anonymous=True):
        access = access or {"residents": "open", "business": "invitation"}
        city_id = city_id or make_city()
        with app.app_context():
            instruments = {
                g: store_instrument(load_instrument_text(EVERY_TYPE.format(group=g), f"{g}.yaml")) for g in access
            }
            round_ = rounds.create_round(
                db.session.get(City, city_id),
                slug,
                list(access),
                instruments=instruments,
                access=access,
                year=2025,
                anonymous=anonymous,
            )
            rounds.open_round(round_)
            db.session.commit()
        return slug

    return make


@pytest.fixture
def two_cities(make_city, every_type_round, make_user):
    """Shu and Ayagoz with an open round each, a coordinator per city and an admin."""
    shu = make_city()
    ayagoz = make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз", region="Abai", population=38500)
    every_type_round("shu-2025", city_id=shu)
    every_type_round("ayagoz-2025", city_id=ayagoz)
    make_user("coordinator@shu.kz", cities=[shu])
    make_user("coordinator@ayagoz.kz", cities=[ayagoz])
    make_user("admin@example.org", role="admin")
    return {"shu": shu, "ayagoz": ayagoz}


@pytest.fixture
def admin_client(app, two_cities, login):
    """A test client signed in as the admin of `two_cities`."""
    client = app.test_client()
    login(client, "admin@example.org")
    return client
