"""The feature column: one toggle per input feature the built-in InputFeatures layer offers (x1 ... sin(x2))."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Static

from minidl.components.modules.input_features import FEATURES


class FeatureToggles(Widget):
    """``show(switches)`` sets the toggles quietly; a person's toggle posts :class:`FeatureToggles.Changed`."""

    class Changed(Message):
        def __init__(self, switches: dict[str, bool]) -> None:
            super().__init__()
            self.switches = switches

    def compose(self) -> ComposeResult:
        yield Static("input features", classes="dim")
        for feature in FEATURES:
            help = f"feed {feature.label} to the first layer (an InputFeatures layer does it)"
            label = feature.label.replace("(", " ").rstrip(")")  # sin x1: fits three to a row at 80 columns
            yield Checkbox(label, compact=True, name=feature.name, tooltip=help)

    @property
    def switches(self) -> dict[str, bool]:
        return {box.name or "": box.value for box in self.query(Checkbox)}

    def show(self, switches: dict[str, bool], enabled: bool = True) -> None:
        """Set every toggle to ``switches`` without announcing it; ``enabled=False`` greys them out."""
        with self.prevent(Checkbox.Changed):
            for box in self.query(Checkbox):
                box.value = switches.get(box.name or "", False)
                box.disabled = not enabled

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.switches))
