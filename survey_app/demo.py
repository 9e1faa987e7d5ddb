"""`scri demo`: the three seed cities with an open round each and deterministic synthetic responses.

Running it twice changes nothing: cities, rounds, responses (by their client submission ids), indicators
and demo accounts are created only when missing.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert, select

from instruments.domain import GROUPS
from instruments.model import Instrument as InstrumentDef
from instruments.model import Question

from .demo_opinion import area_answer, opinion_codes
from .extensions import db
from .models import Answer, IndicatorValue, Response, SurveyRound, User
from .services import rounds as round_services
from .services.answers import encode
from .services.cities import ensure_city
from .services.instruments import ensure_builtin_instruments, instrument_definition

# Census margins (shares) for weighting residents: sex × age band, rounded from regional statistics.
MARGINS = {
    "sex": {"male": 0.48, "female": 0.52},
    "age_band": {"18_29": 0.27, "30_44": 0.30, "45_59": 0.24, "60_plus": 0.19},
}

CITIES = [
    {
        "slug": "shu",
        "names": {"kk": "Шу", "ru": "Шу", "en": "Shu"},
        "region": "Zhambyl region",
        "population": 37_000,
        # Latent readiness (0..1) driving the synthetic answers: Shu is the most ready (paper 000).
        "readiness": 0.55,
        "sizes": {
            "residents": 124,
            "business": 24,
            "academia": 14,
            "civil_society": 16,
            "government": 18,
            "international": 8,
        },
    },
    {
        "slug": "ayagoz",
        "names": {"kk": "Аягөз", "ru": "Аягоз", "en": "Ayagoz"},
        "region": "Abai region",
        "population": 38_500,
        "readiness": 0.42,
        "sizes": {
            "residents": 118,
            "business": 20,
            "academia": 10,
            "civil_society": 12,
            "government": 16,
            "international": 6,
        },
    },
    {
        "slug": "shalkar",
        "names": {"kk": "Шалқар", "ru": "Шалкар", "en": "Shalkar"},
        "region": "Aktobe region",
        "population": 27_800,
        "readiness": 0.36,
        # Fewer than five international partners answered, so suppression shows in every output.
        "sizes": {
            "residents": 121,
            "business": 18,
            "academia": 11,
            "civil_society": 10,
            "government": 14,
            "international": 3,
        },
    },
]

TARGETS = {"residents": 150, "business": 25, "academia": 15, "civil_society": 15, "government": 20, "international": 10}
DEMO_PASSWORD = "scri-demo-2025"  # noqa: S105 (documented demo account, development only)

TEXT_ANSWERS = {
    "kk": [
        "Қала порталында ақпарат көбірек болса екен.",
        "Көше жарығы мен интернетті жақсарту керек.",
        "Әкімдікпен кездесулер жиірек өтсе жақсы болар еді.",
    ],
    "ru": [
        "Хотелось бы больше информации на портале города.",
        "Нужно улучшить освещение улиц и интернет.",
        "Встречи с акиматом стоит проводить чаще.",
    ],
    "en": [
        "More information on the city portal would help.",
        "Street lighting and internet need work.",
        "Meetings with the akimat should be more frequent.",
    ],
}


def _rng(*parts) -> np.random.Generator:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


#: The latent-trait model of the synthetic answers: a respondent's readiness (sd around the city's), a
#: construct's own deviation from it, and the noise of one answer on the 1–5 scale. With these the demo's
#: constructs have the reliability of a real questionnaire (Cronbach's α mostly 0.6–0.9).
PERSON_SD, CONSTRUCT_SD, ANSWER_SD = 0.18, 0.10, 0.6


def _likert(rng: np.random.Generator, level: float, reverse: bool) -> int:
    mean = 1 + 4 * (1 - level if reverse else level)
    return int(np.clip(np.rint(rng.normal(mean, ANSWER_SD)), 1, 5))


def _trait(rng: np.random.Generator, level: float, traits: dict, construct: str | None) -> float:
    """The respondent's latent level on a construct (drawn once per construct and response)."""
    if construct not in traits:
        traits[construct] = float(np.clip(rng.normal(level, CONSTRUCT_SD), 0.0, 1.0))
    return traits[construct]


