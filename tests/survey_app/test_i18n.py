"""Every translation catalog is complete (kk, ru), not fuzzy, and its compiled .mo matches the .po."""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "survey_app"
TEMPLATES = ROOT.parent / "templates"
CATALOGS = sorted(ROOT.glob("**/translations/*/LC_MESSAGES/messages.po"))


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_there_are_catalogs_for_kazakh_and_russian():
    languages = {path.parts[-3] for path in CATALOGS}
    assert {"kk", "ru"} <= languages


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_compiled(po_path):
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"untranslated in {po_path}"
    assert fuzzy == [], f"fuzzy in {po_path}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run pybabel compile"
    with mo_path.open("rb") as fh:
        compiled = read_mo(fh)
    po_map = {_key(m.id): _key(m.string) for m in catalog if m.id}
    mo_map = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert mo_map == po_map, f"{mo_path} is out of date: run pybabel compile"


def test_questionnaire_buttons_are_translated(app, client, make_round):
    make_round(slug="lang-2025", groups=("residents",))
    kk = client.get("/s/lang-2025/residents?lang=kk").get_data(as_text=True)
    ru = app.test_client().get("/s/lang-2025/residents?lang=ru").get_data(as_text=True)
    assert "Бастау" in kk and ">Start<" not in kk and "What we store" not in kk
    assert "Начать" in ru and "What we store" not in ru


def _messages_in_code() -> dict[str, str]:
    """Every message marked for translation in the code and templates, with the first file it is in."""
    keywords = dict(DEFAULT_KEYWORDS, _l=None)
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    found: dict[str, str] = {}
    for directory in (ROOT, TEMPLATES):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(directory), method_map, keywords=keywords
        ):
            found.setdefault(message if isinstance(message, str) else message[0], filename)
    return found


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_in_the_code_has_a_translation(language):
    translated = set()
    for po_path in ROOT.glob(f"**/translations/{language}/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            translated |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id and m.string}
    missing = {message: where for message, where in _messages_in_code().items() if message not in translated}
    assert missing == {}, f"not translated into {language} (extract with pybabel and translate)"
