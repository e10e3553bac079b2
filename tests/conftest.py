"""Shared fixtures: seeded RNG and float64 helpers for oracle tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    torch.manual_seed(1234)


def assert_close(actual: torch.Tensor, expected: torch.Tensor, tol: float = 1e-10, what: str = "") -> None:
    """Absolute-and-relative float64 comparison with a message naming what differed."""
    assert actual.shape == expected.shape, f"{what}: shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    torch.testing.assert_close(actual, expected, atol=tol, rtol=tol, msg=lambda m: f"{what}: {m}")
