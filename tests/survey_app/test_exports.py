"""Exports read back as a user would: CSV with the csv module, XLSX with openpyxl; streamed and city-scoped."""

from __future__ import annotations

import copy
import csv
import io
import math
import re
import uuid
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from instruments.model import from_definition
from survey_app.extensions import db
from survey_app.models import Answer, AuditEvent, City, Response, SurveyRound
from survey_app.services import exports
from survey_app.services.answers import encode
from survey_app.services.instruments import instrument_definition, store_instrument
from survey_app.services.users import create_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a long password 1"
BASE = [
    "response_id",
    "group",
    "language",
    "status",
    "started_at",
    "submitted_at",
    "mode",
    "flags",
    "excluded",
    "paper_number",
]


def add_response(
    round_slug: str,
    group: str,
    answers: dict,
    status: str = "complete",
    language: str = "ru",
    instrument_id: int | None = None,
) -> int:
    """One response with typed answers (stored through the one answer encoding); call in an app context."""
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == round_slug))
    round_group = next(g for g in round_.groups if g.group == group)
    instrument_row = round_group.instrument if instrument_id is None else None
    if instrument_row is None:
        from survey_app.models import Instrument

        instrument_row = db.session.get(Instrument, instrument_id)
    definition = instrument_definition(instrument_row)
    response = Response(
        round_id=round_.id,
        group=group,
        instrument_id=instrument_row.id,
        language=language,
        status=status,
        client_submission_id=uuid.uuid4().hex,
        resume_token_hash=uuid.uuid4().hex,
        started_at=datetime(2025, 5, 1, 9, 0, tzinfo=UTC),
        submitted_at=datetime(2025, 5, 1, 9, 20, tzinfo=UTC) if status == "complete" else None,
    )
    db.session.add(response)
    db.session.flush()
    for code, value in answers.items():
        db.session.add(Answer(response_id=response.id, question_code=code, **encode(definition.question(code), value)))
    db.session.commit()
    return response.id


@pytest.fixture
def shu_round(app, make_round):
    """shu-2025 with residents and business: two complete responses and one partial."""
    slug = make_round()
    with app.app_context():
        add_response(
            slug,
            "residents",
            {
                "age_band": "30_44",
                "sex": "female",
                "years_in_city": 12,
                "info_sources": ["akimat_site", "messengers"],
                "pe_consulted": 4,
                "pe_meeting": "yes",
                "mo_intl": "dont_know",
                "suggestion": "=cmd()",
            },
            language="kk",
        )
        add_response(
            slug,
            "business",
            {
                "org_type": "sme",
                "pe_consulted": 2,
                "partners": {"city_akimat": "weekly", "sme": "rarely"},
                "cashless_share": 12.5,
                "pe_meeting": "no",
            },
        )
        add_response(slug, "residents", {"age_band": "18_29"}, status="partial")
    return slug


def user(app, email, role, slugs=()):
    with app.app_context():
        ids = [c.id for c in db.session.scalars(select(City)) if c.slug in slugs]
        create_user(email, PASSWORD, role, ids)
        db.session.commit()


