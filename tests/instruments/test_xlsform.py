"""XLSForm workbooks: read into the same checked definition as YAML, every problem listed with its row."""

from __future__ import annotations

import io
import zipfile

import pytest
from xlsformbooks import book

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
    return book(dict(zip(names, (survey, choices, settings), strict=True)))


def problems(data: bytes) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        load_xlsform_bytes(data, "form.xlsx")
    return [f"{p.where}: {p.reason}" for p in caught.value.problems]


def loaded(data: bytes, group: str | None = None):
    return load_xlsform_bytes(data, "form.xlsx", group)


def test_a_good_workbook_gives_the_same_instrument_as_yaml():
    instrument = loaded(workbook())
    assert (instrument.code, instrument.group, instrument.version) == ("residents_x", "residents", 2)
    assert [s.code for s in instrument.sections] == ["residents_x", "services", "residents_x_2"]
    assert instrument.sections[0].title["ru"] == "Жители"
    trust = instrument.question("trust_akimat")
    assert trust.type == "likert" and trust.scale == "agreement" and trust.construct == "trust"
    assert trust.relevant == "${uses_egov} = 'yes'" and trust.required is False
    uses = instrument.question("uses_egov")
    assert uses.type == "single" and uses.required and uses.constraint == ". != ''"
    age = instrument.question("age")
    assert (age.type, age.min, age.max, age.help["kk"]) == ("integer", 18, 100, "Толық жыл")
    assert instrument.question("services_used").relevant == "selected(${uses_egov}, 'yes')"
    assert [c.code for c in instrument.question("services_used").choices] == ["egov", "post"]
    assert instrument.question("comment").type == "text"
    assert instrument.languages == ("kk", "ru", "en")
    assert any("start (row 2)" in w for w in instrument.warnings)


def test_file_loader_and_cli(tmp_path, runner):
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook())
    assert load_xlsform_file(path).code == "residents_x"
    result = runner.invoke(args=["instruments", "validate", str(path)])
    assert result.exit_code == 0 and "residents_x v2" in result.output and "note: " in result.output


def test_a_label_missing_in_kazakh_is_a_warning_and_the_form_is_kept():
    survey = [list(r) for r in SURVEY]
    survey[6][2] = ""
    instrument = loaded(workbook(survey=survey))
    assert "kk" not in instrument.question("services_used").label
    assert "missing translation: 1 texts have no Kazakh (kk) text (label of services_used)" in instrument.warnings


def test_a_form_without_settings_in_one_plain_language_is_read_as_written():
    survey = [["type", "name", "label"], ["text", "comment", "Your comment"], ["integer", "n", "How many?"]]
    instrument = load_xlsform_bytes(workbook(survey=survey, choices=[], settings=[]), "My Form-2024.xlsx", "business")
    assert (instrument.code, instrument.version, instrument.group) == ("my_form_2024", 1, "business")
    assert instrument.languages == ("en",) and instrument.title == {"en": "my_form_2024"}
    assert instrument.intro == instrument.title
    assert instrument.question("n").min is None and instrument.question("n").max is None
    assert any("no Kazakh (kk) text" in w for w in instrument.warnings)
    assert any("no Russian (ru) text" in w for w in instrument.warnings)


def test_other_languages_old_spellings_and_upper_case_headers_are_read():
    survey = [
        ["TYPE", "Name", "Label::Français (fr)", "label:English", "Hint::English", "Relevance"],
        ["select one from yn", "ok", "D'accord ?", "Agree?", "Say so", ""],
        ["text", "why", "Pourquoi ?", "Why?", "", "${ok} = 'no'"],
    ]
    choices = [
        ["list name", "name", "label::Français (fr)", "label:English"],
        ["yn", "yes", "Oui", "Yes"],
        ["yn", "no", "Non", "No"],
    ]
    settings = [["form_id", "version", "default_language"], ["Enquête", "2024-01-15", "Français (fr)"]]
    instrument = load_xlsform_bytes(workbook(survey=survey, choices=choices, settings=settings), "f.xlsx", "residents")
    assert instrument.languages == ("fr", "en") and instrument.version == 20240115
    assert instrument.xlsform["version"] == "2024-01-15" and instrument.xlsform["form_id"] == "Enquête"
    ok = instrument.question("ok")
    assert ok.type == "single" and ok.label == {"fr": "D'accord ?", "en": "Agree?"} and ok.help == {"en": "Say so"}
    assert instrument.question("why").relevant == "${ok} = 'no'"


