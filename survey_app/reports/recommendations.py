"""The recommendation rule table (`instruments/recommendations.yaml`): loading, checking and choosing.

A rule names a condition on the round's result (a weak dimension, construct, group cell, sub-score,
network or reference-standard area) and the recommendation to give when it holds, in kk/ru/en. The loader
reports every problem at once, each naming the file and the rule. No Flask here.

>>> rules = load_rules()
>>> [r.id for r in choose(rules, {"scri": {"score": 30}, "dimensions": {}})][:1]
['pilot_projects']
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from instruments.domain import GROUPS, LANGUAGES

from .values import cell_score, dimension_score, mapping, num

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES_FILE = PROJECT_ROOT / "instruments" / "recommendations.yaml"
PRIORITIES = ("high", "medium", "low")
MAX_FILE_BYTES = 512 * 1024

KNOWN_DIMENSIONS = (
    "digital_infrastructure",
    "economic_potential",
    "environmental_sustainability",
    "public_private_partnership",
    "governance",
    "stakeholder_engagement",
)
KNOWN_CONSTRUCTS = (
    "public_engagement",
    "trust",
    "intersectoral_coordination",
    "mobilisation",
    "admin_capacity",
    "funding_consistency",
    "legal_clarity",
    "digital_governance",
    "digital_access",
    "ppp_readiness",
    "environment_quality",
)
KNOWN_SUBSCORES = ("stakeholder_engagement", "governance")
REFSTD_AREAS = (
    "urban_management",
    "health",
    "education",
    "security",
    "housing_communal",
    "transport",
    "social",
    "ecology",
    "business_tourism",
    "construction",
    "agriculture",
    "ict",
)
REFSTD_SUMMARIES = ("s_priority", "s_additional", "s_ict", "ct_percent", "weighted_mean_percent")
SUBJECTS = ("scri", "dimension", "construct", "subscore", "network", "refstd", "always", "any")


class RulesError(ValueError):
    """A rule file with problems; `problems` lists every one of them, each naming the file and the rule."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, Any]
    priority: str
    title: Mapping[str, str]
    text: Mapping[str, str]
    position: int


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    max_shown: int
    source: str


