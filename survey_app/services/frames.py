"""ORM rows → tidy pandas frames for the analysis layer (the only bridge between the two).

The frames follow the input contract documented in `analysis/__init__.py`:
`responses`, `answers` (wide, one column per scored item, prefixed with the group), `items`, `ties`,
`actors` and `indicators`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from instruments.model import Instrument as InstrumentDef

from ..extensions import db
from ..models import Answer, IndicatorValue, Response, SurveyRound
from .answers import decode, score_value
from .instruments import instrument_definition

TIE_FREQUENCIES = ("rarely", "monthly", "weekly")
# Questions of the residents' instrument used for raking to census margins.
RAKING_VARIABLES = ("sex", "age_band")


AREA_RATING_COLUMNS = ["response_id", "group", "area", "rating"]


@dataclass
class RoundFrames:
    """Everything the analysis of one round needs, as plain frames and dicts."""

    round: str
    city: str
    year: int
    responses: pd.DataFrame
    answers: pd.DataFrame
    items: pd.DataFrame
    ties: pd.DataFrame
    actors: pd.DataFrame
    indicators: pd.DataFrame
    targets: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    census_margins: dict | None = None
    # One row per rating of an area's digital services (methodology §6.1): response_id, group, area, rating.
    area_ratings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AREA_RATING_COLUMNS))


def round_definitions(round_: SurveyRound) -> dict[int, tuple[str, InstrumentDef]]:
    """instrument id → (group, definition) for every instrument used by the round's responses or groups."""
    result = {g.instrument_id: (g.group, instrument_definition(g.instrument)) for g in round_.groups}
    used = db.session.execute(
        select(Response.instrument_id, Response.group).where(Response.round_id == round_.id).distinct()
    ).all()
    from ..models import Instrument

    for instrument_id, group in used:
        if instrument_id not in result:
            row = db.session.get(Instrument, instrument_id)
            result[instrument_id] = (group, instrument_definition(row))
    return result


def items_frame(definitions: dict[int, tuple[str, InstrumentDef]]) -> pd.DataFrame:
    """One row per scored item (`group.code`): construct, kind, scale points, reverse flag."""
    rows = {}
    for group, definition in definitions.values():
        for q in definition.questions:
            if q.construct and q.type in ("likert", "yesno"):
                rows[f"{group}.{q.code}"] = {
                    "construct": q.construct,
                    "kind": q.type,
                    "k": q.scale_points,
                    "reverse": bool(q.reverse),
                    "group": group,
                }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["construct", "kind", "k", "reverse", "group"])
    frame.index.name = "item"
    return frame


def actors_frame(definitions: dict[int, tuple[str, InstrumentDef]]) -> pd.DataFrame:
    """Every actor a ties question offers (first label wins), plus a node per group for questions without ego."""
    actors: dict[str, dict] = {}
    for group, definition in definitions.values():
        for q in definition.questions:
            if q.type != "ties":
                continue
            for choice in q.choices:
                actors.setdefault(choice.code, {"code": choice.code, "sector": choice.sector, "label": choice.label})
            if not q.ego:
                actors.setdefault(
                    f"group:{group}",
                    {"code": f"group:{group}", "sector": group, "label": {"kk": group, "ru": group, "en": group}},
                )
    return pd.DataFrame(list(actors.values()), columns=["code", "sector", "label"])


