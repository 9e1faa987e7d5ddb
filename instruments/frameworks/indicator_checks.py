"""The checks of one indicator of a SCRI framework file: its source, goalposts and valid range."""

from __future__ import annotations

from typing import Any

from ..checking import Checker
from ..domain import IMPORTED_SOURCES, INDICATOR_SOURCES, NETWORK_MEASURES
from ..model import CONSTRUCTS

__all__ = ["NETWORK_MEASURES", "IndicatorChecks"]


class IndicatorChecks(Checker):
    """Checks of an indicator's parts; each reports its problems and says whether the part is usable."""

    def indicator_source(self, item: dict, where: str) -> tuple[Any, str | None, str | None, bool]:
        """The source, and the construct (survey) or measure (network) it names."""
        ok = True
        source = item.get("source")
        construct = measure = None
        if source not in INDICATOR_SOURCES:
            self.problem(where, f"source {source!r} is not one of {', '.join(INDICATOR_SOURCES)}")
            ok = False
        if source == "survey":
            construct = item.get("construct")
            if construct not in CONSTRUCTS:
                self.problem(where, f"unknown construct {construct!r} (known: {', '.join(CONSTRUCTS)})")
                ok = False
        elif "construct" in item:
            self.problem(where, "only survey indicators name a construct")
        if source == "network":
            measure = item.get("measure")
            if measure not in NETWORK_MEASURES:
                self.problem(where, f"unknown network measure {measure!r} (known: {', '.join(NETWORK_MEASURES)})")
                ok = False
        elif "measure" in item:
            self.problem(where, "only network indicators name a measure")
        return source, construct, measure, ok

    def goalposts(self, item: dict, where: str, source: Any) -> tuple[Any, float | None, float | None, bool]:
        """Direction, best (or target) and worst, which must differ and agree with the direction."""
        ok = True
        direction = item.get("direction", 1)
        if isinstance(direction, bool) or direction not in (1, -1):
            self.problem(where, f"direction must be 1 (more is better) or -1 (less is better), not {direction!r}")
            ok = False
        defaults = {"yesno": (1.0, 0.0), "survey": (100.0, 0.0)}.get(source, (None, None))
        if "best" in item and "target" in item:
            self.problem(where, "give best or target, not both")
            ok = False
        best_raw = item.get("best", item.get("target", defaults[0]))
        worst_raw = item.get("worst", 0 if ("target" in item and direction == 1) else defaults[1])
        best = self.number(best_raw, where, "best (or target)") if best_raw is not None else None
        worst = self.number(worst_raw, where, "worst") if worst_raw is not None else None
        if best_raw is None:
            self.problem(where, "goalpost best (or target) is missing")
        if worst_raw is None:
            self.problem(where, "goalpost worst is missing")
        if best is None or worst is None:
            ok = False
        elif best == worst:
            self.problem(where, f"best and worst are both {best:g}; the goalposts must differ")
            ok = False
        elif direction in (1, -1) and (best - worst) * direction < 0:
            way = "above" if direction == 1 else "below"
            self.problem(where, f"direction {direction:+d} needs best {way} worst (best {best:g}, worst {worst:g})")
            ok = False
        return direction, best, worst, ok

    def valid_range(self, item: dict, where: str, source: Any, best, worst) -> tuple[float | None, float | None, bool]:
        """The valid input range of an imported indicator, which must hold its goalposts."""
        low = high = None
        ok = True
        if source in IMPORTED_SOURCES:
            default_range = (0, 1) if source == "yesno" else (None, None)
            low_raw, high_raw = item.get("min", default_range[0]), item.get("max", default_range[1])
            if low_raw is None or high_raw is None:
                self.problem(where, "an infrastructure indicator needs min and max (the valid input range)")
                return None, None, False
            low = self.number(low_raw, where, "min")
            high = self.number(high_raw, where, "max")
            if low is None or high is None:
                ok = False
            elif low >= high:
                self.problem(where, f"min {low:g} must be below max {high:g}")
                ok = False
            elif best is not None and worst is not None:
                for name, post in (("best", best), ("worst", worst)):
                    if not low <= post <= high:
                        self.problem(where, f"goalpost {name} {post:g} lies outside the valid range {low:g}–{high:g}")
                        ok = False
            if source == "yesno" and (low, high) != (0.0, 1.0) and low is not None:
                self.problem(where, "a yes/no indicator takes 1 (yes) or 0 (no): min 0, max 1")
                ok = False
        elif "min" in item or "max" in item:
            self.problem(where, "min and max are for imported (infrastructure, yes/no) indicators only")
        return low, high, ok
