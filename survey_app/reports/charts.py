"""Charts of a report as SVG: radar of the dimensions, interval bars per group, the stakeholder network,
and the comparison of cities.

Plain data in (labels already in the report's language), SVG text out. Matplotlib runs headless through
its SVG canvas (no pyplot, no display); the hash salt and metadata are fixed, so the same data always gives
byte-identical SVG. The interval panels, the largest charts of a city report, are written as SVG directly
(no Figure: far faster, and far fewer nodes for WeasyPrint to draw); matplotlib only measures their text and,
for web pages, turns it into glyph outlines. Text is set in DejaVu Sans, which covers the Kazakh letters
(ә ғ қ ң ө ұ ү һ і), in one of two ways:

- ``text="path"`` (web pages): every glyph is drawn as a path, so a browser needs no font at all;
- ``text="none"`` (PDF): real text in "DejaVu Sans", which WeasyPrint takes from the report's own
  @font-face (the app's static font files) — smaller, faster to lay out, and searchable in the PDF.

Matplotlib's settings are process-wide, so charts are drawn one at a time (a lock), which keeps
concurrent requests from mixing each other's settings. No Flask here.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import math
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import matplotlib
import networkx as nx
from matplotlib import font_manager
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ft2font import LoadFlags
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.textpath import TextToPath

INK = "#1b1f24"
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


def wrap(text: str, width: int = 18) -> str:
    """Break a label into lines of at most `width` characters (long words are kept whole)."""
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def _svg(fig: Figure) -> str:
    FigureCanvasSVG(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight",
                pad_inches=0.05)
    return buffer.getvalue().decode("utf-8")


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for <img src> (allowed by the page CSP and by the PDF's URL fetcher)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ------------------------------------------------------------------------------------------------- radar


def radar_chart(labels: Sequence[str], values: Sequence[float | None], *,
                previous: Sequence[float | None] | None = None, current_label: str = "",
                previous_label: str = "", missing_label: str = "n/a",
                number: Callable[[float], str] | None = None, text: str = "path") -> str:
    """A radar of dimension scores on 0–100; a missing dimension keeps its axis, marked `missing_label`."""
    with _style(text):
        fig = Figure(figsize=(6.2, 4.3))
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        n = len(labels)
        angles = [2 * math.pi * i / n for i in range(n)]
        for low, high, colour in BAND_COLOURS:
            ax.fill_between(_circle(), low, high, color=colour, zorder=0, linewidth=0)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100])
        ax.set_yticklabels(["20", "40", "60", "80", "100"], color=MUTED, fontsize=6.5)
        ax.set_rlabel_position(180 / max(n, 1))
        ax.set_xticks(angles)
        shown = []
        for label, value in zip(labels, values, strict=True):
            tick = wrap(label, 16)
            if value is None:
                tick += f"\n({missing_label})"
            shown.append(tick)
        ax.set_xticklabels(shown, fontsize=8)
        ax.tick_params(axis="x", pad=14)
        ax.grid(color=GRID, linewidth=0.6)
        ax.spines["polar"].set_color(GRID)
        handles = []
        if previous is not None and any(v is not None for v in previous):
            _polygon(ax, angles, previous, PREVIOUS, dashed=True)
            handles.append(Line2D([0], [0], color=PREVIOUS, linestyle="--", label=previous_label))
        _polygon(ax, angles, values, ACCENT)
        handles.insert(0, Line2D([0], [0], color=ACCENT, marker="o", label=current_label))
        for angle, value in zip(angles, values, strict=True):
            if value is not None:
                ax.annotate((number or _fmt)(value), (angle, value), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=7, color=ACCENT)
        if current_label:
            fig.legend(handles=handles, loc="upper right", ncol=1, frameon=False, fontsize=7.5)
        return _svg(fig)


def _circle(steps: int = 96) -> list[float]:
    return [2 * math.pi * i / steps for i in range(steps + 1)]


def _polygon(ax, angles: Sequence[float], values: Sequence[float | None], colour: str, dashed: bool = False):
    points = [(a, min(100.0, max(0.0, v))) for a, v in zip(angles, values, strict=True) if v is not None]
    if not points:
        return
    xs = [p[0] for p in points] + [points[0][0]]
    ys = [p[1] for p in points] + [points[0][1]]
    ax.plot(xs, ys, color=colour, linewidth=1.8 if not dashed else 1.2, linestyle="--" if dashed else "-",
            marker=None if dashed else "o", markersize=4, zorder=3)
    if not dashed:
        ax.fill(xs, ys, color=colour, alpha=0.12, zorder=2)


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


def interval_chart(panels: Sequence[IntervalPanel], *, axis_label: str = "",
                   number: Callable[[float], str] | None = None, text: str = "path") -> str:
    """One panel per construct (two per row): each group's score with its 95 % interval.

    A row without a score (a withheld cell, no data) shows its note in words instead of a bar, never a 0.
    """
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")
    fmt = number or _fmt
    canvas = _Canvas(text)
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
    labels = [_wrap_lines(r.label, 22) for r in (panels[0].rows if panels else [])]
    label_width = max((_text_width(line, _SIZE_LABEL) for lines in labels for line in lines), default=0.0)
    left = pad + label_width + 4.0
    panel_width = (width - left - pad - gap * (columns - 1)) / columns
    titles = [_wrap_lines(p.title, 34 if columns == 2 else 80) for p in panels]
    bottom_of_column = {}  # the lowest panel of each column carries the tick numbers and the axis label
    for index in range(len(panels)):
        bottom_of_column[index % columns] = index
    title_blocks = [max((len(titles[i]) for i in range(r * columns, min(len(panels), (r + 1) * columns))),
                        default=1) * line_title + title_pad for r in range(grid_rows)]
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
                bands[colour].append(f"M{_n(x_of(low))} {_n(top)}H{_n(x_of(high))}V{_n(bottom)}H{_n(x_of(low))}Z")
            for tick in _TICKS[1:]:
                grid.append(f"M{_n(x_of(tick))} {_n(top)}V{_n(bottom)}")
            spines.append(f"M{_n(x0)} {_n(top)}V{_n(bottom)}H{_n(x0 + panel_width)}")
            ticks.extend(f"M{_n(x_of(tick))} {_n(bottom)}v{_n(tick_len)}" for tick in _TICKS)
            for i, line in enumerate(titles[index]):
                baseline = top - title_pad - (len(titles[index]) - 1 - i) * line_title - 0.25 * _SIZE_TITLE
                canvas.text(x0, baseline, line, _SIZE_TITLE, INK, weight="bold")
            for i, row in enumerate(panel.rows):
                y = top + (n_rows - 0.4 - (len(panel.rows) - 1 - i)) / n_rows * axes_height
                score = _finite(row.score)
                if score is None:
                    canvas.lines(x_of(2), y, _wrap_lines(row.note, 34), _SIZE_NOTE, MUTED, line_note,
                                 style="italic")
                    continue
                low, high = _finite(row.low), _finite(row.high)
                if low is not None and high is not None:
                    low, high = max(0.0, min(100.0, low)), max(0.0, min(100.0, high))
                    if high > low:
                        intervals.append(f"M{_n(x_of(low))} {_n(y)}H{_n(x_of(high))}")
                dot = x_of(max(0.0, min(100.0, score)))
                dots.append(f"M{_n(dot - 2.25)} {_n(y)}a2.25 2.25 0 1 0 4.5 0a2.25 2.25 0 1 0 -4.5 0Z")
                end = max(0.0, min(high if high is not None else score, 100.0))
                canvas.text(x_of(end + 2), y + _middle(_SIZE_NUMBER), fmt(score), _SIZE_NUMBER, INK)
            if index == bottom_of_column[c]:
                for tick in _TICKS:
                    canvas.text(x_of(tick), bottom + tick_len + 1.5 + 0.8 * _SIZE_TICK, str(tick), _SIZE_TICK,
                                MUTED, anchor="middle")
                if axis_label:
                    canvas.text(x0 + panel_width / 2, bottom + tick_block + 0.9 * _SIZE_AXIS, axis_label,
                                _SIZE_AXIS, MUTED, anchor="middle")
        for i, lines in enumerate(labels):
            y = top + (n_rows - 0.4 - (len(labels) - 1 - i)) / n_rows * axes_height
            canvas.lines(left - 4.0, y, lines, _SIZE_LABEL, INK, line_label, anchor="end")
        top += axes_height + tick_block + 6.0

    shapes = [f'<path d="{"".join(bands[colour])}" fill="{colour}"/>' for _, _, colour in BAND_COLOURS if
              bands[colour]]
    if grid:
        shapes.append(f'<path d="{"".join(grid)}" fill="none" stroke="#ffffff" stroke-width="0.5"/>')
        shapes.append(f'<path d="{"".join(spines)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
        shapes.append(f'<path d="{"".join(ticks)}" fill="none" stroke="{MUTED}" stroke-width="0.8"/>')
    if intervals:
        shapes.append(f'<path d="{"".join(intervals)}" fill="none" stroke="{ACCENT}" stroke-opacity="0.45" '
                      f'stroke-width="2.4"/>')
    if dots:
        shapes.append(f'<path d="{"".join(dots)}" fill="{ACCENT}"/>')
    return canvas.svg(width, height, shapes)


def _n(value: float) -> str:
    """A coordinate in the SVG: two decimals at most, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _wrap_lines(text: str, width: int) -> list[str]:
    return wrap(text, width).split("\n")


