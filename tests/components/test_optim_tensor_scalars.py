"""Optimizers read the learning rate and step count from 0-d tensors (as a compiled step does) to the same result."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.testing import assert_close

CASES = {
    "sgd": lambda p: minidl.SGD(p, lr=0.05),
    "sgd-nesterov-decay": lambda p: minidl.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam": lambda p: minidl.Adam(p, lr=0.01, betas=(0.8, 0.99)),
    "adam-decay": lambda p: minidl.Adam(p, lr=0.01, weight_decay=0.1),
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_tensor_scalars_give_the_numbers_result(make) -> None:
    start = [torch.randn(4, 3, dtype=torch.float64), torch.randn(3, dtype=torch.float64)]
    plain = make([minidl.Parameter(t.clone()) for t in start])
    traced = make([minidl.Parameter(t.clone()) for t in start])
    python_lr = traced.lr
    lr = torch.tensor(python_lr, dtype=torch.float64)
    steps = torch.tensor(0.0, dtype=torch.float64)
    for step in range(12):
        if step == 6:  # a scheduler's change: the number on one side, the tensor on the other
            plain.lr = 0.002
            lr.fill_(0.002)
        for a, b in zip(plain.params, traced.params):
            a.grad.copy_(torch.sin(a.value * (step + 1)))
            b.grad.copy_(torch.sin(b.value * (step + 1)))
        plain.step()
        with traced.tensor_scalars(lr, steps):
            traced.step()
        traced.steps += 1  # the caller advances the Python count, as CompiledStep does
        assert float(steps) == plain.steps == traced.steps
        for i, (a, b) in enumerate(zip(plain.params, traced.params)):
            assert_close(b.value, a.value, f"step {step} parameter {i}", atol=1e-14, rtol=1e-14)
    assert traced.lr == python_lr, "the Python learning rate is back after the block"
