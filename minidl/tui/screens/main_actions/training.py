"""Start, pause and step training, and keep the pace: the main screen's training worker and its messages.

The worker thread runs ``run_training`` and talks back only through :mod:`minidl.tui.messages` (copies of
metrics, of the boundary grid and of the inside views' probe, at most about ten a second). Every message
carries the generation of the trainer it came from, so a report from before a rebuild is dropped.
"""

from __future__ import annotations

import contextlib
import threading

from textual import work
from textual.worker import Worker, WorkerCancelled, WorkerFailed, get_current_worker

from minidl.tui.explain import explain
from minidl.tui.guard import guarded
from minidl.tui.messages import Progress, TrainingStopped
from minidl.tui.training import PACES, Outcome, pace_label, run_training
from minidl.tui.widgets.heatmap import Heatmap


class TrainingControl:
    """Space starts or pauses, n steps one epoch, -/+ set the pace; ``pause_and_wait`` before replacing the trainer."""

    _pause: threading.Event  # asked to stop after the current epoch (and to stop waiting for the pace)
    _idle: threading.Event  # set while no training thread touches the session
    _worker: Worker[None] | None
    _pace: int  # index into PACES

    def _init_training(self) -> None:
        self._pause, self._idle = threading.Event(), threading.Event()
        self._idle.set()
        self._worker = None
        self._pace = PACES.index(self.config.pace)  # kept for the session: opening, undo and reset leave it

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
        if self.running:  # "one epoch, then stop": the stop is what is left to do (the Playground's step pauses too)
            self.action_toggle_training()
        else:
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

    def pause_blocking(self, seconds: float) -> None:
        """Ask the worker to stop and wait up to ``seconds`` for it, where awaiting is impossible (a rescue)."""
        self._pause.set()
        self._idle.wait(seconds)

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
        if message.generation != self._generation or not self._idle.is_set():  # a worker started since: its own
            return  # stop will come (saving restarts the one it paused)
        trainer = self.session.trainer
        if message.reason == "failed":
            self._set_state("failed")
            self._say(message.message, error=True, title="Training stopped")
        else:
            self._set_state("done" if trainer is not None and trainer.done else "paused")
            if self._status_source == "pause":
                self._say(f"paused after epoch {len(self.history)}")
        # the worker drew its grids at the size the map had when it started; the map may have been
        # resized since (the first layout of a large terminal, say): redraw from the final weights
        self._grid = self._boundary(self.query_one(Heatmap).side)
        self.inside.took(self._probe_now())
        self._refresh_view()

    @guarded
    def action_pace(self, step: int) -> None:
        """Step through the speed settings (PACES); a running worker takes the new pace before its next epoch."""
        self._pace = min(max(self._pace + step, 0), len(PACES) - 1)
        self._refresh_view()

    @property
    def pace(self) -> str:
        """The chosen speed as the status area shows it."""
        return pace_label(PACES[self._pace])

    def _period(self) -> float:
        """Seconds from one epoch's start to the next at the chosen pace (0: no wait); read by the worker."""
        rate = PACES[self._pace]
        return 0.0 if rate is None else 1.0 / rate
