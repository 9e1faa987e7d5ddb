"""Results pages and governance assessment PDFs.

Console (login, city-scoped): `/console/rounds/<slug>/results` (dashboard), `/console/rounds/<slug>/report.pdf`,
`POST /console/rounds/<slug>/publish`, `/console/compare?rounds=a,b`, `/console/compare.pdf?rounds=a,b`.
Public (only once published): `/results/<slug>` and `/results/<slug>/report.pdf`.
"""

from __future__ import annotations

import gzip
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.domain import LANGUAGES

from ..console.confirm import confirmation_page, confirmed
from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..services import jobs
from ..services import results as services
from ..services.errors import ServiceError
from . import bp

GZIP_MIN_BYTES = 2048


@bp.after_request
def compress_pages(response: Response) -> Response:
    """Gzip the results pages (their charts are inline SVG): about 500 KB become under 150 KB on slow links.

    Only pages without a form are compressed, so no CSRF token ever shares a compressed body with text
    taken from the request (BREACH).
    """
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.mimetype != "text/html"
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES or b"<form" in body:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _k_min() -> int:
    return int(current_app.config.get("SCRI_K_MIN", 5))


def _report_lang() -> str:
    """`?lang=` of a PDF link (kk, ru or en), else the page language."""
    lang = request.args.get("lang", "")
    return lang if lang in LANGUAGES else current_language()


def _round_or_404(slug: str, change: bool = False):
    return services.visible_round(current_user, slug, change=change)


def _result_or_none(round_):
    """The round's result, or None when it has nothing to score yet (no complete responses, ...)."""
    try:
        return services.round_result(round_)
    except ServiceError as exc:
        current_app.logger.info("no result for round %s: %s", round_.slug, exc)
        return None


def _result_or_409(round_):
    result = _result_or_none(round_)
    if result is None:
        abort_with(
            409,
            _("No results yet"),
            _(
                "This round has no results to report yet: it needs complete "
                "responses (and indicators) before it can be scored."
            ),
        )
    return result


def _unavailable(round_, **extra):
    return render_template(
        "reports/unavailable.html",
        round_slug=round_.slug,
        year=round_.year,
        city=round_.city.name(current_language()),
        **extra,
    )


def _scoreable_or_409(round_) -> None:
    """409 at once for a round with nothing to score, rather than a job that can only fail."""
    if not services.has_complete_responses(round_):
        _result_or_409(round_)


def _pdf_or_progress(kind: str, rounds, params: dict, filename: str):
    """The PDF when it is drawn already for this data; otherwise a job draws it and the browser goes to its
    progress page (with ``SCRI_JOBS=immediate`` the job runs here and the PDF comes at once)."""
    public = bool(params.get("public"))
    key = services.pdf_key(kind, rounds, params["lang"], public)
    user_id = current_user.id if current_user.is_authenticated else None
    data, job = jobs.file_or_job(kind, key, {**params, "file_url": request.full_path.rstrip("?")}, user_id)
    if data is None:
        return redirect(url_for(".job_status", job_id=job.id))
    return _pdf_response(data, filename)


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(*parts: str, lang: str) -> str:
    safe = "-".join("".join(ch for ch in p if ch.isalnum() or ch in "-_") for p in parts if p)
    return f"scri-{safe or 'report'}-{lang}.pdf"


# ------------------------------------------------------------------------------------------------ console


@bp.get("/console/rounds/<slug>/results")
@login_required
def round_results(slug: str):
    """The results dashboard of one round: the same sections as the PDF, with downloads and publishing."""
    round_ = _round_or_404(slug)
    result = _result_or_none(round_)
    if result is None:
        return _unavailable(round_, console=True)
    from .context import city_context  # charts load matplotlib: only when a page is drawn

    context = city_context(result, current_language(), generated=date.today(), k_min=_k_min())
    others = services.comparable_rounds(current_user, round_)
    compare_rounds = ",".join([round_.slug, *(r.slug for r in others)]) if others else ""
    return render_template(
        "reports/dashboard.html",
        c=context,
        slug=round_.slug,
        published=bool(round_.results_published),
        compare_rounds=compare_rounds,
        can_publish=services.can_publish(current_user, round_),
        langs=LANGUAGES,
    )


@bp.get("/console/rounds/<slug>/report.pdf")
@login_required
def round_report_pdf(slug: str):
    """The governance assessment PDF of one round in `?lang=kk|ru|en`."""
    round_ = _round_or_404(slug)
    lang = _report_lang()
    _scoreable_or_409(round_)
    params = {"round": round_.slug, "lang": lang, "public": False}
    return _pdf_or_progress("city_pdf", [round_], params, _filename(round_.slug, lang=lang))


