"""The respondent's questionnaire: `/s/<round-slug>/<group>` (see the public contract)."""

from __future__ import annotations

import secrets

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from instruments.domain import LANGUAGES
from instruments.model import UPLOAD_TYPES

from ..errors import abort_with
from ..i18n import current_language
from ..links import external_url
from ..services import attachments, ratelimit
from . import bp, repeats
from . import services as svc
from .page_answers import follow_ups as _follow_ups
from .page_answers import next_page as _next_page
from .page_answers import read_page as _read_page
from .page_context import entries as _entries
from .page_context import questions_context
from .page_context import summary as page_summary
from .questions import field_names

DEVICE_COOKIE = "scri_device"
CONTROL_FIELDS = {"csrf_token", "action", "submission_id", "t", "asked", "offline_next", "offline_back"}
#: Sent by the offline helper (static/js/sw.js) when it keeps the coming pages on the phone in advance.
PREFETCH_HEADER = "X-SCRI-Prefetch"


@bp.url_value_preprocessor
def limit_form_size(endpoint, values):
    """Questionnaire pages accept small bodies only, but for a page that attaches a file.

    A URL value preprocessor runs before every before_request function, so the limit holds before the CSRF
    check reads the form; `max_content_length` also bounds a body sent without a Content-Length.
    """
    limit = current_app.config["SCRI_MAX_FORM_BYTES"]
    if request.mimetype == "multipart/form-data":  # a page with a file question
        limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.method == "POST":
        if (request.content_length or 0) > limit:
            abort(413)
        request.max_content_length = limit


@bp.get("/")
def index():
    return render_template("public/index.html")


def _resume_cookie(group: str) -> str:
    return f"scri_resume_{group}"


def _cookie_path(slug: str, group: str) -> str:
    return f"/s/{slug}/{group}"


def _survey(slug: str, group: str) -> svc.Survey:
    try:
        return svc.load_survey(slug, group, request.cookies.get(_resume_cookie(group)))
    except svc.RespondentError as exc:
        _refuse(exc)


def _refuse(exc: svc.RespondentError):
    messages = {
        "unknown": (_("Survey not found"), _("This survey does not exist or is not open yet. Please check the link.")),
        "closed": (
            _("Survey closed"),
            _("This survey is closed and no longer accepts answers. Thank you for your interest."),
        ),
        "token_missing": (
            _("Invitation needed"),
            _("This questionnaire is answered by invitation only. Please open the personal link you received."),
        ),
        "token_unknown": (
            _("Invitation not recognised"),
            _(
                "This invitation link is not valid. Please check that you copied the whole link, "
                "or ask the city coordinator for a new one."
            ),
        ),
        "token_used": (
            _("Invitation already used"),
            _("This invitation has already been used to answer the questionnaire. Each invitation can be used once."),
        ),
        "mismatch": (_("Bad request"), _("The form does not belong to this questionnaire.")),
        "elsewhere": (
            _("Already started in another browser"),
            _("This questionnaire was started in another browser. Please open the link again to start your own."),
        ),
    }
    title, message = messages.get(exc.reason, messages["unknown"])
    abort_with(exc.status, title, message)


def _current(survey: svc.Survey):
    return survey.response  # looked up with the survey, from the resume cookie