def test_a_group_must_be_chosen_when_the_form_does_not_say():
    found = problems(workbook(settings=[["form_id"], ["f"]]))
    assert any("choose the stakeholder group" in p for p in found)


def test_wrong_sheet_names_are_refused_clearly():
    found = problems(workbook(names=("Survey1", "choices", "Settings")))
    assert len(found) == 1 and "'survey'" in found[0] and "found 'Survey1'" in found[0]


def test_a_type_not_supported_yet_is_named_with_row_and_column():
    survey = [list(r) for r in SURVEY]
    survey[2][0] = "select_one nowhere"
    survey.append(["osm", "building", "a", "b", "c"])
    found = problems(workbook(survey=survey))
    assert any("the list 'nowhere' is not on the choices sheet" in p and "row 3, column A" in p for p in found)
    assert any("row 10, column A" in p and "'osm' is not an XLSForm type" in p for p in found)


def test_a_formula_without_its_value_is_refused():
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


def test_choices_from_an_attached_file_become_the_questions_choices():
    from pathlib import Path

    form = (
        Path(__file__).parent
        / "xlsform_corpus"
        / "medic_cht-core"
        / "tests_e2e_default_enketo_forms_select_from_file.xlsx"
    )
    with pytest.raises(InstrumentError) as caught:
        load_xlsform_file(form, "residents")
    assert any("come from 'colors.xml': attach that file" in p.reason for p in caught.value.problems)
    colors = (
        b"<root><item><name>red</name><label>Red</label></item><item><name>teal</name><label>Teal</label></item></root>"
    )
    instrument = load_xlsform_file(form, "residents", {"colors.xml": colors})
    question = next(q for q in instrument.questions if q.choices and q.choices[0].code == "red")
    assert [c.code for c in question.choices] == ["red", "teal"] and question.choices[1].label == {"en": "Teal"}


def test_choices_from_a_csv_keep_their_languages_and_filter_columns():
    survey = [["type", "name", "label::English (en)", "choice_filter"], ["select_one region", "region", "Region"],
              ["select_one_from_file towns.csv", "town", "Town", "region = ${region}"]]  # fmt: skip
    choices = [
        ["list_name", "name", "label::English (en)"],
        ["region", "zhambyl", "Zhambyl"],
        ["region", "abai", "Abai"],
    ]
    towns = "name;label::English (en);label::Russian (ru);region\nshu;Shu;Шу;zhambyl\nayagoz;Ayagoz;Аягоз;abai\n"
    instrument = load_xlsform_bytes(
        workbook(survey=survey, choices=choices, settings=[]), "f.xlsx", "residents", {"towns.csv": towns.encode()}
    )
    town = instrument.question("town")
    assert [(c.code, c.label["ru"], c.columns) for c in town.choices] == [
        ("shu", "Шу", {"region": "zhambyl"}),
        ("ayagoz", "Аягоз", {"region": "abai"}),
    ]


def test_an_attached_xml_with_a_dtd_is_refused():
    survey = [["type", "name", "label"], ["select_one_from_file c.xml", "c", "Colour"]]
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><root><item><name>&a;</name></item></root>'
    with pytest.raises(InstrumentError) as caught:
        load_xlsform_bytes(workbook(survey=survey, choices=[], settings=[]), "f.xlsx", "residents", {"c.xml": bomb})
    assert any("DTD" in p.reason and "row 2" in p.where for p in caught.value.problems)
