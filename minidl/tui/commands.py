"""Every app action, once: its key for the footer and its entry in the command palette."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class Command:
    key: str
    action: str
    title: str
    help: str
    show: bool = True


COMMANDS = (
    Command("space", "toggle_training", "Start/Pause", "Start training, or pause after the current epoch"),
    Command("n", "step_epoch", "Epoch", "Train exactly one epoch"),
    Command("r", "reset", "Reset", "Fresh weights from the seed; clears the history"),
    Command("a", "add_layer", "Add", "Add a layer after the selected one (any installed module)"),
    Command("delete", "remove_layer", "Remove", "Remove the selected layer"),
    Command("shift+up", "move_layer(-1)", "Move up", "Move the selected layer up", show=False),
    Command("shift+down", "move_layer(1)", "Move down", "Move the selected layer down", show=False),
    Command("t", "toggle_points", "Points", "Draw the train points, the test points or none on the boundary", show=False),
    Command("ctrl+s", "save", "Save", "Save the model or a full checkpoint"),
    Command("ctrl+o", "open", "Open", "Open a saved model, checkpoint or spec"),
    Command("ctrl+q", "quit", "Quit", "Quit minidl-tui"),
)

BINDINGS = [Binding(c.key, c.action, c.title, show=c.show, priority=c.key.startswith("ctrl+")) for c in COMMANDS]


class MinidlCommands(Provider):
    """The command palette's view of :data:`COMMANDS`."""

    async def discover(self) -> Hits:
        for command in COMMANDS:
            yield DiscoveryHit(command.title, partial(self.app.run_action, command.action), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in COMMANDS:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), partial(self.app.run_action, command.action), help=command.help)
