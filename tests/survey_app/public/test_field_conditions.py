"""The respondent flow under field conditions: a shared phone, no JavaScript, a language switch mid-page."""

from __future__ import annotations

import re


def _answer_all(r, lang="en"):
    r.start(f"?lang={lang}")
    r.get("/p/1")
    r.post("/p/1", {"action": "next", "uses_egov": "yes", "egov_quality": "4", "years": "12"})
    r.get("/p/2")
    r.post("/p/2", {"action": "next", "district": "centre", "channels": ["site", "tv"]})
    r.get("/review")
    return r.post("/review")


def test_two_people_on_one_phone_are_both_stored(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    assert _answer_all(r).location.endswith("/thanks")
    thanks = r.get("/thanks").get_data(as_text=True)
    assert "Someone else wants to answer" in thanks
    # The second adult taps the button: a new, empty questionnaire on the same phone.
    again = r.post("/another")
    assert again.status_code == 302 and again.location.endswith("/s/mini-2025/residents")
    consent = r.get("?lang=en").get_data(as_text=True)
    assert "Answers from this phone have already been received" in consent
    assert "you are welcome to answer too" in consent
    assert _answer_all(r).location.endswith("/thanks")
    responses = stored()
    assert [x["status"] for x in responses] == ["complete", "complete"]
    assert responses[0]["device_hash"] and responses[0]["device_hash"] == responses[1]["device_hash"]
    assert all(x["mode"] == "web" for x in responses)


def test_the_consent_page_tells_a_shared_phone_what_to_do(mini_round, respondent):
    mini_round()
    page = respondent().get("?lang=ru").get_data(as_text=True)
    assert "Телефоном пользуются несколько человек?" in page


def test_a_missing_consent_is_summarised_at_the_top(mini_round, respondent):
    mini_round()
    r = respondent()
    r.get("?lang=ru")
    submission = re.search(r'name="submission_id" value="([^"]+)"', r.page).group(1)
    page = r.post("", {"submission_id": submission}).get_data(as_text=True)
    summary = page.index('id="error-summary"')
    assert summary < page.index("<h1")  # before the long introduction, where the script moves the focus
    assert 'href="#consent"' in page and 'id="consent"' in page


def test_follow_ups_are_asked_without_javascript(mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    page = r.get("/p/1").get_data(as_text=True)
    asked = re.search(r'name="asked" value="([^"]*)"', page).group(1)
    assert asked.split() == ["uses_egov", "years"]  # the follow-up is not shown before its condition is met
    # Without a script the form sends what the server showed; "yes" opens the follow-up on the same page.
    again = r.post("/p/1", {"action": "next", "asked": asked, "uses_egov": "yes", "years": "3"})
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "Your answers opened a few more questions on this page" in html
    assert re.search(r'id="q-egov_quality"[^>]*>', html).group(0).find("hidden") == -1
    assert re.search(r'name="uses_egov" value="yes"\s+checked', html)  # what was posted is kept
    asked = re.search(r'name="asked" value="([^"]*)"', html).group(1)
    assert "egov_quality" in asked.split()
    done = r.post("/p/1", {"action": "next", "asked": asked, "uses_egov": "yes", "egov_quality": "5", "years": "3"})
    assert done.status_code == 302 and done.location.endswith("/p/2")
    assert stored()[0]["answers"] == {"uses_egov": "yes", "egov_quality": 5, "years": 3}


def test_a_follow_up_already_shown_by_the_script_is_not_asked_twice(mini_round, respondent):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    r.get("/p/1")
    # The script showed the follow-up and the respondent left it empty: the required check answers.
    page = r.post("/p/1", {"action": "next", "asked": "uses_egov egov_quality years", "uses_egov": "yes"})
    assert page.status_code == 422 and "This question needs an answer." in page.get_data(as_text=True)


def test_switching_language_keeps_the_page_answers(mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    page = r.get("/p/1").get_data(as_text=True)
    assert 'form="survey-form" name="action" value="lang:kk"' in page
    # Half the page typed, then the switch to Kazakh: nothing is lost, and nothing is insisted on.
    switched = r.post("/p/1", {"action": "lang:kk", "uses_egov": "yes", "years": "not a number"})
    assert switched.status_code == 302 and switched.location.endswith("/p/1?lang=kk")
    kk = r.get("/p/1?lang=kk").get_data(as_text=True)
    assert 'lang="kk"' in kk and "eGov қолданасыз ба?" in kk
    assert stored()[0]["answers"] == {"uses_egov": "yes"}
    assert re.search(r'name="uses_egov" value="yes"\s+checked', kk)


def test_the_review_shows_the_answers_themselves(mini_round, respondent):
    mini_round()
    r = respondent()
    r.start("?lang=ru")
    r.get("/p/1")
    r.post("/p/1", {"action": "next", "uses_egov": "yes", "egov_quality": "4", "years": "12"})
    r.get("/p/2")
    r.post("/p/2", {"action": "next", "district": "outskirts", "channels": ["site", "radio"], "share": "12,5"})
    page = r.get("/review").get_data(as_text=True)
    assert "Пользуетесь eGov?" in page and "<dd>Да</dd>" in page
    assert "<dd>Окраина</dd>" in page and "<dd>Сайт; Радио</dd>" in page and "<dd>12.5</dd>" in page
    assert "Не отвечено" in page  # the comment left empty
    assert page.count("Изменить ответы") == 2
