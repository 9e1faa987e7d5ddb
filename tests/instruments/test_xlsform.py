"""XLSForm workbooks: read into the same checked definition as YAML, every problem listed with its row."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from instruments.loader import InstrumentError
from instruments.xlsform import MAX_UNCOMPRESSED, load_xlsform_bytes, load_xlsform_file

SURVEY = [
    [
        "type",
        "name",
        "label::Kazakh (kk)",
        "label::Russian (ru)",
        "label::English (en)",
        "hint::kk",
        "hint::ru",
        "hint::en",
        "required",
        "relevant",
        "construct",
        "scale",
        "min",
        "max",
        "constraint",
    ],
    ["start", "start"],
    [
        "select_one yn3",
        "uses_egov",
        "eGov қолданасыз ба?",
        "Пользуетесь ли eGov?",
        "Do you use eGov?",
        "",
        "",
        "",
        "yes",
        "",
        "",
        "",
        "",
        "",
        ". != ''",
    ],
    ["begin_group", "services", "Қызметтер", "Услуги", "Services"],
    [
        "select_one agree",
        "trust_akimat",
        "Әкімдікке сенемін",
        "Я доверяю акимату",
        "I trust the akimat",
        "",
        "",
        "",
        "no",
        "${uses_egov} = 'yes'",
        "trust",
        "agreement",
    ],
    [
        "integer",
        "age",
        "Жасыңыз",
        "Ваш возраст",
        "Your age",
        "Толық жыл",
        "Полных лет",
        "Full years",
        "1",
        "",
        "",
        "",
        18,
        100,
    ],
    [
        "select_multiple svc",
        "services_used",
        "Қай қызметтер?",
        "Какие услуги?",
        "Which services?",
        "",
        "",
        "",
        "",
        "selected(${uses_egov}, 'yes')",
    ],
    ["end_group"],
    ["text", "comment", "Пікір", "Комментарий", "Comment"],
]
CHOICES = [
    ["list_name", "name", "label::Kazakh (kk)", "label::Russian (ru)", "label::English (en)"],
    ["yn3", "yes", "Иә", "Да", "Yes"],
    ["yn3", "no", "Жоқ", "Нет", "No"],
    [],
    ["svc", "egov", "eGov", "eGov", "eGov"],
    ["svc", "post", "Пошта", "Почта", "Post"],
]
SETTINGS = [
    [
        "form_id",
        "version",
        "group",
        "form_title::Kazakh (kk)",
        "form_title::Russian (ru)",
        "form_title::English (en)",
        "intro::kk",
        "intro::ru",
        "intro::en",
    ],
    ["residents_x", 2, "residents", "Тұрғындар", "Жители", "Residents", "Кіріспе", "Введение", "Introduction"],
]


def workbook(survey=SURVEY, choices=CHOICES, settings=SETTINGS, names=("survey", "choices", "settings")) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in zip(names, (survey, choices, settings), strict=True):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(data: bytes) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        load_xlsform_bytes(data, "form.xlsx")
    return [f"{p.where}: {p.reason}" for p in caught.value.problems]


def test_a_good_workbook_gives_the_same_instrument_as_yaml():
    instrument = load_xlsform_bytes(workbook(), "form.xlsx")
    assert (instrument.code, instrument.group, instrument.version) == ("residents_x", "residents", 2)
    assert [s.code for s in instrument.sections] == ["residents_x", "services", "residents_x_2"]
    assert instrument.sections[0].title["ru"] == "Жители"
    trust = instrument.question("trust_akimat")
    assert trust.type == "likert" and trust.scale == "agreement" and trust.construct == "trust"
    assert trust.relevant == "uses_egov == 'yes'" and trust.required is False
    assert instrument.question("uses_egov").type == "single" and instrument.question("uses_egov").required
    age = instrument.question("age")
    assert (age.type, age.min, age.max, age.help["kk"]) == ("integer", 18, 100, "Толық жыл")
    assert instrument.question("services_used").relevant == "uses_egov contains 'yes'"
    assert [c.code for c in instrument.question("services_used").choices] == ["egov", "post"]
    assert instrument.question("comment").type == "text"


def test_file_loader_and_cli(tmp_path, runner):
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook())
    assert load_xlsform_file(path).code == "residents_x"
    result = runner.invoke(args=["instruments", "validate", str(path)])
    assert result.exit_code == 0 and "residents_x v2" in result.output


def test_a_label_missing_in_kazakh_is_a_missing_translation_with_its_row():
    survey = [list(r) for r in SURVEY]
    survey[6][2] = ""
    found = problems(workbook(survey=survey))
    assert found == ["services_used: missing translation: label in 'kk' (survey sheet, row 7)"]


def test_plain_label_and_title_columns_report_the_other_languages():
    survey = [["type", "name", "label"], ["text", "comment", "Comment"]]
    settings = [
        ["form_id", "version", "group", "form_title", "intro::kk", "intro::ru", "intro::en"],
        ["f", 1, "business", "Title", "a", "b", "c"],
    ]
    found = problems(workbook(survey=survey, choices=[["list_name", "name", "label"]], settings=settings))
    assert sum("missing translation: form_title" in p for p in found) == 3
    assert sum(p.startswith("comment: missing translation: label") for p in found) == 3


def test_wrong_sheet_names_are_refused_clearly():
    found = problems(workbook(names=("Survey1", "choices", "Settings")))
    assert len(found) == 1 and "'survey'" in found[0] and "found 'Survey1'" in found[0]


def test_unknown_list_unsupported_type_and_choice_filter_name_the_row():
    survey = [list(r) for r in SURVEY]
    survey[2][0] = "select_one nowhere"
    survey.append(["geopoint", "where", "Қайда", "Где", "Where"])
    survey.append(["note", "hello", "Сәлем", "Привет", "Hello"])
    found = problems(workbook(survey=survey))
    assert any("list 'nowhere' is not on the choices sheet" in p and "row 3" in p for p in found)
    assert any("row 10" in p and "'geopoint' is not supported" in p for p in found)
    assert any("row 11" in p and "'note' is not supported" in p for p in found)


def test_choice_filter_and_formula_without_value_are_refused():
    survey = [SURVEY[0] + ["choice_filter"], ["select_one svc", "svc", "a", "b", "c"] + [""] * 10 + ["x = 1"]]
    found = problems(workbook(survey=survey))
    assert any("choice_filter is not supported" in p for p in found)
    settings = [list(r) for r in SETTINGS]
    settings[1][1] = "=1+1"
    found = problems(workbook(settings=settings))
    assert any("formula without a saved value" in p for p in found)


def test_a_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNCOMPRESSED + 1))
    found = problems(buffer.getvalue())
    assert len(found) == 1 and "unpacks to more than" in found[0]
    assert "not a readable" in problems(b"not a zip at all")[0]


def test_rows_are_capped():
    survey = [SURVEY[0]] + [["text", f"q{i}", "a", "b", "c"] for i in range(2100)]
    found = problems(workbook(survey=survey))
    assert any("more than 2000 rows" in p for p in found)
