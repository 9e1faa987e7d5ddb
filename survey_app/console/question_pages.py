"""Every choice question's answers per group, on the web and as a PDF annex."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user, login_required

from ..pdf import html_to_pdf
from ..services.permissions import get_round_for
from ..services.question_results import round_question_results
from . import bp


@bp.get("/rounds/<slug>/questions")
@login_required
def round_questions(slug: str):
    round_ = get_round_for(current_user, slug)
    return render_template("console/questions.html", round=round_, data=round_question_results(round_), pdf=False)


@bp.get("/rounds/<slug>/questions.pdf")
@login_required
def round_questions_pdf(slug: str):
    round_ = get_round_for(current_user, slug)
    html = render_template("console/questions_pdf.html", round=round_, data=round_question_results(round_), pdf=True)
    headers = {
        "Content-Disposition": f'attachment; filename="scri-{round_.slug}-questions.pdf"',
        "Cache-Control": "no-store",
    }
    return Response(html_to_pdf(html), mimetype="application/pdf", headers=headers)
