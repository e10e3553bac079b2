"""A widget that draws all its lines at once and keeps them until its data or size changes, and the
half-block pixels every map is drawn with (the boundary, the unit maps, the weights)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.strip import Strip
from textual.widget import Widget

Pixels = list[list[int]]  # rows of colour keys, row 0 at the top


class DrawnWidget(Widget):
    """Subclasses implement ``draw()`` and call ``redraw()`` after changing what they show."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] | None = None

    def draw(self) -> list[Strip]:
        raise NotImplementedError

    def redraw(self) -> None:
        self._lines = None
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        self._lines = None

    def render_line(self, y: int) -> Strip:
        if self._lines is None:
            self._lines = self.draw()
        return self._lines[y] if y < len(self._lines) else Strip.blank(self.content_size.width)

    def centred_text(self, text: str) -> list[Strip]:
        """Blank lines with ``text`` in the middle one (for empty states)."""
        width, height = self.content_size
        middle = Strip([Segment(text.center(width)[:width])], width)
        return [middle if y == height // 2 else Strip.blank(width) for y in range(height)]


def text_line(text: str, width: int, style: Style | None = None) -> Strip:
    """One line of ``text``, cut or padded to exactly ``width`` cells (a shorter strip would leave old cells)."""
    return Strip([Segment(text[:width].ljust(width), style)], width)


def resample(grid: Pixels, width: int, height: int) -> Pixels:
    """``grid`` scaled to ``width x height`` pixels by nearest neighbour (any size to any size)."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    if not rows or not columns:
        return [[0] * width for _ in range(height)]
    picks = [x * columns // width for x in range(width)]
    return [[source[c] for c in picks] for source in (grid[y * rows // height] for y in range(height))]


def half_blocks(pixels: Pixels, style: Callable[[int, int], Style]) -> list[list[Segment]]:
    """Cell rows of ``▀`` for pixel rows taken two at a time: ``style(top, bottom)`` colours each cell.

    Runs of equal cells share one segment (fewer segments: cheaper to refresh). An odd last row is dropped.
    """
    lines = []
    for top, bottom in zip(pixels[::2], pixels[1::2]):
        cells = list(zip(top, bottom))
        lines.append([Segment("▀" * len(list(run)), style(*pair)) for pair, run in itertools.groupby(cells)])
    return lines
