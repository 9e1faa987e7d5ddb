"""Fixtures for the questionnaire: a small purpose-built instrument and a respondent helper."""

from __future__ import annotations

import re

import pytest

INSTRUMENT = """
code: mini_residents
group: residents
version: 1
title: {kk: "Шағын сауалнама", ru: "Мини-анкета", en: "Mini questionnaire"}
intro: {kk: "Кіріспе", ru: "Введение", en: "Introduction"}
sections:
  - code: about
    title: {kk: "Сіз туралы", ru: "О вас", en: "About you"}
    questions:
      - {code: uses_egov, type: yesno, dont_know: true, required: true,
         label: {kk: "eGov қолданасыз ба?", ru: "Пользуетесь eGov?", en: "Do you use eGov?"}}
      - {code: egov_quality, type: likert, scale: quality, required: true, relevant: "uses_egov == 'yes'",
         construct: digital_governance,
         label: {kk: "eGov сапасы", ru: "Качество eGov", en: "Quality of eGov"}}
      - {code: years, type: integer, min: 0, max: 100,
         label: {kk: "Жыл", ru: "Лет", en: "Years in the city"}}
  - code: more
    title: {kk: "Тағы", ru: "Ещё", en: "More"}
    questions:
      - code: district
        type: single
        required: true
        label: {kk: "Аудан", ru: "Район", en: "District"}
        choices:
          - {code: centre, label: {kk: "Орталық", ru: "Центр", en: "Centre"}}
          - {code: outskirts, label: {kk: "Шет", ru: "Окраина", en: "Outskirts"}}
      - code: channels
        type: multiple
        max_choices: 2
        label: {kk: "Арналар", ru: "Каналы", en: "Channels"}
        choices:
          - {code: site, label: {kk: "Сайт", ru: "Сайт", en: "Website"}}
          - {code: tv, label: {kk: "ТД", ru: "ТВ", en: "TV"}}
          - {code: radio, label: {kk: "Радио", ru: "Радио", en: "Radio"}}
      - {code: share, type: decimal, min: 0, max: 100,
         label: {kk: "Үлес", ru: "Доля", en: "Share"}}
      - {code: comment, type: text, max_length: 20,
         label: {kk: "Пікір", ru: "Комментарий", en: "Comment"}}
      - code: partners
        type: ties
        label: {kk: "Серіктестер", ru: "Партнёры", en: "Partners"}
        choices:
          - {code: akimat, sector: government, label: {kk: "Әкімдік", ru: "Акимат", en: "Akimat"}}
          - {code: university, sector: academia, label: {kk: "ЖОО", ru: "Вуз", en: "University"}}
"""

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMISSION_RE = re.compile(r'name="submission_id" value="([^"]+)"')


@pytest.fixture
def mini_round(app, make_city):
    """An open round whose residents answer the mini instrument (open link); returns the slug."""
    from instruments.loader import load_instrument_text
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds
    from survey_app.services.instruments import store_instrument

    def make(slug="mini-2025", access="open", anonymous=True):
        with app.app_context():
            city_id = make_city()
            row = store_instrument(load_instrument_text(INSTRUMENT, "mini.yaml"))
            round_ = rounds.create_round(
                db.session.get(City, city_id),
                slug,
                ["residents"],
                instruments={"residents": row},
                access={"residents": access},
                anonymous=anonymous,
                year=2025,
            )
            rounds.open_round(round_)
            db.session.commit()
            return slug

    return make


class Respondent:
    """A browser-like client: keeps cookies, reads CSRF tokens from the last page."""

    def __init__(self, client, base):
        self.client = client
        self.base = base
        self.page = ""

    def get(self, path="", **kw):
        response = self.client.get(self.base + path, **kw)
        self.page = response.get_data(as_text=True)
        return response

    @property
    def csrf(self):
        return CSRF_RE.search(self.page).group(1)

    def post(self, path="", data=None, **kw):
        body = {"csrf_token": self.csrf, **(data or {})}
        response = self.client.post(self.base + path, data=body, **kw)
        self.page = response.get_data(as_text=True)
        return response

    def start(self, query=""):
        self.get(query)
        submission = SUBMISSION_RE.search(self.page).group(1)
        data = {"submission_id": submission, "consent": "yes"}
        if "t=" in query:
            data["t"] = query.split("t=", 1)[1]
        response = self.post(query.split("?")[0] if "?" in query else "", data)
        return response, submission


@pytest.fixture
def respondent(client):
    def make(slug="mini-2025", group="residents"):
        return Respondent(client, f"/s/{slug}/{group}")

    return make


@pytest.fixture
def stored(app):
    """Function: the round's responses with their answers, as plain values."""
    return lambda slug="mini-2025": _stored(app, slug)


def _stored(app, slug):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Answer, Response, SurveyRound

    with app.app_context():
        round_id = db.session.scalar(select(SurveyRound.id).where(SurveyRound.slug == slug))
        responses = db.session.scalars(select(Response).where(Response.round_id == round_id)).all()
        out = []
        for r in responses:
            answers = {
                a.question_code: (
                    a.value_num
                    if a.value_num is not None
                    else a.value_json
                    if a.value_json is not None
                    else a.value_text
                )
                for a in db.session.scalars(select(Answer).where(Answer.response_id == r.id))
            }
            out.append(
                {
                    "id": r.id,
                    "status": r.status,
                    "language": r.language,
                    "answers": answers,
                    "invitation_id": r.invitation_id,
                    "device_hash": r.device_hash,
                    "mode": r.mode,
                }
            )
        return out
