"""Quick polls: a one-page questionnaire (one to five questions) that a coordinator starts for months at a
public service centre, from the area-rating module or questions of their own. A poll is a round of kind
"poll" with one open-link residents' group, so it has the same protection against duplicates, the same
quality flags and the same small-cell suppression as any round; its area ratings feed the opinion side of
the city's rating (methodology §6.1)."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from instruments.checking import DefinitionError
from instruments.domain import LANGUAGES, ROUND_SLUG_RE
from instruments.loader import builtin_instruments, parse_instrument
from instruments.refstd import load_refstd_framework

from ..extensions import db
from ..i18n import translate as _
from ..models import Answer, City, Response, SurveyRound
from ..models._base import utcnow
from . import audit, rounds
from .answers import decode
from .errors import ServiceError
from .instruments import instrument_definition, store_instrument

MAX_QUESTIONS = 5
#: Question types a poll may ask: each gives a share of good answers (4–5 of 5, or yes).
SCORED = {"likert": "satisfaction", "yesno": None}
TITLE = {
    "kk": "Қаланың цифрлық қызметтері туралы жылдам сауалнама",
    "ru": "Быстрый опрос о цифровых услугах города",
    "en": "Quick poll on the city's digital services",
}
INTRO = {
    "kk": "Бір беттік қысқа сауалнама, бір минуттан аспайды. Жауаптар жасырын, тек жалпылама түрде жарияланады.",
    "ru": "Короткий опрос на одной странице, не больше минуты. Ответы анонимны и публикуются только обобщённо.",
    "en": "A short one-page poll, a minute at most. Answers are anonymous and published only as totals.",
}


def _area_question(area: str) -> dict:
    """The area-rating question of the built-in residents' questionnaire, asked of everyone in a poll."""
    for question in builtin_instruments()["residents"].definition["sections"]:
        for q in question["questions"]:
            if q.get("area") == area:  # as written in a definition file: the scale's points are not repeated
                return {
                    k: copy.deepcopy(v) for k, v in q.items() if k in ("code", "type", "label", "help", "scale", "area")
                }
    raise ServiceError(_("The area %(area)r has no rating question.", area=area))


def _custom_question(index: int, item: dict) -> dict:
    kind = item.get("type")
    if kind not in SCORED:
        raise ServiceError(
            _(
                "Question %(n)s: the type %(type)r cannot be scored; use a rating from 1 to 5 or yes/no.",
                n=index,
                type=kind,
            )
        )
    label = {lang: " ".join(str(item.get("label", {}).get(lang) or "").split()) for lang in LANGUAGES}
    missing = [lang for lang in LANGUAGES if not label[lang]]
    if missing:
        raise ServiceError(_("Question %(n)s needs its text in %(langs)s.", n=index, langs=", ".join(missing)))
    question = {"code": f"q{index}", "type": kind, "label": label}
    if kind == "likert":
        question["scale"] = SCORED["likert"]
    return question


def poll_definition(slug: str, areas: list[str], custom: list[dict]) -> dict:
    """The one-page instrument of a poll; ServiceError naming the field for a poll that cannot be asked."""
    known = load_refstd_framework().area_codes
    unknown = [a for a in areas if a not in known]
    if unknown:
        raise ServiceError(_("Area %(area)r is not an area of the reference standard.", area=unknown[0]))
    questions = [_area_question(a) for a in dict.fromkeys(areas)]
    questions += [_custom_question(i, item) for i, item in enumerate(custom, start=1)]
    if not questions:
        raise ServiceError(_("A poll needs at least one question: choose an area or write a question."))
    if len(questions) > MAX_QUESTIONS:
        raise ServiceError(_("A poll asks at most %(n)s questions; it has %(m)s.", n=MAX_QUESTIONS, m=len(questions)))
    return {
        "code": ("poll_" + slug.replace("-", "_"))[:40],
        "group": "residents",
        "version": 1,
        "title": dict(TITLE),
        "intro": dict(INTRO),
        "sections": [{"code": "poll", "title": dict(TITLE), "questions": questions}],
    }


