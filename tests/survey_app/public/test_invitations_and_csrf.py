"""Invitation-only groups and CSRF protection of the questionnaire."""

import pytest


def _invite(app, slug="mini-2025"):
    from sqlalchemy import select

    from survey_app.auth import hash_token, new_token
    from survey_app.extensions import db
    from survey_app.models import Invitation, SurveyRound

    token = new_token("inv_")
    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug))
        invitation = Invitation(
            round_id=round_id, group="residents", organisation="Org", sector="ngo", token_hash=hash_token(token)
        )
        db.session.add(invitation)
        db.session.commit()
        return token, invitation.id


def _finish(r):
    r.get("/p/1")
    r.post("/p/1", {"action": "next", "uses_egov": "no"})
    r.get("/p/2")
    r.post("/p/2", {"action": "next", "district": "centre"})
    r.get("/review")
    return r.post("/review")


@pytest.mark.parametrize("anonymous", [True, False])
def test_invitation_is_single_use_and_anonymous_rounds_keep_no_link(app, mini_round, respondent, anonymous, stored):
    mini_round(access="invitation", anonymous=anonymous)
    token, invitation_id = _invite(app)
    without = respondent()
    assert without.get("?lang=en").status_code == 403
    assert "Invitation needed" in without.page
    unknown = respondent()
    assert unknown.get("?lang=en&t=inv_guess").status_code == 403
    assert "Invitation not recognised" in unknown.page
    r = respondent()
    r.start(f"?lang=en&t={token}")
    assert _finish(r).location.endswith("/thanks")
    [saved] = stored()
    assert saved["status"] == "complete"
    assert saved["invitation_id"] == (None if anonymous else invitation_id)
    from survey_app.extensions import db
    from survey_app.models import Invitation

    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation.used_at is not None and invitation.started_at is not None
    again = app.test_client().get(f"/s/mini-2025/residents?lang=en&t={token}")
    assert again.status_code == 403
    assert "Invitation already used" in again.get_data(as_text=True)


def test_missing_or_wrong_csrf_token_is_refused_and_nothing_stored(app, mini_round, stored):
    mini_round()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.get("/s/mini-2025/residents?lang=en").get_data(as_text=True)
        submission = page.split('name="submission_id" value="')[1].split('"')[0]
        no_token = client.post("/s/mini-2025/residents", data={"submission_id": submission, "consent": "yes"})
        wrong = client.post(
            "/s/mini-2025/residents", data={"submission_id": submission, "consent": "yes", "csrf_token": "forged"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    for response in (no_token, wrong):
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert "Your form has expired" in body and "Traceback" not in body
    assert stored() == []


def test_an_invitation_posted_by_several_browsers_at_once_starts_one_response(app, mini_round, stored):
    import re
    import threading

    mini_round(access="invitation")
    token, _ = _invite(app)
    browsers = [app.test_client() for _ in range(4)]
    forms, pages = [], [""] * len(browsers)
    for browser in browsers:
        page = browser.get(f"/s/mini-2025/residents?lang=en&t={token}").get_data(as_text=True)
        field = {
            name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
            for name in ("csrf_token", "submission_id")
        }
        forms.append({**field, "consent": "yes", "t": token})
    barrier = threading.Barrier(len(browsers))
    statuses = [None] * len(browsers)

    def consent(i):
        barrier.wait()
        response = browsers[i].post("/s/mini-2025/residents", data=forms[i])
        statuses[i], pages[i] = response.status_code, response.get_data(as_text=True)

    threads = [threading.Thread(target=consent, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 403, 403, 403], statuses
    assert len(stored()) == 1
    refused = [page for page, status in zip(pages, statuses, strict=True) if status == 403]
    assert all("Invitation already used" in page and "Traceback" not in page for page in refused)


def _consent_form(client, query="?lang=en"):
    page = client.get(f"/s/mini-2025/residents{query}").get_data(as_text=True)
    fields = ("csrf_token", "submission_id")
    return {name: page.split(f'name="{name}" value="')[1].split('"')[0] for name in fields} | {"consent": "yes"}


def test_a_second_browser_posting_the_same_submission_gets_no_resume_token(app, mini_round, stored):
    mini_round()
    first = app.test_client()
    form = _consent_form(first)
    response = first.post("/s/mini-2025/residents", data=form)
    assert response.status_code == 302 and "scri_resume" in response.headers.get("Set-Cookie", "")
    again = first.post("/s/mini-2025/residents", data=form)  # the same browser sends the form again
    assert again.status_code == 302 and again.location.endswith("/p/1")  # it carries on, it is not refused
    other = app.test_client()
    stolen = other.post("/s/mini-2025/residents", data={**_consent_form(other), "submission_id": form["submission_id"]})
    assert stolen.status_code == 403 and "scri_resume" not in stolen.headers.get("Set-Cookie", "")
    assert "Already started in another browser" in stolen.get_data(as_text=True)
    assert len(stored()) == 1


def test_a_refused_respondent_reads_words_not_an_http_code(app, mini_round):
    mini_round(access="invitation")
    for lang, words in (("ru", "Код ошибки"), ("kk", "Қате коды"), ("en", "Error code")):
        page = app.test_client().get(f"/s/mini-2025/residents?lang={lang}")
        body = page.get_data(as_text=True)
        assert page.status_code == 403 and words not in body and "403" not in body.split("<main", 1)[-1]
