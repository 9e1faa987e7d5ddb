"""Which recommendations a round's result calls for: the rules of `instruments/recommendations.yaml` whose
condition holds, the most urgent first. No Flask here.

>>> rules = load_rules()
>>> [r.id for r in choose(rules, {"scri": {"score": 30}, "dimensions": {}})][:1]
['pilot_projects']
"""

from __future__ import annotations

from collections.abc import Mapping

from instruments.recommendations import PRIORITIES, REFSTD_TOTALS, Rule, RuleSet, load_rules

from .values import cell_score, dimension_score, mapping, num

__all__ = ["Rule", "RuleSet", "choose", "holds", "load_rules"]


def _below(value: float | None, cond: Mapping) -> bool:
    limit = num(cond.get("below"))
    return value is not None and limit is not None and value < limit


def holds(cond: Mapping, result: Mapping) -> bool:
    """Whether a rule's condition holds for a result dict; a missing value never makes a `below` hold."""
    if "any" in cond:
        return any(holds(sub, result) for sub in cond["any"] if isinstance(sub, Mapping))
    if "always" in cond:
        return cond["always"] is True
    if "scri" in cond:
        return _below(num(mapping(result.get("scri")).get("score")), cond)
    if "dimension" in cond:
        code = cond["dimension"]
        if cond.get("missing"):
            dimensions = mapping(result.get("dimensions"))
            codes = list(dimensions) if code == "any" else [code]
            return any(
                code in dimensions
                and (dimension_score(result, code) is None or mapping(dimensions[code]).get("insufficient_data"))
                for code in codes
            )
        if mapping(mapping(result.get("dimensions")).get(code)).get("insufficient_data"):
            return False  # a dimension with too little data is a data gap (above), not a weakness
        return _below(dimension_score(result, code), cond)
    if "construct" in cond:
        construct = cond["construct"]
        if "group" in cond:
            cell = mapping(mapping(result.get("constructs")).get(construct)).get(cond["group"])
            return _below(cell_score(cell), cond)
        return _below(mapping(mapping(result.get("pooled")).get(construct)).get("score"), cond)
    if "subscore" in cond:
        return _below(num(mapping(result.get("subscores")).get(cond["subscore"])), cond)
    if "network" in cond:
        network = mapping(result.get("network"))
        if cond["network"] == "isolated_sectors":
            isolated = network.get("isolated_sectors")
            return isinstance(isolated, list | tuple) and len(isolated) > 0
        return _below(num(network.get("density")), cond)
    if "refstd" in cond:
        refstd = mapping(result.get("refstd"))
        key = cond["refstd"]
        value = (
            refstd.get(key) if key.startswith("s_") or key in REFSTD_TOTALS else mapping(refstd.get("areas")).get(key)
        )
        return _below(num(value), cond)
    if "opinion_gap" in cond:
        areas = mapping(mapping(result.get("opinion")).get("areas"))
        codes = list(areas) if cond["opinion_gap"] == "any" else [cond["opinion_gap"]]
        limit = num(cond.get("above"))
        gaps = [num(mapping(areas.get(code)).get("gap")) for code in codes]
        return limit is not None and any(g is not None and g > limit for g in gaps)
    return False


def choose(ruleset: RuleSet, result: Mapping) -> list[Rule]:
    """The rules that hold for a result: high priority first, then in file order, at most `max_shown`."""
    fired = [rule for rule in ruleset.rules if holds(rule.when, result)]
    fired.sort(key=lambda r: (PRIORITIES.index(r.priority), r.position))
    return fired[: ruleset.max_shown]
