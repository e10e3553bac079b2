"""Every app action, once: its key for the footer and its entry in the command palette.

Keys act on what has focus: the layer commands are bound by the network list and the inside commands
by the Inside tab's panel (they act only while it has focus), the rest by the main screen. The palette
lists them all and runs them on the main screen.
"""

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


LAYER_COMMANDS = (
    Command("a", "add_layer", "Add", "Add a layer", "Add any installed module after the selected layer"),
    Command(
        "delete", "remove_layer", "Remove", "Remove the selected layer", "Delete the selected layer (ctrl+z undoes)"
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
)

INSIDE_COMMANDS = (
    Command(
        "up", "inside_layer(-1)", "Layer", "Inside: previous layer", "Show the units of the layer above", show=False
    ),
    Command("down", "inside_layer(1)", "Layer", "Inside: next layer", "Show the units of the layer below", show=False),
    Command("left", "inside_unit(-1)", "Unit", "Inside: previous unit", "Enlarge the previous unit", show=False),
    Command("right", "inside_unit(1)", "Unit", "Inside: next unit", "Enlarge the next unit", show=False),
    Command(
        "pageup,left_square_bracket",
        "inside_page(-1)",
        "Page",
        "Inside: previous page of units",
        "Show the previous page of unit maps ([ or page up)",
        show=False,
    ),
    Command(
        "pagedown,right_square_bracket",
        "inside_page(1)",
        "Page",
        "Inside: next page of units",
        "Show the next page of unit maps (] or page down)",
        show=False,
    ),
)

SCREEN_COMMANDS = (
    Command(
        "space",
        "toggle_training",
        "Start/Pause",
        "Start or pause training",
        "Pause takes effect after the current epoch",
    ),
    Command("n", "step_epoch", "Epoch", "Train one epoch", "Train exactly one epoch, then stop"),
    Command("r", "reset", "Reset", "Reset the weights", "Fresh weights from the seed, history cleared (ctrl+z undoes)"),
    Command(
        "ctrl+z",
        "undo",
        "Undo",
        "Undo",
        "Put back the network, weights and setup as they were before the last change",
        show=False,
    ),
    Command("ctrl+y", "redo", "Redo", "Redo", "Make the change that was undone again", show=False),
    Command(
        "t",
        "toggle_points",
        "Points",
        "Switch the points drawn",
        "Train points, test points or none on the boundary",
        show=False,
    ),
    Command("1", "show_tab('network-tab')", "Network", "Network tab", "Show and focus the layers", show=False),
    Command("2", "show_tab('training-tab')", "Training", "Training tab", "Show and focus the setup", show=False),
    Command("3", "show_tab('plugins-tab')", "Plugins", "Plugins tab", "Every plugin and its status", show=False),
    Command(
        "4",
        "show_tab('inside-tab')",
        "Inside",
        "Inside the network",
        "Each unit's map, the weights and the gradient norms of every layer",
        show=False,
    ),
    Command("minus", "pace(-1)", "Slower", "Train slower", "Fewer epochs per second (1, 2, 5, 10, 30)", show=False),
    Command(
        "plus,equals_sign",
        "pace(1)",
        "Faster",
        "Train faster",
        "More epochs per second, up to as fast as possible",
        show=False,
    ),
    Command("l", "toggle_log_scale", "Log", "Loss chart: log or linear scale", "Switch the loss axis", show=False),
    Command("ctrl+s", "save", "Save", "Save", "Save the model, or a checkpoint that resumes exactly"),
    Command("ctrl+o", "open", "Open", "Open", "Open a saved model, checkpoint or spec"),
    Command("ctrl+q", "app.quit", "Quit", "Quit", "Quit minidl-tui (asks first when work is unsaved)"),
)

COMMANDS = SCREEN_COMMANDS + LAYER_COMMANDS + INSIDE_COMMANDS
PRIORITY_KEYS = ("ctrl+s", "ctrl+o", "ctrl+q")  # work even while a text field has focus

BINDINGS = [Binding(c.key, c.action, c.short, show=c.show, priority=c.key in PRIORITY_KEYS) for c in SCREEN_COMMANDS]


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
