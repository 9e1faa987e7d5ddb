"""Cities side by side: grouped bars of the dimensions (matplotlib, headless)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..svgtext import INK, wrap
from .common import CITY_COLOURS, MUTED, _fmt, _style, _svg, level_bands


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
        for low, high, colour in level_bands():
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
