"""Ask before doing something that cannot be taken back: a question and a few answers as buttons.

Each answer's first letter chooses it too (``r`` Replace, ``c`` Cancel); escape is always "no answer".
The caller says which button has focus, so Enter on a dangerous question keeps the safe answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from minidl.tui.screens.dialog import Dialog


class Choice(Dialog[str | None]):
    """Dismisses with the chosen answer's key, or None on escape; ``answers`` are ``(key, label)`` pairs."""

    BINDINGS = [
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, title: str, text: str, answers: Sequence[tuple[str, str]], focus: str | None = None) -> None:
        super().__init__()
        self.title_text, self.text, self.answers = title, text, list(answers)
        self.focus_key = focus or self.answers[0][0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.text, markup=False)
            with Horizontal(classes="buttons"):
                for i, (key, label) in enumerate(self.answers):
                    yield Button(label, id=f"answer-{key}", variant="primary" if i == 0 else "default", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#answer-{self.focus_key}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.answer((event.button.id or "").removeprefix("answer-"))

    def on_key(self, event: events.Key) -> None:
        letter = (event.character or "").lower()
        for key, label in self.answers:
            if letter and label[:1].lower() == letter:
                event.stop()
                self.answer(key)
                return
