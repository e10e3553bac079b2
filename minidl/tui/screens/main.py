"""The main screen: edit the network and training setup on the left, watch it learn on the right.

This screen owns the :class:`Session` and the training worker. The worker thread runs
``run_training`` and talks back only through :mod:`minidl.tui.messages` (copies of metrics, of the
boundary grid and of the inside views' probe, at most about ten a second). Edits that need fresh
weights pause the worker, wait for it, and rebuild; every message carries the generation of the
trainer it came from, so a report from before a rebuild is dropped.

Nothing the user made is lost here: every change that replaces the trainer (a layer edit, a reset,
a setup change that rebuilds, an opened file) is recorded first and can be undone with its weights
and history; every entry point is ``@guarded``, so a failure is shown and the app goes on.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import torch
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, ListView, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerCancelled, WorkerFailed, get_current_worker

from minidl.components.modules.input_features import FEATURES
from minidl.core.errors import MinidlError
from minidl.tui import recovery
from minidl.tui.boundary import sample_points, view_box
from minidl.tui.commands import BINDINGS
from minidl.tui.config import TuiConfig
from minidl.tui.explain import could_not_open, explain
from minidl.tui.feature_column import features_of, with_features
from minidl.tui.guard import guarded
from minidl.tui.inside_state import InsideState
from minidl.tui.messages import Progress, TrainingStopped
from minidl.tui.naming import layer_label, short_name
from minidl.tui.probes import Probe
from minidl.tui.screens.choice import Choice
from minidl.tui.screens.file_dialog import FileDialog
from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.screens.layer_picker import LayerPicker
from minidl.tui.session import Session, Snapshot
from minidl.tui.training import PACES, Outcome, boundary_grid, inside_probe, pace_label, run_training
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
from minidl.workflow.spec import copy_spec
from minidl.workflow.trainer import EpochMetrics, Trainer

POINT_MODES = {"train": "train points", "test": "test points", "none": "no points"}
MAX_POINTS = 5000
INSIDE_HINT = "↑/↓ layer · ←/→ unit · [ ] page\nclick to choose · l log scale"
TAB_FOCUS = {"network-tab": "#layers", "training-tab": "#setup", "plugins-tab": "#plugins", "inside-tab": "#inside"}
STOP_WAIT_SECONDS = 10.0  # how long a rescue waits for the current epoch before saving anyway

Moment = tuple[Snapshot, str]  # what undo puts back: the session's spec and trainer, and the save path
Saved = tuple[dict[str, Any], Trainer | None, int]  # the spec, trainer and epoch last saved or opened


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
        self.undo_history: UndoHistory[Moment] = UndoHistory()
        self.recovered_from: Path | None = None  # deleted once its network is saved elsewhere
        self._notice = notice
        self._grid: torch.Tensor | None = None
        self._points: dict[str, list[tuple[float, float, int]]] = {}
        self._points_mode = "train"
        self._generation = 0
        self._pause = threading.Event()
        self._idle = threading.Event()  # set while no training thread touches the session
        self._idle.set()
        self._worker: Worker[None] | None = None
        self._status_source = ""  # the section whose error the status line shows, '' for a note
        self._pace = len(PACES) - 1  # index into PACES: as fast as possible
        self.inside = InsideState()
        self._saved: Saved | None = self._mark()

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
        text = explain(error)
        self._say(text, error=True)
        self.notify(text, title="That did not work; the app goes on", severity="error", timeout=10, markup=False)

    # -- training ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._worker is not None and not self._worker.is_finished

    @guarded
    def action_toggle_training(self) -> None:
        if self.running:
            self._pause.set()
            self._say("pausing after this epoch...", source="pause")
        else:
            self._start(None)

    @guarded
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
        self._idle.clear()
        self._set_state("running")
        self._say("")  # notes about earlier changes are stale once training moves on
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
        try:
            outcome = run_training(
                self.session,
                epochs=epochs,
                should_stop=lambda: worker.is_cancelled or self._pause.is_set(),
                report=lambda metrics, grid, probe: self.post_message(Progress(generation, metrics, grid, probe)),
                interval=self.config.refresh_interval,
                grid_side=side,
                probe_layer=lambda: self.inside.requested,
                period=self._period,
                wait=self._pause.wait,  # returns at once when a pause is asked for
            )
        except Exception as error:  # run_training reports the trainer's failures; this is for its own
            outcome = Outcome("failed", explain(error))
        finally:
            self._idle.set()
        self.post_message(TrainingStopped(generation, outcome.reason, outcome.message))

    async def pause_and_wait(self) -> None:
        """Stop the worker after its current epoch and wait for it (before rebuilding, saving or opening)."""
        if self._worker is None:
            return
        self._pause.set()
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await self._worker.wait()

    @guarded
    def on_progress(self, message: Progress) -> None:
        if message.generation != self._generation:
            return
        self.history.extend(message.metrics)
        if message.grid is not None:
            self._grid = message.grid
        self.inside.took(message.probe)
        self._refresh_view()

    @guarded
    def on_training_stopped(self, message: TrainingStopped) -> None:
        if message.generation != self._generation:
            return
        trainer = self.session.trainer
        if message.reason == "failed":
            self._set_state("failed")
            self._say(message.message, error=True)
            self.notify(message.message, title="Training stopped", severity="error", timeout=10, markup=False)
        else:
            self._set_state("done" if trainer is not None and trainer.done else "paused")
            if self._status_source == "pause":
                self._say(f"paused after epoch {len(self.history)}")
        # the worker drew its grids at the size the map had when it started; the map may have been
        # resized since (the first layout of a large terminal, say): redraw from the final weights
        self._grid = self._boundary(self.query_one(Heatmap).side)
        self.inside.took(self._probe_now())
        self._refresh_view()

    # -- changes that replace the trainer, and undoing them -------------------------------------------
    def _record(self, label: str) -> None:
        """Keep the current spec, trainer and save path, so the change ``label`` about to happen can be undone."""
        self.undo_history.record(label, (self.session.snapshot(), self.path))

    @guarded
    async def action_reset(self) -> None:
        await self.pause_and_wait()
        self._record("weights reset")
        self.session.rebuild()
        self._after_rebuild("new weights, history cleared (ctrl+z undoes)")

    @guarded
    async def action_undo(self) -> None:
        await self._travel(undo=True)

    @guarded
    async def action_redo(self) -> None:
        await self._travel(undo=False)

    async def _travel(self, undo: bool) -> None:
        await self.pause_and_wait()
        current = (self.session.snapshot(), self.path)
        found = self.undo_history.undo(current) if undo else self.undo_history.redo(current)
        if found is None:
            self._say(f"nothing to {'undo' if undo else 'redo'}")
            return
        label, (snapshot, path) = found
        self.session.restore(snapshot)
        self.path, self.invalid = path, {}
        await self._show_session(self.query_one(NetworkEditor).index)
        again = "ctrl+y redoes" if undo else "ctrl+z undoes"
        self._after_rebuild(f"{'undone' if undo else 'redone'}: {label} ({again})")

    async def _show_session(self, index: int = 0) -> None:
        """Show the session's network and setup in the editor (after it was replaced as a whole)."""
        await self.query_one(NetworkEditor).show(self.session.value("layers"), index)
        await self.query_one(TrainingSetup).load(self.session.spec)

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

    async def _apply(self, section: str, value: Any, label: str = "") -> None:
        """Put an edit into the spec: live when it can be, else record, pause, rebuild and say so."""
        before = self.session.snapshot()
        try:
            live = self.session.change(section, value)
        except MinidlError as error:
            self.invalid[section] = {section: str(error)}
            self._say(str(error), error=True, source=section)
            return
        if live:
            if not self.running:
                self.session.apply_pending()
                self._refresh_view()
            return
        label = label or f"{section} changed"
        self.undo_history.record(label, (before, self.path))
        await self.pause_and_wait()
        self.session.rebuild()
        self._after_rebuild(f"{label}: new weights, history cleared (ctrl+z undoes)")

    @on(TrainingSetup.Changed)
    @guarded
    async def _setup_changed(self, event: TrainingSetup.Changed) -> None:
        if event.errors:
            self.invalid[event.section] = event.errors
            self._say(next(iter(event.errors.values())), error=True, source=event.section)
            return
        self.invalid.pop(event.section, None)
        if self._status_source == event.section:  # the error on screen was this one's: it is fixed
            remaining = [next(iter(errors.values())) for errors in self.invalid.values()]
            self._say(remaining[0] if remaining else "", error=bool(remaining))
        await self._apply(event.section, event.value)

    # -- the network ---------------------------------------------------------------------------------
    def _layers(self) -> list[dict[str, Any]]:
        return [dict(ref) for ref in self.session.value("layers")]

    async def _set_layers(self, layers: list[dict[str, Any]], index: int, label: str) -> None:
        if not layers:
            self._say("a network needs at least one layer", error=True)
            return
        await self._apply("layers", layers, label)
        await self.query_one(NetworkEditor).show(self.session.value("layers"), index)

    def _show_network(self) -> None:
        """Layer commands from the palette act on the Network tab's selection: show it."""
        self.query_one("#editor", TabbedContent).active = "network-tab"

    @on(FeatureToggles.Changed)
    @guarded
    async def _features_toggled(self, event: FeatureToggles.Changed) -> None:
        """The feature column edits the first layer (undoable like every network edit)."""
        try:
            layers = with_features(self._layers(), event.switches)
        except MinidlError as error:
            self.query_one(FeatureToggles).show(features_of(self._layers()))
            self._say(str(error), error=True)
            return
        on = ", ".join(f.label for f in FEATURES if event.switches.get(f.name))
        await self._set_layers(layers, self.query_one(NetworkEditor).index, f"input features {on}")

    @guarded
    def action_add_layer(self) -> None:
        self._show_network()
        index = self.query_one(NetworkEditor).index + 1
        after = self._layers()[index - 1]
        where = f"The new layer goes in place {index}, after {index - 1} {layer_label(after)}."
        self.app.push_screen(LayerPicker(where), lambda name: self._layer_picked(index, name))

    @guarded
    def _layer_picked(self, index: int, name: str | None) -> None:
        if name is not None:
            form = LayerForm(name, {}, f"new layer {index}")
            self.app.push_screen(form, lambda ref: self._insert_layer(index, ref))

    @guarded
    async def _insert_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            layers.insert(min(index, len(layers)), ref)
            await self._set_layers(layers, index, f"{layer_label(ref)} added as layer {index}")

    @guarded
    async def action_remove_layer(self) -> None:
        self._show_network()
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        if layers:
            removed = layers.pop(index)
            await self._set_layers(layers, index, f"layer {index} {layer_label(removed)} removed")

    @guarded
    async def action_move_layer(self, step: int) -> None:
        self._show_network()
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        target = index + step
        if 0 <= target < len(layers):
            layers[index], layers[target] = layers[target], layers[index]
            await self._set_layers(layers, target, f"{layer_label(layers[target])} moved to layer {target}")

    @on(NetworkEditor.Edit)
    @guarded
    def _edit_layer(self, event: NetworkEditor.Edit) -> None:
        ref = self.session.value("layers")[event.index]
        form = LayerForm(ref["component"], ref["config"], f"layer {event.index}")
        self.app.push_screen(form, lambda new: self._replace_layer(event.index, new))

    @guarded
    async def _replace_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            old, layers[index] = layers[index], ref
            await self._set_layers(layers, index, f"layer {index} {layer_label(old)} edited")

    # -- files ---------------------------------------------------------------------------------------
    def _mark(self) -> Saved:
        trainer = self.session.trainer
        return (copy_spec(self.session.spec), trainer, 0 if trainer is None else trainer.epoch)

    @property
    def unsaved(self) -> bool:
        """True when quitting now would lose a change or a trained epoch that no file holds."""
        if self._saved is None:
            return True
        spec, trainer, epoch = self._saved
        current = self.session.trainer
        trained = current is not None and current.epoch > 0 and (current is not trainer or current.epoch != epoch)
        return trained or self.session.spec != spec

    @guarded
    def action_save(self) -> None:
        self.app.push_screen(FileDialog(True, self.path), self._save)

    @guarded
    async def _save(self, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        path, kind = answer
        await self.pause_and_wait()
        try:
            self.session.save(path, kind)  # type: ignore[arg-type]
        except (MinidlError, OSError) as error:
            self._say(f"could not save {path}: {explain(error)}", error=True)
            return
        self.path, self._saved = path, self._mark()
        self._say(f"saved {kind} to {path}")
        if self.recovered_from is not None and Path(path).resolve() != self.recovered_from.resolve():
            self.recovered_from.unlink(missing_ok=True)  # its network now lives in the user's own file
            self.recovered_from = None

    @guarded
    def action_open(self) -> None:
        self.app.push_screen(FileDialog(False, self.path), self._open)

    @guarded
    async def _open(self, answer: tuple[str, str] | None) -> None:
        if answer is not None:
            await self.pause_and_wait()
            await self.open_path(answer[0])

    async def open_path(self, path: str) -> bool:
        """Replace the session by the file's (undoable); on failure keep the current one and say why."""
        try:
            session = Session.open(path, self.session.runtime)
        except (MinidlError, OSError) as error:
            self._say(could_not_open(path, error), error=True)
            return False
        self._record(f"{Path(path).name} opened")
        self.session, self.path, self.invalid = session, save_path_for(path), {}
        self._saved = self._mark()
        await self._show_session()
        self._after_rebuild(f"opened {path}")
        return True

    # -- quitting and rescuing -------------------------------------------------------------------------
    @guarded
    def ask_to_quit(self) -> None:
        """Quit now when nothing would be lost, else ask first."""
        if not self.unsaved:
            self.app.exit()
            return
        question = Choice(
            "Quit without saving?",
            "This network (or its training since the last save) is in no file yet: ctrl+s saves it.",
            [("quit", "Quit without saving"), ("cancel", "Cancel")],
            focus="cancel",
        )
        self.app.push_screen(question, lambda answer: self.app.exit() if answer == "quit" else None)

    def write_recovery(self) -> Path:
        """Save the session to a new recovery file (waiting briefly for the current epoch); raises on failure."""
        self._pause.set()
        self._idle.wait(STOP_WAIT_SECONDS)
        return recovery.write(self.session, self.config.recovery_folder or recovery.default_folder())

    @guarded
    def offer_recovery(self) -> None:
        """At start: a network rescued from an earlier session that stopped is offered back."""
        path = recovery.newest(self.config.recovery_folder or recovery.default_folder())
        if path is None:
            return
        question = Choice(
            "Recovered work",
            f"An earlier minidl-tui session stopped unexpectedly and kept its network in {path}. Open it now? "
            "(Later keeps the file; minidl-tui --recover opens it too.)",
            [("open", "Open it"), ("later", "Later"), ("discard", "Discard it")],
        )
        self.app.push_screen(question, lambda answer: self._recovery_answer(path, answer))

    @guarded
    async def _recovery_answer(self, path: Path, answer: str | None) -> None:
        if answer == "open":
            await self.open_recovered(path)
        elif answer == "discard":
            path.unlink(missing_ok=True)
            self._say(f"discarded {path}")

    async def open_recovered(self, path: Path) -> None:
        """Open a recovery file; it is kept until its network is saved somewhere else."""
        if await self.open_path(str(path)):
            self.mark_recovered(path)

    def mark_recovered(self, path: Path) -> None:
        """The session came from the recovery file ``path``: unsaved until saved elsewhere, then ``path`` goes."""
        self.recovered_from, self._saved = path, None
        self._say(f"recovered {path.name}: ctrl+s saves it where you want it")

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

    @on(TabbedContent.TabActivated)
    @guarded
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """The Inside tab takes the plots' place with the unit maps; other tabs give it back."""
        self.inside.shown = event.pane.id == "inside-tab"
        self.set_class(self.inside.shown, "-inside")
        if self.inside.shown and not self.running:
            self.inside.took(self._probe_now())
        self._refresh_view()

    @guarded
    def action_pace(self, step: int) -> None:
        """Step through the speed settings (PACES); a running worker takes the new pace before its next epoch."""
        self._pace = min(max(self._pace + step, 0), len(PACES) - 1)
        self._refresh_view()

    def _period(self) -> float:
        """Seconds from one epoch's start to the next at the chosen pace (0: no wait); read by the worker."""
        rate = PACES[self._pace]
        return 0.0 if rate is None else 1.0 / rate

    @guarded
    def action_toggle_log_scale(self) -> None:
        chart = self.query_one(LossChart)
        chart.log_scale = not chart.log_scale
        self._refresh_view()

    # -- inside the network --------------------------------------------------------------------------
    @guarded
    def action_inside_layer(self, step: int) -> None:
        self._choose_layer(self.inside.layer + step)

    @on(InsidePanel.Chosen)
    @guarded
    def _layer_clicked(self, event: InsidePanel.Chosen) -> None:
        self._choose_layer(event.layer)

    def _choose_layer(self, layer: int) -> None:
        """Show ``layer`` inside (the worker probes it from its next report on)."""
        self.inside.choose(layer, len(self.session.value("layers")))
        if not self.running:
            self.inside.took(self._probe_now())
        self._refresh_view()

    @guarded
    def action_inside_unit(self, step: int) -> None:
        self.query_one(UnitGrid).move(step)

    @guarded
    def action_inside_page(self, step: int) -> None:
        self.query_one(UnitGrid).page(step)

    def _probe_now(self) -> Probe | None:
        """The inside views' data from the UI thread (nothing trains), or None with the reason on screen."""
        try:
            return inside_probe(self.session, self.inside.requested)
        except Exception as error:  # a plugin layer's forward may raise anything
            self._say(f"cannot look inside: {explain(error)}", error=True)
            return None

    def _show_inside(self) -> None:
        refs, layer, shown = self.session.value("layers"), self.inside.layer, self.inside.current
        names = [short_name("module", ref["component"]) for ref in refs]
        self.query_one(InsidePanel).show(names, layer, self.inside.gradients, None if shown is None else shown.weights)
        units = self.query_one(UnitGrid)
        units.border_title = f"Inside: layer {layer} {layer_label(refs[layer])}" if refs else "Inside"
        trainer = self.session.trainer
        note = (
            f"cannot build this network: {self.session.error}"
            if trainer is None
            else "unit maps need 2 input features"
            if trainer.data.num_features != 2
            else "..."
        )
        units.show(None if shown is None else shown.units, note)

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

    def _say(self, text: str, error: bool = False, source: str = "") -> None:
        self._status_source = source
        self.query_one(Metrics).say(text, error)

    def _refresh_view(self) -> None:
        trainer = self.session.trainer
        last = self.history[-1] if self.history else None
        lr = None if trainer is None else (last.lr if self.running and last else trainer.optimizer.lr)
        pace = pace_label(PACES[self._pace])
        epochs = self.session.value("epochs")
        self.query_one(Metrics).show(last, len(self.history), epochs, lr, self.config.show_timing, pace)
        if self.inside.shown:
            self._show_inside()
        self.query_one(LossChart).show([m.train_loss for m in self.history], [m.test_loss for m in self.history])
        heatmap = self.query_one(Heatmap)
        heatmap.border_title = "Boundary"
        heatmap.border_subtitle = f"{POINT_MODES[self._points_mode]} (t)"
        note = "" if trainer is None or trainer.data.num_features == 2 else "the boundary needs 2 input features"
        heatmap.show(self._grid, self._points.get(self._points_mode, []), note)


def save_path_for(opened: str) -> str:
    """Where saving proposes to write after opening ``opened``: its name in the current folder.

    So an example opened from elsewhere (``specs/circle_trained.minidl``) is never the default target;
    a file in the current folder is, and saving over it still asks first.
    """
    return Path(opened).name
