"""An XLSForm's field types and logic, answered through the public pages as a respondent would (no script):
notes, dates and times, a range, a ranking, a place, a barcode, an acknowledgement, cascading choices,
`or_other`, a group's relevant, a constraint with its message, a conditional requirement and calculations."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "instruments"))

from xlsformbooks import book, seed_round  # noqa: E402

SURVEY = [
    ["type", "name", "label::English (en)", "label::Russian (ru)", "hint::English (en)", "relevant", "constraint",
     "constraint_message::English (en)", "required", "calculation", "choice_filter", "default", "read_only",
     "parameters"],
    ["start", "start"],
    ["note", "welcome", "Welcome to the survey", "Добро пожаловать"],
    ["integer", "age", "Your age", "Возраст", "Full years", "", ". >= 16 and . <= 110", "From 16 to 110, please",
     "yes"],
    ["date", "moved", "When did you move here?", "Когда переехали?"],
    ["time", "wake", "When do you get up?", "Во сколько встаёте?"],
    ["datetime", "last_visit", "Last visit to the akimat", "Последний визит"],
    ["range", "happy", "How happy are you (0–10)?", "Насколько счастливы?", "", "", "", "", "", "", "", "", "",
     "start=0 end=10 step=2"],
    ["select_one region", "region", "Region", "Область", "", "", "", "", "yes"],
    ["select_one town", "town", "Town", "Город", "", "", "", "", "", "", "region = ${region}"],
    ["select_one trans", "transport", "How do you travel?", "Как добираетесь?", "", "", "", "", "", "", "", "", "", ""],
    ["begin_group", "young", "Young people", "Молодёжь", "", "${age} < 30"],
    ["text", "school", "Your school", "Ваша школа"],
    ["end_group"],
    ["note", "age_echo", "You said you are ${age}, in ${town}.", "Вам ${age}, город ${town}."],
    ["rank", "priorities", "Rank what matters", "Приоритеты"],
    ["geopoint", "home", "Where do you live?", "Где живёте?"],
    ["barcode", "card", "Card number", "Номер карты"],
    ["acknowledge", "agree", "I have read the terms", "Я прочитал условия"],
    ["text", "why", "Why not?", "Почему нет?", "", "", "", "", "${agree} != 'OK'"],
    ["calculate", "age_next", "", "", "", "", "", "", "", "${age} + 1"],
    ["calculate", "summary", "", "", "", "", "", "", "",
     "concat(jr:choice-name(${town}, '${town}'), ' / ', ${age_next})"],
    ["hidden", "source", "", "", "", "", "", "", "", "", "", "web"],
    ["text", "city_name", "City", "Город", "", "", "", "", "", "", "", "Shu", "yes"],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Russian (ru)", "region"],
    ["region", "zhambyl", "Zhambyl", "Жамбылская"],
    ["region", "abai", "Abai", "Абай"],
    ["town", "shu", "Shu", "Шу", "zhambyl"],
    ["town", "taraz", "Taraz", "Тараз", "zhambyl"],
    ["town", "ayagoz", "Ayagoz", "Аягоз", "abai"],
    ["trans", "bus", "Bus", "Автобус"],
    ["trans", "car", "Car", "Машина"],
    ["priorities", "roads", "Roads", "Дороги"],
    ["priorities", "heating", "Heating", "Отопление"],
    ["priorities", "water", "Water", "Вода"],
]
SETTINGS = [["form_id", "version", "form_title::English (en)", "form_title::Russian (ru)"],
            ["city_life", "2025051201", "City life", "Жизнь города"]]  # fmt: skip


def _book(survey=SURVEY) -> bytes:
    return book({"survey": survey, "choices": CHOICES, "settings": SETTINGS})


def _rank_row(survey):
    rows = [list(r) for r in survey]
    for row in rows:
        if row[:2] == ["rank", "priorities"]:
            row[0] = "rank priorities"
        if row[:2] == ["select_one trans", "transport"]:
            row[0] = "select_one trans or_other"
    return rows


@pytest.fixture
def xlsform_round(app, make_city):
    return seed_round(app, make_city, "life-2025", _book(_rank_row(SURVEY)), "city_life.xlsx")


def _page(r, number, data):
    r.get(f"/p/{number}")
    return r.post(f"/p/{number}", {"action": "next", **data})


def test_the_fields_of_an_xlsform_are_asked_checked_and_stored(xlsform_round, respondent, stored):
    r = respondent("life-2025")
    r.start("?lang=en")
    page = r.get("/p/1").get_data(as_text=True)
    assert "Welcome to the survey" in page and 'name="welcome"' not in page
    assert 'type="date"' in page and 'type="time"' in page and 'type="datetime-local"' in page
    assert 'name="age_next"' not in page and 'name="summary"' not in page
    too_young = _page(r, 1, {"age": "12", "region": "zhambyl", "happy": "5"})
    text = too_young.get_data(as_text=True)
    assert too_young.status_code == 422 and "From 16 to 110, please" in text
    assert "steps of 2" in text
    bad_town = _page(r, 1, {"age": "25", "region": "zhambyl", "town": "ayagoz", "happy": "6"})
    assert bad_town.status_code == 422 and "Please choose one of the offered answers." in bad_town.get_data(
        as_text=True
    )
    done = _page(r, 1, {"age": "25", "moved": "2019-08-31", "wake": "06:45", "last_visit": "2025-05-02T10:15",
                        "happy": "6", "region": "zhambyl", "town": "taraz", "transport": "other",
                        "transport_other": "Horse"})  # fmt: skip
    assert done.status_code == 302, re.findall(r'class="q-error"[^>]*>(.*?)</p>', done.get_data(as_text=True))
    page = r.get("/p/2").get_data(as_text=True)
    assert "Your school" in page  # the group is asked: 25 < 30
    assert _page(r, 2, {"school": "No. 5"}).status_code == 302
    page = r.get("/p/3").get_data(as_text=True)
    assert page.count('name="priorities__') == 3
    assert 'name="city_name"' not in page and '<p class="read-only-value">Shu</p>' in page
    assert "You said you are 25, in Taraz." in page  # a label shows the answers it names, as ODK does
    refused = _page(r, 3, {"priorities__roads": "1", "priorities__water": "1", "home": "43.6 73.7", "agree": "OK"})
    assert refused.status_code == 422 and "one answer only" in refused.get_data(as_text=True)
    bad_place = _page(r, 3, {"priorities__roads": "1", "home": "north of the river", "agree": "OK"})
    assert "latitude and longitude" in bad_place.get_data(as_text=True)
    needs_why = _page(r, 3, {"priorities__water": "1", "priorities__roads": "2", "home": "43.6 73.7"})
    assert needs_why.status_code == 422  # `why` is required when the terms are not acknowledged
    ok = _page(r, 3, {"priorities__water": "1", "priorities__roads": "2", "home": "43.6, 73.7", "card": "KZ 0042",
                      "agree": "OK"})  # fmt: skip
    assert ok.status_code == 302
    r.get("/review")
    assert r.post("/review").location.endswith("/thanks")
    answers = stored("life-2025")[0]["answers"]
    assert answers["age"] == 25 and answers["moved"] == "2019-08-31" and answers["wake"] == "06:45"
    assert answers["last_visit"] == "2025-05-02T10:15" and answers["happy"] == 6
    assert answers["town"] == "taraz" and answers["transport"] == "other" and answers["transport_other"] == "Horse"
    assert answers["priorities"] == ["water", "roads"] and answers["home"] == "43.6 73.7 0 0"
    assert answers["card"] == "KZ 0042" and answers["agree"] == "OK" and "why" not in answers
    assert answers["age_next"] == "26" and answers["summary"] == "Taraz / 26" and answers["source"] == "web"
    assert "welcome" not in answers


def test_a_group_whose_relevant_fails_is_not_asked(xlsform_round, respondent, stored):
    r = respondent("life-2025")
    r.start("?lang=en")
    assert _page(r, 1, {"age": "45", "region": "abai", "town": "ayagoz"}).status_code == 302
    # the young people's page is skipped: 45 is not under 30
    assert r.get("/p/2").status_code in (200, 302)
    page = r.get("/p/3").get_data(as_text=True)
    assert "Rank what matters" in page


def test_cascading_choices_are_filtered_for_a_page_without_script(xlsform_round, respondent):
    r = respondent("life-2025")
    r.start("?lang=ru")
    page = r.get("/p/1").get_data(as_text=True)
    assert "Тараз" in page and "data-filter=" in page and "data-columns=" in page


HOUSEHOLD = [
    ["type", "name", "label::English (en)", "relevant", "repeat_count", "required", "constraint"],
    ["integer", "children", "How many children live with you?", "", "", "yes", ". >= 0 and . <= 10"],
    ["begin_repeat", "child", "Child", "${children} > 0", "${children}"],
    ["integer", "child_age", "Age of this child", "", "", "yes", ". >= 0 and . <= 18"],
    ["select_one yn", "school", "Goes to school?", "${child_age} >= 6"],
    ["end_repeat"],
    ["begin_repeat", "visit", "Visit to the akimat"],
    ["text", "purpose", "Why did you go?"],
    ["end_repeat"],
]
YN = [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


@pytest.fixture
def household_round(app, make_city):
    return seed_round(app, make_city, "home-2025", book({"survey": HOUSEHOLD, "choices": YN}), "household.xlsx")


def test_a_repeat_is_asked_once_per_child_and_as_often_as_the_respondent_adds(household_round, respondent, stored):
    r = respondent("home-2025")
    r.start("?lang=en")
    assert _page(r, 1, {"children": "2"}).status_code == 302
    page = r.get("/p/2").get_data(as_text=True)
    assert page.count("Age of this child") == 2 and 'name="r2.child_age"' in page and "Add another" not in page
    bad = _page(r, 2, {"r1.child_age": "4", "r2.child_age": "40"})
    assert bad.status_code == 422 and 'id="err-r2.child_age"' in bad.get_data(as_text=True)
    assert _page(r, 2, {"r1.child_age": "4", "r2.child_age": "9", "r2.school": "yes"}).status_code == 302
    page = r.get("/p/3").get_data(as_text=True)
    assert "Why did you go?" in page and "Add another entry" in page
    more = r.post("/p/3", {"action": "add", "r1.purpose": "A certificate"})
    assert more.status_code == 200 and 'name="r2.purpose"' in more.get_data(as_text=True)
    assert _page(r, 3, {"r1.purpose": "A certificate", "r2.purpose": "A complaint about heating"}).status_code == 302
    review = r.get("/review").get_data(as_text=True)
    assert "Entry 2" in review, (
        re.sub(r"\s+", " ", review[review.find("<main") :])[:3000] and "A complaint about heating" in review
    )
    assert r.post("/review").location.endswith("/thanks")
    answers = stored("home-2025")[0]["answers"]
    assert answers["children"] == 2
    assert answers["child"] == [{"child_age": 4}, {"child_age": 9, "school": "yes"}]
    assert answers["visit"] == [{"purpose": "A certificate"}, {"purpose": "A complaint about heating"}]


def test_a_repeat_counted_zero_is_skipped(household_round, respondent):
    r = respondent("home-2025")
    r.start("?lang=en")
    done = _page(r, 1, {"children": "0"})
    assert done.status_code == 302 and done.location.endswith("/p/3")


def test_a_label_shows_the_answers_it_names_and_the_page_offers_the_form_languages(xlsform_round, respondent):
    r = respondent("life-2025")
    r.start("?lang=en")
    assert _page(r, 1, {"age": "25", "region": "zhambyl", "town": "shu", "happy": "4"}).status_code == 302
    page = r.get("/p/1?lang=en").get_data(as_text=True)
    assert 'value="lang:ru"' in page and 'value="lang:kk"' not in page  # the form has English and Russian only


def test_a_long_list_from_a_file_is_one_drop_down(app, make_city, respondent, stored):
    survey = [["type", "name", "label::English (en)"], ["select_one_from_file villages.csv", "village", "Your village"]]
    villages = "name,label::English (en)\n" + "".join(f"v{n},Village {n}\n" for n in range(120))
    seed_round(
        app, make_city, "vill-2025", book({"survey": survey}), "villages.xlsx", {"villages.csv": villages.encode()}
    )
    r = respondent("vill-2025")
    r.start("?lang=en")
    page = r.get("/p/1").get_data(as_text=True)
    assert page.count("<select") == 1 and page.count("<option") == 121 and 'type="radio"' not in page
    assert _page(r, 1, {"village": "v77"}).status_code == 302
    assert stored("vill-2025")[0]["answers"]["village"] == "v77"
