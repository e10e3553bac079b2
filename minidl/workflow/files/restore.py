"""Checking, at load time, that a checkpoint's training state fits its spec and model.

The check builds the spec's optimizer and scheduler on the loaded model and loads the state into them,
so a file is judged by the same code that will resume it; a mismatch is a SpecError naming the state.
"""

from __future__ import annotations

from typing import Any

import torch

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import SpecError
from minidl.workflow.files.checks import as_spec_error, create, fail


def check_restorable(spec: dict[str, Any], model: Sequential, state: dict[str, Any], where: str = "state") -> None:
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
    _check_scheduler(training["scheduler"], state["scheduler"], optimizer, f"{where}.scheduler")
    for key, tensor in state["rng"].items():
        try:
            torch.Generator().set_state(tensor)
        except (RuntimeError, TypeError) as error:
            raise SpecError(f"{where}.rng.{key}: not a CPU generator state ({error})") from None


def _check_scheduler(ref: dict[str, Any] | None, saved: dict[str, Any] | None, optimizer: Any, where: str) -> None:
    if (ref is None) != (saved is None):
        raise SpecError(f"{where}: expected {'nil' if ref is None else 'a map'} to match spec.training.scheduler")
    if ref is None or saved is None:
        return
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


def _load(component: Any, state: dict[str, Any], where: str) -> None:
    with as_spec_error(where):
        component.load_state_dict(state)
