"""What the console tests share: CSRF tokens, counts, the forms of a new city and of round settings, issued links."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Instrument, SurveyRound

PASSWORD = "a long password 1"  # the password tests/survey_app/console/conftest.py gives every account
CSRF = re.compile(r'name="((?:[a-z0-9]+-)?csrf_token)"[^>]*value="([^"]+)"')
GROUPS = ("residents", "business", "academia", "civil_society", "government", "international")
LINK = re.compile(r"<code>(https?://[^<]+)</code>")
GENERIC = "The e-mail or password is not right"


# --- helpers -------------------------------------------------------------------------------------------


def csrf_token(client, path: str = "/console/login?lang=en") -> str:
    """The CSRF token of the first form on a page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(2)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _audit_actions(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        # In the order they were written (PostgreSQL returns rows in no set order without ORDER BY).
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return rows


def _new_city_data(client, **overrides) -> dict:
    data = {
        "new-csrf_token": csrf_token(client, "/console/cities?lang=en"),
        "new-slug": "taraz",
        "new-name_kk": "Тараз",
        "new-name_ru": "Тараз",
        "new-name_en": "Taraz",
        "new-region": "Zhambyl",
        "new-population": "358000",
    }
    data.update(overrides)
    return data


def _city_form(client, city_id):
    """The prefix of city `city_id`'s form on the cities page and what it posts for Shu (its token included)."""
    page = client.get("/console/cities").get_data(as_text=True)
    token = re.search(rf'name="c{city_id}-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    prefix = f"c{city_id}-"
    data = {
        "city_id": str(city_id),
        prefix + "csrf_token": token,
        prefix + "name_kk": "Шу",
        prefix + "name_ru": "Шу",
        prefix + "name_en": "Shu",
        prefix + "region": "Zhambyl",
        prefix + "population": "37000",
    }
    return prefix, data


MARGINS = {
    "new-m_sex_male": "0.48",
    "new-m_sex_female": "0.52",
    "new-m_age_band_18_29": "0.3",
    "new-m_age_band_30_44": "0.3",
    "new-m_age_band_45_59": "0.2",
    "new-m_age_band_60_plus": "0.2",
}


def _round_state(app, slug: str) -> dict:
    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
        return {
            "title": round_.title,
            "status": round_.status,
            "anonymous": round_.anonymous,
            "opens_at": round_.opens_at,
            "closes_at": round_.closes_at,
            "groups": {g.group: (g.access, g.instrument_id, g.target_n) for g in round_.groups},
        }


def _approved_instrument(app, group: str) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(Instrument.id)
            .where(Instrument.group == group, Instrument.approved.is_(True))
            .order_by(Instrument.version.desc())
        )


def _edit_data(app, client, slug: str, *, frozen: bool = False, **overrides) -> dict:
    """What the settings form would post unchanged (then the overrides)."""
    state = _round_state(app, slug)
    data = {
        "csrf_token": csrf_token(client, f"/console/rounds/{slug}/edit?lang=en"),
        "title": state["title"] or "",
        "opens_at": "",
        "closes_at": "",
    }
    if state["anonymous"]:
        data["anonymous"] = "y"
    for group in GROUPS:
        current = state["groups"].get(group)
        if frozen:
            if current:
                data[f"target_{group}"] = str(current[2])
            continue
        data[f"target_{group}"] = str(current[2] if current else 20)
        if current:
            data[f"use_{group}"] = "y"
            data[f"access_{group}"] = current[0]
            data[f"instrument_{group}"] = str(current[1])
        else:
            data[f"access_{group}"] = "invitation"
            instrument = _approved_instrument(app, group)
            if instrument:
                data[f"instrument_{group}"] = str(instrument)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _issue(client, slug="shu-2025", count=3, output="screen", group="business"):
    data = {
        "csrf_token": csrf_token(client, f"/console/rounds/{slug}?lang=en"),
        "group": group,
        "count": str(count),
        "output": output,
    }
    return client.post(f"/console/rounds/{slug}/invitations?lang=en", data=data, content_type="multipart/form-data")


def _links(response) -> list[str]:
    return LINK.findall(response.get_data(as_text=True))


def _token(link: str) -> str:
    return link.rsplit("?t=", 1)[1]


# --- 1. adding a city ------------------------------------------------------------------------------------


def complete_residents(app, slug: str, kind: str, answers: list, prefix: str = "r") -> tuple[list[int], object]:
    """One complete residents' response per item of `answers`: the text stored as the answer to the first
    question of type `kind` of their questionnaire (None: that response leaves it unanswered). Returns the
    responses' ids and the question."""
    from survey_app.models import Answer, Response, SurveyRound
    from survey_app.services.instruments import instrument_definition

    with app.app_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
        group = round_.group("residents")
        question = next(q for q in instrument_definition(group.instrument).questions if q.type == kind)
        ids = []
        for n, value in enumerate(answers):
            response = Response(
                round_id=round_.id, group="residents", instrument_id=group.instrument_id, language="ru",
                status="complete", client_submission_id=f"{prefix}{slug}{n}", resume_token_hash=f"{prefix}h{slug}{n}",
            )  # fmt: skip
            db.session.add(response)
            db.session.flush()
            if value is not None:
                db.session.add(Answer(response_id=response.id, question_code=question.code, value_text=value))
            ids.append(response.id)
        db.session.commit()
        return ids, question