def _with_resume_cookie(response, survey: svc.Survey, token: str):
    response.set_cookie(
        _resume_cookie(survey.group.group),
        token,
        max_age=60 * 60 * 24 * 90,
        path=_cookie_path(survey.round.slug, survey.group.group),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def _device_key() -> str | None:
    key = request.cookies.get(DEVICE_COOKIE, "")
    return key if 20 <= len(key) <= 100 else None


def _with_device_cookie(response):
    if _device_key() is None:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(32),
            max_age=60 * 60 * 24 * 365 * 2,
            path="/s/",
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def _rate_limit(survey: svc.Survey, starting: bool = False) -> None:
    """Throttle floods, not people: buckets per respondent (device cookie, else the response's resume cookie),
    new responses per device, and only a high ceiling per address, which a town may share behind one NAT."""
    config = current_app.config
    address = ratelimit.client_address(request)
    device = _device_key()
    respondent = device or request.cookies.get(_resume_cookie(survey.group.group)) or "address:" + address
    checks = [
        ("address", address, config["SCRI_ADDRESS_RATE_LIMIT"]),
        ("respondent", respondent, config["SCRI_SUBMIT_RATE_LIMIT"]),
    ]
    if starting:  # a client that drops its device cookie shares one small bucket per address
        checks.append(("start", device or "address:" + address, config["SCRI_START_RATE_LIMIT"]))
    if not ratelimit.hit_all(checks):
        abort(429)


def _section_url(survey: svc.Survey, number: int) -> str:
    return url_for("public.section", slug=survey.round.slug, group=survey.group.group, number=number)


def _next_step(survey: svc.Survey, response) -> str:
    if response.status == "complete":
        return url_for("public.thanks", slug=survey.round.slug, group=survey.group.group)
    count = len(survey.instrument.sections)
    if response.current_section >= count:
        return url_for("public.review", slug=survey.round.slug, group=survey.group.group)
    return _section_url(survey, response.current_section + 1)


@bp.route("/s/<slug>/<group>", methods=["GET", "POST"])
def start(slug: str, group: str):
    """The consent page; accepting it creates the response (once, even if sent twice)."""
    survey = _survey(slug, group)
    response = _current(survey)
    if response is not None:
        return redirect(_next_step(survey, response))
    token = request.values.get("t") or None
    if request.method == "POST":
        _rate_limit(survey, starting=True)
        if request.form.get("consent") != "yes":
            return _consent_page(
                survey,
                token,
                request.form.get("submission_id") or svc.new_submission_id(),
                error=_("Please confirm that you agree to take part."),
            )
        submission_id = request.form.get("submission_id", "")
        if not 16 <= len(submission_id) <= 64:
            abort(400)
        try:
            issued_here = submission_id in session.get("issued", [])
            origin = svc.Origin(device_key=_device_key(), address=ratelimit.client_address(request))
            response, resume = svc.start_response(survey, submission_id, current_language(), token, issued_here, origin)
        except svc.RespondentError as exc:
            _refuse(exc)
        if survey.group.access == "invitation" and token:
            invitation = svc.db.session.get(svc.Invitation, response.invitation_id) if response.invitation_id else None
            found = invitation or svc.invitation_for_token(token)
            if found is not None:
                session.setdefault("invitations", {})[str(response.id)] = found.id
                session.modified = True
        return _with_resume_cookie(redirect(_section_url(survey, 1)), survey, resume)
    if survey.group.access == "invitation":
        try:
            svc.check_invitation(survey, token)
        except svc.RespondentError as exc:
            _refuse(exc)
    return _with_device_cookie(make_response(_consent_page(survey, token, svc.new_submission_id())))


#: Submission ids this browser was given (in its signed session), so that only it may resume their response.
ISSUED_KEEP = 10


def _consent_page(survey: svc.Survey, token: str | None, submission_id: str, error: str | None = None):
    issued = [i for i in session.get("issued", []) if i != submission_id][-(ISSUED_KEEP - 1) :]
    session["issued"] = [*issued, submission_id]
    return render_template(
        "public/consent.html",
        survey=survey,
        token=token,
        submission_id=submission_id,
        error=error,
        sections=len(survey.instrument.sections),
        answered_here=svc.device_responses(survey, _device_key()),
    )


@bp.get("/s/<slug>/<group>/resume/<token>")
def resume(slug: str, group: str, token: str):
    """A resume link: restores the response in this browser and continues where it stopped."""
    survey = _survey(slug, group)
    response = svc.find_response(survey, token)
    if response is None:
        abort_with(
            404,
            _("Resume link not recognised"),
            _("This resume link is not valid for this survey. You can start the questionnaire again."),
        )
    return _with_resume_cookie(redirect(_next_step(survey, response)), survey, token)


@bp.route("/s/<slug>/<group>/p/<int:number>", methods=["GET", "POST"])
def section(slug: str, group: str, number: int):
    """One section per page; answers are saved at every page."""
    survey = _survey(slug, group)
    response = _current(survey)
    if response is None:
        return redirect(url_for("public.start", slug=slug, group=group))
    if response.status == "complete":
        return redirect(url_for("public.thanks", slug=slug, group=group))
    sections = survey.instrument.sections
    ahead = request.method == "GET" and request.headers.get(PREFETCH_HEADER) == "1"  # shown only offline
    if not 1 <= number <= len(sections) or (number > response.current_section + 1 and not ahead):
        return redirect(_next_step(survey, response))
    current = sections[number - 1]
    answers = svc.survey_answers(survey)
    if request.method == "GET":
        return _section_page(survey, response, number, answers, None, {})
    _rate_limit(survey)
    allowed = set(CONTROL_FIELDS)
    for question in current.questions:
        allowed |= field_names(question)
    if current.repeat is not None:
        allowed |= repeats.field_names(current, field_names)
    if any(name not in allowed for name in [*request.form, *request.files]):
        abort_with(
            400,
            _("Unexpected answer"),
            _("The form contained answers to questions this page does not ask. Please reload the page and try again."),
        )
    action = request.form.get("action", "next")
    language = action[5:] if action.startswith("lang:") and action[5:] in LANGUAGES else None
    editing = current.repeat is not None and (action == "add" or action.startswith("remove:"))
    merged, errors = _read_page(
        current,
        answers,
        lenient=action == "back" or language is not None or editing,
        instrument=survey.instrument,
        save_file=lambda code, data, mime, ext: attachments.store(survey.round.id, response.id, code, data, mime, ext),
    )
    if language:  # the language switch saves what is typed so far (anything invalid is left out)
        svc.save_answers(response, survey.instrument, merged, number - 1, answers)
        return redirect(_section_url(survey, number) + "?lang=" + language)
    if editing:  # another entry of a repeated page, or one fewer: saved, and the page shown again
        svc.save_answers(response, survey.instrument, merged, number - 1, answers)
        return _section_page(survey, response, number, merged, None, {}, adding=action == "add")
    follow_ups = action != "back" and current.repeat is None and bool(_follow_ups(current, merged))
    if errors:
        if request.files or any(name.endswith("__remove") for name in request.form):
            # a file that was accepted (or removed) stays so even when another answer needs fixing
            svc.save_answers(response, survey.instrument, merged, number - 1, answers)
        return _section_page(survey, response, number, merged, request.form, errors, follow_ups), 422
    if follow_ups:
        # Without JavaScript the follow-ups of this page's answers were not on it: ask them now.
        svc.save_answers(response, survey.instrument, merged, number - 1, answers)
        return _section_page(survey, response, number, merged, request.form, {}, follow_ups=True)
    target = _next_page(survey.instrument, merged, number, forward=action != "back")  # pages that ask nothing: skipped
    reached = (target or len(sections) + 1) - 1 if action != "back" else number - 1
    svc.save_answers(response, survey.instrument, merged, reached, answers)
    if target is None:
        return redirect(url_for("public.review" if action != "back" else "public.start", slug=slug, group=group))
    return redirect(_section_url(survey, target))


def _section_page(survey, response, number, answers, form, errors, follow_ups=False, adding=False):
    current = survey.instrument.sections[number - 1]
    items, earlier_json = questions_context(survey, current, answers, form, errors)
    entries = _entries(survey, current, answers, form, errors, adding) if current.repeat is not None else None
    return render_template(
        "public/section.html",
        survey=survey,
        section=current,
        number=number,
        total=len(survey.instrument.sections),
        items=items,
        errors=errors,
        earlier_json=earlier_json,
        asked=" ".join(item["q"].code for item in items if item["visible"]),
        with_files=any(item["q"].type in UPLOAD_TYPES for item in items),
        entries=entries,
        can_add=entries is not None
        and repeats.fixed_count(current, survey.instrument, answers) is None
        and len(entries) < current.most,
        follow_ups=follow_ups,
        resume_url=_resume_url(survey),
    )


def _resume_url(survey: svc.Survey) -> str | None:
    token = request.cookies.get(_resume_cookie(survey.group.group))
    if not token:
        return None
    return external_url("public.resume", slug=survey.round.slug, group=survey.group.group, token=token)


@bp.route("/s/<slug>/<group>/review", methods=["GET", "POST"])
def review(slug: str, group: str):
    """The last step: a summary and the submit button (a repeated submit makes one response)."""
    survey = _survey(slug, group)
    response = _current(survey)
    if response is None:
        return redirect(url_for("public.start", slug=slug, group=group))
    if response.status == "complete":
        return redirect(url_for("public.thanks", slug=slug, group=group))
    answers = svc.survey_answers(survey)
    gap = svc.missing_required(survey.instrument, answers)
    if request.method == "POST":
        _rate_limit(survey)
        if gap is not None:
            return redirect(_section_url(survey, gap + 1))
        invitation_id = (session.get("invitations") or {}).get(str(response.id))
        svc.complete_response(survey, response, invitation_id)
        return redirect(url_for("public.thanks", slug=slug, group=group))
    summary = [page_summary(index, sec, answers) for index, sec in enumerate(survey.instrument.sections, start=1)]
    return render_template(
        "public/review.html",
        survey=survey,
        summary=summary,
        gap=gap,
        total=len(survey.instrument.sections),
        resume_url=_resume_url(survey),
    )


@bp.get("/s/<slug>/<group>/thanks")
def thanks(slug: str, group: str):
    survey = _survey(slug, group)
    response = _current(survey)
    if response is None or response.status != "complete":
        return redirect(url_for("public.start", slug=slug, group=group))
    return render_template("public/thanks.html", survey=survey, another=survey.group.access == "open")


@bp.post("/s/<slug>/<group>/another")
def another(slug: str, group: str):
    """ "Someone else wants to answer on this phone": forget this browser's response and start a new one."""
    survey = _survey(slug, group)
    if survey.group.access != "open":
        return redirect(url_for("public.start", slug=slug, group=group))
    response = make_response(redirect(url_for("public.start", slug=slug, group=group)))
    response.delete_cookie(_resume_cookie(group), path=_cookie_path(slug, group))
    return response
