"""Spec, model and checkpoint files (``.minidl``): one msgpack document, safe to load from a stranger.

    minidl.save(model, "net.minidl", training=spec["training"])
    loaded = minidl.load("net.minidl")          # LoadedFile: kind, spec, model, producer, state
    run.save_checkpoint("run.minidl")           # a minidl.Run's spec, weights and training state
    run = minidl.resume("run.minidl")           # continues exactly

Rooms: ``document.py`` (the msgpack document and its header; ``stream.py`` reads payloads into tensor
memory), ``tensors.py``, ``model.py``, ``state.py`` (a checkpoint's training state); ``atomic.py`` and
``held_signals.py`` make writes atomic. specs/FORMAT.md describes the format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import SpecError
from minidl.workflow.devices import resolve_device
from minidl.workflow.files.checks import child
from minidl.workflow.files.document import EXTENSION, FORMAT_ID, FORMAT_VERSION, MAX_FILE_BYTES, read_document
from minidl.workflow.files.document import write_document as _write
from minidl.workflow.files.model import MAX_SPEC_MODEL_BYTES, load_model, model_spec, model_tensors, new_model
from minidl.workflow.files.state import TrainingState, decode_state, encode_state, restore_state
from minidl.workflow.files.tensors import read_table
from minidl.workflow.spec import normalize
from minidl.workflow.trainer import Trainer

__all__ = [
    "EXTENSION",
    "FORMAT_ID",
    "FORMAT_VERSION",
    "LoadedFile",
    "TrainingState",
    "load",
    "save",
    "save_checkpoint",
    "save_spec",
]


@dataclass(frozen=True)
class LoadedFile:
    """What a file holds: its kind (spec, model or checkpoint), normalised spec, model and training state.

    ``model`` is in evaluation mode, ready to predict (Dropout off, BatchNorm on its running statistics);
    ``minidl.Run.from_file(loaded)`` trains it further (a checkpoint exactly where it stopped).
    """

    kind: str
    spec: dict[str, Any]
    model: Sequential
    producer: dict[str, Any]
    state: TrainingState | None


def load(
    path: str | os.PathLike[str],
    *,
    device: str | torch.device | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_spec_model_bytes: int = MAX_SPEC_MODEL_BYTES,
) -> LoadedFile:
    """Read a ``.minidl`` file of any supported format version; raises SpecError naming the place if it is malformed.

    ``device`` (``cpu``, ``cuda``, ``cuda:N``, ``auto``; default the CPU) is where the model and a checkpoint's
    optimizer state go: a file holds no device, so a file from any device loads on any other.
    ``max_bytes`` caps the file's size; ``max_spec_model_bytes`` the weights a spec file (no weights
    of its own) may make load allocate.
    """
    place = None if device is None else resolve_device(device)
    document = read_document(path, max_bytes)
    kind, spec = document.kind, document.spec
    if kind == "spec":
        model = new_model(spec, max_spec_model_bytes).to(device=place)
        model.eval()
        return LoadedFile(kind, spec, model, document.producer, None)
    records: dict[str, Any] = read_table(document.tensors)
    model = load_model(spec, records).to(device=place)  # before the state: the optimizer's buffers follow
    model.eval()
    if kind == "checkpoint":  # the state's tensors are the records the model did not take
        records = {name: record.to_tensor() for name, record in records.items()}
        decoded = decode_state(document.state, records)
    if records:
        raise SpecError(
            f"{child('tensors', next(iter(records)))}: unexpected tensor "
            "(neither a weight of the model nor named by the state)"
        )
    state = restore_state(spec, model, decoded) if kind == "checkpoint" else None
    return LoadedFile(kind, spec, model, document.producer, state)


def save(model: Sequential, path: str | os.PathLike[str], training: dict[str, Any] | None = None) -> None:
    """Write ``model`` (its registered layers, configs and weights) and an optional training setup to ``path``.

    ``training`` is a spec's ``"training"`` part (dataset, loss, optimizer, ...); ``minidl.load`` gives
    back the same architecture and bit-identical weights.
    """
    _write(path, "model", model_spec(model, training), model_tensors(model))


def save_spec(spec: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a spec without weights: loading it builds a freshly initialised model (seeded by its training seed)."""
    _write(path, "spec", normalize(spec), None)


def save_checkpoint(spec: dict[str, Any], trainer: Trainer, path: str | os.PathLike[str]) -> None:
    """Write everything needed to continue ``trainer``, trained on the normalised ``spec``, exactly."""
    state, state_tensors = encode_state(trainer)
    _write(path, "checkpoint", spec, {**model_tensors(trainer.model), **state_tensors}, state)
