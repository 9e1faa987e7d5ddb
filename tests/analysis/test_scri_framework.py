"""The SCRI framework file and its loader (instruments/frameworks.py)."""

from __future__ import annotations

import copy

import pytest
import yaml

from instruments.domain import LANGUAGES
from instruments.frameworks import DEFAULT_FRAMEWORK_FILE, FrameworkError, load_framework, parse_framework
from instruments.model import CONSTRUCTS

DIMENSIONS = [
    "digital_infrastructure",
    "economic_potential",
    "environmental_sustainability",
    "public_private_partnership",
    "governance",
    "stakeholder_engagement",
]
KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture
def raw():
    return yaml.safe_load(DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8"))


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def problems(data) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        parse_framework(dump(data), "test.yaml")
    return [str(p) for p in info.value.problems]


def test_the_built_in_framework(framework):
    assert [d.code for d in framework.dimensions] == DIMENSIONS
    assert all(d.weight == 1 for d in framework.dimensions)
    assert framework.method == "arithmetic"
    assert framework.min_coverage == pytest.approx(2 / 3)
    assert [(lv.code, lv.lower) for lv in framework.levels] == [("low", 0), ("medium", 40), ("high", 60)]
    # every construct of FORMAT.md is scored, exactly once as an indicator
    assert set(framework.constructs) == set(CONSTRUCTS)
    survey = [i.construct for i in framework.indicators if i.source == "survey"]
    assert sorted(survey) == sorted(CONSTRUCTS)
    by_source = {s: [i.code for i in framework.indicators if i.source == s] for s in ("network", "yesno")}
    assert by_source["network"] == ["network_ei_score", "network_sector_reach"]
    assert {"smart_city_strategy_adopted", "open_data_portal"} <= set(by_source["yesno"])
    for dim in DIMENSIONS[:4]:
        infra = [i for i in framework.indicators_of(dim) if i.source == "infrastructure"]
        assert len(infra) >= 3, dim
    assert framework.indicator("unemployment_rate_pct").direction == -1
    pm25 = framework.indicator("pm25_annual_ugm3")
    assert (pm25.direction, pm25.best, pm25.worst) == (-1, 5, 35)
    assert framework.indicator("digital_access").dimension == "digital_infrastructure"
    assert framework.indicator("environment_quality").dimension == "environmental_sustainability"
    assert framework.indicator("ppp_readiness").dimension == "public_private_partnership"


def test_labels_in_three_languages(framework):
    texts = [d.label for d in framework.dimensions] + [i.label for i in framework.indicators]
    for label in texts:
        assert set(label) == set(LANGUAGES)
    kazakh = " ".join(label["kk"] for label in texts)
    assert KAZAKH_LETTERS & set(kazakh)


def test_goalposts_inside_the_valid_range(framework):
    for indicator in framework.imported:
        assert (
            indicator.min
            <= min(indicator.best, indicator.worst)
            <= max(indicator.best, indicator.worst)
            <= indicator.max
        ), indicator.code
        assert (indicator.best - indicator.worst) * indicator.direction > 0


def test_check_value_for_the_indicator_import(framework):
    assert framework.check_value("broadband_households_pct", 55) is None
    assert framework.check_value("broadband_households_pct", 140) == "140 is outside the valid range 0–100 %"
    assert framework.check_value("open_data_portal", 1) is None
    assert "1 (yes) or 0 (no)" in framework.check_value("open_data_portal", 0.5)
    assert "not an imported indicator" in framework.check_value("trust", 50)
    assert "not a number" in framework.check_value("pm25_annual_ugm3", float("nan"))


def test_imeta_table(framework):
    table = framework.imeta()
    assert list(table.columns[:5]) == ["iCode", "iName", "Level", "Parent", "Type"]
    assert (table["Level"] == 1).sum() == len(framework.indicators)
    assert (table["Level"] == 2).sum() == 6
    assert table.loc[table["iCode"] == "pm25_annual_ugm3", "Direction"].item() == -1


def test_to_plain_round_trips_through_analysis(framework):
    from analysis import framework_spec

    spec = framework_spec(framework.to_plain())
    assert list(spec.dimensions.index) == DIMENSIONS
    assert spec.network_blend["share"] == 0.5
    assert set(spec.constructs) == set(CONSTRUCTS)


def test_every_problem_at_once_naming_file_and_indicator(raw):
    data = copy.deepcopy(raw)
    inds = {i["code"]: i for i in data["indicators"]}
    inds["broadband_households_pct"]["dimension"] = "space_programme"
    inds["trust"]["construct"] = "happiness"
    inds["sme_per_1000_pop"]["weight"] = -1
    inds["green_space_m2_per_capita"]["best"] = inds["green_space_m2_per_capita"]["worst"]
    del inds["waste_recycled_pct"]["label"]["kk"]
    inds["network_ei_score"]["measure"] = "closeness"
    data["indicators"].append(copy.deepcopy(inds["mobile_4g_coverage_pct"]))
    found = problems(data)
    expected = [
        "test.yaml: indicator broadband_households_pct: unknown dimension 'space_programme'",
        "test.yaml: indicator trust: unknown construct 'happiness' (known: " + ", ".join(CONSTRUCTS) + ")",
        "test.yaml: indicator sme_per_1000_pop: weight must not be negative",
        "test.yaml: indicator green_space_m2_per_capita: best and worst are both 3",
        "test.yaml: indicator waste_recycled_pct: missing translation: label in 'kk'",
        "test.yaml: indicator network_ei_score: unknown network measure 'closeness'",
        "test.yaml: indicator mobile_4g_coverage_pct: duplicate indicator code",
    ]
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)