@bp.route("/console/rounds/<slug>/publish", methods=["GET", "POST"])
@login_required
def publish_results(slug: str):
    """Publish (`published=1`, from the confirmation page that GET shows) or withdraw (`published=0`) the
    round's results; coordinator of the city or admin."""
    round_ = _round_or_404(slug, change=True)
    results_page = url_for(".round_results", slug=slug)
    if request.method == "GET":
        if round_.results_published:
            return redirect(results_page)
        return confirmation_page("publish", round_=round_, back=results_page, hidden={"published": "1"})
    wanted = request.form.get("published", "")
    if wanted not in ("0", "1"):
        abort(400)
    if wanted == "1" and not confirmed():
        return redirect(url_for(".publish_results", slug=slug))
    changed = services.set_results_published(round_, wanted == "1", actor=current_user)
    db.session.commit()
    if changed:
        flash(_("The results are now public.") if wanted == "1" else _("The results are no longer public."), "success")
    return redirect(url_for(".round_results", slug=round_.slug))


def _rounds_param() -> str:
    """`?rounds=a,b` or `?rounds=a&rounds=b` (the chooser's checkboxes) as one comma-separated text."""
    return ",".join(request.args.getlist("rounds"))


def _compared_rounds():
    try:
        slugs = services.parse_slugs(_rounds_param())
    except ServiceError:
        abort_with(
            400,
            _("Choose rounds to compare"),
            _("Give two or more rounds in the address, for example ?rounds=shu-2025,ayagoz-2025."),
        )
    return services.visible_rounds(current_user, slugs)


def _comparison_or_409(rounds):
    try:
        return services.comparison(rounds)
    except ServiceError as exc:
        current_app.logger.info("no comparison: %s", exc)
        abort_with(
            409,
            _("No results yet"),
            _(
                "At least one of these rounds has no results to report yet: "
                "each needs complete responses before the cities can be compared."
            ),
        )


@bp.get("/console/compare")
@login_required
def compare():
    """Several cities side by side (`?rounds=a,b,c`); without rounds, a form to choose them."""
    if not _rounds_param().strip(", "):
        from ..services.permissions import visible_rounds

        choices = [
            {"slug": r.slug, "city": r.city.name(current_language()), "year": r.year, "status": r.status}
            for r in visible_rounds(current_user)
        ]
        return render_template("reports/compare_choose.html", choices=choices)
    rounds = _compared_rounds()
    compared = _comparison_or_409(rounds)
    from .context import comparison_context  # charts load matplotlib: only when a page is drawn

    context = comparison_context(compared, current_language(), generated=date.today(), k_min=_k_min())
    return render_template(
        "reports/compare.html", c=context, rounds_param=",".join(r.slug for r in rounds), langs=LANGUAGES
    )


@bp.get("/console/compare.pdf")
@login_required
def compare_pdf():
    """The comparative PDF of several cities (`?rounds=a,b,c&lang=kk|ru|en`)."""
    rounds = _compared_rounds()
    lang = _report_lang()
    for round_ in rounds:
        _scoreable_or_409(round_)
    params = {"rounds": [r.slug for r in rounds], "lang": lang, "public": False}
    filename = _filename("compare", *[r.slug for r in rounds], lang=lang)
    return _pdf_or_progress("compare_pdf", rounds, params, filename)


# ------------------------------------------------------------------------------------------------- public


def _published_or_404(slug: str):
    round_ = services.published_round(slug)
    if round_ is None:
        abort(404)
    return round_


@bp.get("/results/<slug>")
def public_results(slug: str):
    """The published results of a round: aggregates only, withheld cells stay withheld; 404 until published."""
    round_ = _published_or_404(slug)
    result = _result_or_none(round_)
    if result is None:
        return _unavailable(round_, console=False)
    from .context import city_context  # charts load matplotlib: only when a page is drawn

    context = city_context(result, current_language(), generated=date.today(), k_min=_k_min(), public=True)
    return render_template("reports/public.html", c=context, slug=round_.slug, langs=LANGUAGES)


@bp.get("/results/<slug>/report.pdf")
def public_report_pdf(slug: str):
    """The governance assessment PDF of a published round."""
    round_ = _published_or_404(slug)
    lang = _report_lang()
    _scoreable_or_409(round_)
    params = {"round": round_.slug, "lang": lang, "public": True}
    return _pdf_or_progress("city_pdf", [round_], params, _filename(round_.slug, lang=lang))


@bp.get("/jobs/<job_id>")
def job_status(job_id: str):
    """The progress of a report being drawn: refreshes itself until the file is ready, then downloads it.

    Anyone with the address may look (it shows only the state); the file's own address checks who may have it.
    """
    job = jobs.find(job_id)
    if job is None:
        abort(404)
    job = jobs.revive(job)  # a job whose worker died is queued again here
    page = render_template("reports/job.html", job=job, file_url=job.params.get("file_url") or "/")
    return Response(page, status=200, headers={"Cache-Control": "no-store"})
