"""Test helpers: an XLSForm workbook from rows, and an open round whose residents answer it."""

from __future__ import annotations

import io


def book(sheets: dict[str, list[list]]) -> bytes:
    """The .xlsx bytes of a workbook with these sheets, each given as its rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def seed_round(app, make_city, slug: str, data: bytes, name: str = "form.xlsx", attachments=None) -> str:
    """An open round of a new city whose residents answer the XLSForm `data` by the open link; its slug."""
    from instruments.xlsform import load_xlsform_bytes
    from survey_app.extensions import db
    from survey_app.models import City
    from survey_app.services import rounds
    from survey_app.services.instruments import store_instrument

    city_id = make_city()
    with app.app_context():
        row = store_instrument(load_xlsform_bytes(data, name, "residents", attachments))
        round_ = rounds.create_round(
            db.session.get(City, city_id), slug, ["residents"], instruments={"residents": row},
            access={"residents": "open"}, year=2025,
        )  # fmt: skip
        rounds.open_round(round_)
        db.session.commit()
    return slug
