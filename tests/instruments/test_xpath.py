"""XLSForm expressions evaluated with XPath's meaning (the same table runs in Chromium: tests/e2e)."""

from __future__ import annotations

import pytest
from xpath_table import CASES, ERRORS, TABLE, comparable, expected

from instruments import xpath


def _env():
    return xpath.Env(
        TABLE["answers"],
        current=TABLE["current"],
        columns=TABLE["columns"],
        labels=TABLE["labels"],
        today=TABLE["today"],
    )


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_expression_has_its_xpath_value(case):
    tree = xpath.check(case["expr"], columns=True)
    assert comparable(xpath.evaluate(tree, _env())) == expected(case)


@pytest.mark.parametrize("text", ERRORS)
def test_expression_that_cannot_be_read_is_refused_with_a_reason(text):
    with pytest.raises(xpath.ExpressionError) as caught:
        xpath.check(text)
    assert str(caught.value)


def test_unanswered_question_is_the_empty_string_as_in_odk():
    tree = xpath.parse("${a} != 'yes'")
    assert xpath.truth(tree, xpath.Env({})) is True
    assert xpath.truth(tree, xpath.Env({"a": "yes"})) is False


def test_names_and_compared_choices_are_found_for_the_checks_at_upload():
    tree = xpath.parse("selected(${m}, 'roads') or ${s} = 'x' and ${n} > 3")
    assert xpath.refs(tree) == {"m", "s", "n"}
    assert sorted(xpath.compared_literals(tree)) == [("m", "roads"), ("s", "x")]


def test_deep_or_long_expressions_are_refused_not_crashing():
    with pytest.raises(xpath.ExpressionError, match="nested too deeply"):
        xpath.parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(xpath.ExpressionError, match="longer than"):
        xpath.parse("1 + " * 2000 + "1")


def test_bare_name_outside_a_choice_filter_says_to_write_a_reference():
    with pytest.raises(xpath.ExpressionError, match=r"write \$\{age\}"):
        xpath.check("age > 18")
