"""Paper questionnaires of a round: print them (PDF per group and language, numbered copies with a QR code
to the online questionnaire) and type the filled-in ones in."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.domain import LANGUAGES

from ..errors import abort_with
from ..i18n import current_language
from ..links import external_url
from ..services import jobs, paper
from ..services.errors import ServiceError
from ..services.permissions import get_round_for
from . import bp, job_runners
from .forms import EmptyForm
from .unit_of_work import run

NO_STORE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}


def _entry_survey_or_back(round_, group: str):
    try:
        return paper.entry_survey(round_, group)
    except ServiceError as exc:
        flash(str(exc), "error")
        return None


@bp.get("/rounds/<slug>/paper")
@login_required
def paper_overview(slug: str):
    """Print paper questionnaires of each group and see which numbers are already typed in."""
    round_ = get_round_for(current_user, slug)
    groups = [
        {"group": g.group, "numbers": paper.entered_numbers(round_, g.group), "open": g.access == "open"}
        for g in round_.groups
    ]
    return render_template(
        "console/paper.html", round=round_, groups=groups, max_copies=paper.MAX_COPIES, form=EmptyForm()
    )


def _copies_args() -> tuple[str, int, int]:
    lang = request.args.get("lang", "")
    if lang not in LANGUAGES:
        raise ServiceError(_("Choose the language of the paper questionnaire."))
    first = paper.parse_number(request.args.get("first") or "1")
    raw = (request.args.get("copies") or "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= paper.MAX_COPIES:
        raise ServiceError(_("Print from 1 to %(n)s numbered copies at a time.", n=paper.MAX_COPIES))
    copies = int(raw)
    if first + copies - 1 > paper.MAX_PAPER_NUMBER:
        raise ServiceError(_("The last number would be over %(n)s.", n=paper.MAX_PAPER_NUMBER))
    return lang, first, copies


@bp.get("/rounds/<slug>/paper/<group>.pdf")
@login_required
def paper_pdf(slug: str, group: str):
    """Numbered copies of one group's questionnaire in one language, ready to print."""
    round_ = get_round_for(current_user, slug)
    try:
        lang, first, copies = _copies_args()
        round_group, instrument = paper.entry_survey(round_, group)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.paper_overview", slug=slug))
    link = external_url("public.start", slug=slug, group=group) if round_group.access == "open" else None
    params = {"round": slug, "group": group, "lang": lang, "first": first, "copies": copies, "link": link}
    key = job_runners.paper_key(round_, round_group, params)
    data, job = jobs.file_or_job("paper_pdf", key, {**params, "file_url": request.full_path}, current_user.id)
    if data is None:  # a worker lays the copies out; the progress page downloads them when they are ready
        return redirect(url_for("reports.job_status", job_id=job.id))
    headers = dict(NO_STORE)
    headers["Content-Disposition"] = f'attachment; filename="paper-{slug}-{group}-{lang}-{first}.pdf"'
    return Response(data, mimetype="application/pdf", headers=headers)


@bp.route("/rounds/<slug>/paper/<group>/enter", methods=["GET", "POST"])
@login_required
def paper_enter(slug: str, group: str):
    """Type in one filled-in paper (or interviewer) questionnaire; the form stays for the next one."""
    round_ = get_round_for(current_user, slug, change=request.method == "POST")
    found = _entry_survey_or_back(round_, group)
    if found is None:
        return redirect(url_for("console.paper_overview", slug=slug))
    _round_group, instrument = found
    form = EmptyForm()
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort_with(400)
        problems: dict[str, str] = {}

        def enter():
            try:
                return paper.enter_response(round_, group, request.form, current_user)
            except paper.EntryProblems as exc:
                problems.update(exc.errors)
                raise

        outcome = run(
            enter,
            success=lambda r: _("Questionnaire No. %(n)s is saved as response %(id)s.", n=r.paper_number, id=r.id),
            flash_error=False,
        )
        if not outcome.ok and not problems:  # the answers' problems are summarised on the page itself
            flash(outcome.error, "error")
        if outcome.ok:
            return redirect(
                url_for("console.paper_enter", slug=slug, group=group, mode=request.form.get("mode")) + "#paper_number"
            )
        errors = problems
    return _entry_page(round_, group, instrument, form, values, errors)


def _entry_page(round_, group, instrument, form, values, errors):
    numbers = paper.entered_numbers(round_, group)
    items = [
        {
            "number": item.number,
            "condition": item.condition,
            "q": item.question,
            "values": {k: values.getlist(k) for k in values} if hasattr(values, "getlist") else {},
            "error": errors.get(item.question.code),
            "visible": True,
            "relevant_json": None,
        }
        for _section, section_items in paper.paper_sections(instrument, current_language())
        for item in section_items
    ]
    mode = (values.get("mode") if values else None) or request.args.get("mode") or "paper"
    response = render_template(
        "console/paper_enter.html",
        round=round_,
        group=group,
        instrument=instrument,
        items=items,
        errors=errors,
        form=form,
        values=values,
        mode=mode if mode in paper.ENTRY_MODES else "paper",
        next_number=(max(numbers) + 1) if numbers else 1,
        entered=len(numbers),
        modes=paper.ENTRY_MODES,
    )
    return response, (422 if errors else 200), NO_STORE
