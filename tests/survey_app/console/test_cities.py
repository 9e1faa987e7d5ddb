"""Adding a city in the console: names, population, census margins, duplicates, escaping, who may."""

from __future__ import annotations

import pytest
from consolehelpers import (
    MARGINS,
    _audit_actions,
    _city_form,
    _count,
    _new_city_data,
    csrf_token,
)
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, City


def test_admin_adds_a_city_with_names_population_margins_and_audit(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **MARGINS))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        city = db.session.scalar(select(City).where(City.slug == "taraz"))
        assert (city.name_kk, city.name_ru, city.name_en) == ("Тараз", "Тараз", "Taraz")
        assert city.region == "Zhambyl" and city.population == 358000
        assert city.census_margins == {
            "sex": {"male": 0.48, "female": 0.52},
            "age_band": {"18_29": 0.3, "30_44": 0.3, "45_59": 0.2, "60_plus": 0.2},
        }
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "city.create"))
        assert event.object_id == city.id and event.details["slug"] == "taraz"
    page = admin.get("/console/cities?lang=en").get_data(as_text=True)
    assert "Taraz is added." in page


def test_a_coordinator_cannot_add_a_city(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    data = _new_city_data(coordinator)
    data["csrf_token"] = data.pop("new-csrf_token")  # a coordinator's page has no new-city form
    response = coordinator.post("/console/cities/new", data=data)
    assert response.status_code == 403
    assert _count(app, City) == 2
    assert _audit_actions(app, "city.create") == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"new-slug": "shu"}, "A city with this short name already exists."),
        ({"new-name_en": "aksu"}, "A city with this English name already exists."),
        ({"new-name_en": "  Shu "}, "A city with this English name already exists."),
    ],
)
def test_a_duplicate_city_is_refused_with_a_message(app, two_cities, login, overrides, message):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, City) == 2
    assert _audit_actions(app, "city.create") == []


@pytest.mark.parametrize("slug", ["Taraz", "ta", "1taraz", "taraz-", "ta raz", ""])
def test_a_bad_city_slug_is_refused(app, two_cities, login, slug):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **{"new-slug": slug}))
    assert response.status_code == 422
    assert _count(app, City) == 2


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({**MARGINS, "new-m_sex_female": "0.6"}, "must add up to 1"),
        ({"new-m_age_band_18_29": "0.5"}, "give a share for every category"),
        ({**MARGINS, "new-m_sex_male": "1.5", "new-m_sex_female": "-0.5"}, "A share from 0 to 1."),
    ],
)
def test_census_margins_that_do_not_add_up_store_nothing(app, two_cities, login, margins, message):
    admin = login(two_cities["users"]["admin"])
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **margins))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, City, City.slug == "taraz") == 0
    assert _audit_actions(app, "city.create") == []


def test_html_in_a_city_name_is_stored_as_text_and_shown_escaped(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    name = "<script>alert(1)</script>"
    response = admin.post("/console/cities/new?lang=en", data=_new_city_data(admin, **{"new-name_en": name}))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(City.name_en).where(City.slug == "taraz")) == name
    page = admin.get("/console/cities?lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_duplicate_english_name_with_a_non_ascii_letter_is_refused(app, two_cities, make_city, login):
    make_city(slug="oskemen", en="Öskemen", ru="Усть-Каменогорск", kk="Өскемен")
    admin = login(two_cities["users"]["admin"])
    response = admin.post(
        "/console/cities/new?lang=en", data=_new_city_data(admin, **{"new-slug": "oskemen-2", "new-name_en": "ÖSKEMEN"})
    )
    assert response.status_code == 422
    assert "A city with this English name already exists." in response.get_data(as_text=True)
    assert _count(app, City) == 3


def test_cities_margins_are_validated_and_audited(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    a = two_cities["a"]
    prefix, data = _city_form(admin, a)
    bad = dict(data, **{prefix + "m_sex_male": "0.6", prefix + "m_sex_female": "0.6"})
    response = admin.post("/console/cities?lang=en", data=bad)
    assert response.status_code == 422 and "must add up to 1" in response.get_data(as_text=True)
    partial = dict(data, **{prefix + "m_age_band_18_29": "0.5"})
    assert "every category" in admin.post("/console/cities?lang=en", data=partial).get_data(as_text=True)
    out_of_range = dict(data, **{prefix + "m_sex_male": "1.5", prefix + "m_sex_female": "-0.5"})
    assert admin.post("/console/cities?lang=en", data=out_of_range).status_code == 422
    good = dict(
        data,
        **{
            prefix + "m_sex_male": "0.48",
            prefix + "m_sex_female": "0.525",
            prefix + "m_age_band_18_29": "0.3",
            prefix + "m_age_band_30_44": "0.3",
            prefix + "m_age_band_45_59": "0.2",
            prefix + "m_age_band_60_plus": "0.2",
        },
    )
    assert admin.post("/console/cities", data=good).status_code == 302
    with app.app_context():
        city = db.session.get(City, a)
        assert city.census_margins["sex"] == {"male": 0.48, "female": 0.525}
        assert city.census_margins["age_band"]["60_plus"] == 0.2
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "city.update"))
    coordinator = login(two_cities["users"]["coordinator"])
    page = coordinator.get("/console/cities?lang=en").get_data(as_text=True)
    assert "Shu" in page and "Aksu" not in page and '<form method="post" action="/console/cities"' not in page
    own = dict(good, csrf_token=csrf_token(coordinator, "/console/cities"))
    assert coordinator.post("/console/cities", data=own).status_code == 403
