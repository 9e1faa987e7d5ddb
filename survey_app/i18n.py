"""Language selection and template helpers for the three languages (kk, ru, en)."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations, gettext
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
    return browser_language()


def browser_language() -> str:
    """The first of the browser's languages (by preference) that we speak, matching on the primary subtag:
    ``kk-KZ,ru;q=0.8`` is Kazakh."""
    for value, _quality in request.accept_languages:  # already sorted by preference
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def remember_requested_language() -> None:
    """``?lang=`` is remembered even on a page that only redirects (``/console/?lang=ru`` → the login page)."""
    requested = request.args.get("lang", "")
    if requested in LANGUAGES and session.get("lang") != requested:
        session["lang"] = requested


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
    """Pick the text for the current language from a {kk, ru, en} mapping (falls back to ru, then en, then
    the first language an uploaded form has)."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    lang = lang or current_language()
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or texts.get("en") or next(iter(texts.values()), "")


def _translations():
    """The catalogs of the current language, looked up once per request and language (``force_locale`` gives
    another language, so the cache is keyed by the locale in force)."""
    locale = get_locale()
    cached = g.get("_scri_translations")
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        g._scri_translations = cached
    return cached[1]


def setup_i18n(app: Flask) -> None:
    """Make the language helpers available in every template (with a gettext that finds the catalogs once per
    request: a questionnaire page asks for some twenty texts)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def inject_languages() -> dict:
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language,
            "localized": localized,
        }

    app.jinja_env.filters["localized"] = localized
    from .labels import group_label

    app.jinja_env.filters["group_label"] = group_label
    app.before_request(remember_requested_language)
    app.jinja_env.globals["config_languages"] = lambda: current_app.config["LANGUAGES"]
