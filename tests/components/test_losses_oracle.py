"""Losses: value and gradient equal torch.nn's (mean reduction) in float64; stable for large logits."""

from __future__ import annotations

import pytest
import torch

import minidl
from tests.conftest import assert_close


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (10, 2), (33, 7)])
def test_mse(shape: tuple[int, int]) -> None:
    pred, target = torch.randn(*shape, dtype=torch.float64), torch.randn(*shape, dtype=torch.float64)
    loss = minidl.MSELoss()
    value = loss.forward(pred, target)
    grad = loss.backward()
    leaf = pred.clone().requires_grad_(True)
    ref = torch.nn.MSELoss()(leaf, target)
    ref.backward()
    assert_close(value, ref.detach(), what="MSE value")
    assert_close(grad, leaf.grad, what="MSE gradient")


@pytest.mark.parametrize("batch,classes", [(1, 2), (10, 2), (64, 5), (3, 11)])
@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_cross_entropy(batch: int, classes: int, scale: float) -> None:
    pred = torch.randn(batch, classes, dtype=torch.float64) * scale
    target = torch.randint(0, classes, (batch,))
    loss = minidl.CrossEntropyLoss()
    value = loss.forward(pred, target)
    grad = loss.backward()
    leaf = pred.clone().requires_grad_(True)
    ref = torch.nn.CrossEntropyLoss()(leaf, target)
    ref.backward()
    assert torch.isfinite(value)
    assert_close(value, ref.detach(), tol=1e-10 * scale, what="CE value")
    assert_close(grad, leaf.grad, what="CE gradient")


def test_cross_entropy_huge_logits_do_not_overflow() -> None:
    pred = torch.tensor([[1e30, -1e30], [0.0, 1e30]], dtype=torch.float32)
    loss = minidl.CrossEntropyLoss()
    assert torch.isfinite(loss(pred, torch.tensor([0, 0])))
    assert torch.isfinite(loss.backward()).all()
