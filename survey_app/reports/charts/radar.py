"""The radar of a city's dimension scores, with the previous round dashed."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..svgtext import INK, Canvas, finite, half_cap, num, text_width, wrap_lines
from .common import ACCENT, GRID, MUTED, PREVIOUS, _dot, _fmt, check_text, level_bands
from .common import SIZE_LEGEND as _SIZE_LEGEND


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
    check_text(text)
    fmt = number or _fmt
    values = list(values)
    if len(values) != len(labels):
        raise ValueError("labels and values must have the same length")
    n = len(labels)
    radius, pad = _RADAR_RADIUS, 4.0
    angles = [2 * math.pi * i / n for i in range(n)]
    leading = _SIZE_RADAR_LABEL * 1.2

    blocks = _axis_labels(labels, values, angles, radius, missing_label, leading)
    reach = radius + 4.0 + _SIZE_RADAR_NUMBER  # a score of 100 at the top has its number above the circle
    boxes = [b[4] for b in blocks] + [(-reach, -reach, reach, reach)]
    x_min, y_min = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x_max, y_max = max(b[2] for b in boxes), max(b[3] for b in boxes)
    show_previous = previous is not None and any(finite(v) is not None for v in previous)
    legend: list[tuple[str, str, bool]] = []  # (label, colour, dashed)
    legend_box = None
    if show_previous:
        legend = [(current_label, ACCENT, False), (previous_label, PREVIOUS, True)]
        legend_box = _legend_box(legend, blocks, (x_min, y_min, x_max, y_max), reach)
        if legend_box[1] > y_max:  # under the radar
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

    shapes += _grid(cx, cy, radius, angles, ring, point)
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
        _draw_legend(canvas, shapes, legend, legend_box[0] + cx, legend_box[1] + cy)
    return canvas.svg(width, height, shapes)


_RADAR_RADIUS = 119.0  # points (as the polar axes of the former matplotlib figure)
_RADAR_LABEL_PAD = 14.0  # from the circle to the nearest corner of an axis label
_RADAR_RINGS = (20, 40, 60, 80, 100)
_SIZE_RADAR_LABEL, _SIZE_RADAR_TICK, _SIZE_RADAR_NUMBER = 8.0, 6.5, 7.0
_LEGEND_LINE = 15.0


def _radar_polygon(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in points) + "Z"


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float = 0.0) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap or come closer than `margin`."""
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


def _outside_circle(box: tuple[float, float, float, float], radius: float) -> bool:
    """Whether a box lies wholly outside the circle of `radius` around 0, 0."""
    x = min(max(0.0, box[0]), box[2])
    y = min(max(0.0, box[1]), box[3])
    return math.hypot(x, y) >= radius


def _axis_labels(labels, values, angles, radius: float, missing_label: str, leading: float) -> list[tuple]:
    """The axis labels, measured first (the picture is as large as the circle and the labels around it):
    (anchor, x, middle, lines, (left, top, right, bottom)) with the centre of the circle at 0, 0."""
    blocks = []
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
    return blocks


def _legend_box(legend, blocks, bounds, reach: float) -> tuple[float, float, float, float]:
    """Where the legend goes: the top right corner if it is free there, else under the radar."""
    x_min, y_min, x_max, y_max = bounds
    legend_width = _LEGEND_LINE + 5.0 + max(text_width(t, _SIZE_LEGEND) for t, _, _ in legend)
    legend_height = len(legend) * _SIZE_LEGEND * 1.5
    corner = (x_max - legend_width, y_min, x_max, y_min + legend_height)
    if not any(_overlap(corner, b[4], 3.0) for b in blocks) and _outside_circle(corner, reach + 3.0):
        return corner
    return (
        (x_min + x_max - legend_width) / 2,
        y_max + 6.0,
        (x_min + x_max + legend_width) / 2,
        y_max + 6.0 + legend_height,
    )


def _draw_legend(canvas: Canvas, shapes: list[str], legend, left: float, top: float) -> None:
    for i, (label, colour, dashed) in enumerate(legend):
        y = top + (i + 0.5) * _SIZE_LEGEND * 1.5
        line = f"M{num(left)} {num(y)}h{num(_LEGEND_LINE)}"
        if dashed:
            shapes.append(f'<path d="{line}" stroke="{colour}" stroke-width="1.2" stroke-dasharray="4.4 1.9"/>')
        else:
            shapes.append(f'<path d="{line}" stroke="{colour}" stroke-width="1.8"/>')
            shapes.append(f'<path d="{_dot(left + _LEGEND_LINE / 2, y, 2.0)}" fill="{colour}"/>')
        canvas.text(left + _LEGEND_LINE + 5.0, y + half_cap(_SIZE_LEGEND), label, _SIZE_LEGEND, INK)


def _grid(cx: float, cy: float, radius: float, angles, ring, point) -> list[str]:
    """The level bands, the rings and the spokes behind the polygons."""
    shapes = []
    for low, high, colour in level_bands():
        shapes.append(f'<path d="{ring(high)}{ring(low) if low > 0 else ""}" fill="{colour}" fill-rule="evenodd"/>')
    spokes = "".join(f"M{num(cx)} {num(cy)}L{num(point(a, 100)[0])} {num(point(a, 100)[1])}" for a in angles)
    rings = "".join(ring(r) for r in _RADAR_RINGS[:-1])
    shapes.append(f'<path d="{rings}{spokes}" fill="none" stroke="{GRID}" stroke-width="0.6"/>')
    shapes.append(f'<path d="{ring(100)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    return shapes
