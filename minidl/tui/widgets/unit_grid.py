"""One layer's units as the Playground's neuron thumbnails: the selected unit enlarged, the others in pages.

Each map is a unit's output over the input square (``probes.UnitMaps``), in signed colours on one
scale for the whole layer. Tiles never shrink below ``MIN_TILE`` pixels: when the units do not fit, the
grid shows the page holding the selected unit, and the subtitle says which units are shown.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.events import Click, Resize
from textual.strip import Strip

from minidl.tui.probes import UnitMaps
from minidl.tui.widgets.drawing import DrawnWidget, Pixels, half_blocks, resample
from minidl.tui.widgets.signed_colours import signed_style

TILES = (12, 10, 8, 6)  # tile widths tried, in pixels (= cells), largest first
MIN_TILE = TILES[-1]
LABEL, SELECTED = Style(dim=True), Style(reverse=True, bold=True)


class UnitGrid(DrawnWidget):
    """``show(maps, note)`` replaces the maps; ``move``/``page`` change the selected unit."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._maps: list[Pixels] = []
        self.note = "no layer chosen"
        self.selected = 0

    @property
    def units(self) -> int:
        return len(self._maps)

    def show(self, maps: UnitMaps | None, note: str = "") -> None:
        """Draw ``maps`` (None: ``note`` instead); the selection stays where it was when it still exists."""
        self._maps = [] if maps is None else maps.codes.tolist()
        self.note = note if maps is None else ""
        self.selected = min(self.selected, max(self.units - 1, 0))
        self._caption()
        self.redraw()

    def move(self, step: int) -> None:
        """Select the unit ``step`` places on (clamped to the layer's units)."""
        self.select(self.selected + step)

    def page(self, step: int) -> None:
        """Show the previous (-1) or next (1) page of tiles, selecting the same place on it."""
        self.select(self.selected + step * self._layout()[2])

    def select(self, unit: int) -> None:
        self.selected = min(max(unit, 0), max(self.units - 1, 0))
        self._caption()
        self.redraw()

    def _caption(self) -> None:
        first, shown = self._page()
        self.border_subtitle = (
            f"units {first + 1}-{first + shown} of {self.units}  [ ] pages"
            if 0 < shown < self.units
            else f"{self.units} units"
            if self.units
            else ""
        )

    def on_resize(self, event: Resize) -> None:  # runs after DrawnWidget's handler: the page size changed
        self._caption()

    # -- layout: the enlarged unit on the left, then tiles of `tile` pixels, `columns x rows` of them ---------
    def _big(self) -> int:
        """Pixels per side of the enlarged map (even)."""
        width, height = self.content_size
        side = min(2 * (height - 1), width // 2)
        return max(side - side % 2, 0)

    def _layout(self) -> tuple[int, int, int]:
        """``(tile, columns, per_page)``: the largest tiles that show every unit, else the smallest, paged."""
        width, height = self.content_size
        room = width - self._big() - 2
        for tile in TILES:
            columns, rows = (room + 1) // (tile + 1), height // (tile // 2 + 1)
            if columns * rows >= self.units or tile == MIN_TILE:
                return tile, max(columns, 0), max(columns * rows, 0)
        raise AssertionError("unreachable")

    def _page(self) -> tuple[int, int]:
        """The first unit on the selected unit's page and how many units it shows."""
        per_page = self._layout()[2]
        if per_page == 0:
            return self.selected, 0
        first = self.selected // per_page * per_page
        return first, min(per_page, self.units - first)

    def on_click(self, event: Click) -> None:
        """A click on a tile selects its unit."""
        tile, columns, _ = self._layout()
        x, y = event.x - self.gutter.left - self._big() - 2, event.y - self.gutter.top
        if columns and x >= 0 and x % (tile + 1) < tile:
            column, row = x // (tile + 1), y // (tile // 2 + 1)
            first, shown = self._page()
            if column < columns and row * columns + column < shown:
                self.select(first + row * columns + column)

    def draw(self) -> list[Strip]:
        width, height = self.content_size
        if not self._maps or self._big() < 2:
            return self.centred_text(self.note)
        big = self._big()
        left = [*half_blocks(resample(self._maps[self.selected], big, big), signed_style)]
        left.append([Segment(f"unit {self.selected + 1}".center(big)[:big], LABEL)])
        left += [[Segment(" " * big)] for _ in range(height - len(left))]
        right = self._tiles(height)
        return [Strip([*a, Segment("  "), *b]).crop_extend(0, width, None) for a, b in zip(left, right)]

    def _tiles(self, height: int) -> list[list[Segment]]:
        tile, columns, _ = self._layout()
        first, shown = self._page()
        lines: list[list[Segment]] = [[] for _ in range(height)]
        for i in range(shown):
            unit = first + i
            row, column = divmod(i, columns)
            top = row * (tile // 2 + 1)
            cells = half_blocks(resample(self._maps[unit], tile, tile), signed_style)
            label = Segment(str(unit + 1).center(tile), SELECTED if unit == self.selected else LABEL)
            for y, segments in enumerate([*cells, [label]]):
                line = lines[top + y]
                if column:
                    line.append(Segment(" "))
                line.extend(segments)
        return lines
