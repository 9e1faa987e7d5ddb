"""The recommendation rule table: the shipped file is valid, broken files name the rule and the problem."""

import re

import pytest

from instruments.recommendations import DEFAULT_RULES_FILE, RulesError, load_rules, main, parse_rules
from survey_app.reports.recommendations import choose, holds

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

RULE = """
version: 1
rules:
  - id: {id}
    when: {when}
    priority: {priority}
    title: {{kk: "Қала", ru: "Город", en: "City"}}
    text: {{kk: "Мәтін", ru: "Текст", en: "Text"}}
"""


def test_shipped_rules_are_valid_and_native():
    rules = load_rules(DEFAULT_RULES_FILE)
    assert len(rules.rules) >= 15
    kk_text = " ".join(r.text["kk"] + r.title["kk"] for r in rules.rules)
    assert KAZAKH_LETTERS & set(kk_text) >= set("әғқңөұүі")
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"Smart Uralsk|Wi-Fi|PM2\.5|PM10|IT|S_\w+|\{areas\}", "", kk_text))
    ru_text = " ".join(r.text["ru"] for r in rules.rules)
    assert "МЦРИАП" in ru_text and "«Об информатизации»" in " ".join(r.title["ru"] + r.text["ru"] for r in rules.rules)
    ids = {r.id for r in rules.rules}
    assert {
        "pilot_projects",
        "ppp_framework",
        "environmental_monitoring",
        "mddiai_coordination",
        "informatization_architecture",
        "official_portal",
        "it_ecosystem",
    } <= ids
    assert main([str(DEFAULT_RULES_FILE)]) == 0


@pytest.mark.parametrize(
    "when, priority, problem",
    [
        ("{dimension: roads, below: 40}", "high", "unknown dimension 'roads'"),
        ("{dimension: governance, below: 140}", "high", "`below` must be between 0 and 100"),
        ("{construct: trust, group: tourists, below: 50}", "low", "unknown group 'tourists'"),
        ("{construct: trust, below: fifty}", "low", "`below` must be a number"),
        ("{dimension: governance, below: 40}", "urgent", "`priority` must be one of high, medium, low"),
        ("{weather: rain}", "high", "`when` needs exactly one of"),
        ("{network: density, below: 3}", "high", "`below` must be between 0 and 1"),
    ],
)
def test_a_broken_rule_is_named_with_its_problem(when, priority, problem):
    with pytest.raises(RulesError) as info:
        parse_rules(RULE.format(id="my_rule", when=when, priority=priority), "rules.yaml")
    message = str(info.value)
    assert "rules.yaml: rule 'my_rule' (#1):" in message
    assert problem in message


def test_missing_language_and_duplicate_ids_are_all_reported():
    text = """
rules:
  - id: a
    when: {always: true}
    priority: low
    title: {kk: "", ru: "Р", en: "E"}
    text: {kk: "К", ru: "Р", en: "E"}
  - id: a
    when: {always: true}
    priority: low
    title: {kk: "К", ru: "Р", en: "E"}
    text: {kk: "К", ru: "Р"}
"""
    with pytest.raises(RulesError) as info:
        parse_rules(text, "r.yaml")
    problems = [str(p) for p in info.value.problems]
    assert "r.yaml: rule 'a' (#1): missing translation: title in 'kk'" in problems
    assert "r.yaml: rule 'a' (#2): the same id is used twice" in problems
    assert "r.yaml: rule 'a' (#2): missing translation: text in 'en'" in problems


def test_invalid_yaml_gives_the_line():
    with pytest.raises(RulesError, match=r"not valid YAML \(line \d+\)"):
        parse_rules("rules:\n  - id: [unclosed\n", "bad.yaml")


def test_conditions(results):
    shalkar = results.city_result("shalkar-2025")
    assert holds({"dimension": "public_private_partnership", "below": 40}, shalkar)
    assert not holds({"dimension": "public_private_partnership", "below": 10}, shalkar)
    # A withheld cell never fires a rule, whatever its hidden value.
    shalkar["constructs"]["mobilisation"]["international"]["score"] = 1.0
    assert not holds({"construct": "mobilisation", "group": "international", "below": 50}, shalkar)
    assert holds({"construct": "mobilisation", "group": "academia", "below": 50}, shalkar)
    ayagoz = results.city_result("ayagoz-2025")
    assert holds({"dimension": "any", "missing": True}, ayagoz)
    assert not holds({"dimension": "environmental_sustainability", "below": 40}, ayagoz)
    assert not holds({"network": "isolated_sectors"}, ayagoz)
    ayagoz["network"]["sectors_without_ties"] = ayagoz["network"]["isolated_sectors"] = ["international"]
    assert holds({"network": "isolated_sectors"}, ayagoz)
    assert not holds({"refstd": "s_ict", "below": 50}, ayagoz)  # no rating: nothing fires
    assert holds({"any": [{"scri": "score", "below": 10}, {"always": True}]}, {})


def test_choice_is_ordered_and_capped(results):
    rules = load_rules()
    chosen = choose(rules, results.city_result("ayagoz-2025"))
    assert len(chosen) <= rules.max_shown
    order = ["high", "medium", "low"]
    assert [order.index(r.priority) for r in chosen] == sorted(order.index(r.priority) for r in chosen)
    assert "data_gaps" in [r.id for r in chosen]
    assert "environmental_monitoring" not in [r.id for r in chosen]  # the dimension is missing, not weak