def login(client, email):
    page = client.get("/console/login").get_data(as_text=True)
    client.post("/console/login", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD})


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "the CSV starts with a BOM so spreadsheets read Cyrillic"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_download_is_streamed_with_decoded_values(app, client, shu_round):
    user(app, "c@shu.kz", "coordinator", ("shu",))
    login(client, "c@shu.kz")
    response = client.get(f"/console/rounds/{shu_round}/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text[1:])))
    assert header[:10] == BASE
    # residents' questions first (questionnaire order), then business'; the shared code is kept apart by group.
    assert header.index("residents.age_band") < header.index("residents.sex") < header.index("business.org_type")
    assert "residents.pe_consulted" in header and "business.pe_consulted" in header
    assert "residents.info_sources" not in header and "residents.info_sources__neighbours" in header
    assert "business.partners__national_gov" in header
    rows = read_csv(text)
    assert [r["status"] for r in rows] == ["complete", "complete"]
    resident, business = rows
    assert resident["group"] == "residents" and resident["language"] == "kk"
    # An anonymous round gives the day only (a time to the second could pick out a respondent).
    assert resident["started_at"] == "2025-05-01" and resident["submitted_at"] == "2025-05-01"
    assert resident["residents.age_band"] == "30_44" and resident["residents.years_in_city"] == "12"
    assert resident["residents.pe_consulted"] == "4" and resident["residents.pe_meeting"] == "yes"
    assert resident["residents.mo_intl"] == "dont_know"
    assert resident["residents.info_sources__akimat_site"] == "1"
    assert resident["residents.info_sources__messengers"] == "1"
    assert resident["residents.info_sources__neighbours"] == "0"
    assert resident["residents.suggestion"] == "'=cmd()"  # neutralised: a spreadsheet shows it as text
    assert resident["business.pe_consulted"] == ""
    assert business["business.partners__city_akimat"] == "weekly" and business["business.partners__sme"] == "rarely"
    assert business["business.partners__national_gov"] == ""
    assert business["business.cashless_share"] == "12.5" and business["business.pe_meeting"] == "no"
    assert business["residents.info_sources__akimat_site"] == ""  # not asked of this group: blank, not 0

    with_partial = read_csv(client.get(f"/console/rounds/{shu_round}/export.csv?partial=1").get_data(as_text=True))
    assert [r["status"] for r in with_partial] == ["complete", "complete", "partial"]
    assert with_partial[2]["submitted_at"] == "" and with_partial[2]["residents.age_band"] == "18_29"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.export")).all()
        assert [e.details for e in events] == [{"format": "csv", "partial": False}, {"format": "csv", "partial": True}]


def test_header_order_is_stable_and_batches_do_not_change_the_rows(app, shu_round, monkeypatch):
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == shu_round))
        first = "".join(exports.csv_chunks(round_, True))
        monkeypatch.setattr(exports, "BATCH", 1)
        assert "".join(exports.csv_chunks(round_.id, True)) == first
        assert exports.response_count(round_) == 2 and exports.response_count(round_, True) == 3


def test_a_later_instrument_version_appends_its_new_questions(app, shu_round):
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == shu_round))
        v1 = next(g.instrument for g in round_.groups if g.group == "residents")
        definition = copy.deepcopy(v1.definition)
        definition["version"] = v1.version + 1
        definition["sections"][-1]["questions"].append(
            {
                "code": "bike_lanes",
                "type": "yesno",
                "label": {"kk": "Веложолдар?", "ru": "Велодорожки?", "en": "Bike lanes?"},
            }
        )
        v2 = store_instrument(from_definition(definition))
        db.session.commit()
        add_response(shu_round, "residents", {"age_band": "60_plus", "bike_lanes": "yes"}, instrument_id=v2.id)
        header = next(exports.rows(round_))
        rows = [dict(zip(header, r, strict=True)) for r in list(exports.rows(round_))[1:]]
    assert (
        header.index("residents.suggestion") < header.index("residents.bike_lanes") < header.index("business.org_type")
    )
    assert header.count("residents.age_band") == 1
    assert [r["residents.bike_lanes"] for r in rows] == [None, None, "yes"]


def test_xlsx_has_responses_and_codebook(app, client, shu_round):
    user(app, "v@shu.kz", "viewer", ("shu",))
    login(client, "v@shu.kz")  # a viewer may download: the export only reads
    response = client.get(f"/console/rounds/{shu_round}/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["responses", "codebook"]
    sheet = [list(r) for r in book["responses"].iter_rows(values_only=True)]
    header = sheet[0]
    sheet = [r + [None] * (len(header) - len(r)) for r in sheet]  # read-only mode drops trailing empty cells
    csv_header = next(
        csv.reader(io.StringIO(client.get(f"/console/rounds/{shu_round}/export.csv").get_data(as_text=True)[1:]))
    )
    assert header == csv_header and len(sheet) == 3
    resident = dict(zip(header, sheet[1], strict=True))
    assert resident["residents.pe_consulted"] == 4 and resident["residents.info_sources__neighbours"] == 0
    assert resident["residents.suggestion"] == "'=cmd()"

    codebook = [list(r) for r in book["codebook"].iter_rows(values_only=True)]
    assert codebook[0][:4] == ["column", "group", "question", "type"]
    columns = {row[0] for row in codebook[1:]}
    assert set(header[10:]) == columns  # every exported column is explained
    sex = [r for r in codebook if r[0] == "residents.sex"]
    assert [r[9] for r in sex] == ["male", "female", "prefer_not_to_say"]
    assert sex[0][7] == "Ваш пол" and all(r[6] and r[8] for r in sex)
    multi = [r for r in codebook if r[0] == "residents.info_sources__messengers"]
    assert len(multi) == 1 and multi[0][3] == "multiple" and multi[0][9] == 1
    ties = [r for r in codebook if r[0] == "business.partners__sme"]
    assert [r[9] for r in ties] == ["rarely", "monthly", "weekly"]
    yesno = [r[9] for r in codebook if r[0] == "residents.mo_intl"]
    assert yesno == ["yes", "no", "dont_know"]
    likert = [r for r in codebook if r[0] == "residents.pe_consulted"]
    assert [r[9] for r in likert] == [1, 2, 3, 4, 5] and likert[0][4] == "public_engagement"


def test_formula_like_text_is_neutralised():
    for text in ("=1+1", "+7 701", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert exports.safe_cell(text) == "'" + text
    assert exports.safe_cell("Шу") == "Шу" and exports.safe_cell(5) == 5 and exports.safe_cell(None) is None


def test_export_is_city_scoped(app, client, shu_round, make_city):
    make_city(slug="ayagoz", en="Ayagoz", ru="Аягоз", kk="Аягөз")
    assert client.get(f"/console/rounds/{shu_round}/export.csv").status_code == 302  # to the sign-in page
    user(app, "a@ayagoz.kz", "coordinator", ("ayagoz",))
    login(client, "a@ayagoz.kz")
    assert client.get(f"/console/rounds/{shu_round}/export.csv").status_code == 404
    assert client.get(f"/console/rounds/{shu_round}/export.xlsx").status_code == 404
    assert client.get("/console/rounds/nope/export.csv").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "round.export")) is None


