"""Shared pieces of the conformance kit: comparisons with readable failures, fixed randomness."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import torch

from minidl.core.module import Module

Check = TypeVar("Check", bound=Callable[..., None])


def kit_check(check: Check) -> Check:
    """Report whatever a component raises inside ``check`` as the check's own failure.

    A module that mishandles its input (a raw ``RuntimeError`` from a matrix product, an ``IndexError``)
    then fails with an AssertionError naming the check, the component and the input's shape, like any
    other failed check, instead of a traceback the author has to decode.
    """

    signature = inspect.signature(check)

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:  # the test's call is wrong, not the component: say so, not "<component> raised"
            raise TypeError(f"{check.__name__}: {error}") from None
        try:
            check(*args, **kwargs)
        except AssertionError:
            raise
        except Exception as error:
            given = signature.bind_partial(*args, **kwargs).arguments
            shapes = [tuple(a.shape) for a in given.values() if isinstance(a, torch.Tensor)]
            shape = given.get("input_shape", shapes[0] if shapes else None)
            raise AssertionError(
                f"{check.__name__}: {_subject(args)} raised {type(error).__name__}: {error}"
                + (f" (input shape {tuple(shape)})" if shape is not None else "")
            ) from error

    return run  # type: ignore[return-value]


def _subject(args: tuple[Any, ...]) -> str:
    if not args:
        return "the component"
    first = args[0]
    return first.__name__ if isinstance(first, type) else type(first).__name__


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
