"""Results: scores of a round as dashboards and governance assessment PDFs.

The texts of these pages and PDFs live in this package's own catalog (``translations/{kk,ru}``). After changing
a text, update and compile it from the project folder:

    pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
        -o /tmp/reports.pot survey_app/reports templates/reports
    pybabel update -i /tmp/reports.pot -d survey_app/reports/translations
    pybabel compile -d survey_app/reports/translations --statistics

then translate the new or fuzzy entries (no entry may stay fuzzy) and refresh the HTML snapshots
(``SCRI_UPDATE_SNAPSHOTS=1``).
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import job_runners, routes  # noqa: E402, F401
