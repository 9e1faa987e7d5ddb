"""Quick polls in the console: start one (areas of the reference standard or questions of one's own), read
its results by month, print its QR poster."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.domain import LANGUAGES
from instruments.refstd import load_refstd_framework

from ..errors import abort_with
from ..links import external_url
from ..pdf import html_to_pdf
from ..services import polls
from ..services.errors import ServiceError
from ..services.invitations import qr_data_uri
from ..services.permissions import changeable_cities, get_round_for, visible_rounds
from . import bp
from .forms import EmptyForm
from .unit_of_work import run

CUSTOM_SLOTS = 2
NO_STORE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}


def _custom_questions(form) -> list[dict]:
    """The questions of one's own that were written (a slot left empty is not a question)."""
    out = []
    for slot in range(1, CUSTOM_SLOTS + 1):
        label = {lang: form.get(f"q{slot}_{lang}", "").strip() for lang in LANGUAGES}
        if any(label.values()):
            out.append({"type": form.get(f"q{slot}_type", ""), "label": label})
    return out


@bp.route("/polls", methods=["GET", "POST"])
@login_required
def polls_index():
    """The quick polls of the visible cities, and the form that starts one."""
    form = EmptyForm()
    cities = changeable_cities(current_user)
    if request.method == "POST":
        city = next((c for c in cities if c.id == request.form.get("city", type=int)), None)
        if city is None:  # a viewer, or a city the account may not change
            abort_with(403)
        if not form.validate_on_submit():
            abort_with(400)
        if city:
            outcome = run(
                lambda: polls.create_poll(
                    city,
                    request.form.get("slug", ""),
                    request.form.getlist("areas"),
                    _custom_questions(request.form),
                    actor=current_user,
                ),
                success=lambda p: _("The poll %(slug)s is open. Print its poster and put it up.", slug=p.slug),
            )
            if outcome.ok:
                return redirect(url_for("console.poll_detail", slug=outcome.value.slug))
    framework = load_refstd_framework()
    return render_template(
        "console/polls.html",
        polls=visible_rounds(current_user, kind="poll"),
        cities=cities,
        areas=framework.areas,
        slots=range(1, CUSTOM_SLOTS + 1),
        max_questions=polls.MAX_QUESTIONS,
        form=form,
        values=request.form,
    )


@bp.get("/polls/<slug>")
@login_required
def poll_detail(slug: str):
    """Answers by month and the share of good answers per question (cells below k_min withheld)."""
    poll = get_round_for(current_user, slug)
    if poll.kind != "poll":  # a survey round has its own page
        return redirect(url_for("console.round_detail", slug=slug))
    results = polls.poll_results(poll, current_app.config.get("SCRI_K_MIN", 5))
    link = external_url("public.start", slug=poll.slug, group="residents")
    return render_template("console/poll.html", poll=poll, results=results, link=link, qr=qr_data_uri(link))


@bp.get("/polls/<slug>/poster.pdf")
@login_required
def poll_poster(slug: str):
    """An A4 poster in Kazakh, Russian and English with the poll's QR code and link."""
    poll = get_round_for(current_user, slug)
    if poll.kind != "poll":
        return redirect(url_for("console.round_detail", slug=slug))
    link = external_url("public.start", slug=poll.slug, group="residents")
    try:
        html = render_template("console/poll_poster.html", poll=poll, link=link, qr=qr_data_uri(link))
        data = html_to_pdf(html)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.poll_detail", slug=slug))
    headers = dict(NO_STORE)
    headers["Content-Disposition"] = f'attachment; filename="poster-{poll.slug}.pdf"'
    return Response(data, mimetype="application/pdf", headers=headers)
