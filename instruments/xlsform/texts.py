"""The texts of an XLSForm in whatever languages it has (`label::Français (fr)`, `label::English`, a plain
`label`). A plain column is the form's default language: `default_language` of the settings sheet when it
names one, else told from the script (Kazakh letters, Cyrillic, Latin). A text missing in one of the form's
languages, or in Kazakh, Russian or English, is a warning, never a refusal: the questionnaire is offered in
the languages it has, and the coordinator adds the others before approval."""

from __future__ import annotations

import re
from collections import defaultdict

from ..domain import LANGUAGES
from .headers import language_code, language_name
from .workbook import Sheet

_KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
MAX_WARNED = 5


class FormTexts:
    """The form's languages, its default language and the translations it lacks."""

    def __init__(self, sheets: list[Sheet], default_language: str | None):
        written = [c[2] for s in sheets for c in s.columns if c[1] in ("label", "hint") and c[2] is not None]
        plain = any(c[1] == "label" and c[2] is None for s in sheets for c in s.columns)
        named = language_code(default_language) if default_language else ""
        if named:
            self.default = named
        elif plain:
            self.default = _guess(sheets)
        else:
            self.default = next((lang for lang in written if lang), "en")
        languages = [self.default] if plain or not written else []
        for lang in written:
            lang = lang or self.default
            if lang not in languages:
                languages.append(lang)
        self.languages = languages
        self.missing: dict[str, list[str]] = defaultdict(list)

    def texts(self, sheet: Sheet, row: dict, base: str, what: str) -> dict[str, str] | None:
        """{language: text} of one row's `base` columns; the missing languages are remembered for warnings."""
        out: dict[str, str] = {}
        for index, name, lang, _raw in sheet.columns:
            if name != base or index not in row:
                continue
            text = str(row[index]).strip()
            if text:
                out.setdefault(lang or self.default, text)
        if not out:
            return None
        for lang in self.wanted():
            if lang not in out:
                self.missing[lang].append(what)
        return out

    def wanted(self) -> list[str]:
        """The languages every text should have: the form's own and Kazakh, Russian and English."""
        return list(dict.fromkeys([*self.languages, *LANGUAGES]))

    def warnings(self) -> list[str]:
        """One line per language that some texts lack, naming the first few."""
        lines = []
        for lang in self.wanted():
            places = self.missing.get(lang)
            if not places:
                continue
            shown = ", ".join(places[:MAX_WARNED]) + (
                f" and {len(places) - MAX_WARNED} more" if len(places) > MAX_WARNED else ""
            )
            lines.append(f"missing translation: {len(places)} texts have no {language_name(lang)} text ({shown})")
        return lines


def _guess(sheets: list[Sheet]) -> str:
    """The language of plain `label` columns, told from their letters."""
    sample = []
    for sheet in sheets:
        indexes = [c[0] for c in sheet.columns if c[1] == "label" and c[2] is None]
        for _number, row in sheet.rows[:200]:
            sample.extend(str(row[i]) for i in indexes if i in row)
    text = " ".join(sample)
    if _KAZAKH.search(text):
        return "kk"
    if len(_CYRILLIC.findall(text)) > len(text) // 10:
        return "ru"
    return "en"
