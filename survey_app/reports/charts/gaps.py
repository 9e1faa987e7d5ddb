"""Both sides of the reference-standard rating per area, written as SVG directly: the akimat's implementation
S (a square) and the residents' and businesses' rating O (a dot with its 95 % interval), joined by a line
whose length is the gap. Rows come in the order given (largest gap first)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..svgtext import INK, Canvas, finite, half_cap, num, text_width, wrap_lines
from .common import ACCENT, GRID, MUTED, _fmt, check_text

ADMIN = "#4a4a4a"
_TICKS = (0, 20, 40, 60, 80, 100)
_SIZE_LABEL, _SIZE_TICK, _SIZE_NUMBER, _SIZE_LEGEND, _SIZE_NOTE = 7.0, 6.5, 6.5, 6.8, 6.5
_ROW = 17.0


@dataclass
class GapRow:
    label: str
    s: float | None = None  # the administrative side (implementation, %)
    o: float | None = None  # the opinion side (top-two share, %)
    low: float | None = None
    high: float | None = None
    note: str = ""  # shown in words where the opinion side is missing


def gap_chart(
    rows: Sequence[GapRow],
    *,
    admin_label: str,
    opinion_label: str,
    number: Callable[[float], str] | None = None,
    text: str = "path",
) -> str:
    """One row per area: S and O on a 0–100 % axis, a line between them; no opinion → a note, never a 0."""
    check_text(text)
    fmt = number or _fmt
    canvas = Canvas(text)
    width = 6.8 * 72
    labels = [wrap_lines(r.label, 30)[:2] for r in rows]
    label_width = max((text_width(line, _SIZE_LABEL) for lines in labels for line in lines), default=0.0)
    left, right, top = 6.0 + label_width + 6.0, width - 34.0, 34.0
    bottom = top + max(len(rows), 1) * _ROW
    height = bottom + 22.0

    def x_of(value: float) -> float:
        return left + max(0.0, min(100.0, value)) / 100.0 * (right - left)

    grid = [f"M{num(x_of(t))} {num(top)}V{num(bottom)}" for t in _TICKS]
    joins, intervals, squares, dots = [], [], [], []
    for i, (row, lines) in enumerate(zip(rows, labels, strict=True)):
        y = top + (i + 0.5) * _ROW
        canvas.lines(left - 6.0, y, lines, _SIZE_LABEL, INK, _SIZE_LABEL * 1.1, anchor="end")
        s, o = finite(row.s), finite(row.o)
        if s is not None:
            xs = x_of(s)
            squares.append(f"M{num(xs - 2.4)} {num(y - 2.4)}h4.8v4.8h-4.8Z")
        if o is None:
            if row.note:
                canvas.text(
                    x_of(s if s is not None else 0) + 6.0,
                    y + half_cap(_SIZE_NOTE),
                    row.note,
                    _SIZE_NOTE,
                    MUTED,
                    style="italic",
                )
            continue
        xo = x_of(o)
        if s is not None:
            joins.append(f"M{num(min(xs, xo))} {num(y)}H{num(max(xs, xo))}")
        low, high = finite(row.low), finite(row.high)
        if low is not None and high is not None and high > low:
            intervals.append(f"M{num(x_of(low))} {num(y)}H{num(x_of(high))}")
        dots.append(f"M{num(xo - 2.6)} {num(y)}a2.6 2.6 0 1 0 5.2 0a2.6 2.6 0 1 0 -5.2 0Z")
        gap = (s - o) if s is not None else None
        if gap is not None:
            canvas.text(right + 4.0, y + half_cap(_SIZE_NUMBER), fmt(gap), _SIZE_NUMBER, INK)
    for t in _TICKS:
        canvas.text(x_of(t), bottom + 3.0 + _SIZE_TICK, str(t), _SIZE_TICK, MUTED, anchor="middle")
    # The legend above the plot, one line each: ■ the akimat, ● residents and businesses; "S − O" over the gaps.
    canvas.text(left + 8.0, 10.0, admin_label, _SIZE_LEGEND, INK)
    canvas.text(left + 8.0, 22.0, opinion_label, _SIZE_LEGEND, INK)
    canvas.text(right + 4.0, top - 4.0, "S − O", _SIZE_NUMBER, MUTED)
    squares.append(f"M{num(left)} {num(10.0 - 5.2)}h4.8v4.8h-4.8Z")
    dots.append(f"M{num(left - 0.2)} {num(22.0 - 2.6)}a2.6 2.6 0 1 0 5.2 0a2.6 2.6 0 1 0 -5.2 0Z")
    shapes = [
        f'<path d="{"".join(grid)}" fill="none" stroke="{GRID}" stroke-width="0.5"/>',
        f'<path d="{"".join(joins)}" fill="none" stroke="{MUTED}" stroke-width="1.2"/>' if joins else "",
        f'<path d="{"".join(intervals)}" fill="none" stroke="{ACCENT}" stroke-opacity="0.4" stroke-width="2.6"/>'
        if intervals
        else "",
        f'<path d="{"".join(squares)}" fill="{ADMIN}"/>' if squares else "",
        f'<path d="{"".join(dots)}" fill="{ACCENT}"/>' if dots else "",
    ]
    return canvas.svg(width, height, [s for s in shapes if s])
