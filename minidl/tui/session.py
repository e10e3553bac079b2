"""The spec being edited and the trainer built from it: what the TUI shows, edits, trains and saves.

No Textual here. A change to the spec is either *live* (optimizer values, epochs, batch size: the
running trainer picks it up between epochs, weights kept) or needs a *rebuild* (architecture, data,
init, loss, seed, ...: fresh weights, history cleared). Live changes wait in a lock-guarded queue that
``apply_pending`` drains on the thread that owns the trainer at that moment: the training worker
between epochs, or the UI thread when nothing runs.

A rebuild replaces the trainer but never mutates the old one, so a :class:`Snapshot` (the spec and
the trainer as they were) is all it takes to undo it, weights and history included.
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
from minidl.workflow.spec import build_trainer, copy_spec, normalize
from minidl.workflow.trainer import Trainer

SaveKind = Literal["model", "checkpoint", "spec"]
LIVE_TRAINING_KEYS = ("epochs", "batch_size")
MODEL_SECTIONS = ("layers", "init", "dtype")
TRAINING_SECTIONS = ("dataset", "loss", "optimizer", "scheduler", "epochs", "batch_size", "seed")


@dataclass(frozen=True)
class Snapshot:
    """A session's spec and trainer at one moment; the trainer object itself, not a copy (see the module doc)."""

    spec: dict[str, Any]
    trainer: Trainer | None
    error: str | None


class Session:
    """A normalised spec plus the Trainer built from it (``None`` with ``error`` set when it cannot be built)."""

    def __init__(self, spec: dict[str, Any], trainer: Trainer | None = None, model: Sequential | None = None) -> None:
        self.spec = normalize(spec)
        if self.spec["training"] is None:
            self.spec["training"] = normalize(default_spec())["training"]
        self.trainer = trainer
        self.error: str | None = None
        self._pending: dict[str, Any] = {}
        self._lock = threading.Lock()
        if trainer is None:
            self.rebuild(model)

    @classmethod
    def open(cls, path: str | Path) -> Session:
        """A session on a spec, a saved model (its weights, fresh training) or a checkpoint (resumes exactly).

        A file without a training setup gets the default recipe's. A network that loads but cannot
        train (its output does not fit the data, say) opens with ``error`` set, so it can be fixed.
        Raises MinidlError or OSError when the file cannot be read.
        """
        loaded = files.load(path)
        if loaded.trainer_state is None:
            return cls(loaded.spec, model=loaded.model)
        return cls(loaded.spec, loaded.make_trainer())

    def rebuild(self, model: Sequential | None = None) -> None:
        """A fresh Trainer for the spec (fresh weights unless ``model`` is given); records why it failed.

        Any exception counts: a plugin layer's constructor may raise anything, and an allocation may fail.
        """
        with self._lock:
            self._pending.clear()
        try:
            self.trainer, self.error = build_trainer(self.spec, model=model), None
        except Exception as error:
            self.trainer, self.error = None, explain(error)

    def snapshot(self) -> Snapshot:
        """What :meth:`restore` needs to put this moment back."""
        return Snapshot(copy_spec(self.spec), self.trainer, self.error)

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to ``snapshot``: its spec, and its trainer with the weights and history it had then."""
        with self._lock:
            self._pending.clear()
        self.spec, self.trainer, self.error = copy_spec(snapshot.spec), snapshot.trainer, snapshot.error

    def value(self, section: str) -> Any:
        """The spec's current value of one section (``layers``, ``optimizer``, ``epochs``, ...)."""
        return self.spec["model" if section in MODEL_SECTIONS else "training"][section]

    def change(self, section: str, value: Any) -> bool:
        """Put ``value`` into the spec; True when the trainer can take it live (or nothing changed), False when a
        rebuild is due.

        Raises MinidlError when the new spec is invalid (the spec is then unchanged).
        """
        spec = copy_spec(self.spec)
        spec["model" if section in MODEL_SECTIONS else "training"][section] = value
        spec = normalize(spec)
        old, new = self.value(section), spec["model" if section in MODEL_SECTIONS else "training"][section]
        if old == new:  # forms re-announce their values when shown again: nothing to rebuild (or undo)
            return True
        self.spec = spec
        if self.trainer is None:
            return False
        if section in LIVE_TRAINING_KEYS:
            self._queue(section, new)
            return True
        if section == "optimizer" and old["component"] == new["component"]:
            changed = {k: v for k, v in new["config"].items() if old["config"][k] != v}
            self._queue("optimizer", changed)
            return True
        return False

    def _queue(self, section: str, value: Any) -> None:
        with self._lock:
            if section == "optimizer":  # values changed one at a time accumulate until applied
                value = {**self._pending.get(section, {}), **value}
            self._pending[section] = value

    def apply_pending(self) -> None:
        """Apply queued live changes to the trainer; call only from the thread that owns the trainer now."""
        with self._lock:
            pending, self._pending = self._pending, {}
        trainer = self.trainer
        if trainer is None or not pending:
            return
        for section, value in pending.items():
            if section == "optimizer":
                trainer.optimizer.set_config(**value)
                if trainer.spec is not None:
                    trainer.spec["training"]["optimizer"]["config"].update(value)
            else:
                setattr(trainer, section, value)
                if trainer.spec is not None:
                    trainer.spec["training"][section] = value

    def save(self, path: str | Path, kind: SaveKind) -> None:
        """Write the model (weights, spec and training setup), a full checkpoint, or the spec alone; atomically.

        A spec needs no trainer, so even a network that cannot be built yet can be kept.
        """
        if kind == "spec":
            files.save_spec(self.spec, path)
        elif self.trainer is None:
            raise MinidlError(f"this network cannot be built ({self.error}): only its spec can be saved")
        elif kind == "checkpoint":
            self.trainer.save_checkpoint(path)
        else:
            files.save(self.trainer.model, path, training=self.spec["training"])
