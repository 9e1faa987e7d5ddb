"""A page whose questions all do not apply is never shown: the respondent who uses the digital services of one
area only rates that one, and the page of the other areas is skipped going forward and back."""

from __future__ import annotations

import pytest

AREAS = """
code: areas_residents
group: residents
version: 1
title: {kk: "Сауалнама", ru: "Анкета", en: "Survey"}
intro: {kk: "Кіріспе", ru: "Введение", en: "Introduction"}
sections:
  - code: used
    title: {kk: "Қызметтер", ru: "Услуги", en: "Services"}
    questions:
      - code: areas_used
        type: multiple
        label: {kk: "Қайсысын пайдаландыңыз?", ru: "Чем пользовались?", en: "Which have you used?"}
        choices:
          - {code: health, label: {kk: "Денсаулық", ru: "Здоровье", en: "Health"}}
          - {code: transport, label: {kk: "Көлік", ru: "Транспорт", en: "Transport"}}
  - code: main
    title: {kk: "Денсаулық", ru: "Здоровье", en: "Health"}
    questions:
      - {code: ar_health, type: likert, scale: quality, area: health, relevant: "areas_used contains 'health'",
         label: {kk: "Денсаулық", ru: "Здоровье", en: "Health services"}}
  - code: other
    title: {kk: "Көлік", ru: "Транспорт", en: "Transport"}
    questions:
      - {code: ar_transport, type: likert, scale: quality, area: transport,
         relevant: "areas_used contains 'transport'",
         label: {kk: "Көлік", ru: "Транспорт", en: "Transport services"}}
  - code: last
    title: {kk: "Соңы", ru: "Конец", en: "Last"}
    questions:
      - {code: years, type: integer, min: 0, max: 100, label: {kk: "Жыл", ru: "Лет", en: "Years"}}
"""


@pytest.fixture
def areas_round(app, make_city):
    from instruments.loader import load_instrument_text
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds
    from survey_app.services.instruments import store_instrument

    with app.app_context():
        city_id = make_city()
        row = store_instrument(load_instrument_text(AREAS, "areas.yaml"))
        round_ = rounds.create_round(
            db.session.get(City, city_id), "areas-2025", ["residents"], instruments={"residents": row}, year=2025
        )
        rounds.open_round(round_)
        db.session.commit()
    return "areas-2025"


def test_a_page_that_asks_nothing_is_skipped_forward_and_back(app, areas_round, respondent, stored):
    person = respondent("areas-2025")
    assert person.start()[0].headers["Location"].endswith("/p/1")
    person.get("/p/1")
    moved = person.post("/p/1", {"areas_used": "health", "action": "next"})
    assert moved.headers["Location"].endswith("/p/2")
    person.get("/p/2")
    moved = person.post("/p/2", {"ar_health": "4", "action": "next"})
    assert moved.headers["Location"].endswith("/p/4")  # the transport page asks nothing of this respondent
    page = person.get("/p/4")
    assert page.status_code == 200 and ("Years" in person.page or "Лет" in person.page)
    back = person.post("/p/4", {"years": "3", "action": "back"})
    assert back.headers["Location"].endswith("/p/2")
    person.get("/p/2")
    person.post("/p/2", {"ar_health": "4", "action": "next"})
    person.get("/p/4")
    assert person.post("/p/4", {"years": "3", "action": "next"}).headers["Location"].endswith("/review")
    person.get("/review")
    assert person.post("/review").headers["Location"].endswith("/thanks")
    (response,) = stored("areas-2025")
    assert response["status"] == "complete"
    assert response["answers"] == {"areas_used": ["health"], "ar_health": 4.0, "years": 3.0}


def test_a_respondent_who_used_both_sees_both_pages(app, areas_round, respondent):
    person = respondent("areas-2025")
    person.start()
    person.get("/p/1")
    person.post("/p/1", {"areas_used": ["health", "transport"], "action": "next"})
    person.get("/p/2")
    assert person.post("/p/2", {"ar_health": "5", "action": "next"}).headers["Location"].endswith("/p/3")
