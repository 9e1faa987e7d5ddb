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

import base64
import contextlib
import io
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import matplotlib
import networkx as nx
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .svgtext import INK, Canvas, finite, half_cap, num, text_width, wrap, wrap_lines

MUTED = "#5a6470"
GRID = "#d3d8de"
ACCENT = "#0b5cad"
PREVIOUS = "#8a939d"
BAND_COLOURS = ((0, 40, "#fbe9e7"), (40, 60, "#fff6da"), (60, 100, "#e8f5e9"))
CITY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
LAYOUT_SEED = 20250601

RC = {
    "svg.hashsalt": "scri-report",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "text.color": INK,
    "axes.unicode_minus": True,
    "path.simplify": True,
}


TEXT_MODES = ("path", "none")
_QUOTES = {'"': "&quot;"}
_LOCK = threading.Lock()


@contextlib.contextmanager
def _style(text: str) -> Iterator[None]:
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")
    with _LOCK, matplotlib.rc_context({**RC, "svg.fonttype": text}):
        yield


def _svg(fig: Figure) -> str:
    FigureCanvasSVG(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight", pad_inches=0.05)
    return buffer.getvalue().decode("utf-8")


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for <img src> (allowed by the page CSP and by the PDF's URL fetcher)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ------------------------------------------------------------------------------------------------- radar


def radar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    previous: Sequence[float | None] | None = None,
    current_label: str = "",
    previous_label: str = "",
    missing_label: str = "n/a",
    number: Callable[[float], str] | None = None,
    text: str = "path",
) -> str:
    """A radar of dimension scores on 0–100; a missing dimension keeps its axis, marked `missing_label`.

    The dimensions go clockwise from the top; a missing score (None) is skipped by the polygon. With `previous`
    the earlier round is drawn dashed and a legend names both (`current_label`, `previous_label`).
    """
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")
    fmt = number or _fmt
    values = list(values)
    if len(values) != len(labels):
        raise ValueError("labels and values must have the same length")
    n = len(labels)
    radius, pad = _RADAR_RADIUS, 4.0
    angles = [2 * math.pi * i / n for i in range(n)]
    leading = _SIZE_RADAR_LABEL * 1.2

    # The axis labels, measured first: the picture is as large as the circle and the labels around it.
    blocks = []  # (anchor, x, middle, lines, (left, top, right, bottom)) with the centre of the circle at 0, 0
    for label, value, angle in zip(labels, values, angles, strict=True):
        lines = wrap_lines(label, 16)
        if finite(value) is None:
            lines.append(f"({missing_label})")
        sin, cos = math.sin(angle), math.cos(angle)
        x, y = (radius + _RADAR_LABEL_PAD) * sin, -(radius + _RADAR_LABEL_PAD) * cos
        anchor = "middle" if abs(sin) < 0.1 else ("start" if sin > 0 else "end")
        half = (len(lines) - 1) * leading / 2 + 0.62 * _SIZE_RADAR_LABEL
        middle = y - cos * half  # above the circle at the top, below it at the bottom, centred at the sides
        width = max(text_width(line, _SIZE_RADAR_LABEL) for line in lines)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        blocks.append((anchor, x, middle, lines, (left, middle - half, left + width, middle + half)))
    reach = radius + 4.0 + _SIZE_RADAR_NUMBER  # a score of 100 at the top has its number above the circle
    boxes = [b[4] for b in blocks] + [(-reach, -reach, reach, reach)]
    x_min, y_min = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x_max, y_max = max(b[2] for b in boxes), max(b[3] for b in boxes)

    show_previous = previous is not None and any(finite(v) is not None for v in previous)
    legend: list[tuple[str, str, bool]] = []  # (label, colour, dashed)
    legend_box = None
    if show_previous:
        legend = [(current_label, ACCENT, False), (previous_label, PREVIOUS, True)]
        legend_width = _LEGEND_LINE + 5.0 + max(text_width(t, _SIZE_LEGEND) for t, _, _ in legend)
        legend_height = len(legend) * _SIZE_LEGEND * 1.5
        # In the top right corner if it is free there, else under the radar.
        corner = (x_max - legend_width, y_min, x_max, y_min + legend_height)
        if not any(_overlap(corner, b[4], 3.0) for b in blocks) and _outside_circle(corner, reach + 3.0):
            legend_box = corner
        else:
            legend_box = (
                (x_min + x_max - legend_width) / 2,
                y_max + 6.0,
                (x_min + x_max + legend_width) / 2,
                y_max + 6.0 + legend_height,
            )
            y_max = legend_box[3]

    cx, cy = pad - x_min, pad - y_min
    width, height = x_max - x_min + 2 * pad, y_max - y_min + 2 * pad
    canvas = Canvas(text)
    shapes = []

    def point(angle: float, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(100.0, value)) / 100
        return cx + r * math.sin(angle), cy - r * math.cos(angle)

    def ring(r: float) -> str:
        r = radius * r / 100
        arc = f"a{num(r)} {num(r)} 0 1 0"
        return f"M{num(cx - r)} {num(cy)}{arc} {num(2 * r)} 0{arc} {num(-2 * r)} 0Z"

    for low, high, colour in BAND_COLOURS:
        shapes.append(f'<path d="{ring(high)}{ring(low) if low > 0 else ""}" fill="{colour}" fill-rule="evenodd"/>')
    spokes = "".join(f"M{num(cx)} {num(cy)}L{num(point(a, 100)[0])} {num(point(a, 100)[1])}" for a in angles)
    rings = "".join(ring(r) for r in _RADAR_RINGS[:-1])
    shapes.append(f'<path d="{rings}{spokes}" fill="none" stroke="{GRID}" stroke-width="0.6"/>')
    shapes.append(f'<path d="{ring(100)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    if show_previous:
        data = _radar_polygon([point(a, v) for a, v in zip(angles, previous, strict=True) if finite(v) is not None])
        shapes.append(
            f'<path d="{data}" fill="none" stroke="{PREVIOUS}" stroke-width="1.2" stroke-dasharray="4.4 1.9" '
            f'stroke-linejoin="round"/>'
        )
    current = [(a, float(v)) for a, v in zip(angles, values, strict=True) if finite(v) is not None]
    if current:
        points = [point(a, v) for a, v in current]
        data = _radar_polygon(points)
        shapes.append(
            f'<path d="{data}" fill="{ACCENT}" fill-opacity="0.12" stroke="{ACCENT}" stroke-width="1.8" '
            f'stroke-linejoin="round"/>'
        )
        shapes.append(f'<path d="{"".join(_dot(x, y, 2.0) for x, y in points)}" fill="{ACCENT}"/>')

    # The ring values between the first two axes, the axis labels, the scores above their points.
    between = math.pi / n if n else 0.0
    for r in _RADAR_RINGS:
        x, y = point(between, r)
        canvas.text(x + 1.5, y + half_cap(_SIZE_RADAR_TICK), str(r), _SIZE_RADAR_TICK, MUTED)
    for anchor, x, middle, lines, _box in blocks:
        canvas.lines(cx + x, cy + middle, lines, _SIZE_RADAR_LABEL, MUTED, leading, anchor=anchor)
    for angle, value in current:
        x, y = point(angle, value)
        canvas.text(x, y - 6.0, fmt(value), _SIZE_RADAR_NUMBER, ACCENT, anchor="middle")
    if legend_box is not None:
        left, top = legend_box[0] + cx, legend_box[1] + cy
        for i, (label, colour, dashed) in enumerate(legend):
            y = top + (i + 0.5) * _SIZE_LEGEND * 1.5
            line = f"M{num(left)} {num(y)}h{num(_LEGEND_LINE)}"
            if dashed:
                shapes.append(f'<path d="{line}" stroke="{colour}" stroke-width="1.2" stroke-dasharray="4.4 1.9"/>')
            else:
                shapes.append(f'<path d="{line}" stroke="{colour}" stroke-width="1.8"/>')
                shapes.append(f'<path d="{_dot(left + _LEGEND_LINE / 2, y, 2.0)}" fill="{colour}"/>')
            canvas.text(left + _LEGEND_LINE + 5.0, y + half_cap(_SIZE_LEGEND), label, _SIZE_LEGEND, INK)
    return canvas.svg(width, height, shapes)


_RADAR_RADIUS = 119.0  # points (as the polar axes of the former matplotlib figure)
_RADAR_LABEL_PAD = 14.0  # from the circle to the nearest corner of an axis label
_RADAR_RINGS = (20, 40, 60, 80, 100)
_SIZE_RADAR_LABEL, _SIZE_RADAR_TICK, _SIZE_RADAR_NUMBER, _SIZE_LEGEND = 8.0, 6.5, 7.0, 7.5
_LEGEND_LINE = 15.0


def _radar_polygon(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in points) + "Z"


def _dot(x: float, y: float, r: float) -> str:
    """A filled circle as path data (a <path> can hold many)."""
    return f"M{num(x - r)} {num(y)}a{num(r)} {num(r)} 0 1 0 {num(2 * r)} 0a{num(r)} {num(r)} 0 1 0 {num(-2 * r)} 0Z"


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float = 0.0) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap or come closer than `margin`."""
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


def _outside_circle(box: tuple[float, float, float, float], radius: float) -> bool:
    """Whether a box lies wholly outside the circle of `radius` around 0, 0."""
    x = min(max(0.0, box[0]), box[2])
    y = min(max(0.0, box[1]), box[3])
    return math.hypot(x, y) >= radius


# ------------------------------------------------------------------------------------- interval panels


@dataclass
class IntervalRow:
    label: str
    score: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""  # shown instead of a bar: "withheld (fewer than 5 respondents)", "no data"


@dataclass
class IntervalPanel:
    title: str
    rows: list[IntervalRow] = field(default_factory=list)


# The interval panels are written as SVG directly (no matplotlib Figure): a city report has two of these charts
# with many panels, and a Figure took most of a second each, while its hundreds of nodes slowed WeasyPrint too.
# Sizes are in points (the viewBox unit; width and height are given in pt, as matplotlib writes them).
_X_MAX = 112.0  # the data range of a panel is 0..112: room for the score number to the right of 100
_TICKS = (0, 20, 40, 60, 80, 100)
_SIZE_LABEL, _SIZE_TITLE, _SIZE_TICK, _SIZE_NUMBER, _SIZE_NOTE, _SIZE_AXIS = 7.0, 7.5, 6.5, 6.5, 6.5, 6.8


def interval_chart(
    panels: Sequence[IntervalPanel],
    *,
    axis_label: str = "",
    number: Callable[[float], str] | None = None,
    text: str = "path",
) -> str:
    """One panel per construct (two per row): each group's score with its 95 % interval.

    A row without a score (a withheld cell, no data) shows its note in words instead of a bar, never a 0.
    """
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")
    fmt = number or _fmt
    canvas = Canvas(text)
    n_rows = max((len(p.rows) for p in panels), default=1) or 1
    columns = 2 if len(panels) > 1 else 1
    grid_rows = max(1, math.ceil(len(panels) / columns))
    width = 6.8 * 72
    height = (grid_rows * (n_rows * 0.24 + 0.55) + 0.3) * 72
    pad, gap, title_pad, tick_len = 3.0, 14.0, 3.0, 3.5
    line_title, line_label, line_note = _SIZE_TITLE * 1.2, _SIZE_LABEL * 1.15, _SIZE_NOTE * 1.1
    tick_block = tick_len + 2 + _SIZE_TICK * 1.2  # tick marks and their numbers under a panel
    axis_block = _SIZE_AXIS * 1.5 if axis_label else 0.0

    # The group names of the first panel label the rows of every row of panels (as a shared y axis).
    labels = [wrap_lines(r.label, 22) for r in (panels[0].rows if panels else [])]
    label_width = max((text_width(line, _SIZE_LABEL) for lines in labels for line in lines), default=0.0)
    left = pad + label_width + 4.0
    panel_width = (width - left - pad - gap * (columns - 1)) / columns
    titles = [wrap_lines(p.title, 34 if columns == 2 else 80) for p in panels]
    bottom_of_column = {}  # the lowest panel of each column carries the tick numbers and the axis label
    for index in range(len(panels)):
        bottom_of_column[index % columns] = index
    title_blocks = [
        max((len(titles[i]) for i in range(r * columns, min(len(panels), (r + 1) * columns))), default=1) * line_title
        + title_pad
        for r in range(grid_rows)
    ]
    fixed = pad * 2 + sum(title_blocks) + tick_block * grid_rows + axis_block + 6.0 * (grid_rows - 1)
    axes_height = max(n_rows * 10.0, (height - fixed) / grid_rows)
    height = max(height, fixed + axes_height * grid_rows)

    bands = {colour: [] for _, _, colour in BAND_COLOURS}
    grid, spines, ticks, intervals, dots = [], [], [], [], []
    top = pad
    for r in range(grid_rows):
        top += title_blocks[r]
        for c in range(columns):
            index = r * columns + c
            if index >= len(panels):
                continue
            panel = panels[index]
            x0 = left + c * (panel_width + gap)
            bottom = top + axes_height

            def x_of(value: float, x0: float = x0) -> float:
                return x0 + value / _X_MAX * panel_width

            for low, high, colour in BAND_COLOURS:
                bands[colour].append(f"M{num(x_of(low))} {num(top)}H{num(x_of(high))}V{num(bottom)}H{num(x_of(low))}Z")
            for tick in _TICKS[1:]:
                grid.append(f"M{num(x_of(tick))} {num(top)}V{num(bottom)}")
            spines.append(f"M{num(x0)} {num(top)}V{num(bottom)}H{num(x0 + panel_width)}")
            ticks.extend(f"M{num(x_of(tick))} {num(bottom)}v{num(tick_len)}" for tick in _TICKS)
            for i, line in enumerate(titles[index]):
                baseline = top - title_pad - (len(titles[index]) - 1 - i) * line_title - 0.25 * _SIZE_TITLE
                canvas.text(x0, baseline, line, _SIZE_TITLE, INK, weight="bold")
            for i, row in enumerate(panel.rows):
                y = top + (n_rows - 0.4 - (len(panel.rows) - 1 - i)) / n_rows * axes_height
                score = finite(row.score)
                if score is None:
                    canvas.lines(x_of(2), y, wrap_lines(row.note, 34), _SIZE_NOTE, MUTED, line_note, style="italic")
                    continue
                low, high = finite(row.low), finite(row.high)
                if low is not None and high is not None:
                    low, high = max(0.0, min(100.0, low)), max(0.0, min(100.0, high))
                    if high > low:
                        intervals.append(f"M{num(x_of(low))} {num(y)}H{num(x_of(high))}")
                dot = x_of(max(0.0, min(100.0, score)))
                dots.append(f"M{num(dot - 2.25)} {num(y)}a2.25 2.25 0 1 0 4.5 0a2.25 2.25 0 1 0 -4.5 0Z")
                end = max(0.0, min(high if high is not None else score, 100.0))
                canvas.text(x_of(end + 2), y + half_cap(_SIZE_NUMBER), fmt(score), _SIZE_NUMBER, INK)
            if index == bottom_of_column[c]:
                for tick in _TICKS:
                    canvas.text(
                        x_of(tick),
                        bottom + tick_len + 1.5 + 0.8 * _SIZE_TICK,
                        str(tick),
                        _SIZE_TICK,
                        MUTED,
                        anchor="middle",
                    )
                if axis_label:
                    canvas.text(
                        x0 + panel_width / 2,
                        bottom + tick_block + 0.9 * _SIZE_AXIS,
                        axis_label,
                        _SIZE_AXIS,
                        MUTED,
                        anchor="middle",
                    )
        for i, lines in enumerate(labels):
            y = top + (n_rows - 0.4 - (len(labels) - 1 - i)) / n_rows * axes_height
            canvas.lines(left - 4.0, y, lines, _SIZE_LABEL, INK, line_label, anchor="end")
        top += axes_height + tick_block + 6.0

    shapes = [f'<path d="{"".join(bands[colour])}" fill="{colour}"/>' for _, _, colour in BAND_COLOURS if bands[colour]]
    if grid:
        shapes.append(f'<path d="{"".join(grid)}" fill="none" stroke="#ffffff" stroke-width="0.5"/>')
        shapes.append(f'<path d="{"".join(spines)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
        shapes.append(f'<path d="{"".join(ticks)}" fill="none" stroke="{MUTED}" stroke-width="0.8"/>')
    if intervals:
        shapes.append(
            f'<path d="{"".join(intervals)}" fill="none" stroke="{ACCENT}" stroke-opacity="0.45" stroke-width="2.4"/>'
        )
    if dots:
        shapes.append(f'<path d="{"".join(dots)}" fill="{ACCENT}"/>')
    return canvas.svg(width, height, shapes)


# ----------------------------------------------------------------------------------------------- network


def network_chart(
    nodes: Sequence[dict],
    edges: Sequence[dict],
    *,
    sector_labels: dict[str, str],
    sector_colours: dict[str, str],
    other_colour: str = "#999999",
    legend_title: str = "",
    text: str = "path",
) -> str:
    """The stakeholder network: nodes coloured by sector and sized by degree, a fixed-seed layout, a legend.

    `nodes`: [{code, label, sector, degree, key?}], `edges`: [{source, target, weight}]. A node with a `key`
    (a short number) shows the key inside its circle and the report lists the keys with the full names, so
    long organisation names never overlap in the picture; without a key the label is written under the node.
    """
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node["code"])
    for edge in edges:
        if edge["source"] in graph and edge["target"] in graph and edge["source"] != edge["target"]:
            graph.add_edge(edge["source"], edge["target"], weight=edge.get("weight") or 1)
    present = []
    for node in nodes:
        if node.get("sector") not in present:
            present.append(node.get("sector"))
    order = list(sector_colours)
    present.sort(key=lambda s: order.index(s) if s in order else len(order))
    entries = [(sector_labels.get(s, str(s)), sector_colours.get(s, other_colour)) for s in present]
    columns = _legend_columns(len(entries), 3)
    plot_width, plot_height = _NET_WIDTH, 4.0 * 72 * (0.8 - 0.06 * max((len(c) for c in columns), default=0))
    by_code = {n["code"]: n for n in nodes}
    drawn = []  # (code, x, y, radius, colour, key, label lines, label top) in the plot's points
    lines_out = []  # (width, x1, y1, x2, y2)
    boxes = [(0.0, 0.0, plot_width, plot_height)]
    if graph.number_of_nodes():
        positions = _network_layout(graph)
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        x_low, x_high = min(xs) - 0.15, max(xs) + 0.15
        y_low, y_high = min(ys) - 0.15, max(ys) + 0.12

        def place(code: str) -> tuple[float, float]:
            x, y = positions[code]
            return (x - x_low) / (x_high - x_low) * plot_width, (y_high - y) / (y_high - y_low) * plot_height

        weights = [d.get("weight", 1) for _, _, d in graph.edges(data=True)]
        top = max(weights) if weights else 1
        for a, b, data in sorted(
            ((min(u, v), max(u, v), d) for u, v, d in graph.edges(data=True)), key=lambda e: (e[0], e[1])
        ):
            lines_out.append((0.5 + 2.0 * data.get("weight", 1) / top, *place(a), *place(b)))
        for code in sorted(graph.nodes):
            node = by_code.get(code, {})
            x, y = place(code)
            degree = float(node.get("degree") or 0)
            colour = sector_colours.get(node.get("sector"), other_colour)
            key = node.get("key")
            radius = math.sqrt((150 if key else 70) + 380 * degree) / 2  # the area of the old scatter marker
            label, label_top = [], 0.0
            if key:
                boxes.append((x - radius, y - radius, x + radius, y + radius))
            else:
                label = wrap_lines(node.get("label") or code, 18)
                label_top = y + 7 + 7 * degree
                width = max(text_width(line, _SIZE_NET_LABEL) for line in label)
                boxes.append(
                    (
                        x - max(radius, width / 2),
                        y - radius,
                        x + max(radius, width / 2),
                        label_top + len(label) * _SIZE_NET_LABEL * 1.17,
                    )
                )
            drawn.append((x, y, radius, colour, key, label, label_top))

    # The legend under the network: one entry per sector present, in the order of `sector_colours`, filling
    # the columns one after the other (as matplotlib's legend).
    size = _SIZE_LEGEND
    handle, handle_pad, column_gap, row_height = 2.0 * size, 0.8 * size, 2.0 * size, 1.5 * size
    column_widths = [max(handle + handle_pad + text_width(entries[i][0], size) for i in column) for column in columns]
    legend_width = sum(column_widths) + column_gap * (len(columns) - 1)
    title_height = row_height if entries and legend_title else 0.0
    rows = max((len(c) for c in columns), default=0)
    legend_top = max(b[3] for b in boxes) + 8.0
    if entries:
        boxes.append(
            (
                plot_width / 2 - legend_width / 2,
                legend_top,
                plot_width / 2 + legend_width / 2,
                legend_top + title_height + rows * row_height,
            )
        )
        if legend_title:
            half = text_width(legend_title, size) / 2
            boxes.append((plot_width / 2 - half, legend_top, plot_width / 2 + half, legend_top + row_height))

    pad = 4.0
    x_min, y_min = min(b[0] for b in boxes) - pad, min(b[1] for b in boxes) - pad
    x_max, y_max = max(b[2] for b in boxes) + pad, max(b[3] for b in boxes) + pad
    canvas = Canvas(text)
    shapes = []
    for width in sorted({w for w, *_ in lines_out}):  # one path per line width
        data = "".join(
            f"M{num(x1 - x_min)} {num(y1 - y_min)}L{num(x2 - x_min)} {num(y2 - y_min)}"
            for w, x1, y1, x2, y2 in lines_out
            if w == width
        )
        shapes.append(
            f'<path d="{data}" fill="none" stroke="#b4bcc4" stroke-width="{num(width)}" stroke-linecap="round"/>'
        )
    for x, y, radius, colour, key, label, label_top in drawn:
        x, y = x - x_min, y - y_min
        shapes.append(f'<path d="{_dot(x, y, radius)}" fill="{colour}" stroke="#ffffff" stroke-width="1.2"/>')
        if key:
            canvas.text(
                x, y + half_cap(_SIZE_NET_KEY), str(key), _SIZE_NET_KEY, "#ffffff", anchor="middle", weight="bold"
            )
        else:
            leading = _SIZE_NET_LABEL * 1.17
            canvas.lines(
                x, label_top - y_min + (len(label) * leading) / 2, label, _SIZE_NET_LABEL, INK, leading, anchor="middle"
            )
    if entries:
        left = plot_width / 2 - legend_width / 2 - x_min
        top = legend_top - y_min
        if legend_title:
            canvas.text(
                plot_width / 2 - x_min, top + row_height / 2 + half_cap(size), legend_title, size, INK, anchor="middle"
            )
            top += title_height
        for column, indices in enumerate(columns):
            for row, i in enumerate(indices):
                label, colour = entries[i]
                x = left + sum(column_widths[:column]) + column_gap * column
                y = top + (row + 0.5) * row_height
                swatch = f"M{num(x)} {num(y - 0.35 * size)}h{num(handle)}v{num(0.7 * size)}h{num(-handle)}Z"
                shapes.append(f'<path d="{swatch}" fill="{colour}"/>')
                canvas.text(x + handle + handle_pad, y + half_cap(size), label, size, INK)
    return canvas.svg(x_max - x_min, y_max - y_min, shapes)


_NET_WIDTH = 6.6 * 72 * 0.775  # the drawing area of the network in points (as the former matplotlib axes)
_SIZE_NET_KEY, _SIZE_NET_LABEL = 7.0, 6.5


def _legend_columns(count: int, most: int) -> list[list[int]]:
    """The entries of a legend in at most `most` columns, filled one after the other, the longer ones first."""
    if not count:
        return []
    ncols = min(most, count)
    rows, large = divmod(count, ncols)
    sizes = [rows + 1] * large + [rows] * (ncols - large)
    out, start = [], 0
    for size in sizes:
        out.append(list(range(start, start + size)))
        start += size
    return out


def _network_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]²: the connected nodes by a fixed-seed spring layout, lone nodes in a row below.

    Nodes and edges are added in sorted order, so the same network always gets the same picture.
    """
    connected = sorted(n for n in graph.nodes if graph.degree(n) > 0)
    lonely = sorted(n for n in graph.nodes if graph.degree(n) == 0)
    positions: dict[str, tuple[float, float]] = {}
    if connected:
        stable = nx.Graph()
        stable.add_nodes_from(connected)
        stable.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)))
        layout = nx.spring_layout(
            stable, seed=LAYOUT_SEED, k=2.2 / math.sqrt(len(connected)), iterations=300, weight=None
        )
        xs = [p[0] for p in layout.values()]
        ys = [p[1] for p in layout.values()]
        span_x = (max(xs) - min(xs)) or 1.0
        span_y = (max(ys) - min(ys)) or 1.0
        for code, (x, y) in layout.items():
            positions[code] = (2 * (x - min(xs)) / span_x - 1, 2 * (y - min(ys)) / span_y - 1 + (0.3 if lonely else 0))
    for i, code in enumerate(lonely):
        x = 0.0 if len(lonely) == 1 else -1 + 2 * i / (len(lonely) - 1)
        positions[code] = (x, -1.25 if connected else 0.0)
    return positions


