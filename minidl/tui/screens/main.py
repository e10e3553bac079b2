"""The main screen: edit the network and training setup on the left, watch it learn on the right.

This screen owns the :class:`Session`, lays out the widgets and keeps the view in step with the session;
its jobs live in :mod:`minidl.tui.screens.main_actions`, one mixin each: training (the worker, the pace),
spec edits, undo, files (save, open, quit, rescue) and the Inside tab. Edits that need fresh weights pause
the worker, wait for it, and rebuild (``_after_rebuild`` shows the new trainer).

Nothing the user made is lost here: every change that replaces the trainer (a layer edit, a reset,
a setup change that rebuilds, an opened file) is recorded first and can be undone with its weights
and history; every entry point is ``@guarded``, so a failure is shown and the app goes on.
"""

from __future__ import annotations

import torch
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, ListView, Static, TabbedContent, TabPane

from minidl.tui.boundary import sample_points, view_box
from minidl.tui.commands import BINDINGS
from minidl.tui.config import TuiConfig
from minidl.tui.explain import explain
from minidl.tui.feature_column import features_of
from minidl.tui.guard import guarded
from minidl.tui.inside_state import InsideState
from minidl.tui.screens.main_actions.edits import SpecEdits
from minidl.tui.screens.main_actions.files import FileActions
from minidl.tui.screens.main_actions.inside import InsideTab
from minidl.tui.screens.main_actions.training import TrainingControl
from minidl.tui.screens.main_actions.undo import Moment, UndoActions
from minidl.tui.session import Session
from minidl.tui.training import boundary_grid
from minidl.tui.undo import UndoHistory
from minidl.tui.widgets.feature_toggles import FeatureToggles
from minidl.tui.widgets.heatmap import Heatmap
from minidl.tui.widgets.inside_panel import InsidePanel
from minidl.tui.widgets.loss_chart import LossChart
from minidl.tui.widgets.metrics import Metrics
from minidl.tui.widgets.network_editor import NetworkEditor
from minidl.tui.widgets.plugins_view import PluginsView
from minidl.tui.widgets.training_setup import TrainingSetup
from minidl.tui.widgets.unit_grid import UnitGrid
from minidl.workflow.trainer import EpochMetrics

POINT_MODES = {"train": "train points", "test": "test points", "none": "no points"}
MAX_POINTS = 5000
INSIDE_HINT = "↑/↓ layer · ←/→ unit · [ ] page\nclick to choose"  # l would switch the hidden loss chart
TAB_FOCUS = {"network-tab": "#layers", "training-tab": "#setup", "plugins-tab": "#plugins", "inside-tab": "#inside"}


