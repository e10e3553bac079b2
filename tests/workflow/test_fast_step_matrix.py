"""Compiled against eager for every built-in optimizer and loss, with Dropout and Tanh, in float64 (about a
minute of compiling: ``python -m pytest -m long tests/workflow/test_fast_step_matrix.py``)."""

from __future__ import annotations

import warnings

import pytest
import torch

import minidl
from minidl.testing import assert_close
from minidl.workflow.fast_step import CompiledStep, CompileFallback
from tests.workflow.test_fast_step import train_side_by_side

pytestmark = pytest.mark.long

OPTIMIZERS = {
    "sgd": lambda p: minidl.SGD(p, lr=0.05),
    "sgd-nesterov-decay": lambda p: minidl.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2),
    "sgd-dampening": lambda p: minidl.SGD(p, lr=0.05, momentum=0.5, dampening=0.3),
    "adam": lambda p: minidl.Adam(p, lr=1e-2, betas=(0.8, 0.99)),
    "adam-decay": lambda p: minidl.Adam(p, lr=1e-2, weight_decay=0.1),
}
LOSSES = {
    "mse": (minidl.MSELoss, lambda n: torch.rand(n, 3, dtype=torch.float64)),
    "cross-entropy": (minidl.CrossEntropyLoss, lambda n: torch.randint(0, 3, (n,))),
}


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("optimizer_name", OPTIMIZERS)
def test_compiled_equals_eager(optimizer_name: str, loss_name: str) -> None:
    make_loss, make_targets = LOSSES[loss_name]

    def build() -> tuple:
        torch.manual_seed(0)
        model = minidl.Sequential(
            minidl.Linear(4, 8),
            minidl.Tanh(),
            minidl.Dropout(0.1),
            minidl.Linear(8, 8),
            minidl.ReLU(),
            minidl.Linear(8, 3),
        ).double()
        return model, make_loss(), OPTIMIZERS[optimizer_name](model.param())

    def halve_lr(epoch: int, optimizer: minidl.Optimizer) -> None:
        optimizer.lr *= 0.5 if epoch else 1.0

    eager, fast = build(), build()
    compiled = CompiledStep(*fast)
    xs = torch.rand(3, 6, 16, 4, dtype=torch.float64)
    ys = make_targets(3 * 6 * 16).view(3, 6, 16, *((3,) if loss_name == "mse" else ()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallback)
        train_side_by_side(eager, compiled, xs, ys, halve_lr)
    assert compiled.compilations == 1
    for i, (a, b) in enumerate(zip(fast[0].param(), eager[0].param())):
        assert_close(a.value, b.value, f"parameter {i}", atol=1e-12, rtol=1e-12)
