"""Language selection and template helpers for the three languages (kk, ru, en)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from instruments.domain import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES


def select_locale() -> str:
    """`?lang=` (remembered in the session), then the account's or session's choice, then the browser."""
    requested = request.args.get("lang", "")
    if requested in LANGUAGES:
        session["lang"] = requested
        return requested
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user_lang = getattr(current_user, "language", None) if current_user else None
    if user_lang in LANGUAGES:
        return user_lang
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The two-letter code of the language of the current request."""
    locale = get_locale()
    code = locale.language if locale else DEFAULT_LANGUAGE
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(message: str, **variables) -> str:
    """The message in the language of the current request; English outside a request (the command line)."""
    if has_request_context():
        return gettext(message, **variables)
    return message % variables if variables else message


def localized(texts, lang: str | None = None) -> str:
    """Pick the text for the current language from a {kk, ru, en} mapping (falls back to ru, then en)."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    lang = lang or current_language()
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or texts.get("en") or ""


def setup_i18n(app: Flask) -> None:
    """Make the language helpers available in every template."""

    @app.context_processor
    def inject_languages() -> dict:
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language,
            "localized": localized,
        }

    app.jinja_env.filters["localized"] = localized
    app.jinja_env.globals["config_languages"] = lambda: current_app.config["LANGUAGES"]
