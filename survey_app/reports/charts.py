"""Charts of a report as SVG: radar of the dimensions, interval bars per group, the stakeholder network,
and the comparison of cities.

Plain data in (labels already in the report's language), SVG text out. Matplotlib runs headless through
its SVG canvas (no pyplot, no display); the hash salt and metadata are fixed, so the same data always gives
byte-identical SVG. Text is set in DejaVu Sans, which covers the Kazakh letters (ә ғ қ ң ө ұ ү һ і), in one
of two ways:

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
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import matplotlib
import networkx as nx
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

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


def interval_chart(panels: Sequence[IntervalPanel], *, axis_label: str = "",
                   number: Callable[[float], str] | None = None, text: str = "path") -> str:
    """One panel per construct (two per row): each group's score with its 95 % interval.

    A row without a score (a withheld cell, no data) shows its note in words instead of a bar, never a 0.
    """
    with _style(text):
        n_rows = max((len(p.rows) for p in panels), default=1) or 1
        columns = 2 if len(panels) > 1 else 1
        grid_rows = max(1, math.ceil(len(panels) / columns))
        fig = Figure(figsize=(6.8, grid_rows * (n_rows * 0.24 + 0.55) + 0.3))
        axes = fig.subplots(grid_rows, columns, sharex=True, sharey=True, squeeze=False)
        # The axes share their ticks: set them once (each set_ticks call rebuilds every tick of the axis).
        first = axes[0][0]
        first.set_xlim(0, 112)
        first.set_xticks([0, 20, 40, 60, 80, 100])
        first.set_ylim(-0.6, n_rows - 0.4)
        labels = panels[0].rows if panels else []
        first.set_yticks(list(range(len(labels)))[::-1])
        first.set_yticklabels([wrap(r.label, 22) for r in labels], fontsize=7)
        for index, ax in enumerate(axes.flat):
            if index >= len(panels):
                ax.set_visible(False)
                continue
            panel = panels[index]
            rows = panel.rows
            ys = list(range(len(rows)))[::-1]
            for low, high, colour in BAND_COLOURS:
                ax.axvspan(low, high, color=colour, zorder=0, linewidth=0)
            shown = [(y, row) for y, row in zip(ys, rows, strict=True) if row.score is not None]
            ranged = [(y, row) for y, row in shown if row.low is not None and row.high is not None]
            if ranged:
                ax.hlines([y for y, _ in ranged], [max(0, r.low) for _, r in ranged],
                          [min(100, r.high) for _, r in ranged], colors=ACCENT, linewidth=2.4, alpha=0.45, zorder=2)
            if shown:
                ax.plot([r.score for _, r in shown], [y for y, _ in shown], linestyle="none", marker="o",
                        color=ACCENT, markersize=4.5, zorder=3)
            for y, row in zip(ys, rows, strict=True):
                if row.score is None:
                    ax.text(2, y, wrap(row.note, 34), va="center", ha="left", fontsize=6.5, color=MUTED,
                            style="italic", linespacing=0.95)
                    continue
                end = min(row.high if row.high is not None else row.score, 100)
                ax.text(end + 2, y, (number or _fmt)(row.score), va="center", ha="left", fontsize=6.5, color=INK)
            ax.tick_params(axis="x", labelsize=6.5)
            ax.tick_params(axis="y", length=0, labelsize=7)
            ax.set_title(wrap(panel.title, 34 if columns == 2 else 80), loc="left", fontsize=7.5, fontweight="bold",
                         pad=3)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        if axis_label:
            for ax in axes[-1]:
                if ax.get_visible():
                    ax.set_xlabel(axis_label, fontsize=6.8, color=MUTED)
        fig.subplots_adjust(hspace=0.45, wspace=0.08)
        return _svg(fig)


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
