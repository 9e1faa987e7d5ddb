"""The reference standard of "Smart" cities as objects: areas, groups, point bands, yes/no words."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from ..checking import DefinitionError
from ..model import Texts

BAND_TOLERANCE = 1e-9


class RefStdFrameworkError(DefinitionError):
    """A framework file with problems; ``problems`` lists every one of them (file, area, reason)."""


@dataclass(frozen=True)
class Band:
    """Points for a group mean up to ``up_to`` % inclusive (and above the previous band's edge)."""

    up_to: float
    points: int | float


@dataclass(frozen=True)
class Group:
    """A group of areas (priority, additional, ICT) and its correction factor (formulas 5–7)."""

    code: str
    factor: str
    coefficient: int | float
    label: Texts


@dataclass(frozen=True)
class Indicator:
    """An indicator of an area and how its value is read: ``yes/no`` or ``percent`` (methodology §6)."""

    code: str
    label: Texts
    method: str = "yes/no"


@dataclass(frozen=True)
class Area:
    """An area of public life (or ICT) and the group it belongs to."""

    code: str
    group: str
    label: Texts
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class RefStdFramework:
    """A validated reference-standard framework: areas, groups, bands, coefficients and maximum score."""

    code: str
    version: int
    title: Texts
    source: str
    coefficients: dict[str, int | float]
    groups: tuple[Group, ...]
    areas: tuple[Area, ...]
    bands: tuple[Band, ...]
    max_score: int | float
    value_min: float
    value_max: float
    yes_value: float
    no_value: float
    yes_words: frozenset[str]
    no_words: frozenset[str]
    # §6.1: Ct_combined = opinion_weight · Ct + (1 − opinion_weight) · Ct_opinion; an opinion rating needs
    # at least opinion_min_coverage of the areas rated.
    opinion_weight: float = 0.5
    opinion_min_coverage: float = 2 / 3

    @property
    def area_codes(self) -> tuple[str, ...]:
        """Area codes in the order of the file."""
        return tuple(a.code for a in self.areas)

    def method_of(self, area: str, indicator: str) -> str | None:
        """How the framework reads this indicator of the area (``yes/no``, ``percent``), None when unlisted."""
        found = self.area(area)
        key = indicator.casefold()
        return next((i.method for i in (found.indicators if found else ()) if i.code == key), None)

    def area(self, code: str) -> Area | None:
        """The area with this code, or None."""
        return next((a for a in self.areas if a.code == code), None)

    def group(self, code: str) -> Group | None:
        """The group with this code, or None."""
        return next((g for g in self.groups if g.code == code), None)

    def areas_of(self, group: str) -> tuple[Area, ...]:
        """The areas of a group, in the order of the file."""
        return tuple(a for a in self.areas if a.group == group)

    def points(self, mean: float) -> int | float:
        """Points C(S) of table 2 for a group mean S in %.

        >>> fw = load_refstd_framework()
        >>> [fw.points(s) for s in (0, 20, 20.01, 40, 80, 80.01, 100)]
        [1, 1, 2, 2, 4, 5, 5]
        """
        if not math.isfinite(mean):
            raise ValueError(f"a group mean must be a finite number, not {mean!r}")
        for band in self.bands:
            if mean <= band.up_to + BAND_TOLERANCE:
                return band.points
        return self.bands[-1].points


def normalise_word(text: str) -> str:
    """Compare yes/no words without regard to case, spacing or the Latin ə used for Kazakh ә."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return text.replace("\u0259", "\u04d9")  # Latin schwa ə (common in Kazakh text) -> Cyrillic ә
