"""A checkpoint's training state: optimizer, scheduler, epoch, history and random generators.

In the file, every tensor of ``Trainer.state_dict()`` lives in the tensor table and the state names it
(``"optimizer.exp_avg.0"``, ``"rng.torch"``); everything else is plain data.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import torch

from minidl.core.errors import SpecError
from minidl.workflow.files.checks import child, expect_dict, expect_int, expect_list, expect_map, expect_str, fail
from minidl.workflow.trainer import EpochMetrics, Trainer

_METRICS = tuple(f.name for f in fields(EpochMetrics))
_RNGS = ("shuffle", "torch")


def encode_state(trainer: Trainer) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The trainer's state as plain data, and the tensors it names."""
    state = trainer.state_dict()
    tensors: dict[str, torch.Tensor] = {}

    def ref(name: str, tensor: torch.Tensor) -> str:
        tensors[name] = tensor
        return name

    optimizer = state["optimizer"]
    buffers = {
        key: None if value is None else [ref(f"optimizer.{key}.{i}", t) for i, t in enumerate(value)]
        for key, value in optimizer["state"].items()
    }
    plain = {
        "epoch": trainer.epoch,
        "history": state["history"],
        "optimizer": {"config": optimizer["config"], "steps": optimizer["steps"], "state": buffers},
        "scheduler": state["scheduler"],
        "rng": {key: ref(f"rng.{key}", state["rng"][key]) for key in _RNGS},
    }
    return plain, tensors


def decode_state(value: Any, tensors: dict[str, torch.Tensor], where: str = "state") -> dict[str, Any]:
    """Check the state's structure and put the named tensors back: a ``Trainer.load_state_dict`` argument.

    The tensors it names are taken out of ``tensors``, so what is left there is named by nothing.
    Whether the optimizer and scheduler accept it is checked by :func:`minidl.workflow.files.restore`.
    """
    state = expect_map(value, where, {"epoch", "history", "optimizer", "scheduler", "rng"})
    history = [
        _metrics(m, child(f"{where}.history", i), i + 1)
        for i, m in enumerate(expect_list(state["history"], f"{where}.history"))
    ]
    epoch = expect_int(state["epoch"], f"{where}.epoch")
    if epoch != len(history):
        raise SpecError(f"{where}.epoch: expected {len(history)} (the number of epochs in the history), got {epoch}")

    def tensor(name: Any, at: str) -> torch.Tensor:
        if expect_str(name, at) not in tensors:
            raise SpecError(f"{at}: names tensor {name!r}, which is not in the tensor table (or is named twice)")
        return tensors.pop(name)

    optimizer = expect_map(state["optimizer"], f"{where}.optimizer", {"config", "steps", "state"})
    at = f"{where}.optimizer.state"
    buffers = expect_dict(optimizer["state"], at)
    scheduler = None if state["scheduler"] is None else expect_dict(state["scheduler"], f"{where}.scheduler")
    rng = expect_map(state["rng"], f"{where}.rng", set(_RNGS))
    return {
        "optimizer": {
            "config": expect_dict(optimizer["config"], f"{where}.optimizer.config"),
            "steps": expect_int(optimizer["steps"], f"{where}.optimizer.steps"),
            "state": {
                key: None
                if names is None
                else [tensor(n, child(child(at, key), i)) for i, n in enumerate(expect_list(names, child(at, key)))]
                for key, names in buffers.items()
            },
        },
        "scheduler": scheduler,
        "history": history,
        "rng": {key: tensor(rng[key], f"{where}.rng.{key}") for key in _RNGS},
    }


def _metrics(value: Any, where: str, epoch: int) -> dict[str, Any]:
    metrics = expect_map(value, where, set(_METRICS))
    if expect_int(metrics["epoch"], f"{where}.epoch") != epoch:
        raise SpecError(
            f"{where}.epoch: expected {epoch} (epochs are numbered from 1 in order), got {metrics['epoch']}"
        )
    for key in _METRICS:
        if key != "epoch" and not isinstance(metrics[key], float):
            fail(f"{where}.{key}", "a float", metrics[key])
    return metrics
