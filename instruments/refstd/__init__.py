"""The reference-standard rating of "Smart" cities as data: its framework file and its input table.

A framework file (``instruments/data/kz_reference_standard.yaml``) holds the areas, their groups, the
point bands, the correction factors, the maximum score and the yes/no words; a new methodology is a new
file, not new code. The loader checks a file and reports every problem at once, each naming the file and
the area (``RefStdFrameworkError``). ``read_refstd_table`` reads the indicator file a city hands in (CSV or
XLSX) into a DataFrame whose index is the spreadsheet row number (``RefStdInputError`` otherwise).
No Flask here.

>>> framework = load_refstd_framework()
>>> [g.code for g in framework.groups]
['priority', 'additional', 'ict']
>>> framework.points(20), framework.points(20.01), framework.max_score
(1, 2, 25)
"""

from __future__ import annotations

from .load import DEFAULT_FRAMEWORK_FILE, load_refstd_framework, parse_refstd_framework
from .model import Area, Band, Group, Indicator, RefStdFramework, RefStdFrameworkError, normalise_word
from .table import RefStdInputError, read_refstd_table

__all__ = [
    "DEFAULT_FRAMEWORK_FILE",
    "Area",
    "Band",
    "Group",
    "Indicator",
    "RefStdFramework",
    "RefStdFrameworkError",
    "RefStdInputError",
    "load_refstd_framework",
    "normalise_word",
    "parse_refstd_framework",
    "read_refstd_table",
]