def _answer(
    question: Question,
    rng: np.random.Generator,
    level: float,
    lang: str,
    answers: dict,
    network: set | None = None,
    traits: dict | None = None,
):
    """A plausible value for one question (None: left unanswered)."""
    kind = question.type
    traits = {} if traits is None else traits
    if not question.required and rng.random() < 0.08:
        return None
    if kind == "likert":
        return _likert(rng, _trait(rng, level, traits, question.construct), question.reverse)
    if kind == "yesno":
        if question.dont_know and rng.random() < 0.08:
            return "dont_know"
        theta = _trait(rng, level, traits, question.construct)
        p_yes = 1 / (1 + math.exp(-10 * ((1 - theta if question.reverse else theta) - 0.5)))
        return "yes" if rng.random() < p_yes else "no"
    if kind == "single":
        return question.choices[int(rng.integers(len(question.choices)))].code
    if kind == "multiple":
        limit = question.max_choices or len(question.choices)
        count = int(rng.integers(1, min(limit, 3) + 1))
        picked = set(rng.choice(len(question.choices), size=count, replace=False).tolist())
        return [c.code for i, c in enumerate(question.choices) if i in picked]
    if kind == "integer":
        low, high = int(question.min), int(question.max)
        return int(np.clip(rng.normal((low + high) / 4, (high - low) / 8 + 1), low, high))
    if kind == "decimal":
        low, high = float(question.min), float(question.max)
        return round(float(rng.uniform(low, low + (high - low) / 3)), 1)
    if kind == "text":
        if rng.random() < 0.6:
            return None
        text = TEXT_ANSWERS[lang][int(rng.integers(3))]
        return text[: question.max_length or 500]
    if kind == "ties":
        ego = answers.get(question.ego) if question.ego else None
        freq = ("rarely", "monthly", "weekly")
        chosen = {}
        for choice in question.choices:
            if choice.code == ego:
                continue
            linked = network is not None and (ego, choice.code) in network
            if rng.random() < (0.55 if linked else 0.004):
                chosen[choice.code] = freq[int(np.clip(rng.normal(level * 2.2, 0.8), 0, 2))]
        if question.max_choices and len(chosen) > question.max_choices:
            chosen = dict(list(chosen.items())[: question.max_choices])
        return chosen or None
    return None


def city_network(definition: InstrumentDef, readiness: float, seed: int, city: str) -> set[tuple[str, str]]:
    """Which pairs of actors work together in a city: denser in more ready cities; in the least ready ones
    international partners stay outside and academia is weakly linked (paper 000)."""
    actors = next((q.choices for q in definition.questions if q.type == "ties"), ())
    rng = _rng(seed, city, "network")
    pairs: set[tuple[str, str]] = set()
    for i, a in enumerate(actors):
        for b in actors[i + 1 :]:
            p = 0.15 + 0.45 * readiness
            sectors = {a.sector, b.sector}
            if "international" in sectors and readiness < 0.45:
                p = 0.0
            elif "academia" in sectors and readiness < 0.45:
                p *= 0.4
            if rng.random() < p:
                pairs.update({(a.code, b.code), (b.code, a.code)})
    return pairs


def _fill(
    definition: InstrumentDef,
    rng: np.random.Generator,
    level: float,
    lang: str,
    sections: int,
    network: set | None = None,
    side: np.random.Generator | None = None,
    group: str = "residents",
) -> dict:
    """Answers for the first `sections` sections, respecting skip logic. The area ratings draw from `side`,
    so that adding them left every other synthetic answer as it was."""
    from instruments.relevance import evaluate

    answers: dict = {}
    traits: dict = {}
    opinion = opinion_codes(definition)
    for section in definition.sections[:sections]:
        for question in section.questions:
            if question.relevant_tree is not None and not evaluate(question.relevant_tree, answers):
                continue
            if question.code in opinion:
                value = area_answer(question, side or rng, level, dict(traits), group)
            else:
                value = _answer(question, rng, level, lang, answers, network, traits)
            if value is not None:
                answers[question.code] = value
    return answers


