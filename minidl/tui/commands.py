"""Every app action, once: its key for the footer and its entry in the command palette."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class Command:
    """One action: ``short`` labels its key in the footer, ``title`` and ``help`` show in the palette."""

    key: str
    action: str
    short: str
    title: str
    help: str
    show: bool = True


COMMANDS = (
    Command(
        "space",
        "toggle_training",
        "Start/Pause",
        "Start or pause training",
        "Pause takes effect after the current epoch",
    ),
    Command("n", "step_epoch", "Epoch", "Train one epoch", "Train exactly one epoch, then stop"),
    Command("r", "reset", "Reset", "Reset the weights", "Fresh weights from the seed; clears the history"),
    Command("a", "add_layer", "Add", "Add a layer", "Add any installed module after the selected layer"),
    Command(
        "delete", "remove_layer", "Remove", "Remove the selected layer", "Delete the selected layer from the network"
    ),
    Command(
        "shift+up", "move_layer(-1)", "Up", "Move the layer up", "Move the selected layer one place up", show=False
    ),
    Command(
        "shift+down",
        "move_layer(1)",
        "Down",
        "Move the layer down",
        "Move the selected layer one place down",
        show=False,
    ),
    Command(
        "t",
        "toggle_points",
        "Points",
        "Switch the points drawn",
        "Train points, test points or none on the boundary",
        show=False,
    ),
    Command("ctrl+s", "save", "Save", "Save", "Save the model, or a checkpoint that resumes exactly"),
    Command("ctrl+o", "open", "Open", "Open", "Open a saved model, checkpoint or spec"),
    Command("ctrl+q", "app.quit", "Quit", "Quit", "Quit minidl-tui"),
)

BINDINGS = [Binding(c.key, c.action, c.short, show=c.show, priority=c.key.startswith("ctrl+")) for c in COMMANDS]


class MinidlCommands(Provider):
    """The command palette's view of :data:`COMMANDS`, run on the screen the palette was opened from."""

    async def discover(self) -> Hits:
        for command in COMMANDS:
            yield DiscoveryHit(
                command.title, partial(self.app.run_action, command.action, self.screen), help=command.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in COMMANDS:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self.app.run_action, command.action, self.screen),
                    help=command.help,
                )
