"""Losses: value and gradient equal torch.nn's (mean reduction) in float64, through minidl.testing; large logits."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.testing import assert_close, check_loss

SHAPES = [(1, 1), (1, 2), (10, 2), (33, 7)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_mse(shape: tuple[int, int]) -> None:
    check_loss(minidl.MSELoss, input_shape=shape, reference=torch.nn.MSELoss)


@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] > 1], ids=str)
def test_cross_entropy(shape: tuple[int, int]) -> None:
    check_loss(minidl.CrossEntropyLoss, input_shape=shape, reference=torch.nn.CrossEntropyLoss)


def test_cross_entropy_with_large_logits_matches_torch() -> None:
    """Logits of a thousand: log-sum-exp keeps the value exact where a naive softmax would overflow."""
    pred = torch.randn(64, 5, dtype=torch.float64) * 1e3
    target = torch.randint(0, 5, (64,))
    loss = minidl.CrossEntropyLoss()
    value, grad = loss.forward(pred, target), loss.backward()
    leaf = pred.clone().requires_grad_(True)
    expected = torch.nn.CrossEntropyLoss()(leaf, target)
    expected.backward()
    assert_close(value, expected, "CE value at scale 1e3", atol=1e-7)
    assert_close(grad, leaf.grad, "CE gradient at scale 1e3", atol=1e-10)


def test_cross_entropy_huge_logits_do_not_overflow() -> None:
    pred = torch.tensor([[1e30, -1e30], [0.0, 1e30]], dtype=torch.float32)
    loss = minidl.CrossEntropyLoss()
    assert torch.isfinite(loss(pred, torch.tensor([0, 0])))
    assert torch.isfinite(loss.backward()).all()