def test_export_command(app, runner, shu_round, tmp_path):
    out = tmp_path / "shu.csv"
    result = runner.invoke(args=["export", "--round", shu_round, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1 and "2 response(s)" in result.output
    rows = read_csv(out.read_text(encoding="utf-8"))
    assert len(rows) == 2 and list(rows[0])[:10] == BASE
    partial = runner.invoke(args=["export", "--round", shu_round, "--format", "csv", "-o", str(out), "--partial"])
    assert partial.exit_code == 0 and len(read_csv(out.read_text(encoding="utf-8"))) == 3
    book_path = tmp_path / "shu.xlsx"
    assert runner.invoke(args=["export", "--round", shu_round, "--format", "xlsx", "-o", str(book_path)]).exit_code == 0
    assert load_workbook(book_path, read_only=True).sheetnames == ["responses", "codebook"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".scri-export-")]

    for args, message in (
        (["--round", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv")], "Unknown round"),
        (["--round", shu_round, "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")], "does not exist"),
        (["--round", shu_round, "--format", "csv", "-o", str(tmp_path)], "is a folder"),
        (["--round", shu_round, "--format", "pdf", "-o", str(tmp_path / "x.pdf")], "pdf"),
    ):
        bad = runner.invoke(args=["export", *args])
        assert bad.exit_code == 2 and message in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "x.csv").exists()


def read_sav(content: bytes, tmp_path):
    import pyreadstat

    path = tmp_path / "export.sav"
    path.write_bytes(content)
    return pyreadstat.read_sav(str(path))


def test_spss_file_has_typed_values_and_labels_in_the_page_language(app, client, shu_round, tmp_path):
    user(app, "c@shu.kz", "coordinator", ("shu",))
    login(client, "c@shu.kz")
    response = client.get(f"/console/rounds/{shu_round}/export.sav?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/x-spss-sav"
    assert 'filename="scri-shu-2025.sav"' in response.headers["Content-Disposition"]
    df, meta = read_sav(response.get_data(), tmp_path)
    assert list(df.columns[:10]) == BASE and len(df) == 2
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    resident, business = df.iloc[0], df.iloc[1]
    assert resident["group"] == "residents" and resident["language"] == "kk"
    assert str(resident["started_at"]) == "2025-05-01 00:00:00"  # the day only: the round is anonymous
    # a likert item keeps its scale value, labelled with the scale's words
    assert resident["residents.pe_consulted"] == 4
    assert meta.variable_value_labels["residents.pe_consulted"][4]
    assert meta.variable_measure["residents.pe_consulted"] == "ordinal"
    # yes/no as 1/0/9 with Russian labels; a single choice by its position in the questionnaire
    assert resident["residents.pe_meeting"] == 1 and business["business.pe_meeting"] == 0
    assert resident["residents.mo_intl"] == 9
    assert meta.variable_value_labels["residents.pe_meeting"] == {1.0: "Да", 0.0: "Нет"}
    assert meta.variable_value_labels["residents.mo_intl"][9.0] == "Затрудняюсь ответить"  # offered there only
    sex_labels = meta.variable_value_labels["residents.sex"]
    assert sex_labels[resident["residents.sex"]] and meta.variable_measure["residents.sex"] == "nominal"
    # multiple choice: 1/0 per choice; ties: the frequency as a labelled 1–3
    assert resident["residents.info_sources__akimat_site"] == 1
    assert resident["residents.info_sources__neighbours"] == 0
    assert math.isnan(business["residents.info_sources__akimat_site"])  # not asked: missing, not 0
    assert meta.variable_value_labels["business.partners__city_akimat"][business["business.partners__city_akimat"]]
    assert business["business.partners__city_akimat"] > business["business.partners__sme"]
    assert business["business.cashless_share"] == 12.5 and resident["residents.years_in_city"] == 12
    assert resident["residents.suggestion"] == "=cmd()"  # SPSS runs no formulas: the text as typed
    assert labels["group"] == "Группа заинтересованных сторон"
    assert ":" in labels["residents.info_sources__akimat_site"]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.export")).one()
        assert event.details == {"format": "sav", "partial": False}


def test_spss_export_of_a_round_without_answers_and_the_command(app, runner, make_round, shu_round, tmp_path):
    empty = make_round(slug="empty-2025", groups=("residents",))
    out = tmp_path / "empty.sav"
    result = runner.invoke(args=["export", "--round", empty, "--format", "sav", "-o", str(out)])
    assert result.exit_code == 0, result.output
    df, _meta = read_sav(out.read_bytes(), tmp_path)
    assert len(df) == 0 and "residents.age_band" in df.columns
    result = runner.invoke(
        args=["export", "--round", shu_round, "--format", "sav", "--lang", "kk", "--partial", "-o", str(out)]
    )
    assert result.exit_code == 0 and "3 response(s)" in result.output
    df, meta = read_sav(out.read_bytes(), tmp_path)
    assert list(df["status"]) == ["complete", "complete", "partial"]
    assert meta.variable_value_labels["residents.pe_meeting"][1.0] == "Иә"
    bad = runner.invoke(args=["export", "--round", shu_round, "--format", "sav", "--lang", "de", "-o", str(out)])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_spss_names_are_valid_and_unique():
    from survey_app.services.exports_spss import spss_names

    names = spss_names(["response_id", "residents.q-1", "Residents.Q_1", "1st", "x" * 80, "x" * 80 + "y", "a."])
    assert names[0] == "response_id" and names[1] == "residents.q_1"
    assert names[2].lower() != names[1].lower() and names[3] == "v_1st"
    assert all(len(n.encode()) <= 64 for n in names) and len({n.lower() for n in names}) == len(names)
    assert names[6] == "a"


def test_spss_rows_typed_in_chunks_equal_rows_typed_at_once(app, shu_round, monkeypatch):
    from survey_app.services import exports_spss

    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == shu_round))
        whole, _meta = exports_spss.frame(round_, include_partial=True)
        monkeypatch.setattr(exports_spss, "CHUNK", 1)
        chunked, _meta = exports_spss.frame(round_, include_partial=True)
    assert len(whole) == 3
    assert chunked.equals(whole) and list(chunked.dtypes) == list(whole.dtypes)