class MainScreen(TrainingControl, SpecEdits, UndoActions, FileActions, InsideTab, Screen[None]):
    BINDINGS = BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, session: Session, config: TuiConfig, notice: str = "") -> None:
        super().__init__()
        self.session, self.config = session, config
        self.history: list[EpochMetrics] = []
        self.state = "ready"
        self.invalid: dict[str, dict[str, str]] = {}
        self.undo_history: UndoHistory[Moment] = UndoHistory()
        self.inside = InsideState()
        self._notice = notice
        self._grid: torch.Tensor | None = None
        self._points: dict[str, list[tuple[float, float, int]]] = {}
        self._points_mode = "train"
        self._status_source = ""  # the section whose error the status line shows, '' for a note
        self._generation = 0  # counts the trainers shown: the worker's reports of an earlier one are dropped
        self._init_training()
        self._init_files()

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with TabbedContent(id="editor"):
                with TabPane("Network", id="network-tab"):
                    yield FeatureToggles(id="features")
                    yield NetworkEditor(self.session.value("layers"), id="network")
                with TabPane("Training", id="training-tab"):
                    yield TrainingSetup(self.session.spec, id="setup")
                with TabPane("Plugins", id="plugins-tab"):
                    yield PluginsView(id="plugins")
                with TabPane("Inside", id="inside-tab"):
                    yield InsidePanel(id="inside")
                    yield Static(INSIDE_HINT, classes="hint", markup=False)
            with Vertical(id="watch"):
                yield Metrics(id="metrics")
                with Horizontal(id="plots"):
                    yield Heatmap(id="heatmap")
                    yield LossChart(id="chart")
                yield UnitGrid(id="units")
        yield Footer(compact=True, show_command_palette=False)  # ^p is in the editor's hint: 80 columns fit every key

    def on_mount(self) -> None:
        placement = self.session.placement
        self.query_one("#metrics").border_title = f"Training on {placement}" if placement else "Training"
        self.query_one("#chart").border_subtitle = "[#5fafff]━ train[/] [#ffaf5f]━ test[/]"
        self.query_one(ListView).focus()
        self._after_rebuild()
        if self._notice:
            self._say(self._notice, error=True)

    # -- failures ------------------------------------------------------------------------------------
    def show_failure(self, error: BaseException) -> None:
        """An action failed: say why where the user looks, and go on (see :mod:`minidl.tui.guard`)."""
        self._say(explain(error), error=True, title="That did not work; the app goes on")

    # -- showing the session -----------------------------------------------------------------------------
    async def _show_session(self, index: int = 0) -> None:
        """Show the session's network and setup in the editor (after it was replaced as a whole)."""
        await self.query_one(NetworkEditor).show(self.session.value("layers"), index)
        await self.query_one(TrainingSetup).load(self.session.spec)

    def _after_rebuild(self, note: str = "") -> None:
        """Show the session's (new) trainer: its history, data points and boundary; nothing is running."""
        self._generation += 1
        self._edited = None  # whatever replaced the trainer, the next edit is an undo step of its own
        trainer = self.session.trainer
        self.history = list(trainer.history) if trainer is not None else []
        data = trainer.data if trainer is not None else None
        box = None if data is None else view_box(data.train_x)
        self._points = (
            {}
            if data is None
            else {
                "train": sample_points(data.train_x, data.train_y, MAX_POINTS, box),
                "test": sample_points(data.test_x, data.test_y, MAX_POINTS, box),
            }
        )
        self._grid = self._boundary(self.query_one(Heatmap).side)
        self.inside.restart(len(self.session.value("layers")))
        self.inside.took(self._probe_now())
        two_d = trainer is None or trainer.data.num_features == 2
        self.query_one(FeatureToggles).show(features_of(self._layers()), enabled=two_d)
        if trainer is None:
            self._set_state("invalid")
            self._say(f"cannot build this network: {self.session.error}", error=True)
        else:
            self._set_state("done" if trainer.done else "ready")
            self._say(note)
        self._refresh_view()

    # -- view ----------------------------------------------------------------------------------------
    @guarded
    def action_toggle_points(self) -> None:
        modes = list(POINT_MODES)
        self._points_mode = modes[(modes.index(self._points_mode) + 1) % len(modes)]
        self._refresh_view()

    @guarded
    def action_show_tab(self, tab: str) -> None:
        """Show a tab of the editor and put the focus in it."""
        self.query_one("#editor", TabbedContent).active = tab
        self.query_one(TAB_FOCUS[tab]).focus()

    @guarded
    def action_toggle_log_scale(self) -> None:
        chart = self.query_one(LossChart)
        chart.log_scale = not chart.log_scale
        self._refresh_view()

    @guarded
    def on_heatmap_resized(self, message: Heatmap.Resized) -> None:
        if not self.running:
            self._grid = self._boundary(message.side)
            self._refresh_view()

    def _boundary(self, side: int) -> torch.Tensor | None:
        """The decision boundary of the current weights, or None (with the reason on screen) if it cannot be drawn."""
        try:
            return boundary_grid(self.session, side)
        except Exception as error:  # a plugin layer's forward may raise anything
            self._say(f"cannot draw the boundary: {explain(error)}", error=True)
            return None

    def _set_state(self, state: str) -> None:
        self.state = state
        self.query_one("#metrics").border_subtitle = state

    def _say(self, text: str, error: bool = False, source: str = "", title: str = "") -> None:
        """Set the status line; with a ``title``, or when its lines cut ``text`` off, a notification shows it too."""
        self._status_source = source
        if not self.query_one(Metrics).say(text, error) or title:  # a small terminal: all of it, where it can be read
            self.notify(text, title=title, severity="error" if error else "information", timeout=15, markup=False)

    def _refresh_view(self) -> None:
        trainer = self.session.trainer
        last = self.history[-1] if self.history else None
        lr = None if trainer is None else (last.lr if self.running and last else trainer.optimizer.lr)
        epochs = self.session.value("epochs")
        self.query_one(Metrics).show(last, len(self.history), epochs, lr, self.config.show_timing, self.pace)
        if self.inside.shown:
            self._show_inside()
        self.query_one(LossChart).show([m.train_loss for m in self.history], [m.test_loss for m in self.history])
        heatmap = self.query_one(Heatmap)
        heatmap.border_title = "Boundary"
        heatmap.border_subtitle = f"{POINT_MODES[self._points_mode]} (t)"
        note = "" if trainer is None or trainer.data.num_features == 2 else "the boundary needs 2 input features"
        heatmap.show(self._grid, self._points.get(self._points_mode, []), note)