def _frameworks_known() -> tuple[set[str], set[str]]:
    """Dimension and construct codes of the SCRI framework file, when that file can be read."""
    dimensions, constructs = set(KNOWN_DIMENSIONS), set(KNOWN_CONSTRUCTS)
    try:
        from instruments.frameworks import load_framework

        framework = load_framework()
        dimensions |= {d.code for d in framework.dimensions}
        constructs |= set(framework.constructs)
    except Exception:  # noqa: BLE001, S110  (a broken framework file is reported by its own loader)
        pass
    return dimensions, constructs


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []
        self.dimensions, self.constructs = _frameworks_known()

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(f"{self.source}: {where}: {reason}")

    def threshold(self, cond: Mapping, where: str, upper: float = 100.0) -> None:
        value = cond.get("below")
        if num(value) is None:
            self.problem(where, "`below` must be a number")
        elif not 0 <= float(value) <= upper:
            self.problem(where, f"`below` must be between 0 and {upper:g}, not {value}")

    def keys(self, cond: Mapping, where: str, allowed: set[str]) -> None:
        extra = sorted(set(cond) - allowed)
        if extra:
            self.problem(where, f"unknown key {extra[0]!r} in the condition")

    def condition(self, cond: Any, where: str) -> None:
        if not isinstance(cond, Mapping) or not cond:
            self.problem(where, "`when` must be a mapping such as {dimension: governance, below: 40}")
            return
        subjects = [k for k in cond if k in SUBJECTS]
        if len(subjects) != 1:
            self.problem(where, f"`when` needs exactly one of {', '.join(SUBJECTS)}")
            return
        subject = subjects[0]
        value = cond[subject]
        if subject == "any":
            self.keys(cond, where, {"any"})
            if not isinstance(value, list) or not value:
                self.problem(where, "`any` must be a non-empty list of conditions")
                return
            for i, sub in enumerate(value, start=1):
                self.condition(sub, f"{where}, condition {i} of `any`")
        elif subject == "always":
            self.keys(cond, where, {"always"})
            if value is not True:
                self.problem(where, "`always` must be true")
        elif subject == "scri":
            self.keys(cond, where, {"scri", "below"})
            if value != "score":
                self.problem(where, "`scri` must be `score`")
            self.threshold(cond, where)
        elif subject == "dimension":
            self.keys(cond, where, {"dimension", "below", "missing"})
            if value != "any" and value not in self.dimensions:
                self.problem(where, f"unknown dimension {value!r}")
            if "missing" in cond:
                if cond["missing"] is not True:
                    self.problem(where, "`missing` must be true")
                if "below" in cond:
                    self.problem(where, "use either `missing` or `below`, not both")
            else:
                if value == "any":
                    self.problem(where, "`dimension: any` works only with `missing: true`")
                self.threshold(cond, where)
        elif subject == "construct":
            self.keys(cond, where, {"construct", "group", "below"})
            if value not in self.constructs:
                self.problem(where, f"unknown construct {value!r}")
            if "group" in cond and cond["group"] not in GROUPS:
                self.problem(where, f"unknown group {cond['group']!r}; use {', '.join(GROUPS)}")
            self.threshold(cond, where)
        elif subject == "subscore":
            self.keys(cond, where, {"subscore", "below"})
            if value not in KNOWN_SUBSCORES:
                self.problem(where, f"unknown sub-score {value!r}; use {', '.join(KNOWN_SUBSCORES)}")
            self.threshold(cond, where)
        elif subject == "network":
            if value == "isolated_sectors":
                self.keys(cond, where, {"network"})
            elif value == "density":
                self.keys(cond, where, {"network", "below"})
                self.threshold(cond, where, upper=1.0)
            else:
                self.problem(where, f"unknown network measure {value!r}; use isolated_sectors or density")
        elif subject == "refstd":
            self.keys(cond, where, {"refstd", "below"})
            if value not in REFSTD_AREAS + REFSTD_SUMMARIES:
                self.problem(where, f"unknown reference-standard area {value!r}")
            self.threshold(cond, where)

    def texts(self, value: Any, where: str, what: str) -> dict[str, str]:
        if not isinstance(value, Mapping):
            self.problem(where, f"`{what}` must give kk, ru and en")
            return {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(where, f"`{what}` has no {lang} text")
        extra = sorted(set(value) - set(LANGUAGES))
        if extra:
            self.problem(where, f"`{what}` has an unknown language {extra[0]!r}")
        return {k: " ".join(str(v).split()) for k, v in value.items() if k in LANGUAGES and isinstance(v, str)}

    def ruleset(self, data: Any) -> RuleSet | None:
        if not isinstance(data, Mapping):
            self.problem("file", "must be a mapping with `rules`")
            return None
        max_shown = data.get("max_shown", 10)
        if not isinstance(max_shown, int) or isinstance(max_shown, bool) or max_shown < 1:
            self.problem("file", "`max_shown` must be a whole number of 1 or more")
            max_shown = 10
        raw = data.get("rules")
        if not isinstance(raw, list) or not raw:
            self.problem("file", "`rules` must be a non-empty list")
            return None
        rules: list[Rule] = []
        seen: set[str] = set()
        for position, item in enumerate(raw, start=1):
            rid = item.get("id") if isinstance(item, Mapping) else None
            where = f"rule {rid!r} (#{position})" if isinstance(rid, str) and rid else f"rule #{position}"
            if not isinstance(item, Mapping):
                self.problem(where, "must be a mapping with id, when, priority, title and text")
                continue
            if not isinstance(rid, str) or not rid.strip():
                self.problem(where, "has no `id`")
            elif rid in seen:
                self.problem(where, "the same id is used twice")
            seen.add(rid if isinstance(rid, str) else "")
            extra = sorted(set(item) - {"id", "when", "priority", "title", "text"})
            if extra:
                self.problem(where, f"unknown key {extra[0]!r}")
            self.condition(item.get("when"), where)
            priority = item.get("priority")
            if priority not in PRIORITIES:
                self.problem(where, f"`priority` must be one of {', '.join(PRIORITIES)}, not {priority!r}")
            title = self.texts(item.get("title"), where, "title")
            text = self.texts(item.get("text"), where, "text")
            rules.append(
                Rule(
                    id=str(rid),
                    when=item.get("when") or {},
                    priority=str(priority),
                    title=title,
                    text=text,
                    position=position,
                )
            )
        return RuleSet(rules=tuple(rules), max_shown=max_shown, source=self.source)


def parse_rules(text: str, source: str = "recommendations.yaml") -> RuleSet:
    """Check rule-file text; raises RulesError listing every problem."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise RulesError([f"{source}: file is larger than {MAX_FILE_BYTES // 1024} KB"])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise RulesError([f"{source}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    checker = _Checker(source)
    ruleset = checker.ruleset(data)
    if checker.problems or ruleset is None:
        raise RulesError(checker.problems or [f"{source}: no rules"])
    return ruleset


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rule table from a file (default: instruments/recommendations.yaml), checked."""
    if path is None:
        return _default_rules()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError([f"{path.name}: cannot be read ({exc.strerror or type(exc).__name__})"]) from None
    return parse_rules(text, path.name)


@lru_cache(maxsize=1)
def _default_rules() -> RuleSet:
    return load_rules(DEFAULT_RULES_FILE)


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
            return any(code in dimensions and dimension_score(result, code) is None for code in codes)
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
        value = refstd.get(key) if key in REFSTD_SUMMARIES else mapping(refstd.get("areas")).get(key)
        return _below(num(value), cond)
    return False


def choose(ruleset: RuleSet, result: Mapping) -> list[Rule]:
    """The rules that hold for a result: high priority first, then in file order, at most `max_shown`."""
    fired = [rule for rule in ruleset.rules if holds(rule.when, result)]
    fired.sort(key=lambda r: (PRIORITIES.index(r.priority), r.position))
    return fired[: ruleset.max_shown]


def main(argv: list[str] | None = None) -> int:
    """`python -m survey_app.reports.recommendations [FILE]`: check a rule file, one problem per line."""
    args = sys.argv[1:] if argv is None else argv
    try:
        ruleset = load_rules(args[0] if args else DEFAULT_RULES_FILE)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    print(f"{ruleset.source}: {len(ruleset.rules)} rules, no problems")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
