"""SCRI: the Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATION_DIRECTORIES = ";".join(
    str(Path(__file__).parent / sub / "translations") for sub in ("", "public", "console", "reports", "api")
)


def create_app(config: dict | None = None, *, migrations: bool = True):
    """Create the Flask app; `config` overrides settings read from the environment (used by tests).

    With migrations=False, Flask-Migrate is bound only when a command needs the schema (faster start). Flask
    and the extensions are imported here, not with the package, so that ``scri --help`` starts at once.
    """
    from flask import Flask

    from . import config as config_module
    from .extensions import babel, csrf, db, login_manager

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=os.environ.get("SCRI_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.load(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = TRANSLATION_DIRECTORIES
    if config:
        app.config.update(config)

    from .database import configure_engine_events, init_migrations
    from .i18n import select_locale, setup_i18n

    db.init_app(app)
    if migrations:
        init_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    configure_engine_events()
    setup_i18n(app)

    from . import models  # noqa: F401  (register the tables with the metadata)
    from .auth import init_auth

    init_auth(app)
    from .api import bp as api_bp
    from .console import bp as console_bp
    from .errors import register_error_handlers
    from .health import bp as health_bp
    from .public import bp as public_bp
    from .reports import bp as reports_bp
    from .security import register_security

    app.register_blueprint(public_bp)
    app.register_blueprint(console_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(health_bp)
    register_error_handlers(app)
    from .cli import register_cli

    register_cli(app)
    register_security(app)
    from .services.ratelimit import trust_proxies

    trust_proxies(app)
    return app