# -------------------------------------------------------------------------------------------- comparison


def comparison_chart(
    dimension_labels: Sequence[str],
    cities: Sequence[tuple[str, Sequence[float | None]]],
    *,
    missing_label: str = "n/a",
    axis_label: str = "",
    number: Callable[[float], str] | None = None,
    text: str = "path",
) -> str:
    """Grouped horizontal bars: one group per dimension, one bar per city; a missing score says so."""
    with _style(text):
        n_dims, n_cities = len(dimension_labels), max(1, len(cities))
        fig = Figure(figsize=(6.6, 0.5 + n_dims * (0.22 * n_cities + 0.3)))
        ax = fig.add_subplot()
        bar = 0.8 / n_cities
        for low, high, colour in BAND_COLOURS:
            ax.axvspan(low, high, color=colour, zorder=0, linewidth=0)
        for c, (name, values) in enumerate(cities):
            colour = CITY_COLOURS[c % len(CITY_COLOURS)]
            for d, value in enumerate(values):
                y = (n_dims - 1 - d) + (n_cities - 1 - c - (n_cities - 1) / 2) * bar
                if value is None:
                    ax.text(1, y, f"{name}: {missing_label}", va="center", fontsize=6.5, color=MUTED, style="italic")
                    continue
                ax.barh(y, value, height=bar * 0.9, color=colour, zorder=2)
                ax.text(value + 1, y, (number or _fmt)(value), va="center", fontsize=6.5, color=INK)
        ax.set_yticks(range(n_dims))
        ax.set_yticklabels([wrap(label, 24) for label in reversed(dimension_labels)], fontsize=7.5)
        ax.set_xlim(0, 105)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if axis_label:
            ax.set_xlabel(axis_label, fontsize=7.5, color=MUTED)
        handles = [Patch(color=CITY_COLOURS[i % len(CITY_COLOURS)], label=name) for i, (name, _) in enumerate(cities)]
        fig.legend(
            handles=handles, loc="upper center", ncol=len(handles), frameon=False, fontsize=8, bbox_to_anchor=(0.5, 1.0)
        )
        fig.subplots_adjust(top=1 - 0.45 / fig.get_figheight())
        return _svg(fig)


def _fmt(value: float) -> str:
    """The default number label of a chart: one decimal."""
    return f"{value:.1f}"
