"""Scheduled openings and closings are typed and shown in the city's time zone (Kazakhstan's by default,
UTC+5), stored in UTC: 18:00 typed for Ayagoz is 13:00 UTC, not 23:00 in Ayagoz."""

from __future__ import annotations

from datetime import UTC, datetime

from consolehelpers import _city_form, _edit_data
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import City, SurveyRound


def _opens_at(app, slug):
    with app.app_context():
        value = db.session.scalar(select(SurveyRound.opens_at).where(SurveyRound.slug == slug))
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def test_times_are_typed_and_shown_in_the_city_s_zone(app, two_cities, make_round, login):
    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    coordinator = login(two_cities["users"]["coordinator"])
    form = coordinator.get("/console/rounds/shu-2026/edit?lang=en").get_data(as_text=True)
    assert "time zone (Asia/Almaty, UTC+05:00)." in form  # In the city's time zone (…)
    data = _edit_data(app, coordinator, "shu-2026", opens_at="2026-05-01T18:00")
    assert coordinator.post("/console/rounds/shu-2026/edit?lang=en", data=data).status_code == 302
    assert _opens_at(app, "shu-2026") == datetime(2026, 5, 1, 13, 0, tzinfo=UTC)
    page = coordinator.get("/console/rounds/shu-2026?lang=ru").get_data(as_text=True)
    assert "2026-05-01 18:00 (Asia/Almaty, UTC+05:00)" in page
    assert 'value="2026-05-01T18:00"' in coordinator.get("/console/rounds/shu-2026/edit").get_data(as_text=True)
    # The city moves to another zone: the stored moment stays, the wall-clock time shown follows the city.
    with app.app_context():
        db.session.get(City, two_cities["a"]).timezone = "Europe/Moscow"
        db.session.commit()
    page = coordinator.get("/console/rounds/shu-2026?lang=en").get_data(as_text=True)
    assert "2026-05-01 16:00 (Europe/Moscow, UTC+03:00)" in page


def test_a_city_takes_a_time_zone_and_refuses_an_unknown_one(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    a = two_cities["a"]
    page = admin.get("/console/cities?lang=en").get_data(as_text=True)
    assert f'name="c{a}-timezone"' in page and 'value="Asia/Almaty"' in page
    prefix, data = _city_form(admin, a)
    data[prefix + "timezone"] = "Asia/Nowhere"
    refused = admin.post("/console/cities?lang=ru", data=data)
    assert refused.status_code == 422 and "Asia/Almaty" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(City, a).timezone == "Asia/Almaty"
    assert admin.post("/console/cities", data={**data, prefix + "timezone": "Asia/Oral"}).status_code == 302
    with app.app_context():
        assert db.session.get(City, a).timezone == "Asia/Oral"
