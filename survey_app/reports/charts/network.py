"""The stakeholder network: nodes by sector and degree on a fixed-seed layout, with a legend."""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx

from ..svgtext import INK, Canvas, half_cap, num, text_width, wrap_lines
from .common import LAYOUT_SEED, _dot, check_text
from .common import SIZE_LEGEND as _SIZE_LEGEND


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
    check_text(text)
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
    drawn, lines_out, boxes = _place(graph, nodes, sector_colours, other_colour, plot_width, plot_height)

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
    _draw_graph(canvas, shapes, drawn, lines_out, x_min, y_min)
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


def _place(graph: nx.Graph, nodes, sector_colours, other_colour, plot_width: float, plot_height: float):
    """Nodes (x, y, radius, colour, key, label lines, label top) and edges (width, x1, y1, x2, y2) in the
    plot's points, and the boxes they take."""
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

    return drawn, lines_out, boxes


def _draw_graph(canvas: Canvas, shapes: list[str], drawn, lines_out, x_min: float, y_min: float) -> None:
    """The edges (one path per width) and the nodes with their keys or labels."""
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
