"""The public questionnaire end to end through the Flask client."""

import pytest


def complete_first_section(r, **extra):
    r.get("/p/1")
    return r.post("/p/1", {"action": "next", "uses_egov": "yes", "egov_quality": "4", "years": "12", **extra})


def test_a_resident_completes_the_questionnaire(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    response, _ = r.start("?lang=ru")
    assert response.status_code == 302 and response.location.endswith("/p/1")
    assert complete_first_section(r).location.endswith("/p/2")
    r.get("/p/2")
    done = r.post(
        "/p/2",
        {
            "action": "next",
            "district": "centre",
            "channels": ["site", "tv"],
            "share": "12,5",
            "comment": "Хорошо",
            "partners__akimat": "monthly",
            "partners__university": "",
        },
    )
    assert done.location.endswith("/review")
    r.get("/review")
    assert "Проверка и отправка" in r.page
    assert r.post("/review").location.endswith("/thanks")
    assert "Спасибо!" in r.get("/thanks").get_data(as_text=True)
    [saved] = stored()
    assert saved["status"] == "complete" and saved["language"] == "ru"
    assert saved["answers"] == {
        "uses_egov": "yes",
        "egov_quality": 4,
        "years": 12,
        "district": "centre",
        "channels": ["site", "tv"],
        "share": 12.5,
        "comment": "Хорошо",
        "partners": {"akimat": "monthly"},
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uses_egov", "maybe", "Please choose one of the offered answers."),
        ("egov_quality", "6", "Please choose one of the offered answers."),
        ("years", "12.5", "Please enter a whole number."),
        ("years", "101", "Please enter a number from 0 to 100."),
        ("years", "-1", "Please enter a number from 0 to 100."),
    ],
)
def test_bad_values_are_refused_beside_the_field_and_nothing_is_saved(
    app, mini_round, respondent, field, value, message, stored
):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    r.get("/p/1")
    data = {"action": "next", "uses_egov": "yes", "egov_quality": "4", "years": "3", field: value}
    response = r.post("/p/1", data)
    assert response.status_code == 422
    assert message in r.page
    assert 'aria-invalid="true"' in r.page and 'id="error-summary"' in r.page
    assert stored()[0]["answers"] == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"district": "mars"}, "Please choose one of the offered answers."),
        ({"channels": ["site", "tv", "radio"]}, "Please choose at most 2 answers."),
        ({"channels": ["site", "cinema"]}, "Please choose only among the offered answers."),
        ({"share": "abc"}, "Please enter a number, for example 12.5."),
        ({"share": "100.5"}, "Please enter a number from 0 to 100."),
        ({"comment": "x" * 21}, "Please shorten your answer to 20 characters (now 21)."),
        ({"partners__akimat": "daily"}, "Please choose how often for each organisation from the list."),
    ],
)
def test_each_type_validates_on_the_second_page(app, mini_round, respondent, data, message, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    complete_first_section(r)
    r.get("/p/2")
    response = r.post("/p/2", {"action": "next", "district": "centre", **data})
    assert response.status_code == 422
    assert message in r.page
    assert "district" not in stored()[0]["answers"]


def test_required_question_and_unknown_field(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    r.get("/p/1")
    assert r.post("/p/1", {"action": "next", "years": "4"}).status_code == 422
    assert "This question needs an answer." in r.page
    r.get("/p/1")
    response = r.post("/p/1", {"action": "next", "uses_egov": "no", "injected": "1"})
    assert response.status_code == 400
    assert "Unexpected answer" in r.page
    assert stored()[0]["answers"] == {}


def test_skip_logic_hides_questions_and_drops_stale_answers(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    complete_first_section(r)
    assert stored()[0]["answers"]["egov_quality"] == 4
    r.get("/p/1")
    assert 'data-relevant="[&#34;cmp&#34;, &#34;==&#34;, &#34;uses_egov&#34;, &#34;yes&#34;]"' in r.page
    # Answering "no" makes the quality question irrelevant: it is not required and its old answer goes.
    response = r.post("/p/1", {"action": "next", "uses_egov": "no", "egov_quality": "5"})
    assert response.status_code == 302
    assert stored()[0]["answers"] == {"uses_egov": "no"}
    r.get("/p/1")
    assert 'id="q-egov_quality" data-code="egov_quality"' in r.page
    assert "hidden>" in r.page.split('id="q-egov_quality"')[1].split(">", 1)[0] + ">"


def test_partial_save_and_resume_from_the_same_browser_and_by_link(app, client, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=kk")
    complete_first_section(r)
    [saved] = stored()
    assert saved["status"] == "partial" and saved["answers"]["years"] == 12
    # Coming back to the start link in the same browser continues on section 2.
    assert r.get().location.endswith("/p/2")
    r.get("/p/1")
    assert 'value="12"' in r.page  # earlier answers filled in
    link = r.get("/p/2").get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    assert "/resume/" in link
    # A fresh browser (no cookies) resumes through the link.
    other = app.test_client()
    resumed = other.get(link.replace("http://localhost", ""))
    assert resumed.status_code == 302 and resumed.location.endswith("/p/2")
    assert other.get("/s/mini-2025/residents").location.endswith("/p/2")
    assert other.get("/s/mini-2025/residents/resume/not-a-token").status_code == 404
    assert len(stored()) == 1


def test_repeated_first_page_and_final_submit_make_one_response(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.get("?lang=en")
    page = r.page
    r2 = respondent()
    r2.page = page
    token_data = {"consent": "yes", "submission_id": page.split('name="submission_id" value="')[1].split('"')[0]}
    r.post("", token_data)
    r2.page = page
    r.page = page
    r.post("", token_data)  # a double tap on the first page
    assert len(stored()) == 1
    complete_first_section(r)
    r.get("/p/2")
    r.post("/p/2", {"action": "next", "district": "outskirts"})
    r.get("/review")
    form = r.page
    assert r.post("/review").location.endswith("/thanks")
    r.page = form
    again = r.post("/review")  # a re-POST of the final submit
    assert again.status_code == 302 and again.location.endswith("/thanks")
    [saved] = stored()
    assert saved["status"] == "complete"
    # Pages of a completed response change nothing.
    r.page = form
    r.client.post("/s/mini-2025/residents/p/1", data={"csrf_token": r.csrf, "action": "next", "uses_egov": "no"})
    assert stored()[0]["answers"]["uses_egov"] == "yes"


def test_closed_unknown_and_draft_rounds(app, mini_round, respondent, make_round, runner):
    mini_round()
    assert respondent("nope-2025").get().status_code == 404
    assert respondent("%00", "%00").get().status_code == 404
    assert respondent("mini-2025", "resid\x00ents").get().status_code == 404
    assert respondent("mini-2025", "business").get().status_code == 404
    make_round(slug="draft-2025", status="draft")
    assert respondent("draft-2025").get().status_code == 404
    runner.invoke(args=["rounds", "close", "mini-2025"])
    closed = respondent().get("?lang=en")
    assert closed.status_code == 410
    assert "Survey closed" in closed.get_data(as_text=True)
    assert "Traceback" not in closed.get_data(as_text=True)


def test_language_from_query_header_and_default(app, mini_round, client):
    mini_round()
    assert "Мини-анкета" in client.get("/s/mini-2025/residents?lang=ru").get_data(as_text=True)
    fresh = app.test_client()
    page = fresh.get("/s/mini-2025/residents", headers={"Accept-Language": "kk-KZ,kk;q=0.9"}).get_data(as_text=True)
    assert "Шағын сауалнама" in page and 'lang="kk"' in page and "Бастау" in page
    assert "Мини-анкета" in app.test_client().get("/s/mini-2025/residents").get_data(as_text=True)
    english = app.test_client().get("/s/mini-2025/residents?lang=en").get_data(as_text=True)
    assert "Mini questionnaire" in english and "Start" in english


def test_oversize_body_is_refused(app, mini_round, respondent, stored):
    mini_round()
    r = respondent()
    r.start("?lang=en")
    r.get("/p/1")
    response = r.post("/p/1", {"action": "next", "uses_egov": "yes", "years": "1" * 70_000})
    assert response.status_code == 413
    assert stored()[0]["answers"] == {}


def test_submits_are_rate_limited_per_address(app, mini_round, respondent):
    mini_round()
    app.config["SCRI_SUBMIT_RATE_LIMIT"] = 3
    try:
        r = respondent()
        r.start("?lang=en")
        r.get("/p/1")
        token = r.csrf
        codes = [
            r.client.post(r.base + "/p/1", data={"csrf_token": token, "action": "next"}).status_code for _ in range(4)
        ]
    finally:
        app.config["SCRI_SUBMIT_RATE_LIMIT"] = 100000
    assert codes[0] == 422 and codes[-1] == 429


def test_nothing_about_the_respondent_is_stored_beyond_answers(app, mini_round, respondent):
    from sqlalchemy import inspect

    from survey_app.extensions import db

    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("response")}
    assert not {"ip", "ip_address", "user_agent", "remote_addr", "email", "name"} & columns
