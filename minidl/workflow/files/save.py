"""Writing spec, model and checkpoint files (atomically; tensors streamed, never packed in memory at once)."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

import msgpack
import torch

from minidl.components.modules.sequential import Sequential
from minidl.workflow.files.atomic import atomic_write
from minidl.workflow.files.format import FORMAT_ID, FORMAT_VERSION
from minidl.workflow.files.model import model_spec, model_tensors
from minidl.workflow.files.producer import producer_of
from minidl.workflow.files.state import encode_state
from minidl.workflow.files.tensors import write_table
from minidl.workflow.spec import normalize
from minidl.workflow.trainer import Trainer


def save(model: Sequential, path: str | os.PathLike[str], training: dict[str, Any] | None = None) -> None:
    """Write ``model`` (its registered layers, configs and weights) and an optional training setup to ``path``.

    ``training`` is a spec's ``"training"`` part (dataset, loss, optimizer, ...); ``minidl.load`` gives
    back the same architecture and bit-identical weights.
    """
    write_file(path, "model", model_spec(model, training), model_tensors(model))


def save_spec(spec: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a spec without weights: loading it builds a freshly initialised model (seeded by its training seed)."""
    write_file(path, "spec", normalize(spec), None)


def save_checkpoint(spec: dict[str, Any], trainer: Trainer, path: str | os.PathLike[str]) -> None:
    """Write everything needed to continue ``trainer``, trained on the normalised ``spec``, exactly."""
    state, state_tensors = encode_state(trainer)
    write_file(path, "checkpoint", spec, {**model_tensors(trainer.model), **state_tensors}, state)


def write_file(
    path: str | os.PathLike[str],
    kind: str,
    spec: dict[str, Any],
    tensors: dict[str, torch.Tensor] | None,
    state: dict[str, Any] | None = None,
) -> None:
    """One msgpack map: format, version, producer, kind, spec, [state,] tensors (last, streamed)."""
    header: dict[str, Any] = {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION,
        "producer": producer_of(spec),
        "kind": kind,
        "spec": spec,
    }
    if state is not None:
        header["state"] = state

    def write(file: BinaryIO) -> None:
        packer = msgpack.Packer()
        file.write(packer.pack_map_header(len(header) + 1))
        for key, value in header.items():
            file.write(packer.pack(key) + packer.pack(value))
        file.write(packer.pack("tensors"))
        if tensors is None:
            file.write(packer.pack(None))
        else:
            write_table(file, tensors)

    atomic_write(path, write)
