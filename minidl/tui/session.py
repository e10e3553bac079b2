"""The spec being edited and the run built from it: what the TUI shows, edits, trains and saves.

No Textual here. A change to the spec is either *live* (what the run takes between epochs: optimizer
values, epochs, batch size; weights kept) or needs a *rebuild* (architecture, data, init, loss, seed,
...: a new run, fresh weights, history cleared). Live changes wait in a lock-guarded queue that
``apply_pending`` drains on the thread that owns the run at that moment: the training worker between
epochs, or the UI thread when nothing runs.

A rebuild replaces the run but never mutates the old one, so a :class:`Snapshot` (the spec and the
run as they were) is all it takes to undo it, weights and history included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import MinidlError
from minidl.tui.explain import explain
from minidl.workflow import files
from minidl.workflow.recipe import default_spec
from minidl.workflow.run import Run, Runtime
from minidl.workflow.spec import copy_spec, normalize
from minidl.workflow.trainer import Trainer

SaveKind = Literal["model", "checkpoint", "spec"]
MODEL_SECTIONS = ("layers", "init", "dtype")


@dataclass(frozen=True)
class Snapshot:
    """A session's spec and run at one moment; the run object itself, not a copy (see the module doc)."""

    spec: dict[str, Any]
    run: Run | None
    error: str | None


class Session:
    """A normalised spec plus the Run built from it (``None`` with ``error`` set when it cannot be built)."""

    def __init__(
        self,
        spec: dict[str, Any],
        run: Run | None = None,
        model: Sequential | None = None,
        *,
        runtime: Runtime | None = None,
    ) -> None:
        self.spec = normalize(spec)
        self.runtime = runtime or Runtime()
        """Where and how every run of this session computes (``minidl-tui --device/--precision``)."""
        if self.spec["training"] is None:
            self.spec["training"] = normalize(default_spec())["training"]
        self.run = run
        self.error: str | None = None
        self._pending: dict[str, Any] = {}
        self._lock = threading.Lock()
        if run is None:
            self.rebuild(model)

    @property
    def trainer(self) -> Trainer | None:
        """The run's Trainer, or None when the spec cannot be built (``error`` says why)."""
        return None if self.run is None else self.run.trainer

    @property
    def placement(self) -> str:
        """The device and precision, as the status area names them when they are not the CPU in float32."""
        device = self.runtime.device_for(None if self.run is None else self.run.model)
        precision = self.runtime.precision
        return "" if (device.type, precision) == ("cpu", "float32") else f"{device}, {precision}"

    @classmethod
    def open(cls, path: str | Path, runtime: Runtime | None = None) -> Session:
        """A session on a spec, a saved model (its weights, fresh training) or a checkpoint (resumes exactly).

        A file without a training setup gets the default recipe's. A network that loads but cannot
        train (its output does not fit the data, say) opens with ``error`` set, so it can be fixed.
        Raises MinidlError or OSError when the file cannot be read.
        """
        loaded = files.load(path)
        if loaded.state is None:
            return cls(loaded.spec, model=loaded.model, runtime=runtime)
        return cls(loaded.spec, Run.from_file(loaded, runtime), runtime=runtime)

    def rebuild(self, model: Sequential | None = None) -> None:
        """A fresh Run of the spec (fresh weights unless ``model`` is given); records why it failed.

        Any exception counts: a plugin layer's constructor may raise anything, and an allocation may fail.
        """
        with self._lock:
            self._pending.clear()
        try:
            self.run, self.error = Run(self.spec, model, runtime=self.runtime), None
        except Exception as error:
            self.run, self.error = None, explain(error)

    def snapshot(self) -> Snapshot:
        """What :meth:`restore` needs to put this moment back."""
        return Snapshot(copy_spec(self.spec), self.run, self.error)

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to ``snapshot``: its spec, and its run with the weights and history it had then."""
        with self._lock:
            self._pending.clear()
        self.spec, self.run, self.error = copy_spec(snapshot.spec), snapshot.run, snapshot.error

    def value(self, section: str) -> Any:
        """The spec's current value of one section (``layers``, ``optimizer``, ``epochs``, ...)."""
        return self.spec["model" if section in MODEL_SECTIONS else "training"][section]

    def change(self, section: str, value: Any) -> bool:
        """Put ``value`` into the spec; True when the run can take it live (or nothing changed), False when a
        rebuild is due.

        Raises MinidlError when the new spec is invalid, or sets fewer epochs than were trained (the spec is then
        unchanged).
        """
        spec = copy_spec(self.spec)
        spec["model" if section in MODEL_SECTIONS else "training"][section] = value
        spec = normalize(spec)
        old, new = self.value(section), spec["model" if section in MODEL_SECTIONS else "training"][section]
        if old == new:  # forms re-announce their values when shown again: nothing to rebuild (or undo)
            return True
        trained = 0 if self.trainer is None else self.trainer.epoch
        if section == "epochs" and new < trained:  # "2" on the way to "200" would end the run at once
            raise MinidlError(f"epochs: {new} is fewer than the {trained} already trained (r resets the weights)")
        self.spec = spec
        if self.run is None:
            return False
        if self.run.can_change(section, new):
            with self._lock:
                self._pending[section] = new
            return True
        return False

    def apply_pending(self) -> None:
        """Apply queued live changes to the run; call only from the thread that owns the trainer now."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if self.run is not None:
            for section, value in pending.items():
                self.run.change(section, value)

    def save(self, path: str | Path, kind: SaveKind) -> None:
        """Write the model (weights, spec and training setup), a full checkpoint, or the spec alone; atomically.

        A spec needs no run, so even a network that cannot be built yet can be kept.
        """
        if kind == "spec":
            files.save_spec(self.spec, path)
            return
        if self.run is None:
            raise MinidlError(f"this network cannot be built ({self.error}): only its spec can be saved")
        self.apply_pending()  # the file holds what the user sees
        if kind == "checkpoint":
            self.run.save_checkpoint(path)
        else:
            self.run.save(path)
