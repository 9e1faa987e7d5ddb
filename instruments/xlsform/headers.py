"""Column headers as XLSForm writers spell them: any case, old names (`list name`, `relevance`,
`constraint message`), `bind::`/`control::` prefixes and `label:English` with one colon, all brought to one
spelling; a language suffix (`label::Français (fr)`) becomes a language code."""

from __future__ import annotations

import re

ALIASES = {
    "list name": "list_name",
    "listname": "list_name",
    "relevance": "relevant",
    "constraint message": "constraint_message",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "required message": "required_message",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "readonly": "read_only",
    "calculate": "calculation",
    "caption": "label",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "guidance hint": "guidance_hint",
    "choice filter": "choice_filter",
    "form title": "form_title",
    "form id": "form_id",
    "default language": "default_language",
    "media::image": "image",
    "media::audio": "audio",
    "media::video": "video",
    "media::big-image": "big-image",
    "noapperrorstring": "no_app_error_string",
    "jr:noapperrorstring": "no_app_error_string",
}
TRANSLATABLE = {"label", "hint", "guidance_hint", "constraint_message", "required_message", "image", "audio",
                "video", "big-image", "form_title", "intro", "scri_title"}  # fmt: skip
LANGUAGE_NAMES = {
    "kazakh": "kk", "қазақ": "kk", "қазақша": "kk", "қазақ тілі": "kk", "казахский": "kk",
    "russian": "ru", "русский": "ru", "орысша": "ru", "english": "en", "английский": "en", "ағылшынша": "en",
    "french": "fr", "français": "fr", "francais": "fr", "spanish": "es", "español": "es", "espanol": "es",
    "portuguese": "pt", "português": "pt", "swahili": "sw", "kiswahili": "sw", "arabic": "ar", "hindi": "hi",
    "nepali": "ne", "chichewa": "ny", "german": "de", "deutsch": "de", "uzbek": "uz", "kyrgyz": "ky",
    "turkish": "tr", "chinese": "zh", "amharic": "am", "bengali": "bn", "indonesian": "id", "default": "",
}  # fmt: skip
_CODE_IN_PARENS = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$")
_PLAIN_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")


def column(header: str) -> tuple[str, str | None]:
    """(base name, language code or None) of one header cell; '' as the code: a language not recognised."""
    text = re.sub(r"\s+", " ", str(header).strip())
    lowered = text.lower()
    if lowered in ALIASES:
        return ALIASES[lowered], None
    for prefix in ("bind::", "control::", "instance::", "body::"):
        if lowered.startswith(prefix):
            base = lowered[len(prefix) :]
            return ALIASES.get(base, base if prefix in ("bind::", "control::") else lowered), None
    head, sep, tail = text.partition("::")
    if not sep:
        head, sep, tail = text.partition(":")
        if not sep or head.strip().lower() not in TRANSLATABLE:
            return ALIASES.get(lowered, lowered), None
    base = ALIASES.get(head.strip().lower(), head.strip().lower())
    if base not in TRANSLATABLE:
        return lowered, None
    return base, language_code(tail)


def language_code(name: str) -> str:
    """`Kazakh (kk)` → kk, `English` → en, `fr` → fr, `Tetum` → tetum; '' for `default` (no language)."""
    name = name.strip()
    match = _CODE_IN_PARENS.search(name)
    if match:
        return match.group(1).lower()
    lowered = name.lower()
    if lowered in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[lowered]
    if _PLAIN_CODE.match(lowered):
        return lowered
    return re.sub(r"[^\w]+", "_", lowered).strip("_")[:24]


def language_name(code: str) -> str:
    """How a language code reads in a message."""
    return {"kk": "Kazakh (kk)", "ru": "Russian (ru)", "en": "English (en)"}.get(code, code)


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
