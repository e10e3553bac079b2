"""A chain of modules: forward runs them in order, backward in reverse."""

from __future__ import annotations

from collections.abc import Iterator
from types import FrameType

import torch

from minidl.core.errors import ConfigError
from minidl.core.module import Module


class Sequential(Module):
    """``Sequential(m1, m2, ...)``: iterable, indexable and sized like a list of its modules."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise ConfigError(f"Sequential: item {i} is {type(m).__name__}, expected a minidl Module")
        self._modules = list(modules)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for m in self._modules:
            x = m.forward(x)
        return x

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        for m in reversed(self._modules):
            grad_output = m.backward(grad_output)
        return grad_output

    def running_layer(self, frame: FrameType) -> int | None:
        """The index of the layer that this Sequential's ``forward`` or ``backward`` ``frame`` was running.

        For naming a failed layer after the fact, from a traceback (the loops above stay as fast as they are).
        A module placed twice in the chain is found at its first place.
        """
        if frame.f_code not in (Sequential.forward.__code__, Sequential.backward.__code__):
            return None
        running = frame.f_locals.get("m")  # the loop variable of forward and backward
        return next((i for i, layer in enumerate(self._modules) if layer is running), None)

    def children(self) -> list[Module]:
        return list(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int | slice) -> Module:
        if isinstance(index, slice):
            return Sequential(*self._modules[index])
        return self._modules[index]
