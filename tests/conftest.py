"""Shared fixtures: a seeded RNG for every test (oracle comparisons live in minidl.testing, the kit plugins use)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same global RNG state, whatever ran before it."""
    torch.manual_seed(1234)
