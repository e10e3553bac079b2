"""Shared pieces of the conformance kit: comparisons with readable failures, dotted names, fixed randomness."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from minidl.core.module import Module, Parameter


def assert_close(actual: torch.Tensor, expected: torch.Tensor, what: str, *, atol: float, rtol: float = 0.0) -> None:
    """Raise an AssertionError naming ``what``, the worst element and both values unless ``|a-e| <= atol+rtol|e|``."""
    if actual.shape != expected.shape:
        raise AssertionError(f"{what}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    actual, expected = actual.detach().double().cpu(), expected.detach().double().cpu()
    excess = (actual - expected).abs() - (atol + rtol * expected.abs())
    if excess.numel() and not bool((excess <= 0).all()):
        bad = excess.nan_to_num(float("inf")).argmax()
        index = tuple(int(i) for i in torch.unravel_index(bad, actual.shape)) if actual.dim() else ()
        raise AssertionError(
            f"{what}: differs at index {index}: got {actual.reshape(-1)[bad].item()!r}, expected "
            f"{expected.reshape(-1)[bad].item()!r} (tolerance atol={atol:g}, rtol={rtol:g})"
        )


def named_parameters(module: Module, prefix: str = "") -> list[tuple[str, Parameter]]:
    """Every parameter with a dotted name (``0.weight`` for a Sequential's first layer, as in PyTorch)."""
    out = [(prefix + name, p) for name, p in module.named_parameters()]
    for i, child in enumerate(module.children()):
        out += named_parameters(child, f"{prefix}{i}.")
    return out


def named_buffers(module: Module, prefix: str = "") -> list[tuple[str, torch.Tensor]]:
    """Every buffer (running statistics) with a dotted name, like :func:`named_parameters`."""
    out = [(prefix + name, t) for name, t in module.named_buffers()]
    for i, child in enumerate(module.children()):
        out += named_buffers(child, f"{prefix}{i}.")
    return out


@contextlib.contextmanager
def isolated_rng(seed: int, device: torch.device) -> Iterator[None]:
    """Seed torch's global generators for the checks and give the caller's state back afterwards."""
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def seeded_forward(module: Module, x: torch.Tensor, seed: int) -> torch.Tensor:
    """``module.forward(x)`` with the global generator reseeded: a random module draws the same mask each call."""
    torch.manual_seed(seed)
    return module.forward(x)
