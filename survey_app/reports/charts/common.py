"""What every chart shares: colours, the level bands, matplotlib's settings, SVG helpers."""

from __future__ import annotations

import base64
import contextlib
import io
import threading
from collections.abc import Iterator

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from instruments.frameworks import load_framework

from ..svgtext import INK, num

MUTED = "#5a6470"
GRID = "#d3d8de"
ACCENT = "#0b5cad"
PREVIOUS = "#8a939d"
LEVEL_COLOURS = ("#fbe9e7", "#fff6da", "#e8f5e9")  # the lowest level, the middle ones, the highest
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
SIZE_LEGEND = 7.5  # points
_QUOTES = {'"': "&quot;"}
_LOCK = threading.Lock()


@contextlib.contextmanager
def _style(text: str) -> Iterator[None]:
    check_text(text)
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


def level_bands() -> tuple[tuple[float, float, str], ...]:
    """(from, to, colour) of each readiness level of the framework file, on 0–100, lowest first."""
    levels = load_framework().levels
    edges = [level.lower for level in levels] + [100.0]
    bands = []
    for i in range(len(levels)):
        colour = LEVEL_COLOURS[0] if i == 0 else LEVEL_COLOURS[2] if i == len(levels) - 1 else LEVEL_COLOURS[1]
        bands.append((edges[i], edges[i + 1], colour))
    return tuple(bands)


def check_text(text: str) -> None:
    """Refuse a text mode other than "path" (glyph outlines) or "none" (real text)."""
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {TEXT_MODES}, not {text!r}")


def _dot(x: float, y: float, r: float) -> str:
    """A filled circle as path data (a <path> can hold many)."""
    return f"M{num(x - r)} {num(y)}a{num(r)} {num(r)} 0 1 0 {num(2 * r)} 0a{num(r)} {num(r)} 0 1 0 {num(-2 * r)} 0Z"


def _fmt(value: float) -> str:
    """The default number label of a chart: one decimal."""
    return f"{value:.1f}"
