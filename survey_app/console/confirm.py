"""Confirmation pages for the console's irreversible or public actions: the action's own address answers GET
with a page saying what will happen and what cannot be undone, and acts only on a POST from that page."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

#: What each confirmed action does, in words: title, what happens, what cannot be undone (or None), the button.
CONFIRMATIONS = {
    "open": (
        _l("Open the round for answers?"),
        _l(
            "Its links start accepting answers at once, and its questionnaires are frozen: their questions can no "
            "longer be changed in this round."
        ),
        _l("This cannot be undone: an opened round can be closed, but it never becomes a draft again."),
        _l("Open for answers"),
    ),
    "reopen": (
        _l("Reopen the round?"),
        _l("Its links accept answers again until you close the round."),
        None,
        _l("Reopen"),
    ),
    "close": (
        _l("Close the round?"),
        _l(
            "Its links stop accepting answers at once; a respondent who is halfway through sees that the survey "
            "is closed. The answers received so far are kept."
        ),
        _l("You can reopen the round later, unless it is archived."),
        _l("Close the round"),
    ),
    "archive": (
        _l("Archive the round?"),
        _l(
            "The round leaves the list of active rounds. Its answers, results and reports stay and can still be "
            "compared."
        ),
        _l("An archived round can no longer be reopened or edited; only an administrator can restore it."),
        _l("Archive"),
    ),
    "restore": (
        _l("Restore the archived round?"),
        _l("The round becomes closed again: it can be edited, reopened or archived again."),
        None,
        _l("Restore"),
    ),
    "publish": (
        _l("Publish the results?"),
        _l(
            "Anyone with the link can then see the round's results page and download its PDF: the scores, the "
            "charts and the governance assessment. Groups with too few respondents are not shown, and no "
            "individual answer is ever published."
        ),
        _l("You can withdraw the page later, but copies already downloaded stay with whoever downloaded them."),
        _l("Publish the results"),
    ),
    "reissue": (
        _l("Give this invitation a new link?"),
        _l(
            "The new link is shown once, on the next page (and e-mailed when the invitation has an address). "
            "An answer begun with the old link is kept."
        ),
        _l("The old link stops working at once and cannot be brought back."),
        _l("Make a new link"),
    ),
    "revoke": (
        _l("Revoke this invitation?"),
        _l("Its link stops working at once. An answer already given with it is kept."),
        _l("A revoked invitation cannot be used again; issue a new one if the person still needs to answer."),
        _l("Revoke the invitation"),
    ),
    "delete_response": (
        _l("Delete this response?"),
        _l(
            "Its answers and the files attached to it are deleted from the database and from every later export "
            "and score. The audit log keeps that it was deleted, by whom and why, but none of its answers."
        ),
        _l("This cannot be undone: a deleted response cannot be brought back."),
        _l("Delete the response"),
    ),
}


def confirmed() -> bool:
    """Whether the POST comes from a confirmation page."""
    return request.form.get("confirm") == "yes"


def confirmation_page(
    kind: str, *, round_, back: str, hidden: dict | None = None, subject: str = "", reason: bool = False
):
    """The confirmation page of `kind`: posts to the same address with ``confirm=yes`` (and `hidden` fields;
    with `reason`, a required field saying why)."""
    title, happens, lasting, button = CONFIRMATIONS[kind]
    return render_template(
        "console/confirm.html",
        round=round_,
        kind=kind,
        title=title,
        happens=happens,
        lasting=lasting,
        button=button,
        subject=subject,
        hidden=hidden or {},
        action=request.full_path.rstrip("?"),
        back=back,
        reason=reason,
    )
