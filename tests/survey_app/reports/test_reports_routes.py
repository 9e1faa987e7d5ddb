"""Results pages: dashboards, PDF downloads, publishing (permissions, CSRF, audit) and the public page."""

import re

import pytest
from pypdf import PdfReader

from survey_app.reports.formats import Formats

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def shu_coordinator(seed_rounds, make_user):
    return make_user("coordinator", [seed_rounds["shu-2025"]])


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_dashboard_needs_a_login(app, client, seed_rounds, fixture_scores):
    if "console.login" not in app.view_functions:
        pytest.skip("the console's login page (where anonymous visitors are sent) is not there yet")
    response = client.get("/console/rounds/shu-2025/results")
    assert response.status_code in (302, 401)
    assert client.get("/console/rounds/shu-2025/report.pdf").status_code in (302, 401)
    assert client.get("/console/compare?rounds=shu-2025,ayagoz-2025").status_code in (302, 401)


def test_dashboard_shows_the_same_sections_as_the_pdf(client, login, shu_coordinator, fixture_scores):
    login(client, shu_coordinator)
    page = client.get("/console/rounds/shu-2025/results?lang=ru")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for title in (
        "Основные выводы",
        "Готовность по измерениям",
        "Сеть взаимодействия заинтересованных сторон",
        "Рекомендации",
        "Приложение: методика и качество данных",
    ):
        assert title in html
    assert Formats("ru").number(fixture_scores["shu-2025"]["scri"]["score"]) in html
    assert "/console/rounds/shu-2025/report.pdf?lang=kk" in html
    assert "reports.css" in html and "style=" not in html and "<style" not in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_round_of_another_city_is_not_found(client, login, seed_rounds, shu_coordinator, fixture_scores):
    login(client, shu_coordinator)
    assert client.get("/console/rounds/ayagoz-2025/results").status_code == 404
    assert client.get("/console/rounds/ayagoz-2025/report.pdf?lang=en").status_code == 404
    assert client.get("/console/rounds/no-such-round/results").status_code == 404
    assert client.get("/console/compare?rounds=shu-2025,ayagoz-2025").status_code == 404


def test_pdf_download_in_each_language(client, login, shu_coordinator, fixture_scores):
    import io

    login(client, shu_coordinator)
    for lang, title in (("kk", "Негізгі қорытындылар"), ("ru", "Основные выводы"), ("en", "Executive summary")):
        response = client.get(f"/console/rounds/shu-2025/report.pdf?lang={lang}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert f"scri-shu-2025-{lang}.pdf" in response.headers["Content-Disposition"]
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages[:3])
        assert title in text


def test_comparison_page_and_pdf(client, login, seed_rounds, make_user, fixture_scores):
    admin = make_user("admin")
    login(client, admin)
    page = client.get("/console/compare?rounds=shu-2025,ayagoz-2025,shalkar-2025&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Shu" in html and "Ayagoz" in html and "Shalkar" in html and "Rank stability" in html
    assert "/console/compare.pdf?rounds=shu-2025" in html
    response = client.get("/console/compare.pdf?rounds=shu-2025,ayagoz-2025,shalkar-2025&lang=kk")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/console/compare?rounds=shu-2025").status_code == 400


def test_publish_toggle_permissions_csrf_and_audit(app, client, login, seed_rounds, make_user, fixture_scores):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import AuditEvent, SurveyRound

    viewer = make_user("viewer", [seed_rounds["shu-2025"]])
    other = make_user("coordinator", [seed_rounds["ayagoz-2025"]])
    coordinator = make_user("coordinator", [seed_rounds["shu-2025"]])
    admin = make_user("admin")

    login(client, viewer)
    page = client.get("/console/rounds/shu-2025/results?lang=en").get_data(as_text=True)
    assert "Publish the results" not in page
    token = _csrf(page) if CSRF.search(page) else None
    response = client.post(
        "/console/rounds/shu-2025/publish", data={"published": "1", "confirm": "yes", "csrf_token": token or ""}
    )
    assert response.status_code in (400, 403)

    login(client, other)
    page = client.get("/console/rounds/ayagoz-2025/results?lang=en").get_data(as_text=True)
    response = client.post(
        "/console/rounds/shu-2025/publish", data={"published": "1", "confirm": "yes", "csrf_token": _csrf(page)}
    )
    assert response.status_code == 404

    login(client, coordinator)
    page = client.get("/console/rounds/shu-2025/results?lang=en").get_data(as_text=True)
    assert "Publish the results" in page
    assert client.post("/console/rounds/shu-2025/publish", data={"published": "1"}).status_code == 400  # no CSRF
    response = client.post(
        "/console/rounds/shu-2025/publish", data={"published": "1", "confirm": "yes", "csrf_token": _csrf(page)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SurveyRound.results_published).where(SurveyRound.slug == "shu-2025"))
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.results_published")).one()
        assert event.user_id == coordinator and event.city_id == seed_rounds["shu-2025"]

    login(client, admin)
    page = client.get("/console/rounds/shu-2025/results?lang=en").get_data(as_text=True)
    assert "Withdraw from the public page" in page
    response = client.post("/console/rounds/shu-2025/publish", data={"published": "0", "csrf_token": _csrf(page)})
    assert response.status_code == 302
    with app.app_context():
        assert not db.session.scalar(select(SurveyRound.results_published).where(SurveyRound.slug == "shu-2025"))
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.results_withdrawn")).one()


def _publish(app, slug):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import SurveyRound

    with app.app_context():
        db.session.scalars(select(SurveyRound).where(SurveyRound.slug == slug)).one().results_published = True
        db.session.commit()


def test_public_page_is_404_until_published(app, client, seed_rounds, fixture_scores):
    assert client.get("/results/shalkar-2025").status_code == 404
    assert client.get("/results/shalkar-2025/report.pdf?lang=ru").status_code == 404
    assert client.get("/results/no-such-round").status_code == 404
    _publish(app, "shalkar-2025")
    page = client.get("/results/shalkar-2025?lang=ru")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Шалкар" in html and Formats("ru").number(fixture_scores["shalkar-2025"]["scri"]["score"]) in html
    response = client.get("/results/shalkar-2025/report.pdf?lang=kk")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_public_page_shows_no_withheld_value(app, client, seed_rounds, fixture_scores):
    # Plant a value in the suppressed cell: it must never reach the page, the PDF or any average.
    cells = fixture_scores["shalkar-2025"]["constructs"]
    for construct in cells:
        if cells[construct]["international"].get("suppressed"):
            cells[construct]["international"]["score"] = 87.65
            cells[construct]["international"]["ci95"] = [80.01, 95.29]
    _publish(app, "shalkar-2025")
    html = client.get("/results/shalkar-2025?lang=en").get_data(as_text=True)
    assert "withheld" in html and "fewer than 5 respondents" in html
    for planted in ("87.65", "87.7", "80.01", "95.29", "80.0", "95.3"):
        assert planted not in html
    # The international partners' n (3) is not printed either.
    assert re.search(r"International partners</th><td class=\"num\">&lt; 5", html)
    import io

    pdf_text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get("/results/shalkar-2025/report.pdf?lang=en").data)).pages
    )
    assert "87.7" not in pdf_text and "87.65" not in pdf_text