def round_frames(round_: SurveyRound) -> RoundFrames:
    """Build the analysis frames of a round from the database in a few set-based queries."""
    definitions = round_definitions(round_)
    questions = {iid: {q.code: q for q in d.questions} for iid, (_, d) in definitions.items()}
    responses = db.session.execute(
        select(Response.id, Response.group, Response.instrument_id, Response.status).where(
            Response.round_id == round_.id,
            Response.excluded_at.is_(None),  # left out by a coordinator
        )
    ).all()
    counts: dict[str, dict[str, int]] = {g.group: {"complete": 0, "partial": 0} for g in round_.groups}
    complete = {}
    for rid, group, instrument_id, status in responses:
        counts.setdefault(group, {"complete": 0, "partial": 0})[status] += 1
        if status == "complete":
            complete[rid] = (group, instrument_id)

    answer_rows = db.session.execute(
        select(Answer.response_id, Answer.question_code, Answer.value_num, Answer.value_text, Answer.value_json)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_.id, Response.status == "complete", Response.excluded_at.is_(None))
    ).all()

    scored, ties, demographics, area_ratings = _read_answers(answer_rows, complete, questions)

    margins = round_.city.census_margins or {}
    for values in demographics.values():
        for variable in list(values):
            # An answer the census does not count ("prefer not to say") is unknown for weighting.
            if variable in margins and values[variable] not in margins[variable]:
                values[variable] = None
    response_frame = pd.DataFrame(
        [{"response_id": rid, "group": group, **demographics.get(rid, {})} for rid, (group, _) in complete.items()],
        columns=["response_id", "group", *RAKING_VARIABLES],
    ).set_index("response_id")
    items = items_frame(definitions)
    long = pd.DataFrame(scored, columns=["response_id", "item", "value"])
    answers = (
        long.pivot(index="response_id", columns="item", values="value")
        if not long.empty
        else pd.DataFrame(index=pd.Index([], name="response_id"))
    )
    answers = answers.reindex(index=response_frame.index, columns=items.index)
    indicators = city_indicators(round_.city_id, round_.year)
    return RoundFrames(
        round=round_.slug,
        city=round_.city.name_en,
        year=round_.year,
        responses=response_frame,
        answers=answers.astype("float64"),
        items=items,
        ties=pd.DataFrame(ties, columns=["response_id", "ego", "alter", "frequency"]),
        actors=actors_frame(definitions),
        indicators=indicators,
        targets={g.group: g.target_n for g in round_.groups},
        counts=counts,
        census_margins=round_.city.census_margins,
        area_ratings=pd.DataFrame(area_ratings, columns=AREA_RATING_COLUMNS),
    )


def _read_answers(answer_rows, complete: dict, questions: dict):
    """The scored item values, the ties (ego, alter, frequency), the residents' raking answers and the area
    ratings of the complete responses."""
    scored: list[tuple[int, str, float]] = []
    area_ratings: list[tuple[int, str, str, float]] = []
    ties: list[tuple[int, str, str, str]] = []
    demographics: dict[int, dict[str, str]] = {}
    egos: dict[int, dict[str, str]] = {}
    pending_ties: list[tuple[int, object, dict]] = []
    for rid, code, num, text, js in answer_rows:
        group, instrument_id = complete[rid]
        question = questions[instrument_id].get(code)
        if question is None:
            continue
        value = decode(question, num, text, js)
        if question.construct and question.type in ("likert", "yesno"):
            number = score_value(question, value)
            if number is not None:
                scored.append((rid, f"{group}.{code}", number))
        elif question.area and question.type == "likert" and isinstance(value, int | float):
            area_ratings.append((rid, group, question.area, float(value)))
        elif question.type == "ties" and isinstance(value, dict):
            pending_ties.append((rid, question, value))
        elif question.type == "single":
            egos.setdefault(rid, {})[code] = value
            if group == "residents" and code in RAKING_VARIABLES:
                demographics.setdefault(rid, {})[code] = value
    for rid, question, value in pending_ties:
        group = complete[rid][0]
        ego = egos.get(rid, {}).get(question.ego) if question.ego else f"group:{group}"
        if not ego:
            continue
        for alter, frequency in value.items():
            if frequency in TIE_FREQUENCIES and alter != ego:
                ties.append((rid, ego, alter, frequency))
    return scored, ties, demographics, area_ratings


def city_indicators(city_id: int, year: int) -> pd.DataFrame:
    """The newest value of each indicator of a city up to `year` (indicator, value, year, source)."""
    rows = db.session.execute(
        select(IndicatorValue.indicator, IndicatorValue.value, IndicatorValue.year, IndicatorValue.source)
        .where(IndicatorValue.city_id == city_id, IndicatorValue.year <= year)
        .order_by(IndicatorValue.indicator, IndicatorValue.year.desc())
    ).all()
    frame = pd.DataFrame(rows, columns=["indicator", "value", "year", "source"])
    return frame.drop_duplicates("indicator", keep="first").reset_index(drop=True)


__all__ = ["RoundFrames", "actors_frame", "city_indicators", "items_frame", "round_frames"]
