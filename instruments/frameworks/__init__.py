"""The SCRI framework as data: ``instruments/data/scri.yaml`` → validated objects (no Flask).

A framework (COINr's iMeta shape) lists the dimensions with their weights and, for each indicator, its
parent dimension, source (``infrastructure``, ``yesno``, ``survey`` with a construct, ``network`` with a
measure), direction, goalposts, weight, unit, labels in kk/ru/en and, for imported values, the valid range.
The loader reports every problem at once, each naming the file and the indicator (``FrameworkError``).

The analysis layer takes :meth:`ScriFramework.to_plain` (a plain dict) or the object itself;
:meth:`ScriFramework.imeta` gives the COINr-style table; :meth:`ScriFramework.check_value` is what the
indicator import uses to refuse an out-of-range value.

>>> framework = load_framework()
>>> [d.code for d in framework.dimensions][:2]
['digital_infrastructure', 'economic_potential']
>>> framework.indicator("pm25_annual_ugm3").normalise(18)
56.666666666666664
>>> framework.check_value("broadband_households_pct", 140)
'140 is outside the valid range 0–100 %'
"""

from __future__ import annotations

from .indicator_checks import NETWORK_MEASURES
from .load import DEFAULT_FRAMEWORK_FILE, load_framework, parse_framework
from .model import Dimension, FrameworkError, Indicator, Level, NetworkBlend, ScriFramework, SubScore

__all__ = [
    "DEFAULT_FRAMEWORK_FILE",
    "NETWORK_MEASURES",
    "Dimension",
    "FrameworkError",
    "Indicator",
    "Level",
    "NetworkBlend",
    "ScriFramework",
    "SubScore",
    "load_framework",
    "parse_framework",
]