def test_a_round_without_results_is_a_human_page(client, login, seed_rounds, shu_coordinator, monkeypatch):
    from survey_app.services import results as services
    from survey_app.services.errors import ServiceError

    def broken(round_):
        raise ServiceError("round 'shu-2025' has no complete responses yet")

    monkeypatch.setattr(services, "round_result", broken)
    login(client, shu_coordinator)
    response = client.get("/console/rounds/shu-2025/results?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No results yet" in html and "Traceback" not in html
    response = client.get("/console/rounds/shu-2025/report.pdf?lang=en")
    assert response.status_code == 409 and "No results yet" in response.get_data(as_text=True)


def test_a_real_round_without_responses_is_not_an_error(client, login, seed_rounds, shu_coordinator):
    login(client, shu_coordinator)
    response = client.get("/console/rounds/shu-2025/results?lang=ru")
    assert response.status_code == 200
    assert "Результатов пока нет" in response.get_data(as_text=True)


def test_public_page_is_gzipped_and_the_dashboard_with_its_form_is_not(
    app, client, login, shu_coordinator, fixture_scores
):
    import gzip

    _publish(app, "shu-2025")
    response = client.get("/results/shu-2025?lang=kk", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = gzip.decompress(response.data).decode("utf-8")
    assert "Шу" in html and Formats("kk").number(fixture_scores["shu-2025"]["scri"]["score"]) in html
    assert "Content-Encoding" not in client.get("/results/shu-2025?lang=kk").headers  # not asked for
    login(client, shu_coordinator)
    response = client.get("/console/rounds/shu-2025/results?lang=en", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers and "csrf_token" in response.get_data(as_text=True)


def test_dashboard_links_to_a_comparison_of_the_visible_cities(client, login, seed_rounds, make_user, fixture_scores):
    both = make_user("viewer", [seed_rounds["shu-2025"], seed_rounds["shalkar-2025"]])
    login(client, both)
    html = client.get("/console/rounds/shu-2025/results?lang=en").get_data(as_text=True)
    assert "/console/compare?rounds=shu-2025,shalkar-2025" in html and "ayagoz" not in html.split("compare?")[1][:60]


def test_junk_slugs_are_404_never_500(app, client, login, seed_rounds, make_user, fixture_scores):
    login(client, make_user("admin"))
    for junk in ("%00", "..%2f..%2fetc", "a" * 300, "%3Cscript%3E", "shu-2025%00"):
        for path in (f"/console/rounds/{junk}/results", f"/results/{junk}", f"/console/compare?rounds={junk},x"):
            # a NUL byte in a query is a bad request before anything is looked up; elsewhere nothing is found
            expected = 400 if "%00" in junk and "?" in path else 404
            assert client.get(path).status_code == expected, path


def test_compare_without_rounds_offers_a_choice(client, login, seed_rounds, make_user, fixture_scores):
    login(client, make_user("viewer", [seed_rounds["shu-2025"], seed_rounds["ayagoz-2025"]]))
    html = client.get("/console/compare?lang=en").get_data(as_text=True)
    assert 'name="rounds" value="shu-2025"' in html and 'name="rounds" value="ayagoz-2025"' in html
    assert "shalkar-2025" not in html
    response = client.get("/console/compare?rounds=shu-2025&rounds=ayagoz-2025&lang=en")
    assert response.status_code == 200 and "Rank stability" in response.get_data(as_text=True)
