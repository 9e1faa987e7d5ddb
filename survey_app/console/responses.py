"""Flagged responses of a round: leave one out of the scores with a reason, or count it again."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import abort_with
from ..services import quality
from ..services.permissions import get_round_for
from . import bp
from .forms import EmptyForm
from .unit_of_work import run


def _round_page(slug: str):
    return redirect(url_for("console.round_detail", slug=slug) + "#quality-title")


@bp.post("/rounds/<slug>/responses/<int:response_id>/exclude")
@login_required
def response_exclude(slug: str, response_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    reason = request.form.get("reason", "")
    run(
        lambda: quality.exclude_response(round_, response_id, reason, current_user),
        success=_("Response %(id)s is left out of the scores. It stays in the exports, marked.", id=response_id),
    )
    return _round_page(slug)


@bp.post("/rounds/<slug>/responses/<int:response_id>/include")
@login_required
def response_include(slug: str, response_id: int):
    round_ = get_round_for(current_user, slug, change=True)
    if not EmptyForm().validate_on_submit():
        abort_with(400)
    run(
        lambda: quality.include_response(round_, response_id, current_user),
        success=_("Response %(id)s counts in the scores again.", id=response_id),
    )
    return _round_page(slug)