def _middle(size: float) -> float:
    """From the vertical middle of a line of text to its baseline (half the height of a capital letter)."""
    return 0.36 * size


@functools.lru_cache(maxsize=8)
def _font_file(weight: str, style: str) -> str:
    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=weight, style=style))


def _font(weight: str, style: str):
    font = font_manager.get_font(_font_file(weight, style))  # one FT2Font per thread (matplotlib's cache)
    font.set_size(TextToPath.FONT_SCALE, TextToPath.DPI)
    return font


@functools.lru_cache(maxsize=4096)
def _text_width(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    """The advance width of a line in DejaVu Sans, in points."""
    return _unit_width(text, weight, style) * size / TextToPath.FONT_SCALE


@functools.lru_cache(maxsize=4096)
def _unit_width(text: str, weight: str, style: str) -> float:
    font = _font(weight, style)
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    return font.get_width_height()[0] / 64.0


@functools.lru_cache(maxsize=1)
def _text_to_path() -> TextToPath:
    return TextToPath()


@functools.lru_cache(maxsize=4096)
def _glyphs(text: str, weight: str, style: str) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, str], ...]]:
    """A line of text as glyphs: ((glyph id, x), ...) and the outline of each glyph, at FONT_SCALE points."""
    info, glyph_map, _ = _text_to_path().get_glyphs_with_font(_font(weight, style), text)
    placed = tuple((glyph_id, float(x)) for glyph_id, x, _y, _size in info)
    outlines = tuple((glyph_id, _path_data(*outline)) for glyph_id, outline in glyph_map.items())
    return placed, outlines


