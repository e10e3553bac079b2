"""A plugin distribution whose components raise where their configuration says: for the run-time error tests.

Each component is an ordinary minidl component until its ``fail`` (or ``fail_at``) value says otherwise,
so a spec names the failure it wants: ``{"component": "Faulty", "config": {"fail": "backward"}}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from minidl import registry
from tests.registry import fake_plugins

DISTRIBUTION, VERSION = "minidl-faulty", "0.3.1"

SOURCE = '''
from typing import Annotated, Literal

import torch
import minidl
from minidl.registry import hookimpl

Stage = Literal[
    "none", "constructor", "reset_parameters", "train_forward", "eval_forward", "backward", "gradient_shape", "dtype"
]


class Faulty(minidl.Module):
    """The identity, except at its ``fail`` stage (forward in training or evaluation mode, backward...)."""

    def __init__(self, fail: Stage = "none") -> None:
        super().__init__()
        if fail == "constructor":
            raise ZeroDivisionError("the constructor failed")
        self.fail = fail
        self.weight = minidl.Parameter(torch.zeros(1))

    def reset_parameters(self, initializer) -> None:
        if self.fail == "reset_parameters":
            raise IndexError("no such dimension")

    def forward(self, x):
        if self.fail == ("train_forward" if self.training else "eval_forward"):
            raise ValueError("the forward failed\\nsecond line")
        return x.double() if self.fail == "dtype" else x  # the layer after it then fails on it

    def backward(self, g):
        if self.fail == "backward":
            raise KeyError("the backward failed")
        return g[:, :1] if self.fail == "gradient_shape" else g  # the layer below then fails on it


class Doubling(minidl.Elementwise):
    """Keeps its declared ``factor`` changed: what it would save is not what it was built with."""

    def __init__(self, factor: float = 1.0) -> None:
        super().__init__()
        self.factor = 2 * factor

    def function(self, x):
        return self.factor * x

    def derivative(self, x, out):
        return torch.full_like(x, self.factor)


class FaultyLoss(minidl.CrossEntropyLoss):
    """Cross-entropy whose backward fails."""

    def backward(self):
        raise RuntimeError("the loss backward failed")


class NarrowLoss(minidl.CrossEntropyLoss):
    """Cross-entropy whose backward returns only the first column of its gradient."""

    def backward(self):
        return super().backward()[:, :1]


class FaultySGD(minidl.SGD):
    """SGD whose step number ``fail_at`` fails (the trial step before training is number 1)."""

    def __init__(self, params, lr: float = 0.01, fail_at: int = 2) -> None:
        super().__init__(params, lr=lr)
        self.fail_at = fail_at

    def step(self) -> None:
        if self.steps + 1 == self.fail_at:
            raise ArithmeticError("the step failed")
        super().step()


class ReplacingSGD(minidl.SGD):
    """SGD that assigns a new tensor to each parameter instead of updating it in place."""

    def step(self) -> None:
        for p in self.params:
            p.value = p.value - self.lr * p.grad


class FaultyScheduler(minidl.Scheduler):
    """Fails at its first step."""

    def step(self, metric: float) -> None:
        raise TypeError("the scheduler failed")


class FaultyData(minidl.Circle):
    """The circle, except that loading fails."""

    def sample(self, n, generator):
        if n > 2:  # the memory check samples two points
            raise OSError(28, "no space left on the fake device")
        return super().sample(n, generator)


class FaultyInit(minidl.Initializer):
    """Fails on every weight."""

    def fill(self, weight, bias) -> None:
        raise ValueError("the initializer failed")


@hookimpl
def register_modules(register):
    register(Faulty)
    register(Doubling)

@hookimpl
def register_losses(register):
    register(FaultyLoss)
    register(NarrowLoss)

@hookimpl
def register_optimizers(register):
    register(FaultySGD)
    register(ReplacingSGD)

@hookimpl
def register_schedulers(register):
    register(FaultyScheduler)

@hookimpl
def register_datasets(register):
    register(FaultyData, name="faulty_circle")

@hookimpl
def register_initializers(register):
    register(FaultyInit, name="faulty_init")
'''


@contextmanager
def install(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the distribution visible on ``sys.path`` for one test, with a fresh registry before and after."""
    monkeypatch.syspath_prepend(str(root))
    for var in ("MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS", "MINIDL_STRICT_PLUGINS", "MINIDL_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    fake_plugins.make_distribution(root, DISTRIBUTION, VERSION, "minidl_faulty", SOURCE)
    registry.reload()
    yield
    registry.reload()


def small_spec(layer: dict | None = None, **training: object) -> dict:
    """A tiny network (with ``layer`` after the first Linear) and data set, trained for two epochs."""
    layers = [{"component": "Linear", "config": {"in_features": 2, "out_features": 4}}]
    layers += [layer] if layer else []
    layers += [{"component": "Linear", "config": {"in_features": 4, "out_features": 2}}]
    return {
        "model": {"layers": layers},
        "training": {
            "dataset": {"component": "circle", "config": {"n_train": 40, "n_test": 20}},
            "loss": {"component": "CrossEntropyLoss"},
            "optimizer": {"component": "SGD", "config": {"lr": 0.1}},
            "scheduler": None,
            "epochs": 2,
            "batch_size": 10,
            "seed": 0,
            **training,
        },
    }
