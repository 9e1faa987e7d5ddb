"""The console's pages in Kazakh and Russian: no English left on the pages a coordinator works in."""

import pytest

PAGES = {
    "kk": {
        "/console/cities": ["Қала қосу", "Атауы (қаз. / орыс. / ағыл.)"],
        "/console/rounds/shu-2025": ["Кезеңмен әрекеттер", "Жауаптарды жүктеп алу"],
        "/console/rounds/shu-2025/edit": ["Кезең баптаулары", "Баптауларды сақтау"],
    },
    "ru": {
        "/console/cities": ["Добавить город", "Название (каз. / рус. / англ.)"],
        "/console/rounds/shu-2025": ["Действия с раундом", "Скачать ответы"],
        "/console/rounds/shu-2025/edit": ["Настройки раунда", "Сохранить настройки"],
    },
}
ENGLISH = ["Add a city", "Round actions", "Download the responses", "Round settings", "Save settings"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_console_pages_are_in_the_chosen_language(two_cities, login, language):
    client = login("admin@scri.kz")
    for path, phrases in PAGES[language].items():
        page = client.get(f"{path}?lang={language}")
        assert page.status_code == 200, path
        text = page.get_data(as_text=True)
        for phrase in phrases:
            assert phrase in text, (path, phrase)
        assert not [english for english in ENGLISH if english in text], path