def _path_data(vertices, codes) -> str:
    parts = []
    for points, code in Path(vertices, codes).iter_segments(simplify=False, curves=True):
        coords = " ".join(_n(v) for v in points)
        parts.append({Path.MOVETO: "M", Path.LINETO: "L", Path.CURVE3: "Q", Path.CURVE4: "C"}.get(code, "Z")
                     + (coords if code != Path.CLOSEPOLY else ""))
    return "".join(parts)


class _Canvas:
    """Collects the text of a chart: real <text> (text="none") or glyphs drawn as paths (text="path")."""

    def __init__(self, mode: str):
        self.mode = mode
        self.items: list[str] = []
        self.glyphs: dict[str, str] = {}

    def text(self, x: float, baseline: float, line: str, size: float, colour: str, *, anchor: str = "start",
             weight: str = "normal", style: str = "normal") -> None:
        if not line:
            return
        if self.mode == "none":
            attrs = f'x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(size)}"'
            if colour != INK:
                attrs += f' fill="{colour}"'
            if anchor != "start":
                attrs += f' text-anchor="{anchor}"'
            if weight != "normal":
                attrs += f' font-weight="{weight}"'
            if style != "normal":
                attrs += f' font-style="{style}"'
            self.items.append(f"<text {attrs}>{escape(line)}</text>")
            return
        width = _text_width(line, size, weight, style)
        x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        placed, outlines = _glyphs(line, weight, style)
        for glyph_id, data in outlines:
            self.glyphs.setdefault(glyph_id, data)
        scale = _n(size / TextToPath.FONT_SCALE)
        uses = "".join(f'<use xlink:href="#{escape(glyph_id, _QUOTES)}" x="{_n(gx)}"/>' for glyph_id, gx in placed)
        self.items.append(f'<g transform="translate({_n(x)} {_n(baseline)}) scale({scale} -{scale})" '
                          f'fill="{colour}">{uses}</g>')

    def lines(self, x: float, middle: float, lines: Sequence[str], size: float, colour: str, leading: float, *,
              anchor: str = "start", style: str = "normal") -> None:
        """Lines of text centred vertically on `middle`."""
        first = middle - (len(lines) - 1) * leading / 2 + _middle(size)
        if self.mode == "none" and len(lines) > 1:
            attrs = f'font-size="{_n(size)}"'
            if colour != INK:
                attrs += f' fill="{colour}"'
            if anchor != "start":
                attrs += f' text-anchor="{anchor}"'
            if style != "normal":
                attrs += f' font-style="{style}"'
            spans = "".join(f'<tspan x="{_n(x)}" y="{_n(first + i * leading)}">{escape(line)}</tspan>'
                            for i, line in enumerate(lines))
            self.items.append(f"<text {attrs}>{spans}</text>")
            return
        for i, line in enumerate(lines):
            self.text(x, first + i * leading, line, size, colour, anchor=anchor, style=style)

    def svg(self, width: float, height: float, shapes: Sequence[str]) -> str:
        head = (f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
                f'width="{_n(width)}pt" height="{_n(height)}pt" viewBox="0 0 {_n(width)} {_n(height)}">\n')
        defs = ""
        if self.glyphs:
            defs = "<defs>" + "".join(f'<path id="{escape(glyph_id, _QUOTES)}" d="{data}"/>'
                                      for glyph_id, data in self.glyphs.items()) + "</defs>\n"
        body = "\n".join(shapes)
        texts = "\n".join(self.items)
        if self.mode == "none":
            texts = f'<g font-family="DejaVu Sans" fill="{INK}">\n{texts}\n</g>'
        return f"{head}{defs}{body}\n{texts}\n</svg>\n"