def test_response_times_are_to_the_second_or_the_day_in_an_anonymous_round():
    from datetime import UTC, datetime

    when = datetime(2025, 5, 1, 9, 20, 7, 123456, tzinfo=UTC)
    assert exports.response_time(when, anonymous=False) == "2025-05-01T09:20:07Z"
    assert exports.response_time(when, anonymous=True) == "2025-05-01"
    assert exports.response_time(None, anonymous=True) is None


def test_a_text_answer_with_formulas_after_separators_stays_one_quoted_cell(app, shu_round):
    from survey_app.models import SurveyRound

    hostile = "ok;-2+3;+cmd|' /C calc'!A0"
    with app.app_context():
        text_question = next(
            q.code
            for q in exports.instrument_definition(
                db.session.scalar(select(SurveyRound).where(SurveyRound.slug == shu_round)).groups[0].instrument
            ).questions
            if q.type == "text"
        )
        add_response(shu_round, "residents", {text_question: hostile})
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == shu_round))
        text = "".join(exports.csv_chunks(round_, True))
    assert f'"{hostile}"' in text  # one quoted field: a ";" spreadsheet does not split it into formulas
    for semicolon_cell in (c for line in text.splitlines()[1:] for c in next(csv.reader([line]))):
        assert not semicolon_cell.startswith(exports.FORMULA_START)
    header = text.lstrip("\ufeff").splitlines()[0]
    assert header.startswith('"response_id","group"')  # every text field quoted, so ";" never splits one
