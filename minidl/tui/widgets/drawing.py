"""A widget that draws all its lines at once and keeps them until its data or size changes."""

from __future__ import annotations

from rich.segment import Segment
from textual.events import Resize
from textual.strip import Strip
from textual.widget import Widget


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
