"""The recommendation rule table (`instruments/recommendations.yaml`) as data: loaded and checked in full.

A rule names a condition on a round's result (a weak dimension, construct, group cell, sub-score, network or
reference-standard area) and the recommendation to give when it holds, in kk/ru/en. Every problem names the
file and the rule; the dimensions, constructs, sub-scores and areas a rule may name are the framework files'.
Choosing the rules that hold for a result is the reports' (`survey_app/reports/recommendations.py`).

    python -m instruments.recommendations [FILE]     # check a rule file, one problem per line
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import checking
from .checking import Checker, DefinitionError
from .domain import GROUPS
from .frameworks import load_framework
from .refstd import load_refstd_framework

__all__ = ["DEFAULT_RULES_FILE", "PRIORITIES", "Rule", "RuleSet", "RulesError", "load_rules", "parse_rules"]

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "recommendations.yaml"
PRIORITIES = ("high", "medium", "low")
MAX_FILE_BYTES = 512 * 1024
#: The reference-standard totals a rule may name beside the areas and the groups' means (s_<group>).
REFSTD_TOTALS = ("ct_percent", "weighted_mean_percent")
SUBJECTS = ("scri", "dimension", "construct", "subscore", "network", "refstd", "opinion_gap", "always", "any")


class RulesError(DefinitionError):
    """A rule file with problems; `problems` lists every one of them, each naming the file and the rule."""


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


class RuleChecker(Checker):
    """The checks of a rule file; the codes a condition may name come from the framework files."""

    def __init__(self, source: str):
        super().__init__(source)
        framework, refstd = load_framework(), load_refstd_framework()
        self.dimensions = {d.code for d in framework.dimensions}
        self.constructs = set(framework.constructs)
        self.subscores = tuple(s.code for s in framework.subscores)
        self.refstd_areas = tuple(a.code for a in refstd.areas)
        self.refstd_summaries = tuple(f"s_{g.code}" for g in refstd.groups) + REFSTD_TOTALS

    def threshold(self, cond: Mapping, where: str, upper: float = 100.0) -> None:
        value = cond.get("below")
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
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
            if value not in self.subscores:
                self.problem(where, f"unknown sub-score {value!r}; use {', '.join(self.subscores)}")
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
            if value not in self.refstd_areas + self.refstd_summaries:
                self.problem(where, f"unknown reference-standard area {value!r}")
            self.threshold(cond, where)
        elif subject == "opinion_gap":
            self.keys(cond, where, {"opinion_gap", "above"})
            if value != "any" and value not in self.refstd_areas:
                self.problem(where, f"unknown reference-standard area {value!r}; use an area code or any")
            above = cond.get("above")
            if isinstance(above, bool) or not isinstance(above, int | float) or not 0 <= above <= 100:
                self.problem(where, f"`above` must be a number of percentage points from 0 to 100, not {above!r}")

    def texts(self, value: Any, where: str, what: str) -> dict[str, str]:
        checked = super().texts(value, where, what) or {}
        return {lang: " ".join(text.split()) for lang, text in checked.items()}

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
            self.unknown_keys(item, {"id", "when", "priority", "title", "text"}, where)
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
    data = checking.read_yaml(text, source, MAX_FILE_BYTES, error=RulesError)
    checker = RuleChecker(source)
    ruleset = checker.ruleset(data)
    checker.raise_problems(RulesError)
    return ruleset


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rule table from a file (default: instruments/recommendations.yaml), checked."""
    if path is None:
        return _default_rules()
    text = checking.read_text_file(path, MAX_FILE_BYTES, error=RulesError)
    return parse_rules(text, Path(path).name)


@lru_cache(maxsize=1)
def _default_rules() -> RuleSet:
    return load_rules(DEFAULT_RULES_FILE)


def main(argv: list[str] | None = None) -> int:
    """`python -m instruments.recommendations [FILE]`: check a rule file, one problem per line."""
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
