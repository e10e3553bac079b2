"""Small specs and files for the file-format tests, and raw access to a file's msgpack document."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import msgpack
import pytest

import minidl
from minidl.workflow.files import atomic


def tiny_spec(*, dropout: bool = False, dtype: str = "float32", epochs: int = 4, seed: int = 0) -> dict[str, Any]:
    """The default recipe, shrunk so that a few epochs take milliseconds."""
    layers: list[dict[str, Any]] = [
        {"component": "Linear", "config": {"in_features": 2, "out_features": 8}},
        {"component": "ReLU"},
    ]
    if dropout:
        layers.append({"component": "Dropout", "config": {"p": 0.2}})
    layers.append({"component": "Linear", "config": {"in_features": 8, "out_features": 2}})
    spec = minidl.default_spec(epochs=epochs, seed=seed, batch_size=20)
    spec["model"] = {"layers": layers, "init": {"component": "default"}, "dtype": dtype}
    spec["training"]["dataset"]["config"] = {"n_train": 200, "n_test": 100}
    return spec


def save_model(path: Path, *, dtype: str = "float32", dropout: bool = False) -> Path:
    spec = tiny_spec(dtype=dtype, dropout=dropout)
    minidl.save(minidl.build_model(spec, seed=3), path, training=spec["training"])
    return path


def save_checkpoint(path: Path, epochs: int = 2) -> Path:
    run = minidl.Run(tiny_spec(dropout=True, epochs=epochs + 2))
    run.fit(epochs)
    run.save_checkpoint(path)
    return path


def read_doc(path: Path) -> dict[str, Any]:
    return msgpack.unpackb(path.read_bytes(), raw=False)


def write_doc(path: Path, document: Any) -> Path:
    path.write_bytes(msgpack.packb(document))
    return path


def refuse_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every folder refuse the writer's temporary file (chmod is no test when the tests run as root)."""

    def refuse(folder: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(atomic, "_create_temporary", refuse)
