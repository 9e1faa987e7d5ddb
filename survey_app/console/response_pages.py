"""A round's responses one by one: the list, one response's answers, its attached files, the free-text
answers of a question, and deleting a response on its respondent's request (confirmed, audited)."""

from __future__ import annotations

from flask import redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.model import UPLOAD_TYPES

from ..errors import abort_with
from ..services import attachments, response_browser
from ..services.instruments import instrument_definition
from ..services.permissions import get_round_for
from . import bp
from .confirm import confirmation_page, confirmed
from .forms import EmptyForm
from .unit_of_work import run


@bp.get("/rounds/<slug>/responses")
@login_required
def response_list(slug: str):
    round_ = get_round_for(current_user, slug, change=True)
    group = request.args.get("group", "")
    group = group if group in {g.group for g in round_.groups} else ""
    status = request.args.get("status", "")
    data = response_browser.page_of_responses(round_, group, status, request.args.get("page", 1, type=int) or 1)
    return render_template("console/responses.html", round=round_, group=group, status=status, **data,
                           text_questions=_text_questions(round_))  # fmt: skip


def _text_questions(round_) -> list[tuple[str, object]]:
    """(group, question) of the free-text questions of the round's questionnaires."""
    out = []
    for g in round_.groups:
        if g.instrument is not None:
            out += [(g.group, q) for q in instrument_definition(g.instrument).questions if q.type == "text"]
    return out


@bp.get("/rounds/<slug>/responses/<int:response_id>")
@login_required
def response_detail(slug: str, response_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    try:
        data = response_browser.response_view(round_, response_id)
    except LookupError:
        abort_with(404)
    return render_template("console/response.html", round=round_, form=EmptyForm(), **data)


@bp.get("/rounds/<slug>/responses/<int:response_id>/files/<code>")
@login_required
def response_file(slug: str, response_id: int, code: str):
    round_ = get_round_for(current_user, slug, change=True)
    try:
        path, mime = response_browser.attachment_of(round_, response_id, code)
    except LookupError:
        abort_with(404)
    return send_file(path, mimetype=mime, as_attachment=True, download_name=f"{response_id}-{path.name}")


@bp.route("/rounds/<slug>/responses/<int:response_id>/delete", methods=["GET", "POST"])
@login_required
def response_delete(slug: str, response_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    back = url_for("console.response_detail", slug=slug, response_id=response_id)
    if request.method == "GET":
        return confirmation_page(
            "delete_response", round_=round_, back=back, subject=_("response #%(id)s", id=response_id), reason=True
        )
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    if not confirmed():
        return redirect(url_for("console.response_delete", slug=slug, response_id=response_id))
    outcome = run(
        lambda: response_browser.delete_response(round_, response_id, request.form.get("reason", ""), current_user),
        success=_("Response #%(id)s is deleted.", id=response_id),
    )
    if not outcome.ok:
        return redirect(url_for("console.response_delete", slug=slug, response_id=response_id))
    attachments.remove_response(round_.id, response_id)
    return redirect(url_for("console.response_list", slug=slug))


@bp.get("/rounds/<slug>/responses/texts/<group>/<code>")
@login_required
def response_texts(slug: str, group: str, code: str):
    round_ = get_round_for(current_user, slug, change=True)
    question = next((q for g, q in _text_questions(round_) if g == group and q.code == code), None)
    if question is None:
        abort_with(404)
    withheld = group in response_browser.hidden_groups(round_)
    texts = response_browser.text_answers(round_, group, code)
    return render_template("console/response_texts.html", round=round_, group=group, question=question,
                           texts=texts, withheld=withheld, upload_types=UPLOAD_TYPES)  # fmt: skip
