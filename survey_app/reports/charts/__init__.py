"""Charts of a report as SVG: radar of the dimensions, interval bars per group, the stakeholder network,
and the comparison of cities.

Plain data in (labels already in the report's language), SVG text out. Matplotlib runs headless through
its SVG canvas (no pyplot, no display); the hash salt and metadata are fixed, so the same data always gives
byte-identical SVG. The charts of a city report (radar, interval panels, network) are written as SVG directly
(no Figure: far faster, and far fewer nodes for WeasyPrint to draw); matplotlib only measures their text and,
for web pages, turns it into glyph outlines (networkx places the nodes of the network). Text is set in
DejaVu Sans, which covers the Kazakh letters (ә ғ қ ң ө ұ ү һ і), in one of two ways:

- ``text="path"`` (web pages): every glyph is drawn as a path, so a browser needs no font at all;
- ``text="none"`` (PDF): real text in "DejaVu Sans", which WeasyPrint takes from the report's own
  @font-face (the app's static font files) — smaller, faster to lay out, and searchable in the PDF.

Matplotlib's settings are process-wide, so charts are drawn one at a time (a lock), which keeps
concurrent requests from mixing each other's settings. No Flask here.
"""

from __future__ import annotations

from .common import TEXT_MODES, data_uri, level_bands
from .comparison import comparison_chart
from .gaps import GapRow, gap_chart
from .intervals import IntervalPanel, IntervalRow, interval_chart
from .network import network_chart
from .radar import radar_chart

__all__ = [
    "GapRow",
    "gap_chart",
    "TEXT_MODES",
    "IntervalPanel",
    "IntervalRow",
    "comparison_chart",
    "data_uri",
    "interval_chart",
    "level_bands",
    "network_chart",
    "radar_chart",
]
