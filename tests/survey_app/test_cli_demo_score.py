"""`scri demo`, `scri rounds ...` and `scri score` as a user runs them."""

import json

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import City, IndicatorValue, Response, SurveyRound


def _counts(app):
    with app.app_context():
        return {
            "cities": db.session.scalar(select(func.count(City.id))),
            "rounds": db.session.scalar(select(func.count(SurveyRound.id))),
            "responses": db.session.scalar(select(func.count(Response.id))),
            "indicators": db.session.scalar(select(func.count(IndicatorValue.id))),
        }


def test_demo_loads_three_cities_and_is_safe_to_run_twice(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = _counts(app)
    assert first["cities"] == 3
    assert first["rounds"] == 4  # an open round per city and last year's closed round of Shu
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert _counts(app) == first

    listed = json.loads(runner.invoke(args=["rounds", "list", "--format", "json"]).output)
    by_slug = {r["slug"]: r for r in listed}
    assert set(by_slug) == {"shu-2024", "shu-2025", "ayagoz-2025", "shalkar-2025"}
    assert by_slug["shu-2025"]["status"] == "open"
    assert by_slug["shu-2024"]["status"] == "closed"
    assert set(by_slug["ayagoz-2025"]) >= {"slug", "city", "status", "groups", "responses"}
    assert by_slug["ayagoz-2025"]["city"] == "Ayagoz"
    assert len(by_slug["ayagoz-2025"]["groups"]) == 6
    with app.app_context():
        shalkar = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shalkar-2025"))
        per_group = dict(
            db.session.execute(
                select(Response.group, func.count())
                .where(Response.round_id == shalkar.id, Response.status == "complete")
                .group_by(Response.group)
            ).all()
        )
    assert 110 <= per_group["residents"] <= 130
    assert per_group["international"] < 5
    assert all(10 <= per_group[g] <= 30 for g in ("business", "academia", "civil_society", "government"))


def test_score_of_the_demo_round_fills_every_part_or_marks_it(demo_app):
    runner = demo_app.test_cli_runner()  # the demo, built once per session
    result = runner.invoke(args=["score", "--round", "shalkar-2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["round"] == "shalkar-2025" and doc["city"] == "Shalkar"
    assert 0 <= doc["scri"]["score"] <= 100
    assert doc["scri"]["level"] in {"low", "medium", "high"}
    assert set(doc["dimensions"]) == {
        "digital_infrastructure",
        "economic_potential",
        "environmental_sustainability",
        "public_private_partnership",
        "governance",
        "stakeholder_engagement",
    }
    for dim in doc["dimensions"].values():
        assert dim["score"] is not None or dim.get("missing")
    trust = doc["constructs"]["trust"]
    assert trust["international"] == {"suppressed": True, "n": trust["international"]["n"]}
    assert trust["international"]["n"] < 5
    low, high = trust["residents"]["ci95"]
    assert low <= trust["residents"]["score"] <= high
    assert doc["groups"]["residents"]["target"] == 150
    assert doc["network"]["nodes"] > 0 and doc["network"]["edges"] > 0
    assert doc["sensitivity"]["score_p05"] <= doc["scri"]["score"] <= doc["sensitivity"]["score_p95"]
    assert doc["subscores"]["stakeholder_engagement"] is not None
    assert "NaN" not in result.output


def test_demo_shu_is_the_most_ready_and_shows_change(demo_app):
    runner = demo_app.test_cli_runner()  # the demo, built once per session
    scores = {}
    for slug in ("shu-2025", "ayagoz-2025", "shalkar-2025"):
        doc = json.loads(runner.invoke(args=["score", "--round", slug]).output)
        scores[slug] = doc["scri"]["score"]
        if slug == "shu-2025":
            assert doc["change"]["previous_round"] == "shu-2024"
    assert scores["shu-2025"] > scores["ayagoz-2025"] and scores["shu-2025"] > scores["shalkar-2025"]


def test_rounds_commands_refuse_bad_input_with_one_line(app, runner, make_city):
    make_city()
    bad_city = runner.invoke(
        args=["rounds", "create", "--city", "Atlantis", "--slug", "x-2025", "--groups", "residents"]
    )
    assert bad_city.exit_code == 2
    assert "unknown city 'Atlantis'" in bad_city.output and "Traceback" not in bad_city.output
    bad_group = runner.invoke(
        args=["rounds", "create", "--city", "Shu", "--slug", "shu-2026", "--groups", "residents,farmers"]
    )
    assert bad_group.exit_code == 2 and "Unknown group 'farmers'" in bad_group.output
    ok = runner.invoke(
        args=["rounds", "create", "--city", "шу", "--slug", "shu-2026", "--groups", "residents,business", "--open"]
    )
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["rounds", "create", "--city", "Shu", "--slug", "shu-2026", "--groups", "residents"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(args=["rounds", "close", "shu-2026"]).exit_code == 0
    listed = json.loads(runner.invoke(args=["rounds", "list", "--format", "json"]).output)
    assert listed == [
        {
            "slug": "shu-2026",
            "city": "Shu",
            "year": listed[0]["year"],
            "status": "closed",
            "kind": "round",
            "groups": ["residents", "business"],
            "responses": {"complete": 0, "partial": 0},
        }
    ]
    unknown = runner.invoke(args=["rounds", "open", "nope"])
    assert unknown.exit_code == 2 and "Unknown round 'nope'." in unknown.output


def test_score_of_an_empty_round_is_a_clear_error(app, runner, make_round):
    make_round(slug="empty-2025")
    result = runner.invoke(args=["score", "--round", "empty-2025"])
    assert result.exit_code == 2
    assert "no complete responses" in result.output


def test_instruments_validate_lists_every_problem(tmp_path, runner):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: x\ngroup: residents\nversion: 1\ntitle: {kk: a, ru: b}\nintro: {kk: a, ru: b, en: c}\n"
        "sections:\n- code: s\n  title: {kk: a, ru: b, en: c}\n  questions:\n"
        "  - {code: q1, type: likert, scale: nope, label: {kk: a, ru: b, en: c}}\n"
        "  - {code: q2, type: integer, min: 5, max: 1, label: {kk: a, ru: b, en: c}, relevant: \"q9 == 'x'\"}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["instruments", "validate", str(bad)])
    assert result.exit_code == 2
    assert "missing translation: title in 'en'" in result.output
    assert "q1: unknown scale 'nope'" in result.output
    assert "q2: min must be less than max" in result.output
    assert "q2: relevant refers to 'q9', which is not an earlier question" in result.output


def test_commands_on_a_database_without_schema_say_to_run_init(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from survey_app.cli import main

    monkeypatch.setenv("SCRI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["rounds", "list"])
    assert result.exit_code == 2
    assert "run: scri init" in result.output and "Traceback" not in result.output
