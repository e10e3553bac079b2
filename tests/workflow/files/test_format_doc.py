"""specs/FORMAT.md stands on its own: files written from it with plain msgpack, zlib and struct load and train.

Nothing here uses minidl's writer or torch to make a file: the documents, the little-endian payloads,
the checksums and the generator states are built exactly as the document says. A test also keeps the
document's table of built-in components equal to the registry.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from pathlib import Path
from typing import Any

import msgpack
import pytest
import torch

import minidl
from minidl import registry

ROOT = Path(__file__).resolve().parents[3]
FORMAT_MD = (ROOT / "specs" / "FORMAT.md").read_text()
W1 = [[0.5, -1.0], [0.25, 0.75], [-0.5, 0.125]]  # Linear(2, 3).weight: [out_features, in_features]
B1 = [0.1, -0.2, 0.3]
W2 = [[1.0, -0.5, 0.25], [-1.5, 0.5, 2.0]]
B2 = [0.05, -0.05]


def tensor(dtype: str, shape: list[int], data: bytes) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape, "data": data, "crc32": zlib.crc32(data)}


def float64s(rows: list[Any]) -> dict[str, Any]:
    """A float64 tensor from nested lists: elements in C order, little-endian."""
    flat = [x for row in rows for x in row] if isinstance(rows[0], list) else list(rows)
    shape = [len(rows), len(rows[0])] if isinstance(rows[0], list) else [len(rows)]
    return tensor("float64", shape, struct.pack(f"<{len(flat)}d", *flat))


def generator_state(seed: int) -> dict[str, Any]:
    """torch's CPU generator freshly seeded with ``seed``, laid out as FORMAT.md section 6 says."""
    words = [seed % 2**32]
    for i in range(1, 624):
        words.append((1812433253 * (words[-1] ^ (words[-1] >> 30)) + i) % 2**32)
    data = struct.pack("<QiiQ624Q", seed % 2**32, 1, 1, 0, *words).ljust(5056, b"\x00")
    return tensor("uint8", [5056], data)


def spec(dtype: str = "float64") -> dict[str, Any]:
    return {
        "model": {
            "layers": [
                {"component": "Linear", "config": {"in_features": 2, "out_features": 3}},
                {"component": "ReLU"},
                {"component": "minidl:Linear", "config": {"in_features": 3, "out_features": 2}},
            ],
            "dtype": dtype,
        },
        "training": {
            "dataset": {"component": "circle", "config": {"n_train": 40, "n_test": 20}},
            "loss": {"component": "CrossEntropyLoss"},
            "optimizer": {"component": "SGD", "config": {"lr": 0.1, "momentum": 0.9}},
            "scheduler": {"component": "ReduceLROnPlateau", "config": {"patience": 2}},
            "epochs": 3,
            "batch_size": 10,
            "seed": 4,
        },
    }


def write(path: Path, kind: str, spec: dict[str, Any], tensors: Any, state: Any = None) -> Path:
    """The top-level map: format first, tensors last, state only in a checkpoint."""
    document: dict[str, Any] = {"format": "minidl", "version": 1, "producer": {"minidl": "0.1.0", "components": []}}
    document.update(kind=kind, spec=spec)
    if state is not None:
        document["state"] = state
    document["tensors"] = tensors
    path.write_bytes(msgpack.packb(document))
    return path


def weights() -> dict[str, Any]:
    return {
        "layers.0.weight": float64s(W1),
        "layers.0.bias": float64s(B1),
        "layers.2.weight": float64s(W2),
        "layers.2.bias": float64s(B2),
    }


