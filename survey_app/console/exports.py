"""Download a round's responses as CSV or XLSX (streamed while the rows are read), SPSS (.sav, built whole) or
a zip with the files respondents attached (built in a temporary file, then streamed)."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_login import current_user, login_required

from ..errors import abort_with
from ..extensions import db
from ..i18n import current_language
from ..services import audit, exports, exports_files, exports_spss, exports_xlsx
from ..services.permissions import get_round_for
from . import bp

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "zip": "application/zip",
}


@bp.get("/rounds/<slug>/export.<fmt>")
@login_required
def export(slug: str, fmt: str):
    if fmt not in MIMETYPES:
        abort_with(404)
    round_ = get_round_for(current_user, slug)
    partial = request.args.get("partial") in ("1", "y", "on")
    audit.record("round.export", user=current_user, obj=round_, details={"format": fmt, "partial": partial})
    db.session.commit()
    name = f"scri-{round_.slug}{'-with-partial' if partial else ''}.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
    }
    if fmt == "sav":  # labels in the page's language
        return Response(
            exports_spss.sav_bytes(round_, partial, current_language()), mimetype=MIMETYPES[fmt], headers=headers
        )
    if fmt == "zip":  # the responses with the files respondents attached
        archive = exports_files.files_zip(round_, partial)
        return Response(_read(archive), mimetype=MIMETYPES[fmt], headers=headers)
    chunks = exports.csv_chunks if fmt == "csv" else exports_xlsx.xlsx_chunks
    body = stream_with_context(chunks(round_.id, partial))
    return Response(body, mimetype=MIMETYPES[fmt], headers=headers)


def _read(archive, size: int = 1 << 16):
    """The temporary file's bytes in chunks; closed (and so deleted) at the end."""
    try:
        while chunk := archive.read(size):
            yield chunk
    finally:
        archive.close()
