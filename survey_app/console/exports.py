"""Download a round's responses as CSV or XLSX (streamed, never built whole in memory)."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_login import current_user, login_required

from ..errors import abort_with
from ..extensions import db
from ..services import audit, exports
from ..services.permissions import get_round_for
from . import bp


@bp.get("/rounds/<slug>/export.<fmt>")
@login_required
def export(slug: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort_with(404)
    round_ = get_round_for(current_user, slug)
    partial = request.args.get("partial") == "1"
    audit.record("round.export", user=current_user, obj=round_, details={"format": fmt, "partial": partial})
    db.session.commit()
    name = f"scri-{round_.slug}{'-with-partial' if partial else ''}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if fmt == "csv":
        body = stream_with_context(exports.csv_chunks(round_.id, partial))
        return Response(body, mimetype="text/csv", headers=headers)
    handle = exports.xlsx_file(round_, partial)
    return Response(exports.file_chunks(handle),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers=headers)
