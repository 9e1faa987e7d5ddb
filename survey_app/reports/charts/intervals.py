"""Interval panels: each group's score of a construct with its 95 % interval, written as SVG directly."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..svgtext import INK, Canvas, finite, half_cap, num, text_width, wrap_lines
from .common import ACCENT, GRID, MUTED, _fmt, check_text, level_bands


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
    check_text(text)
    fmt = number or _fmt
    canvas = Canvas(text)
    n_rows = max((len(p.rows) for p in panels), default=1) or 1
    columns = 2 if len(panels) > 1 else 1
    grid_rows = max(1, math.ceil(len(panels) / columns))
    width = 6.8 * 72
    height = (grid_rows * (n_rows * 0.24 + 0.55) + 0.3) * 72
    pad, gap, title_pad, tick_len = 3.0, 14.0, 3.0, 3.5
    line_title, line_label = _SIZE_TITLE * 1.2, _SIZE_LABEL * 1.15
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

    paths: dict[str, list[str]] = {"grid": [], "spines": [], "ticks": [], "intervals": [], "dots": []}
    paths.update({colour: [] for _, _, colour in level_bands()})
    top = pad
    for r in range(grid_rows):
        top += title_blocks[r]
        for c in range(columns):
            index = r * columns + c
            if index >= len(panels):
                continue
            x0 = left + c * (panel_width + gap)
            frame = (x0, top, panel_width, top + axes_height)
            _panel(
                canvas,
                paths,
                panels[index],
                titles[index],
                frame,
                n_rows,
                index == bottom_of_column[c],
                fmt,
                axis_label,
            )
        for i, lines in enumerate(labels):
            y = top + (n_rows - 0.4 - (len(labels) - 1 - i)) / n_rows * axes_height
            canvas.lines(left - 4.0, y, lines, _SIZE_LABEL, INK, line_label, anchor="end")
        top += axes_height + tick_block + 6.0

    return canvas.svg(width, height, _shapes(paths))


def _shapes(paths: dict[str, list[str]]) -> list[str]:
    """The collected path data, one <path> per kind (bands, grid, spines, ticks, intervals, dots)."""
    grid, spines, ticks, intervals, dots = (paths[k] for k in ("grid", "spines", "ticks", "intervals", "dots"))
    shapes = [f'<path d="{"".join(paths[c])}" fill="{c}"/>' for _, _, c in level_bands() if paths[c]]
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
    return shapes


def _panel(canvas, paths, panel: IntervalPanel, title: list[str], frame, n_rows: int, is_bottom: bool, fmt, axis_label):
    """One construct's panel in `frame` (left, top, width, bottom): bands, grid, its rows, ticks under the lowest."""
    x0, top, panel_width, bottom = frame
    axes_height = bottom - top
    tick_len, title_pad = 3.5, 3.0
    line_title, line_note = _SIZE_TITLE * 1.2, _SIZE_NOTE * 1.1
    tick_block = tick_len + 2 + _SIZE_TICK * 1.2

    def x_of(value: float, x0: float = x0) -> float:
        return x0 + value / _X_MAX * panel_width

    for low, high, colour in level_bands():
        paths[colour].append(f"M{num(x_of(low))} {num(top)}H{num(x_of(high))}V{num(bottom)}H{num(x_of(low))}Z")
    for tick in _TICKS[1:]:
        paths["grid"].append(f"M{num(x_of(tick))} {num(top)}V{num(bottom)}")
    paths["spines"].append(f"M{num(x0)} {num(top)}V{num(bottom)}H{num(x0 + panel_width)}")
    paths["ticks"].extend(f"M{num(x_of(tick))} {num(bottom)}v{num(tick_len)}" for tick in _TICKS)
    for i, line in enumerate(title):
        baseline = top - title_pad - (len(title) - 1 - i) * line_title - 0.25 * _SIZE_TITLE
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
                paths["intervals"].append(f"M{num(x_of(low))} {num(y)}H{num(x_of(high))}")
        dot = x_of(max(0.0, min(100.0, score)))
        paths["dots"].append(f"M{num(dot - 2.25)} {num(y)}a2.25 2.25 0 1 0 4.5 0a2.25 2.25 0 1 0 -4.5 0Z")
        end = max(0.0, min(high if high is not None else score, 100.0))
        canvas.text(x_of(end + 2), y + half_cap(_SIZE_NUMBER), fmt(score), _SIZE_NUMBER, INK)
    if is_bottom:
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
