"""The instrument loader reports every problem with file, question and reason; conditions never run code."""

import pytest

from instruments import relevance
from instruments.loader import (
    InstrumentError,
    builtin_instruments,
    load_instrument_file,
    load_instrument_text,
    read_yaml,
)
from instruments.model import ENGAGEMENT_CONSTRUCTS, GOVERNANCE_CONSTRUCTS

HEAD = """code: t
group: residents
version: 1
title: {kk: "а", ru: "б", en: "c"}
intro: {kk: "а", ru: "б", en: "c"}
sections:
  - code: s
    title: {kk: "а", ru: "б", en: "c"}
    questions:
"""
LABEL = '{kk: "а", ru: "б", en: "c"}'
CHOICE = f"[{{code: x, label: {LABEL}}}]"


def problems(body: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        load_instrument_text(HEAD + body, "t.yaml")
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_at_once_with_file_and_question():
    found = problems(
        f"      - {{code: q1, type: likert, scale: agreement, label: {{kk: '', ru: 'б', en: 'c'}}}}\n"
        f"      - {{code: q2, type: banana, label: {LABEL}}}\n"
        f"      - {{code: q3, type: integer, min: 10, max: 1, label: {LABEL}}}\n"
        f"      - {{code: q4, type: likert, scale: agreement, construct: happiness, label: {LABEL}}}\n"
        f"      - {{code: q5, type: single, relevant: \"q9 == 'x'\", label: {LABEL}, choices: "
        f"[{{code: a, label: {LABEL}}}]}}\n"
        f"      - {{code: q1, type: yesno, label: {LABEL}}}\n"
    )
    assert "t.yaml: q1: missing translation: label in 'kk'" in found
    assert any(p.startswith("t.yaml: q2: unknown type 'banana'") for p in found)
    assert "t.yaml: q3: min must be less than max" in found
    assert "t.yaml: q4: unknown construct 'happiness'" in found
    assert "t.yaml: q5: relevant refers to 'q9', which is not an earlier question" in found
    assert "t.yaml: q1: question code is used twice" in found


def test_conditions_must_refer_to_earlier_questions_and_offered_choices():
    found = problems(
        f"      - {{code: a, type: single, relevant: \"b == 'x'\", label: {LABEL}, choices: {CHOICE}}}\n"
        f"      - {{code: b, type: single, relevant: \"a == 'nope'\", label: {LABEL}, choices: {CHOICE}}}\n"
    )
    assert "t.yaml: a: relevant refers to 'b', which is not an earlier question" in found
    assert "t.yaml: b: relevant compares 'a' with 'nope', which it does not offer" in found


def test_type_specific_rules():
    found = problems(
        f"      - {{code: t1, type: text, max_length: 5000, label: {LABEL}}}\n"
        f"      - {{code: c1, type: single, construct: trust, label: {LABEL}, choices: {CHOICE}}}\n"
        f"      - {{code: ti, type: ties, label: {LABEL}, choices: [{{code: x, label: {LABEL}}}]}}\n"
        f"      - {{code: r1, type: yesno, reverse: true, label: {LABEL}}}\n"
    )
    assert "t.yaml: t1: max_length must be a whole number from 1 to 2000" in found
    assert "t.yaml: c1: only likert and yesno questions can feed a construct" in found
    assert any(p.startswith("t.yaml: ti: choice 'x' needs a sector") for p in found)
    assert "t.yaml: r1: reverse applies only to an item that feeds a construct" in found


def test_yaml_bombs_and_syntax_errors_are_refused_clearly(tmp_path):
    with pytest.raises(InstrumentError, match="aliases"):
        read_yaml("a: &a [1, 2]\nb: [*a, *a]\n", "bomb.yaml")
    with pytest.raises(InstrumentError, match=r"not valid YAML \(line 2\)"):
        read_yaml("a: [1, 2\nb: c: d\n", "broken.yaml")
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(InstrumentError, match="not a UTF-8 text file"):
        load_instrument_file(binary)


def test_builtin_instruments_cover_every_group_and_construct():
    instruments = builtin_instruments()
    assert set(instruments) == {"residents", "business", "academia", "civil_society", "government", "international"}
    for group, instrument in instruments.items():
        assert len(instrument.questions) >= 15, group
        counts = {}
        for q in instrument.questions:
            if q.construct:
                counts[q.construct] = counts.get(q.construct, 0) + 1
        for construct in ENGAGEMENT_CONSTRUCTS + GOVERNANCE_CONSTRUCTS:
            assert counts.get(construct, 0) >= 3, (group, construct)
        for q in instrument.questions:
            for lang in ("kk", "ru", "en"):
                assert q.label[lang].strip(), (group, q.code, lang)


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ("q1 == 'yes'", {"q1": "yes"}, True),
        ("q1 == 'yes'", {}, False),
        ("q1 != 'yes'", {}, False),
        ("age >= 18 and age < 65", {"age": 30}, True),
        ("age >= 18", {"age": "17"}, False),
        ("score > 3", {"score": 4}, True),
        ("sector in ('ict', 'trade')", {"sector": "trade"}, True),
        ("services contains 'egov'", {"services": ["post", "egov"]}, True),
        ("partners contains 'akimat'", {"partners": {"akimat": "weekly"}}, True),
        ("not answered(q7)", {}, True),
        ("(a == 'x' or b == 'y') and c > 2", {"b": "y", "c": 3}, True),
        ("likert == 4", {"likert": 4}, True),
    ],
)
def test_conditions_evaluate_like_the_format_says(condition, answers, expected):
    assert relevance.evaluate(relevance.parse(condition), answers) is expected


