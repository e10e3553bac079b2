"""The base of every dialog: it answers once, whatever arrives after its answer.

Keys are queued: a quick double Enter (or Enter and escape) reaches a dialog twice before it has
closed. Textual's ``dismiss`` then pops whatever screen is on top, another dialog or the main screen
itself, which ends the app. ``answer`` ignores every call once this dialog is no longer on top.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A modal screen that closes with ``answer(result)``; escape answers None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def answer(self, result: Result | None) -> None:
        """Close with ``result``, once; later calls (queued keys) do nothing."""
        if self.is_active:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.answer(None)