def create_poll(city: City, slug: str, areas: list[str], custom: list[dict], actor=None) -> SurveyRound:
    """Start a quick poll (open at once, one open-link page); nothing is stored if any part is refused."""
    slug = (slug or "").strip()
    if not ROUND_SLUG_RE.match(slug):
        raise ServiceError(_("The short name must be 3–64 lower-case letters, digits and hyphens, e.g. shu-2025."))
    definition = poll_definition(slug, areas, custom)
    try:
        instrument = store_instrument(parse_instrument(definition, f"poll {slug}"))
    except DefinitionError as exc:
        raise ServiceError(str(exc)) from None
    poll = rounds.create_round(
        city,
        slug,
        ["residents"],
        title=TITLE["en"],
        instruments={"residents": instrument},
        access={"residents": "open"},
        targets={"residents": 0},
        actor=actor,
    )
    poll.kind = "poll"
    rounds.open_round(poll, actor=actor)
    audit.record(
        "poll.create",
        user=actor,
        obj=poll,
        details={"slug": poll.slug, "questions": len(definition["sections"][0]["questions"])},
    )
    return poll


def _answers(poll: SurveyRound) -> tuple[dict[int, str], list[tuple[int, str, Any]]]:
    responses = dict(
        db.session.execute(
            select(Response.id, Response.submitted_at).where(
                Response.round_id == poll.id, Response.status == "complete", Response.excluded_at.is_(None)
            )
        ).all()
    )
    months = {rid: (when or utcnow()).strftime("%Y-%m") for rid, when in responses.items()}
    definition = instrument_definition(poll.groups[0].instrument)
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json).where(
            Answer.response_id.in_(list(responses) or [-1])
        )
    ).all()
    return months, [(rid, code, decode(definition.question(code), n, t, j)) for rid, code, n, t, j in rows]


def _good(value: Any) -> bool | None:
    if value in ("yes", "no"):
        return value == "yes"
    if isinstance(value, int | float):
        return value >= 4
    return None  # "don't know" and anything unscored


def poll_results(poll: SurveyRound, k_min: int) -> dict[str, Any]:
    """Responses by month and, per question, the share of good answers overall and by month; a cell of fewer
    than `k_min` answers is withheld (``None`` with ``withheld`` true)."""
    months, answers = _answers(poll)
    definition = instrument_definition(poll.groups[0].instrument)
    per_month: dict[str, int] = defaultdict(int)
    for month in months.values():
        per_month[month] += 1
    tallies: dict[str, dict[str, list[int]]] = {q.code: defaultdict(lambda: [0, 0]) for q in definition.questions}
    for rid, code, value in answers:
        good = _good(value)
        if good is None or code not in tallies:
            continue
        for key in ("all", months[rid]):
            tallies[code][key][0] += int(good)
            tallies[code][key][1] += 1

    def cell(count: list[int]) -> dict[str, Any]:
        good, n = count
        if n < k_min:
            return {"n": n, "share": None, "withheld": True}
        return {"n": n, "share": round(100 * good / n, 1), "withheld": False}

    order = sorted(per_month)
    return {
        "months": [{"month": m, "responses": per_month[m]} for m in order],
        "responses": len(months),
        "questions": [
            {
                "code": q.code,
                "label": q.label,
                "area": q.area,
                "all": cell(tallies[q.code]["all"]),
                "by_month": {m: cell(tallies[q.code][m]) for m in order},
            }
            for q in definition.questions
        ],
        "k_min": k_min,
    }


def poll_area_ratings(round_: SurveyRound) -> list[tuple[int, str, str, float]]:
    """The area ratings given in the city's polls in the round's year, as (response, group, area, rating)."""
    polls = db.session.scalars(
        select(SurveyRound).where(
            SurveyRound.city_id == round_.city_id, SurveyRound.kind == "poll", SurveyRound.id != round_.id
        )
    ).all()
    out = []
    for poll in polls:
        definition = instrument_definition(poll.groups[0].instrument)
        areas = {q.code: q.area for q in definition.questions if q.area}
        if not areas:
            continue
        rows = db.session.execute(
            select(Answer.response_id, Answer.question_code, Answer.value_num, Response.submitted_at)
            .join(Response, Response.id == Answer.response_id)
            .where(
                Response.round_id == poll.id,
                Response.status == "complete",
                Response.excluded_at.is_(None),
                Answer.question_code.in_(list(areas)),
            )
        ).all()
        out += [
            (rid, "residents", areas[code], float(value))
            for rid, code, value, when in rows
            if value is not None and when is not None and when.year == round_.year
        ]
    return out
