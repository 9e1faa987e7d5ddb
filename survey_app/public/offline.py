"""Answering without a connection: the service worker that keeps the questionnaire's pages on the phone and
queues the answers posted offline, and the page shown while answers wait to be sent."""

from __future__ import annotations

import json

from flask import make_response, render_template, url_for

from . import bp
from .routes import _survey

#: The static files every questionnaire page needs; the service worker keeps them on the phone.
ASSETS = ("css/base.css", "css/public.css", "js/xpath.js", "js/public.js")


@bp.app_context_processor
def offline_helpers() -> dict:
    return {"offline_ahead": ahead}


def ahead(survey, number: int) -> list[str]:
    """The pages after section `number` (the later sections, the review, the waiting page), which the phone
    keeps in advance so that the respondent can go on without a connection."""
    here = {"slug": survey.round.slug, "group": survey.group.group}
    pages = [
        url_for("public.section", number=n, **here) for n in range(number + 1, len(survey.instrument.sections) + 1)
    ]
    return [*pages, url_for("public.review", **here), url_for("public.waiting", **here)]


@bp.get("/s/sw.js")
def service_worker():
    """The service worker script; its scope is /s/, the questionnaires (never the console)."""
    assets = [url_for("static", filename=name) for name in ASSETS]
    body = render_template(
        "public/sw.js",
        assets_json=json.dumps(assets),
        scope_json=json.dumps(url_for("public.service_worker").rsplit("/", 1)[0] + "/"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/s/<slug>/<group>/waiting")
def waiting(slug: str, group: str):
    """Shown after a page was posted without a connection: the answers are on this phone, waiting."""
    survey = _survey(slug, group)
    return render_template("public/waiting.html", survey=survey)
