"""Where training stands: epoch and progress, train/test loss and error, learning rate, pace, state or error."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static

from minidl.workflow.trainer import EpochMetrics

STATUS_LINES = 3  # the stylesheet's max-height of #status


class Metrics(Widget):
    """``show(...)`` updates everything at once; ``say(text, error)`` sets the status line."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="epoch-row"):
            yield Label("", id="epoch")
            yield ProgressBar(total=1, show_eta=False, id="progress")
        yield Static("", id="numbers")
        yield Static("", id="status", markup=False)  # messages quote paths and plugin text: never markup

    def show(
        self, last: EpochMetrics | None, epoch: int, epochs: int, lr: float | None, show_timing: bool, pace: str = ""
    ) -> None:
        """``pace``: the speed setting as shown (``10 epochs/s``), '' for none."""
        self.query_one("#epoch", Label).update(f"epoch {epoch}/{epochs}", layout=False)  # fixed sizes: no relayout
        self.query_one(ProgressBar).update(total=epochs, progress=epoch)
        if last is None:
            lines = ["loss   train    -      test    -", "error  train    -      test    -"]
        else:
            lines = [
                f"loss   train {last.train_loss:7.4f}  test {last.test_loss:7.4f}",
                f"error  train {last.train_error:7.2%}  test {last.test_error:7.2%}",
            ]
        rate = "lr -" if lr is None else f"lr {lr:.3g}"
        timing = f"   {last.seconds * 1000:.0f} ms/epoch" if show_timing and last is not None else ""
        speed, keys = (f"   {pace}", " (-/+)") if pace else ("", "")
        width = self.content_region.width  # a line that does not fit wraps onto a line never shown: drop the least
        fits = [t for t in (timing + speed + keys, timing + speed, speed + keys) if width < 1 or len(rate + t) <= width]
        self.query_one("#numbers", Static).update("\n".join([*lines, rate + (fits or [speed])[0]]), layout=False)

    def say(self, text: str, error: bool = False) -> bool:
        """Replace the status line (plain text, never parsed as markup); False when its lines cut the text off."""
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "error")
        width = self.content_region.width
        return width < 1 or len(textwrap.wrap(text, width)) <= STATUS_LINES
