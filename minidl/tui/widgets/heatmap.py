"""The decision boundary over the data's square (``boundary.view_box``) in half-block cells, with points.

Each cell is ``▀`` with the foreground colour for its top pixel and the background for its bottom one,
so pixels are square. Colours come from a fixed palette (class colour by quantised confidence, see
``boundary.LEVELS``), and rendered lines are cached until the grid, the points or the size change.
"""

from __future__ import annotations

import functools

import torch
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from minidl.tui.boundary import LEVELS
from minidl.tui.widgets.drawing import DrawnWidget, half_blocks, resample

CLASS_RGB = ((245, 147, 34), (8, 119, 189), (80, 180, 90), (170, 90, 200), (220, 70, 70), (230, 210, 60))
NEUTRAL_RGB = (58, 58, 58)
POINT_SHARE = 8  # draw at most one point per this many pixels, so the boundary stays visible


@functools.cache
def colour(key: int) -> Color:
    """A pixel's colour. ``key >= 0``: a grid code, the class colour faded towards neutral for low
    confidence; ``key < 0``: a data point of class ``-key - 1``, its class colour lightened to stand out."""
    if key < 0:
        rgb = tuple(round(c + (255 - c) * 0.45) for c in CLASS_RGB[(-key - 1) % len(CLASS_RGB)])
    else:
        label, level = divmod(key, LEVELS)
        t = 0.15 + 0.6 * level / (LEVELS - 1)
        rgb = tuple(round(n + (c - n) * t) for n, c in zip(NEUTRAL_RGB, CLASS_RGB[label % len(CLASS_RGB)]))
    return Color.from_rgb(*rgb)


@functools.cache
def cell_style(top: int, bottom: int) -> Style:
    return Style(color=colour(top), bgcolor=colour(bottom))


class Heatmap(DrawnWidget):
    """Shows a grid of codes (any square size, resampled to the widget) and a list of (x, y, label) points."""

    class Resized(Message):
        """The pixel side changed: a new grid at this resolution would fit exactly."""

        def __init__(self, side: int) -> None:
            super().__init__()
            self.side = side

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._grid: list[list[int]] | None = None
        self._points: list[tuple[float, float, int]] = []
        self.note = ""

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as square pixels over the full height need (the stylesheet caps it)."""
        return 2 * max(container.height - self.styles.gutter.height, 0)

    @property
    def side(self) -> int:
        """Pixels per side of the square drawing area (even, so it fills whole cells)."""
        width, height = self.content_size
        side = min(width, 2 * height)
        return max(side - side % 2, 0)

    def show(self, grid: torch.Tensor | None, points: list[tuple[float, float, int]], note: str = "") -> None:
        """Draw ``grid`` (codes, or None for nothing) with ``points``; ``note`` replaces the map when set."""
        self._grid = None if grid is None else grid.tolist()
        self._points = points
        self.note = note
        self.redraw()

    def on_resize(self, event: Resize) -> None:  # runs after DrawnWidget's handler (Textual calls both)
        self.post_message(self.Resized(self.side))

    def draw(self) -> list[Strip]:
        width, height = self.content_size
        side = self.side
        if self._grid is None or side == 0 or self.note:
            return self.centred_text(self.note)
        left, top = (width - side) // 2, (height - side // 2) // 2
        lines = [Strip.blank(width) for _ in range(top)]
        for runs in half_blocks(self._pixels(side), cell_style):
            lines.append(Strip([Segment(" " * left), *runs, Segment(" " * (width - left - side))], width))
        return lines + [Strip.blank(width) for _ in range(height - len(lines))]

    def _pixels(self, side: int) -> list[list[int]]:
        """Colour keys (see :func:`colour`) of every pixel: the grid resampled to ``side``, points on top."""
        rows = resample(self._grid or [[0]], side, side)
        for px, py, label in self._points[: side * side // POINT_SHARE]:
            rows[min(int((1.0 - py) * side), side - 1)][min(int(px * side), side - 1)] = -label - 1
        return rows