@pytest.mark.parametrize(
    "hostile",
    [
        "__import__('os').system('x')",
        "q1 == 'a'; drop",
        "q1 ==",
        "(" * 40 + "q == 1" + ")" * 40,
        "q " * 600,
        "q1 == `x`",
        "",
        "open('x') == 1",
    ],
)
def test_hostile_conditions_are_refused_not_run(hostile):
    with pytest.raises(relevance.ConditionError):
        relevance.parse(hostile)


def test_built_in_sections_are_short_enough_for_one_phone_screen_or_two():
    """No built-in section asks more than nine questions (the consent page calls them short)."""
    from instruments.loader import builtin_instruments

    long_ones = {
        (code, section.code): len(section.questions)
        for code, instrument in builtin_instruments().items()
        for section in instrument.sections
        if len(section.questions) > 9
    }
    assert long_ones == {}


def test_an_area_rating_names_a_reference_standard_area_and_feeds_no_construct():
    found = problems(
        f"      - {{code: a1, type: likert, scale: quality, area: parks, label: {LABEL}}}\n"
        f"      - {{code: a2, type: likert, scale: quality, area: health, construct: trust, label: {LABEL}}}\n"
        f"      - {{code: a3, type: single, area: health, label: {LABEL}, choices: {CHOICE}}}\n"
    )
    assert any(
        p.startswith("t.yaml: a1: area 'parks' is not an area of the reference standard; use one of") for p in found
    )
    assert "t.yaml: a2: an area rating feeds the opinion side of the rating, not a construct" in found
    assert "t.yaml: a3: unknown key 'area' for a single question" in found


def test_the_built_in_area_ratings_cover_every_area_for_residents_and_businesses():
    from instruments.loader import builtin_instruments
    from instruments.refstd import load_refstd_framework

    areas = set(load_refstd_framework().area_codes)
    for group in ("residents", "business"):
        rated = [q for q in builtin_instruments()[group].questions if q.area]
        assert {q.area for q in rated} == areas and len(rated) == 12
        assert all(q.relevant == f"areas_used contains '{q.area}'" and q.scale == "quality" for q in rated)