def _responses(round_: SurveyRound, group: str, count: int, readiness: float, seed: int, start: datetime) -> int:
    """Create the group's synthetic responses that do not exist yet; returns how many were added."""
    round_group = round_.group(group)
    definition = instrument_definition(round_group.instrument)
    existing = set(
        db.session.scalars(
            select(Response.client_submission_id).where(Response.round_id == round_.id, Response.group == group)
        )
    )
    added = 0
    languages = ("kk", "ru", "en")
    partial_every = 9
    network = city_network(definition, readiness, seed, round_.city.slug)
    made: list[tuple[Response, dict]] = []
    for i in range(count + count // partial_every):
        submission_id = f"demo-{round_.slug}-{group}-{i:04d}"
        if submission_id in existing:
            continue
        rng = _rng(seed, round_.slug, group, i)
        partial = i >= count
        level = float(np.clip(rng.normal(readiness, PERSON_SD), 0.05, 0.95))
        lang = languages[int(rng.choice(3, p=[0.45, 0.45, 0.10]))]
        sections = int(rng.integers(1, len(definition.sections))) if partial else len(definition.sections)
        side = _rng(seed, round_.slug, group, i, "areas")
        answers = _fill(definition, rng, level, lang, sections, network, side, group)
        started = start + timedelta(days=float(rng.uniform(0, 20)), minutes=float(rng.uniform(0, 600)))
        response = Response(
            round_id=round_.id,
            group=group,
            instrument_id=round_group.instrument_id,
            language=lang,
            status="partial" if partial else "complete",
            client_submission_id=submission_id,
            resume_token_hash=hashlib.sha256(f"demo-resume|{submission_id}".encode()).hexdigest(),
            current_section=sections if partial else len(definition.sections),
            started_at=started,
            submitted_at=None if partial else started + timedelta(minutes=float(rng.uniform(6, 28))),
        )
        db.session.add(response)
        made.append((response, answers))
        added += 1
    db.session.flush()  # the responses' ids; then every answer in batched INSERTs, not an object each
    rows = [
        {"response_id": response.id, "question_code": code, **encode(definition.question(code), value)}
        for response, answers in made
        for code, value in answers.items()
    ]
    if rows:
        db.session.execute(insert(Answer.__table__), rows)
    return added


def _indicators(city_id: int, readiness: float, year: int, seed: int) -> int:
    """Infrastructure (and reference-standard) indicator values for the city, where missing."""
    from .demo_indicators import demo_indicator_values

    existing = set(
        db.session.scalars(
            select(IndicatorValue.indicator).where(IndicatorValue.city_id == city_id, IndicatorValue.year == year)
        )
    )
    added = 0
    for code, value, source in demo_indicator_values(readiness, _rng(seed, city_id, "indicators")):
        if code in existing:
            continue
        db.session.add(IndicatorValue(city_id=city_id, indicator=code, year=year, value=value, source=source))
        added += 1
    return added


def _accounts(city_ids: dict[str, int]) -> list[str]:
    """Demo accounts (development only): an admin and a coordinator for Ayagoz."""
    from .services.users import create_user

    lines = []
    wanted = [
        ("admin@demo.scri", "admin", []),
        ("ayagoz@demo.scri", "coordinator", ["ayagoz"]),
        ("viewer@demo.scri", "viewer", ["shu", "ayagoz", "shalkar"]),
    ]
    for email, role, cities in wanted:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(email, DEMO_PASSWORD, role, [city_ids[c] for c in cities])
        lines.append(f"  {role:<12} {email}  password: {DEMO_PASSWORD}")
    return lines


def load_demo(seed: int = 2025, now: datetime | None = None) -> list[str]:
    """Load (or complete) the demo data and return a summary for the terminal."""
    now = now or datetime(2025, 10, 1, tzinfo=UTC)
    ensure_builtin_instruments()
    summary = []
    city_ids = {}
    for spec in CITIES:
        city = ensure_city(
            spec["slug"], spec["names"], region=spec["region"], population=spec["population"], census_margins=MARGINS
        )
        city_ids[spec["slug"]] = city.id
        # Last year's closed round for Shu, so reports show change over time.
        plan = [(f"{spec['slug']}-2025", 2025, "open", spec["readiness"])]
        if spec["slug"] == "shu":
            plan.insert(0, ("shu-2024", 2024, "closed", spec["readiness"] - 0.06))
        for slug, year, status, readiness in plan:
            round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == slug))
            if round_ is None:
                round_ = round_services.create_round(
                    city,
                    slug,
                    list(GROUPS),
                    year=year,
                    targets=TARGETS,
                    title=f"{spec['names']['en']} {year}",
                )
                round_services.open_round(round_)
            added = 0
            start = now - timedelta(days=365 * (2025 - year) + 25)
            for group in GROUPS:
                size = spec["sizes"][group]
                if year < 2025:
                    size = max(size - 4, 3) if group != "residents" else size - 10
                added += _responses(round_, group, size, readiness, seed, start)
            if status == "closed" and round_.status == "open":
                round_services.close_round(round_)
            added_ind = _indicators(city.id, readiness, year, seed)
            db.session.commit()
            summary.append(f"{slug}: {round_.status}, {added} responses and {added_ind} indicator values added")
    from flask import current_app

    if current_app.config.get("SCRI_ENV") == "production":
        summary.append("No demo accounts in production: create one with scri users create.")
    else:
        summary.append("Demo accounts (development only):")
        summary.extend(_accounts(city_ids))
    db.session.commit()
    summary.append("Questionnaire links: /s/shu-2025/residents, /s/ayagoz-2025/residents, /s/shalkar-2025/residents")
    return summary
