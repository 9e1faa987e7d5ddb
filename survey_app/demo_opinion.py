"""The demo's area ratings of the city's digital services (methodology §6.1): which areas a respondent uses
and how they rate them, from the same latent level as the rest of their synthetic answers."""

from __future__ import annotations

import numpy as np

from instruments.model import Instrument as InstrumentDef
from instruments.model import Question

from .demo_indicators import REFSTD_LIFT

#: How often each area's digital services are used (residents; businesses use business and construction
#: services more), for the demo's area ratings (methodology §6.1).
AREA_USE = {
    "urban_management": 0.35,
    "health": 0.7,
    "education": 0.5,
    "security": 0.25,
    "housing_communal": 0.6,
    "transport": 0.4,
    "social": 0.3,
    "ecology": 0.2,
    "business_tourism": 0.15,
    "construction": 0.1,
    "agriculture": 0.1,
    "ict": 0.5,
}
BUSINESS_AREA_USE = {"business_tourism": 0.7, "construction": 0.35, "agriculture": 0.2, "education": 0.2}


def opinion_codes(definition: InstrumentDef) -> set[str]:
    """The area ratings and the questions their conditions read (which areas a respondent uses)."""
    from instruments.relevance import names

    rated = [q for q in definition.questions if q.area]
    return {q.code for q in rated} | {name for q in rated if q.relevant_tree for name in names(q.relevant_tree)}


def area_answer(question: Question, rng: np.random.Generator, level: float, traits: dict, group: str):
    """Which areas' services a respondent used, or their rating of one: residents rate below what the akimat
    reports (the same latent level as their digital-governance answers, lifted less than the indicators)."""
    if question.type == "multiple":
        use = {**AREA_USE, **(BUSINESS_AREA_USE if group == "business" else {})}
        used = [c.code for c in question.choices if c.code in use and rng.random() < use[c.code]]
        return used or (["none"] if question.choice("none") else None)
    from .demo import _likert, _trait  # the same latent-trait model as every other synthetic answer

    if rng.random() < 0.08:  # "I cannot judge": left empty
        return None
    theta = _trait(rng, level, traits, "digital_governance")
    shifted = float(np.clip(theta + 0.5 * REFSTD_LIFT.get(question.area, 0.0) - 0.05, 0.0, 1.0))
    return _likert(rng, shifted, False)
