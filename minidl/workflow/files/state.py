"""A checkpoint's training state: optimizer, scheduler, epoch, history and random generators.

In the file, every tensor of ``Trainer.state_dict()`` lives in the tensor table and the state names it
(``"optimizer.exp_avg.0"``, ``"rng.torch"``); everything else is plain data. Reading checks the
structure (:func:`decode_state`), then builds the spec's optimizer and scheduler on the loaded model
and loads the state into them (:func:`restore_state`): a file is judged by the very objects that
resume it, once, and a run goes on with them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import torch

from minidl.components.modules.sequential import Sequential
from minidl.components.optim.optimizer import Optimizer
from minidl.components.schedulers import Scheduler
from minidl.core.errors import SpecError
from minidl.workflow.files.checks import (
    as_spec_error,
    child,
    create,
    expect_dict,
    expect_int,
    expect_list,
    expect_map,
    expect_str,
    fail,
)
from minidl.workflow.trainer import EpochMetrics, Trainer

_METRICS = tuple(f.name for f in fields(EpochMetrics))
_RNGS = ("shuffle", "torch")


@dataclass(frozen=True)
class TrainingState:
    """What a run continues from: the optimizer and scheduler holding their state, the epochs done, the generators."""

    optimizer: Optimizer
    scheduler: Scheduler | None
    history: list[EpochMetrics]
    rng: dict[str, torch.Tensor]


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
    """Check the state's structure and put the named tensors back (``Trainer.state_dict()``'s form).

    The tensors it names are taken out of ``tensors``, so what is left there is named by nothing.
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


def restore_state(
    spec: dict[str, Any], model: Sequential, state: dict[str, Any], where: str = "state"
) -> TrainingState:
    """The spec's optimizer and scheduler on ``model``, holding the decoded ``state``; a mismatch is a SpecError."""
    training = spec["training"]
    if training is None:
        raise SpecError("spec.training: a checkpoint needs a training setup, got nil")
    params = model.param()
    optimizer = create("optimizer", training["optimizer"], "spec.training.optimizer", params)
    for key, tensors in state["optimizer"]["state"].items():
        for i, (tensor, pair) in enumerate(zip(tensors or [], params)):
            if tensor.dtype != pair.value.dtype:
                raise SpecError(
                    f"{where}.optimizer.state.{key}[{i}]: expected dtype {pair.value.dtype}, got {tensor.dtype}"
                )
    _load(optimizer, state["optimizer"], f"{where}.optimizer")
    scheduler = _scheduler(training["scheduler"], state["scheduler"], optimizer, f"{where}.scheduler")
    for key, tensor in state["rng"].items():
        try:
            torch.Generator().set_state(tensor)
        except (RuntimeError, TypeError) as error:
            raise SpecError(f"{where}.rng.{key}: not a CPU generator state ({error})") from None
    return TrainingState(optimizer, scheduler, [EpochMetrics(**m) for m in state["history"]], state["rng"])


def _scheduler(
    ref: dict[str, Any] | None, saved: dict[str, Any] | None, optimizer: Optimizer, where: str
) -> Scheduler | None:
    if (ref is None) != (saved is None):
        raise SpecError(f"{where}: expected {'nil' if ref is None else 'a map'} to match spec.training.scheduler")
    if ref is None or saved is None:
        return None
    scheduler = create("scheduler", ref, "spec.training.scheduler", optimizer)
    expected = {"config", *scheduler.state_keys}
    for key in sorted(set(saved) | expected):
        if key not in expected:
            raise SpecError(f"{where}.{key}: unexpected key (expected {', '.join(sorted(expected))})")
        if key not in saved:
            raise SpecError(f"{where}.{key}: missing")
        fresh = getattr(scheduler, key, None)
        if key != "config" and type(saved[key]) is not type(fresh):
            fail(f"{where}.{key}", type(fresh).__name__, saved[key])
    _load(scheduler, saved, where)
    return scheduler


def _load(component: Optimizer | Scheduler, state: dict[str, Any], where: str) -> None:
    with as_spec_error(where):
        component.load_state_dict(state)


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
