"""SVG text for the report charts: measuring lines in DejaVu Sans and writing them as real <text> (the PDF)
or as glyph outlines (web pages, where an <img> has no fonts). Matplotlib's font machinery measures and
outlines the glyphs; no Figure is drawn. No Flask here.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape

from matplotlib import font_manager
from matplotlib.ft2font import LoadFlags
from matplotlib.path import Path
from matplotlib.textpath import TextToPath

INK = "#1b1f24"
_QUOTES = {'"': "&quot;"}


def wrap(text: str, width: int = 18) -> str:
    """Break a label into lines of at most `width` characters (long words are kept whole)."""
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def num(value: float) -> str:
    """A coordinate in the SVG: two decimals at most, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def wrap_lines(text: str, width: int) -> list[str]:
    return wrap(text, width).split("\n")


def half_cap(size: float) -> float:
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
def text_width(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
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
        coords = " ".join(num(v) for v in points)
        parts.append(
            {Path.MOVETO: "M", Path.LINETO: "L", Path.CURVE3: "Q", Path.CURVE4: "C"}.get(code, "Z")
            + (coords if code != Path.CLOSEPOLY else "")
        )
    return "".join(parts)


def _text_attrs(size: float, colour: str, anchor: str, weight: str, style: str) -> str:
    """The attributes of a <text>, leaving out what the chart's text group already sets."""
    attrs = f'font-size="{num(size)}"'
    if colour != INK:
        attrs += f' fill="{colour}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if style != "normal":
        attrs += f' font-style="{style}"'
    return attrs


class Canvas:
    """Collects the text of a chart: real <text> (text="none") or glyphs drawn as paths (text="path")."""

    def __init__(self, mode: str):
        self.mode = mode
        self.items: list[str] = []
        self.glyphs: dict[str, str] = {}

    def text(
        self,
        x: float,
        baseline: float,
        line: str,
        size: float,
        colour: str,
        *,
        anchor: str = "start",
        weight: str = "normal",
        style: str = "normal",
    ) -> None:
        if not line:
            return
        if self.mode == "none":
            attrs = f'x="{num(x)}" y="{num(baseline)}" ' + _text_attrs(size, colour, anchor, weight, style)
            self.items.append(f"<text {attrs}>{escape(line)}</text>")
            return
        width = text_width(line, size, weight, style)
        x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        placed, outlines = _glyphs(line, weight, style)
        for glyph_id, data in outlines:
            self.glyphs.setdefault(glyph_id, data)
        scale = num(size / TextToPath.FONT_SCALE)
        uses = "".join(f'<use xlink:href="#{escape(glyph_id, _QUOTES)}" x="{num(gx)}"/>' for glyph_id, gx in placed)
        self.items.append(
            f'<g transform="translate({num(x)} {num(baseline)}) scale({scale} -{scale})" fill="{colour}">{uses}</g>'
        )

    def lines(
        self,
        x: float,
        middle: float,
        lines: Sequence[str],
        size: float,
        colour: str,
        leading: float,
        *,
        anchor: str = "start",
        style: str = "normal",
    ) -> None:
        """Lines of text centred vertically on `middle`."""
        first = middle - (len(lines) - 1) * leading / 2 + half_cap(size)
        if self.mode == "none" and len(lines) > 1:
            attrs = _text_attrs(size, colour, anchor, "normal", style)
            spans = "".join(
                f'<tspan x="{num(x)}" y="{num(first + i * leading)}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            self.items.append(f"<text {attrs}>{spans}</text>")
            return
        for i, line in enumerate(lines):
            self.text(x, first + i * leading, line, size, colour, anchor=anchor, style=style)

    def svg(self, width: float, height: float, shapes: Sequence[str]) -> str:
        head = (
            f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{num(width)}pt" height="{num(height)}pt" viewBox="0 0 {num(width)} {num(height)}">\n'
        )
        defs = ""
        if self.glyphs:
            defs = (
                "<defs>"
                + "".join(
                    f'<path id="{escape(glyph_id, _QUOTES)}" d="{data}"/>' for glyph_id, data in self.glyphs.items()
                )
                + "</defs>\n"
            )
        body = "\n".join(shapes)
        texts = "\n".join(self.items)
        if self.mode == "none":
            texts = f'<g font-family="DejaVu Sans" fill="{INK}">\n{texts}\n</g>'
        return f"{head}{defs}{body}\n{texts}\n</svg>\n"
