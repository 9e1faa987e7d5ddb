"""The scores endpoint of the JSON API: the same figures as `scri score`, city-scoped."""

import json

from survey_app.auth import issue_api_token
from survey_app.extensions import db
from survey_app.models import City, User


def _user(app, role, city_slugs=()):
    with app.app_context():
        cities = [c for c in db.session.query(City).all() if c.slug in city_slugs]
        user = User(
            email=f"{role}-{'-'.join(city_slugs) or 'all'}@example.org", password_hash="x", role=role, cities=cities
        )
        db.session.add(user)
        db.session.flush()
        token = issue_api_token(user)
        db.session.commit()
        return token


def test_scores_match_the_cli_and_respect_city_scope(demo_app):
    app, runner, client = (
        demo_app,
        demo_app.test_cli_runner(),
        demo_app.test_client(),
    )  # the demo, built once per session
    cli = json.loads(runner.invoke(args=["score", "--round", "ayagoz-2025"]).output)

    assert client.get("/api/v1/rounds/ayagoz-2025/scores").status_code == 401

    ayagoz = _user(app, "coordinator", ("ayagoz",))
    response = client.get("/api/v1/rounds/ayagoz-2025/scores", headers={"Authorization": f"Bearer {ayagoz}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["scri"] == cli["scri"]
    assert body["dimensions"] == cli["dimensions"]

    shu = _user(app, "coordinator", ("shu",))
    other = client.get("/api/v1/rounds/ayagoz-2025/scores", headers={"Authorization": f"Bearer {shu}"})
    assert other.status_code == 404
    wrong = client.get("/api/v1/rounds/ayagoz-2025/scores", headers={"Authorization": "Bearer scri_nope"})
    assert wrong.status_code == 401
