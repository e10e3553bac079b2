"""The Inside tab: every layer with its gradient norm over time, and the chosen layer's incoming weights.

Gradient norms share one logarithmic scale across layers and time (the header gives its range), so a
layer whose gradients vanish sits at the bottom of its sparkline while the others move, and an
exploding one tops out; a norm of zero is ``·`` and a non-finite one ``!``. The weights are a signed
colour grid, a column per unit and a row per input (a unit's incoming weights read down its column),
each stretched by whole cells to fill the width (and at most twice that in height), or sampled when
the matrix is larger than the room.
"""

from __future__ import annotations

import math

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.strip import Strip

from minidl.tui.commands import INSIDE_COMMANDS
from minidl.tui.probes import GradientNorms, LayerWeights
from minidl.tui.widgets.drawing import DrawnWidget, half_blocks, resample, text_line
from minidl.tui.widgets.signed_colours import signed_style

BARS = "▁▂▃▄▅▆▇█"
DIM, SPARK, ALARM = Style(dim=True), Style(color=Color.parse("#5fafff")), Style(color=Color.parse("#ff5f5f"))
CHOSEN = Style(reverse=True)
NUMBER_WIDTH = 8


class InsidePanel(DrawnWidget, can_focus=True):
    """``show(layers, history, weights)`` replaces what is drawn; ``chosen`` is the chosen layer."""

    BINDINGS = [Binding(c.key, f"screen.{c.action}", c.short, show=c.show) for c in INSIDE_COMMANDS]

    class Chosen(Message):
        """A layer was clicked."""

        def __init__(self, layer: int) -> None:
            super().__init__()
            self.layer = layer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: list[str] = []
        self.chosen = 0
        self._history: list[GradientNorms] = []
        self._weights: LayerWeights | None = None

    def show(self, layers: list[str], layer: int, history: list[GradientNorms], weights: LayerWeights | None) -> None:
        self.labels, self.chosen, self._history, self._weights = layers, layer, history, weights
        self.redraw()

    def on_click(self, event: Click) -> None:
        row = event.y - self.gutter.top - 1
        if 0 <= row < len(self.labels):
            self.post_message(self.Chosen(row))

    def draw(self) -> list[Strip]:
        width, height = self.content_size
        if not self.labels:
            return self.centred_text("no layers")
        name_width = min(max(len(label) for label in self.labels) + 4, width // 2)
        spark_width = max(width - name_width - NUMBER_WIDTH - 1, 0)
        series = [self._series(i, spark_width) for i in range(len(self.labels))]
        low, high = _log_range([v for values in series for v in values])
        scale = "" if low is None else f" {10**low:.0e}..{10**high:.0e}"
        lines = [text_line(f"{'layer':<{name_width}}|grad| log{scale}", width, DIM)]
        for i, (label, values) in enumerate(zip(self.labels, series)):
            name = f"{'▸' if i == self.chosen else ' '}{i:>2} {label}"[:name_width].ljust(name_width)
            last = _number(values[-1]) if values else "-"
            segments = [Segment(name, CHOSEN if i == self.chosen else None), *_sparkline(values, low, high)]
            segments.append(Segment(" " * (spark_width - len(values) + 1) + last.rjust(NUMBER_WIDTH)))
            lines.append(Strip(segments).crop_extend(0, width, None))
        lines.append(Strip.blank(width))
        lines += self._weight_lines(width, height - len(lines))
        return lines[:height]

    def _series(self, layer: int, count: int) -> list[float]:
        """The last ``count`` gradient norms of ``layer`` (none for a layer without parameters)."""
        values = [dict(zip(g.layers, g.norms)).get(layer) for g in self._history[-count:] if count]
        return [v for v in values if v is not None]

    def _weight_lines(self, width: int, height: int) -> list[Strip]:
        weights = self._weights
        if weights is None:
            return [text_line(f"layer {self.chosen}: no weights feed it", width, DIM)]
        units, inputs = weights.codes.shape
        titles = [
            f"weights into layer {weights.layer}, |w| <= {weights.scale:.2g}",
            f"{units} units >, {inputs} inputs v",
        ]
        pixel_rows = 2 * max(height - 2, 0)
        across = max(width // units, 1)  # cells per unit; an input's rows stay within twice that (no tall strips)
        pixel_width = units * across if units <= width else width
        pixel_height = inputs * max(min(pixel_rows // inputs, 2 * across), 1) if inputs <= pixel_rows else pixel_rows
        pixels = resample(weights.codes.t().tolist(), pixel_width, pixel_height + pixel_height % 2)
        grid = [Strip(cells).crop_extend(0, width, None) for cells in half_blocks(pixels, signed_style)]
        return [*(text_line(title, width, DIM) for title in titles), *grid]


def _log_range(values: list[float]) -> tuple[float | None, float]:
    """log10 of the smallest and largest positive finite value (None when there is none)."""
    logs = [math.log10(v) for v in values if math.isfinite(v) and v > 0]
    return (min(logs), max(logs)) if logs else (None, 0.0)


def _sparkline(values: list[float], low: float | None, high: float) -> list[Segment]:
    """One character per value on the shared log scale; zero ``·``, non-finite ``!`` (in red)."""
    segments = []
    for v in values:
        if not math.isfinite(v):
            segments.append(Segment("!", ALARM))
        elif v <= 0 or low is None:
            segments.append(Segment("·", DIM))
        else:
            level = (math.log10(v) - low) / (high - low) if high > low else 0.5
            segments.append(Segment(BARS[round(level * (len(BARS) - 1))], SPARK))
    return segments


def _number(value: float) -> str:
    return f"{value:.1e}" if math.isfinite(value) else str(value)
