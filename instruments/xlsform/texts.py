"""Texts of an XLSForm: `label::Kazakh (kk)` columns → {kk, ru, en}, each missing language a problem."""

from __future__ import annotations

import re

from ..checking import Checker
from ..domain import LANGUAGES

LANGUAGE_NAMES = {"kazakh": "kk", "russian": "ru", "english": "en", "қазақша": "kk", "русский": "ru"}
_LANG_IN_PARENS = re.compile(r"\(([A-Za-z]{2})\)\s*$")


class XlsformChecker(Checker):
    """The problems of one workbook, and its language columns."""

    def language_columns(self, header: list[str], base: str, sheet: str) -> dict[str, str]:
        """{lang: column} for `base::Kazakh (kk)` or `base::kk`; the plain `base` column is kept under ''."""
        found: dict[str, str] = {}
        for column in header:
            if not column:
                continue
            head, sep, tail = column.partition("::")
            if head.strip().lower() != base:
                continue
            if not sep:
                found[""] = column
                continue
            lang = _language(tail)
            if lang is None:
                self.problem(
                    f"{sheet} sheet",
                    f"column {column!r}: unknown language; use Kazakh (kk), Russian (ru) or English (en)",
                )
            else:
                found[lang] = column
        return found

    def texts(self, row: dict, columns: dict[str, str], where: str, what: str) -> dict | None:
        if not columns:
            return None
        texts = {
            lang: str(row[col]).strip()
            for lang, col in columns.items()
            if lang and row.get(col) not in (None, "") and str(row[col]).strip()
        }
        plain = row.get(columns.get("", ""), None) if "" in columns else None
        if plain not in (None, ""):
            for lang in LANGUAGES:
                if lang not in texts:
                    self.problem(
                        where,
                        f"missing translation: {what} in '{lang}' (only a {what} column without a language was given)",
                    )
                    texts[lang] = str(plain).strip()
        return texts or None


def _language(text: str) -> str | None:
    text = text.strip()
    match = _LANG_IN_PARENS.search(text)
    if match and match.group(1).lower() in LANGUAGES:
        return match.group(1).lower()
    lowered = text.lower()
    if lowered in LANGUAGES:
        return lowered
    return LANGUAGE_NAMES.get(lowered)
