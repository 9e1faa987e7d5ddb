"""What a reference-standard framework file must hold, checked in full (file, area or part, reason)."""

from __future__ import annotations

import math
import re
from typing import Any

from ..checking import Checker
from ..domain import REFSTD_METHODS
from ..model import Texts
from .model import Area, Band, Group, Indicator, RefStdFramework, normalise_word

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FACTOR_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
TOP_KEYS = {
    "code",
    "version",
    "title",
    "source",
    "coefficients",
    "groups",
    "bands",
    "max_score",
    "values",
    "areas",
    "opinion",
}
VALUE_KEYS = {"min", "max", "yes_value", "no_value", "yes_words", "no_words"}


class FrameworkChecker(Checker):
    def texts(self, value: Any, where: str | None, what: str) -> Texts:
        return super().texts(value, where, what) or {}

    def words(self, value: Any, what: str) -> frozenset[str]:
        if not isinstance(value, list) or not value:
            self.problem("values", f"{what} must be a non-empty list of quoted words")
            return frozenset()
        out = set()
        for word in value:
            if not isinstance(word, str) or not word.strip():
                self.problem("values", f"{what} has an entry that is not a word: {word!r}")
            else:
                out.add(normalise_word(word))
        return frozenset(out)

    def framework(self, data: Any) -> RefStdFramework | None:
        if not isinstance(data, dict):
            self.problem(
                None,
                "the file must be a mapping with code, version, title, coefficients, groups, "
                "bands, max_score, values and areas",
            )
            return None
        for extra in sorted(set(map(str, data)) - TOP_KEYS):
            self.problem(None, f"unknown key {extra!r}")
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.problem(None, "code must be lower-case letters, digits and _ (at most 40)")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(None, "version must be a whole number of at least 1")
        title = self.texts(data.get("title"), None, "title")
        source = data.get("source", "")
        if not isinstance(source, str):
            self.problem(None, "source must be a text")
            source = ""

        coefficients = self.coefficients(data.get("coefficients"))
        groups = self.groups(data.get("groups"), coefficients)
        bands = self.bands(data.get("bands"))
        values = self.values(data.get("values"))
        areas = self.areas(data.get("areas"), {g.code for g in groups})
        opinion = self.opinion(data.get("opinion"))

        for group in groups:
            if not any(a.group == group.code for a in areas):
                self.problem(f"group {group.code}", "has no area")
        max_score = self.number(data.get("max_score"), "max_score", "max_score", positive=True)
        if max_score is not None and groups and bands:
            reachable = sum(g.coefficient for g in groups) * max(b.points for b in bands)
            if not math.isclose(reachable, max_score):
                self.problem(
                    "max_score",
                    f"is {max_score:g} but the groups can score at most {reachable:g} "
                    "(sum of coefficients × the top band's points); Ct would not reach "
                    "100 % or would pass it",
                )
        if values is not None and bands:
            low, high = values["min"], values["max"]
            if bands[-1].up_to < high:
                self.problem("bands", f"the last band ends at {bands[-1].up_to:g}, below the largest value {high:g}")
            if bands[0].up_to < low:
                self.problem("bands", f"the first band ends at {bands[0].up_to:g}, below the smallest value {low:g}")
        if self.problems:
            return None
        assert values is not None and max_score is not None  # noqa: S101 (guarded by the problems above)
        return RefStdFramework(
            code=code,
            version=version,
            title=title,
            source=" ".join(source.split()),
            coefficients=coefficients,
            groups=tuple(groups),
            areas=tuple(areas),
            bands=tuple(bands),
            max_score=max_score,
            value_min=values["min"],
            value_max=values["max"],
            yes_value=values["yes_value"],
            no_value=values["no_value"],
            yes_words=values["yes"],
            no_words=values["no"],
            opinion_weight=opinion["weight"],
            opinion_min_coverage=opinion["min_coverage"],
        )

    def opinion(self, value: Any) -> dict[str, float]:
        """The public-opinion side (methodology §6.1): the administrative side's weight in the combined
        rating, and the share of areas that must be rated for an opinion rating."""
        out = {"weight": 0.5, "min_coverage": 2 / 3}
        if value is None:
            return out
        if not isinstance(value, dict):
            self.problem("opinion", "must be a mapping with weight and min_coverage")
            return out
        for extra in sorted(set(map(str, value)) - set(out)):
            self.problem("opinion", f"unknown key {extra!r}")
        for key, what in (("weight", "opinion.weight"), ("min_coverage", "opinion.min_coverage")):
            if key not in value:
                continue
            number = value[key]
            if isinstance(number, bool) or not isinstance(number, int | float) or not 0 <= number <= 1:
                self.problem(what, f"must be a number from 0 to 1, not {number!r}")
            else:
                out[key] = float(number)
        return out

    def coefficients(self, value: Any) -> dict[str, int | float]:
        if not isinstance(value, dict) or not value:
            self.problem("coefficients", "must be a mapping of factor names to numbers, e.g. K1: 1, K2: 2")
            return {}
        out = {}
        for name, number in value.items():
            if not isinstance(name, str) or not FACTOR_RE.match(name):
                self.problem("coefficients", f"factor name {name!r} must be letters and digits, e.g. K2")
                continue
            checked = self.number(number, "coefficients", f"factor {name}", positive=True)
            if checked is not None:
                out[name] = checked
        return out

    def groups(self, value: Any, coefficients: dict[str, int | float]) -> list[Group]:
        if not isinstance(value, list) or not value:
            self.problem("groups", "must be a non-empty list of groups with code, coefficient and label")
            return []
        out: list[Group] = []
        for index, item in enumerate(value, start=1):
            where = f"group {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, coefficient and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"group code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"group {code}"
            if any(g.code == code for g in out):
                self.problem(where, "group code is used twice")
                continue
            for extra in sorted(set(map(str, item)) - {"code", "coefficient", "label"}):
                self.problem(where, f"unknown key {extra!r}")
            factor = item.get("coefficient")
            if isinstance(factor, str) and factor in coefficients:
                coefficient = coefficients[factor]
            elif isinstance(factor, int | float) and not isinstance(factor, bool) and factor > 0:
                coefficient, factor = factor, f"{factor:g}"
            else:
                known = ", ".join(coefficients) or "none defined"
                self.problem(where, f"coefficient {factor!r} is not one of the coefficients ({known})")
                continue
            label = self.texts(item.get("label"), where, "label")
            out.append(Group(code=code, factor=str(factor), coefficient=coefficient, label=label))
        return out

    def bands(self, value: Any) -> list[Band]:
        if not isinstance(value, list) or not value:
            self.problem("bands", "must be a non-empty list of {up_to, points}")
            return []
        out: list[Band] = []
        for index, item in enumerate(value, start=1):
            where = f"band {index}"
            if not isinstance(item, dict) or set(map(str, item)) != {"up_to", "points"}:
                self.problem(where, "must be a mapping with exactly up_to and points")
                continue
            up_to = self.number(item["up_to"], where, "up_to")
            points = self.number(item["points"], where, "points", positive=True)
            if up_to is None or points is None:
                continue
            if out and up_to <= out[-1].up_to:
                self.problem(where, f"up_to {up_to:g} must be above the previous band's {out[-1].up_to:g}")
            if out and points <= out[-1].points:
                self.problem(
                    where,
                    f"points {points:g} must be more than the previous band's "
                    f"{out[-1].points:g} (a higher mean never earns fewer points)",
                )
            out.append(Band(up_to=up_to, points=points))
        return out

    def values(self, value: Any) -> dict | None:
        if not isinstance(value, dict):
            self.problem("values", "must be a mapping with min, max, yes_value, no_value, yes_words and no_words")
            return None
        for extra in sorted(set(map(str, value)) - VALUE_KEYS):
            self.problem("values", f"unknown key {extra!r}")
        low = self.number(value.get("min"), "values", "min")
        high = self.number(value.get("max"), "values", "max")
        yes_value = self.number(value.get("yes_value"), "values", "yes_value")
        no_value = self.number(value.get("no_value"), "values", "no_value")
        yes, no = self.words(value.get("yes_words"), "yes_words"), self.words(value.get("no_words"), "no_words")
        if yes & no:
            self.problem("values", f"words used for both yes and no: {', '.join(sorted(yes & no))}")
        if low is None or high is None or yes_value is None or no_value is None:
            return None
        if low >= high:
            self.problem("values", "min must be less than max")
        for name, number in (("yes_value", yes_value), ("no_value", no_value)):
            if not low <= number <= high:
                self.problem("values", f"{name} {number:g} is outside min–max")
        if no_value >= yes_value:
            self.problem("values", "yes_value must be more than no_value")
        return {"min": low, "max": high, "yes_value": yes_value, "no_value": no_value, "yes": yes, "no": no}

    def areas(self, value: Any, group_codes: set[str]) -> list[Area]:
        if not isinstance(value, list) or not value:
            self.problem("areas", "must be a non-empty list of areas with code, group, label and indicators")
            return []
        out: list[Area] = []
        indicator_codes: dict[str, str] = {}
        for index, item in enumerate(value, start=1):
            where = f"area {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, group, label and indicators")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"area code {code!r} must be lower-case letters, digits and _ (at most 40)")
                continue
            where = f"area {code}"
            if any(a.code == code for a in out):
                self.problem(where, "area code is used twice")
                continue
            for extra in sorted(set(map(str, item)) - {"code", "group", "label", "indicators"}):
                self.problem(where, f"unknown key {extra!r}")
            group = item.get("group")
            if group not in group_codes:
                self.problem(where, f"group {group!r} is not one of the groups ({', '.join(sorted(group_codes))})")
            label = self.texts(item.get("label"), where, "label")
            indicators = self.indicators(item.get("indicators", []), where, code, indicator_codes)
            out.append(Area(code=code, group=str(group), label=label, indicators=indicators))
        return out

    def indicators(self, value: Any, where: str, area: str, seen: dict[str, str]) -> tuple[Indicator, ...]:
        if not isinstance(value, list):
            self.problem(where, "indicators must be a list")
            return ()
        out = []
        for index, item in enumerate(value, start=1):
            if not isinstance(item, dict):
                self.problem(where, f"indicator {index} must be a mapping with code and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(
                    where, f"indicator {index} has an invalid code {code!r} (lower-case letters, digits and _)"
                )
                continue
            if code in seen:
                self.problem(where, f"indicator {code!r} is already listed in area {seen[code]}")
                continue
            seen[code] = area
            for extra in sorted(set(map(str, item)) - {"code", "label", "method"}):
                self.problem(where, f"indicator {code!r} has an unknown key {extra!r}")
            method = item.get("method")
            if method is None:
                self.problem(where, f"indicator {code!r}: method is missing (write {' or '.join(REFSTD_METHODS)})")
            elif method not in REFSTD_METHODS:
                self.problem(where, f"indicator {code!r}: method {method!r} is not {' or '.join(REFSTD_METHODS)}")
            label = self.texts(item.get("label"), where, f"label of {code!r}")
            out.append(Indicator(code=code, label=label, method=method if method in REFSTD_METHODS else "yes/no"))
        return tuple(out)
