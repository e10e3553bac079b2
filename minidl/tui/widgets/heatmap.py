"""The decision boundary over [0,1]^2 in half-block cells, with train or test points drawn on it.

Each cell is ``▀`` with the foreground colour for its top pixel and the background for its bottom one,
so pixels are square. Colours come from a fixed palette (class colour by quantised confidence, see
``boundary.LEVELS``), and rendered lines are cached until the grid, the points or the size change.
"""

from __future__ import annotations

import torch
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from minidl.tui.boundary import LEVELS
from minidl.tui.widgets.drawing import DrawnWidget

CLASS_RGB = ((245, 147, 34), (8, 119, 189), (80, 180, 90), (170, 90, 200), (220, 70, 70), (230, 210, 60))
NEUTRAL_RGB = (58, 58, 58)
POINT_SHARE = 8  # draw at most one point per this many pixels, so the boundary stays visible

Pixel = tuple[int, int, int]


def region_rgb(code: int) -> Pixel:
    """The colour of a grid code: the class colour faded towards neutral for low confidence."""
    label, level = divmod(int(code), LEVELS)
    target = CLASS_RGB[label % len(CLASS_RGB)]
    t = 0.15 + 0.6 * level / (LEVELS - 1)
    return tuple(round(n + (c - n) * t) for n, c in zip(NEUTRAL_RGB, target))  # type: ignore[return-value]


def point_rgb(label: int) -> Pixel:
    """A point: its class colour, lightened so it stands out on a region of its own class."""
    return tuple(round(c + (255 - c) * 0.45) for c in CLASS_RGB[label % len(CLASS_RGB)])  # type: ignore[return-value]


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
        self._styles: dict[tuple[Pixel, Pixel], Style] = {}
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
        pixels = self._pixels(side)
        left, top = (width - side) // 2, (height - side // 2) // 2
        lines = [Strip.blank(width) for _ in range(top)]
        for row in range(side // 2):
            cells = [self._cell(pixels[2 * row][x], pixels[2 * row + 1][x]) for x in range(side)]
            lines.append(Strip([Segment(" " * left), *cells, Segment(" " * (width - left - side))], width))
        return lines + [Strip.blank(width) for _ in range(height - len(lines))]

    def _pixels(self, side: int) -> list[list[Pixel]]:
        grid = self._grid or [[0]]
        n = len(grid)
        colours = {}
        rows = []
        for y in range(side):
            source = grid[y * n // side]
            rows.append([colours.setdefault(c, region_rgb(c)) for c in (source[x * n // side] for x in range(side))])
        for px, py, label in self._points[: side * side // POINT_SHARE]:
            rows[min(int((1.0 - py) * side), side - 1)][min(int(px * side), side - 1)] = point_rgb(label)
        return rows

    def _cell(self, top: Pixel, bottom: Pixel) -> Segment:
        style = self._styles.get((top, bottom))
        if style is None:
            style = self._styles[(top, bottom)] = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
        return Segment("▀", style)
