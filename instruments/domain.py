"""The domain's fixed vocabulary, defined once: stakeholder groups, languages, round slugs, indicator sources.

Everything else (questionnaires, the SCRI and reference-standard frameworks, level thresholds) lives in
the data files beside this module; code reads it from there.
"""

from __future__ import annotations

import re

#: The six stakeholder groups of the SCRI study, in the order every table and chart shows them.
GROUPS = ("residents", "business", "academia", "civil_society", "government", "international")

#: The languages a person reads, in the order the language switcher shows them; Russian is the default.
LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
#: Each language's name in itself, as the language switcher and the reports name it.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

#: A survey round's slug: 3–64 lower-case letters, digits and hyphens, starting and ending with a letter or digit.
ROUND_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")

#: A city's short name: like a round's, but starting with a letter.
CITY_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$")

#: Where an indicator's value comes from (the SCRI framework's `source`); the first two are imported.
INDICATOR_SOURCES = ("infrastructure", "yesno", "survey", "network")
IMPORTED_SOURCES = ("infrastructure", "yesno")
#: How indicators and dimensions are aggregated (the SCRI framework's `aggregation.method`).
AGGREGATION_METHODS = ("arithmetic", "geometric")
#: What a missing city-supplied indicator counts as (the framework's `aggregation.missing`, methodology §5):
#: its worst goalpost (the default: a city never gains by leaving data out) or nothing (re-weighted).
MISSING_RULES = ("worst", "reweight")
#: How a reference-standard indicator's value is read (methodology §6 point 6).
REFSTD_METHODS = ("yes/no", "percent")
#: The Monte Carlo of the index (the framework's `uncertainty`, methodology §8).
UNCERTAINTY_DEFAULTS = {"draws": 1000, "seed": 2025, "weight_noise": 0.25, "goalpost_shift": 0.10}
#: The measures of the stakeholder network a framework indicator can name.
NETWORK_MEASURES = ("density", "ei_index", "ei_score", "sector_reach")
