"""The coordinator's console."""

from flask import Blueprint, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

bp = Blueprint("console", __name__, url_prefix="/console")

STATUS_LABELS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed"), "archived": _l("archived")}
# Menu entries shown when their page exists (endpoint, label, admin only).
MENU = [
    ("reports.compare", _l("Compare cities"), False),
    ("console.polls_index", _l("Quick polls"), False),
    ("console.indicators", _l("Indicators"), False),
    ("console.instruments", _l("Questionnaires"), False),
    ("console.audit", _l("Audit log"), True),
]


@bp.app_context_processor
def console_helpers():
    def console_menu():
        entries = []
        for endpoint, label, admin_only in MENU:
            if endpoint in current_app.view_functions and (not admin_only or current_user.is_admin):
                entries.append((endpoint, label))
        return entries

    def round_links(round_):
        links = []
        if "reports.round_results" in current_app.view_functions:
            links.append((url_for("reports.round_results", slug=round_.slug), _l("Results")))
        return links

    from ..local_time import local_text

    return {
        "console_menu": console_menu,
        "status_label": lambda s: STATUS_LABELS.get(s, s),
        "round_links": round_links,
        "local_text": local_text,
    }


from . import (  # noqa: E402, F401
    audit,
    auth_routes,
    cities,
    exports,
    indicators,
    instrument_translations,
    instruments,
    invitation_edit,
    invitations,
    paper,
    polls,
    question_pages,
    response_pages,
    responses,
    rounds,
)
