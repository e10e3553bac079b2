"""Reading files: every malformed file raises SpecError naming the place; a valid one gives a LoadedFile."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import ConfigError, SpecError
from minidl.version import __version__
from minidl.workflow.files.checks import child, expect_int, expect_map, expect_str
from minidl.workflow.files.decode import read_document
from minidl.workflow.files.format import FILE_KINDS, FORMAT_ID, FORMAT_VERSION, MAX_FILE_BYTES, MAX_SPEC_MODEL_BYTES
from minidl.workflow.files.model import load_model, new_model
from minidl.workflow.files.producer import install_hint, minidl_version_of, read_producer
from minidl.workflow.files.restore import check_restorable
from minidl.workflow.files.state import decode_state
from minidl.workflow.files.tensors import read_table
from minidl.workflow.spec import normalize

_KEYS = {"format", "version", "producer", "kind", "spec", "tensors"}


@dataclass(frozen=True)
class LoadedFile:
    """What a file holds: its kind (spec, model or checkpoint), normalised spec, model and training state.

    ``model`` is in evaluation mode, ready to predict (``loaded.model(x)``; Dropout off, BatchNorm on its
    running statistics); a Trainer switches it to training mode for each epoch by itself.
    ``minidl.Run.from_file(loaded)`` trains it further (a checkpoint exactly where it stopped).
    """

    kind: str
    spec: dict[str, Any]
    model: Sequential
    producer: dict[str, Any]
    trainer_state: dict[str, Any] | None


def load(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES, max_spec_model_bytes: int = MAX_SPEC_MODEL_BYTES
) -> LoadedFile:
    """Read a ``.minidl`` file of any supported format version; raises SpecError if it is malformed.

    Returns a :class:`LoadedFile`; its ``model`` is in evaluation mode.

    ``max_bytes`` caps the file's size; ``max_spec_model_bytes`` the weights a spec file (no weights
    of its own) may make load allocate.
    """
    heads: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def check_head(entries: dict[str, Any], table_follows: bool) -> None:
        """Everything before the tensor table, checked before any tensor's bytes are read."""
        kind, producer, spec = _read_head(entries, tensors_follow=True)
        if kind == "spec" and table_follows:
            raise SpecError("tensors: expected nil in a spec file (a spec has no weights)")
        heads.append((kind, producer, spec))

    document = read_document(path, max_bytes, check_head)
    kind, producer, spec = heads[0] if heads else _read_head(document, tensors_follow=False)
    if kind == "spec":
        if document["tensors"] is not None:
            raise SpecError("tensors: expected nil in a spec file (a spec has no weights)")
        model = new_model(spec, max_spec_model_bytes)
        model.eval()
        return LoadedFile(kind, spec, model, producer, None)
    records: dict[str, Any] = read_table(document.pop("tensors"))
    model = load_model(spec, records)
    state = None
    if kind == "checkpoint":
        records = {name: record.to_tensor() for name, record in records.items()}
        state = decode_state(document["state"], records)
    if records:
        raise SpecError(
            f"{child('tensors', next(iter(records)))}: unexpected tensor "
            "(neither a weight of the model nor named by the state)"
        )
    if state is not None:
        check_restorable(spec, model, state)
    model.eval()
    return LoadedFile(kind, spec, model, producer, state)


def _read_head(entries: dict[str, Any], tensors_follow: bool) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Kind, producer and normalised spec of the top-level entries (without ``tensors`` if it is still to come)."""
    kind = _read_header(entries, tensors_follow)
    producer = read_producer(entries["producer"])
    return kind, producer, _read_spec(entries["spec"], producer)


def _read_header(document: dict[str, Any], tensors_follow: bool) -> str:
    if not isinstance(document, dict) or document.get("format") != FORMAT_ID:
        raise SpecError(f"format: expected {FORMAT_ID!r} (this is not a minidl file)")
    version = expect_int(document.get("version"), "version", 1)
    if version > FORMAT_VERSION:
        needed = minidl_version_of(document)
        raise SpecError(
            f"version: this file has format version {version}, but minidl {__version__} reads versions up to "
            f"{FORMAT_VERSION}; it was written by minidl {needed}: install minidl>={needed}"
        )
    kind = expect_str(document.get("kind"), "kind")
    if kind not in FILE_KINDS:
        raise SpecError(f"kind: expected one of {', '.join(FILE_KINDS)}, got {kind!r}")
    keys = _KEYS | ({"state"} if kind == "checkpoint" else set())
    expect_map(document, "", keys - ({"tensors"} if tensors_follow else set()))
    return kind


def _read_spec(value: Any, producer: dict[str, Any]) -> dict[str, Any]:
    """The normalised spec; an unknown component's message says which distribution provided it."""
    try:
        return normalize(value, "spec")
    except ConfigError as error:
        raise SpecError(str(error)) from None
    except LookupError as error:
        hint = install_hint(producer, str(error))
        raise SpecError(f"{error}" + (f" ({hint})" if hint else "")) from None
