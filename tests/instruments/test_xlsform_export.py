"""Every questionnaire exports as an XLSForm that pyxform (4.5.0, a test-only dependency) converts to an
XForm and that imports back to the same definition, by its content hash."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from instruments.loader import builtin_instruments
from instruments.xlsform import load_xlsform_bytes, load_xlsform_file
from instruments.xlsform.export import export_xlsform, to_xpath

CORPUS = sorted((Path(__file__).parent / "xlsform_corpus").rglob("*.xlsx"))


def _imported_corpus():
    out = []
    for path in CORPUS:
        try:
            out.append(load_xlsform_file(path, "residents"))
        except ValueError:
            continue
    return out


def _xform(tmp_path, data: bytes, name: str) -> str:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return convert(xlsform=str(path), validate=False).xform


@pytest.mark.parametrize("group", sorted(builtin_instruments()))
def test_a_built_in_questionnaire_exports_converts_and_comes_back_the_same(tmp_path, group):
    instrument = builtin_instruments()[group]
    data = export_xlsform(instrument)
    xform = _xform(tmp_path, data, instrument.code)
    assert "<h:html" in xform and instrument.questions[0].code in xform
    assert load_xlsform_bytes(data, f"{instrument.code}.xlsx").content_hash == instrument.content_hash


def test_every_imported_real_form_exports_converts_and_comes_back_the_same(tmp_path):
    forms = _imported_corpus()
    assert len(forms) >= 30
    for instrument in forms:
        data = export_xlsform(instrument)
        assert "<h:html" in _xform(tmp_path, data, instrument.code), instrument.code
        assert load_xlsform_bytes(data, "x.xlsx", "residents").content_hash == instrument.content_hash, instrument.code


def test_the_export_is_readable_xlsform_with_our_columns_beside_the_standard_ones():
    data = export_xlsform(builtin_instruments()["academia"])
    book = openpyxl.load_workbook(__import__("io").BytesIO(data), read_only=True)
    header = next(book["survey"].iter_rows(values_only=True))
    assert {"type", "name", "label::Kazakh (kk)", "label::Russian (ru)", "label::English (en)"} <= set(header)
    assert {"relevant", "scri_relevant", "construct", "scri_type"} <= set(header)
    types = {row[0] for row in book["survey"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "select_one yes_no" in types or "select_one yes_no_dont_know" in types
    assert any(t.startswith("select_one scale_") for t in types) and "begin_group" in types


def test_our_conditions_become_xpath_with_the_same_meaning():
    from instruments import relevance, xpath

    for condition in ("q == 'yes'", "q != 'no'", "n >= 18", "m contains 'egov'", "s in ('a', 'b')", "answered(q)",
                      "not (q == 'yes') and n < 3"):  # fmt: skip
        tree = relevance.parse(condition)
        translated = xpath.parse(to_xpath(tree))
        for answers in ({}, {"q": "yes", "n": 20, "m": ["egov"], "s": "b"}, {"q": "no", "n": 2, "m": [], "s": "c"}):
            ours = relevance.evaluate(tree, answers)
            theirs = xpath.truth(translated, xpath.Env(answers))
            assert ours == theirs, (condition, answers)


def test_the_cli_exports_a_stored_questionnaire(runner, app, tmp_path):
    from survey_app.extensions import db
    from survey_app.services.instruments import ensure_builtin_instruments

    with app.app_context():
        ensure_builtin_instruments()
        db.session.commit()
    out = tmp_path / "residents.xlsx"
    result = runner.invoke(args=["instruments", "export", "residents", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        load_xlsform_bytes(out.read_bytes(), "r.xlsx").content_hash == builtin_instruments()["residents"].content_hash
    )
    missing = runner.invoke(args=["instruments", "export", "nowhere", "-o", str(out)])
    assert missing.exit_code == 2 and "no questionnaire 'nowhere'" in missing.output