# ----------------------------------------------------------------------------------------------- network


def network_chart(nodes: Sequence[dict], edges: Sequence[dict], *, sector_labels: dict[str, str],
                  sector_colours: dict[str, str], other_colour: str = "#999999", legend_title: str = "",
                  text: str = "path") -> str:
    """The stakeholder network: nodes coloured by sector and sized by degree, a fixed-seed layout, a legend.

    `nodes`: [{code, label, sector, degree, key?}], `edges`: [{source, target, weight}]. A node with a `key`
    (a short number) shows the key inside its circle and the report lists the keys with the full names, so
    long organisation names never overlap in the picture; without a key the label is written under the node.
    """
    with _style(text):
        graph = nx.Graph()
        for node in nodes:
            graph.add_node(node["code"])
        for edge in edges:
            if edge["source"] in graph and edge["target"] in graph and edge["source"] != edge["target"]:
                graph.add_edge(edge["source"], edge["target"], weight=edge.get("weight") or 1)
        fig = Figure(figsize=(6.6, 4.0))
        ax = fig.add_subplot()
        ax.set_axis_off()
        if graph.number_of_nodes():
            positions = _network_layout(graph)
            by_code = {n["code"]: n for n in nodes}
            weights = [d.get("weight", 1) for _, _, d in graph.edges(data=True)]
            top = max(weights) if weights else 1
            for a, b, data in sorted(((min(u, v), max(u, v), d) for u, v, d in graph.edges(data=True)),
                                     key=lambda e: (e[0], e[1])):
                (x1, y1), (x2, y2) = positions[a], positions[b]
                ax.plot([x1, x2], [y1, y2], color="#b4bcc4", linewidth=0.5 + 2.0 * data.get("weight", 1) / top,
                        zorder=1, solid_capstyle="round")
            for code in sorted(graph.nodes):
                node = by_code.get(code, {})
                x, y = positions[code]
                degree = float(node.get("degree") or 0)
                colour = sector_colours.get(node.get("sector"), other_colour)
                key = node.get("key")
                size = (150 if key else 70) + 380 * degree
                ax.scatter([x], [y], s=size, color=colour, edgecolors="white", linewidths=1.2, zorder=2)
                if key:
                    ax.text(x, y, str(key), ha="center", va="center_baseline", fontsize=7, fontweight="bold",
                            color="white", zorder=3)
                else:
                    ax.annotate(wrap(node.get("label") or code, 18), (x, y), textcoords="offset points",
                                xytext=(0, -7 - 7 * degree), ha="center", va="top", fontsize=6.5, color=INK,
                                zorder=3, linespacing=1.0)
            xs = [p[0] for p in positions.values()]
            ys = [p[1] for p in positions.values()]
            ax.set_xlim(min(xs) - 0.15, max(xs) + 0.15)
            ax.set_ylim(min(ys) - 0.15, max(ys) + 0.12)
        present = []
        for node in nodes:
            if node.get("sector") not in present:
                present.append(node.get("sector"))
        order = list(sector_colours)
        present.sort(key=lambda s: order.index(s) if s in order else len(order))
        handles = [Patch(color=sector_colours.get(s, other_colour), label=sector_labels.get(s, str(s)))
                   for s in present]
        if handles:
            fig.legend(handles=handles, loc="lower center", ncol=min(3, len(handles)), frameon=False, fontsize=7.5,
                       title=legend_title or None, title_fontsize=7.5)
            fig.subplots_adjust(bottom=0.08 + 0.06 * math.ceil(len(handles) / 3))
        return _svg(fig)


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
        layout = nx.spring_layout(stable, seed=LAYOUT_SEED, k=2.2 / math.sqrt(len(connected)), iterations=300,
                                  weight=None)
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


def comparison_chart(dimension_labels: Sequence[str], cities: Sequence[tuple[str, Sequence[float | None]]], *,
                     missing_label: str = "n/a", axis_label: str = "",
                     number: Callable[[float], str] | None = None, text: str = "path") -> str:
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
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False, fontsize=8,
                   bbox_to_anchor=(0.5, 1.0))
        fig.subplots_adjust(top=1 - 0.45 / fig.get_figheight())
        return _svg(fig)


def _fmt(value: float) -> str:
    """The default number label of a chart: one decimal."""
    return f"{value:.1f}"