def by_hand(x: list[float]) -> list[float]:
    """y = relu(x W1^T + b1) W2^T + b2, in plain Python."""
    hidden = [max(0.0, sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(W1, B1)]
    return [sum(w * h for w, h in zip(row, hidden)) + b for row, b in zip(W2, B2)]


def test_a_spec_file_written_from_the_document_loads_and_trains(tmp_path: Path) -> None:
    loaded = minidl.load(write(tmp_path / "s.minidl", "spec", spec(), None))
    assert loaded.kind == "spec" and loaded.spec["model"]["init"]["component"] == "minidl:default"
    expected = minidl.build_model(spec(), seed=4)
    assert all(torch.equal(a.value, b.value) for a, b in zip(loaded.model.param(), expected.param()))
    assert len(minidl.Run.from_file(loaded).fit()) == 3


def test_a_model_file_written_from_the_document_computes_x_w_transposed_plus_b(tmp_path: Path) -> None:
    loaded = minidl.load(write(tmp_path / "m.minidl", "model", {**spec(), "training": None}, weights()))
    points = [[0.3, 0.9], [-1.0, 2.0], [0.0, 0.0]]
    output = loaded.model(torch.tensor(points, dtype=torch.float64))
    for row, x in zip(output.tolist(), points):
        assert all(math.isclose(a, b, rel_tol=1e-15, abs_tol=1e-15) for a, b in zip(row, by_hand(x)))


def checkpoint() -> tuple[dict[str, Any], dict[str, Any]]:
    """The state and tensor table of a checkpoint of ``spec()`` after one epoch, as section 6 says."""
    shapes = [[3, 2], [3], [2, 3], [2]]  # the parameters in the model's order: weight and bias of each Linear
    momentum = {
        f"optimizer.momentum_buffer.{i}": tensor(
            "float64", shape, struct.pack(f"<{math.prod(shape)}d", *[0.02] * math.prod(shape))
        )
        for i, shape in enumerate(shapes)
    }
    history = [
        {
            "epoch": 1,
            "train_loss": 0.7,
            "train_error": 0.4,
            "test_loss": 0.69,
            "test_error": 0.45,
            "lr": 0.1,
            "seconds": 0.01,
        }
    ]
    sgd = {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    plateau = {"mode": "min", "factor": 0.1, "patience": 2, "threshold": 1e-4, "threshold_mode": "rel"}
    state = {
        "epoch": 1,
        "history": history,
        "optimizer": {"config": sgd, "steps": 4, "state": {"momentum_buffer": list(momentum)}},
        "scheduler": {"config": plateau, "best": 0.7, "num_bad_epochs": 0, "cooldown_counter": 0, "last_epoch": 1},
        "rng": {"shuffle": "rng.shuffle", "torch": "rng.torch"},
    }
    tensors = {**weights(), **momentum, "rng.shuffle": generator_state(4), "rng.torch": generator_state(2**32 + 9)}
    return state, tensors


def test_a_checkpoint_written_from_the_document_resumes(tmp_path: Path) -> None:
    state, tensors = checkpoint()
    history = state["history"]
    loaded = minidl.load(write(tmp_path / "c.minidl", "checkpoint", spec(), tensors, state))
    assert loaded.kind == "checkpoint" and [m.as_dict() for m in loaded.state.history] == history
    assert torch.equal(loaded.state.rng["shuffle"], torch.Generator().manual_seed(4).get_state())
    assert torch.equal(loaded.state.rng["torch"], torch.Generator().manual_seed(9).get_state())
    trainer = minidl.Run.from_file(loaded).trainer
    assert trainer.optimizer.steps == 4 and trainer.optimizer.state["momentum_buffer"][1].tolist() == [0.02] * 3
    assert [m.epoch for m in trainer.fit()] == [1, 2, 3]


def test_training_and_its_scheduler_may_be_absent_or_nil(tmp_path: Path) -> None:
    # section 2: both are optional, and nil when present means the same as absent
    no_training = {"model": spec()["model"]}
    assert minidl.load(write(tmp_path / "a.minidl", "spec", no_training, None)).spec["training"] is None
    training = {k: v for k, v in spec()["training"].items() if k != "scheduler"}
    loaded = minidl.load(write(tmp_path / "b.minidl", "spec", {**spec(), "training": training}, None))
    assert loaded.spec["training"]["scheduler"] is None


def test_the_states_configs_take_ints_and_hold_what_a_resumed_run_uses(tmp_path: Path) -> None:
    # section 1: an int for a float parameter in the state's configs; section 6: their values, not the spec's
    state, tensors = checkpoint()
    state["optimizer"]["config"].update(lr=1, momentum=0.5)
    state["scheduler"]["config"].update(threshold=0, factor=0.5)
    trainer = minidl.Run.from_file(
        minidl.load(write(tmp_path / "c.minidl", "checkpoint", spec(), tensors, state))
    ).trainer
    assert (trainer.optimizer.lr, trainer.optimizer.momentum) == (1.0, 0.5)
    assert (trainer.scheduler.threshold, trainer.scheduler.factor) == (0.0, 0.5)


def test_widths_are_chained_when_a_run_is_made_not_when_the_file_is_read(tmp_path: Path) -> None:
    # section 2: minidl.load checks each tensor against its own layer only
    broken = spec()
    broken["model"]["layers"][2]["config"]["in_features"] = 4
    loaded = minidl.load(write(tmp_path / "s.minidl", "spec", broken, None))
    with pytest.raises(minidl.MinidlError, match=r"^spec\.model\.layers\[2\]: "):
        minidl.Run.from_file(loaded)


def test_the_documents_table_of_built_in_components_is_the_registry() -> None:
    for kind in registry.KINDS:
        for name in registry.names(kind, qualified=True):
            if not name.startswith("minidl:"):
                continue
            cells = "; ".join(
                f"`{f.name}`: {f.expected()}"
                + (" (required)" if f.required else f", default {json.dumps(_plain(f.default))}")
                for f in registry.fields(kind, name)
            )
            assert f"| {kind} | `{name}` | {cells or 'none'} |" in FORMAT_MD, name


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
