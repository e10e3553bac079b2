"""The main screen: edit the network and training setup on the left, watch it learn on the right.

This screen owns the :class:`Session` and the training worker. The worker thread runs
``run_training`` and talks back only through :mod:`minidl.tui.messages` (copies of metrics and of the
boundary grid, at most about ten a second). Edits that need fresh weights pause the worker, wait
for it, and rebuild; every message carries the generation of the trainer it came from, so a report
from before a rebuild is dropped.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, ListView, TabbedContent, TabPane
from textual.worker import Worker, WorkerCancelled, WorkerFailed, get_current_worker

from minidl.core.errors import MinidlError
from minidl.tui.boundary import sample_points, view_box
from minidl.tui.commands import BINDINGS
from minidl.tui.config import TuiConfig
from minidl.tui.messages import Progress, TrainingStopped
from minidl.tui.screens.file_dialog import FileDialog
from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.screens.layer_picker import LayerPicker
from minidl.tui.session import Session
from minidl.tui.training import boundary_grid, run_training
from minidl.tui.widgets.heatmap import Heatmap
from minidl.tui.widgets.loss_chart import LossChart
from minidl.tui.widgets.metrics import Metrics
from minidl.tui.widgets.network_editor import NetworkEditor
from minidl.tui.widgets.training_setup import TrainingSetup
from minidl.workflow.trainer import EpochMetrics

POINT_MODES = ("train", "test", "none")
MAX_POINTS = 5000


class MainScreen(Screen[None]):
    BINDINGS = BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, session: Session, config: TuiConfig, notice: str = "") -> None:
        super().__init__()
        self.session, self.config = session, config
        self.history: list[EpochMetrics] = []
        self.state = "ready"
        self.invalid: dict[str, dict[str, str]] = {}
        self.path = "model.minidl"
        self._notice = notice
        self._grid = None
        self._points: dict[str, list[tuple[float, float, int]]] = {}
        self._points_mode = "train"
        self._generation = 0
        self._pause = threading.Event()
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with TabbedContent(id="editor"):
                with TabPane("Network", id="network-tab"):
                    yield NetworkEditor(self.session.value("layers"), id="network")
                with TabPane("Training", id="training-tab"):
                    yield TrainingSetup(self.session.spec, id="setup")
            with Vertical(id="watch"):
                yield Metrics(id="metrics")
                with Horizontal(id="plots"):
                    yield Heatmap(id="heatmap")
                    yield LossChart(id="chart")
        yield Footer(compact=True, show_command_palette=False)  # ^p is in the editor's hint: 80 columns fit every key

    def on_mount(self) -> None:
        self.query_one("#metrics").border_title = "Training"
        chart = self.query_one("#chart")
        chart.border_title, chart.border_subtitle = "Loss", "[#5fafff]━ train[/] [#ffaf5f]━ test[/]"
        self.query_one(ListView).focus()
        self._after_rebuild()
        if self._notice:
            self._say(self._notice, error=True)

    # -- training ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._worker is not None and not self._worker.is_finished

    def action_toggle_training(self) -> None:
        if self.running:
            self._pause.set()
            self._say("pausing after this epoch...")
        else:
            self._start(None)

    def action_step_epoch(self) -> None:
        if not self.running:
            self._start(1)

    def _start(self, epochs: int | None) -> None:
        problem = self._problem()
        if problem:
            self._say(problem, error=True)
            return
        self.session.apply_pending()
        self._pause.clear()
        self._set_state("running")
        self._worker = self._train(epochs, self._generation, self.query_one(Heatmap).side)

    def _problem(self) -> str:
        """Why training cannot start now, or ''."""
        trainer = self.session.trainer
        if self.invalid:
            first = next(iter(next(iter(self.invalid.values())).values()))
            return f"fix the invalid values first ({len(self.invalid)} section(s)): {first}"
        if trainer is None:
            return f"cannot build this network: {self.session.error}"
        if trainer.diverged is not None:
            return f"{trainer.diverged}"
        if trainer.done:
            return f"all {trainer.epochs} epochs done: raise epochs (Training tab) to go on, or reset (r)"
        return ""

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _train(self, epochs: int | None, generation: int, side: int) -> None:
        worker = get_current_worker()
        outcome = run_training(
            self.session,
            epochs=epochs,
            should_stop=lambda: worker.is_cancelled or self._pause.is_set(),
            report=lambda metrics, grid: self.post_message(Progress(generation, metrics, grid)),
            interval=self.config.refresh_interval,
            grid_side=side,
        )
        self.post_message(TrainingStopped(generation, outcome.reason, outcome.message))

    async def pause_and_wait(self) -> None:
        """Stop the worker after its current epoch and wait for it (before rebuilding, saving or opening)."""
        if self._worker is None:
            return
        self._pause.set()
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await self._worker.wait()

    def on_progress(self, message: Progress) -> None:
        if message.generation != self._generation:
            return
        self.history.extend(message.metrics)
        if message.grid is not None:
            self._grid = message.grid
        self._refresh_view()

    def on_training_stopped(self, message: TrainingStopped) -> None:
        if message.generation != self._generation:
            return
        if message.reason == "failed":
            self._set_state("failed")
            self._say(message.message, error=True)
            self.notify(message.message, title="Training stopped", severity="error", timeout=10)
        else:
            trainer = self.session.trainer
            self._set_state("done" if trainer is not None and trainer.done else "paused")
        # the worker drew its grids at the size the map had when it started; the map may have been
        # resized since (the first layout of a large terminal, say): redraw from the final weights
        self._grid = boundary_grid(self.session, self.query_one(Heatmap).side)
        self._refresh_view()

    # -- rebuilding ----------------------------------------------------------------------------------
    async def action_reset(self) -> None:
        await self.pause_and_wait()
        self.session.rebuild()
        self._after_rebuild()

    def _after_rebuild(self, note: str = "") -> None:
        """Show the session's (new) trainer: its history, data points and boundary; nothing is running."""
        self._generation += 1
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
        self._grid = boundary_grid(self.session, self.query_one(Heatmap).side)
        if trainer is None:
            self._set_state("invalid")
            self._say(f"cannot build this network: {self.session.error}", error=True)
        else:
            self._set_state("done" if trainer.done else "ready")
            self._say(note)
        self._refresh_view()

    async def _apply(self, section: str, value: Any) -> None:
        """Put an edit into the spec: live when it can be, else pause, rebuild and say so."""
        try:
            live = self.session.change(section, value)
        except MinidlError as error:
            self.invalid[section] = {section: str(error)}
            self._say(str(error), error=True)
            return
        if live:
            if not self.running:
                self.session.apply_pending()
                self._refresh_view()
            return
        await self.pause_and_wait()
        self.session.rebuild()
        self._after_rebuild(f"{section} changed: new weights, history cleared")

    @on(TrainingSetup.Changed)
    async def _setup_changed(self, event: TrainingSetup.Changed) -> None:
        if event.errors:
            self.invalid[event.section] = event.errors
            self._say(next(iter(event.errors.values())), error=True)
            return
        self.invalid.pop(event.section, None)
        await self._apply(event.section, event.value)

    # -- the network ---------------------------------------------------------------------------------
    def _layers(self) -> list[dict[str, Any]]:
        return [dict(ref) for ref in self.session.value("layers")]

    async def _set_layers(self, layers: list[dict[str, Any]], index: int) -> None:
        if not layers:
            self._say("a network needs at least one layer", error=True)
            return
        await self._apply("layers", layers)
        await self.query_one(NetworkEditor).show(self.session.value("layers"), index)

    def action_add_layer(self) -> None:
        self.app.push_screen(LayerPicker(), self._layer_picked)

    def _layer_picked(self, name: str | None) -> None:
        if name is not None:
            index = self.query_one(NetworkEditor).index + 1
            self.app.push_screen(LayerForm(name, {}), lambda ref: self._insert_layer(index, ref))

    async def _insert_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            layers.insert(min(index, len(layers)), ref)
            await self._set_layers(layers, index)

    async def action_remove_layer(self) -> None:
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        if layers:
            del layers[index]
            await self._set_layers(layers, index)

    async def action_move_layer(self, step: int) -> None:
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        target = index + step
        if 0 <= target < len(layers):
            layers[index], layers[target] = layers[target], layers[index]
            await self._set_layers(layers, target)

    @on(NetworkEditor.Edit)
    def _edit_layer(self, event: NetworkEditor.Edit) -> None:
        ref = self.session.value("layers")[event.index]
        self.app.push_screen(
            LayerForm(ref["component"], ref["config"]), lambda new: self._replace_layer(event.index, new)
        )

    async def _replace_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            layers[index] = ref
            await self._set_layers(layers, index)

    # -- files ---------------------------------------------------------------------------------------
    def action_save(self) -> None:
        self.app.push_screen(FileDialog(True, self.path), self._save)

    async def _save(self, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        path, kind = answer
        await self.pause_and_wait()
        try:
            self.session.save(path, kind)  # type: ignore[arg-type]
        except (MinidlError, OSError) as error:
            self._say(f"could not save {path}: {error}", error=True)
            return
        self.path = path
        self._say(f"saved {kind} to {path}")

    def action_open(self) -> None:
        self.app.push_screen(FileDialog(False, self.path), self._open)

    async def _open(self, answer: tuple[str, str] | None) -> None:
        if answer is not None:
            await self.pause_and_wait()
            await self.open_path(answer[0])

    async def open_path(self, path: str) -> None:
        """Replace the session by the file's; on failure keep the current one and say why."""
        try:
            session = Session.open(path)
        except (MinidlError, OSError) as error:
            self._say(f"could not open {path}: {error}", error=True)
            return
        self.session, self.path, self.invalid = session, path, {}
        await self.query_one(NetworkEditor).show(session.value("layers"), 0)
        await self.query_one(TrainingSetup).load(session.spec)
        self._after_rebuild(f"opened {path}")

    # -- view ----------------------------------------------------------------------------------------
    def action_toggle_points(self) -> None:
        self._points_mode = POINT_MODES[(POINT_MODES.index(self._points_mode) + 1) % len(POINT_MODES)]
        self._refresh_view()

    def on_heatmap_resized(self, message: Heatmap.Resized) -> None:
        if not self.running:
            self._grid = boundary_grid(self.session, message.side)
            self._refresh_view()

    def _set_state(self, state: str) -> None:
        self.state = state
        self.query_one("#metrics").border_subtitle = state

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one(Metrics).say(text, error)

    def _refresh_view(self) -> None:
        trainer = self.session.trainer
        last = self.history[-1] if self.history else None
        lr = None if trainer is None else (last.lr if self.running and last else trainer.optimizer.lr)
        self.query_one(Metrics).show(last, len(self.history), self.session.value("epochs"), lr, self.config.show_timing)
        self.query_one(LossChart).show([m.train_loss for m in self.history], [m.test_loss for m in self.history])
        heatmap = self.query_one(Heatmap)
        heatmap.border_title = "Boundary"
        heatmap.border_subtitle = f"{self._points_mode} points (t)"
        note = "" if trainer is None or trainer.data.num_features == 2 else "the boundary needs 2 input features"
        heatmap.show(self._grid, self._points.get(self._points_mode, []), note)
