"""What a SCRI framework file must hold, checked in full: every problem names the file and the part."""

from __future__ import annotations

import re
from typing import Any

from ..domain import AGGREGATION_METHODS, MISSING_RULES, UNCERTAINTY_DEFAULTS
from ..model import CONSTRUCTS, Texts
from .indicator_checks import IndicatorChecks
from .model import Dimension, Indicator, Level, NetworkBlend, ScriFramework, SubScore

__all__ = ["FrameworkChecker"]

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
FRACTION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
TOP_KEYS = {
    "code",
    "version",
    "title",
    "source",
    "aggregation",
    "uncertainty",
    "levels",
    "subscores",
    "network_blend",
    "dimensions",
    "indicators",
}
DIMENSION_KEYS = {"code", "weight", "label", "description"}
INDICATOR_KEYS = {
    "code",
    "dimension",
    "source",
    "construct",
    "measure",
    "direction",
    "best",
    "worst",
    "target",
    "weight",
    "label",
    "unit",
    "min",
    "max",
    "note",
}


class FrameworkChecker(IndicatorChecks):
    def texts(self, value: Any, where: str | None, what: str = "label") -> Texts:
        return super().texts(value, where, what) or {}

    def number(self, value: Any, where: str | None, what: str) -> float | None:
        value = super().number(value, where, what)
        return None if value is None else float(value)

    def weight(self, value: Any, where: str) -> float | None:
        weight = self.number(value, where, "weight")
        if weight is not None and weight < 0:
            self.problem(where, f"weight must not be negative (it is {weight:g})")
            return None
        return weight

    # ------------------------------------------------------------------ parts

    def framework(self, data: Any) -> ScriFramework | None:
        if not isinstance(data, dict):
            self.problem(None, "the file must be a mapping with code, version, title, dimensions and indicators")
            return None
        self.unknown_keys(data, TOP_KEYS, None)
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.problem(None, "code must be lower-case letters, digits and _")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(None, "version must be a whole number of at least 1")
        title = self.texts(data.get("title"), None, "title")
        source = data.get("source", "")
        if not isinstance(source, str):
            self.problem(None, "source must be a text")
            source = ""
        method, min_coverage, missing = self.aggregation(data.get("aggregation"))
        uncertainty = self.uncertainty(data.get("uncertainty"))
        levels = self.levels(data.get("levels"))
        dimensions = self.dimensions(data.get("dimensions"))
        indicators = self.indicators(data.get("indicators"), {d.code for d in dimensions})
        for dim in dimensions:
            own = [i for i in indicators if i.dimension == dim.code]
            if not own:
                self.problem(f"dimension {dim.code}", "has no indicator")
            elif sum(i.weight for i in own) <= 0:
                self.problem(f"dimension {dim.code}", "the weights of its indicators add up to 0")
        if dimensions and sum(d.weight for d in dimensions) <= 0:
            self.problem("dimensions", "the dimension weights add up to 0")
        subscores = self.subscores(data.get("subscores"))
        blend = self.network_blend(data.get("network_blend"), indicators)
        if self.problems:
            return None
        return ScriFramework(
            code=code,
            version=version,
            title=title,
            source=" ".join(source.split()),
            method=method,
            min_coverage=min_coverage,
            missing=missing,
            uncertainty=uncertainty,
            levels=tuple(levels),
            dimensions=tuple(dimensions),
            indicators=tuple(indicators),
            subscores=tuple(subscores),
            network_blend=blend,
            file=self.source,
        )

    def aggregation(self, value: Any) -> tuple[str, float, str]:
        method, coverage, missing = "arithmetic", 2.0 / 3.0, MISSING_RULES[0]
        if value is None:
            return method, coverage, missing
        if not isinstance(value, dict):
            self.problem("aggregation", "must be a mapping with method, min_coverage and missing")
            return method, coverage, missing
        self.unknown_keys(value, {"method", "min_coverage", "missing"}, "aggregation")
        missing = value.get("missing", missing)
        if missing not in MISSING_RULES:
            self.problem("aggregation", f"missing {missing!r} is not one of {', '.join(MISSING_RULES)}")
        method = value.get("method", method)
        if method not in AGGREGATION_METHODS:
            self.problem("aggregation", f"method {method!r} is not one of {', '.join(AGGREGATION_METHODS)}")
        raw = value.get("min_coverage", "2/3")
        match = FRACTION_RE.match(raw) if isinstance(raw, str) else None
        if match and float(match.group(2)) > 0:
            coverage = float(match.group(1)) / float(match.group(2))
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            coverage = float(raw)
        else:
            self.problem("aggregation", f'min_coverage {raw!r} must be a number or a fraction such as "2/3"')
        if not 0 < coverage <= 1:
            self.problem("aggregation", f"min_coverage must lie in (0, 1], not {coverage:g}")
        return method, coverage, missing

    def uncertainty(self, value: Any) -> dict[str, float | int]:
        """The Monte Carlo settings (methodology §8): draws ≥ 1, seed ≥ 0, weight_noise in [0, 1),
        goalpost_shift in [0, 0.5)."""
        settings = dict(UNCERTAINTY_DEFAULTS)
        if value is None:
            return settings
        if not isinstance(value, dict):
            self.problem("uncertainty", f"must be a mapping with {', '.join(UNCERTAINTY_DEFAULTS)}")
            return settings
        self.unknown_keys(value, set(UNCERTAINTY_DEFAULTS), "uncertainty")
        limits = {"draws": (1, None), "seed": (0, None), "weight_noise": (0, 1), "goalpost_shift": (0, 0.5)}
        for key, (low, high) in limits.items():
            given = value.get(key, settings[key])
            whole = key in ("draws", "seed")
            kind = int if whole else int | float
            if isinstance(given, bool) or not isinstance(given, kind) or given < low or (high and given >= high):
                bounds = f"at least {low}" if high is None else f"in [{low}, {high})"
                what = "a whole number" if whole else "a number"
                self.problem("uncertainty", f"{key} must be {what} {bounds}, not {given!r}")
                continue
            settings[key] = given
        return settings

    def levels(self, value: Any) -> list[Level]:
        if not isinstance(value, list) or not value:
            self.problem("levels", "must be a non-empty list of {code, from, label}")
            return []
        out: list[Level] = []
        for index, item in enumerate(value, start=1):
            where = f"level {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, from and label")
                continue
            self.unknown_keys(item, {"code", "from", "label"}, where)
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"level code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"level {code}"
            lower = self.number(item.get("from"), where, "from")
            label = self.texts(item.get("label"), where)
            if lower is None:
                continue
            if out and lower <= out[-1].lower:
                self.problem(where, f"from {lower:g} must be above the previous level's {out[-1].lower:g}")
            if any(lv.code == code for lv in out):
                self.problem(where, "level code is used twice")
            out.append(Level(code, lower, label))
        if out and out[0].lower > 0:
            self.problem(f"level {out[0].code}", "the first level must start at 0 so that every score has a level")
        return out

    def dimensions(self, value: Any) -> list[Dimension]:
        if not isinstance(value, list) or not value:
            self.problem("dimensions", "must be a non-empty list of dimensions with code, weight and label")
            return []
        out: list[Dimension] = []
        for index, item in enumerate(value, start=1):
            where = f"dimension {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, weight and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"dimension code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"dimension {code}"
            self.unknown_keys(item, DIMENSION_KEYS, where)
            if any(d.code == code for d in out):
                self.problem(where, "duplicate dimension code")
                continue
            weight = self.weight(item.get("weight", 1), where)
            label = self.texts(item.get("label"), where)
            out.append(Dimension(code, weight if weight is not None else 0.0, label))
        return out

    def indicators(self, value: Any, dimensions: set[str]) -> list[Indicator]:
        if not isinstance(value, list) or not value:
            self.problem("indicators", "must be a non-empty list of indicators")
            return []
        out: list[Indicator] = []
        seen: set[str] = set()
        used_constructs: dict[str, str] = {}
        used_measures: dict[str, str] = {}
        for index, item in enumerate(value, start=1):
            where = f"indicator {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, dimension, source, direction, goalposts, weight")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"indicator code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"indicator {code}"
            if code in seen:
                self.problem(where, "duplicate indicator code")
                continue
            seen.add(code)
            indicator = self.indicator(item, where, dimensions)
            if indicator is None:
                continue
            if indicator.construct:
                if indicator.construct in used_constructs:
                    self.problem(
                        where,
                        f"construct {indicator.construct!r} is already used by indicator "
                        f"{used_constructs[indicator.construct]} (it would count twice)",
                    )
                used_constructs.setdefault(indicator.construct, code)
            if indicator.measure:
                if indicator.measure in used_measures:
                    self.problem(
                        where,
                        f"network measure {indicator.measure!r} is already used by indicator "
                        f"{used_measures[indicator.measure]}",
                    )
                used_measures.setdefault(indicator.measure, code)
            out.append(indicator)
        return out

    def indicator(self, item: dict, where: str, dimensions: set[str]) -> Indicator | None:
        self.unknown_keys(item, INDICATOR_KEYS, where)
        dimension = item.get("dimension")
        ok = dimension in dimensions
        if not ok:
            known = ", ".join(sorted(dimensions)) or "none defined"
            self.problem(where, f"unknown dimension {dimension!r} (known: {known})")
        source, construct, measure, ok_source = self.indicator_source(item, where)
        direction, best, worst, ok_posts = self.goalposts(item, where, source)
        low, high, ok_range = self.valid_range(item, where, source, best, worst)
        weight = self.weight(item.get("weight", 1), where)
        label = self.texts(item.get("label"), where)
        unit = item.get("unit")
        if not isinstance(unit, str) or not unit.strip():
            self.problem(where, "unit is missing (for example '%', 'KZT per month', 'yes/no')")
            unit = ""
        note = item.get("note", "")
        if not isinstance(note, str):
            self.problem(where, "note must be a text")
            note = ""
        ok = ok and ok_source and ok_posts and ok_range and weight is not None
        if not ok or any(p.where == where for p in self.problems):
            return None
        return Indicator(
            code=item["code"],
            dimension=dimension,
            source=source,
            direction=int(direction),
            best=best,
            worst=worst,
            weight=weight,
            label=label,
            unit=unit.strip(),
            construct=construct,
            measure=measure,
            min=low,
            max=high,
            note=" ".join(note.split()),
        )

    def subscores(self, value: Any) -> list[SubScore]:
        if not isinstance(value, list):
            self.problem("subscores", "must be a list of {code, constructs, label}")
            return []
        out: list[SubScore] = []
        for index, item in enumerate(value, start=1):
            where = f"subscore {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, constructs and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"sub-score code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"subscore {code}"
            self.unknown_keys(item, {"code", "constructs", "label"}, where)
            if any(s.code == code for s in out):
                self.problem(where, "duplicate sub-score code")
            constructs = item.get("constructs")
            if not isinstance(constructs, list) or not constructs:
                self.problem(where, "constructs must be a non-empty list of construct codes")
                constructs = []
            for construct in constructs:
                if construct not in CONSTRUCTS:
                    self.problem(where, f"unknown construct {construct!r} (known: {', '.join(CONSTRUCTS)})")
            if len(set(constructs)) != len(constructs):
                self.problem(where, "a construct is listed twice")
            label = self.texts(item.get("label"), where)
            out.append(SubScore(code, tuple(constructs), label))
        return out

    def network_blend(self, value: Any, indicators: list[Indicator]) -> NetworkBlend | None:
        if value is None:
            return None
        where = "network_blend"
        if not isinstance(value, dict):
            self.problem(where, "must be a mapping with construct, indicators and share")
            return None
        self.unknown_keys(value, {"construct", "indicators", "share"}, where)
        construct = value.get("construct")
        if construct not in CONSTRUCTS:
            self.problem(where, f"unknown construct {construct!r} (known: {', '.join(CONSTRUCTS)})")
        codes = value.get("indicators")
        network = {i.code for i in indicators if i.source == "network"}
        if not isinstance(codes, list) or not codes:
            self.problem(where, "indicators must be a non-empty list of network indicator codes")
            codes = []
        for code in codes:
            if code not in network:
                self.problem(
                    where,
                    f"{code!r} is not a network indicator of this framework "
                    f"(network indicators: {', '.join(sorted(network)) or 'none'})",
                )
        share = self.number(value.get("share"), where, "share")
        if share is not None and not 0 <= share <= 1:
            self.problem(where, f"share must lie in [0, 1], not {share:g}")
        return NetworkBlend(construct, tuple(codes), share if share is not None else 0.0)
