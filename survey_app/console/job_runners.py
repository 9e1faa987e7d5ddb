"""What the console's jobs make: numbered paper questionnaires (up to 50 copies of a whole questionnaire),
laid out by a worker off the request."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from ..models import SurveyRound
from ..pdf import html_to_pdf
from ..services import jobs, paper
from ..services.errors import ServiceError
from ..services.invitations import qr_png_data_uri
from ..services.result_cache import code_generation, digest_of
from ..services.results import find_round


def paper_key(round_: SurveyRound, round_group, params: dict) -> str:
    """What a paper PDF depends on: the copies asked for, the questionnaire's content, the round's and city's
    names, the link printed on it and the code that lays it out."""
    city = round_.city
    state = {
        "params": params,
        "round": [round_.id, round_.slug, round_.title],
        "city": [city.name_kk, city.name_ru, city.name_en],
        "instrument": round_group.instrument.content_hash,
        "code": code_generation(),
    }
    return "paper_pdf|" + digest_of(state)


def paper_html(round_: SurveyRound, group: str, lang: str, first: int, copies: int, link: str | None) -> str:
    _round_group, instrument = paper.entry_survey(round_, group)
    with force_locale(lang):
        return render_template(
            "console/paper_pdf.html",
            round=round_,
            group=group,
            instrument=instrument,
            sections=paper.paper_sections(instrument, lang),
            numbers=range(first, first + copies),
            link=link,
            qr=qr_png_data_uri(link) if link else None,
            lang=lang,
            digit_boxes=paper.digit_boxes,
        )


@jobs.runner("paper_pdf")
def paper_pdf(params: dict) -> bytes:
    round_ = find_round(params["round"])
    if round_ is None:
        raise ServiceError(f"round {params['round']!r} no longer exists")
    html = paper_html(round_, params["group"], params["lang"], params["first"], params["copies"], params["link"])
    return html_to_pdf(html)
