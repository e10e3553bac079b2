"""The network as a list of layers: select one to edit (enter), add, remove or move it (screen actions).

The layer keys live here, not on the screen: they act only while the list has focus, so a key pressed
elsewhere (in a form, on another tab) never removes or moves the layer that happens to be highlighted.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, ListItem, ListView, Static

from minidl.tui.commands import LAYER_COMMANDS
from minidl.tui.naming import layer_label

HINT = "⏎ edit · a add · del remove\nshift+↑/↓ move · ^z undo · ^y redo\n1-4 tabs · -/+ speed · ^p all"


class NetworkEditor(Widget):
    """Shows ``layers`` (spec layer refs); posts :class:`NetworkEditor.Edit` when one is chosen."""

    BINDINGS = [Binding(c.key, f"screen.{c.action}", c.short, show=c.show) for c in LAYER_COMMANDS]

    class Edit(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, layers: list[dict[str, Any]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.refs = layers

    def compose(self) -> ComposeResult:
        yield ListView(*self._items(), initial_index=0, id="layers")
        yield Static(HINT, classes="hint", markup=False)

    def _items(self) -> list[ListItem]:
        return [ListItem(Label(f"{i:>2} {layer_label(ref)}", markup=False)) for i, ref in enumerate(self.refs)]

    @property
    def index(self) -> int:
        """The selected layer (0 when the list is empty)."""
        return self.query_one(ListView).index or 0

    async def show(self, layers: list[dict[str, Any]], index: int) -> None:
        """Replace the list and select ``index``."""
        self.refs = layers
        view = self.query_one(ListView)
        await view.clear()
        await view.extend(self._items())
        view.index = min(max(index, 0), len(layers) - 1) if layers else None

    @on(ListView.Selected)
    def _selected(self, event: ListView.Selected) -> None:
        event.stop()
        self.post_message(self.Edit(event.index))
