"""A model's weights as a safetensors file, for other tools, and a model from one.

The tensors have the names a ``.minidl`` file gives them (``layers.0.weight``, ``layers.1.running_mean``);
the metadata holds the spec and its producer as JSON (``minidl.spec``, ``minidl.producer``), so the file
alone can rebuild the model, and ``format: pt`` as PyTorch's tools write it.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Any

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import SpecError
from minidl.workflow.export import safetensors_format
from minidl.workflow.files import LoadedFile
from minidl.workflow.files.atomic import atomic_write
from minidl.workflow.files.checks import child
from minidl.workflow.files.document import MAX_FILE_BYTES, producer_of, read_producer, read_spec
from minidl.workflow.files.model import load_model, model_spec, model_tensors

SPEC_KEY, PRODUCER_KEY = "minidl.spec", "minidl.producer"


def save_safetensors(model: Sequential, path: str | os.PathLike[str], training: dict[str, Any] | None = None) -> None:
    """Write ``model``'s weights and buffers to ``path`` as safetensors, its spec (and ``training``) as metadata."""
    spec = model_spec(model, training)
    metadata = {"format": "pt", SPEC_KEY: json.dumps(spec), PRODUCER_KEY: json.dumps(producer_of(spec))}
    tensors = model_tensors(model)
    atomic_write(path, lambda file: safetensors_format.write(file, tensors, metadata))


def load_safetensors(
    path: str | os.PathLike[str], spec: dict[str, Any] | None = None, *, max_bytes: int = MAX_FILE_BYTES
) -> LoadedFile:
    """The model of ``spec`` with the weights in the safetensors file at ``path`` (a model-kind LoadedFile).

    Without ``spec``, the one in the file's metadata (written by :func:`save_safetensors`) is used.
    Every tensor of the model must be in the file with its name, shape and the spec's dtype, and the
    file must hold nothing else; otherwise a SpecError names the tensor.
    """
    where = str(path)
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise SpecError(f"{where}: not a regular file")
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > max_bytes:
            raise SpecError(f"{where}: {size} bytes is more than the limit of {max_bytes} (pass max_bytes to load it)")
        entries, metadata = safetensors_format.read_header(file, size, where)
        spec, producer = _spec(spec, metadata, child(where, safetensors_format.METADATA))
        model = load_model(spec, entries, where)  # an Entry reads like a .minidl file's Record
    if entries:
        raise SpecError(f"{next(iter(entries.values())).where}: unexpected tensor (not a weight of the spec's model)")
    return LoadedFile("model", spec, model, producer, None)


def _spec(given: dict[str, Any] | None, metadata: dict[str, str], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The normalised spec (the given one, else the metadata's) and the producer that goes with it."""
    if given is not None:
        spec = read_spec(given, {"components": []})
        return spec, producer_of(spec)
    if SPEC_KEY not in metadata:
        raise SpecError(f"{where}: has no {SPEC_KEY!r}, so which model the weights belong to is unknown: give a spec")
    producer = {"minidl": "unknown", "components": []}
    if PRODUCER_KEY in metadata:
        at = child(where, PRODUCER_KEY)
        producer = read_producer(safetensors_format.strict_json(metadata[PRODUCER_KEY], at), at)
    at = child(where, SPEC_KEY)
    value = safetensors_format.strict_json(metadata[SPEC_KEY], at)  # its errors name the place already
    try:
        return read_spec(value, producer), producer
    except SpecError as error:
        raise SpecError(f"{at}: {error}") from None
