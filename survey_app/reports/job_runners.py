"""What the report jobs make: the city and comparative governance PDFs, drawn by a worker off the request."""

from __future__ import annotations

from datetime import date

from ..services import jobs
from ..services import results as services
from ..services.errors import ServiceError


def _round(slug: str):
    round_ = services.find_round(slug)
    if round_ is None:
        raise ServiceError(f"round {slug!r} no longer exists")
    return round_


@jobs.runner("city_pdf")
def city_pdf(params: dict) -> bytes:
    from . import pdf

    result = services.round_result(_round(params["round"]))
    return pdf.city_report_pdf(result, params["lang"], generated=date.today(), public=bool(params.get("public")))


@jobs.runner("compare_pdf")
def compare_pdf(params: dict) -> bytes:
    from . import pdf

    compared = services.comparison([_round(slug) for slug in params["rounds"]])
    return pdf.comparison_report_pdf(compared, params["lang"], generated=date.today())
