"""The respondent's public questionnaire."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import offline, routes  # noqa: E402, F401
