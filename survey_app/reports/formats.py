"""Numbers, dates, texts and levels in the report's language: the formatting every report context shares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import gettext as _

from instruments.domain import DEFAULT_LANGUAGE, LANGUAGES
from instruments.frameworks import ScriFramework, load_framework

from .values import num

__all__ = ["Formats", "Levels", "texts"]


class Formats:
    """Numbers, percentages and dates in one language; None and NaN become "no data"."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        with force_locale(self.lang):
            self.no_data = _("no data")

    def number(self, value: Any, digits: int = 1) -> str:
        value = num(value)
        if value is None:
            return self.no_data
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        try:
            return format_decimal(round(value, digits) + 0.0, format=pattern, locale=self.lang)
        except (ArithmeticError, ValueError):  # absurdly large values: plain digits rather than a crash
            return f"{value:.{digits}f}"

    def signed(self, value: Any, digits: int = 1) -> str:
        value = num(value)
        if value is None:
            return self.no_data
        value = round(value, digits) + 0.0
        text = self.number(abs(value), digits)
        return ("+" if value > 0 else "−" if value < 0 else "±") + text

    def share(self, value: Any, digits: int = 0) -> str:
        """A share on 0–1 as a percentage: 0.92 → "92 %" (ru) / "92%" (en, kk)."""
        value = num(value)
        if value is None:
            return self.no_data
        return self.percent(value * 100, digits)

    def percent(self, value: Any, digits: int = 1) -> str:
        """A value already on 0–100 as a percentage."""
        value = num(value)
        if value is None:
            return self.no_data
        sep = "\u00a0" if self.lang == "ru" else ""
        return f"{self.number(value, digits)}{sep}%"

    def interval(self, low: Any, high: Any) -> str:
        low, high = num(low), num(high)
        if low is None or high is None:
            return ""
        return f"{self.number(low)}–{self.number(high)}"

    def integer(self, value: Any) -> str:
        value = num(value)
        return self.no_data if value is None else self.number(value, 0)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.lang)


def texts(value: Any, lang: str, fallback: str = "") -> str:
    """Pick a language from a {kk, ru, en} mapping (then ru, then en); a plain string is returned as is."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in (lang, "ru", "en", "kk"):
            text = value.get(key)
            if isinstance(text, str) and text.strip():
                return text
    return fallback


class Levels:
    """The framework's readiness levels (their lower edges and names), read from the framework file."""

    def __init__(self, lang: str, framework: ScriFramework | None = None):
        self.framework = framework or load_framework()
        self.lang = lang
        self.edges = {level.code: level.lower for level in self.framework.levels}

    def of(self, score: float | None) -> str | None:
        """The level of a score (None for a missing score)."""
        return None if score is None else self.framework.level(score)

    def css(self, score: float | None) -> str:
        """The level as a class name for colouring ("na" without a score)."""
        return self.of(score) or "na"

    def name(self, code: str | None) -> str:
        for level in self.framework.levels:
            if level.code == code:
                return texts(level.label, self.lang, code)
        return _("not determined")

    @property
    def weak_below(self) -> float:
        """Below this a score is weak: the lower edge of the second level (medium)."""
        return self.framework.levels[1].lower if len(self.framework.levels) > 1 else self.framework.levels[0].lower

    @property
    def strong_from(self) -> float:
        """From this a score is strong: the lower edge of the top level (high)."""
        return self.framework.levels[-1].lower
