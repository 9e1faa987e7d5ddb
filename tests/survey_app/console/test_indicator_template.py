"""The indicator template names every indicator of both frameworks in the page's language, and filled in it
imports back whole."""

from __future__ import annotations

import csv
import io

from survey_app.services.indicators import catalogue


def test_the_template_lists_every_indicator_with_its_name_and_imports_back(app, two_cities, login):
    client = login(two_cities["users"]["coordinator"])
    response = client.get("/console/indicators/template.csv?lang=ru")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["city", "indicator", "value"] and "name" in header
    codes = {row[1] for row in body}
    assert codes == set(catalogue())  # the SCRI's and the reference standard's
    assert any(code.startswith("rs:") for code in codes) and len(codes) > 18
    names = {row[1]: row[header.index("name")] for row in body}
    some = next(code for code, info in catalogue().items() if info["kind"] == "scri")
    assert names[some] == catalogue()[some]["label"]["ru"]
    for row in body:  # fill in a valid value: the lower end of each range
        info = catalogue()[row[1]]
        row[2] = "1" if info["yesno"] else f"{info['min'] if info['min'] is not None else 0:g}"
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    from werkzeug.datastructures import FileStorage

    from survey_app.services.indicators import check_rows
    from survey_app.services.uploads import read_uploaded_table

    with app.app_context():
        from sqlalchemy import select

        from survey_app.extensions import db
        from survey_app.models import User

        user = db.session.scalar(select(User).where(User.email == two_cities["users"]["coordinator"]))
        storage = FileStorage(io.BytesIO(out.getvalue().encode("utf-8")), filename="template.csv")
        frame = read_uploaded_table(storage)
        checked = check_rows(frame, user)
    assert checked.problems == [] and len(checked.valid) == len(body)
