"""WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app`."""

from . import create_app

app = create_app()