def test_dimension_problems(raw):
    data = copy.deepcopy(raw)
    data["dimensions"][1]["weight"] = -2
    data["dimensions"].append(copy.deepcopy(data["dimensions"][0]))
    del data["dimensions"][2]["label"]
    found = problems(data)
    assert "test.yaml: dimension economic_potential: weight must not be negative (it is -2)" in found
    assert "test.yaml: dimension digital_infrastructure: duplicate dimension code" in found
    assert "test.yaml: dimension environmental_sustainability: label is missing: give it in kk, ru and en" in found


def test_direction_must_agree_with_the_goalposts(raw):
    data = copy.deepcopy(raw)
    pm25 = next(i for i in data["indicators"] if i["code"] == "pm25_annual_ugm3")
    pm25["direction"] = 1
    assert "test.yaml: indicator pm25_annual_ugm3: direction +1 needs best above worst (best 5, worst 35)" in problems(
        data
    )


def test_infrastructure_needs_a_valid_range_holding_the_goalposts(raw):
    data = copy.deepcopy(raw)
    wage = next(i for i in data["indicators"] if i["code"] == "avg_monthly_wage_kzt")
    del wage["min"]
    wifi = next(i for i in data["indicators"] if i["code"] == "public_wifi_hotspots_per_10k_pop")
    wifi["max"] = 5
    found = problems(data)
    assert any("avg_monthly_wage_kzt: an infrastructure indicator needs min and max" in p for p in found)
    assert any(
        "public_wifi_hotspots_per_10k_pop: goalpost best 10 lies outside the valid range 0–5" in p for p in found
    )


def test_target_instead_of_best(raw):
    data = copy.deepcopy(raw)
    ppp = next(i for i in data["indicators"] if i["code"] == "ppp_projects_count")
    del ppp["best"]
    del ppp["worst"]
    ppp["target"] = 4
    framework = parse_framework(dump(data), "t.yaml")
    indicator = framework.indicator("ppp_projects_count")
    assert (indicator.best, indicator.worst) == (4, 0)
    assert indicator.normalise(2) == 50.0


def test_dimension_without_indicators_and_unknown_keys(raw):
    data = copy.deepcopy(raw)
    data["indicators"] = [i for i in data["indicators"] if i["dimension"] != "economic_potential"]
    data["colour"] = "blue"
    found = problems(data)
    assert "test.yaml: dimension economic_potential: has no indicator" in found
    assert "test.yaml: unknown key 'colour'" in found


def test_subscores_and_blend_are_checked(raw):
    data = copy.deepcopy(raw)
    data["subscores"][0]["constructs"].append("charisma")
    data["network_blend"]["indicators"] = ["trust"]
    data["network_blend"]["share"] = 2
    found = problems(data)
    assert any("subscore stakeholder_engagement: unknown construct 'charisma'" in p for p in found)
    assert any("network_blend: 'trust' is not a network indicator" in p for p in found)
    assert any("network_blend: share must lie in [0, 1]" in p for p in found)


def test_bad_yaml_and_unreadable_file(tmp_path):
    with pytest.raises(FrameworkError, match="not valid YAML"):
        parse_framework("code: [unclosed", "broken.yaml")
    with pytest.raises(FrameworkError, match="nope.yaml: no such file"):
        load_framework(tmp_path / "nope.yaml")


def test_loading_a_file_from_disk(tmp_path, raw):
    path = tmp_path / "other.yaml"
    raw["dimensions"][0]["weight"] = 2
    path.write_text(dump(raw), encoding="utf-8")
    framework = load_framework(path)
    assert framework.dimension("digital_infrastructure").weight == 2
    assert framework.file == "other.yaml"


def test_missing_rule_and_monte_carlo_settings_are_checked(raw):
    data = copy.deepcopy(raw)
    data["aggregation"]["missing"] = "impute"
    data["uncertainty"] = {"draws": 0, "seed": -1, "weight_noise": 1.5, "goalpost_shift": 0.1, "luck": 3}
    found = problems(data)
    expected = [
        "test.yaml: aggregation: missing 'impute' is not one of worst, reweight",
        "test.yaml: uncertainty: draws must be a whole number at least 1, not 0",
        "test.yaml: uncertainty: seed must be a whole number at least 0, not -1",
        "test.yaml: uncertainty: weight_noise must be a number in [0, 1), not 1.5",
        "test.yaml: uncertainty: unknown key 'luck'",
    ]
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)


def test_the_built_in_framework_counts_missing_city_data_at_worst(framework):
    assert framework.missing == "worst"
    assert framework.uncertainty == {"draws": 1000, "seed": 2025, "weight_noise": 0.25, "goalpost_shift": 0.10}
