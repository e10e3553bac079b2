"""Ask for a file path (focused on open: type a path, press Enter); saving also asks model or checkpoint."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

SAVE_KINDS = (
    ("checkpoint", "checkpoint: weights and training state, resumes exactly"),
    ("model", "model: weights, spec and training setup"),
)


class FileDialog(ModalScreen[tuple[str, str] | None]):
    """Dismisses with ``(path, kind)``, kind ``open`` or one of :data:`SAVE_KINDS`; None on escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, saving: bool, path: str) -> None:
        super().__init__()
        self.saving = saving
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save" if self.saving else "Open a model, checkpoint or spec", classes="dialog-title")
            yield Input(self.path, placeholder="path/to/file", id="path")
            if self.saving:
                with RadioSet(id="kind", compact=True):
                    for i, (_, text) in enumerate(SAVE_KINDS):
                        yield RadioButton(text, value=i == 0, compact=True)
            yield Static("", id="problem", classes="error")
            yield Static("enter: " + ("save" if self.saving else "open") + " · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.query_one("#problem", Static).update("type a file path")
            return
        kind = "open"
        if self.saving:
            kind = SAVE_KINDS[max(self.query_one(RadioSet).pressed_index, 0)][0]
        self.dismiss((str(Path(path).expanduser()), kind))
