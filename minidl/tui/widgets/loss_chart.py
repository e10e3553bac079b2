"""Train and test loss per epoch, drawn with braille dots (2x4 per cell).

The y axis is logarithmic by default (a loss falls by orders of magnitude; on a linear axis the first
epochs would flatten the rest) and linear on request (``log_scale = False``) or when a loss is not positive;
it is scaled to the data and labelled in loss values. The title says which scale is drawn.
"""

from __future__ import annotations

import itertools
import math

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from minidl.tui.widgets.drawing import DrawnWidget

TRAIN, TEST, BOTH = (Style(color=Color.parse(c)) for c in ("#5fafff", "#ffaf5f", "#e4e4e4"))
AXIS = Style(dim=True)
LABEL_WIDTH = 7
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] inside a cell


class LossChart(DrawnWidget):
    """Two series over epochs; ``show(train, test)`` replaces both, ``log_scale`` asks for a logarithmic axis."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._series: tuple[list[float], list[float]] = ([], [])
        self.log_scale = True

    def show(self, train: list[float], test: list[float]) -> None:
        self._series = (train, test)
        title = f"Loss · {'log' if self._log_drawn() else 'linear'} (l)"
        if self.border_title != title:  # a new title repaints the border: only when it changes
            self.border_title = title
        self.redraw()

    def _log_drawn(self) -> bool:
        """True when the axis is logarithmic: asked for, and every finite loss is positive."""
        finite = [v for v in self._series[0] + self._series[1] if math.isfinite(v)]
        return self.log_scale and (not finite or min(finite) > 0)

    def draw(self) -> list[Strip]:
        width, height = self.content_size
        train, test = self._series
        finite = [v for v in train + test if math.isfinite(v)]
        scale = math.log if self._log_drawn() else float
        plot_w, plot_h = width - LABEL_WIDTH, height - 1
        if not finite or plot_w < 2 or plot_h < 2:
            return self.centred_text("no epochs yet" if not finite else "")
        low, high = min(finite), max(finite)
        bits = [[[0, 0] for _ in range(plot_w)] for _ in range(plot_h)]
        for which, values in enumerate((train, test)):
            scaled = [scale(v) if math.isfinite(v) else v for v in values]
            for x, y in _dots(scaled, scale(low), scale(high), 2 * plot_w, 4 * plot_h):
                bits[y // 4][x // 2][which] |= _DOT_BITS[y % 4][x % 2]
        lines = []
        for row, cells in enumerate(bits):
            label = f"{high:.3g}" if row == 0 else f"{low:.3g}" if row == plot_h - 1 else ""
            segments = [Segment(label.rjust(LABEL_WIDTH - 1)[: LABEL_WIDTH - 1] + "│", AXIS)]
            segments += _runs(cells)
            lines.append(Strip(segments, width))
        n = max(len(train), len(test))
        axis = f"1{'epoch'.center(plot_w - 1 - len(str(n)))}{n}" if n > 1 else "1"
        lines.append(Strip([Segment(" " * LABEL_WIDTH + axis, AXIS)], width))
        return lines


def _runs(cells: list[list[int]]) -> list[Segment]:
    """One segment per run of cells drawn in the same colour (fewer segments: cheaper to refresh)."""
    styled = [(BOTH if a and b else TRAIN if a else TEST if b else None, chr(0x2800 + (a | b))) for a, b in cells]
    return [
        Segment("".join(c for _, c in run), style) for style, run in itertools.groupby(styled, key=lambda sc: sc[0])
    ]


def _dots(values: list[float], low: float, high: float, width: int, height: int) -> list[tuple[int, int]]:
    """Dot coordinates of the polyline through ``values`` (x: epoch, y: 0 at ``high``)."""
    span = high - low or 1.0
    points = [
        (round(i * (width - 1) / max(len(values) - 1, 1)), round((high - v) / span * (height - 1)))
        for i, v in enumerate(values)
        if math.isfinite(v)
    ]
    dots = points[:1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        dots += [(round(x0 + (x1 - x0) * s / steps), round(y0 + (y1 - y0) * s / steps)) for s in range(1, steps + 1)]
    return dots
